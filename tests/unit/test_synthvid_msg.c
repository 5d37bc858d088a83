// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_synthvid_msg.c: unit tests of lib/synthvid_msg.c: packet framing, each host
 * message's minimum length, the resolution list (impossible counts, a list longer than
 * the packet, a default index outside it, zero sizes), and the guest-side checks the
 * fake host relies on (situation, cursor shape, dirty rectangles, VRAM location).
 */
#include "tap.h"
#include "synthvid_msg.h"

static u8 pkt[sizeof(struct synthvid_msg) + 64];

/* Frames payload as type and runs the check of dir (0 host, 1 guest) on it. */
static int run(int dir, u32 type, const void *payload, u32 plen, const char **why)
{
	const u8 *p;
	u32 n, len;
	int t;

	memcpy(pkt + SYNTHVID_HDRS, payload, plen);
	len = synthvid_put_headers(pkt, type, plen);
	t = synthvid_frame(pkt, len, &p, &n, why);
	if (t < 0)
		return t;
	if ((u32)t != type || n != plen)
		return -1000;
	return dir ? synthvid_check_from_guest(type, p, n, why) :
		     synthvid_check_from_host(type, p, n, why);
}

static void refused(int dir, u32 type, const void *payload, u32 plen, const char *field,
		    const char *what)
{
	const char *why = NULL;
	int rc = run(dir, type, payload, plen, &why);

	tap_check(rc < 0 && why && strstr(why, field), "%s refused naming %s (%s)", what, field,
		  why ? why : "-");
}

static void accepted(int dir, u32 type, const void *payload, u32 plen, const char *what)
{
	const char *why = NULL;
	int rc = run(dir, type, payload, plen, &why);

	tap_check(rc == 0, "%s accepted (%s)", what, why ? why : "-");
}

static void test_frame(void)
{
	const char *why = NULL;
	const u8 *p;
	u32 n;

	tap_check(synthvid_frame(pkt, 15, &p, &n, &why) == -EINVAL, "15-byte packet refused");
	synthvid_put_headers(pkt, SYNTHVID_VERSION_RESPONSE, 6);
	pkt[0] = 2;
	why = NULL;
	tap_check(synthvid_frame(pkt, 22, &p, &n, &why) == -EPROTO && strstr(why, "pipe_hdr.type"),
		  "pipe type other than DATA refused");
	synthvid_put_headers(pkt, SYNTHVID_VERSION_RESPONSE, 6);
	tap_check(synthvid_frame(pkt, 22, &p, &n, &why) == SYNTHVID_VERSION_RESPONSE && n == 6 &&
		  p == pkt + 16, "framing gives type and payload");
	tap_check(!strcmp(synthvid_type_name(SYNTHVID_DIRT), "DIRT") &&
		  !strcmp(synthvid_type_name(11), "unknown"), "type names");
}

static void test_from_host(void)
{
	struct synthvid_version_resp vr = { SYNTHVID_VERSION_WIN10, 1, 1 };
	struct synthvid_feature_change fc = { 1, 0, 0, 0 };
	struct synthvid_resolution_resp rr;
	u64 ack = 0x100000;
	unsigned int i;

	accepted(0, SYNTHVID_VERSION_RESPONSE, &vr, sizeof(vr), "VERSION_RESPONSE");
	refused(0, SYNTHVID_VERSION_RESPONSE, &vr, 5, "size", "5-byte VERSION_RESPONSE");
	accepted(0, SYNTHVID_VRAM_LOCATION_ACK, &ack, 8, "VRAM_LOCATION_ACK");
	refused(0, SYNTHVID_VRAM_LOCATION_ACK, &ack, 7, "size", "7-byte VRAM_LOCATION_ACK");
	accepted(0, SYNTHVID_SITUATION_UPDATE_ACK, &ack, 8, "SITUATION_UPDATE_ACK");
	accepted(0, SYNTHVID_FEATURE_CHANGE, &fc, 4, "FEATURE_CHANGE");
	refused(0, SYNTHVID_FEATURE_CHANGE, &fc, 3, "size", "3-byte FEATURE_CHANGE");
	refused(0, SYNTHVID_DIRT, &fc, 4, "type", "DIRT from the host");
	refused(0, 11, &fc, 4, "type", "unknown type 11");
	refused(0, 0x7777, &fc, 4, "type", "type beyond the table");

	memset(&rr, 0, sizeof(rr));
	rr.resolution_count = 2;
	rr.default_resolution_index = 1;
	rr.supported_resolution[0] = (struct synthvid_resolution){ 1024, 768 };
	rr.supported_resolution[1] = (struct synthvid_resolution){ 1280, 1024 };
	accepted(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, 131 + 8, "two-entry resolution list");
	refused(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, 131 + 7, "resolution_count",
		"list longer than the message");
	refused(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, 130, "size", "130-byte RESOLUTION_RESPONSE");
	rr.default_resolution_index = 2;
	refused(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, 131 + 8, "default_resolution_index",
		"default index == count");
	rr.default_resolution_index = 0;
	rr.resolution_count = 0;
	refused(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, 131 + 8, "resolution_count", "count 0");
	rr.resolution_count = 65;
	refused(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, sizeof(rr), "resolution_count", "count 65");
	rr.resolution_count = 64;
	for (i = 0; i < 64; i++)
		rr.supported_resolution[i] = (struct synthvid_resolution){ 800, 600 };
	accepted(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, sizeof(rr), "64-entry list");
	rr.supported_resolution[63].height = 0;
	refused(0, SYNTHVID_RESOLUTION_RESPONSE, &rr, sizeof(rr), "supported_resolution",
		"zero height");
}

