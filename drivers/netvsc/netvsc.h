/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc.h: the state shared by hvis_netvsc's parts: the device structure (NVSP
 * buffers, RNDIS requests, net_device side), the per-channel structure (one per
 * VMBus channel: its NAPI context, receive copy and completion ring, TX queue state
 * and counters), the transaction-id scheme, counters, and the functions each file
 * offers the others.
 */
#ifndef _HVIS_NETVSC_H
#define _HVIS_NETVSC_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/ethtool.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <hvis/vmbus.h>
#include <hvis/netvsc_proto.h>
#include "netvsc_msg.h"

#define NETVSC_DRV_NAME		"hvis_netvsc"

/*
 * Transaction ids of the packets we send with COMPLETION_REQUESTED; the host echoes
 * them in its VM_PKT_COMP.  Data packets carry NETVSC_TID_TX_BASE + send section.
 */
#define NETVSC_TID_NONE		0ull
#define NETVSC_TID_NVSP		1ull	/* INIT, SEND_RECV_BUF, SEND_SEND_BUF */
#define NETVSC_TID_CTRL		2ull	/* RNDIS control messages (GPA direct) */
#define NETVSC_TID_DATAPATH	3ull	/* vf.c: SWITCH_DATA_PATH */
#define NETVSC_TID_TX_BASE	BIT_ULL(32)

/*
 * Channels (the primary and its subchannels) one device may use: each is one RX and
 * one TX queue.  Upstream's VRSS_CHANNEL_MAX is 64 (hyperv_net.h); hvis keeps 16.
 */
#define NETVSC_MAX_CHANNELS	16u

/* A control request's timeout: requests end rather than hang on a silent host. */
#define NETVSC_REQ_TIMEOUT	(5 * HZ)

/* announce.c: a busy RTNL is retried this much later (netvsc_drv.c: LINKCHANGE_INT). */
#define NETVSC_ANNOUNCE_RETRY	(HZ / 10)

/*
 * Bytes of one RNDIS control message we send (the largest: the RSS parameters with a
 * 256-entry table, 8 + 20 + 40 + 1024 + 40 = 1132 bytes; a power of two, so the
 * kmalloc'd message never crosses a page), and of a response we keep.
 */
#define NETVSC_CTRL_MSG_BYTES	2048u
#define NETVSC_CTRL_RESP_BYTES	256u

/* Counters shown by ethtool -S, in this order (netdev.c names them). */
enum netvsc_counter {
	NETVSC_C_TX_NO_SPACE,
	NETVSC_C_TX_TOO_BIG,
	NETVSC_C_TX_BUSY,
	NETVSC_C_TX_ERROR,
	NETVSC_C_TX_COMP_BAD,
	NETVSC_C_RX_BAD,
	NETVSC_C_RX_NO_MEMORY,
	NETVSC_C_RX_COMP_BUSY,
	NETVSC_C_STOP_QUEUE,
	NETVSC_C_WAKE_QUEUE,
	NETVSC_C_LINK_CHANGE,
	NETVSC_C_SC_REFUSED,
	/* offloads (offload.c, txpage.c, rsc.c) */
	NETVSC_C_TX_PAGEBUF,		/* sends with the frame in page ranges */
	NETVSC_C_TX_LSO,		/* sends with an LSOv2 PPI */
	NETVSC_C_TX_CSUM,		/* sends with a checksum PPI */
	NETVSC_C_RX_CSUM_OK,		/* frames the host said it verified */
	NETVSC_C_RX_VLAN,		/* frames with an 802.1Q PPI */
	NETVSC_C_RX_PPI_BAD,		/* frames dropped for their PPIs */
	NETVSC_C_RX_RSC,		/* RSC chains delivered as one frame */
	NETVSC_C_RX_RSC_BAD,		/* RSC fragments dropped for an inconsistent chain */
	NETVSC_C_SEND_TABLES,		/* send indirection tables taken from the host (rss.c) */
	NETVSC_C_RX_LENT,		/* frames whose pages were lent to the stack (rxlend.c) */
	NETVSC_C_RX_LEND_FULL,		/* frames copied: half the buffer was lent already */
	NETVSC_C_TX_STALL_RESET,	/* resets for sends the host never completed (txwatch.c) */
	NETVSC_C_COUNT,
};

/* Transmit checksum kinds the host takes (netvsc_dev.tx_csum_mask, offload.c). */
#define NETVSC_CSUM_TCP4	BIT(0)
#define NETVSC_CSUM_UDP4	BIT(1)
#define NETVSC_CSUM_TCP6	BIT(2)
#define NETVSC_CSUM_UDP6	BIT(3)

