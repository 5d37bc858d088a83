// SPDX-License-Identifier: GPL-2.0-only
/*
 * announce.c: re-announcing the NIC to its network after the host moved the VM.
 *
 * After a live migration Hyper-V indicates NETWORK_CHANGE (or MEDIA_CONNECT while the
 * link is up).  The switch ports and the neighbours' caches still point at the old
 * host, so the guest announces itself: NETDEV_NOTIFY_PEERS makes IPv4 send a
 * gratuitous ARP for each address (net/ipv4/devinet.c) and IPv6 an unsolicited
 * neighbour advertisement for each address past DAD (net/ipv6/ndisc.c), and the
 * 802.1Q driver passes the event on to every VLAN on top (net/8021q/vlan.c
 * vlan_device_event), so each VLAN announces itself too.  NETDEV_RESEND_IGMP follows,
 * as netdev_notify_peers() does.
 *
 * Upstream's netvsc_link_change() answers NETWORK_CHANGE by dropping the carrier for
 * 2 s (LINKCHANGE_INT) so that DHCP clients renew; every frame sent in those 2 s is
 * lost, on top of the blackout.  hvis keeps the carrier and announces at once, so a
 * migration costs only its blackout; a host that means "another network" says
 * MEDIA_DISCONNECT / MEDIA_CONNECT, which still drop and raise the carrier.
 */
#include <linux/rtnetlink.h>
#include "netvsc.h"

void netvsc_link_work(struct work_struct *work)
{
	struct netvsc_dev *nv = container_of(to_delayed_work(work), struct netvsc_dev,
					     link_work);
	struct net_device *ndev = nv->ndev;

	if (READ_ONCE(nv->destroying))
		return;
	/* Someone else holds the RTNL (a device change, maybe our own remove): later. */
	if (!rtnl_trylock()) {
		schedule_delayed_work(&nv->link_work, NETVSC_ANNOUNCE_RETRY);
		return;
	}
	/* Only a running NIC with a carrier has anything to announce. */
	if (netif_running(ndev) && netif_carrier_ok(ndev))
		__netdev_notify_peers(ndev);
	rtnl_unlock();
}

/* From the receive path (softirq): the announcement runs from a work item. */
void netvsc_announce(struct netvsc_dev *nv, const char *why)
{
	if (READ_ONCE(nv->destroying))
		return;
	net_info_ratelimited("%s: %s: announcing to the peers\n", netdev_name(nv->ndev), why);
	mod_delayed_work(system_wq, &nv->link_work, 0);
}
