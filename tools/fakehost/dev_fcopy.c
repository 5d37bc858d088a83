// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_fcopy.c: host-to-guest file copy (HV_FCOPY_GUID), message version 1.1.  A copy
 * is START_FILE_COPY (directory and file name, UTF-16LE, flags, size), then
 * WRITE_TO_FILE chunks of at most 6144 bytes in order, then COMPLETE_FCOPY; on a
 * failed chunk, or after --cancel-after bytes, CANCEL_FCOPY instead
 * (include/uapi/linux/hyperv.h before 6.10; tools/hv/hv_fcopy_uio_daemon.c).  Each
 * answer sends the next message; the end is an FCOPY_RESULT event with the first
 * failing status, the bytes sent and the time taken.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "dev_ic.h"
#include "dev_fcopy.h"
#include "kvp_msg.h"
#include "hvis/fcopy_abi.h"

static const struct ic_version fcopy_versions[] = { { 1, 1 } };

enum fc_phase { FC_IDLE, FC_START, FC_WRITE, FC_COMPLETE, FC_CANCEL };
enum fc_bad { FC_GOOD, FC_BAD_OFFSET, FC_BAD_CHUNK, FC_BAD_NAME };

struct fcopy_state {
	enum fc_phase phase;
	enum fc_bad bad;
	int fd;
	u64 size, off, cancel_after;
	u32 status;		/* first failure, or the last answer */
	bool cancelled;
	bool timed_out;		/* the guest left a request unanswered */
	struct ic_request out;	/* the request with the guest */
	u64 t0;
	u64 copies;
	union {
		struct hv_start_fcopy start;
		struct hv_do_fcopy data;
		struct hv_fcopy_hdr hdr;
	} msg;
};

static u64 fc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static void fc_finish(struct host_channel *ch, struct fcopy_state *f)
{
	host_event(ch->host, "FCOPY_RESULT", "status=%#x bytes=%llu size=%llu ms=%llu%s%s",
		   f->status, (unsigned long long)f->off, (unsigned long long)f->size,
		   (unsigned long long)(fc_now_ms() - f->t0), f->cancelled ? " cancelled=1" : "",
		   f->timed_out ? " timeout=1" : "");
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->phase = FC_IDLE;
}

static void fc_send(struct host_channel *ch, struct fcopy_state *f, enum fc_phase p, u32 op,
		    u32 len)
{
	int ret;

	f->phase = p;
	f->msg.hdr.operation = op;
	ret = ic_request_send(ch, &f->out, IC_REQUEST_TIMEOUT_MS, ICMSGTYPE_FCOPY, &f->msg, len);
	if (ret) {
		f->status = HV_E_FAIL;
		fc_finish(ch, f);
	}
}

static void fc_cancel(struct host_channel *ch, struct fcopy_state *f)
{
	memset(&f->msg, 0, sizeof(f->msg.hdr));
	fc_send(ch, f, FC_CANCEL, CANCEL_FCOPY, sizeof(f->msg.hdr));
}

/* Sends the next chunk, COMPLETE at the end, or CANCEL when asked to. */
static void fc_next(struct host_channel *ch, struct fcopy_state *f)
{
	struct hv_do_fcopy *d = &f->msg.data;
	ssize_t n;

	if (f->cancel_after && f->off >= f->cancel_after) {
		f->cancelled = true;
		fc_cancel(ch, f);
		return;
	}
	if (f->off >= f->size) {
		memset(&f->msg, 0, sizeof(f->msg.hdr));
		fc_send(ch, f, FC_COMPLETE, COMPLETE_FCOPY, sizeof(f->msg.hdr));
		return;
	}
	memset(d, 0, offsetof(struct hv_do_fcopy, data));
	n = pread(f->fd, d->data, DATA_FRAGMENT, (off_t)f->off);
	if (n <= 0) {
		f->status = HV_E_FAIL;
		fc_cancel(ch, f);
		return;
	}
	d->offset = f->off;
	d->size = (u32)n;
	if (f->bad == FC_BAD_OFFSET)
		d->offset = f->off + DATA_FRAGMENT;	/* leaves a hole */
	if (f->bad == FC_BAD_CHUNK)
		d->size = DATA_FRAGMENT + 512;
	fc_send(ch, f, FC_WRITE, WRITE_TO_FILE, sizeof(*d));
}

static void fcopy_response(struct host_channel *ch, const struct icmsg_hdr *hdr, const u8 *data,
			   u32 len)
{
	struct fcopy_state *f = ch->dev->priv;

	if (!ic_request_answered(ch, &f->out))
		return;
	switch (f->phase) {
	case FC_START:
		if (hdr->status != HV_S_OK) {
			f->status = hdr->status;
			fc_finish(ch, f);
			return;
		}
		fc_next(ch, f);
		break;
	case FC_WRITE:
		if (hdr->status != HV_S_OK) {
			f->status = hdr->status;
			fc_cancel(ch, f);
			return;
		}
		f->off += f->msg.data.size;
		fc_next(ch, f);
		break;
	case FC_COMPLETE:
		f->status = hdr->status;
		fc_finish(ch, f);
		break;
	case FC_CANCEL:
		if (f->status == HV_S_OK && hdr->status != HV_S_OK)
			f->status = hdr->status;
		fc_finish(ch, f);
		break;
	case FC_IDLE:	/* no request is out while idle: ic_request_answered refused it */
		break;
	}
}

