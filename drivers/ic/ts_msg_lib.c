// SPDX-License-Identifier: GPL-2.0-only
/* ts_msg_lib.c: builds the pure time-sync code (lib/ts_msg.c) into hvis_timesync. */
#include "../../lib/ts_msg.c"
