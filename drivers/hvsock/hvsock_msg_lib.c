// SPDX-License-Identifier: GPL-2.0-only
/* hvsock_msg_lib.c: builds the pure hvsock code (lib/hvsock_msg.c) into hvis_sock. */
#include "../../lib/hvsock_msg.c"
