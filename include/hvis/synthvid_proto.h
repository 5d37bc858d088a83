/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synthvid_proto.h: the synthetic video protocol (Hyper-V's VMBus video device), shared
 * by hvis_video (drivers/video) and the fake host's video backend.  Facts from
 * drivers/gpu/drm/hyperv/hyperv_drm_proto.c and drivers/video/fbdev/hyperv_fb.c
 * (struct layouts, message numbers, versions, limits); sizes are asserted equal to
 * theirs.  Every packet is in-band: a pipe header, a video header, then the payload.
 */
#ifndef _HVIS_SYNTHVID_PROTO_H
#define _HVIS_SYNTHVID_PROTO_H

#include "types.h"

/* hyperv_drm_proto.c SYNTHVID_VERSION(major, minor): minor in the high half. */
#define SYNTHVID_VERSION(major, minor)	(((u32)(minor) << 16) | (u32)(major))
#define SYNTHVID_MAJOR(v)		((v) & 0xffff)
#define SYNTHVID_MINOR(v)		((v) >> 16)
#define SYNTHVID_VERSION_WIN8		SYNTHVID_VERSION(3, 2)
#define SYNTHVID_VERSION_WIN10		SYNTHVID_VERSION(3, 5)

#define SYNTHVID_DEPTH_WIN8		32	/* bits per pixel, the only depth */
#define SYNTHVID_WIDTH_WIN8		1600	/* defaults without a resolution list */
#define SYNTHVID_HEIGHT_WIN8		1200
#define SYNTHVID_FB_SIZE_WIN8		(8 * 1024 * 1024)
/* hyperv_drm_proto.c SYNTHVID_MAX_RESOLUTION_COUNT */
#define SYNTHVID_MAX_RESOLUTIONS	64
#define SYNTHVID_EDID_BLOCK_SIZE	128
/* hyperv_drm_proto.c: rings of 256 KiB, packets up to 16 KiB, 1 MiB VRAM alignment. */
#define SYNTHVID_RING_BYTES		(256 * 1024)
#define SYNTHVID_MAX_PACKET		0x4000
#define SYNTHVID_VRAM_ALIGN		0x100000
/* hyperv_drm_proto.c: cursor up to 96x96 ARGB; part index 0xff is "complete". */
#define SYNTHVID_CURSOR_MAX_X		96
#define SYNTHVID_CURSOR_MAX_Y		96
#define SYNTHVID_CURSOR_COMPLETE	0xff

enum pipe_msg_type {
	PIPE_MSG_INVALID = 0,
	PIPE_MSG_DATA = 1,
};

enum synthvid_msg_type {
	SYNTHVID_ERROR = 0,
	SYNTHVID_VERSION_REQUEST = 1,
	SYNTHVID_VERSION_RESPONSE = 2,
	SYNTHVID_VRAM_LOCATION = 3,
	SYNTHVID_VRAM_LOCATION_ACK = 4,
	SYNTHVID_SITUATION_UPDATE = 5,
	SYNTHVID_SITUATION_UPDATE_ACK = 6,
	SYNTHVID_POINTER_POSITION = 7,
	SYNTHVID_POINTER_SHAPE = 8,
	SYNTHVID_FEATURE_CHANGE = 9,
	SYNTHVID_DIRT = 10,
	SYNTHVID_RESOLUTION_REQUEST = 13,
	SYNTHVID_RESOLUTION_RESPONSE = 14,
	SYNTHVID_MAX = 15,
};

struct pipe_msg_hdr {
	u32 type;		/* PIPE_MSG_DATA */
	u32 size;		/* bytes after this header */
} __packed;
static_assert(sizeof(struct pipe_msg_hdr) == 8, "pipe_msg_hdr");

struct synthvid_msg_hdr {
	u32 type;		/* enum synthvid_msg_type */
	u32 size;		/* this header and the payload (Linux); the payload (Hyper-V) */
} __packed;
static_assert(sizeof(struct synthvid_msg_hdr) == 8, "synthvid_msg_hdr");

#define SYNTHVID_HDRS	(sizeof(struct pipe_msg_hdr) + sizeof(struct synthvid_msg_hdr))

struct synthvid_version_req {
	u32 version;
} __packed;
static_assert(sizeof(struct synthvid_version_req) == 4, "version_req");

struct synthvid_version_resp {
	u32 version;
	u8 is_accepted;
	u8 max_video_outputs;
} __packed;
static_assert(sizeof(struct synthvid_version_resp) == 6, "version_resp");

struct synthvid_vram_location {
	u64 user_ctx;
	u8 is_vram_gpa_specified;
	u64 vram_gpa;
} __packed;
static_assert(sizeof(struct synthvid_vram_location) == 17, "vram_location");

struct synthvid_vram_location_ack {
	u64 user_ctx;
} __packed;
static_assert(sizeof(struct synthvid_vram_location_ack) == 8, "vram_location_ack");

struct video_output_situation {
	u8 active;
	u32 vram_offset;	/* always 0 */
	u8 depth_bits;
	u32 width_pixels;
	u32 height_pixels;
	u32 pitch_bytes;
} __packed;
static_assert(sizeof(struct video_output_situation) == 18, "video_output_situation");

struct synthvid_situation_update {
	u64 user_ctx;
	u8 video_output_count;
	struct video_output_situation video_output;	/* upstream's video_output[1]: one */
} __packed;
static_assert(sizeof(struct synthvid_situation_update) == 27, "situation_update");

struct synthvid_situation_update_ack {
	u64 user_ctx;
} __packed;
static_assert(sizeof(struct synthvid_situation_update_ack) == 8, "situation_update_ack");

struct synthvid_pointer_position {
	u8 is_visible;
	u8 video_output;
	s32 image_x;
	s32 image_y;
} __packed;
static_assert(sizeof(struct synthvid_pointer_position) == 10, "pointer_position");

struct synthvid_pointer_shape {
	u8 part_idx;
	u8 is_argb;
	u32 width;
	u32 height;
	u32 hot_x;
	u32 hot_y;
	u8 data[4];
} __packed;
static_assert(sizeof(struct synthvid_pointer_shape) == 22, "pointer_shape");
#define SYNTHVID_POINTER_SHAPE_HDR	18	/* the fields before data[] */

struct synthvid_feature_change {
	u8 is_dirt_needed;
	u8 is_ptr_pos_needed;
	u8 is_ptr_shape_needed;
	u8 is_situ_needed;
} __packed;
static_assert(sizeof(struct synthvid_feature_change) == 4, "feature_change");

struct synthvid_rect {
	s32 x1, y1;		/* top left */
	s32 x2, y2;		/* bottom right, exclusive */
} __packed;
static_assert(sizeof(struct synthvid_rect) == 16, "rect");

struct synthvid_dirt {
	u8 video_output;
	u8 dirt_count;
	struct synthvid_rect rect;	/* upstream's rect[1]: the one rectangle hvis sends */
} __packed;
static_assert(sizeof(struct synthvid_dirt) == 18, "dirt");
#define SYNTHVID_DIRT_HDR		2	/* the fields before rect */

struct synthvid_resolution_req {
	u8 maximum_resolution_count;
} __packed;
static_assert(sizeof(struct synthvid_resolution_req) == 1, "resolution_req");

struct synthvid_resolution {
	u16 width;
	u16 height;
} __packed;
static_assert(sizeof(struct synthvid_resolution) == 4, "resolution");

struct synthvid_resolution_resp {
	u8 edid_block[SYNTHVID_EDID_BLOCK_SIZE];
	u8 resolution_count;
	u8 default_resolution_index;
	u8 is_standard;
	struct synthvid_resolution supported_resolution[SYNTHVID_MAX_RESOLUTIONS];
} __packed;
static_assert(sizeof(struct synthvid_resolution_resp) == 387, "resolution_resp");
#define SYNTHVID_RESOLUTION_RESP_HDR	131	/* the fields before the list */

/* One whole packet as hyperv_drm_proto.c's struct synthvid_msg. */
struct synthvid_msg {
	struct pipe_msg_hdr pipe_hdr;
	struct synthvid_msg_hdr vid_hdr;
	union {
		struct synthvid_version_req ver_req;
		struct synthvid_version_resp ver_resp;
		struct synthvid_vram_location vram;
		struct synthvid_vram_location_ack vram_ack;
		struct synthvid_situation_update situ;
		struct synthvid_situation_update_ack situ_ack;
		struct synthvid_pointer_position ptr_pos;
		struct synthvid_pointer_shape ptr_shape;
		struct synthvid_feature_change feature_chg;
		struct synthvid_dirt dirt;
		struct synthvid_resolution_req resolution_req;
		struct synthvid_resolution_resp resolution_resp;
	};
} __packed;
static_assert(sizeof(struct synthvid_msg) == 16 + 387, "synthvid_msg");

#endif /* _HVIS_SYNTHVID_PROTO_H */
