// SPDX-License-Identifier: GPL-2.0-only
/*
 * proto.c: hvis_video's side of the synthetic video protocol (include/hvis/synthvid_proto.h):
 * the channel, version negotiation, the resolution list, the VRAM location, situation
 * updates, dirty rectangles and the pointer.  Every packet from the host goes through
 * lib/synthvid_msg.c before anything reads it; a bad one is dropped with a rate-limited
 * error naming the field.  Sequence and limits as drivers/gpu/drm/hyperv/hyperv_drm_proto.c.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <drm/drm_rect.h>
#include "synthvid_msg.h"
#include "video.h"

/* hyperv_drm_proto.c VSP_TIMEOUT: every request waits 10 s for its answer. */
#define VIDEO_TIMEOUT		(10 * HZ)

static int video_send(struct hvis_video *hv, u32 type, const void *payload, u32 plen)
{
	u8 buf[SYNTHVID_HDRS + sizeof(struct synthvid_pointer_shape) + 64];
	u32 len;

	if (WARN_ON(plen > sizeof(buf) - SYNTHVID_HDRS))
		return -EINVAL;
	memcpy(buf + SYNTHVID_HDRS, payload, plen);
	len = synthvid_put_headers(buf, type, plen);
	return hvis_channel_send(hv->ch, buf, len, atomic64_inc_return(&hv->next_tid),
				 VM_PKT_DATA_INBAND, 0);
}

/* Sends a request and waits for the answer of type @answer; its payload in hv->answer. */
static int video_request(struct hvis_video *hv, u32 type, const void *payload, u32 plen,
			 u32 answer)
{
	int ret;

	spin_lock_bh(&hv->wait_lock);
	hv->wait_type = answer;
	hv->answer_err = 0;
	reinit_completion(&hv->wait_done);
	spin_unlock_bh(&hv->wait_lock);
	ret = video_send(hv, type, payload, plen);
	if (!ret && !wait_for_completion_timeout(&hv->wait_done, VIDEO_TIMEOUT))
		ret = -ETIMEDOUT;
	spin_lock_bh(&hv->wait_lock);
	hv->wait_type = 0;
	if (!ret)
		ret = hv->answer_err;
	spin_unlock_bh(&hv->wait_lock);
	if (ret)
		dev_err(&hv->hdev->dev, "no %s after %s: %d\n", synthvid_type_name(answer),
			synthvid_type_name(type), ret);
	return ret;
}

static void video_feature_work(struct work_struct *work)
{
	struct hvis_video *hv = container_of(work, struct hvis_video, feature_work);

	hvis_video_hide_pointer(hv);
}

static void video_handle(struct hvis_video *hv, u32 len)
{
	const char *why = NULL;
	const u8 *payload;
	u32 plen;
	int type;

	type = synthvid_frame(hv->rxbuf, len, &payload, &plen, &why);
	if (type >= 0 && synthvid_check_from_host(type, payload, plen, &why)) {
		dev_err_ratelimited(&hv->hdev->dev, "synthvid %s refused: bad %s\n",
				    synthvid_type_name(type), why);
		/* The request it answers fails now rather than at its timeout. */
		spin_lock(&hv->wait_lock);
		if (hv->wait_type == (u32)type) {
			hv->answer_err = -EPROTO;
			hv->wait_type = 0;
			complete(&hv->wait_done);
		}
		spin_unlock(&hv->wait_lock);
		return;
	}
	if (type < 0) {
		dev_err_ratelimited(&hv->hdev->dev, "synthvid packet of %u bytes refused: bad %s\n",
				    len, why);
		return;
	}
	switch (type) {
	case SYNTHVID_FEATURE_CHANGE:
		WRITE_ONCE(hv->dirt_needed, !!payload[0]);
		if (payload[0])
			schedule_work(&hv->feature_work);
		return;
	case SYNTHVID_SITUATION_UPDATE_ACK:
		return;
	}
	spin_lock(&hv->wait_lock);
	if (hv->wait_type == (u32)type) {
		memcpy(hv->answer, payload, min_t(u32, plen, sizeof(hv->answer)));
		hv->answer_len = plen;
		hv->wait_type = 0;
		complete(&hv->wait_done);
	} else {
		dev_err_ratelimited(&hv->hdev->dev, "synthvid %s not asked for: bad type\n",
				    synthvid_type_name(type));
	}
	spin_unlock(&hv->wait_lock);
}