/*
 * The largest frame an RSC chain may assemble to (rsc.c): a 64 KiB IP packet, its
 * Ethernet header and a VLAN tag.
 */
#define NETVSC_RSC_MAX_BYTES	(65535u + 18u)

/* Room for one page-buffer send's ranges (txpage.c): a range per piece + its PFNs. */
#define NETVSC_TX_RANGE_BYTES	2048u

/* One RNDIS control request waiting for its completion message. */
struct netvsc_req {
	struct list_head node;		/* on netvsc_dev.reqs while waiting */
	struct completion done;
	u32 req_id;
	u32 resp_len;			/* bytes in resp; set before done completes */
	bool overflow;			/* the response did not fit in resp */
	u8 *msg;			/* NETVSC_CTRL_MSG_BYTES, never crosses a page */
	u8 resp[NETVSC_CTRL_RESP_BYTES];
};

/* One piece of a received frame, in the receive buffer (rxskb.c). */
struct netvsc_rx_piece {
	const u8 *data;
	u32 len;
};

/*
 * The piece that byte @at of a frame lies in (its index), and in *skip where in that
 * piece: for walks over the pieces from a position (rxskb.c, rxlend.c).
 */
static inline u32 netvsc_rx_piece_at(const struct netvsc_rx_piece *pc, u32 at, u32 *skip)
{
	u32 i = 0;

	while (at >= pc[i].len) {
		at -= pc[i].len;
		i++;
	}
	*skip = at;
	return i;
}

/* A receive completion the outbound ring had no room for yet. */
struct netvsc_rx_comp {
	u64 trans_id;
	u32 status;
};

/*
 * One VMBus channel of the device and the queues on it: chan[0] is the primary (it
 * also carries NVSP and RNDIS control), chan[1..] the subchannels.  Its NAPI runs
 * where the channel's interrupt lands, the channel's target CPU.
 */
struct netvsc_chan {
	struct netvsc_dev *nv;
	struct hvis_channel *ch;	/* NULL: not open */
	u16 index;			/* = its RX and TX queue index */
	bool napi_on;			/* napi added and enabled */
	bool gone;			/* the host rescinded it while open (rss.c) */
	struct napi_struct napi;
	unsigned long tx_stopped;	/* bit 0: the driver stopped this TX queue (tx.c) */
	unsigned long tx_stopped_at;	/* jiffies when bit 0 was last set (txwatch.c) */

	/* receive path (rx.c) */
	u8 *raw;			/* one whole VMBus packet */
	u32 raw_size;
	u8 *rx_copy;			/* one receive section, copied out of shared memory */
	struct netvsc_rx_comp *comps;	/* ring of pending receive completions */
	u32 comp_cap, comp_head, comp_count;
	struct delayed_work comp_retry;
	struct rsc_chain rsc;		/* the RSC chain being assembled (rsc.c) */
	struct rndis_pkt_ppis rsc_ppis;	/* its first fragment's PPIs */
	struct netvsc_rx_piece *rsc_pieces;	/* NVSP_RSC_MAX, while attached */
	struct page_pool *rx_pool;	/* pages for the frames too big for a linear skb */
	/* rxlend.c: the transfer-page packet being received and its lent frames */
	const struct vmtransfer_page_packet_header *xfer;
	u32 xfer_ranges;
	struct netvsc_lent *lend;	/* its record, once a frame of it was lent */
	struct list_head lent;		/* packets whose completion waits for the stack */

	/* transmit (txpage.c): ranges of one page-buffer send, under the TX queue lock */
	u8 *tx_ranges;

	/* statistics of this queue pair; kept when the channel closes (totals stay) */
	struct u64_stats_sync rx_syncp;
	u64 rx_packets, rx_bytes, rx_dropped;
	struct u64_stats_sync tx_syncp;
	u64 tx_packets, tx_bytes, tx_dropped;
};

/*
 * What went through the VF, per CPU (netvsc_drv.c struct netvsc_vf_pcpu_stats): frames its
 * rx_handler took, frames handed to it for transmit, and those it refused.
 */
struct netvsc_vf_pcpu_stats {
	u64 rx_packets, rx_bytes;
	u64 tx_packets, tx_bytes;
	struct u64_stats_sync syncp;
	u32 tx_dropped;
};

/* The sums over the CPUs, for ethtool -S and the netdev totals. */
struct netvsc_vf_stats {
	u64 rx_packets, rx_bytes;
	u64 tx_packets, tx_bytes;
	u64 tx_dropped;
};

