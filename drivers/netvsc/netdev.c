// SPDX-License-Identifier: GPL-2.0-only
/*
 * netdev.c: the net_device face of the synthetic NIC: open and stop (the RNDIS
 * packet filter, carrier, queue), rx mode changes (applied from a work item since
 * RNDIS requests sleep), 64-bit statistics and the ethtool operations (driver info,
 * link, link settings, the driver's counters).
 *
 * Behaviour follows torvalds/linux drivers/net/hyperv/netvsc_drv.c (netvsc_open,
 * netvsc_close, netvsc_set_rx_mode, netvsc_get_drvinfo, netvsc_get_link_ksettings)
 * and rndis_filter.c (rndis_set_multicast: the filter bits).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include "netvsc.h"

static const char netvsc_counter_names[NETVSC_C_COUNT][ETH_GSTRING_LEN] = {
	[NETVSC_C_TX_NO_SPACE]		= "tx_no_space",
	[NETVSC_C_TX_TOO_BIG]		= "tx_too_big",
	[NETVSC_C_TX_BUSY]		= "tx_busy",
	[NETVSC_C_TX_ERROR]		= "tx_error",
	[NETVSC_C_TX_COMP_BAD]		= "tx_comp_bad",
	[NETVSC_C_RX_BAD]		= "rx_bad",
	[NETVSC_C_RX_NO_MEMORY]		= "rx_no_memory",
	[NETVSC_C_RX_COMP_BUSY]		= "rx_comp_busy",
	[NETVSC_C_STOP_QUEUE]		= "stop_queue",
	[NETVSC_C_WAKE_QUEUE]		= "wake_queue",
	[NETVSC_C_LINK_CHANGE]		= "link_change",
	[NETVSC_C_SC_REFUSED]		= "subchannel_refused",
	[NETVSC_C_TX_PAGEBUF]		= "tx_pagebuf",
	[NETVSC_C_TX_LSO]		= "tx_lso",
	[NETVSC_C_TX_CSUM]		= "tx_csum",
	[NETVSC_C_RX_CSUM_OK]		= "rx_csum_verified",
	[NETVSC_C_RX_VLAN]		= "rx_vlan",
	[NETVSC_C_RX_PPI_BAD]		= "rx_ppi_bad",
	[NETVSC_C_RX_RSC]		= "rx_rsc_chains",
	[NETVSC_C_RX_RSC_BAD]		= "rx_rsc_bad",
	[NETVSC_C_SEND_TABLES]		= "send_table_updates",
	[NETVSC_C_RX_LENT]		= "rx_lent",
	[NETVSC_C_RX_LEND_FULL]		= "rx_lend_full",
	[NETVSC_C_TX_STALL_RESET]	= "tx_stall_resets",
};

/* netvsc_drv.c vf_stats: the VF's traffic, after the device counters (vf.c). */
static const char netvsc_vf_stat_names[NETVSC_VF_STATS][ETH_GSTRING_LEN] = {
	"vf_rx_packets", "vf_rx_bytes", "vf_tx_packets", "vf_tx_bytes", "vf_tx_dropped",
};

/*
 * rndis_filter.c rndis_set_multicast: promiscuous; else directed, all multicast when
 * any group is joined or IFF_ALLMULTI, broadcast when IFF_BROADCAST.
 */
static u32 netvsc_filter_for(struct net_device *ndev)
{
	unsigned int flags = READ_ONCE(ndev->flags);
	u32 filter = NDIS_PACKET_TYPE_DIRECTED;

	if (flags & IFF_PROMISC)
		return NDIS_PACKET_TYPE_PROMISCUOUS;
	if (flags & IFF_ALLMULTI || !netdev_mc_empty(ndev))
		filter |= NDIS_PACKET_TYPE_ALL_MULTICAST;
	if (flags & IFF_BROADCAST)
		filter |= NDIS_PACKET_TYPE_BROADCAST;
	return filter;
}

