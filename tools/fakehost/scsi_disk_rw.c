// SPDX-License-Identifier: GPL-2.0-only
/*
 * scsi_disk_rw.c: the disk target's commands that touch the image, run asynchronously
 * through disk_io.h: READ and WRITE 6/10/12/16 (FUA: the write is synced before it
 * completes), VERIFY 10/12/16 (no byte check), SYNCHRONIZE CACHE 10/16 (fdatasync),
 * UNMAP and WRITE SAME 10/16 (unmapping punches a hole; otherwise the block is written
 * over the range).
 *
 * CDB layouts: SBC-3 5.x (each command's table); what Linux sends: drivers/scsi/sd.c
 * (sd_setup_rw{6,10,16}_cmnd, sd_setup_unmap_cmnd, sd_setup_write_same{10,16}_cmnd,
 * sd_sync_cache).  Every field is checked before any byte moves: a command either
 * runs whole or fails with sense and changes nothing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "disk_io.h"
#include "hvis/storvsc_proto.h"
#include "scsi_disk_priv.h"

#define SD_WS_PATTERN	(64 * 1024)	/* a WRITE SAME block repeated, 128 times */
#define SD_WS_IOVS	16		/* 1 MiB per write of a WRITE SAME */

enum sd_kind { SD_READ, SD_WRITE, SD_FLUSH, SD_UNMAP, SD_WS_WRITE };

struct sd_extent {
	u64 lba;
	u32 n;
};

/* One command in flight against the image. */
struct sd_op {
	struct scsi_disk *d;
	struct scsi_cmd *cmd;
	struct disk_io_req io;
	u8 kind;		/* enum sd_kind */
	bool fua;
	u32 bytes;		/* READ/WRITE: data_len on success */
	/* UNMAP / WRITE SAME with unmap: the extents to punch, one step each */
	struct sd_extent *ext;
	u32 next, next_end;
	/* WRITE SAME: the range left and the repeated block */
	u64 ws_lba, ws_left;
	u8 *pattern;
	u32 niov;
	struct iovec iov[];
};

static struct sd_op *op_new(struct sd_ctx *c, u8 kind, u32 niov)
{
	struct sd_op *op = calloc(1, sizeof(*op) + (size_t)niov * sizeof(struct iovec));

	if (!op) {
		sd_sense(c->cmd, SCSI_KEY_HARDWARE_ERROR, SCSI_ASC_INTERNAL_FAILURE);
		sd_complete(c);
		return NULL;
	}
	op->d = c->d;
	op->cmd = c->cmd;
	op->kind = kind;
	op->niov = niov;
	op->io.fd = c->d->fd;
	op->io.ctx = op;
	c->d->inflight++;
	return op;
}

static void op_finish(struct sd_op *op)
{
	struct scsi_cmd *cmd = op->cmd;

	op->d->inflight--;
	free(op->ext);
	free(op->pattern);
	free(op);
	cmd->done(cmd);
}

/* The sense for a failed system call on the image. */
static void op_fail(struct sd_op *op, int err)
{
	u8 key = SCSI_KEY_MEDIUM_ERROR;
	u16 asc = op->kind == SD_READ ? SCSI_ASC_UNRECOVERED_READ : SCSI_ASC_WRITE_ERROR;

	if (err == -ENOSPC || err == -EDQUOT) {
		/* a thin disk out of space (SBC-3 4.7.3.6) */
		key = SCSI_KEY_DATA_PROTECT;
		asc = SCSI_ASC_SPACE_ALLOC_FAILED_WP;
	} else if (op->kind == SD_UNMAP || err == -ENOMEM || err == -EINVAL ||
		   err == -EOPNOTSUPP) {
		key = SCSI_KEY_HARDWARE_ERROR;
		asc = SCSI_ASC_INTERNAL_FAILURE;
	}
	sd_sense(op->cmd, key, asc);
	op_finish(op);
}

static void op_io_done(struct disk_io_req *r);

static void op_submit(struct sd_op *op)
{
	int ret;

	op->io.done = op_io_done;
	ret = disk_io_submit(&op->io);
	if (ret)
		op_fail(op, ret);
}

/* Sets up the next write of a WRITE SAME: up to 1 MiB of the repeated block. */
static void ws_next_write(struct sd_op *op)
{
	u64 bytes = op->ws_left << SD_BLOCK_SHIFT, left;
	u32 i;

	if (bytes > (u64)SD_WS_PATTERN * SD_WS_IOVS)
		bytes = (u64)SD_WS_PATTERN * SD_WS_IOVS;
	left = bytes;
	for (i = 0; i < SD_WS_IOVS && left; i++) {
		op->iov[i].iov_base = op->pattern;
		op->iov[i].iov_len = left < SD_WS_PATTERN ? left : SD_WS_PATTERN;
		left -= op->iov[i].iov_len;
	}
	op->io.op = DISK_IO_WRITE;
	op->io.iov = op->iov;
	op->io.iovcnt = i;
	op->io.off = op->ws_lba << SD_BLOCK_SHIFT;
	op->io.len = bytes;
	op->ws_lba += bytes >> SD_BLOCK_SHIFT;
	op->ws_left -= bytes >> SD_BLOCK_SHIFT;
	op_submit(op);
}

