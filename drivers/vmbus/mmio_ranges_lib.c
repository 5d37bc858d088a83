// SPDX-License-Identifier: GPL-2.0-only
/* mmio_ranges_lib.c: builds the pure window list (lib/mmio_ranges.c) into hvis_vmbus.ko. */
#include "../../lib/mmio_ranges.c"
