// SPDX-License-Identifier: GPL-2.0-only
/*
 * hid_msg.c: synthetic HID message parsing and session rules (see hid_msg.h).
 * Layouts: include/hvis/hid_proto.h.
 */
#include "hid_msg.h"

static int hid_refuse(struct hvis_hid_fault *f, const char *field, const char *why, u64 value)
{
	f->field = field;
	f->why = why;
	f->value = value;
	return -EINVAL;
}

/* Offset of the HID class descriptor in a device info message (hid-hyperv.c). */
#define HID_DESC_OFF	(sizeof(struct hvis_synthhid_hdr) + sizeof(struct hvis_hid_dev_info))

static int hid_parse_info(const u8 *msg, u32 size, struct hvis_hid_msg *m,
			  struct hvis_hid_fault *f)
{
	u32 after;

	if (size < sizeof(struct hvis_synthhid_device_info))
		return hid_refuse(f, "pipe.size", "too short for a device info", size);
	memcpy(&m->info, msg + sizeof(struct hvis_synthhid_hdr), sizeof(m->info));
	memcpy(&m->desc, msg + HID_DESC_OFF, sizeof(m->desc));
	if (m->desc.bLength < sizeof(struct hvis_hid_descriptor))
		return hid_refuse(f, "bLength", "shorter than a HID descriptor", m->desc.bLength);
	if (m->desc.bLength > size - HID_DESC_OFF)
		return hid_refuse(f, "bLength", "longer than its message", m->desc.bLength);
	after = size - HID_DESC_OFF - m->desc.bLength;
	if (!m->desc.wDescriptorLength)
		return hid_refuse(f, "wDescriptorLength", "empty report descriptor", 0);
	if (m->desc.wDescriptorLength > after)
		return hid_refuse(f, "wDescriptorLength", "longer than its message",
				  m->desc.wDescriptorLength);
	if (m->desc.wDescriptorLength > HVIS_HID_MAX_DESCRIPTOR)
		return hid_refuse(f, "wDescriptorLength", "longer than the HID maximum",
				  m->desc.wDescriptorLength);
	m->rdesc = msg + HID_DESC_OFF + m->desc.bLength;
	m->rdesc_len = m->desc.wDescriptorLength;
	return 0;
}

/* Smallest message of each type and its direction. */
static const struct {
	u32 size;
	bool from_host;
} hid_types[] = {
	[HVIS_SYNTHHID_PROTOCOL_REQUEST] = { .from_host = false,
		.size = sizeof(struct hvis_synthhid_protocol_request) },
	[HVIS_SYNTHHID_PROTOCOL_RESPONSE] = { .from_host = true,
		.size = sizeof(struct hvis_synthhid_protocol_response) },
	[HVIS_SYNTHHID_INITIAL_DEVICE_INFO] = { .from_host = true,
		.size = sizeof(struct hvis_synthhid_device_info) },
	[HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK] = { .from_host = false,
		.size = sizeof(struct hvis_synthhid_device_info_ack) },
	[HVIS_SYNTHHID_INPUT_REPORT] = { .from_host = true,
		.size = sizeof(struct hvis_synthhid_hdr) },
};

int hvis_hid_parse(const void *buf, u32 len, bool from_host, struct hvis_hid_msg *m,
		   struct hvis_hid_fault *f)
{
	const u8 *msg = (const u8 *)buf + sizeof(struct hvis_pipe_hdr);
	struct hvis_synthhid_hdr hdr;
	struct hvis_pipe_hdr pipe;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(pipe))
		return hid_refuse(f, "pipe.size", "packet shorter than the pipe header", len);
	memcpy(&pipe, buf, sizeof(pipe));
	if (pipe.type != HVIS_PIPE_MESSAGE_DATA)
		return hid_refuse(f, "pipe.type", "not a data message", pipe.type);
	if (pipe.size > len - sizeof(pipe))
		return hid_refuse(f, "pipe.size", "longer than its packet", pipe.size);
	if (pipe.size < sizeof(hdr))
		return hid_refuse(f, "pipe.size", "shorter than the synthhid header", pipe.size);
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.type >= ARRAY_SIZE(hid_types))
		return hid_refuse(f, "hdr.type", "unknown message type", hdr.type);
	if (hid_types[hdr.type].from_host != from_host)
		return hid_refuse(f, "hdr.type", "message of the other direction", hdr.type);
	if (pipe.size < hid_types[hdr.type].size)
		return hid_refuse(f, "pipe.size", "shorter than its message type", pipe.size);
	m->type = hdr.type;

	switch (hdr.type) {
	case HVIS_SYNTHHID_PROTOCOL_REQUEST: {
		struct hvis_synthhid_protocol_request r;

		memcpy(&r, msg, sizeof(r));
		m->version = r.version_requested;
		return 0;
	}
	case HVIS_SYNTHHID_PROTOCOL_RESPONSE: {
		struct hvis_synthhid_protocol_response r;

		memcpy(&r, msg, sizeof(r));
		m->version = r.version_requested;
		m->approved = r.approved;
		return 0;
	}
	case HVIS_SYNTHHID_INITIAL_DEVICE_INFO:
		return hid_parse_info(msg, pipe.size, m, f);
	case HVIS_SYNTHHID_INPUT_REPORT:
		if (!hdr.size)
			return hid_refuse(f, "hdr.size", "empty input report", 0);
		if (hdr.size > pipe.size - sizeof(hdr))
			return hid_refuse(f, "hdr.size", "input report longer than its message",
					  hdr.size);
		if (hdr.size > HVIS_SYNTHHID_MAX_REPORT)
			return hid_refuse(f, "hdr.size", "input report larger than allowed",
					  hdr.size);
		m->report = msg + sizeof(hdr);
		m->report_len = hdr.size;
		return 0;
	default:	/* INITIAL_DEVICE_INFO_ACK: nothing but a reserved byte */
		return 0;
	}
}

void hvis_hid_session_request(struct hvis_hid_session *s)
{
	s->requested = true;
	s->answered = false;
	s->approved = false;
	s->have_info = false;
}

int hvis_hid_session_check(struct hvis_hid_session *s, const struct hvis_hid_msg *m,
			   struct hvis_hid_fault *f)
{
	const char *why = NULL;

	switch (m->type) {
	case HVIS_SYNTHHID_PROTOCOL_RESPONSE:
		if (!s->requested)
			why = "protocol response before a request";
		else if (s->answered)
			why = "second protocol response";
		break;
	case HVIS_SYNTHHID_INITIAL_DEVICE_INFO:
		if (!s->approved)
			why = "device info before the protocol was approved";
		else if (s->have_info)
			why = "second device info";
		break;
	case HVIS_SYNTHHID_INPUT_REPORT:
		if (!s->have_info)
			why = "input report before the device info";
		break;
	}
	if (why) {
		hid_refuse(f, "hdr.type", why, m->type);
		return -EPROTO;
	}
	if (m->type == HVIS_SYNTHHID_PROTOCOL_RESPONSE) {
		s->answered = true;
		s->approved = m->approved != 0;
	} else if (m->type == HVIS_SYNTHHID_INITIAL_DEVICE_INFO) {
		s->have_info = true;
	}
	return 0;
}

bool hvis_hid_fix_descriptor(u8 *rdesc, u32 len)
{
	if (len <= 14 || rdesc[14] != 0x25)
		return false;
	rdesc[14] = 0x29;
	return true;
}
