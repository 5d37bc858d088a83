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
};

/* rndis_filter.c: promiscuous, or directed + broadcast + all multicast. */
static u32 netvsc_filter_for(struct net_device *ndev)
{
	if (READ_ONCE(ndev->flags) & IFF_PROMISC)
		return NDIS_PACKET_TYPE_PROMISCUOUS;
	return NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST |
	       NDIS_PACKET_TYPE_ALL_MULTICAST;
}

static int netvsc_open(struct net_device *ndev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
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
	clear_bit(0, &nv->tx_stopped);
	netif_start_queue(ndev);
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

static void netvsc_get_stats64(struct net_device *ndev, struct rtnl_link_stats64 *s)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&nv->rx_syncp);
		s->rx_packets = nv->rx_packets;
		s->rx_bytes = nv->rx_bytes;
		s->rx_dropped = nv->rx_dropped;
	} while (u64_stats_fetch_retry(&nv->rx_syncp, start));
	do {
		start = u64_stats_fetch_begin(&nv->tx_syncp);
		s->tx_packets = nv->tx_packets;
		s->tx_bytes = nv->tx_bytes;
		s->tx_dropped = nv->tx_dropped;
	} while (u64_stats_fetch_retry(&nv->tx_syncp, start));
	s->rx_errors = atomic64_read(&nv->counters[NETVSC_C_RX_BAD]);
	s->tx_errors = atomic64_read(&nv->counters[NETVSC_C_TX_ERROR]);
}

static const struct net_device_ops netvsc_netdev_ops = {
	.ndo_open		= netvsc_open,
	.ndo_stop		= netvsc_stop,
	.ndo_start_xmit		= netvsc_xmit,
	.ndo_set_rx_mode	= netvsc_set_rx_mode,
	.ndo_get_stats64	= netvsc_get_stats64,
	.ndo_validate_addr	= eth_validate_addr,
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

static int netvsc_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? NETVSC_C_COUNT : -EOPNOTSUPP;
}

static void netvsc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, netvsc_counter_names, sizeof(netvsc_counter_names));
}

static void netvsc_get_ethtool_stats(struct net_device *ndev, struct ethtool_stats *stats,
				     u64 *data)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	int i;

	for (i = 0; i < NETVSC_C_COUNT; i++)
		data[i] = atomic64_read(&nv->counters[i]);
}

static const struct ethtool_ops netvsc_ethtool_ops = {
	.get_drvinfo		= netvsc_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= netvsc_get_link_ksettings,
	.get_sset_count		= netvsc_get_sset_count,
	.get_strings		= netvsc_get_strings,
	.get_ethtool_stats	= netvsc_get_ethtool_stats,
};

void netvsc_netdev_setup(struct netvsc_dev *nv)
{
	nv->ndev->netdev_ops = &netvsc_netdev_ops;
	nv->ndev->ethtool_ops = &netvsc_ethtool_ops;
}
