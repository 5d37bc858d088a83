// SPDX-License-Identifier: GPL-2.0-only
/* netvsc_ppi_lib.c: builds the pure per-packet info checks (lib/netvsc_ppi.c) into hvis_netvsc. */
#include "../../lib/netvsc_ppi.c"
