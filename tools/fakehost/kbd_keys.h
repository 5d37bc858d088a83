/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kbd_keys.h: what `ctl key` types, as keystrokes of the synthetic keyboard: text
 * (US layout: letters, digits, space, punctuation, shift added where needed) and key
 * names (Enter, Tab, Esc, arrows, F1-F12, Ctrl-C, Alt-F2, ...), as set-1 make codes
 * with the E0 and break flags of include/hvis/kbd_proto.h.
 */
#ifndef _FH_KBD_KEYS_H
#define _FH_KBD_KEYS_H

#include <stddef.h>
#include "hvis/kbd_proto.h"

struct kbd_stroke {
	u16 code;		/* set-1 make code, no 0x80 */
	u32 info;		/* HVIS_KBD_INFO_E0, HVIS_KBD_INFO_BREAK */
};

/* The most strokes one `ctl key` may produce. */
#define KBD_MAX_STROKES		1024

/*
 * Turns `ctl key`'s arguments into strokes (a press and a release per key, modifiers
 * pressed around the keys they modify).  An argument that is a key name, or
 * MOD-...-KEY with MOD Ctrl, Alt or Shift and KEY a key name or one character, is
 * that key; any other argument is text, and consecutive text arguments are typed
 * with one space between them (the control line splits at spaces).  Returns the
 * number of strokes, or -EINVAL with @err set (a character the layout lacks, too
 * many strokes).
 */
int kbd_keys_parse(int argc, char **argv, struct kbd_stroke *out, unsigned int max,
		   char *err, size_t errlen);

#endif /* _FH_KBD_KEYS_H */
