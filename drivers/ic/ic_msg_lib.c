// SPDX-License-Identifier: GPL-2.0-only
/* ic_msg_lib.c: builds the shared pure IC parsing code (lib/ic_msg.c) into hvis_ic. */
#include "../../lib/ic_msg.c"
