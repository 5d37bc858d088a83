// SPDX-License-Identifier: GPL-2.0-only
/*
 * utf16.c: UTF-16LE <-> UTF-8 for the strings Hyper-V hosts send (KVP keys and
 * values, file-copy names; include/uapi/linux/hyperv.h) - see utf16.h.  Pure code:
 * built into the kernel modules, the fake host, the unit tests and the fuzzers.
 */
#include "utf16.h"

#define REPLACEMENT	0xfffd

static u32 get16(const u8 *p, u32 i)
{
	return p[2 * i] | (u32)p[2 * i + 1] << 8;
}

static void put16(u8 *p, u32 i, u32 v)
{
	p[2 * i] = v & 0xff;
	p[2 * i + 1] = (v >> 8) & 0xff;
}

/*
 * The one converter: @strict refuses (-EINVAL) an unpaired surrogate and input with
 * no NUL within @n units; otherwise those become U+FFFD / the end of the input.
 */
static int utf16_to_utf8(const u8 *in, u32 n, char *out, u32 cap, bool strict)
{
	u32 i, o = 0;

	for (i = 0; i < n; i++) {
		u32 c = get16(in, i), need;

		if (!c)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && get16(in, i + 1) >= 0xdc00 &&
		    get16(in, i + 1) < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (get16(in, i + 1) - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			if (strict)
				return -EINVAL;
			c = REPLACEMENT;
		}
		need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (o + need + 1 > cap)
			return -ENOSPC;
		if (need == 1) {
			out[o++] = (char)c;
		} else if (need == 2) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (need == 3) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	if (strict && i == n)
		return -EINVAL;
	if (o + 1 > cap)
		return -ENOSPC;
	out[o] = '\0';
	return (int)o;
}

int hvis_utf16_to_utf8(const u8 *in, u32 n, char *out, u32 cap)
{
	return utf16_to_utf8(in, n, out, cap, false);
}

int hvis_utf16_to_utf8_strict(const u8 *in, u32 n, char *out, u32 cap)
{
	return utf16_to_utf8(in, n, out, cap, true);
}

/* Decodes one UTF-8 sequence at s[*i] (< len); malformed input gives U+FFFD. */
static u32 utf8_next(const u8 *s, u32 len, u32 *i)
{
	u32 c = s[*i], n, min, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3, min = 0x10000, c &= 0x07;
	} else {
		(*i)++;
		return REPLACEMENT;
	}
	for (k = 1; k <= n; k++) {
		if (*i + k >= len || !s[*i + k] || (s[*i + k] & 0xc0) != 0x80) {
			*i += k;
			return REPLACEMENT;
		}
		c = c << 6 | (s[*i + k] & 0x3f);
	}
	*i += n + 1;
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return REPLACEMENT;
	return c;
}

int hvis_utf8_to_utf16(const char *in, u32 inlen, u8 *out, u32 cap)
{
	const u8 *s = (const u8 *)in;
	u32 i = 0, o = 0;

	while (i < inlen && s[i]) {
		u32 c = utf8_next(s, inlen, &i);

		if (c >= 0x10000) {
			if (o + 3 > cap)
				return -ENOSPC;
			c -= 0x10000;
			put16(out, o++, 0xd800 + (c >> 10));
			put16(out, o++, 0xdc00 + (c & 0x3ff));
		} else {
			if (o + 2 > cap)
				return -ENOSPC;
			put16(out, o++, c);
		}
	}
	if (o + 1 > cap)
		return -ENOSPC;
	put16(out, o, 0);
	return (int)o;
}

