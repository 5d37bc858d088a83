// SPDX-License-Identifier: GPL-2.0-only
/*
 * vf.c: the SR-IOV data path (Azure's "accelerated networking"), the way upstream's
 * netvsc_drv.c does it.  The host associates a VF with the synthetic NIC (NVSP 4
 * SEND_VF_ASSOCIATION: allocated, serial) and hot-plugs a PCI NIC with the same MAC.
 * A netdevice notifier sees that NIC register; the synthetic NIC becomes its master:
 * an rx_handler hands whatever the VF receives to the synthetic net_device, the VF is
 * linked below it as a slave (IFF_SLAVE, so it gets no addresses of its own) and
 * brought up, and SWITCH_DATA_PATH tells the host to send through the VF; transmit
 * then goes through the VF too.  When the host revokes the VF (allocated 0), or the VF
 * goes down or away, the data path switches back to synthetic first; the host removes
 * the PCI device after that.  After each switch the NIC re-announces itself
 * (announce.c), so the switches in between learn where its MAC lives now.
 *
 * While the VF is joined, what its rx_handler takes and what transmit hands to it is
 * counted per CPU (upstream's vf_stats: ethtool -S vf_rx_packets .. vf_tx_dropped, and
 * part of the netdev totals, since those frames bypass the synthetic path's counters).
 *
 * Everything here runs under the RTNL: the notifier, the work item, and the list of
 * NICs that may take a VF.  Only the transmit check (RCU) and the association message
 * (the receive path) run outside it.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/netpoll.h>
#include <linux/rtnetlink.h>
#include "netvsc.h"

/* How long after a VF joins it is set up (netvsc_drv.c: VF_TAKEOVER_INT, HZ / 10). */
#define NETVSC_VF_TAKEOVER	(HZ / 10)
#define NETVSC_VF_SEND_TRIES	10

/* The NICs that may take a VF; under the RTNL. */
static LIST_HEAD(netvsc_vf_nics);

static struct netvsc_dev *vf_owner(const struct net_device *vf)
{
	struct netvsc_dev *nv;

	list_for_each_entry(nv, &netvsc_vf_nics, vf_node)
		if (rtnl_dereference(nv->vf_netdev) == vf)
			return nv;
	return NULL;
}

static bool vf_mac_matches(const struct netvsc_dev *nv, const struct net_device *dev)
{
	const u8 *mac = nv->ndev->perm_addr;

	return ether_addr_equal(dev->perm_addr, mac) || ether_addr_equal(dev->dev_addr, mac);
}

/* A net_device that could be a VF: Ethernet, not ours, not a VLAN, bond or bridge. */
static bool vf_candidate(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && !netvsc_is_netvsc(dev) && !is_vlan_dev(dev) &&
	       !netif_is_bond_master(dev) && !netif_is_bridge_master(dev) &&
	       !(dev->flags & IFF_LOOPBACK);
}

/*
 * Tells the host which data path to use and waits for its completion (the host
 * answers every SWITCH_DATA_PATH).  Transmit stops using the VF before the request
 * to leave it goes out, and starts only once the host has switched to it.
 */
static int vf_switch(struct netvsc_dev *nv, struct net_device *vf, bool to_vf)
{
	struct nvsp4_sw_datapath dp = {
		.active_datapath = to_vf ? NVSP_DATAPATH_VF : NVSP_DATAPATH_SYNTHETIC,
	};
	struct nvsp_msg msg = { .type = NVSP_MSG4_SWITCH_DATA_PATH };
	int rc, tries = 0;

	if (nv->nvsp_ver < NVSP_VERSION_4)
		return -EOPNOTSUPP;
	if (!to_vf)
		WRITE_ONCE(nv->data_path_is_vf, false);
	memcpy(msg.raw, &dp, sizeof(dp));
	reinit_completion(&nv->dp_done);
	do {
		rc = hvis_channel_send(nv->ch, &msg, sizeof(msg), NETVSC_TID_DATAPATH,
				       VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
		if (rc != -EAGAIN)
			break;
		usleep_range(1000, 2000);
	} while (++tries < NETVSC_VF_SEND_TRIES);
	if (!rc && !wait_for_completion_timeout(&nv->dp_done, NETVSC_REQ_TIMEOUT))
		rc = -ETIMEDOUT;
	if (rc) {
		netdev_warn(nv->ndev, "data path switch %s VF %s failed: %d; staying synthetic\n",
			    to_vf ? "to" : "from", vf->name, rc);
		WRITE_ONCE(nv->data_path_is_vf, false);
		return rc;
	}
	WRITE_ONCE(nv->data_path_is_vf, to_vf);
	netdev_info(nv->ndev, "data path switched %s VF %s\n", to_vf ? "to" : "from", vf->name);
	netvsc_announce(nv, to_vf ? "data path to the VF" : "data path synthetic");
	return 0;
}

/* Whatever the VF receives belongs to the synthetic NIC (netvsc_vf_handle_frame). */
static rx_handler_result_t vf_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct net_device *ndev = rcu_dereference(skb->dev->rx_handler_data);
	struct netvsc_dev *nv = netdev_priv(ndev);
	struct netvsc_vf_pcpu_stats *st;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;
	*pskb = skb;
	skb->dev = ndev;
	st = this_cpu_ptr(nv->vf_stats);
	u64_stats_update_begin(&st->syncp);
	st->rx_packets++;
	st->rx_bytes += skb->len;
	u64_stats_update_end(&st->syncp);
	return RX_HANDLER_ANOTHER;
}