/* ethtool -S: vf_rx_packets .. vf_tx_dropped, after the device counters (netdev.c) */
#define NETVSC_VF_STATS		5u

struct netvsc_dev {
	struct hvis_device *hdev;
	struct hvis_channel *ch;	/* the primary channel (chan[0].ch once open) */
	struct net_device *ndev;
	bool destroying;		/* detached or going: no new work items */

	/* channels: chan[0 .. num_chan - 1] are open while attached */
	struct netvsc_chan chan[NETVSC_MAX_CHANNELS];
	u32 num_chan;
	bool attached;			/* netvsc_attach() succeeded, no detach since */
	bool primary_open;		/* the primary channel is open */
	u32 ring_bytes, recv_bytes, send_bytes;	/* module parameters, checked at probe */

	/* NVSP (nvsp.c) */
	u32 nvsp_ver;
	spinlock_t nvsp_lock;		/* nvsp_waiting, nvsp_resp */
	bool nvsp_waiting;
	u32 nvsp_want;			/* the completion type being waited for */
	struct completion nvsp_done;
	struct nvsp_msg nvsp_resp;
	u32 nvsp_resp_len;

	void *recv_buf;
	u32 recv_buf_size;
	u32 recv_gpadl;
	bool recv_gpadl_ok;
	bool recv_buf_sent;		/* the host accepted it: revoke on teardown */
	u32 recv_section_size;
	u32 recv_sections;
	struct page **recv_pages;	/* the receive buffer's pages (rxlend.c) */
	atomic_t lent_sections;		/* ranges of it lent to the stack, all channels */

	void *send_buf;
	u32 send_buf_size;
	u32 send_gpadl;
	bool send_gpadl_ok;
	bool send_buf_sent;
	u32 send_section_size;
	u32 send_sections;
	unsigned long *send_map;	/* bit set: section in flight */
	struct sk_buff **sec_skb;	/* a page-buffer send's skb, by its header's section */
	u32 tx_csum_mask;		/* NETVSC_CSUM_* (offload.c) */
	unsigned long tx_last_comp;	/* jiffies of the last send completion (txwatch.c) */
	struct delayed_work tx_watch;	/* txwatch.c: a stopped queue no completion wakes */

	/* RNDIS (rndis.c) */
	spinlock_t req_lock;		/* reqs */
	struct list_head reqs;
	atomic_t next_req_id;
	struct mutex ctl_lock;		/* one filter update at a time */
	u8 *ka_msg;			/* KEEPALIVE_C and HALT, NETVSC_CTRL_MSG_BYTES */
	u32 max_pkt_per_msg;
	bool rndis_inited;		/* INIT succeeded: HALT on teardown */
	bool link_up;
	struct ndis_offload hwcaps;	/* the host's offload capabilities */
	u32 link_speed_mbps;		/* SPEED_UNKNOWN if never told */
	u32 filter;			/* the packet filter last set */
	u8 perm_mac[ETH_ALEN];		/* from the last RNDIS init */
	u32 max_frame;			/* MAXIMUM_FRAME_SIZE, 0 if not told */
	struct delayed_work link_work;	/* announce.c: re-announce to the peers */
	struct work_struct rx_mode_work;

	/* vRSS (rss.c) */
	u32 want_chan;			/* channels to ask for at attach (ethtool -L) */
	u32 max_chan;			/* what the host and the CPUs allow, from the last attach */
	u32 itab_size;			/* the host's indirection table size */
	u16 rx_table[NETVSC_ITAB_MAX];	/* queue of each table entry */
	bool rx_table_user;		/* set by ethtool -X: kept while valid */
	u8 rss_key[NETVSC_HASH_KEYLEN];
	bool rss_capable;		/* the host answered the RSS capabilities query */
	bool rss_on;			/* the host took the parameters on this attach */
	spinlock_t sc_lock;		/* sc_* */
	bool sc_accept;			/* subchannel offers are wanted now */
	u32 sc_asked, sc_got;
	struct hvis_channel *sc_new[NETVSC_MAX_CHANNELS];
	struct completion sc_all;
	struct delayed_work sc_gone_work;	/* closes subchannels the host rescinded */
	u8 *sec_queue;			/* the queue each send section went out on */
	/* the host's send indirection table (SEND_INDIRECTION_TABLE), under sc_lock */
	u32 tx_table[VRSS_SEND_TAB_SIZE];	/* TX queue of each skb hash bucket */
	u32 tx_table_chan;		/* channels a host table may name on this attach */
	bool tx_table_host;		/* the host sent one on this attach */

	atomic64_t counters[NETVSC_C_COUNT];

