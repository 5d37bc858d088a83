// SPDX-License-Identifier: GPL-2.0-only
/* netvsc_msg_lib.c: builds the pure NVSP/RNDIS checks (lib/netvsc_msg.c) into hvis_netvsc. */
#include "../../lib/netvsc_msg.c"
