/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scsi_disk.h: the fake host's SCSI target for one LUN backed by a raw image file
 * (block size 512).  It answers the commands Linux's sd driver sends as a real disk
 * does (INQUIRY with VPD pages, READ CAPACITY, MODE SENSE, READ/WRITE, SYNCHRONIZE
 * CACHE, UNMAP, WRITE SAME, ...) with fixed-format sense for errors; reads, writes,
 * flushes and unmaps run asynchronously through disk_io.h.  The storvsp backend
 * (dev_storvsp.c) owns the LUN list, REPORT LUNS and absent LUNs.
 */
#ifndef _FH_SCSI_DISK_H
#define _FH_SCSI_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>
#include "hvis/types.h"

struct scsi_disk;

struct scsi_disk_cfg {
	const char *path;	/* existing regular file, size a multiple of 512 */
	bool read_only;
	const char *serial;	/* NULL: derived */
	u64 wwn;		/* 0: derived */
	const u8 *seed;		/* bytes the derived serial/wwn are made from */
	u32 seed_len;
};

/* Opens the image; NULL with err filled in on failure. */
struct scsi_disk *scsi_disk_open(const struct scsi_disk_cfg *cfg, char *err, size_t errlen);
/*
 * Completes (cmd->done with a CHECK CONDITION / or the real result) every command in
 * flight before it returns, then frees the disk.
 */
void scsi_disk_close(struct scsi_disk *d);
/* Grows the image to new_bytes (a multiple of 512, >= the current size; grow only) and
 * raises CAPACITY DATA HAS CHANGED on the next command.  0 or -errno. */
int scsi_disk_resize(struct scsi_disk *d, u64 new_bytes);
u64 scsi_disk_bytes(const struct scsi_disk *d);
/* For `disk list`: "path=P bytes=N ro=0|1 serial=S wwn=0xHEX reads=N writes=N flushes=N
 * unmaps=N inflight=N" (no C:T:L prefix, no newline). */
void scsi_disk_info(const struct scsi_disk *d, char *buf, size_t len);

struct scsi_cmd {
	/* in */
	u8 cdb[16];
	u8 cdb_len;
	u8 dir;			/* VSTOR_DATA_IN / VSTOR_DATA_OUT / VSTOR_DATA_NONE */
	const struct iovec *iov;	/* the guest's buffer, mapped; iovcnt entries */
	u32 iovcnt;
	u32 xfer_len;		/* bytes the guest's buffer holds (data_transfer_length) */
	/* out */
	u8 status;		/* SAM status: 0x00 GOOD, 0x02 CHECK CONDITION */
	u8 sense[18];		/* fixed-format sense (0x70) when status is CHECK CONDITION */
	u8 sense_len;
	u32 data_len;		/* bytes transferred, <= xfer_len */
	/* completion: called exactly once, inline or from disk_io_reap() */
	void (*done)(struct scsi_cmd *cmd);
	void *ctx;
};

/* Runs one command; cmd (and its iov) must stay valid until cmd->done() is called. */
void scsi_disk_execute(struct scsi_disk *d, struct scsi_cmd *cmd);

#endif /* _FH_SCSI_DISK_H */
