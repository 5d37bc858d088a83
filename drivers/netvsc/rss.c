// SPDX-License-Identifier: GPL-2.0-only
/*
 * rss.c: vRSS on the synthetic NIC: at each attach, the host's RSS capabilities
 * (OID_GEN_RECEIVE_SCALE_CAPABILITIES, checked as untrusted input), the subchannels
 * (NVSP5 SUBCHANNEL ALLOCATE, then the host's offers through the bus: each one taken
 * only if its index is one we asked for, else refused with a rate-limited line), one
 * queue per channel, and the RSS parameters (OID_GEN_RECEIVE_SCALE_PARAMETERS:
 * Toeplitz over IPv4/IPv6 addresses and TCP ports, the 40-byte key, the indirection
 * table of the host's size).  The ethtool side: -l/-L (channels; a change detaches and
 * attaches again), -x/-X (key and table, sent to the host at once).
 *
 * Facts from torvalds/linux drivers/net/hyperv/rndis_filter.c
 * (rndis_filter_device_add, rndis_set_subchannel, rndis_set_rss_param_msg,
 * netvsc_hash_key), netvsc.c / netvsc_drv.c (netvsc_sc_open, netvsc_set_channels,
 * netvsc_get_rxfh, netvsc_set_rxfh, the default channel count) and hyperv_net.h.
 */
#include <linux/cpumask.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <net/sock.h>
#include <linux/slab.h>
#include "netvsc.h"

/* How long attach waits for the subchannel offers the host granted. */
#define NETVSC_SC_TIMEOUT	(5 * HZ)

