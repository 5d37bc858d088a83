// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_kbd_msg.c: unit tests of lib/kbd_msg.c: every message type both ways, the
 * refusals and the field each names, the session's order rules (a response before a
 * request, a keystroke before acceptance) and the AT bytes of make, break, E0 and E1.
 */
#include "tap.h"
#include "kbd_msg.h"

static int parse(const void *buf, u32 len, bool from_host, struct hvis_kbd_msg *m,
		 struct hvis_kbd_fault *f)
{
	f->field = "";
	return hvis_kbd_parse(buf, len, from_host, m, f);
}

int main(void)
{
	struct hvis_kbd_protocol_request req = { { HVIS_KBD_PROTOCOL_REQUEST }, HVIS_KBD_VERSION };
	struct hvis_kbd_protocol_response resp = { { HVIS_KBD_PROTOCOL_RESPONSE },
						   HVIS_KBD_PROTOCOL_ACCEPTED };
	struct hvis_kbd_keystroke ks = { { HVIS_KBD_EVENT }, 0x1e, 0, 0 };
	struct hvis_kbd_led_indicators led = { { HVIS_KBD_LED_INDICATORS }, HVIS_KBD_LED_CAPS, 0 };
	struct hvis_kbd_session s = {};
	struct hvis_kbd_fault f;
	struct hvis_kbd_msg m;
	u8 big[HVIS_KBD_MAX_MESSAGE + 8] = { 0 }, out[2];
	u32 t;

	/* Each type in its own direction. */
	tap_check(!parse(&req, sizeof(req), false, &m, &f) && m.version == HVIS_KBD_VERSION,
		  "host parses a protocol request");
	tap_check(!parse(&led, sizeof(led), false, &m, &f) && m.led_flags == HVIS_KBD_LED_CAPS,
		  "host parses LED indicators");
	tap_check(!parse(&resp, sizeof(resp), true, &m, &f) &&
		  m.proto_status == HVIS_KBD_PROTOCOL_ACCEPTED, "guest parses a protocol response");
	tap_check(!parse(&ks, 16, true, &m, &f) && m.make_code == 0x1e && !m.info,
		  "guest parses a keystroke padded to 16 bytes");

	/* Refusals name the field. */
	tap_check(parse(&req, sizeof(req), true, &m, &f) == -EINVAL && !strcmp(f.field, "type"),
		  "a request is not a host message (type)");
	tap_check(parse(&ks, sizeof(ks), false, &m, &f) == -EINVAL && !strcmp(f.field, "type"),
		  "a keystroke is not a guest message (type)");
	t = 7;
	tap_check(parse(&t, sizeof(t), true, &m, &f) == -EINVAL && !strcmp(f.field, "type") &&
		  f.value == 7, "unknown keyboard message type 7 refused (type)");
	t = 0;
	tap_check(parse(&t, sizeof(t), true, &m, &f) == -EINVAL && !strcmp(f.field, "type"),
		  "type 0 refused");
	tap_check(parse(&ks, 11, true, &m, &f) == -EINVAL && !strcmp(f.field, "len") &&
		  f.value == 11, "short keystroke refused (len)");
	tap_check(parse(&ks, 3, true, &m, &f) == -EINVAL && !strcmp(f.field, "len"),
		  "shorter than a header refused (len)");
	memcpy(big, &ks, sizeof(ks));
	tap_check(parse(big, sizeof(big), true, &m, &f) == -EINVAL && !strcmp(f.field, "len"),
		  "longer than the largest message refused (len)");
	tap_check(!parse(big, HVIS_KBD_MAX_MESSAGE, true, &m, &f), "exactly the largest accepted");
	ks.info = HVIS_KBD_INFO_E0 | HVIS_KBD_INFO_E1;
	tap_check(parse(&ks, sizeof(ks), true, &m, &f) == -EINVAL && !strcmp(f.field, "info"),
		  "E0 with E1 refused (info)");
	ks.info = 0;
	ks.make_code = 0x9e;
	tap_check(parse(&ks, sizeof(ks), true, &m, &f) == -EINVAL && !strcmp(f.field, "make_code"),
		  "make code with the break bit refused (make_code)");
	ks.info = HVIS_KBD_INFO_UNICODE;
	ks.make_code = 0x20ac;
	tap_check(!parse(&ks, sizeof(ks), true, &m, &f) && m.make_code == 0x20ac,
		  "unicode event carries any code");
	tap_check(hvis_kbd_serio_bytes(&m, out) == 0, "unicode event yields no AT bytes");
	ks.info = 0xf0 | HVIS_KBD_INFO_BREAK;
	ks.make_code = 0x1e;
	tap_check(!parse(&ks, sizeof(ks), true, &m, &f) && m.info == HVIS_KBD_INFO_BREAK,
		  "reserved info bits ignored");

	/* Session order. */
	parse(&resp, sizeof(resp), true, &m, &f);
	tap_check(hvis_kbd_session_check(&s, &m, &f) == -EPROTO && !strcmp(f.field, "type") &&
		  strstr(f.why, "before a request"), "response before a request refused");
	ks.info = 0;
	parse(&ks, sizeof(ks), true, &m, &f);
	tap_check(hvis_kbd_session_check(&s, &m, &f) == -EPROTO, "keystroke before acceptance refused");
	hvis_kbd_session_request(&s);
	resp.proto_status = 0;
	parse(&resp, sizeof(resp), true, &m, &f);
	tap_check(!hvis_kbd_session_check(&s, &m, &f) && !s.accepted, "refusing response taken");
	parse(&ks, sizeof(ks), true, &m, &f);
	tap_check(hvis_kbd_session_check(&s, &m, &f) == -EPROTO, "no keystrokes after a refusal");
	hvis_kbd_session_request(&s);
	resp.proto_status = HVIS_KBD_PROTOCOL_ACCEPTED | 0x100;
	parse(&resp, sizeof(resp), true, &m, &f);
	tap_check(!hvis_kbd_session_check(&s, &m, &f) && s.accepted,
		  "accepting response taken (reserved bits ignored)");
	tap_check(hvis_kbd_session_check(&s, &m, &f) == -EPROTO && strstr(f.why, "second"),
		  "second response refused");
	parse(&ks, sizeof(ks), true, &m, &f);
	tap_check(!hvis_kbd_session_check(&s, &m, &f), "keystroke after acceptance taken");

	/* AT bytes. */
	tap_check(hvis_kbd_serio_bytes(&m, out) == 1 && out[0] == 0x1e, "make code: one byte");
	m.info = HVIS_KBD_INFO_BREAK;
	tap_check(hvis_kbd_serio_bytes(&m, out) == 1 && out[0] == 0x9e, "break: 0x80 set");
	m.make_code = 0x48;
	m.info = HVIS_KBD_INFO_E0 | HVIS_KBD_INFO_BREAK;
	tap_check(hvis_kbd_serio_bytes(&m, out) == 2 && out[0] == 0xe0 && out[1] == 0xc8,
		  "E0 break: e0 c8");
	m.make_code = 0x1d;
	m.info = HVIS_KBD_INFO_E1;
	tap_check(hvis_kbd_serio_bytes(&m, out) == 2 && out[0] == 0xe1 && out[1] == 0x1d,
		  "E1 make: e1 1d");
	return tap_done();
}
