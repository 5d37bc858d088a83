// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_video.c: the synthetic video device (HV_SYNTHVID_GUID) on the host side, a
 * state machine over the guest's messages:
 *
 *   WAIT_VERSION --VERSION_REQUEST (3.2 or 3.5 accepted)--> WAIT_VRAM
 *   WAIT_VRAM    --VRAM_LOCATION inside the link's VRAM---> READY (ACK, FEATURE_CHANGE)
 *   READY: SITUATION_UPDATE, DIRT, POINTER_POSITION, POINTER_SHAPE, VRAM_LOCATION again
 *   RESOLUTION_REQUEST: any time after the version (3.5 only)
 *
 * Every message passes lib/synthvid_msg.c first; anything else, or a message in the
 * wrong state, is a GUEST_ERROR naming the field.  The framebuffer is the link's VRAM
 * (docs/fakehost-link.md): a VRAM location must lie inside it, with room for the
 * offer's mmio_megabytes.  `ctl screen` reports the state, `ctl screenshot` writes the
 * current mode's pixels as a PNG, `ctl video-inject` makes the next answers wrong.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dev_video.h"
#include "device.h"
#include "synthvid_msg.h"
#include "ctl_reply.h"

enum video_state { V_WAIT_VERSION, V_WAIT_VRAM, V_READY };
static const char *const state_names[] = { "wait_version", "wait_vram", "ready" };

/* Hyper-V's list as OpenVMM's video/mod.rs gives it, plus two smaller modes. */
static const struct synthvid_resolution video_modes[] = {
	{ 1024, 768 }, { 800, 600 }, { 640, 480 }, { 1280, 1024 },
};

enum video_inject {
	INJ_NONE,
	INJ_BAD_ACK,		/* the next VRAM ack carries another address */
	INJ_BAD_RESOLUTIONS,	/* the next resolution list has 65 entries */
	INJ_BAD_DEFAULT,	/* ... or a default index outside the list */
	INJ_UNKNOWN,		/* an unknown message type after the next version answer */
};

struct video_dev {
	enum video_state state;
	struct host_channel *ch;
	u32 version;
	u64 vram_gpa;			/* guest address the guest chose */
	u64 vram_off;			/* its offset in the link's VRAM */
	bool active;
	u32 width, height, pitch;
	u64 situations, dirt_msgs, dirt_rects, errors;
	struct synthvid_rect last_dirt;
	bool ptr_visible;
	s32 ptr_x, ptr_y;
	u32 ptr_w, ptr_h, ptr_shapes;
	enum video_inject inject;
};

/* The VRAM the offer gives the guest (mmio_megabytes): all of the link's. */
static u32 fb_bytes(const struct vmbus_host *h)
{
	return h->vram_bytes & ~(u32)((1u << 20) - 1);
}

/* A GUEST_ERROR what=<field>, counted in `ctl screen`'s errors. */
#define video_bad(ch, what, ...) \
	do { \
		((struct video_dev *)(ch)->dev->priv)->errors++; \
		host_guest_error((ch)->host, what, __VA_ARGS__); \
	} while (0)

static void video_send(struct host_channel *ch, u32 type, const void *payload, u32 plen)
{
	u8 buf[sizeof(struct synthvid_msg)];
	u32 len;

	memcpy(buf + SYNTHVID_HDRS, payload, plen);
	len = synthvid_put_headers(buf, type, plen);
	if (host_chan_send(ch, VM_PKT_DATA_INBAND, 0, 0, buf, len))
		ch->stats.dropped++;
}

static void on_version(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	struct synthvid_version_resp r = { .max_video_outputs = 1 };

	memcpy(&r.version, p, 4);
	r.is_accepted = r.version == SYNTHVID_VERSION_WIN10 || r.version == SYNTHVID_VERSION_WIN8;
	video_send(ch, SYNTHVID_VERSION_RESPONSE, &r, sizeof(r));
	if (!r.is_accepted)
		return;
	vd->version = r.version;
	vd->state = V_WAIT_VRAM;
	host_event(ch->host, "VIDEO_VERSION", "relid=%u version=%u.%u", ch->relid,
		   SYNTHVID_MAJOR(r.version), SYNTHVID_MINOR(r.version));
	if (vd->inject == INJ_UNKNOWN) {
		vd->inject = INJ_NONE;
		video_send(ch, 11, &r, sizeof(r));
	}
}

