/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * video.h: hvis_video's device state, shared by main.c (probe, VRAM), proto.c (the
 * synthetic video protocol) and modeset.c (the DRM pipe, connector and modes).
 */
#ifndef _HVIS_VIDEO_H
#define _HVIS_VIDEO_H

#include <linux/completion.h>
#include <linux/spinlock.h>
#include <drm/drm_device.h>
#include <drm/drm_connector.h>
#include <drm/drm_simple_kms_helper.h>
#include <hvis/vmbus.h>
#include <hvis/synthvid_proto.h>

struct drm_rect;

struct hvis_video {
	struct drm_device drm;
	struct drm_simple_display_pipe pipe;
	struct drm_connector connector;
	struct hvis_device *hdev;
	struct hvis_channel *ch;

	/* protocol: one request waits for one answer type at a time */
	spinlock_t wait_lock;
	u32 wait_type;			/* the awaited answer, or 0 */
	struct completion wait_done;
	u8 answer[sizeof(struct synthvid_msg)];
	u32 answer_len;
	int answer_err;			/* the answer came but was refused */
	u32 version;			/* negotiated SYNTHVID_VERSION */
	bool dirt_needed;		/* READ_ONCE: host wants DIRT messages */
	atomic64_t next_tid;
	struct work_struct feature_work;	/* FEATURE_CHANGE: hide the pointer again */

	/* modes from the host's list (or the WIN8 defaults) */
	struct synthvid_resolution modes[SYNTHVID_MAX_RESOLUTIONS];
	u32 nmodes;
	u32 width_max, height_max;
	u32 preferred_w, preferred_h;

	/* VRAM */
	struct resource *mem;
	void *vram;
	u64 vram_gpa;
	size_t fb_size;

	u8 rxbuf[SYNTHVID_MAX_PACKET];
};

#define to_hvis_video(d) container_of(d, struct hvis_video, drm)

/* proto.c */
int hvis_video_connect(struct hvis_video *hv);
void hvis_video_disconnect(struct hvis_video *hv);
int hvis_video_set_vram(struct hvis_video *hv, u64 gpa);
int hvis_video_situation(struct hvis_video *hv, bool active, u32 w, u32 h, u32 pitch);
int hvis_video_hide_pointer(struct hvis_video *hv);
int hvis_video_dirt(struct hvis_video *hv, const struct drm_rect *r);

/* modeset.c */
int hvis_video_modeset_init(struct hvis_video *hv);

#endif /* _HVIS_VIDEO_H */
