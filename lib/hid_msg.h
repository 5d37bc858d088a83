/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hid_msg.h: the synthetic HID device's pure part: parsing a pipe-framed synthhid
 * message either side receives, the guest's protocol session, and upstream's fix-up of
 * Hyper-V's mouse report descriptor.  Used by drivers/input/mouse.c, the fake host's
 * mouse backend, the unit tests and the fuzzer.
 */
#ifndef _HVIS_HID_MSG_H
#define _HVIS_HID_MSG_H

#include "hvis/hid_proto.h"

/* Why a message was refused: the wire field at fault, a reason, the value seen. */
struct hvis_hid_fault {
	const char *field;
	const char *why;
	u64 value;
};

struct hvis_hid_msg {
	u32 type;				/* enum hvis_synthhid_type */
	u32 version;				/* PROTOCOL_REQUEST, _RESPONSE */
	u8 approved;				/* PROTOCOL_RESPONSE */
	struct hvis_hid_dev_info info;		/* INITIAL_DEVICE_INFO */
	struct hvis_hid_descriptor desc;	/* INITIAL_DEVICE_INFO */
	const u8 *rdesc;			/* INITIAL_DEVICE_INFO: report descriptor, in buf */
	u32 rdesc_len;
	const u8 *report;			/* INPUT_REPORT: the report bytes, in buf */
	u32 report_len;
};

/*
 * Parses one packet payload of @len bytes: pipe header, synthhid header, message.
 * @from_host: the guest parses what the host sends (PROTOCOL_RESPONSE,
 * INITIAL_DEVICE_INFO, INPUT_REPORT), else the host parses the guest's
 * (PROTOCOL_REQUEST, INITIAL_DEVICE_INFO_ACK).  0, or -EINVAL with @f set:
 *   "pipe.type"  not a data message;   "pipe.size"  beyond the packet, or too short
 *   for the synthhid header or for the message type;   "hdr.type"  unknown or of
 *   the other direction;   "bLength"  under 9 or beyond the message;
 *   "wDescriptorLength"  0, longer than what follows in the message, or beyond
 *   HVIS_HID_MAX_DESCRIPTOR;   "hdr.size"  an input report empty, longer than the
 *   message or than HVIS_SYNTHHID_MAX_REPORT.
 * A device info is bounded by the pipe size, as hid-hyperv.c does (its header's size is
 * not checked); everything else by its own header.
 */
int hvis_hid_parse(const void *buf, u32 len, bool from_host, struct hvis_hid_msg *m,
		   struct hvis_hid_fault *f);

/* The guest's view of the protocol. */
struct hvis_hid_session {
	bool requested;		/* PROTOCOL_REQUEST sent */
	bool answered;		/* a PROTOCOL_RESPONSE came */
	bool approved;		/* ... approving the version */
	bool have_info;		/* INITIAL_DEVICE_INFO came */
};

/* The guest sent its PROTOCOL_REQUEST (again: a new session). */
void hvis_hid_session_request(struct hvis_hid_session *s);

/*
 * Checks that the parsed host message @m may come now and records it.  0, or -EPROTO
 * with @f set ("hdr.type"): a response before any request or a second one, a device
 * info before an approving response or a second one, an input report before the
 * device info.
 */
int hvis_hid_session_check(struct hvis_hid_session *s, const struct hvis_hid_msg *m,
			   struct hvis_hid_fault *f);

/*
 * hid-hyperv.c's "SA-167" fix-up: Hyper-V's mouse descriptor has Logical Maximum
 * (0x25) at byte 14 where Usage Maximum (0x29) belongs.  True if it changed @rdesc.
 */
bool hvis_hid_fix_descriptor(u8 *rdesc, u32 len);

#endif /* _HVIS_HID_MSG_H */
