// SPDX-License-Identifier: GPL-2.0-only
/*
 * guid.c: GUID text conversion (see guid.h).
 */
#include <stdio.h>
#include "guid.h"
#include "hex.h"

/* Wire byte index for each of the 16 bytes in textual order. */
static const u8 text_order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

void guid_to_text(const struct hvis_guid *g, char out[GUID_TEXT_LEN])
{
	char *p = out;
	int i;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		p += sprintf(p, "%02x", g->b[text_order[i]]);
	}
}

int guid_from_text(const char *text, struct hvis_guid *g)
{
	const char *p = text;
	bool brace = *p == '{';
	int i;

	if (brace)
		p++;
	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (*p++ != '-')
				return -EINVAL;
		}
		hi = hvis_hexval(p[0]);
		lo = hi < 0 ? -1 : hvis_hexval(p[1]);
		if (lo < 0)
			return -EINVAL;
		g->b[text_order[i]] = (u8)(hi << 4 | lo);
		p += 2;
	}
	if (brace && *p++ != '}')
		return -EINVAL;
	return *p ? -EINVAL : 0;
}
