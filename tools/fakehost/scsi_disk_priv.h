/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scsi_disk_priv.h: what the three files of the disk target share: the disk's state,
 * the per-command context, the limits it announces, and the sense and data-copy
 * helpers.  scsi_disk.c: open/close/resize, dispatch, sense; scsi_disk_pages.c: the
 * commands answered from memory (INQUIRY and VPD, READ CAPACITY, MODE SENSE, REQUEST
 * SENSE); scsi_disk_rw.c: the ones that touch the image through disk_io.h.
 */
#ifndef _FH_SCSI_DISK_PRIV_H
#define _FH_SCSI_DISK_PRIV_H

#include "scsi_defs.h"
#include "scsi_disk.h"

#define SD_BLOCK		512u
#define SD_BLOCK_SHIFT		9
/* 4 KiB physical blocks (READ CAPACITY 16 exponent 3), as a 512e virtual disk. */
#define SD_PHYS_EXP		3
/* The limits VPD page 0xb0 announces and the target enforces (in blocks). */
#define SD_MAX_XFER_BLOCKS	16384u		/* 8 MiB per READ/WRITE */
#define SD_OPT_XFER_GRAN	8u		/* one physical block */
#define SD_MAX_UNMAP_BLOCKS	0x400000u	/* 2 GiB per UNMAP or WRITE SAME */
#define SD_MAX_UNMAP_DESC	64u		/* UNMAP block descriptors per command */
#define SD_UNMAP_GRAN		8u		/* punching works in 4 KiB pages */
#define SD_MAX_WS_BLOCKS	SD_MAX_UNMAP_BLOCKS
#define SD_SERIAL_MAX		64

struct scsi_disk {
	int fd;
	bool ro;
	bool ua_capacity;	/* CAPACITY DATA HAS CHANGED pending */
	bool closing;
	u64 nblocks;
	char *path;
	char serial[SD_SERIAL_MAX + 1];
	u64 wwn;		/* 8-byte NAA designator, big-endian on the wire */
	u64 reads, writes, flushes, unmaps, fua;
	u32 inflight;
};

/* One command being executed: the buffer length both sides allow. */
struct sd_ctx {
	struct scsi_disk *d;
	struct scsi_cmd *cmd;
	u32 buflen;		/* min(xfer_len, the iovecs' total) */
};

/* Fixed-format sense: status CHECK CONDITION with key and ASC<<8|ASCQ. */
void sd_sense(struct scsi_cmd *cmd, u8 key, u16 asc);
/* ILLEGAL REQUEST, INVALID FIELD IN CDB (or PARAMETER LIST when !in_cdb), with the
 * sense-key specific field pointer (SPC-4 4.5.2.4.2) at byte, bit (bit < 0: none). */
void sd_bad_field(struct scsi_cmd *cmd, bool in_cdb, u16 byte, int bit);
/* Copies up to len bytes (no more than alloc or the buffer) to the guest; data_len. */
void sd_data_in(struct sd_ctx *c, const void *buf, u32 len, u32 alloc);
/* Copies up to len bytes of the data-out buffer into buf; the bytes copied. */
u32 sd_data_out(const struct sd_ctx *c, void *buf, u32 len);
/* True when the command's data may move in direction dir (or nothing is to move). */
bool sd_dir_ok(const struct sd_ctx *c, u8 dir);
/* Completes a command that ran inline. */
void sd_complete(struct sd_ctx *c);

/* scsi_disk_pages.c */
void sd_inquiry(struct sd_ctx *c);
void sd_read_capacity_10(struct sd_ctx *c);
void sd_service_action_in_16(struct sd_ctx *c);
void sd_mode_sense(struct sd_ctx *c);
void sd_request_sense(struct sd_ctx *c);

/* scsi_disk_rw.c: each completes the command itself (inline or from disk_io_reap()). */
void sd_read_write(struct sd_ctx *c);
void sd_verify(struct sd_ctx *c);
void sd_sync_cache(struct sd_ctx *c);
void sd_unmap(struct sd_ctx *c);
void sd_write_same(struct sd_ctx *c);

static inline u16 sd_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 sd_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 sd_be64(const u8 *p)
{
	return (u64)sd_be32(p) << 32 | sd_be32(p + 4);
}

static inline void sd_put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void sd_put32(u8 *p, u32 v)
{
	sd_put16(p, (u16)(v >> 16));
	sd_put16(p + 2, (u16)v);
}

static inline void sd_put64(u8 *p, u64 v)
{
	sd_put32(p, (u32)(v >> 32));
	sd_put32(p + 4, (u32)v);
}

#endif /* _FH_SCSI_DISK_PRIV_H */
