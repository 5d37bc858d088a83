/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kbd_msg.h: the synthetic keyboard's pure part: parsing a message either side
 * receives, the guest's protocol session (which messages may come when), and turning
 * a keystroke into the AT (set 1, translated) bytes a serio port delivers.  Used by
 * drivers/input/kbd.c, the fake host's kbd backend, the unit tests and the fuzzer.
 */
#ifndef _HVIS_KBD_MSG_H
#define _HVIS_KBD_MSG_H

#include "hvis/kbd_proto.h"

/* Why a message was refused: the wire field at fault, a reason, the value seen. */
struct hvis_kbd_fault {
	const char *field;
	const char *why;
	u64 value;
};

struct hvis_kbd_msg {
	u32 type;			/* enum hvis_kbd_msg_type */
	u32 version;			/* PROTOCOL_REQUEST */
	u32 proto_status;		/* PROTOCOL_RESPONSE */
	u16 make_code;			/* EVENT */
	u32 info;			/* EVENT: HVIS_KBD_INFO_* */
	u16 led_flags;			/* LED_INDICATORS */
};

/*
 * Parses one message of @len bytes.  @from_host: the guest parses what the host sends
 * (PROTOCOL_RESPONSE, EVENT), else the host parses the guest's (PROTOCOL_REQUEST,
 * LED_INDICATORS).  0, or -EINVAL with @f set: shorter than its type needs or longer
 * than HVIS_KBD_MAX_MESSAGE ("len"), a type unknown or of the other direction
 * ("type"), E0 and E1 together or a make code with the break bit ("info",
 * "make_code"; a unicode event may carry any 16-bit code).
 */
int hvis_kbd_parse(const void *buf, u32 len, bool from_host, struct hvis_kbd_msg *m,
		   struct hvis_kbd_fault *f);

/* The guest's view of the protocol. */
struct hvis_kbd_session {
	bool requested;			/* PROTOCOL_REQUEST sent */
	bool answered;			/* a PROTOCOL_RESPONSE came */
	bool accepted;			/* ... and it accepted the version */
};

/* The guest sent its PROTOCOL_REQUEST (again: a new session). */
void hvis_kbd_session_request(struct hvis_kbd_session *s);

/*
 * Checks that the parsed host message @m may come now and records it.  0, or -EPROTO
 * with @f set: a response before any request or a second one ("type"), an event
 * before the host accepted the protocol ("type").
 */
int hvis_kbd_session_check(struct hvis_kbd_session *s, const struct hvis_kbd_msg *m,
			   struct hvis_kbd_fault *f);

/*
 * The bytes an AT keyboard behind an i8042 in translated mode (set 1) would send for
 * the EVENT @m: 0xe0 or 0xe1 first when flagged, then the code, with 0x80 for a
 * break.  Returns how many (1 or 2) were written to @out, or 0 for a unicode event
 * (not a scan code).
 */
unsigned int hvis_kbd_serio_bytes(const struct hvis_kbd_msg *m, u8 out[2]);

#endif /* _HVIS_KBD_MSG_H */
