// SPDX-License-Identifier: GPL-2.0-only
/*
 * txwatch.c: hvis_netvsc's answer to a host that stops completing sends.
 *
 * Every send holds a send-buffer section (and a page-buffer send its skb) until the
 * host's VM_PKT_COMP frees it (tx.c).  A completion the host loses, or garbles so that
 * it names no send in flight, holds its section for good; once every section is held,
 * the queues stop and no completion will ever wake them: the NIC is dead, silently.
 *
 * So a queue that stops arms this watch.  When a queue has been stopped for
 * tx_stall_secs with no send completion at all since it stopped, the device is
 * detached and attached again (main.c netvsc_reattach, as for ethtool -L), with one
 * line in the log.  Only closing the channel makes the host let go of the send buffer,
 * so the held sections are free again without any being reused while the host may
 * still read it.  The frames whose completions were lost were sent; nothing queued is
 * dropped.  A stall lasts at least tx_stall_secs, so the line comes at most that often.
 *
 * Upstream hv_netvsc has no such watch (Hyper-V does not lose completions): this is the
 * hostile-host rule of docs/hostile.md, and tx_stall_secs=0 turns it off.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include "netvsc.h"

static unsigned int tx_stall_secs = 10;
module_param(tx_stall_secs, uint, 0644);
MODULE_PARM_DESC(tx_stall_secs,
		 "Seconds a stopped TX queue waits without a send completion before the device is reset (0: never)");

/* Jiffies the longest-stopped queue has gone without a completion; 0 if none stopped. */
static unsigned long txwatch_stalled(struct netvsc_dev *nv, unsigned long now)
{
	unsigned long last = READ_ONCE(nv->tx_last_comp), since, worst = 0;
	u32 q;

	for (q = 0; q < nv->num_chan && q < NETVSC_MAX_CHANNELS; q++) {
		struct netvsc_chan *c = &nv->chan[q];

		if (!test_bit(0, &c->tx_stopped))
			continue;
		/* The later of the stop and the last completion: either restarts the clock. */
		since = READ_ONCE(c->tx_stopped_at);
		if (time_after(last, since))
			since = last;
		worst = max(worst, max(now - since, 1UL));
	}
	return worst;
}

static void txwatch_work(struct work_struct *work)
{
	struct netvsc_dev *nv = container_of(to_delayed_work(work), struct netvsc_dev,
					     tx_watch);
	unsigned long limit = (unsigned long)READ_ONCE(tx_stall_secs) * HZ;
	struct net_device *ndev = nv->ndev;
	unsigned long stalled;
	u32 held;

	if (!limit)
		return;
	/*
	 * Attach state, num_chan and the send map change under the RTNL only.  Taken with
	 * a try, as the driver's other work items do: whoever holds it may be waiting for
	 * this work to end.
	 */
	if (!rtnl_trylock()) {
		schedule_delayed_work(&nv->tx_watch, HZ / 10);
		return;
	}
	if (!nv->attached || READ_ONCE(nv->destroying) || !netif_running(ndev) ||
	    ndev->reg_state != NETREG_REGISTERED)
		goto out;
	stalled = txwatch_stalled(nv, jiffies);
	if (!stalled)
		goto out;
	if (stalled < limit) {
		/* Completions came, or the stop is recent: look again when it could be due. */
		schedule_delayed_work(&nv->tx_watch, limit - stalled);
		goto out;
	}
	held = nv->send_map ? bitmap_weight(nv->send_map, nv->send_sections) : 0;
	netvsc_count(nv, NETVSC_C_TX_STALL_RESET);
	netdev_err(ndev, "TX stalled %lu s: no send completion from the host, %u of %u send sections held; resetting the device\n",
		   stalled / HZ, held, nv->send_sections);
	WRITE_ONCE(nv->tx_last_comp, jiffies);
	netvsc_reattach(nv, nv->want_chan);
out:
	rtnl_unlock();
}

void netvsc_txwatch_init(struct netvsc_dev *nv)
{
	INIT_DELAYED_WORK(&nv->tx_watch, txwatch_work);
	nv->tx_last_comp = jiffies;
}

/* tx.c, from xmit: queue @c just stopped (its tx_stopped bit newly set). */
void netvsc_txwatch_arm(struct netvsc_chan *c)
{
	unsigned int secs = READ_ONCE(tx_stall_secs);

	WRITE_ONCE(c->tx_stopped_at, jiffies);
	/* Does nothing while the watch is pending: it looks at every queue. */
	if (secs && !READ_ONCE(c->nv->destroying))
		schedule_delayed_work(&c->nv->tx_watch, (unsigned long)secs * HZ);
}

/* Remove, after unregister_netdev (no transmit can arm it again), without the RTNL. */
void netvsc_txwatch_stop(struct netvsc_dev *nv)
{
	cancel_delayed_work_sync(&nv->tx_watch);
}
