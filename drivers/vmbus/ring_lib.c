// SPDX-License-Identifier: GPL-2.0-only
/* ring_lib.c: builds the shared pure ring code (lib/ring.c) into hvis_vmbus.ko. */
#include "../../lib/ring.c"
