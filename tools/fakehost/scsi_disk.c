// SPDX-License-Identifier: GPL-2.0-only
/*
 * scsi_disk.c: the fake host's SCSI target for one LUN (scsi_disk.h): opening the image,
 * the derived serial number and WWN, resize and its unit attention, the command
 * dispatcher (CDB length, unit attention, operation code), sense data, and copying
 * data between the guest's buffer and the target.  The commands themselves are in
 * scsi_disk_pages.c and scsi_disk_rw.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "disk_io.h"
#include "hvis/storvsc_proto.h"
#include "scsi_disk_priv.h"

/*
 * The derived WWN: an 8-byte NAA IEEE Registered designator (NAA 5, SPC-4 7.8.6.6.4:
 * NAA in bits 63..60, the IEEE company id in 59..36, a vendor-specific 36 bits) with
 * the company id Hyper-V's own disks carry, 00-22-48 (IEEE OUI registry: Microsoft
 * Corporation; an Azure disk's by-id link reads wwn-0x600224...).
 */
#define SD_WWN_NAA		0x5ull
#define SD_WWN_OUI		0x002248ull

/* FNV-1a, 64 bits: a stable hash of the seed, apart per use by a label. */
static u64 sd_hash(const char *label, const u8 *p, u32 len)
{
	u64 h = 0xcbf29ce484222325ull;

	while (*label) {
		h ^= (u8)*label++;
		h *= 0x100000001b3ull;
	}
	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static bool serial_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > SD_SERIAL_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	}
	return true;
}

struct scsi_disk *scsi_disk_open(const struct scsi_disk_cfg *cfg, char *err, size_t errlen)
{
	const u8 *seed = cfg->seed;
	u32 seed_len = cfg->seed_len;
	struct scsi_disk *d;
	struct stat st;
	u32 naa;
	int ret;