/* A request the guest never answered ends the copy, failed. */
static void fcopy_tick(struct host_channel *ch, u64 now_ms)
{
	struct fcopy_state *f = ch->dev->priv;

	if (!ic_request_expired(ch, &f->out, now_ms))
		return;
	f->status = HV_E_FAIL;
	f->timed_out = true;
	fc_finish(ch, f);
}

static const struct ic_service fcopy_service = {
	.msgtype = ICMSGTYPE_FCOPY,
	.versions = fcopy_versions,
	.nversions = ARRAY_SIZE(fcopy_versions),
	.response = fcopy_response,
	.tick = fcopy_tick,
};

static int utf16_into(const char *s, u8 *field)
{
	return hvis_utf8_to_utf16(s, (u32)strlen(s) + 1, field, W_MAX_PATH) < 0 ? -1 : 0;
}

int dev_fcopy_start(struct vmbus_host *h, int argc, char **argv, const char **err)
{
	struct host_channel *ch = ic_find_channel(h, &dev_fcopy_ops);
	const char *hostpath = NULL, *guestpath = NULL;
	struct hv_start_fcopy *s;
	struct fcopy_state *f;
	char dir[4 * W_MAX_PATH], *slash;
	enum fc_bad bad = FC_GOOD;
	u64 cancel_after = 0;
	u32 flags = 0;
	struct stat st;
	int i, fd;

	*err = "usage: copy-file HOSTPATH GUESTPATH [--overwrite] [--cancel-after BYTES] | "
	       "copy-file --bad offset-past-end|big-chunk|bad-name HOSTPATH GUESTPATH";
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--overwrite")) {
			flags |= OVER_WRITE;
		} else if (!strcmp(argv[i], "--create-path")) {
			flags |= CREATE_PATH;
		} else if (!strcmp(argv[i], "--cancel-after") && i + 1 < argc) {
			cancel_after = strtoull(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--bad") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "offset-past-end"))
				bad = FC_BAD_OFFSET;
			else if (!strcmp(argv[i], "big-chunk"))
				bad = FC_BAD_CHUNK;
			else if (!strcmp(argv[i], "bad-name"))
				bad = FC_BAD_NAME;
			else
				return -EINVAL;
		} else if (!hostpath) {
			hostpath = argv[i];
		} else if (!guestpath) {
			guestpath = argv[i];
		} else {
			return -EINVAL;
		}
	}
	if (!guestpath)
		return -EINVAL;
	if (!ch)
		return -ENOTCONN;
	f = ch->dev->priv;
	if (f->phase != FC_IDLE)
		return -EBUSY;
	fd = open(hostpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		*err = "cannot open the host file";
		return -ENOENT;
	}
	snprintf(dir, sizeof(dir), "%s", guestpath);
	slash = strrchr(dir, '/');
	s = &f->msg.start;
	memset(s, 0, sizeof(*s));
	if (!slash || utf16_into(slash + 1, (u8 *)s + offsetof(struct hv_start_fcopy, file_name))) {
		close(fd);
		*err = "GUESTPATH must be DIR/NAME, at most 259 characters each";
		return -EINVAL;
	}
	slash[slash == dir ? 1 : 0] = '\0';
	if (utf16_into(dir, (u8 *)s + offsetof(struct hv_start_fcopy, path_name))) {
		close(fd);
		*err = "guest directory too long";
		return -EINVAL;
	}
	if (bad == FC_BAD_NAME) {
		/* An unpaired high surrogate (0xd800) as the name's first character. */
		u8 *name = (u8 *)s + offsetof(struct hv_start_fcopy, file_name);

		name[0] = 0x00;
		name[1] = 0xd8;
	}
	s->copy_flags = flags;
	s->file_size = (u64)st.st_size;
	f->fd = fd;
	f->size = (u64)st.st_size;
	f->off = 0;
	f->cancel_after = cancel_after;
	f->bad = bad;
	f->status = HV_S_OK;
	f->cancelled = false;
	f->timed_out = false;
	f->t0 = fc_now_ms();
	f->copies++;
	fc_send(ch, f, FC_START, START_FILE_COPY, sizeof(*s));
	if (f->phase == FC_IDLE)
		return -EIO;
	host_event(h, "FCOPY_SENT", "relid=%u host=%s guest=%s size=%llu flags=%u", ch->relid,
		   hostpath, guestpath, (unsigned long long)f->size, flags);
	return 0;
}

static int fcopy_create(struct host_device *dev)
{
	struct fcopy_state *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->fd = -1;
	dev->priv = f;
	return 0;
}

static void fcopy_destroy(struct host_device *dev)
{
	struct fcopy_state *f = dev->priv;

	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

static int fcopy_open(struct host_channel *ch)
{
	struct fcopy_state *f = ch->dev->priv;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->phase = FC_IDLE;
	f->out.out = false;
	return ic_open(ch, &fcopy_service);
}

static void fcopy_status(struct host_device *dev, char *buf, size_t len)
{
	struct fcopy_state *f = dev->priv;

	snprintf(buf, len, "copies=%llu busy=%d sent=%llu/%llu timeouts=%llu",
		 (unsigned long long)f->copies, f->phase != FC_IDLE, (unsigned long long)f->off,
		 (unsigned long long)f->size, (unsigned long long)f->out.timeouts);
}

const struct host_device_ops dev_fcopy_ops = {
	.name = "fcopy",
	.class_id = HV_FCOPY_GUID,
	.create = fcopy_create,
	.destroy = fcopy_destroy,
	.open = fcopy_open,
	.packets = ic_packets,
	.close = ic_close,
	.tick = ic_tick,
	.pump = ic_pump,
	.status = fcopy_status,
};
