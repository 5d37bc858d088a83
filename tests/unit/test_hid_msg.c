// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hid_msg.c: unit tests of lib/hid_msg.c: every synthhid message type both ways
 * in its pipe frame, each refusal and the field it names (pipe sizes, descriptor
 * lengths against the message and the HID maximum, oversized and overlong reports),
 * the session's order rules and the SA-167 descriptor fix-up.
 */
#include "tap.h"
#include "hid_msg.h"

static u8 pkt[HVIS_SYNTHHID_MAX_PACKET + 64];

/* Frames @msg (@len bytes) in a pipe header; returns the packet length. */
static u32 frame(const void *msg, u32 len)
{
	struct hvis_pipe_hdr p = { HVIS_PIPE_MESSAGE_DATA, len };

	memcpy(pkt, &p, sizeof(p));
	memcpy(pkt + sizeof(p), msg, len);
	return sizeof(p) + len;
}

/* A device info with a report descriptor of @rlen bytes (0x5a each); message length. */
static u32 info_msg(u8 *buf, u8 blen, u16 rlen, u16 claim)
{
	struct hvis_synthhid_device_info di = {
		.hdr = { HVIS_SYNTHHID_INITIAL_DEVICE_INFO, 32 + blen + rlen },
		.info = { .size = 32, .vendor = 0x045e, .product = 0x0621, .version = 1 },
		.desc = { .bLength = blen, .bDescriptorType = HVIS_HID_DT_HID, .bcdHID = 0x101,
			  .bNumDescriptors = 1, .rpt_type = HVIS_HID_DT_REPORT,
			  .wDescriptorLength = claim },
	};

	memset(buf, 0x5a, 40 + blen + rlen);
	memcpy(buf, &di, sizeof(di));
	return 40 + blen + rlen;
}

static int parse(u32 len, bool from_host, struct hvis_hid_msg *m, struct hvis_hid_fault *f)
{
	f->field = "";
	return hvis_hid_parse(pkt, len, from_host, m, f);
}