	if (!cfg->path) {
		snprintf(err, errlen, "no image path");
		return NULL;
	}
	if (cfg->serial && !serial_ok(cfg->serial)) {
		snprintf(err, errlen, "serial: 1..%d printable characters, no spaces",
			 SD_SERIAL_MAX);
		return NULL;
	}
	naa = (u32)(cfg->wwn >> 60);
	if (cfg->wwn && naa != 2 && naa != 3 && naa != 5) {
		snprintf(err, errlen, "wwn 0x%016llx: NAA %u is not an 8-byte NAA (2, 3 or 5)",
			 (unsigned long long)cfg->wwn, naa);
		return NULL;
	}
	ret = disk_io_init();
	if (ret) {
		snprintf(err, errlen, "disk I/O engine: %s", strerror(-ret));
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->fd = open(cfg->path, (cfg->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0) {
		snprintf(err, errlen, "%s: %s", cfg->path, strerror(errno));
		goto fail;
	}
	if (fstat(d->fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", cfg->path);
		goto fail;
	}
	if (!st.st_size || st.st_size % SD_BLOCK) {
		snprintf(err, errlen, "%s: size %lld is not a non-zero multiple of %u",
			 cfg->path, (long long)st.st_size, SD_BLOCK);
		goto fail;
	}
	d->path = strdup(cfg->path);
	if (!d->path) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	d->nblocks = (u64)st.st_size >> SD_BLOCK_SHIFT;
	d->ro = cfg->read_only;
	if (!seed || !seed_len) {
		seed = (const u8 *)cfg->path;
		seed_len = (u32)strlen(cfg->path);
	}
	if (cfg->serial)
		snprintf(d->serial, sizeof(d->serial), "%s", cfg->serial);
	else
		snprintf(d->serial, sizeof(d->serial), "%016llx",
			 (unsigned long long)sd_hash("serial", seed, seed_len));
	d->wwn = cfg->wwn ? cfg->wwn :
		SD_WWN_NAA << 60 | SD_WWN_OUI << 36 |
		(sd_hash("wwn", seed, seed_len) & 0xfffffffffull);
	return d;
fail:
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d);
	return NULL;
}

void scsi_disk_close(struct scsi_disk *d)
{
	if (!d)
		return;
	/* Multi-step commands stop at their next step (ABORTED COMMAND); single I/Os end. */
	d->closing = true;
	while (d->inflight)
		disk_io_wait();
	close(d->fd);
	free(d->path);
	free(d);
}

int scsi_disk_resize(struct scsi_disk *d, u64 new_bytes)
{
	u64 cur = d->nblocks << SD_BLOCK_SHIFT;

	if (new_bytes % SD_BLOCK || new_bytes < cur || new_bytes > (u64)INT64_MAX)
		return -EINVAL;
	if (new_bytes == cur)
		return 0;
	if (d->ro)
		return -EROFS;
	if (ftruncate(d->fd, (off_t)new_bytes))
		return -errno;
	d->nblocks = new_bytes >> SD_BLOCK_SHIFT;
	d->ua_capacity = true;
	return 0;
}

u64 scsi_disk_bytes(const struct scsi_disk *d)
{
	return d->nblocks << SD_BLOCK_SHIFT;
}

void scsi_disk_info(const struct scsi_disk *d, char *buf, size_t len)
{
	snprintf(buf, len,
		 "path=%s bytes=%llu ro=%d serial=%s wwn=0x%016llx reads=%llu writes=%llu flushes=%llu unmaps=%llu inflight=%u fua=%llu",
		 d->path, (unsigned long long)scsi_disk_bytes(d), d->ro, d->serial,
		 (unsigned long long)d->wwn, (unsigned long long)d->reads,
		 (unsigned long long)d->writes, (unsigned long long)d->flushes,
		 (unsigned long long)d->unmaps, d->inflight, (unsigned long long)d->fua);
}

/* ---- sense and data ---- */

void sd_sense(struct scsi_cmd *cmd, u8 key, u16 asc)
{
	cmd->status = SCSI_STATUS_CHECK;
	memset(cmd->sense, 0, sizeof(cmd->sense));
	cmd->sense[0] = SCSI_SENSE_FIXED_CURRENT;
	cmd->sense[2] = key;
	cmd->sense[7] = SCSI_SENSE_FIXED_LEN - 8;	/* additional sense length */
	cmd->sense[12] = (u8)(asc >> 8);
	cmd->sense[13] = (u8)asc;
	cmd->sense_len = SCSI_SENSE_FIXED_LEN;
	cmd->data_len = 0;
}

void sd_bad_field(struct scsi_cmd *cmd, bool in_cdb, u16 byte, int bit)
{
	sd_sense(cmd, SCSI_KEY_ILLEGAL_REQUEST,
		 in_cdb ? SCSI_ASC_INVALID_FIELD_CDB : SCSI_ASC_INVALID_FIELD_PARAM);
	/* SPC-4 4.5.2.4.2: SKSV, C/D, BPV and the bit pointer, then the field pointer. */
	cmd->sense[15] = 0x80 | (in_cdb ? 0x40 : 0) | (bit >= 0 ? 0x08 | (bit & 7) : 0);
	sd_put16(&cmd->sense[16], byte);
}

void sd_data_in(struct sd_ctx *c, const void *buf, u32 len, u32 alloc)
{
	const u8 *src = buf;
	u32 n = len, i, done = 0;

	if (n > alloc)
		n = alloc;
	if (n > c->buflen)
		n = c->buflen;
	for (i = 0; i < c->cmd->iovcnt && done < n; i++) {
		u32 chunk = n - done;

		if (chunk > c->cmd->iov[i].iov_len)
			chunk = (u32)c->cmd->iov[i].iov_len;
		if (chunk)
			memcpy(c->cmd->iov[i].iov_base, src + done, chunk);
		done += chunk;
	}
	c->cmd->data_len = done;
}

u32 sd_data_out(const struct sd_ctx *c, void *buf, u32 len)
{
	u8 *dst = buf;
	u32 n = len < c->buflen ? len : c->buflen, i, done = 0;

	for (i = 0; i < c->cmd->iovcnt && done < n; i++) {
		u32 chunk = n - done;

		if (chunk > c->cmd->iov[i].iov_len)
			chunk = (u32)c->cmd->iov[i].iov_len;
		if (chunk)
			memcpy(dst + done, c->cmd->iov[i].iov_base, chunk);
		done += chunk;
	}
	return done;
}

bool sd_dir_ok(const struct sd_ctx *c, u8 dir)
{
	return !c->buflen || c->cmd->dir == dir;
}

void sd_complete(struct sd_ctx *c)
{
	c->cmd->done(c->cmd);
}

/* ---- dispatch ---- */

/* The CDB length of an operation code's group (SPC-4 4.2.5.1); 0: no fixed length. */
static u8 cdb_len_of(u8 op)
{
	switch (op >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default:
		return 0;
	}
}

void scsi_disk_execute(struct scsi_disk *d, struct scsi_cmd *cmd)
{
	struct sd_ctx c = { .d = d, .cmd = cmd };
	u8 op = cmd->cdb[0], need = cdb_len_of(op);
	u64 total = 0;
	u32 i;

	cmd->status = SCSI_STATUS_GOOD;
	cmd->sense_len = 0;
	cmd->data_len = 0;
	memset(cmd->sense, 0, sizeof(cmd->sense));
	for (i = 0; cmd->iov && i < cmd->iovcnt && total < cmd->xfer_len; i++)
		total += cmd->iov[i].iov_len;
	c.buflen = total < cmd->xfer_len ? (u32)total : cmd->xfer_len;

	/* A CDB shorter than its group's length (or longer than 16) has no valid fields. */
	if (!cmd->cdb_len || cmd->cdb_len > sizeof(cmd->cdb) || cmd->cdb_len < need) {
		sd_bad_field(cmd, true, 0, -1);
		goto done;
	}
	/* SPC-4 5.14: INQUIRY and REPORT LUNS neither report nor clear a unit attention;
	 * REQUEST SENSE returns it as its data. */
	if (d->ua_capacity && op != SCSI_INQUIRY && op != SCSI_REPORT_LUNS &&
	    op != SCSI_REQUEST_SENSE) {
		d->ua_capacity = false;
		sd_sense(cmd, SCSI_KEY_UNIT_ATTENTION, SCSI_ASC_CAPACITY_CHANGED);
		goto done;
	}
	switch (op) {
	case SCSI_TEST_UNIT_READY:
	case SCSI_START_STOP:	/* a virtual disk is always spinning */
		break;
	case SCSI_REQUEST_SENSE:
		sd_request_sense(&c);
		break;
	case SCSI_INQUIRY:
		sd_inquiry(&c);
		break;
	case SCSI_READ_CAPACITY_10:
		sd_read_capacity_10(&c);
		break;
	case SCSI_SERVICE_ACTION_IN_16:
		sd_service_action_in_16(&c);
		break;
	case SCSI_MODE_SENSE_6:
	case SCSI_MODE_SENSE_10:
		sd_mode_sense(&c);
		break;
	case SCSI_READ_6:
	case SCSI_READ_10:
	case SCSI_READ_12:
	case SCSI_READ_16:
	case SCSI_WRITE_6:
	case SCSI_WRITE_10:
	case SCSI_WRITE_12:
	case SCSI_WRITE_16:
		sd_read_write(&c);
		return;
	case SCSI_VERIFY_10:
	case SCSI_VERIFY_12:
	case SCSI_VERIFY_16:
		sd_verify(&c);
		return;
	case SCSI_SYNC_CACHE_10:
	case SCSI_SYNC_CACHE_16:
		sd_sync_cache(&c);
		return;
	case SCSI_UNMAP:
		sd_unmap(&c);
		return;
	case SCSI_WRITE_SAME_10:
	case SCSI_WRITE_SAME_16:
		sd_write_same(&c);
		return;
	default:
		/* REPORT LUNS is the storvsp backend's (it knows the LUN list). */
		sd_sense(cmd, SCSI_KEY_ILLEGAL_REQUEST, SCSI_ASC_INVALID_OPCODE);
		break;
	}
done:
	sd_complete(&c);
}