static void video_callback(void *context)
{
	struct hvis_video *hv = context;
	u64 tid;
	int len;

	for (;;) {
		len = hvis_channel_recv(hv->ch, hv->rxbuf, sizeof(hv->rxbuf), &tid);
		if (len == -ENOBUFS)
			continue;
		if (len < 0)
			break;
		video_handle(hv, len);
	}
}

/*
 * hyperv_drm_proto.c hyperv_connect_vsp: on VMBus 4.0 and 5.0 the WIN10 level, then
 * WIN8; on 2.4 and 3.0 WIN8 only; on any other VMBus version WIN10 only.
 */
static int video_negotiate(struct hvis_video *hv)
{
	static const u32 both[] = { SYNTHVID_VERSION_WIN10, SYNTHVID_VERSION_WIN8 };
	u32 vmbus = hvis_vmbus_protocol_version();
	const u32 *try = both;
	unsigned int n = 2, i;
	int ret = -ENODEV;

	if (vmbus == VERSION_WIN8 || vmbus == VERSION_WIN8_1) {
		try = both + 1;
		n = 1;
	} else if (vmbus != VERSION_WIN10 && vmbus != VERSION_WIN10_V5) {
		n = 1;
	}
	for (i = 0; i < n; i++) {
		struct synthvid_version_req req = { .version = try[i] };
		struct synthvid_version_resp resp;

		ret = video_request(hv, SYNTHVID_VERSION_REQUEST, &req, sizeof(req),
				    SYNTHVID_VERSION_RESPONSE);
		if (ret)
			return ret;
		memcpy(&resp, hv->answer, sizeof(resp));
		if (resp.is_accepted) {
			hv->version = try[i];
			dev_info(&hv->hdev->dev, "synthetic video version %u.%u\n",
				 SYNTHVID_MAJOR(try[i]), SYNTHVID_MINOR(try[i]));
			return 0;
		}
	}
	dev_err(&hv->hdev->dev, "synthetic video version not accepted\n");
	return -ENODEV;
}

/* WIN10: the host's resolution list.  Without one, the WIN8 default only. */
static void video_resolutions(struct hvis_video *hv)
{
	struct synthvid_resolution_req req = { SYNTHVID_MAX_RESOLUTIONS };
	struct synthvid_resolution_resp *resp = (void *)hv->answer;
	unsigned int i;

	hv->nmodes = 1;
	hv->modes[0].width = SYNTHVID_WIDTH_WIN8;
	hv->modes[0].height = SYNTHVID_HEIGHT_WIN8;
	hv->preferred_w = SYNTHVID_WIDTH_WIN8;
	hv->preferred_h = SYNTHVID_HEIGHT_WIN8;
	hv->width_max = SYNTHVID_WIDTH_WIN8;
	hv->height_max = SYNTHVID_HEIGHT_WIN8;
	if (hv->version < SYNTHVID_VERSION_WIN10)
		return;
	/* The list's counts were checked by synthvid_check_from_host(). */
	if (video_request(hv, SYNTHVID_RESOLUTION_REQUEST, &req, sizeof(req),
			  SYNTHVID_RESOLUTION_RESPONSE)) {
		dev_warn(&hv->hdev->dev, "no usable resolution list: %ux%u only\n",
			 hv->preferred_w, hv->preferred_h);
		return;
	}
	hv->nmodes = resp->resolution_count;
	hv->width_max = 0;
	hv->height_max = 0;
	for (i = 0; i < hv->nmodes; i++) {
		hv->modes[i] = resp->supported_resolution[i];
		hv->width_max = max_t(u32, hv->width_max, hv->modes[i].width);
		hv->height_max = max_t(u32, hv->height_max, hv->modes[i].height);
	}
	hv->preferred_w = resp->supported_resolution[resp->default_resolution_index].width;
	hv->preferred_h = resp->supported_resolution[resp->default_resolution_index].height;
}

