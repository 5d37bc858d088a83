/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vss_abi.h: the live-backup (VSS) message, byte for byte as upstream's struct
 * hv_vss_msg in include/uapi/linux/hyperv.h, so Debian's hv_vss_daemon works with
 * hvis_vss.  The same 12 bytes follow the IC header on the wire (the host may send
 * more; only these are read) and are what a daemon reads and writes on
 * /dev/vmbus/hv_vss.  Registration: the daemon writes a message whose operation is
 * VSS_OP_REGISTER1 and reads back a 4-byte version; the legacy VSS_OP_REGISTER gets
 * no answer (drivers/hv/hv_snapshot.c, tools/hv/hv_vss_daemon.c).
 */
#ifndef _HVIS_VSS_ABI_H
#define _HVIS_VSS_ABI_H

#include "types.h"

/* Operations (enum hv_vss_op). */
#define VSS_OP_CREATE		0
#define VSS_OP_DELETE		1
#define VSS_OP_HOT_BACKUP	2
#define VSS_OP_GET_DM_INFO	3
#define VSS_OP_BU_COMPLETE	4
#define VSS_OP_FREEZE		5
#define VSS_OP_THAW		6
#define VSS_OP_AUTO_RECOVER	7
#define VSS_OP_COUNT		8
#define VSS_OP_REGISTER		128
#define VSS_OP_REGISTER1	129

/* HOT_BACKUP answer flag: the guest does no auto-recovery (hv_snapshot.c). */
#define VSS_HBU_NO_AUTO_RECOVERY	0x00000005

struct hv_vss_msg {
	union {
		struct {
			u8 operation;
			u8 reserved[7];
		} __packed vss_hdr;
		int error;			/* the daemon's answer: HV_S_OK or HV_E_FAIL */
	};
	union {
		u32 flags;			/* vss_cf / dm_info: both one u32 */
	};
} __packed;

static_assert(sizeof(struct hv_vss_msg) == 12, "hv_vss_msg is 12 bytes");

#endif /* _HVIS_VSS_ABI_H */