static int netvsc_open(struct net_device *ndev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	u32 i;
	int rc;

	mutex_lock(&nv->ctl_lock);
	rc = netvsc_rndis_set_filter(nv, netvsc_filter_for(ndev));
	mutex_unlock(&nv->ctl_lock);
	if (rc) {
		netdev_err(ndev, "cannot set the packet filter: %d\n", rc);
		return rc;
	}
	if (READ_ONCE(nv->link_up))
		netif_carrier_on(ndev);
	else
		netif_carrier_off(ndev);
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++)
		clear_bit(0, &nv->chan[i].tx_stopped);
	netif_tx_start_all_queues(ndev);
	netvsc_vf_open(nv);
	return 0;
}

static int netvsc_stop(struct net_device *ndev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	int rc;

	netvsc_vf_close(nv);
	netif_tx_disable(ndev);
	mutex_lock(&nv->ctl_lock);
	rc = netvsc_rndis_set_filter(nv, 0);
	mutex_unlock(&nv->ctl_lock);
	if (rc && !hvis_channel_rescinded(nv->ch))
		netdev_warn(ndev, "cannot clear the packet filter: %d\n", rc);
	return 0;
}

void netvsc_rx_mode_work(struct work_struct *work)
{
	struct netvsc_dev *nv = container_of(work, struct netvsc_dev, rx_mode_work);
	u32 filter;

	mutex_lock(&nv->ctl_lock);
	filter = netvsc_filter_for(nv->ndev);
	if (netif_running(nv->ndev) && !READ_ONCE(nv->destroying) && filter != nv->filter &&
	    netvsc_rndis_set_filter(nv, filter))
		netdev_warn(nv->ndev, "cannot set packet filter %#x\n", filter);
	mutex_unlock(&nv->ctl_lock);
}

/* Called with the address lists locked and bottom halves off: defer to a work item. */
static void netvsc_set_rx_mode(struct net_device *ndev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	if (!READ_ONCE(nv->destroying))
		schedule_work(&nv->rx_mode_work);
}

/* One queue pair's counters, read consistently. */
struct netvsc_qstats {
	u64 rx_packets, rx_bytes, rx_dropped;
	u64 tx_packets, tx_bytes, tx_dropped;
};

static void netvsc_chan_stats(struct netvsc_chan *c, struct netvsc_qstats *q)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&c->rx_syncp);
		q->rx_packets = c->rx_packets;
		q->rx_bytes = c->rx_bytes;
		q->rx_dropped = c->rx_dropped;
	} while (u64_stats_fetch_retry(&c->rx_syncp, start));
	do {
		start = u64_stats_fetch_begin(&c->tx_syncp);
		q->tx_packets = c->tx_packets;
		q->tx_bytes = c->tx_bytes;
		q->tx_dropped = c->tx_dropped;
	} while (u64_stats_fetch_retry(&c->tx_syncp, start));
}

/* Totals over every channel the device ever had open (counters outlive a close). */
static void netvsc_get_stats64(struct net_device *ndev, struct rtnl_link_stats64 *s)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	struct netvsc_vf_stats vf;
	struct netvsc_qstats q;
	u32 i;

	/* Frames through the VF bypass the channels' counters (netvsc_get_stats64). */
	netvsc_vf_get_stats(nv, &vf);
	s->rx_packets = vf.rx_packets;
	s->rx_bytes = vf.rx_bytes;
	s->tx_packets = vf.tx_packets;
	s->tx_bytes = vf.tx_bytes;
	s->tx_dropped = vf.tx_dropped;
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++) {
		netvsc_chan_stats(&nv->chan[i], &q);
		s->rx_packets += q.rx_packets;
		s->rx_bytes += q.rx_bytes;
		s->rx_dropped += q.rx_dropped;
		s->tx_packets += q.tx_packets;
		s->tx_bytes += q.tx_bytes;
		s->tx_dropped += q.tx_dropped;
	}
	s->rx_errors = atomic64_read(&nv->counters[NETVSC_C_RX_BAD]);
	s->tx_errors = atomic64_read(&nv->counters[NETVSC_C_TX_ERROR]);
}

static const struct net_device_ops netvsc_netdev_ops = {
	.ndo_open		= netvsc_open,
	.ndo_stop		= netvsc_stop,
	.ndo_start_xmit		= netvsc_xmit,
	.ndo_select_queue	= netvsc_select_queue,
	.ndo_set_rx_mode	= netvsc_set_rx_mode,
	.ndo_get_stats64	= netvsc_get_stats64,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_set_features	= netvsc_set_features,
	.ndo_fix_features	= netvsc_fix_features,
	.ndo_change_mtu		= netvsc_change_mtu,
	.ndo_set_mac_address	= netvsc_set_mac_address,
};

