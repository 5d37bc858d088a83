// SPDX-License-Identifier: GPL-2.0-only
/*
 * synthvid_msg.c: checks of synthetic video packets in both directions (see
 * synthvid_msg.h).  Facts from drivers/gpu/drm/hyperv/hyperv_drm_proto.c (minimum
 * lengths of what the host sends, the 64-entry resolution list) and
 * drivers/video/fbdev/hyperv_fb.c (32 bpp only, cursor limits).
 */
#include "synthvid_msg.h"

static u32 get32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

int synthvid_frame(const void *pkt, u32 len, const u8 **payload, u32 *plen, const char **why)
{
	const u8 *p = pkt;

	if (len < SYNTHVID_HDRS) {
		*why = "length shorter than the pipe and video headers";
		return -EINVAL;
	}
	if (get32(p) != PIPE_MSG_DATA) {
		*why = "pipe_hdr.type";
		return -EPROTO;
	}
	*payload = p + SYNTHVID_HDRS;
	*plen = len - SYNTHVID_HDRS;
	return (int)(get32(p + 8) & 0x7fffffff);
}

static const struct {
	u32 from_host;		/* minimum payload when the host sends it; 0: host never does */
	u32 from_guest;		/* minimum payload when the guest sends it; 0: guest never does */
	const char *name;
} synthvid_types[SYNTHVID_MAX] = {
	[SYNTHVID_ERROR] = { 0, 0, "ERROR" },
	[SYNTHVID_VERSION_REQUEST] = { 0, sizeof(struct synthvid_version_req), "VERSION_REQUEST" },
	[SYNTHVID_VERSION_RESPONSE] = { sizeof(struct synthvid_version_resp), 0,
					"VERSION_RESPONSE" },
	[SYNTHVID_VRAM_LOCATION] = { 0, sizeof(struct synthvid_vram_location), "VRAM_LOCATION" },
	[SYNTHVID_VRAM_LOCATION_ACK] = { sizeof(struct synthvid_vram_location_ack), 0,
					 "VRAM_LOCATION_ACK" },
	[SYNTHVID_SITUATION_UPDATE] = { 0, sizeof(struct synthvid_situation_update),
					"SITUATION_UPDATE" },
	[SYNTHVID_SITUATION_UPDATE_ACK] = { sizeof(struct synthvid_situation_update_ack), 0,
					    "SITUATION_UPDATE_ACK" },
	[SYNTHVID_POINTER_POSITION] = { 0, sizeof(struct synthvid_pointer_position),
					"POINTER_POSITION" },
	[SYNTHVID_POINTER_SHAPE] = { 0, SYNTHVID_POINTER_SHAPE_HDR, "POINTER_SHAPE" },
	[SYNTHVID_FEATURE_CHANGE] = { sizeof(struct synthvid_feature_change), 0, "FEATURE_CHANGE" },
	[SYNTHVID_DIRT] = { 0, SYNTHVID_DIRT_HDR, "DIRT" },
	[SYNTHVID_RESOLUTION_REQUEST] = { 0, sizeof(struct synthvid_resolution_req),
					  "RESOLUTION_REQUEST" },
	[SYNTHVID_RESOLUTION_RESPONSE] = { SYNTHVID_RESOLUTION_RESP_HDR, 0,
					   "RESOLUTION_RESPONSE" },
};

const char *synthvid_type_name(u32 type)
{
	if (type < SYNTHVID_MAX && synthvid_types[type].name)
		return synthvid_types[type].name;
	return "unknown";
}

static int check_resolutions(const u8 *p, u32 plen, const char **why)
{
	u32 count = p[128], def = p[129], i;

	if (!count || count > SYNTHVID_MAX_RESOLUTIONS) {
		*why = "resolution_count (0 or more than 64)";
		return -EINVAL;
	}
	if (plen < SYNTHVID_RESOLUTION_RESP_HDR + count * sizeof(struct synthvid_resolution)) {
		*why = "resolution_count (list longer than the message)";
		return -EINVAL;
	}
	if (def >= count) {
		*why = "default_resolution_index";
		return -EINVAL;
	}
	for (i = 0; i < count; i++) {
		const u8 *r = p + SYNTHVID_RESOLUTION_RESP_HDR + i * 4;

		if (!get16(r) || !get16(r + 2)) {
			*why = "supported_resolution (zero width or height)";
			return -EINVAL;
		}
	}
	return 0;
}