	/* vf.c: the SR-IOV VF teamed with this NIC; under the RTNL unless noted */
	struct list_head vf_node;	/* on vf.c's list once attached */
	struct net_device __rcu *vf_netdev;
	bool vf_alloc;			/* the host associated a VF (set from the rx path) */
	u32 vf_serial;
	bool vf_setup;			/* MTU and addresses given to the VF */
	bool data_path_is_vf;		/* transmit goes through the VF (read locklessly) */
	struct completion dp_done;	/* the host completed SWITCH_DATA_PATH */
	struct delayed_work vf_work;	/* takeover, and the switch back on a revoke */
	struct netvsc_vf_pcpu_stats __percpu *vf_stats;	/* traffic through the VF */
};

static inline void netvsc_count(struct netvsc_dev *nv, enum netvsc_counter c)
{
	atomic64_inc(&nv->counters[c]);
}

/* main.c: bring the device's channels, NVSP and RNDIS up and down (net_device stays) */
int netvsc_attach(struct netvsc_dev *nv);
void netvsc_detach(struct netvsc_dev *nv);
int netvsc_reattach(struct netvsc_dev *nv, u32 want_chan);
int netvsc_chan_open(struct netvsc_chan *c, struct hvis_channel *ch);
void netvsc_chan_down(struct netvsc_chan *c);

/* txwatch.c: reset the device when stopped sends are never completed */
void netvsc_txwatch_init(struct netvsc_dev *nv);
void netvsc_txwatch_arm(struct netvsc_chan *c);
void netvsc_txwatch_stop(struct netvsc_dev *nv);

/* rss.c */
void netvsc_rss_init(struct netvsc_dev *nv);
void netvsc_subchannel_offer(struct hvis_channel *sc);
int netvsc_rss_attach(struct netvsc_dev *nv);
void netvsc_send_table(struct netvsc_dev *nv, const void *msg, u32 len);
void netvsc_sc_rescinded(void *context);
void netvsc_sc_gone_work(struct work_struct *work);
u16 netvsc_select_queue(struct net_device *ndev, struct sk_buff *skb,
			struct net_device *sb_dev);
int netvsc_get_rxnfc(struct net_device *ndev, struct ethtool_rxnfc *info, u32 *rules);
void netvsc_get_channels(struct net_device *ndev, struct ethtool_channels *ch);
int netvsc_set_channels(struct net_device *ndev, struct ethtool_channels *ch);
u32 netvsc_get_rxfh_key_size(struct net_device *ndev);
u32 netvsc_get_rxfh_indir_size(struct net_device *ndev);
/* The rxfh ops take a struct ethtool_rxfh_param from 6.8 on (compat/compat.h). */
#ifdef HVIS_COMPAT_RXFH_PARAM
int netvsc_get_rxfh(struct net_device *ndev, struct ethtool_rxfh_param *p);
int netvsc_set_rxfh(struct net_device *ndev, struct ethtool_rxfh_param *p,
		    struct netlink_ext_ack *extack);
#else
int netvsc_get_rxfh(struct net_device *ndev, u32 *indir, u8 *key, u8 *hfunc);
int netvsc_set_rxfh(struct net_device *ndev, const u32 *indir, const u8 *key, const u8 hfunc);
#endif

/* nvsp.c */
int netvsc_nvsp_connect(struct netvsc_dev *nv, u32 mtu, u32 recv_bytes, u32 send_bytes);
void netvsc_nvsp_revoke(struct netvsc_dev *nv);
void netvsc_nvsp_free_buffers(struct netvsc_dev *nv);
void netvsc_nvsp_complete(struct netvsc_dev *nv, const void *msg, u32 len);
int netvsc_nvsp_subchannels(struct netvsc_dev *nv, u32 want, u32 *granted);

/* rndis.c */
int netvsc_rndis_init(struct netvsc_dev *nv, u8 *mac, u32 *max_frame);
int netvsc_rndis_set_filter(struct netvsc_dev *nv, u32 filter);
int netvsc_rndis_query(struct netvsc_dev *nv, u32 oid, const void *in, u32 in_len, void *out,
		       u32 *out_len);
int netvsc_rndis_set(struct netvsc_dev *nv, u32 oid, const void *val, u32 len);
int netvsc_rndis_set_mac(struct netvsc_dev *nv, const u8 *mac);
void netvsc_rndis_halt(struct netvsc_dev *nv);
void netvsc_rndis_receive_ctrl(struct netvsc_dev *nv, const u8 *msg, u32 type, u32 msg_len);
void netvsc_rndis_fail_all(struct netvsc_dev *nv);

