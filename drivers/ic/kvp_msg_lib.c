// SPDX-License-Identifier: GPL-2.0-only
/* kvp_msg_lib.c: builds the pure KVP code and its UTF-16 conversions into hvis_kvp. */
#include "../../lib/kvp_msg.c"
#include "../../lib/utf16.c"
