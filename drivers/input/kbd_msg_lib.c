// SPDX-License-Identifier: GPL-2.0-only
/* kbd_msg_lib.c: builds the pure keyboard protocol code (lib/kbd_msg.c) into hvis_kbd. */
#include "../../lib/kbd_msg.c"