/* announce.c */
void netvsc_link_work(struct work_struct *work);
void netvsc_announce(struct netvsc_dev *nv, const char *why);

/* rx.c */
void netvsc_channel_callback(void *context);
int netvsc_poll(struct napi_struct *napi, int budget);
void netvsc_comp_retry_work(struct work_struct *work);
int netvsc_raw_alloc(struct netvsc_chan *c);
int netvsc_rx_alloc(struct netvsc_chan *c);
void netvsc_rx_free(struct netvsc_chan *c);
void netvsc_rx_drop(struct netvsc_chan *c);

/* tx.c */
netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev);
void netvsc_send_completion(struct netvsc_chan *c, u64 trans_id, const void *msg, u32 len);
void netvsc_tx_maybe_wake(struct netvsc_chan *c);
void netvsc_tx_wake_stopped(struct netvsc_dev *nv);

/* offload.c */
int netvsc_offload_attach(struct netvsc_dev *nv);
int netvsc_set_features(struct net_device *ndev, netdev_features_t features);
netdev_features_t netvsc_fix_features(struct net_device *ndev, netdev_features_t features);
int netvsc_tx_ppis(struct netvsc_dev *nv, struct sk_buff *skb, struct rndis_pkt_ppis *p);
void netvsc_rx_ppis(struct netvsc_dev *nv, struct sk_buff *skb, const struct rndis_pkt_ppis *p);

/* txpage.c */
int netvsc_txpage_alloc(struct netvsc_dev *nv);
void netvsc_txpage_free(struct netvsc_dev *nv);
int netvsc_xmit_pages(struct netvsc_chan *c, struct sk_buff *skb, int sec,
		      const struct rndis_pkt_ppis *p);
void netvsc_txpage_done(struct netvsc_dev *nv, u32 sec);

/* rsc.c */
int netvsc_rx_deliver(struct netvsc_chan *c, const u8 *msg, const struct rndis_packet_view *v,
		      const u8 *frame);
void netvsc_rsc_break(struct netvsc_chan *c, const char *why);

/* rxskb.c */
struct sk_buff *netvsc_rx_skb(struct netvsc_chan *c, const struct netvsc_rx_piece *pc, u32 total);
int netvsc_rx_pool_create(struct netvsc_chan *c);
void netvsc_rx_pool_destroy(struct netvsc_chan *c);

/* rxlend.c */
struct netvsc_lent;
int netvsc_lend_init(struct netvsc_dev *nv);
void netvsc_lend_exit(struct netvsc_dev *nv);
int netvsc_rx_lend(struct netvsc_chan *c, struct sk_buff *skb, const struct netvsc_rx_piece *pc,
		   u32 at, u32 total);
bool netvsc_lend_finish(struct netvsc_chan *c, u64 trans_id, u32 status);
void netvsc_lend_reap(struct netvsc_chan *c);
bool netvsc_lend_pending(const struct netvsc_chan *c);
void netvsc_lend_drop(struct netvsc_chan *c);
void netvsc_rx_queue_comp(struct netvsc_chan *c, u64 trans_id, u32 status);

/* mtu.c */
int netvsc_change_mtu(struct net_device *ndev, int mtu);
void netvsc_resume(struct netvsc_dev *nv, bool running);
int netvsc_set_mac_address(struct net_device *ndev, void *addr);
int netvsc_max_mtu(struct netvsc_dev *nv);

/* vf.c */
int netvsc_vf_module_init(void);
void netvsc_vf_module_exit(void);
void netvsc_vf_init(struct netvsc_dev *nv);
void netvsc_vf_attach(struct netvsc_dev *nv);
void netvsc_vf_detach(struct netvsc_dev *nv);
void netvsc_vf_kick(struct netvsc_dev *nv);
void netvsc_vf_assoc(struct netvsc_dev *nv, const void *body, u32 len);
void netvsc_vf_datapath_done(struct netvsc_dev *nv);
void netvsc_vf_open(struct netvsc_dev *nv);
void netvsc_vf_close(struct netvsc_dev *nv);
bool netvsc_vf_xmit(struct netvsc_dev *nv, struct sk_buff *skb);
int netvsc_vf_stats_alloc(struct netvsc_dev *nv);
void netvsc_vf_stats_free(struct netvsc_dev *nv);
void netvsc_vf_get_stats(struct netvsc_dev *nv, struct netvsc_vf_stats *tot);

/* netdev.c */
bool netvsc_is_netvsc(const struct net_device *dev);
void netvsc_netdev_setup(struct netvsc_dev *nv);
void netvsc_rx_mode_work(struct work_struct *work);

#endif /* _HVIS_NETVSC_H */