static void on_resolution(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	struct synthvid_resolution_resp r = { 0 };
	u32 count = sizeof(video_modes) / sizeof(video_modes[0]);

	if (vd->version < SYNTHVID_VERSION_WIN10) {
		video_bad(ch, "resolution_request", "relid=%u (version 3.2 has no list)", ch->relid);
		return;
	}
	memcpy(r.supported_resolution, video_modes, sizeof(video_modes));
	r.resolution_count = (u8)count;
	if (vd->inject == INJ_BAD_RESOLUTIONS)
		r.resolution_count = SYNTHVID_MAX_RESOLUTIONS + 1;
	if (vd->inject == INJ_BAD_DEFAULT)
		r.default_resolution_index = (u8)count;
	if (vd->inject == INJ_BAD_RESOLUTIONS || vd->inject == INJ_BAD_DEFAULT)
		vd->inject = INJ_NONE;
	video_send(ch, SYNTHVID_RESOLUTION_RESPONSE, &r, sizeof(r));
}

static void on_vram(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	struct synthvid_vram_location loc;
	struct synthvid_vram_location_ack ack;
	struct synthvid_feature_change fc = { 1, 1, 1, 1 };
	const struct vmbus_host *h = ch->host;
	u64 base = h->vram_gpa, off;

	memcpy(&loc, p, sizeof(loc));
	off = loc.vram_gpa - base;
	/* The guest's VRAM (the offer's mmio_megabytes) must lie inside the shared one. */
	if (loc.is_vram_gpa_specified &&
	    (!base || loc.vram_gpa < base || off > h->vram_bytes ||
	     h->vram_bytes - off < fb_bytes(h))) {
		video_bad(ch, "vram_gpa", "relid=%u gpa=%#llx outside the shared VRAM %#llx+%#x",
			  ch->relid, (unsigned long long)loc.vram_gpa, (unsigned long long)base,
			  h->vram_bytes);
		return;
	}
	vd->vram_gpa = loc.is_vram_gpa_specified ? loc.vram_gpa : 0;
	vd->vram_off = loc.is_vram_gpa_specified ? loc.vram_gpa - base : 0;
	ack.user_ctx = loc.user_ctx;
	if (vd->inject == INJ_BAD_ACK) {
		vd->inject = INJ_NONE;
		ack.user_ctx += SYNTHVID_VRAM_ALIGN;
	}
	video_send(ch, SYNTHVID_VRAM_LOCATION_ACK, &ack, sizeof(ack));
	host_event(ch->host, "VIDEO_VRAM", "relid=%u gpa=%#llx", ch->relid,
		   (unsigned long long)vd->vram_gpa);
	if (vd->state == V_WAIT_VRAM && loc.is_vram_gpa_specified) {
		vd->state = V_READY;
		/* Hyper-V asks for dirty rectangles when a console attaches: one is here. */
		video_send(ch, SYNTHVID_FEATURE_CHANGE, &fc, sizeof(fc));
	}
}

static void on_situation(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	struct synthvid_situation_update s;
	struct synthvid_situation_update_ack ack;

	memcpy(&s, p, sizeof(s));
	if (s.video_output.active &&
	    (u64)s.video_output.pitch_bytes * s.video_output.height_pixels >
	    fb_bytes(ch->host)) {
		video_bad(ch, "pitch_bytes", "relid=%u pitch=%u height=%u: larger than the VRAM",
			  ch->relid, s.video_output.pitch_bytes, s.video_output.height_pixels);
		return;
	}
	vd->active = s.video_output.active;
	vd->width = vd->active ? s.video_output.width_pixels : 0;
	vd->height = vd->active ? s.video_output.height_pixels : 0;
	vd->pitch = vd->active ? s.video_output.pitch_bytes : 0;
	vd->situations++;
	ack.user_ctx = s.user_ctx;
	video_send(ch, SYNTHVID_SITUATION_UPDATE_ACK, &ack, sizeof(ack));
	host_event(ch->host, "VIDEO_MODE", "relid=%u active=%u width=%u height=%u pitch=%u",
		   ch->relid, vd->active, vd->width, vd->height, vd->pitch);
}

static void on_dirt(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	if (p[1])
		memcpy(&vd->last_dirt, p + SYNTHVID_DIRT_HDR + (p[1] - 1) * 16, 16);
	vd->dirt_msgs++;
	vd->dirt_rects += p[1];
}

