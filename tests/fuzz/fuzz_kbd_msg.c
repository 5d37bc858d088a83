// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_kbd_msg.c: libFuzzer target for synthetic keyboard messages (lib/kbd_msg.c).
 * The first byte picks the direction (bit 0 set: the host parses a guest message)
 * and, for host messages, whether the session has already been accepted (bit 1); the
 * rest is the message.  An accepted keystroke must turn into one or two AT bytes of
 * which only the first may be a prefix.
 */
#include <stdlib.h>
#include "kbd_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("PROTOCOL_REQUEST", "PROTOCOL_RESPONSE", "EVENT", "LED_INDICATORS")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct hvis_kbd_session s = {};
	struct hvis_kbd_fault f;
	struct hvis_kbd_msg m;
	bool from_host;
	unsigned int n;
	u8 *msg, out[2];

	if (!size)
		return 0;
	from_host = !(in[0] & 1);
	msg = malloc(size - 1 ? size - 1 : 1);
	memcpy(msg, in + 1, size - 1);
	if (hvis_kbd_parse(msg, (u32)(size - 1), from_host, &m, &f)) {
		if (!f.field || !f.why)
			abort();
		goto out;
	}
	if (m.type < 1 || m.type > 4)
		abort();
	if (from_host) {
		hvis_kbd_session_request(&s);
		s.answered = s.accepted = (in[0] & 2) != 0;
		if (hvis_kbd_session_check(&s, &m, &f))
			goto out;
		if (m.type == HVIS_KBD_EVENT) {
			n = hvis_kbd_serio_bytes(&m, out);
			if (n > 2 || (n == 2 && out[0] != 0xe0 && out[0] != 0xe1) ||
			    (n && (out[n - 1] & 0x7f) != m.make_code))
				abort();
		}
	}
	fuzz_hit(m.type - 1);
out:
	free(msg);
	return 0;
}
