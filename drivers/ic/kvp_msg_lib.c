// SPDX-License-Identifier: GPL-2.0-only
/* kvp_msg_lib.c: builds the pure KVP code (lib/kvp_msg.c) into hvis_kvp. */
#include "../../lib/kvp_msg.c"
