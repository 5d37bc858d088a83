// SPDX-License-Identifier: GPL-2.0-only
/*
 * mtu.c: hvis_netvsc's run-time changes that the host must learn about: the MTU
 * (68 up to the host's maximum; the NDIS config carries it, so the device is detached
 * and attached again with the net_device kept) and the MAC address (set on the host
 * as the RNDIS config parameter "NetworkAddress").
 *
 * Behaviour follows torvalds/linux drivers/net/hyperv/netvsc_drv.c (netvsc_change_mtu,
 * netvsc_detach, netvsc_attach, netvsc_set_mac_addr, the MTU range in netvsc_probe)
 * and rndis_filter.c (rndis_filter_set_device_mac, the MAXIMUM_FRAME_SIZE query).
 */
#include <linux/etherdevice.h>
#include "netvsc.h"

/*
 * The net_device's MTU range ends at upstream's limit (65521 from NVSP 2, 1500
 * before): the host's maximum (OID_GEN_MAXIMUM_FRAME_SIZE) may change, and the guest
 * reads it at each attach, so a change is checked against it there.
 */
int netvsc_max_mtu(struct netvsc_dev *nv)
{
	return nv->nvsp_ver >= NVSP_VERSION_2 ? NETVSC_MTU_MAX - ETH_HLEN : ETH_DATA_LEN;
}

/* The host's maximum as last read, or 0 if it gave none. */
static u32 host_max_mtu(struct netvsc_dev *nv)
{
	return nv->max_frame >= ETH_MIN_MTU ? nv->max_frame : 0;
}

/*
 * After an attach (MTU change, ethtool -L): the queues, the MAC, the filter, the
 * carrier and TX as before (RTNL).
 */
void netvsc_resume(struct netvsc_dev *nv, bool running)
{
	struct net_device *ndev = nv->ndev;
	u32 i;

	netif_set_real_num_tx_queues(ndev, nv->num_chan);
	netif_set_real_num_rx_queues(ndev, nv->num_chan);
	/* A joined VF takes the MTU and the data path again (vf.c). */
	netvsc_vf_kick(nv);
	/* A MAC the guest chose is the host's again after RNDIS INIT. */
	if (!ether_addr_equal(ndev->dev_addr, nv->perm_mac)) {
		mutex_lock(&nv->ctl_lock);
		if (netvsc_rndis_set_mac(nv, ndev->dev_addr))
			netdev_warn(ndev, "cannot set MAC %pM again\n", ndev->dev_addr);
		mutex_unlock(&nv->ctl_lock);
	}
	if (!running)
		return;
	mutex_lock(&nv->ctl_lock);
	nv->filter = 0;
	mutex_unlock(&nv->ctl_lock);
	/* The filter as ndo_set_rx_mode computes it. */
	schedule_work(&nv->rx_mode_work);
	if (READ_ONCE(nv->link_up))
		netif_carrier_on(ndev);
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++)
		clear_bit(0, &nv->chan[i].tx_stopped);
	netif_tx_wake_all_queues(ndev);
}

/*
 * ndo_change_mtu (RTNL): detach, attach with the new MTU, or back to the old one.  The
 * host's maximum is read again at each attach, so it is checked before and after.
 */
int netvsc_change_mtu(struct net_device *ndev, int mtu)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	bool running = netif_running(ndev);
	int old = ndev->mtu, rc, rc2;

	if (!nv->attached)
		return -ENODEV;
	/* Above what the host said at the last attach: refused before anything stops. */
	if (host_max_mtu(nv) && mtu > host_max_mtu(nv)) {
		netdev_err(ndev, "MTU %d is above the host's maximum %u\n", mtu,
			   host_max_mtu(nv));
		return -EINVAL;
	}
	netif_tx_disable(ndev);
	netif_carrier_off(ndev);
	netvsc_detach(nv);
	WRITE_ONCE(ndev->mtu, mtu);
	rc = netvsc_attach(nv);
	if (!rc && host_max_mtu(nv) && mtu > host_max_mtu(nv)) {
		netdev_err(ndev, "MTU %d is above the host's maximum %u\n", mtu,
			   host_max_mtu(nv));
		netvsc_detach(nv);
		rc = -EINVAL;
	}
	if (rc) {
		netdev_err(ndev, "MTU %d refused (%d); back to %d\n", mtu, rc, old);
		WRITE_ONCE(ndev->mtu, old);
		rc2 = netvsc_attach(nv);
		if (rc2) {
			netdev_err(ndev, "cannot attach again: %d\n", rc2);
			return rc;
		}
	}
	netvsc_resume(nv, running);
	return rc;
}

/* ndo_set_mac_address: the host first, then the net_device. */
int netvsc_set_mac_address(struct net_device *ndev, void *addr)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	struct sockaddr *sa = addr;
	int rc;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	if (!nv->attached)
		return -ENODEV;
	mutex_lock(&nv->ctl_lock);
	rc = netvsc_rndis_set_mac(nv, sa->sa_data);
	mutex_unlock(&nv->ctl_lock);
	if (rc) {
		netdev_err(ndev, "host refused MAC %pM: %d\n", sa->sa_data, rc);
		return rc;
	}
	eth_hw_addr_set(ndev, sa->sa_data);
	return 0;
}
