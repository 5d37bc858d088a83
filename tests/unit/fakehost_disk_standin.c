// SPDX-License-Identifier: GPL-2.0-only
/*
 * fakehost_disk_standin.c: a minimal stand-in for the fake host's SCSI target and disk
 * I/O (tools/fakehost/scsi_disk.h, disk_io.h), linked into the fake-host unit tests only
 * while the real files are absent.  INQUIRY and TEST UNIT READY complete at once;
 * READ(10) / WRITE(10) are held "in flight" until disk_io_reap(), so a test controls
 * when they complete; anything else is ILLEGAL REQUEST.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "scsi_disk.h"
#include "disk_io.h"

struct scsi_disk {
	int fd;
	u64 bytes;
	bool ro;
};

static struct scsi_cmd *pending[256];
static struct scsi_disk *pending_disk[256];
static u32 npending;

int disk_io_init(void) { return 0; }
int disk_io_fd(void) { return -1; }
void disk_io_uninit(void) { disk_io_reap(); }
u32 disk_io_inflight(void) { return npending; }
int disk_io_submit(struct disk_io_req *r) { return -ENOSYS; }

static void sense(struct scsi_cmd *c, u8 key, u8 asc)
{
	memset(c->sense, 0, sizeof(c->sense));
	c->sense[0] = 0x70;
	c->sense[2] = key;
	c->sense[7] = 10;
	c->sense[12] = asc;
	c->sense_len = 18;
	c->status = 2;
	c->data_len = 0;
}

static void run_rw(struct scsi_disk *d, struct scsi_cmd *c)
{
	u64 lba = (u64)c->cdb[2] << 24 | c->cdb[3] << 16 | c->cdb[4] << 8 | c->cdb[5];
	u32 n = (c->cdb[7] << 8 | c->cdb[8]) * 512u;
	ssize_t r;

	if (n > c->xfer_len || lba * 512 + n > d->bytes)
		return sense(c, 5, 0x21);
	if (c->cdb[0] == 0x2a && d->ro)
		return sense(c, 7, 0x27);
	r = c->cdb[0] == 0x28 ? preadv(d->fd, c->iov, c->iovcnt, lba * 512) :
				pwritev(d->fd, c->iov, c->iovcnt, lba * 512);
	if (r != (ssize_t)n)
		return sense(c, 3, 0x11);
	c->status = 0;
	c->data_len = n;
}

void disk_io_reap(void)
{
	while (npending) {
		struct scsi_cmd *c = pending[0];
		struct scsi_disk *d = pending_disk[0];

		memmove(pending, pending + 1, --npending * sizeof(pending[0]));
		memmove(pending_disk, pending_disk + 1, npending * sizeof(pending_disk[0]));
		run_rw(d, c);
		c->done(c);
	}
}

struct scsi_disk *scsi_disk_open(const struct scsi_disk_cfg *cfg, char *err, size_t errlen)
{
	struct scsi_disk *d = calloc(1, sizeof(*d));
	struct stat st;

	d->fd = open(cfg->path, cfg->read_only ? O_RDONLY : O_RDWR);
	if (d->fd < 0 || fstat(d->fd, &st) || !S_ISREG(st.st_mode) || st.st_size % 512) {
		snprintf(err, errlen, "cannot use");
		if (d->fd >= 0)
			close(d->fd);
		free(d);
		return NULL;
	}
	d->bytes = st.st_size;
	d->ro = cfg->read_only;
	return d;
}

void scsi_disk_close(struct scsi_disk *d)
{
	u32 i = 0;

	while (i < npending) {
		struct scsi_cmd *c = pending[i];

		if (pending_disk[i] != d) {
			i++;
			continue;
		}
		memmove(pending + i, pending + i + 1, (npending - i - 1) * sizeof(pending[0]));
		memmove(pending_disk + i, pending_disk + i + 1,
			(npending - i - 1) * sizeof(pending_disk[0]));
		npending--;
		sense(c, 0x0b, 0x00);
		c->done(c);
	}
	close(d->fd);
	free(d);
}

int scsi_disk_resize(struct scsi_disk *d, u64 new_bytes)
{
	if (ftruncate(d->fd, new_bytes))
		return -errno;
	d->bytes = new_bytes;
	return 0;
}

u64 scsi_disk_bytes(const struct scsi_disk *d) { return d->bytes; }

void scsi_disk_info(const struct scsi_disk *d, char *buf, size_t len)
{
	snprintf(buf, len, "bytes=%llu ro=%d", (unsigned long long)d->bytes, d->ro);
}

void scsi_disk_execute(struct scsi_disk *d, struct scsi_cmd *c)
{
	static const u8 inq[36] = { 0, 0, 5, 2, 31, 0, 0, 2, 'H', 'V', 'I', 'S' };

	switch (c->cdb[0]) {
	case 0x00:
		c->status = 0;
		c->data_len = 0;
		break;
	case 0x12: {
		u32 n = c->xfer_len < sizeof(inq) ? c->xfer_len : sizeof(inq), done = 0, i;

		for (i = 0; i < c->iovcnt && done < n; i++) {
			u32 k = c->iov[i].iov_len < n - done ? c->iov[i].iov_len : n - done;

			memcpy(c->iov[i].iov_base, inq + done, k);
			done += k;
		}
		c->status = 0;
		c->data_len = done;
		break;
	}
	case 0x28:
	case 0x2a:
		pending_disk[npending] = d;
		pending[npending++] = c;
		return;
	default:
		sense(c, 5, 0x20);
		break;
	}
	c->done(c);
}
