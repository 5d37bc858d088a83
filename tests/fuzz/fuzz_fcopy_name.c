// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_fcopy_name.c: libFuzzer target for the file copy name conversion
 * (lib/utf16.c hvis_utf16_to_utf8_strict, as drivers/ic/fcopy.c applies it to the
 * two W_MAX_PATH-unit name fields of START_FILE_COPY).  The input is the two fields
 * (zero-padded).  A name that converts must be NUL-terminated UTF-8 of the reported
 * length with no NUL inside, and must convert back to the same UTF-16 units; one
 * that is refused must be unterminated, hold an unpaired surrogate or be too long.
 */
#include <stdlib.h>
#include "utf16.h"
#include "hvis/fcopy_abi.h"
#include "fuzz_types.h"

FUZZ_TYPES("ASCII name", "non-ASCII name", "surrogate pair", "refused: not UTF-16",
	   "refused: too long in UTF-8")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static void one(const u16 *field)
{
	char utf8[2 * W_MAX_PATH];	/* the field's own bytes, as the driver uses */
	u8 back[2 * W_MAX_PATH];
	int n, m, i;
	bool wide = false, pair = false;

	n = hvis_utf16_to_utf8_strict((const u8 *)field, W_MAX_PATH, utf8, sizeof(utf8));
	if (n == -ENOSPC) {
		fuzz_hit(4);
		return;
	}
	if (n < 0) {
		fuzz_hit(3);
		return;
	}
	if (n >= (int)sizeof(utf8) || utf8[n] || (int)strlen(utf8) != n)
		abort();
	m = hvis_utf8_to_utf16(utf8, (u32)n + 1, back, W_MAX_PATH);
	if (m < 0 || memcmp(back, field, 2 * (size_t)m) || field[m])
		abort();
	for (i = 0; i < m; i++) {
		wide |= field[i] > 0x7f;
		pair |= field[i] >= 0xd800 && field[i] < 0xdc00;
	}
	fuzz_hit(pair ? 2 : wide ? 1 : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u16 *f = calloc(2, 2 * W_MAX_PATH);

	memcpy(f, in, size < 4 * W_MAX_PATH ? size : 4 * W_MAX_PATH);
	one(f);
	one(f + W_MAX_PATH);
	free(f);
	return 0;
}
