/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc.h: the state shared by hvis_netvsc's parts: the device structure (channel,
 * NVSP buffers, RNDIS requests, net_device side), transaction-id scheme, counters,
 * and the functions each file offers the others.
 */
#ifndef _HVIS_NETVSC_H
#define _HVIS_NETVSC_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
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

/* A control request's timeout: requests end rather than hang on a silent host. */
#define NETVSC_REQ_TIMEOUT	(5 * HZ)

/* announce.c: a busy RTNL is retried this much later (netvsc_drv.c: LINKCHANGE_INT). */
#define NETVSC_ANNOUNCE_RETRY	(HZ / 10)

/*
 * Bytes of one RNDIS control message we send (the largest: a QUERY of the hardware
 * offload capabilities carrying a 156-byte ndis_offload header, 184 bytes), and of a
 * response we keep.
 */
#define NETVSC_CTRL_MSG_BYTES	256u
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
	NETVSC_C_COUNT,
};

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

/* A receive completion the outbound ring had no room for yet. */
struct netvsc_rx_comp {
	u64 trans_id;
	u32 status;
};

struct netvsc_dev {
	struct hvis_device *hdev;
	struct hvis_channel *ch;
	struct net_device *ndev;
	struct napi_struct napi;
	bool destroying;		/* remove() began: no new work items */

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

	void *send_buf;
	u32 send_buf_size;
	u32 send_gpadl;
	bool send_gpadl_ok;
	bool send_buf_sent;
	u32 send_section_size;
	u32 send_sections;
	unsigned long *send_map;	/* bit set: section in flight */
	unsigned long tx_stopped;	/* bit 0: the driver stopped the queue (tx.c) */

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
	struct delayed_work link_work;	/* announce.c: re-announce to the peers */
	struct work_struct rx_mode_work;

	/* receive path (rx.c) */
	u8 *raw;			/* one whole VMBus packet */
	u32 raw_size;
	u8 *rx_copy;			/* one receive section, copied out of shared memory */
	struct netvsc_rx_comp *comps;	/* ring of pending receive completions */
	u32 comp_cap, comp_head, comp_count;
	struct delayed_work comp_retry;

	/* statistics */
	struct u64_stats_sync rx_syncp;
	u64 rx_packets, rx_bytes, rx_dropped;
	struct u64_stats_sync tx_syncp;
	u64 tx_packets, tx_bytes, tx_dropped;
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
};

static inline void netvsc_count(struct netvsc_dev *nv, enum netvsc_counter c)
{
	atomic64_inc(&nv->counters[c]);
}

/* nvsp.c */
int netvsc_nvsp_connect(struct netvsc_dev *nv, u32 mtu, u32 recv_bytes, u32 send_bytes);
void netvsc_nvsp_revoke(struct netvsc_dev *nv);
void netvsc_nvsp_free_buffers(struct netvsc_dev *nv);
void netvsc_nvsp_complete(struct netvsc_dev *nv, const void *msg, u32 len);

/* rndis.c */
int netvsc_rndis_init(struct netvsc_dev *nv, u8 *mac, u32 *max_frame);
int netvsc_rndis_set_filter(struct netvsc_dev *nv, u32 filter);
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
int netvsc_raw_alloc(struct netvsc_dev *nv);
int netvsc_rx_alloc(struct netvsc_dev *nv);
void netvsc_rx_free(struct netvsc_dev *nv);

/* tx.c */
netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev);
void netvsc_send_completion(struct netvsc_dev *nv, u64 trans_id, const void *msg, u32 len);
void netvsc_tx_maybe_wake(struct netvsc_dev *nv);

/* vf.c */
int netvsc_vf_module_init(void);
void netvsc_vf_module_exit(void);
void netvsc_vf_init(struct netvsc_dev *nv);
void netvsc_vf_attach(struct netvsc_dev *nv);
void netvsc_vf_detach(struct netvsc_dev *nv);
void netvsc_vf_assoc(struct netvsc_dev *nv, const void *body, u32 len);
void netvsc_vf_datapath_done(struct netvsc_dev *nv);
void netvsc_vf_open(struct netvsc_dev *nv);
void netvsc_vf_close(struct netvsc_dev *nv);
bool netvsc_vf_xmit(struct netvsc_dev *nv, struct sk_buff *skb);

/* netdev.c */
bool netvsc_is_netvsc(const struct net_device *dev);
void netvsc_netdev_setup(struct netvsc_dev *nv);
void netvsc_rx_mode_work(struct work_struct *work);

#endif /* _HVIS_NETVSC_H */
