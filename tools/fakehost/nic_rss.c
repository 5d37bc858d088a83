// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_rss.c: the receive channel of a wire frame (vRSS).  Until the host implements
 * RSS every frame goes to the primary channel.
 */
#include "nic_dev.h"

u32 nic_rx_channel(struct nic_dev *nd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta)
{
	return 0;
}
