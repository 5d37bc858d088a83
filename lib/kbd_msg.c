// SPDX-License-Identifier: GPL-2.0-only
/*
 * kbd_msg.c: synthetic keyboard message parsing and session rules (see kbd_msg.h).
 * Sizes and flags: include/hvis/kbd_proto.h.
 */
#include "kbd_msg.h"

static int kbd_refuse(struct hvis_kbd_fault *f, const char *field, const char *why, u64 value)
{
	f->field = field;
	f->why = why;
	f->value = value;
	return -EINVAL;
}

/* The size each message type has on the wire, and which side sends it. */
static const struct {
	u32 size;
	bool from_host;
} kbd_types[] = {
	[HVIS_KBD_PROTOCOL_REQUEST] = { sizeof(struct hvis_kbd_protocol_request), false },
	[HVIS_KBD_PROTOCOL_RESPONSE] = { sizeof(struct hvis_kbd_protocol_response), true },
	[HVIS_KBD_EVENT] = { sizeof(struct hvis_kbd_keystroke), true },
	[HVIS_KBD_LED_INDICATORS] = { sizeof(struct hvis_kbd_led_indicators), false },
};

int hvis_kbd_parse(const void *buf, u32 len, bool from_host, struct hvis_kbd_msg *m,
		   struct hvis_kbd_fault *f)
{
	struct hvis_kbd_msg_hdr hdr;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(hdr))
		return kbd_refuse(f, "len", "shorter than the message header", len);
	if (len > HVIS_KBD_MAX_MESSAGE)
		return kbd_refuse(f, "len", "longer than the largest message", len);
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.type == 0 || hdr.type >= ARRAY_SIZE(kbd_types))
		return kbd_refuse(f, "type", "unknown message type", hdr.type);
	if (kbd_types[hdr.type].from_host != from_host)
		return kbd_refuse(f, "type", "message of the other direction", hdr.type);
	if (len < kbd_types[hdr.type].size)
		return kbd_refuse(f, "len", "shorter than its message type", len);
	m->type = hdr.type;

	switch (hdr.type) {
	case HVIS_KBD_PROTOCOL_REQUEST: {
		struct hvis_kbd_protocol_request r;

		memcpy(&r, buf, sizeof(r));
		m->version = r.version_requested;
		break;
	}
	case HVIS_KBD_PROTOCOL_RESPONSE: {
		struct hvis_kbd_protocol_response r;

		memcpy(&r, buf, sizeof(r));
		m->proto_status = r.proto_status;
		break;
	}
	case HVIS_KBD_EVENT: {
		struct hvis_kbd_keystroke k;

		memcpy(&k, buf, sizeof(k));
		if ((k.info & HVIS_KBD_INFO_E0) && (k.info & HVIS_KBD_INFO_E1))
			return kbd_refuse(f, "info", "E0 and E1 together", k.info);
		if (!(k.info & HVIS_KBD_INFO_UNICODE) && k.make_code > 0x7f)
			return kbd_refuse(f, "make_code", "not a set-1 make code", k.make_code);
		m->make_code = k.make_code;
		m->info = k.info & HVIS_KBD_INFO_KNOWN;
		break;
	}
	case HVIS_KBD_LED_INDICATORS: {
		struct hvis_kbd_led_indicators l;

		memcpy(&l, buf, sizeof(l));
		m->led_flags = l.led_flags;
		break;
	}
	}
	return 0;
}

void hvis_kbd_session_request(struct hvis_kbd_session *s)
{
	s->requested = true;
	s->answered = false;
	s->accepted = false;
}

int hvis_kbd_session_check(struct hvis_kbd_session *s, const struct hvis_kbd_msg *m,
			   struct hvis_kbd_fault *f)
{
	const char *why = NULL;

	if (m->type == HVIS_KBD_PROTOCOL_RESPONSE) {
		if (!s->requested)
			why = "protocol response before a request";
		else if (s->answered)
			why = "second protocol response";
	} else if (m->type == HVIS_KBD_EVENT && !s->accepted) {
		why = "keystroke before the protocol was accepted";
	}
	if (why) {
		kbd_refuse(f, "type", why, m->type);
		return -EPROTO;
	}
	if (m->type == HVIS_KBD_PROTOCOL_RESPONSE) {
		s->answered = true;
		s->accepted = !!(m->proto_status & HVIS_KBD_PROTOCOL_ACCEPTED);
	}
	return 0;
}

unsigned int hvis_kbd_serio_bytes(const struct hvis_kbd_msg *m, u8 out[2])
{
	unsigned int n = 0;

	if (m->info & HVIS_KBD_INFO_UNICODE)
		return 0;
	if (m->info & HVIS_KBD_INFO_E0)
		out[n++] = 0xe0;
	else if (m->info & HVIS_KBD_INFO_E1)
		out[n++] = 0xe1;
	out[n++] = (u8)m->make_code | ((m->info & HVIS_KBD_INFO_BREAK) ? 0x80 : 0);
	return n;
}
