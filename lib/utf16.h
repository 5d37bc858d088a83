/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * utf16.h: UTF-16LE <-> UTF-8 conversion of host strings (lib/utf16.c).  No kernel
 * API: built into hvis_kvp.ko and hvis_fcopy.ko, the fake host and the tests.
 */
#ifndef _HVIS_UTF16_H
#define _HVIS_UTF16_H

#include "../include/hvis/types.h"

/*
 * UTF-16LE (@n units, stops at the first NUL) to NUL-terminated UTF-8 in @out
 * (@cap bytes).  Unpaired surrogates become U+FFFD.  Returns the UTF-8 length, or
 * -ENOSPC when it does not fit.
 */
int hvis_utf16_to_utf8(const u8 *in, u32 n, char *out, u32 cap);

/*
 * The same, strict, for names that must arrive intact (file copy): an unpaired
 * surrogate or no NUL within @n units gives -EINVAL.
 */
int hvis_utf16_to_utf8_strict(const u8 *in, u32 n, char *out, u32 cap);

/*
 * NUL-terminated UTF-8 (at most @inlen bytes) to UTF-16LE in @out (@cap units, the
 * NUL included).  Malformed bytes become U+FFFD.  Returns the units written without
 * the NUL, or -ENOSPC.
 */
int hvis_utf8_to_utf16(const char *in, u32 inlen, u8 *out, u32 cap);

#endif /* _HVIS_UTF16_H */
