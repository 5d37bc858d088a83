/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hex.h: the value of one hexadecimal digit, for every parser of hex text (IPv6
 * addresses from the host, GUIDs and frames given to the fake host).  Pure: builds in
 * the kernel and in userspace.
 */
#ifndef _HVIS_LIB_HEX_H
#define _HVIS_LIB_HEX_H

/* 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else. */
static inline int hvis_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* _HVIS_LIB_HEX_H */