static void on_ptr_pos(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	struct synthvid_pointer_position pp;

	memcpy(&pp, p, sizeof(pp));
	vd->ptr_visible = pp.is_visible;
	vd->ptr_x = pp.image_x;
	vd->ptr_y = pp.image_y;
}

static void on_ptr_shape(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n)
{
	struct synthvid_pointer_shape ps;

	memcpy(&ps, p, SYNTHVID_POINTER_SHAPE_HDR);
	vd->ptr_w = ps.width;
	vd->ptr_h = ps.height;
	vd->ptr_shapes++;
}

/* The messages a guest sends, and the state each needs at least. */
static const struct {
	u32 type;
	enum video_state need;
	void (*handle)(struct host_channel *ch, struct video_dev *vd, const u8 *p, u32 n);
} video_msgs[] = {
	{ SYNTHVID_VERSION_REQUEST, V_WAIT_VERSION, on_version },
	{ SYNTHVID_RESOLUTION_REQUEST, V_WAIT_VRAM, on_resolution },
	{ SYNTHVID_VRAM_LOCATION, V_WAIT_VRAM, on_vram },
	{ SYNTHVID_SITUATION_UPDATE, V_READY, on_situation },
	{ SYNTHVID_DIRT, V_READY, on_dirt },
	{ SYNTHVID_POINTER_POSITION, V_WAIT_VRAM, on_ptr_pos },
	{ SYNTHVID_POINTER_SHAPE, V_WAIT_VRAM, on_ptr_shape },
};

static void one_packet(struct host_channel *ch, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)ch->pkt_buf;
	struct video_dev *vd = ch->dev->priv;
	u32 off = d->offset8 * 8u, plen, i;
	const char *why = NULL;
	const u8 *payload;
	int type;

	if (d->type != VM_PKT_DATA_INBAND || off > len) {
		video_bad(ch, "packet", "relid=%u type=%u", ch->relid, d->type);
		return;
	}
	type = synthvid_frame(ch->pkt_buf + off, len - off, &payload, &plen, &why);
	if (type >= 0 && synthvid_check_from_guest(type, payload, plen, &why))
		type = -EINVAL;
	if (type < 0) {
		vd->errors++;
		host_guest_error(ch->host, "synthvid", "relid=%u bad %s", ch->relid, why);
		return;
	}
	for (i = 0; i < sizeof(video_msgs) / sizeof(video_msgs[0]); i++) {
		if (video_msgs[i].type != (u32)type)
			continue;
		if (vd->state < video_msgs[i].need) {
			vd->errors++;
			host_guest_error(ch->host, "synthvid", "relid=%u %s in state %s", ch->relid,
					 synthvid_type_name(type), state_names[vd->state]);
			return;
		}
		video_msgs[i].handle(ch, vd, payload, plen);
		return;
	}
}

static void video_packets(struct host_channel *ch)
{
	bool more;
	int len;

	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			one_packet(ch, len);
			host_chan_consume(ch, len);
		}
		more = host_chan_read_end(ch);
	} while (more && len != -EIO);
}

/*
 * An injection not yet used when its device is rescinded goes to the next video
 * device offered (docs/fakehost-ctl.md: it survives a rescind and re-offer).  One
 * fake host serves one VM, so one carried injection is enough.
 */
static enum video_inject carried_inject = INJ_NONE;

static int video_create(struct host_device *dev)
{
	struct video_dev *vd = calloc(1, sizeof(*vd));

	if (!vd)
		return -ENOMEM;
	vd->inject = carried_inject;
	carried_inject = INJ_NONE;
	dev->priv = vd;
	return 0;
}

static void video_destroy(struct host_device *dev)
{
	struct video_dev *vd = dev->priv;

	if (vd && vd->inject != INJ_NONE)
		carried_inject = vd->inject;
	free(vd);
	dev->priv = NULL;
}

/* A new channel starts over, keeping the injections asked for. */
static int video_open(struct host_channel *ch)
{
	struct video_dev *vd = ch->dev->priv;
	enum video_inject inj = vd->inject;

	memset(vd, 0, sizeof(*vd));
	vd->inject = inj;
	vd->ch = ch;
	return 0;
}

static void video_close(struct host_channel *ch)
{
	struct video_dev *vd = ch->dev->priv;

	vd->ch = NULL;
	vd->active = false;
}

/* The offer names the VRAM's size in MiB, as Hyper-V's mmio_megabytes. */
static void video_fill_offer(struct host_device *dev, struct vmbus_channel_offer *offer)
{
	offer->mmio_megabytes = (u16)(dev->host->vram_bytes >> 20);
}