int main(void)
{
	struct hvis_synthhid_protocol_request req = { { HVIS_SYNTHHID_PROTOCOL_REQUEST, 4 },
						      HVIS_SYNTHHID_VERSION };
	struct hvis_synthhid_protocol_response resp = { { HVIS_SYNTHHID_PROTOCOL_RESPONSE, 5 },
							HVIS_SYNTHHID_VERSION, 1 };
	struct hvis_synthhid_device_info_ack ack = { { HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK, 1 }, 0 };
	static u8 msg[HVIS_SYNTHHID_MAX_PACKET];
	struct hvis_hid_session s = {};
	struct hvis_hid_fault f;
	struct hvis_hid_msg m;
	struct hvis_synthhid_hdr rh = { HVIS_SYNTHHID_INPUT_REPORT, 5 };
	u8 rdesc[20] = { 0 };
	u32 len;

	len = frame(&req, sizeof(req));
	tap_check(len == 20 && !parse(len, false, &m, &f) && m.version == HVIS_SYNTHHID_VERSION,
		  "host parses the 20-byte protocol request");
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "hdr.type"),
		  "a request is not a host message (hdr.type)");
	len = frame(&ack, sizeof(ack));
	tap_check(len == 17 && !parse(len, false, &m, &f) &&
		  m.type == HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK, "host parses the 17-byte ack");
	len = frame(&resp, sizeof(resp));
	tap_check(!parse(len, true, &m, &f) && m.approved == 1, "guest parses a response");
	tap_check(parse(len - 1, true, &m, &f) == -EINVAL && !strcmp(f.field, "pipe.size"),
		  "pipe size beyond the packet refused (pipe.size)");
	len = frame(&resp, sizeof(resp) - 1);
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "pipe.size"),
		  "short response refused (pipe.size)");
	len = frame(&resp, sizeof(resp));
	pkt[0] = 0;
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "pipe.type"),
		  "pipe message type 0 refused (pipe.type)");
	tap_check(parse(7, true, &m, &f) == -EINVAL && !strcmp(f.field, "pipe.size"),
		  "packet shorter than the pipe header refused");
	rh.type = 9;
	len = frame(&rh, sizeof(rh));
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "hdr.type") &&
		  f.value == 9, "unknown synthhid type refused (hdr.type)");

	/* Device info. */
	len = frame(msg, info_msg(msg, 9, 67, 67));
	tap_check(!parse(len, true, &m, &f) && m.rdesc_len == 67 && m.rdesc == pkt + 8 + 49 &&
		  m.info.vendor == 0x045e && m.info.product == 0x0621,
		  "device info: descriptor found after a 9-byte HID descriptor");
	len = frame(msg, info_msg(msg, 12, 20, 20));
	tap_check(!parse(len, true, &m, &f) && m.rdesc == pkt + 8 + 52,
		  "a longer HID descriptor moves the report descriptor (bLength 12)");
	len = frame(msg, info_msg(msg, 8, 20, 20));
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "bLength"),
		  "bLength 8 refused");
	len = frame(msg, info_msg(msg, 200, 0, 1));
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "wDescriptorLength"),
		  "report descriptor beyond the message refused (wDescriptorLength)");
	len = frame(msg, info_msg(msg, 9, 20, 21));
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "wDescriptorLength") &&
		  f.value == 21, "descriptor one byte longer than its message refused");
	len = frame(msg, info_msg(msg, 9, 20, 0));
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "wDescriptorLength"),
		  "empty report descriptor refused");
	len = frame(msg, info_msg(msg, 9, HVIS_HID_MAX_DESCRIPTOR + 1, HVIS_HID_MAX_DESCRIPTOR + 1));
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "wDescriptorLength") &&
		  strstr(f.why, "HID maximum"), "descriptor over the HID maximum refused");
	len = frame(msg, info_msg(msg, 9, HVIS_HID_MAX_DESCRIPTOR, HVIS_HID_MAX_DESCRIPTOR));
	tap_check(!parse(len, true, &m, &f), "descriptor of exactly the HID maximum accepted");
	len = frame(msg, info_msg(msg, 255, 1, 1));
	tap_check(!parse(len, true, &m, &f) && m.rdesc == pkt + 8 + 40 + 255,
		  "bLength 255 with a 1-byte descriptor accepted");
	len = frame(msg, 48);
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "pipe.size"),
		  "device info of 48 bytes refused");

	/* Input reports. */
	rh.type = HVIS_SYNTHHID_INPUT_REPORT;
	memcpy(msg, &rh, sizeof(rh));
	memset(msg + 8, 7, 5);
	len = frame(msg, 13);
	tap_check(!parse(len, true, &m, &f) && m.report_len == 5 && m.report == pkt + 16,
		  "5-byte input report");
	rh.size = 6;
	memcpy(msg, &rh, sizeof(rh));
	len = frame(msg, 13);
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "hdr.size"),
		  "report longer than its message refused (hdr.size)");
	rh.size = 0;
	memcpy(msg, &rh, sizeof(rh));
	tap_check(parse(frame(msg, 13), true, &m, &f) == -EINVAL && !strcmp(f.field, "hdr.size"),
		  "empty report refused");
	rh.size = HVIS_SYNTHHID_MAX_REPORT + 1;
	memcpy(msg, &rh, sizeof(rh));
	len = frame(msg, 8 + rh.size);
	tap_check(parse(len, true, &m, &f) == -EINVAL && !strcmp(f.field, "hdr.size") &&
		  strstr(f.why, "larger than allowed"), "report over the maximum refused");
	rh.size = HVIS_SYNTHHID_MAX_REPORT;
	memcpy(msg, &rh, sizeof(rh));
	tap_check(!parse(frame(msg, 8 + rh.size), true, &m, &f), "report of the maximum accepted");

	/* Session. */
	len = frame(&resp, sizeof(resp));
	parse(len, true, &m, &f);
	tap_check(hvis_hid_session_check(&s, &m, &f) == -EPROTO && strstr(f.why, "before a request"),
		  "response before a request refused");
	hvis_hid_session_request(&s);
	len = frame(msg, info_msg(msg, 9, 20, 20));
	parse(len, true, &m, &f);
	tap_check(hvis_hid_session_check(&s, &m, &f) == -EPROTO, "device info before approval refused");
	len = frame(&resp, sizeof(resp));
	parse(len, true, &m, &f);
	tap_check(!hvis_hid_session_check(&s, &m, &f) && s.approved, "approval taken");
	tap_check(hvis_hid_session_check(&s, &m, &f) == -EPROTO, "second response refused");
	rh.size = 5;
	memcpy(msg, &rh, sizeof(rh));
	parse(frame(msg, 13), true, &m, &f);
	tap_check(hvis_hid_session_check(&s, &m, &f) == -EPROTO && strstr(f.why, "before the device info"),
		  "report before the device info refused");
	len = frame(msg, info_msg(msg, 9, 20, 20));
	parse(len, true, &m, &f);
	tap_check(!hvis_hid_session_check(&s, &m, &f) && s.have_info, "device info taken");
	tap_check(hvis_hid_session_check(&s, &m, &f) == -EPROTO, "second device info refused");
	rh.size = 5;
	memcpy(msg, &rh, sizeof(rh));
	parse(frame(msg, 13), true, &m, &f);
	tap_check(!hvis_hid_session_check(&s, &m, &f), "report after the device info taken");
	hvis_hid_session_request(&s);
	resp.approved = 0;
	parse(frame(&resp, sizeof(resp)), true, &m, &f);
	tap_check(!hvis_hid_session_check(&s, &m, &f) && !s.approved, "refusal taken");

	/* SA-167 fix-up. */
	rdesc[14] = 0x25;
	tap_check(hvis_hid_fix_descriptor(rdesc, sizeof(rdesc)) && rdesc[14] == 0x29,
		  "byte 14 0x25 becomes 0x29");
	tap_check(!hvis_hid_fix_descriptor(rdesc, sizeof(rdesc)), "a fixed descriptor stays");
	tap_check(!hvis_hid_fix_descriptor(rdesc, 14), "a 14-byte descriptor is left alone");
	return tap_done();
}