bool netvsc_is_netvsc(const struct net_device *dev)
{
	return dev->netdev_ops == &netvsc_netdev_ops;
}

static void netvsc_get_drvinfo(struct net_device *ndev, struct ethtool_drvinfo *info)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	strscpy(info->driver, NETVSC_DRV_NAME, sizeof(info->driver));
	strscpy(info->fw_version, "N/A", sizeof(info->fw_version));
	/* The VMBus instance; its 36 characters are cut to the field's 31. */
	strscpy(info->bus_info, dev_name(&nv->hdev->dev), sizeof(info->bus_info));
}

static int netvsc_get_link_ksettings(struct net_device *ndev,
				     struct ethtool_link_ksettings *cmd)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_zero_link_mode(cmd, advertising);
	cmd->base.speed = READ_ONCE(nv->link_speed_mbps);
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

/* Per open queue, after the device counters: rx packets, rx bytes, tx packets, tx bytes. */
#define NETVSC_QUEUE_STATS	4u

/* ethtool ops run under RTNL, as does every change of num_chan (ethtool -L). */
static int netvsc_get_sset_count(struct net_device *ndev, int sset)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return NETVSC_C_COUNT + NETVSC_VF_STATS + NETVSC_QUEUE_STATS * nv->num_chan;
}

static void netvsc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	u32 i;

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, netvsc_counter_names, sizeof(netvsc_counter_names));
	data += sizeof(netvsc_counter_names);
	memcpy(data, netvsc_vf_stat_names, sizeof(netvsc_vf_stat_names));
	data += sizeof(netvsc_vf_stat_names);
	for (i = 0; i < nv->num_chan; i++) {
		ethtool_sprintf(&data, "rx_queue_%u_packets", i);
		ethtool_sprintf(&data, "rx_queue_%u_bytes", i);
		ethtool_sprintf(&data, "tx_queue_%u_packets", i);
		ethtool_sprintf(&data, "tx_queue_%u_bytes", i);
	}
}

static void netvsc_get_ethtool_stats(struct net_device *ndev, struct ethtool_stats *stats,
				     u64 *data)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	struct netvsc_vf_stats vf;
	struct netvsc_qstats q;
	u32 i;

	for (i = 0; i < NETVSC_C_COUNT; i++)
		*data++ = atomic64_read(&nv->counters[i]);
	netvsc_vf_get_stats(nv, &vf);
	*data++ = vf.rx_packets;
	*data++ = vf.rx_bytes;
	*data++ = vf.tx_packets;
	*data++ = vf.tx_bytes;
	*data++ = vf.tx_dropped;
	for (i = 0; i < nv->num_chan; i++) {
		netvsc_chan_stats(&nv->chan[i], &q);
		*data++ = q.rx_packets;
		*data++ = q.rx_bytes;
		*data++ = q.tx_packets;
		*data++ = q.tx_bytes;
	}
}

static const struct ethtool_ops netvsc_ethtool_ops = {
	.get_drvinfo		= netvsc_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= netvsc_get_link_ksettings,
	.get_sset_count		= netvsc_get_sset_count,
	.get_strings		= netvsc_get_strings,
	.get_ethtool_stats	= netvsc_get_ethtool_stats,
	.get_rxnfc		= netvsc_get_rxnfc,
	.get_channels		= netvsc_get_channels,
	.set_channels		= netvsc_set_channels,
	.get_rxfh_key_size	= netvsc_get_rxfh_key_size,
	.get_rxfh_indir_size	= netvsc_get_rxfh_indir_size,
	.get_rxfh		= netvsc_get_rxfh,
	.set_rxfh		= netvsc_set_rxfh,
};

void netvsc_netdev_setup(struct netvsc_dev *nv)
{
	nv->ndev->netdev_ops = &netvsc_netdev_ops;
	nv->ndev->ethtool_ops = &netvsc_ethtool_ops;
}
