// SPDX-License-Identifier: GPL-2.0-only
/*
 * kbd_keys.c: `ctl key` arguments to synthetic keyboard strokes (see kbd_keys.h).
 * Scan codes are those of set 1 (the IBM PC/XT set an i8042 translates to), US layout.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "kbd_keys.h"

#define SC_LSHIFT	0x2a
#define SC_LCTRL	0x1d
#define SC_LALT		0x38
#define E0		0x100	/* in the tables: the key sends an 0xe0 prefix */

/* Printable ASCII: the key that types it, and whether shift is held. */
struct char_key {
	u16 code;
	bool shift;
};

static const char row_num[] = "1234567890-=";		/* codes 0x02..0x0d */
static const char row_num_s[] = "!@#$%^&*()_+";
static const char row_q[] = "qwertyuiop[]";		/* codes 0x10..0x1b */
static const char row_q_s[] = "QWERTYUIOP{}";
static const char row_a[] = "asdfghjkl;'`";		/* codes 0x1e..0x29 */
static const char row_a_s[] = "ASDFGHJKL:\"~";
static const char row_z[] = "\\zxcvbnm,./";		/* codes 0x2b..0x35 */
static const char row_z_s[] = "|ZXCVBNM<>?";

static bool char_to_key(char c, struct char_key *k)
{
	static const struct {
		const char *plain, *shifted;
		u16 first;
	} rows[] = {
		{ row_num, row_num_s, 0x02 }, { row_q, row_q_s, 0x10 },
		{ row_a, row_a_s, 0x1e }, { row_z, row_z_s, 0x2b },
	};
	const char *p;
	unsigned int i;

	if (c == ' ') {
		*k = (struct char_key){ 0x39, false };
		return true;
	}
	if (!c)
		return false;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		p = strchr(rows[i].plain, c);
		if (p) {
			*k = (struct char_key){ rows[i].first + (p - rows[i].plain), false };
			return true;
		}
		p = strchr(rows[i].shifted, c);
		if (p) {
			*k = (struct char_key){ rows[i].first + (p - rows[i].shifted), true };
			return true;
		}
	}
	return false;
}

static const struct {
	const char *name;
	u16 code;		/* | E0 for extended keys */
} key_names[] = {
	{ "Esc", 0x01 }, { "Escape", 0x01 }, { "Backspace", 0x0e }, { "Tab", 0x0f },
	{ "Enter", 0x1c }, { "Return", 0x1c }, { "Space", 0x39 }, { "CapsLock", 0x3a },
	{ "NumLock", 0x45 }, { "ScrollLock", 0x46 },
	{ "F1", 0x3b }, { "F2", 0x3c }, { "F3", 0x3d }, { "F4", 0x3e }, { "F5", 0x3f },
	{ "F6", 0x40 }, { "F7", 0x41 }, { "F8", 0x42 }, { "F9", 0x43 }, { "F10", 0x44 },
	{ "F11", 0x57 }, { "F12", 0x58 },
	{ "Home", E0 | 0x47 }, { "Up", E0 | 0x48 }, { "PageUp", E0 | 0x49 },
	{ "Left", E0 | 0x4b }, { "Right", E0 | 0x4d }, { "End", E0 | 0x4f },
	{ "Down", E0 | 0x50 }, { "PageDown", E0 | 0x51 }, { "Insert", E0 | 0x52 },
	{ "Delete", E0 | 0x53 },
};

static int key_by_name(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(key_names); i++)
		if (strlen(key_names[i].name) == len && !strncasecmp(key_names[i].name, name, len))
			return key_names[i].code;
	return -1;
}

struct strokes {
	struct kbd_stroke *out;
	unsigned int n, max;
};

static bool put(struct strokes *s, u16 code, bool release)
{
	if (s->n >= s->max)
		return false;
	s->out[s->n].code = code & 0x7f;
	s->out[s->n].info = ((code & E0) ? HVIS_KBD_INFO_E0 : 0) |
			    (release ? HVIS_KBD_INFO_BREAK : 0);
	s->n++;
	return true;
}

/* Modifiers pressed in order, the key pressed and released, modifiers released. */
static bool press(struct strokes *s, const u16 *mods, unsigned int nmods, u16 code)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < nmods; i++)
		ok &= put(s, mods[i], false);
	ok &= put(s, code, false) && put(s, code, true);
	for (i = nmods; i > 0; i--)
		ok &= put(s, mods[i - 1], true);
	return ok;
}

/* MOD-...-KEY or a bare key name: true and the strokes added, false if it is text. */
static bool parse_keyname(struct strokes *s, const char *arg, bool *full)
{
	u16 mods[3];
	unsigned int nmods = 0;
	const char *p = arg, *dash;
	struct char_key ck;
	int code;

	while ((dash = strchr(p, '-')) && dash[1] && nmods < ARRAY_SIZE(mods)) {
		size_t l = dash - p;

		if (l == 4 && !strncasecmp(p, "ctrl", 4))
			mods[nmods++] = SC_LCTRL;
		else if (l == 3 && !strncasecmp(p, "alt", 3))
			mods[nmods++] = SC_LALT;
		else if (l == 5 && !strncasecmp(p, "shift", 5))
			mods[nmods++] = SC_LSHIFT;
		else
			break;
		p = dash + 1;
	}
	code = key_by_name(p, strlen(p));
	/* Ctrl-C is Ctrl and the C key: a letter after a modifier adds no shift. */
	if (code < 0 && nmods && strlen(p) == 1 && char_to_key((char)tolower((unsigned char)p[0]), &ck)) {
		code = ck.code;
		if (ck.shift && nmods < ARRAY_SIZE(mods))
			mods[nmods++] = SC_LSHIFT;
	}
	if (code < 0)
		return false;
	*full = !press(s, mods, nmods, (u16)code);
	return true;
}

int kbd_keys_parse(int argc, char **argv, struct kbd_stroke *out, unsigned int max,
		   char *err, size_t errlen)
{
	struct strokes s = { .out = out, .max = max };
	u16 shift = SC_LSHIFT;
	struct char_key ck;
	bool full = false, text_before = false;
	const char *c;
	int i;

	for (i = 0; i < argc && !full; i++) {
		if (parse_keyname(&s, argv[i], &full)) {
			text_before = false;
			continue;
		}
		if (text_before)
			full = !press(&s, NULL, 0, 0x39);
		for (c = argv[i]; *c && !full; c++) {
			if (!char_to_key(*c, &ck)) {
				snprintf(err, errlen, "cannot type character %#x of \"%s\"",
					 (unsigned char)*c, argv[i]);
				return -EINVAL;
			}
			full = !press(&s, &shift, ck.shift, ck.code);
		}
		text_before = true;
	}
	if (full) {
		snprintf(err, errlen, "more than %u keystrokes", max);
		return -EINVAL;
	}
	return (int)s.n;
}