static int vf_join(struct netvsc_dev *nv, struct net_device *vf)
{
	int rc;

	rc = netdev_rx_handler_register(vf, vf_handle_frame, nv->ndev);
	if (rc) {
		netdev_err(nv->ndev, "VF %s: cannot take its receive path: %d\n", vf->name, rc);
		return rc;
	}
	rc = netdev_master_upper_dev_link(vf, nv->ndev, NULL, NULL, NULL);
	if (rc) {
		netdev_rx_handler_unregister(vf);
		netdev_err(nv->ndev, "VF %s: cannot become its master: %d\n", vf->name, rc);
		return rc;
	}
	/* Before it opens: a slave gets no IPv6 addresses of its own (addrconf). */
	vf->flags |= IFF_SLAVE;
	dev_hold(vf);
	rcu_assign_pointer(nv->vf_netdev, vf);
	nv->vf_setup = false;
	netdev_info(nv->ndev, "VF %s joined (slot %u)\n", vf->name, READ_ONCE(nv->vf_serial));
	schedule_delayed_work(&nv->vf_work, NETVSC_VF_TAKEOVER);
	return 0;
}

static void vf_unjoin(struct netvsc_dev *nv, struct net_device *vf)
{
	WRITE_ONCE(nv->data_path_is_vf, false);
	RCU_INIT_POINTER(nv->vf_netdev, NULL);
	/* Waits for the receive path and, with it, for any transmit still using vf. */
	netdev_rx_handler_unregister(vf);
	netdev_upper_dev_unlink(vf, nv->ndev);
	vf->flags &= ~IFF_SLAVE;
	netdev_info(nv->ndev, "VF %s left\n", vf->name);
	dev_put(vf);
}

/* A VF that registered before the host associated it: found by its MAC. */
static struct net_device *vf_find(struct netvsc_dev *nv)
{
	struct net_device *dev;

	for_each_netdev(dev_net(nv->ndev), dev)
		if (vf_candidate(dev) && !netdev_master_upper_dev_get(dev) &&
		    vf_mac_matches(nv, dev))
			return dev;
	return NULL;
}

/* Brings the data path where the host's association and the VF's state say. */
static void vf_sync(struct netvsc_dev *nv)
{
	struct net_device *ndev = nv->ndev, *vf = rtnl_dereference(nv->vf_netdev);
	bool alloc = READ_ONCE(nv->vf_alloc);
	int rc;

	if (!vf && alloc) {
		vf = vf_find(nv);
		if (vf && !vf_join(nv, vf))
			return;		/* vf_work runs again after the takeover delay */
		vf = NULL;
	}
	if (!vf)
		return;
	if (!alloc) {
		if (READ_ONCE(nv->data_path_is_vf))
			vf_switch(nv, vf, false);
		return;
	}
	if (!nv->vf_setup) {
		nv->vf_setup = true;
		rc = dev_set_mtu(vf, ndev->mtu);
		if (rc)
			netdev_warn(ndev, "VF %s: MTU %u not taken: %d\n", vf->name, ndev->mtu, rc);
		netif_addr_lock_bh(ndev);
		dev_uc_sync(vf, ndev);
		dev_mc_sync(vf, ndev);
		netif_addr_unlock_bh(ndev);
	}
	if (netif_running(ndev) && !netif_running(vf)) {
		/* NETDEV_UP comes back through the notifier and switches the path. */
		rc = dev_open(vf, NULL);
		if (rc)
			netdev_warn(ndev, "VF %s: cannot open it: %d\n", vf->name, rc);
	} else if (netif_running(vf) && !READ_ONCE(nv->data_path_is_vf)) {
		vf_switch(nv, vf, true);
	}
}