/* Punches the next extent of an UNMAP (zero-length descriptors are skipped). */
static void unmap_next(struct sd_op *op)
{
	while (op->next < op->next_end && !op->ext[op->next].n)
		op->next++;
	if (op->next == op->next_end) {
		op->d->unmaps++;
		op_finish(op);
		return;
	}
	op->io.op = DISK_IO_PUNCH;
	op->io.off = op->ext[op->next].lba << SD_BLOCK_SHIFT;
	op->io.len = (u64)op->ext[op->next].n << SD_BLOCK_SHIFT;
	op->next++;
	op_submit(op);
}

static void op_io_done(struct disk_io_req *r)
{
	struct sd_op *op = r->ctx;
	struct scsi_disk *d = op->d;

	if (r->res < 0) {
		op_fail(op, r->res);
		return;
	}
	switch (op->kind) {
	case SD_READ:
		d->reads++;
		op->cmd->data_len = op->bytes;
		break;
	case SD_WRITE:
		d->writes++;
		d->fua += op->fua;
		op->cmd->data_len = op->bytes;
		break;
	case SD_FLUSH:
		d->flushes++;
		break;
	case SD_UNMAP:
	case SD_WS_WRITE:
		if (op->kind == SD_UNMAP ? op->next < op->next_end : op->ws_left > 0) {
			if (d->closing) {	/* the disk is going: stop between steps */
				sd_sense(op->cmd, SCSI_KEY_ABORTED_COMMAND, SCSI_ASC_NONE);
				break;
			}
		} else if (op->kind == SD_WS_WRITE) {
			d->writes++;
			op->cmd->data_len = op->bytes;
			break;
		}
		if (op->kind == SD_UNMAP)
			unmap_next(op);	/* counts and finishes after the last extent */
		else
			ws_next_write(op);
		return;
	}
	op_finish(op);
}

/* LBA range check (SBC-3: LBA OUT OF RANGE); true when lba..lba+n-1 is on the disk. */
static bool range_ok(struct sd_ctx *c, u64 lba, u64 n)
{
	if (lba > c->d->nblocks || n > c->d->nblocks - lba) {
		sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE);
		return false;
	}
	return true;
}

static bool writable(struct sd_ctx *c)
{
	if (c->d->ro) {
		sd_sense(c->cmd, SCSI_KEY_DATA_PROTECT, SCSI_ASC_WRITE_PROTECTED);
		return false;
	}
	return true;
}

void sd_read_write(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u8 op = cdb[0], lenpos;
	bool write = op == SCSI_WRITE_6 || op == SCSI_WRITE_10 || op == SCSI_WRITE_12 ||
		     op == SCSI_WRITE_16;
	bool fua = false;
	struct sd_op *o;
	u32 n, bytes, niov, i, left;
	u64 lba;

	switch (op) {
	case SCSI_READ_6:
	case SCSI_WRITE_6:
		lba = (u64)(cdb[1] & 0x1f) << 16 | sd_be16(&cdb[2]);
		n = cdb[4] ? cdb[4] : 256;	/* SBC-3 5.11: 0 means 256 blocks */
		lenpos = 4;
		break;
	case SCSI_READ_10:
	case SCSI_WRITE_10:
		lba = sd_be32(&cdb[2]);
		n = sd_be16(&cdb[7]);
		lenpos = 7;
		break;
	case SCSI_READ_12:
	case SCSI_WRITE_12:
		lba = sd_be32(&cdb[2]);
		n = sd_be32(&cdb[6]);
		lenpos = 6;
		break;
	default:
		lba = sd_be64(&cdb[2]);
		n = sd_be32(&cdb[10]);
		lenpos = 10;
		break;
	}
	if (op != SCSI_READ_6 && op != SCSI_WRITE_6) {
		/* RDPROTECT/WRPROTECT: this disk has no protection information */
		if (cdb[1] & 0xe0) {
			sd_bad_field(c->cmd, true, 1, 7);
			goto out;
		}
		fua = write && (cdb[1] & 0x08);
	}
	if (n > SD_MAX_XFER_BLOCKS) {		/* VPD 0xb0 MAXIMUM TRANSFER LENGTH */
		sd_bad_field(c->cmd, true, lenpos, -1);
		goto out;
	}
	if (write && !writable(c))
		goto out;
	if (!range_ok(c, lba, n) || !n)
		goto out;
	bytes = n << SD_BLOCK_SHIFT;
	/* The guest's buffer must hold the whole transfer, in the command's direction. */
	if (c->buflen < bytes) {
		sd_bad_field(c->cmd, true, lenpos, -1);
		goto out;
	}
	if (c->cmd->dir != (write ? VSTOR_DATA_OUT : VSTOR_DATA_IN)) {
		sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB);
		goto out;
	}
	for (niov = 0, left = bytes; left; niov++) {
		size_t l = c->cmd->iov[niov].iov_len;

		left -= l < left ? (u32)l : left;
	}
	o = op_new(c, write ? SD_WRITE : SD_READ, niov);
	if (!o)
		return;
	for (i = 0, left = bytes; i < niov; i++) {
		size_t l = c->cmd->iov[i].iov_len;

		o->iov[i].iov_base = c->cmd->iov[i].iov_base;
		o->iov[i].iov_len = l < left ? l : left;
		left -= (u32)o->iov[i].iov_len;
	}
	o->fua = fua;
	o->bytes = bytes;
	o->io.op = write ? DISK_IO_WRITE : DISK_IO_READ;
	o->io.flags = fua ? DISK_IO_F_FUA : 0;
	o->io.iov = o->iov;
	o->io.iovcnt = niov;
	o->io.off = lba << SD_BLOCK_SHIFT;
	o->io.len = bytes;
	op_submit(o);
	return;
