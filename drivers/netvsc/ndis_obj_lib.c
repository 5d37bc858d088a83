// SPDX-License-Identifier: GPL-2.0-only
/* ndis_obj_lib.c: builds the pure NDIS object checks (lib/ndis_obj.c) into hvis_netvsc. */
#include "../../lib/ndis_obj.c"