int hvis_video_set_vram(struct hvis_video *hv, u64 gpa)
{
	struct synthvid_vram_location loc = {
		.user_ctx = gpa, .is_vram_gpa_specified = 1, .vram_gpa = gpa,
	};
	struct synthvid_vram_location_ack ack;
	int ret;

	ret = video_request(hv, SYNTHVID_VRAM_LOCATION, &loc, sizeof(loc),
			    SYNTHVID_VRAM_LOCATION_ACK);
	if (ret)
		return ret;
	memcpy(&ack, hv->answer, sizeof(ack));
	if (ack.user_ctx != gpa) {
		dev_err_ratelimited(&hv->hdev->dev, "VRAM location refused: bad user_ctx %#llx in the ack (asked for %#llx)\n",
				    ack.user_ctx, gpa);
		return -EPROTO;
	}
	return 0;
}

int hvis_video_situation(struct hvis_video *hv, bool active, u32 w, u32 h, u32 pitch)
{
	struct synthvid_situation_update s = {
		.video_output_count = 1,
		.video_output = {
			.active = active, .depth_bits = SYNTHVID_DEPTH_WIN8,
			.width_pixels = w, .height_pixels = h, .pitch_bytes = pitch,
		},
	};

	return video_send(hv, SYNTHVID_SITUATION_UPDATE, &s, sizeof(s));
}

/*
 * hyperv_drm_proto.c hyperv_hide_hw_ptr: a visible 1x1 transparent cursor, since
 * is_visible = 0 is ignored by Hyper-V, which would draw its own pointer otherwise.
 */
int hvis_video_hide_pointer(struct hvis_video *hv)
{
	struct synthvid_pointer_position pos = { .is_visible = 1 };
	struct synthvid_pointer_shape shape = {
		.part_idx = SYNTHVID_CURSOR_COMPLETE, .is_argb = 1, .width = 1, .height = 1,
		.data = { 0, 1, 1, 1 },
	};
	int ret;

	ret = video_send(hv, SYNTHVID_POINTER_POSITION, &pos, sizeof(pos));
	if (!ret)
		ret = video_send(hv, SYNTHVID_POINTER_SHAPE, &shape, sizeof(shape));
	return ret;
}

int hvis_video_dirt(struct hvis_video *hv, const struct drm_rect *r)
{
	struct synthvid_dirt d = {
		.dirt_count = 1,
		.rect = { .x1 = r->x1, .y1 = r->y1, .x2 = r->x2, .y2 = r->y2 },
	};

	if (!READ_ONCE(hv->dirt_needed))
		return 0;
	return video_send(hv, SYNTHVID_DIRT, &d, sizeof(d));
}

int hvis_video_connect(struct hvis_video *hv)
{
	int ret;

	spin_lock_init(&hv->wait_lock);
	init_completion(&hv->wait_done);
	INIT_WORK(&hv->feature_work, video_feature_work);
	atomic64_set(&hv->next_tid, 0);
	/* No DIRT until the host asks with FEATURE_CHANGE (a console attached). */
	hv->dirt_needed = false;
	hvis_channel_set_max_packet(hv->ch, SYNTHVID_MAX_PACKET);
	ret = hvis_channel_open(hv->ch, SYNTHVID_RING_BYTES, SYNTHVID_RING_BYTES, NULL, 0,
				video_callback, hv);
	if (ret) {
		dev_err(&hv->hdev->dev, "cannot open the channel: %d\n", ret);
		return ret;
	}
	ret = video_negotiate(hv);
	if (ret) {
		hvis_video_disconnect(hv);
		return ret;
	}
	video_resolutions(hv);
	return 0;
}

void hvis_video_disconnect(struct hvis_video *hv)
{
	hvis_channel_close(hv->ch);
	cancel_work_sync(&hv->feature_work);
}