out:
	sd_complete(c);
}

void sd_verify(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u64 lba;
	u32 n;

	if (cdb[0] == SCSI_VERIFY_16) {
		lba = sd_be64(&cdb[2]);
		n = sd_be32(&cdb[10]);
	} else if (cdb[0] == SCSI_VERIFY_12) {
		lba = sd_be32(&cdb[2]);
		n = sd_be32(&cdb[6]);
	} else {
		lba = sd_be32(&cdb[2]);
		n = sd_be16(&cdb[7]);
	}
	/* VRPROTECT (no protection information) and BYTCHK (no compare) must be 0 */
	if (cdb[1] & 0xe0)
		sd_bad_field(c->cmd, true, 1, 7);
	else if (cdb[1] & 0x06)
		sd_bad_field(c->cmd, true, 1, 2);
	else
		range_ok(c, lba, n);	/* a medium that is a file verifies */
	sd_complete(c);
}

void sd_sync_cache(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	struct sd_op *o;
	u64 lba;
	u32 n;

	if (cdb[0] == SCSI_SYNC_CACHE_16) {
		lba = sd_be64(&cdb[2]);
		n = sd_be32(&cdb[10]);
	} else {
		lba = sd_be32(&cdb[2]);
		n = sd_be16(&cdb[7]);
	}
	/* NUMBER OF LOGICAL BLOCKS 0 means "to the end"; the whole file is synced anyway */
	if (!range_ok(c, lba, n)) {
		sd_complete(c);
		return;
	}
	o = op_new(c, SD_FLUSH, 0);
	if (!o)
		return;
	o->io.op = DISK_IO_FLUSH;
	op_submit(o);
}

