/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fcopy_abi.h: host-to-guest file copy (class 34d14be3-dee4-41c8-9ae7-6b174977c192,
 * ICMSGTYPE_FCOPY, message version 1.1).  The wire messages after the IC header are
 * upstream's (include/uapi/linux/hyperv.h before 6.10: struct hv_fcopy_hdr,
 * hv_start_fcopy, hv_do_fcopy; file and path names UTF-16LE, W_MAX_PATH characters).
 *
 * The guest ABI on /dev/vmbus/hv_fcopy is upstream's before 6.10 (drivers/hv/hv_fcopy.c,
 * tools/hv/hv_fcopy_daemon.c), so hvis-fcopyd and Debian's hv_fcopy_daemon both work:
 * the daemon writes a u32 version to register (FCOPY_VERSION_1: the driver answers
 * with its own version, one u32 read; FCOPY_VERSION_0: no answer); then each read
 * returns one host message (the bytes after the IC header, checked by the driver),
 * START_FILE_COPY with its names converted to NUL-terminated UTF-8 in the same
 * fields, and the daemon answers each with one u32 status write.
 */
#ifndef _HVIS_FCOPY_ABI_H
#define _HVIS_FCOPY_ABI_H

#include "types.h"

/* Daemon/driver versions (include/uapi/linux/hyperv.h before 6.10). */
#define FCOPY_VERSION_0		0
#define FCOPY_VERSION_1		1
#define FCOPY_CURRENT_VERSION	FCOPY_VERSION_1

#define START_FILE_COPY		0
#define WRITE_TO_FILE		1
#define COMPLETE_FCOPY		2
#define CANCEL_FCOPY		3
#define FCOPY_OP_COUNT		4

#define W_MAX_PATH		260
#define DATA_FRAGMENT		(6 * 1024)

/* copy_flags */
#define OVER_WRITE		0x1
#define CREATE_PATH		0x2

/* Status codes the guest returns (include/linux/hyperv.h). */
#define HV_ERROR_ALREADY_EXISTS	0x80070050u
#define HV_ERROR_DISK_FULL	0x80070070u
#define HV_INVALIDARG		0x80070057u
/*
 * Not in Linux's headers: Windows' E_ACCESSDENIED (winerror.h,
 * HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED = 5)); hvis-fcopyd answers it for a
 * destination path through a symbolic link.
 */
#define HV_E_ACCESSDENIED	0x80070005u

struct hv_fcopy_hdr {
	u32 operation;
	u8 service_id0[16];
	u8 service_id1[16];
} __packed;

struct hv_start_fcopy {
	struct hv_fcopy_hdr hdr;
	u16 file_name[W_MAX_PATH];
	u16 path_name[W_MAX_PATH];
	u32 copy_flags;
	u64 file_size;
} __packed;

struct hv_do_fcopy {
	struct hv_fcopy_hdr hdr;
	u32 pad;
	u64 offset;
	u32 size;
	u8 data[DATA_FRAGMENT];
} __packed;

static_assert(sizeof(struct hv_fcopy_hdr) == 36, "hv_fcopy_hdr");
static_assert(sizeof(struct hv_start_fcopy) == 36 + 2 * 2 * W_MAX_PATH + 12, "hv_start_fcopy");
static_assert(sizeof(struct hv_do_fcopy) == 52 + DATA_FRAGMENT, "hv_do_fcopy");

#endif /* _HVIS_FCOPY_ABI_H */