static void test_from_guest(void)
{
	struct synthvid_situation_update su = { 0, 1, { 1, 0, 32, 1024, 768, 4096 } };
	struct synthvid_vram_location vl = { 1, 1, 0x100000 };
	struct synthvid_pointer_shape ps = { SYNTHVID_CURSOR_COMPLETE, 1, 1, 1, 0, 0, { 0 } };
	u8 dirt[2 + 2 * 16] = { 0, 2 };
	struct synthvid_rect r[2] = { { 0, 0, 10, 10 }, { 5, 5, 6, 6 } };
	u32 v = SYNTHVID_VERSION_WIN8;

	accepted(1, SYNTHVID_VERSION_REQUEST, &v, 4, "VERSION_REQUEST");
	refused(1, SYNTHVID_VERSION_RESPONSE, &v, 4, "type", "VERSION_RESPONSE from the guest");
	accepted(1, SYNTHVID_VRAM_LOCATION, &vl, sizeof(vl), "VRAM_LOCATION");
	vl.is_vram_gpa_specified = 2;
	refused(1, SYNTHVID_VRAM_LOCATION, &vl, sizeof(vl), "is_vram_gpa_specified", "flag 2");
	refused(1, SYNTHVID_VRAM_LOCATION, &vl, 16, "size", "16-byte VRAM_LOCATION");
	accepted(1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su), "SITUATION_UPDATE");
	su.video_output.depth_bits = 16;
	refused(1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su), "depth_bits", "16 bpp");
	su.video_output.depth_bits = 32;
	su.video_output.pitch_bytes = 4095;
	refused(1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su), "pitch_bytes", "short pitch");
	su.video_output.pitch_bytes = 4096;
	su.video_output.width_pixels = 0;
	refused(1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su), "width_pixels", "zero width");
	su.video_output.width_pixels = 1024;
	su.video_output_count = 2;
	refused(1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su), "video_output_count",
		"two outputs in a one-output message");
	su.video_output_count = 1;
	su.video_output.vram_offset = 4096;
	refused(1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su), "vram_offset", "vram_offset");
	accepted(1, SYNTHVID_POINTER_SHAPE, &ps, sizeof(ps), "1x1 ARGB cursor");
	refused(1, SYNTHVID_POINTER_SHAPE, &ps, 21, "data", "cursor missing a pixel byte");
	ps.width = 97;
	refused(1, SYNTHVID_POINTER_SHAPE, &ps, sizeof(ps), "width", "97-pixel cursor");
	memcpy(dirt + 2, r, sizeof(r));
	accepted(1, SYNTHVID_DIRT, dirt, sizeof(dirt), "two dirty rectangles");
	refused(1, SYNTHVID_DIRT, dirt, sizeof(dirt) - 1, "dirt_count", "rectangle cut short");
	r[1].x1 = 7;
	memcpy(dirt + 2, r, sizeof(r));
	refused(1, SYNTHVID_DIRT, dirt, sizeof(dirt), "rect", "inverted rectangle");
}

int main(void)
{
	test_frame();
	test_from_host();
	test_from_guest();
	return tap_done();
}
