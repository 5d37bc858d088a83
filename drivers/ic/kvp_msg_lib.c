// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_msg_lib.c: builds the pure KVP code (request checks, address syntax) and its
 * UTF-16 conversions into hvis_kvp.
 */
#include "../../lib/kvp_msg.c"
#include "../../lib/kvp_ip.c"
#include "../../lib/utf16.c"