int synthvid_check_from_host(u32 type, const u8 *payload, u32 plen, const char **why)
{
	if (type >= SYNTHVID_MAX || !synthvid_types[type].from_host) {
		*why = "type (not a message the host sends)";
		return -EPROTO;
	}
	if (plen < synthvid_types[type].from_host) {
		*why = "size (payload shorter than its message)";
		return -EINVAL;
	}
	if (type == SYNTHVID_RESOLUTION_RESPONSE)
		return check_resolutions(payload, plen, why);
	return 0;
}

static int check_situation(const u8 *p, u32 plen, const char **why)
{
	u32 count = p[8], w, h, pitch;
	const u8 *s = p + 9;

	if (!count || 9 + count * sizeof(struct video_output_situation) > plen) {
		*why = "video_output_count";
		return -EINVAL;
	}
	if (!s[0])
		return 0;	/* an inactive output says nothing more */
	w = get32(s + 6);
	h = get32(s + 10);
	pitch = get32(s + 14);
	if (get32(s + 1)) {
		*why = "vram_offset (must be 0)";
		return -EINVAL;
	}
	if (s[5] != SYNTHVID_DEPTH_WIN8) {
		*why = "depth_bits";
		return -EINVAL;
	}
	if (!w || !h || w > 0xffff || h > 0xffff) {
		*why = "width_pixels/height_pixels";
		return -EINVAL;
	}
	if (pitch < w * 4) {
		*why = "pitch_bytes";
		return -EINVAL;
	}
	return 0;
}

static int check_shape(const u8 *p, u32 plen, const char **why)
{
	u32 w = get32(p + 2), h = get32(p + 6);

	if (w > SYNTHVID_CURSOR_MAX_X || h > SYNTHVID_CURSOR_MAX_Y) {
		*why = "width/height (cursor over 96x96)";
		return -EINVAL;
	}
	if (get32(p + 10) > w || get32(p + 14) > h) {
		*why = "hot_x/hot_y";
		return -EINVAL;
	}
	if (p[0] == SYNTHVID_CURSOR_COMPLETE && p[1] &&
	    plen - SYNTHVID_POINTER_SHAPE_HDR < w * h * 4) {
		*why = "data (shorter than width * height * 4)";
		return -EINVAL;
	}
	return 0;
}

static int check_dirt(const u8 *p, u32 plen, const char **why)
{
	u32 count = p[1], i;

	if (SYNTHVID_DIRT_HDR + count * sizeof(struct synthvid_rect) > plen) {
		*why = "dirt_count";
		return -EINVAL;
	}
	for (i = 0; i < count; i++) {
		const u8 *r = p + SYNTHVID_DIRT_HDR + i * sizeof(struct synthvid_rect);

		if ((s32)get32(r) > (s32)get32(r + 8) || (s32)get32(r + 4) > (s32)get32(r + 12)) {
			*why = "rect (inverted)";
			return -EINVAL;
		}
	}
	return 0;
}

int synthvid_check_from_guest(u32 type, const u8 *payload, u32 plen, const char **why)
{
	if (type >= SYNTHVID_MAX || !synthvid_types[type].from_guest) {
		*why = "type (not a message the guest sends)";
		return -EPROTO;
	}
	if (plen < synthvid_types[type].from_guest) {
		*why = "size (payload shorter than its message)";
		return -EINVAL;
	}
	switch (type) {
	case SYNTHVID_VRAM_LOCATION:
		if (payload[8] > 1) {
			*why = "is_vram_gpa_specified";
			return -EINVAL;
		}
		return 0;
	case SYNTHVID_SITUATION_UPDATE:
		return check_situation(payload, plen, why);
	case SYNTHVID_POINTER_SHAPE:
		return check_shape(payload, plen, why);
	case SYNTHVID_DIRT:
		return check_dirt(payload, plen, why);
	}
	return 0;
}

u32 synthvid_put_headers(void *buf, u32 type, u32 plen)
{
	struct pipe_msg_hdr pipe = { PIPE_MSG_DATA, (u32)sizeof(struct synthvid_msg_hdr) + plen };
	struct synthvid_msg_hdr vid = { type, (u32)sizeof(struct synthvid_msg_hdr) + plen };
	u8 *p = buf;

	memcpy(p, &pipe, sizeof(pipe));
	memcpy(p + sizeof(pipe), &vid, sizeof(vid));
	return (u32)SYNTHVID_HDRS + plen;
}
