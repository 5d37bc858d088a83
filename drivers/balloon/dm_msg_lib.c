// SPDX-License-Identifier: GPL-2.0-only
/* dm_msg_lib.c: builds the shared pure DM message code (lib/dm_msg.c) into hvis_balloon. */
#include "../../lib/dm_msg.c"
