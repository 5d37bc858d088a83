// SPDX-License-Identifier: GPL-2.0-only
/* vmbus_msg_lib.c: builds the shared message-type table (lib/vmbus_msg.c) into hvis_vmbus. */
#include "../../lib/vmbus_msg.c"
