// SPDX-License-Identifier: GPL-2.0-only
/* storvsc_msg_lib.c: builds the pure VSTOR checks (lib/storvsc_msg.c) into hvis_storvsc. */
#include "../../lib/storvsc_msg.c"