/* rndis_filter.c netvsc_hash_key: the default Toeplitz key (Microsoft's example key). */
static const u8 netvsc_default_key[NETVSC_HASH_KEYLEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

void netvsc_rss_init(struct netvsc_dev *nv)
{
	spin_lock_init(&nv->sc_lock);
	init_completion(&nv->sc_all);
	INIT_DELAYED_WORK(&nv->sc_gone_work, netvsc_sc_gone_work);
	memcpy(nv->rss_key, netvsc_default_key, sizeof(nv->rss_key));
	/* netvsc_drv.c: min(VRSS_CHANNEL_DEFAULT, online CPUs) channels by default. */
	nv->want_chan = min_t(u32, VRSS_CHANNEL_DEFAULT, num_online_cpus());
	nv->max_chan = 1;
	nv->itab_size = NETVSC_ITAB_DEFAULT;
}

/* Process context (the bus's offer work): a subchannel of our primary was offered. */
void netvsc_subchannel_offer(struct hvis_channel *sc)
{
	struct netvsc_dev *nv = hvis_get_drvdata(hvis_channel_device(sc));
	u16 idx = hvis_channel_subchannel_index(sc);
	bool taken = false;

	if (!nv)
		return;
	spin_lock_bh(&nv->sc_lock);
	if (nv->sc_accept && idx >= 1 && idx <= nv->sc_asked && !nv->sc_new[idx]) {
		nv->sc_new[idx] = sc;
		if (++nv->sc_got == nv->sc_asked)
			complete(&nv->sc_all);
		taken = true;
	}
	spin_unlock_bh(&nv->sc_lock);
	if (!taken) {
		netvsc_count(nv, NETVSC_C_SC_REFUSED);
		dev_err_ratelimited(&nv->hdev->dev,
				    "subchannel offer refused: sub_channel_index %u (relid %u) not asked for\n",
				    idx, hvis_channel_relid(sc));
	}
}

/* The queue of each table entry: spread evenly unless ethtool -X set one that fits. */
static void netvsc_rss_table(struct netvsc_dev *nv)
{
	u32 i;
	bool ok = nv->rx_table_user;

	for (i = 0; ok && i < nv->itab_size; i++)
		ok = nv->rx_table[i] < nv->num_chan;
	if (ok)
		return;
	nv->rx_table_user = false;
	for (i = 0; i < nv->itab_size; i++)
		nv->rx_table[i] = ethtool_rxfh_indir_default(i, nv->num_chan);
}

/* OID_GEN_RECEIVE_SCALE_PARAMETERS with @table and @key (rndis_set_rss_param_msg). */
static int netvsc_rss_send(struct netvsc_dev *nv, const u16 *table, const u8 *key)
{
	struct netvsc_rss_conf *c;
	u32 cap, len;
	u8 *buf;
	int rc;

	cap = sizeof(struct ndis_recv_scale_param) + 4 * NETVSC_ITAB_MAX + NETVSC_HASH_KEYLEN;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	buf = kmalloc(cap, GFP_KERNEL);
	if (!c || !buf) {
		rc = -ENOMEM;
		goto out;
	}
	c->hashinfo = NDIS_HASH_FUNC_TOEPLITZ | NETVSC_RSS_HASH_TYPES;
	c->n_itab = nv->itab_size;
	memcpy(c->itab, table, nv->itab_size * sizeof(*table));
	memcpy(c->key, key, NETVSC_HASH_KEYLEN);
	len = ndis_rss_params_build(buf, cap, c);
	rc = len ? netvsc_rndis_set(nv, OID_GEN_RECEIVE_SCALE_PARAMETERS, buf, len) : -EINVAL;
out:
	kfree(buf);
	kfree(c);
	return rc;
}

/* Waits for the offers of @granted subchannels and opens them, in index order. */
static void netvsc_open_subchannels(struct netvsc_dev *nv, u32 granted)
{
	u32 i;

	spin_lock_bh(&nv->sc_lock);
	nv->sc_asked = granted;
	if (nv->sc_got >= granted)
		complete(&nv->sc_all);
	spin_unlock_bh(&nv->sc_lock);
	if (granted && !wait_for_completion_timeout(&nv->sc_all, NETVSC_SC_TIMEOUT))
		netdev_warn(nv->ndev, "host granted %u subchannels but offered %u\n", granted,
			    READ_ONCE(nv->sc_got));
	spin_lock_bh(&nv->sc_lock);
	nv->sc_accept = false;
	spin_unlock_bh(&nv->sc_lock);

	/* Queue N is subchannel N (netvsc.c netvsc_sc_open); stop at the first gap. */
	for (i = 1; i <= granted && nv->sc_new[i]; i++) {
		struct netvsc_chan *c = &nv->chan[i];

		if (netvsc_chan_open(c, nv->sc_new[i]) || netvsc_rx_alloc(c))
			break;
		WRITE_ONCE(nv->num_chan, i + 1);
	}
}

/*
 * The send table before the host sends one: with @chan, the channels a host table may
 * name from now on; with @spread, entry i is queue i % open channels (rndis_filter.c
 * rndis_filter_device_add) unless the host's table already came on this attach, else
 * every entry is queue 0 (netvsc.c netvsc_device_add).
 */
static void netvsc_tx_table_reset(struct netvsc_dev *nv, u32 chan, bool spread)
{
	u32 i, n = max_t(u32, READ_ONCE(nv->num_chan), 1);

	spin_lock_bh(&nv->sc_lock);
	if (chan) {
		nv->tx_table_chan = chan;
		if (chan == 1)
			nv->tx_table_host = false;
	}
	if (!nv->tx_table_host)
		for (i = 0; i < VRSS_SEND_TAB_SIZE; i++)
			WRITE_ONCE(nv->tx_table[i], spread ? i % n : 0);
	spin_unlock_bh(&nv->sc_lock);
}

/*
 * The host's SEND_INDIRECTION_TABLE (softirq, the primary's poll): checked as a whole
 * against the channels granted on this attach; a bad one is logged and the old table
 * kept (netvsc.c netvsc_send_table).
 */
void netvsc_send_table(struct netvsc_dev *nv, const void *msg, u32 len)
{
	u32 tab[VRSS_SEND_TAB_SIZE], i;
	const char *why = NULL;

	spin_lock_bh(&nv->sc_lock);
	if (nvsp_send_table_parse(msg, len, nv->nvsp_ver, nv->tx_table_chan, tab, &why)) {
		spin_unlock_bh(&nv->sc_lock);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		net_err_ratelimited("%s: send indirection table refused: %s (%u bytes, %u channels); the old one stays\n",
				    netdev_name(nv->ndev), why, len, nv->tx_table_chan);
		return;
	}
	for (i = 0; i < VRSS_SEND_TAB_SIZE; i++)
		WRITE_ONCE(nv->tx_table[i], tab[i]);
	nv->tx_table_host = true;
	spin_unlock_bh(&nv->sc_lock);
	netvsc_count(nv, NETVSC_C_SEND_TABLES);
	netdev_dbg(nv->ndev, "send indirection table from the host\n");
}

/*
 * ndo_select_queue (netvsc_drv.c netvsc_pick_tx): the queue the socket recorded, unless
 * it may change now (ooo_okay) or is gone; a forwarded frame keeps the queue it came in
 * on; else the host's table entry of the skb's hash, which the socket then records.  A
 * queue past the open ones, or whose channel the host took away, wraps to one that
 * is open (queue 0 always is while attached).
 */
u16 netvsc_select_queue(struct net_device *ndev, struct sk_buff *skb,
			struct net_device *sb_dev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	u32 n = ndev->real_num_tx_queues, i;
	struct sock *sk = skb->sk;
	int q = sk_tx_queue_get(sk);

	if (!n)
		return 0;
	if (q < 0 || skb->ooo_okay || q >= n || READ_ONCE(nv->chan[q].gone)) {
		int old = q;

		if (skb_rx_queue_recorded(skb))
			q = skb_get_rx_queue(skb);
		else
			q = READ_ONCE(nv->tx_table[skb_get_hash(skb) & (VRSS_SEND_TAB_SIZE - 1)]);
		q %= n;
		for (i = 0; i < n && READ_ONCE(nv->chan[q].gone); i++)
			q = (q + 1) % n;
		if (q != old && !skb_rx_queue_recorded(skb) && sk && sk_fullsock(sk) &&
		    rcu_access_pointer(sk->sk_dst_cache))
			sk_tx_queue_set(sk, q);
	}
	return q;
}

/*
 * The RSS part of attach (rndis_filter_device_add from the capabilities query on).
 * Anything the host refuses or gets wrong leaves the device with fewer channels (the
 * primary at least), not failed.
 */
int netvsc_rss_attach(struct netvsc_dev *nv)
{
	struct ndis_recv_scale_cap cap = {
		.hdr = { NDIS_OBJECT_TYPE_RSS_CAPABILITIES,
			 NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2, sizeof(cap) },
	};
	u32 len = sizeof(cap), queues, itab, want, granted = 0;
	const char *why = NULL;
	int rc;

	nv->rss_capable = false;
	nv->rss_on = false;
	nv->max_chan = 1;
	netvsc_tx_table_reset(nv, 1, false);
	if (nv->nvsp_ver < NVSP_VERSION_5)
		return 0;
	rc = netvsc_rndis_query(nv, OID_GEN_RECEIVE_SCALE_CAPABILITIES, &cap, sizeof(cap), &cap,
				&len);
	if (rc) {
		netdev_dbg(nv->ndev, "no RSS capabilities (%d): one channel\n", rc);
		return 0;
	}
	if (ndis_rss_cap_parse(&cap, len, &queues, &itab, &why)) {
		if (net_ratelimit())
			netdev_err(nv->ndev, "RSS capabilities refused: %s (%u bytes); one channel\n",
				   why, len);
		return 0;
	}
	nv->rss_capable = true;
	nv->itab_size = itab;
	nv->max_chan = min3(queues, num_online_cpus(), NETVSC_MAX_CHANNELS);
	want = clamp(nv->want_chan, 1u, nv->max_chan);

	if (want > 1) {
		spin_lock_bh(&nv->sc_lock);
		memset(nv->sc_new, 0, sizeof(nv->sc_new));
		nv->sc_asked = want - 1;
		nv->sc_got = 0;
		nv->sc_accept = true;
		reinit_completion(&nv->sc_all);
		spin_unlock_bh(&nv->sc_lock);
		if (netvsc_nvsp_subchannels(nv, want - 1, &granted))
			granted = 0;
		netvsc_tx_table_reset(nv, granted + 1, false);
		netvsc_open_subchannels(nv, granted);
	}
	/* netvsc.c / rndis_filter.c: entry i is queue i % channels until the host says. */
	netvsc_tx_table_reset(nv, 0, true);
	if (nv->num_chan < 2)
		return 0;
	netvsc_rss_table(nv);
	rc = netvsc_rss_send(nv, nv->rx_table, nv->rss_key);
	if (rc)
		netdev_warn(nv->ndev, "RSS parameters not set (%d): the host receives on queue 0\n",
			    rc);
	nv->rss_on = !rc;
	netdev_dbg(nv->ndev, "%u channels (asked %u, host max %u), RSS %s\n", nv->num_chan, want,
		   queues, nv->rss_on ? "on" : "off");
	return 0;
}

/* ---- a subchannel the host rescinds while open ---- */

/* The bus's rescind callback (channel lock held): note it, close from a work item. */
void netvsc_sc_rescinded(void *context)
{
	struct netvsc_chan *c = context;

	WRITE_ONCE(c->gone, true);
	if (!READ_ONCE(c->nv->destroying))
		schedule_delayed_work(&c->nv->sc_gone_work, 0);
}

/* The queue that takes over table entries of a gone queue: the next one still open. */
static u32 netvsc_next_open(struct netvsc_dev *nv, u32 q)
{
	u32 i;

	for (i = 0; i < nv->num_chan; i++) {
		q = (q + 1) % nv->num_chan;
		if (nv->chan[q].ch && !READ_ONCE(nv->chan[q].gone))
			return q;
	}
	return 0;
}

/*
 * Frees the send sections that went out on queue @q: its channel is closed, so their
 * completions never come.  Every transmit is held off meanwhile, so no section is
 * being taken (tx.c notes a section's queue while its queue's lock is held).
 */
static void netvsc_reclaim_sections(struct netvsc_dev *nv, u32 q)
{
	u32 sec, n = 0;

	netif_tx_lock_bh(nv->ndev);
	for (sec = 0; nv->send_map && sec < nv->send_sections; sec++) {
		if (!test_bit(sec, nv->send_map) || nv->sec_queue[sec] != q)
			continue;
		netvsc_txpage_done(nv, sec);
		clear_bit_unlock(sec, nv->send_map);
		n++;
	}
	netif_tx_unlock_bh(nv->ndev);
	if (n)
		netdev_dbg(nv->ndev, "%u send sections of queue %u reclaimed\n", n, q);
}

/*
 * Closes each subchannel the host rescinded (RTNL held): its transmits stop (select_queue
 * avoids it, xmit drops what was queued to it), the channel closes, which releases its
 * relid, its sections in flight come back, and the receive table entries that named it
 * go to the other queues and are sent to the host.  The queue stays, idle, until the
 * next attach (ethtool -L, MTU change, reload).
 */
static void netvsc_close_gone(struct netvsc_dev *nv)
{
	struct net_device *ndev = nv->ndev;
	bool moved = false;
	u32 q, i, n;
	int rc;

	for (q = 1; q < nv->num_chan; q++) {
		struct netvsc_chan *c = &nv->chan[q];
		struct netdev_queue *txq = netdev_get_tx_queue(ndev, q);
		u32 relid;

		if (!READ_ONCE(c->gone) || !c->ch)
			continue;
		relid = hvis_channel_relid(c->ch);
		/* A transmit that started before it was gone has finished once we hold this. */
		__netif_tx_lock_bh(txq);
		__netif_tx_unlock_bh(txq);
		hvis_channel_close(c->ch);
		netvsc_chan_down(c);
		netvsc_reclaim_sections(nv, q);
		for (i = 0, n = 0; i < nv->itab_size; i++) {
			if (nv->rx_table[i] != q)
				continue;
			nv->rx_table[i] = netvsc_next_open(nv, q + n++);
			moved = true;
		}
		netdev_info(ndev, "host rescinded channel %u (relid %u): closed, its traffic moves to the other queues\n",
			    q, relid);
	}
	netvsc_tx_wake_stopped(nv);
	if (!moved || !nv->rss_on)
		return;
	mutex_lock(&nv->ctl_lock);
	rc = netvsc_rss_send(nv, nv->rx_table, nv->rss_key);
	mutex_unlock(&nv->ctl_lock);
	if (rc)
		netdev_warn(ndev, "new receive table not set (%d): the host sends that queue's flows to queue 0\n",
			    rc);
}

void netvsc_sc_gone_work(struct work_struct *work)
{
	struct netvsc_dev *nv = container_of(to_delayed_work(work), struct netvsc_dev,
					     sc_gone_work);

	/* detach waits for this work under the RTNL: never block on it here. */
	if (!rtnl_trylock()) {
		if (!READ_ONCE(nv->destroying))
			schedule_delayed_work(&nv->sc_gone_work, NETVSC_ANNOUNCE_RETRY);
		return;
	}
	if (nv->attached && !READ_ONCE(nv->destroying) &&
	    nv->ndev->reg_state == NETREG_REGISTERED)
		netvsc_close_gone(nv);
	rtnl_unlock();
}

/* ---- ethtool ---- */

int netvsc_get_rxnfc(struct net_device *ndev, struct ethtool_rxnfc *info, u32 *rules)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	if (info->cmd != ETHTOOL_GRXRINGS)
		return -EOPNOTSUPP;
	info->data = nv->num_chan;
	return 0;
}

