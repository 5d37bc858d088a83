// SPDX-License-Identifier: GPL-2.0-only
/* hid_msg_lib.c: builds the pure synthetic HID code (lib/hid_msg.c) into hvis_mouse. */
#include "../../lib/hid_msg.c"
