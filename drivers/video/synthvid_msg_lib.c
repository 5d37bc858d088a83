// SPDX-License-Identifier: GPL-2.0-only
/* synthvid_msg_lib.c: builds the pure synthvid checks (lib/synthvid_msg.c) into hvis_video. */
#include "../../lib/synthvid_msg.c"
