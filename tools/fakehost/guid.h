/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guid.h: GUIDs between wire bytes and text.  The first three groups of the text are
 * little-endian on the wire (include/linux/uuid.h GUID_INIT).
 */
#ifndef _FH_GUID_H
#define _FH_GUID_H

#include "hvis/types.h"

#define GUID_TEXT_LEN	37	/* 36 characters and the NUL */

void guid_to_text(const struct hvis_guid *g, char out[GUID_TEXT_LEN]);
/* 0, or -EINVAL if text is not xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (braces allowed). */
int guid_from_text(const char *text, struct hvis_guid *g);

#endif /* _FH_GUID_H */
