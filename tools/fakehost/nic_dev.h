/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nic_dev.h: the synthetic NIC backend's private state, shared by its four files:
 * dev_nic.c (lifecycle, channel drain, the NVSP state machine), nic_data.c (the
 * guest's receive and send buffers: sections, queue, transfer-page packets, gathered
 * sends), nic_rndis.c (RNDIS messages and the OID tables) and nic_ctl.c (`ctl nic`
 * and the `nic bad` injections).  Nothing outside those files includes it; the rest
 * of the fake host sees dev_nic.h.
 */
#ifndef _FH_NIC_DEV_H
#define _FH_NIC_DEV_H

#include "dev_nic.h"
#include "net_responder.h"
#include "netvsc_msg.h"

#define NIC_QUEUE_LEN		256
#define NIC_MAX_MSG		(128u * 1024)	/* largest RNDIS send the host assembles */
#define NIC_MAX_FRAME		(NETVSC_MTU_MAX + 18u)	/* Ethernet + 802.1Q header */
#define NIC_RECV_MAX_BYTES	(32u << 20)
#define NIC_SEND_MAX_BYTES	(16u << 20)
#define NIC_MAX_MDL_CHAIN	34
#define NIC_LINK_SPEED		100000000u	/* 10 Gbps, in 100 bps units */
#define NIC_BAD_PER_SEC		20
#define XFER_HDR_RANGE_BYTES	32	/* transfer-page header 24 + 1 range 8 */
#define XFER_PKT_MAX		(XFER_HDR_RANGE_BYTES + NVSP_MSG_BYTES_V61)

struct nic_out {
	u32 len;
	u32 chan;		/* NVSP_RNDIS_CHANNEL_* */
	u8 data[NETVSC_RECV_SECTION_SIZE];
};

struct nic_buf {
	u32 gpadl;
	u8 *map;		/* NULL: none */
	u32 pages;
	u32 size;
	u32 sections;
	u32 section_size;
};

struct nic_dev {
	struct host_device *dev;
	/* configuration: kept across guest connections */
	u8 mac[6];
	bool link_up;
	u32 max_frame;		/* answer to MAXIMUM_FRAME_SIZE */
	u32 recv_section;	/* receive section size offered (`nic recv-section`) */
	u32 link_speed;
	struct net_responder resp;

	/* the open channel and this connection's state */
	struct host_channel *ch;
	u32 nvsp_version;	/* 0: not negotiated */
	u32 ndis_version;
	u32 guest_mtu;
	u64 guest_caps;
	bool offload_set;	/* OID_TCP_OFFLOAD_PARAMETERS accepted on this connection */
	struct ndis_offload_params offload;	/* ... and what it set */
	struct nic_buf recv, send;
	u8 *recv_used;		/* bitmap of sections the guest has not completed */
	u64 *recv_trans;	/* trans_id of the packet that announced each section */
	u32 recv_in_use, recv_hint;
	u32 seq;
	bool rndis_inited;
	u32 filter;
	struct nic_out *q;
	u32 q_head, q_count;
	bool comp_pending;	/* a completion waits for room in the ring */
	u64 comp_trans;
	struct nvsp_msg comp_msg;
	u8 *msgbuf;		/* NIC_MAX_MSG: the RNDIS bytes of one SEND_RNDIS_PKT */

	/* counters (since the device was created) */
	u64 tx_frames;		/* guest -> wire */
	u64 rx_frames;		/* wire -> guest */
	u64 drops;		/* host -> guest messages dropped: queue full or send error */
	u64 too_big;		/* responder frames larger than a receive section */
	u64 filtered;		/* frames not delivered: packet filter 0 */
	u64 bad;		/* NIC_BAD conditions */
	u64 ctrl_msgs;		/* RNDIS control messages from the guest */
	u64 bad_window_ms;
	u32 bad_in_window;
	u64 bad_suppressed;
	u64 injected;		/* `nic bad` messages sent */
	u64 injected_acks;	/* the guest's completions of those that used no section */
	u64 inject_trans;	/* trans_id of the last such message, 0 if none */
	u64 short_nvsp;		/* NVSP requests shorter than the version needs */
	u64 hwcaps_queries;	/* OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answered */
	u64 offload_sets;	/* OID_TCP_OFFLOAD_PARAMETERS accepted */

	/* migrate (nic_migrate.c): the "VMQ on the host, off on the switch" mismatch */
	bool vmq_switch;	/* `nic vmq-switch DEV on`: the mismatch is configured */
	bool vmq_dropping;	/* ... and a migration happened: VLAN frames are lost */
	u64 vmq_drops;		/* VLAN frames dropped so */
};

static inline struct nic_dev *nic_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

/* ---- dev_nic.c ---- */

/* The device's place among the NIC devices (the <dev> of `ctl nic`). */
u32 nic_ordinal(const struct host_device *dev);
/* A NIC_BAD event naming @field, rate limited (NIC_BAD_PER_SEC); counts it always. */
void nic_bad(struct nic_dev *nd, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "00:15:5d:00:00:01" into buf (18 bytes); returns buf. */
const char *nic_fmt_mac(const u8 *m, char *buf);
void nic_status_line(struct host_device *dev, char *buf, size_t len);

/* ---- nic_data.c ---- */

void nic_buf_unmap(struct nic_buf *b);
void nic_recv_forget(struct nic_dev *nd);
/* Maps the GPADL into b; 0, or -1 after a NIC_BAD naming the field. */
int nic_buf_map(struct host_channel *ch, struct nic_buf *b, u32 id, u32 max_bytes,
		u32 section_size, const char *what);
/* An NVSP completion to the guest; kept (comp_pending) if the ring is full. */
int nic_send_comp(struct host_channel *ch, u64 trans, const struct nvsp_msg *m);
bool nic_section_used(const struct nic_dev *nd, u32 s);
void nic_section_mark(struct nic_dev *nd, u32 s, bool used);
/* A free receive section, or -1. */
int nic_free_section(struct nic_dev *nd);
int nic_xfer_send(struct host_channel *ch, u32 chan, u64 trans, u16 pageset, u32 offset,
		  u32 count);
/* Copies @len bytes into free section @s and announces them; 0 or the send's error. */
int nic_recv_post(struct host_channel *ch, u32 s, u32 chan, const void *msg, u32 len);
void nic_flush(struct host_channel *ch);
void nic_queue_ctrl(struct nic_dev *nd, u32 type, const void *body, u32 blen);
bool nic_queue_frame(struct nic_dev *nd, const u8 *frame, u32 len);
void nic_queue_indicate(struct nic_dev *nd, u32 status);
/* The RNDIS bytes of one SEND_RNDIS_PKT (section and/or pages); an NVSP status. */
u32 nic_on_send_rndis(struct host_channel *ch, const u8 *pkt, u32 off8,
		      const struct nvsp_msg *m);

/* ---- nic_rndis.c ---- */

/* A sequence of RNDIS messages (batching) in total bytes; an NVSP status. */
u32 nic_on_rndis_bytes(struct nic_dev *nd, const u8 *buf, u32 total);

/* ---- nic_migrate.c ---- */

/*
 * True when the frame must be lost to the VMQ mismatch (a VLAN frame: an 802.1Q tag
 * in the frame, or vlan set when the tag travels out of band); counts it.
 */
bool nic_vmq_drop(struct nic_dev *nd, const u8 *frame, u32 len, bool vlan);
/* `nic vmq-switch DEV [on|off]`. */
int nic_vmq_ctl(struct nic_dev *nd, const char *arg, FILE *out, char *err, size_t errlen);

#endif /* _FH_NIC_DEV_H */