void netvsc_get_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	ch->max_combined = nv->max_chan;
	ch->combined_count = nv->num_chan;
}

/* ethtool -L combined N: detach and attach again with N channels (netvsc_set_channels). */
int netvsc_set_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	u32 n = ch->combined_count;

	if (ch->rx_count || ch->tx_count || ch->other_count || !n)
		return -EINVAL;
	if (!nv->attached)
		return -ENODEV;
	if (n > nv->max_chan)
		return -EINVAL;
	if (n == nv->num_chan)
		return 0;
	return netvsc_reattach(nv, n);
}

u32 netvsc_get_rxfh_key_size(struct net_device *ndev)
{
	return NETVSC_HASH_KEYLEN;
}

u32 netvsc_get_rxfh_indir_size(struct net_device *ndev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);

	return nv->rss_capable ? nv->itab_size : 0;
}

static void rxfh_get(struct netvsc_dev *nv, u32 *indir, u8 *key)
{
	u32 i;

	if (indir)
		for (i = 0; i < nv->itab_size; i++)
			indir[i] = nv->rx_table[i];
	if (key)
		memcpy(key, nv->rss_key, NETVSC_HASH_KEYLEN);
}

/* A new table and/or key, sent to the host before it is kept (RTNL held). */
static int rxfh_set(struct netvsc_dev *nv, const u32 *indir, const u8 *key, u8 hfunc)
{
	u16 table[NETVSC_ITAB_MAX];
	u8 k[NETVSC_HASH_KEYLEN];
	u32 i;
	int rc;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP)
		return -EOPNOTSUPP;
	if (!nv->attached || !nv->rss_capable)
		return -EOPNOTSUPP;
	memcpy(table, nv->rx_table, sizeof(table));
	memcpy(k, nv->rss_key, sizeof(k));
	if (indir) {
		for (i = 0; i < nv->itab_size; i++) {
			if (indir[i] >= nv->num_chan)
				return -EINVAL;
			table[i] = indir[i];
		}
	}
	if (key)
		memcpy(k, key, sizeof(k));
	if (!indir && !key)
		return 0;
	mutex_lock(&nv->ctl_lock);
	rc = netvsc_rss_send(nv, table, k);
	mutex_unlock(&nv->ctl_lock);
	if (rc)
		return rc;
	memcpy(nv->rx_table, table, sizeof(table));
	memcpy(nv->rss_key, k, sizeof(k));
	if (indir)
		nv->rx_table_user = true;
	nv->rss_on = true;
	return 0;
}

#ifdef HVIS_COMPAT_RXFH_PARAM
int netvsc_get_rxfh(struct net_device *ndev, struct ethtool_rxfh_param *p)
{
	p->hfunc = ETH_RSS_HASH_TOP;
	rxfh_get(netdev_priv(ndev), p->indir, p->key);
	return 0;
}

int netvsc_set_rxfh(struct net_device *ndev, struct ethtool_rxfh_param *p,
		    struct netlink_ext_ack *extack)
{
	return rxfh_set(netdev_priv(ndev), p->indir, p->key, p->hfunc);
}
#else
int netvsc_get_rxfh(struct net_device *ndev, u32 *indir, u8 *key, u8 *hfunc)
{
	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	rxfh_get(netdev_priv(ndev), indir, key);
	return 0;
}

int netvsc_set_rxfh(struct net_device *ndev, const u32 *indir, const u8 *key, const u8 hfunc)
{
	return rxfh_set(netdev_priv(ndev), indir, key, hfunc);
}
#endif