static void video_status(struct host_device *dev, char *buf, size_t len)
{
	struct video_dev *vd = dev->priv;

	snprintf(buf, len, "state=%s mode=%ux%u dirt=%llu", state_names[vd->state], vd->width,
		 vd->height, (unsigned long long)vd->dirt_msgs);
}

/*
 * The pump's message (pump.c): FEATURE_CHANGE, which the host may send at any time
 * once the VRAM is acknowledged; the guest answers with its pointer and a full update.
 */
static int video_pump(struct host_channel *ch)
{
	struct video_dev *vd = ch->dev->priv;
	struct synthvid_feature_change fc = { 1, 1, 1, 1 };

	if (vd->state != V_READY)
		return -EAGAIN;
	video_send(ch, SYNTHVID_FEATURE_CHANGE, &fc, sizeof(fc));
	return 0;
}

const struct host_device_ops dev_video_ops = {
	.name = "video",
	.class_id = HV_SYNTHVID_GUID,
	.create = video_create,
	.destroy = video_destroy,
	.fill_offer = video_fill_offer,
	.open = video_open,
	.packets = video_packets,
	.close = video_close,
	.status = video_status,
	.pump = video_pump,
};

/* ---- control commands ---- */

static struct video_dev *find_video(struct vmbus_host *h)
{
	struct host_device *dev;

	for (dev = h->devices; dev; dev = dev->next)
		if (dev->ops == &dev_video_ops)
			return dev->priv;
	return NULL;
}

int dev_video_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		  size_t errlen)
{
	static const char *const inj_names[] = { "none", "bad-ack", "bad-resolutions",
						 "bad-default", "unknown" };
	struct video_dev *vd = find_video(h);
	unsigned int i;
	int ret;

	if (!vd)
		return ctl_errf(err, errlen, "no video device (--devices ...,video)");
	if (!strcmp(argv[0], "screen")) {
		fprintf(out, "state=%s version=%u.%u active=%u width=%u height=%u depth=32 pitch=%u vram_gpa=%#llx vram_bytes=%u situations=%llu dirt_msgs=%llu dirt_rects=%llu last_dirt=%d,%d,%d,%d pointer_visible=%u pointer=%d,%d pointer_shape=%ux%u pointer_shapes=%u errors=%llu\n",
			state_names[vd->state], SYNTHVID_MAJOR(vd->version),
			SYNTHVID_MINOR(vd->version), vd->active, vd->width, vd->height, vd->pitch,
			(unsigned long long)vd->vram_gpa, h->vram_bytes,
			(unsigned long long)vd->situations, (unsigned long long)vd->dirt_msgs,
			(unsigned long long)vd->dirt_rects, vd->last_dirt.x1, vd->last_dirt.y1,
			vd->last_dirt.x2, vd->last_dirt.y2, vd->ptr_visible, vd->ptr_x, vd->ptr_y,
			vd->ptr_w, vd->ptr_h, vd->ptr_shapes, (unsigned long long)vd->errors);
		return 0;
	}
	if (!strcmp(argv[0], "screenshot")) {
		if (argc != 2)
			return ctl_errf(err, errlen, "usage: screenshot FILE.png");
		if (vd->state != V_READY || !vd->active || !vd->vram_gpa)
			return ctl_errf(err, errlen, "the guest shows no mode yet");
		/* on_situation checked pitch * height against the VRAM. */
		if (vd->vram_off + (u64)vd->pitch * vd->height > h->vram_bytes)
			return ctl_errf(err, errlen, "mode beyond the VRAM");
		ret = video_write_png(argv[1], h->vram + vd->vram_off, vd->width, vd->height,
				      vd->pitch);
		if (ret) {
			snprintf(err, errlen, "%s: %s", argv[1], strerror(-ret));
			return -1;
		}
		fprintf(out, "screenshot %s %ux%u\n", argv[1], vd->width, vd->height);
		return 0;
	}
	/* video-inject KIND */
	for (i = 0; argc == 2 && i < sizeof(inj_names) / sizeof(inj_names[0]); i++) {
		if (!strcmp(argv[1], inj_names[i])) {
			vd->inject = (enum video_inject)i;
			fprintf(out, "video-inject %s\n", inj_names[i]);
			return 0;
		}
	}
	return ctl_errf(err, errlen,
			"usage: video-inject none|bad-ack|bad-resolutions|bad-default|unknown");
}