void sd_unmap(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	u32 plen = sd_be16(&cdb[7]), ndesc, i, dlen;
	u64 total = 0;
	struct sd_extent *ext;
	struct sd_op *o;
	u8 *p;

	if (cdb[1] & 0x01) {			/* ANCHOR: no anchored LBAs (ANC_SUP 0) */
		sd_bad_field(c->cmd, true, 1, 0);
		goto out;
	}
	if (!writable(c))
		goto out;
	if (!plen)				/* SBC-3 5.28: nothing to unmap, not an error */
		goto out;
	if (plen < 8) {
		sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_PARAM_LIST_LENGTH);
		goto out;
	}
	if (plen > c->buflen || c->cmd->dir != VSTOR_DATA_OUT) {
		sd_bad_field(c->cmd, true, 7, -1);	/* the list is not in the buffer */
		goto out;
	}
	p = malloc(plen);
	if (!p) {
		sd_sense(c->cmd, SCSI_KEY_HARDWARE_ERROR, SCSI_ASC_INTERNAL_FAILURE);
		goto out;
	}
	sd_data_out(c, p, plen);
	/* UNMAP DATA LENGTH counts the bytes after itself; the descriptors' length must
	 * fit both it and the list (a partial descriptor at the end is ignored). */
	dlen = sd_be16(&p[2]);
	if (sd_be16(&p[0]) < dlen + 6 || sd_be16(&p[0]) > plen - 2) {
		free(p);
		sd_bad_field(c->cmd, false, 0, -1);
		goto out;
	}
	if (dlen > plen - 8) {
		free(p);
		sd_bad_field(c->cmd, false, 2, -1);
		goto out;
	}
	ndesc = dlen / 16;
	if (ndesc > SD_MAX_UNMAP_DESC) {
		free(p);
		sd_bad_field(c->cmd, false, 2, -1);
		goto out;
	}
	ext = calloc(ndesc ? ndesc : 1, sizeof(*ext));
	if (!ext) {
		free(p);
		sd_sense(c->cmd, SCSI_KEY_HARDWARE_ERROR, SCSI_ASC_INTERNAL_FAILURE);
		goto out;
	}
	/* Every descriptor is checked before the first hole is punched. */
	for (i = 0; i < ndesc; i++) {
		const u8 *dsc = &p[8 + 16 * i];

		ext[i].lba = sd_be64(dsc);
		ext[i].n = sd_be32(&dsc[8]);
		total += ext[i].n;
	}
	free(p);
	for (i = 0; i < ndesc; i++) {
		if (ext[i].lba > c->d->nblocks || ext[i].n > c->d->nblocks - ext[i].lba) {
			free(ext);
			sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_LBA_OUT_OF_RANGE);
			goto out;
		}
	}
	if (total > SD_MAX_UNMAP_BLOCKS) {	/* VPD 0xb0 MAXIMUM UNMAP LBA COUNT */
		free(ext);
		sd_bad_field(c->cmd, false, 8 + 8, -1);
		goto out;
	}
	o = op_new(c, SD_UNMAP, 0);
	if (!o) {
		free(ext);
		return;
	}
	o->ext = ext;
	o->next_end = ndesc;
	unmap_next(o);
	return;
out:
	sd_complete(c);
}

void sd_write_same(struct sd_ctx *c)
{
	const u8 *cdb = c->cmd->cdb;
	bool sixteen = cdb[0] == SCSI_WRITE_SAME_16;
	bool unmap = cdb[1] & 0x08, ndob = sixteen && (cdb[1] & 0x01);
	u64 lba = sixteen ? sd_be64(&cdb[2]) : sd_be32(&cdb[2]);
	u32 n = sixteen ? sd_be32(&cdb[10]) : sd_be16(&cdb[7]), i;
	u8 block[SD_BLOCK];
	static const u8 zero[SD_BLOCK];
	struct sd_op *o;

	/* WRPROTECT, ANCHOR, obsolete PBDATA/LBDATA (and bit 0 of the 10-byte form) */
	if (cdb[1] & (0xe0 | 0x10 | 0x06 | (sixteen ? 0 : 0x01))) {
		sd_bad_field(c->cmd, true, 1, -1);
		goto out;
	}
	/* WSNZ (VPD 0xb0): 0 blocks is refused; at most MAXIMUM WRITE SAME LENGTH */
	if (!n || n > SD_MAX_WS_BLOCKS) {
		sd_bad_field(c->cmd, true, sixteen ? 10 : 7, -1);
		goto out;
	}
	if (!writable(c) || !range_ok(c, lba, n))
		goto out;
	memset(block, 0, sizeof(block));
	if (!ndob) {
		if (c->buflen < SD_BLOCK || c->cmd->dir != VSTOR_DATA_OUT) {
			sd_sense(c->cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_INVALID_FIELD_CDB);
			goto out;
		}
		sd_data_out(c, block, SD_BLOCK);
	}
	/* SBC-3 5.45: with UNMAP, blocks that would read back as written (zeros, LBPRZ)
	 * are unmapped; other data is written. */
	if (unmap && !memcmp(block, zero, SD_BLOCK)) {
		o = op_new(c, SD_UNMAP, 0);
		if (!o)
			return;
		o->ext = calloc(1, sizeof(*o->ext));
		if (!o->ext) {
			op_fail(o, -ENOMEM);
			return;
		}
		o->ext->lba = lba;
		o->ext->n = n;
		o->next_end = 1;
		unmap_next(o);
		return;
	}
	o = op_new(c, SD_WS_WRITE, SD_WS_IOVS);
	if (!o)
		return;
	o->pattern = malloc(SD_WS_PATTERN);
	if (!o->pattern) {
		op_fail(o, -ENOMEM);
		return;
	}
	for (i = 0; i < SD_WS_PATTERN / SD_BLOCK; i++)
		memcpy(o->pattern + i * SD_BLOCK, block, SD_BLOCK);
	o->ws_lba = lba;
	o->ws_left = n;
	o->bytes = ndob ? 0 : SD_BLOCK;
	ws_next_write(o);
	return;
out:
	sd_complete(c);
}