static void netvsc_vf_work(struct work_struct *work)
{
	struct netvsc_dev *nv = container_of(to_delayed_work(work), struct netvsc_dev, vf_work);

	if (READ_ONCE(nv->destroying))
		return;
	if (!rtnl_trylock()) {
		schedule_delayed_work(&nv->vf_work, NETVSC_VF_TAKEOVER);
		return;
	}
	if (!list_empty(&nv->vf_node))
		vf_sync(nv);
	rtnl_unlock();
}

static int vf_register(struct net_device *dev)
{
	struct netvsc_dev *nv;

	if (netdev_master_upper_dev_get(dev))
		return NOTIFY_DONE;
	list_for_each_entry(nv, &netvsc_vf_nics, vf_node) {
		if (!vf_mac_matches(nv, dev) || rtnl_dereference(nv->vf_netdev))
			continue;
		if (!READ_ONCE(nv->vf_alloc)) {
			netdev_info(nv->ndev, "%s has our MAC but the host associated no VF\n",
				    dev->name);
			return NOTIFY_DONE;
		}
		return vf_join(nv, dev) ? NOTIFY_DONE : NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static int vf_changed(struct net_device *vf, unsigned long event)
{
	struct netvsc_dev *nv = vf_owner(vf);
	bool up;

	if (!nv)
		return NOTIFY_DONE;
	up = (event == NETDEV_UP || event == NETDEV_CHANGE) && netif_running(vf);
	if (up == READ_ONCE(nv->data_path_is_vf) || (up && !READ_ONCE(nv->vf_alloc)))
		return NOTIFY_OK;
	vf_switch(nv, vf, up);
	return NOTIFY_OK;
}

static int vf_unregister(struct net_device *vf)
{
	struct netvsc_dev *nv = vf_owner(vf);

	if (!nv)
		return NOTIFY_DONE;
	/* GOING_DOWN switched the path back already, unless the host had gone. */
	vf_unjoin(nv, vf);
	return NOTIFY_OK;
}

static int netvsc_vf_notify(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (!vf_candidate(dev))
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_REGISTER:
		return vf_register(dev);
	case NETDEV_UNREGISTER:
		return vf_unregister(dev);
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_GOING_DOWN:
		return vf_changed(dev, event);
	}
	return NOTIFY_DONE;
}

static struct notifier_block netvsc_vf_notifier = {
	.notifier_call = netvsc_vf_notify,
};

int netvsc_vf_module_init(void)
{
	return register_netdevice_notifier(&netvsc_vf_notifier);
}

void netvsc_vf_module_exit(void)
{
	unregister_netdevice_notifier(&netvsc_vf_notifier);
}

void netvsc_vf_init(struct netvsc_dev *nv)
{
	INIT_LIST_HEAD(&nv->vf_node);
	init_completion(&nv->dp_done);
	INIT_DELAYED_WORK(&nv->vf_work, netvsc_vf_work);
}

/* After register_netdev: the NIC may take a VF from now on. */
void netvsc_vf_attach(struct netvsc_dev *nv)
{
	rtnl_lock();
	list_add(&nv->vf_node, &netvsc_vf_nics);
	if (READ_ONCE(nv->vf_alloc))
		schedule_delayed_work(&nv->vf_work, 0);
	rtnl_unlock();
}

/* Before unregister_netdev: lets go of the VF, which stays as an ordinary NIC. */
void netvsc_vf_detach(struct netvsc_dev *nv)
{
	struct net_device *vf;

	rtnl_lock();
	list_del_init(&nv->vf_node);
	vf = rtnl_dereference(nv->vf_netdev);
	if (vf)
		vf_unjoin(nv, vf);
	rtnl_unlock();
	cancel_delayed_work_sync(&nv->vf_work);
}

/*
 * After a re-attach (ethtool -L, MTU; RTNL held): the host's data path is synthetic
 * again and the MTU may have changed; vf_sync sets the VF up and switches once more.
 */
void netvsc_vf_kick(struct netvsc_dev *nv)
{
	nv->vf_setup = false;
	if (READ_ONCE(nv->vf_alloc) && !list_empty(&nv->vf_node))
		schedule_delayed_work(&nv->vf_work, 0);
}

/* SEND_VF_ASSOCIATION from the host (receive path: softirq). */
void netvsc_vf_assoc(struct netvsc_dev *nv, const void *body, u32 len)
{
	const char *why = NULL;
	bool alloc;
	u32 serial;

	if (nvsp_vf_assoc_parse(body, len, &alloc, &serial, &why)) {
		net_warn_ratelimited("%s: bad VF association dropped: %s\n",
				     netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		return;
	}
	WRITE_ONCE(nv->vf_serial, serial);
	WRITE_ONCE(nv->vf_alloc, alloc);
	net_info_ratelimited("%s: VF slot %u %s\n", netdev_name(nv->ndev), serial,
			     alloc ? "added" : "removed");
	if (!READ_ONCE(nv->destroying))
		mod_delayed_work(system_wq, &nv->vf_work, 0);
}

/* The host completed our SWITCH_DATA_PATH. */
void netvsc_vf_datapath_done(struct netvsc_dev *nv)
{
	complete(&nv->dp_done);
}

/* ndo_open / ndo_stop (RTNL held): the VF follows the synthetic NIC. */
void netvsc_vf_open(struct netvsc_dev *nv)
{
	struct net_device *vf = rtnl_dereference(nv->vf_netdev);

	if (vf && READ_ONCE(nv->vf_alloc) && !netif_running(vf) && dev_open(vf, NULL))
		netdev_warn(nv->ndev, "VF %s: cannot open it\n", vf->name);
}

void netvsc_vf_close(struct netvsc_dev *nv)
{
	struct net_device *vf = rtnl_dereference(nv->vf_netdev);

	if (vf)
		dev_close(vf);
}

/*
 * Transmit through the VF while the data path is there (netvsc_vf_xmit); true if the
 * skb was handed to it.  Called from ndo_start_xmit, in an RCU-bh section.
 */
bool netvsc_vf_xmit(struct netvsc_dev *nv, struct sk_buff *skb)
{
	struct net_device *vf = rcu_dereference_bh(nv->vf_netdev);
	struct netvsc_vf_pcpu_stats *st;
	unsigned int len = skb->len;
	int rc;

	if (!vf || !READ_ONCE(nv->data_path_is_vf) || !netif_running(vf) ||
	    netpoll_tx_running(nv->ndev))
		return false;
	skb->dev = vf;
	/* The VF's qdisc and driver count what they drop; vf_tx_dropped, what it refused. */
	rc = dev_queue_xmit(skb);
	if (likely(rc == NET_XMIT_SUCCESS || rc == NET_XMIT_CN)) {
		st = this_cpu_ptr(nv->vf_stats);
		u64_stats_update_begin(&st->syncp);
		st->tx_packets++;
		st->tx_bytes += len;
		u64_stats_update_end(&st->syncp);
	} else {
		this_cpu_inc(nv->vf_stats->tx_dropped);
	}
	return true;
}

/* At probe, before the NIC can take a VF; 0 or -ENOMEM. */
int netvsc_vf_stats_alloc(struct netvsc_dev *nv)
{
	nv->vf_stats = netdev_alloc_pcpu_stats(struct netvsc_vf_pcpu_stats);
	return nv->vf_stats ? 0 : -ENOMEM;
}

void netvsc_vf_stats_free(struct netvsc_dev *nv)
{
	free_percpu(nv->vf_stats);
	nv->vf_stats = NULL;
}

/* The VF counters summed over the CPUs, each CPU's read consistently. */
void netvsc_vf_get_stats(struct netvsc_dev *nv, struct netvsc_vf_stats *tot)
{
	const struct netvsc_vf_pcpu_stats *st;
	u64 rxp, rxb, txp, txb;
	unsigned int start;
	int cpu;

	memset(tot, 0, sizeof(*tot));
	if (!nv->vf_stats)
		return;
	for_each_possible_cpu(cpu) {
		st = per_cpu_ptr(nv->vf_stats, cpu);
		do {
			start = u64_stats_fetch_begin(&st->syncp);
			rxp = st->rx_packets;
			rxb = st->rx_bytes;
			txp = st->tx_packets;
			txb = st->tx_bytes;
		} while (u64_stats_fetch_retry(&st->syncp, start));
		tot->rx_packets += rxp;
		tot->rx_bytes += rxb;
		tot->tx_packets += txp;
		tot->tx_bytes += txb;
		tot->tx_dropped += READ_ONCE(st->tx_dropped);
	}
}
