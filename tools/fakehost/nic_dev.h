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

#define NIC_QUEUE_LEN		512
/* TAP reading pauses with fewer free queue entries: one GSO frame cut at MSS 536. */
#define NIC_TAP_RESERVE		128
#define NIC_MAX_MSG		(128u * 1024)	/* largest RNDIS send the host assembles */
#define NIC_MAX_FRAME		(NETVSC_MTU_MAX + 18u)	/* Ethernet + 802.1Q header */
#define NIC_RECV_MAX_BYTES	(32u << 20)
#define NIC_SEND_MAX_BYTES	(16u << 20)
/* A held channel is unmasked after this many empty looks (--hold-us apart): host_hold.c. */
#define NIC_HOLD_IDLE_LOOKS	4
#define NIC_MAX_MDL_CHAIN	34
#define NIC_LINK_SPEED		100000000u	/* 10 Gbps, in 100 bps units */
#define NIC_BAD_PER_SEC		20
#define XFER_HDR_RANGE_BYTES	32	/* transfer-page header 24 + 1 range 8 */
#define XFER_PKT_MAX		(XFER_HDR_RANGE_BYTES + NVSP_MSG_BYTES_V61)
/* An RSC chain's transfer-page packet: one range per fragment (hyperv_net.h NVSP_RSC_MAX). */
#define NIC_RSC_FRAGS_MAX	64
#define XFER_RSC_PKT_MAX	(XFER_PKT_MAX + 8 * (NIC_RSC_FRAGS_MAX - 1))
#define NIC_NO_SECTION		0xffffffffu

/*
 * One host -> guest transfer-page packet waiting for receive sections (data: malloc'd,
 * len bytes): one RNDIS message, or (nmsg > 1, an RSC chain) nmsg messages back to
 * back, message i lens[i] bytes (lens: malloc'd), one section and one range each.
 */
struct nic_out {
	u32 len;
	u32 chan;		/* NVSP_RNDIS_CHANNEL_* */
	u32 qidx;		/* the channel it goes out on (nic_rx_channel; control: 0) */
	u8 *data;
	u32 nmsg;		/* 1, or the fragments of an RSC chain */
	u32 *lens;		/* nmsg > 1: each fragment's bytes */
};

/*
 * What travels with a frame between the wire and the guest, besides its bytes: on
 * TX what the guest's PPIs said (checksum to fill in, segmentation, VLAN tag); on RX
 * what the guest's PPIs will say (checksum verified, VLAN tag stripped, RSS hash).
 * nic_tap.c maps it onto the TAP's virtio-net header.
 */
struct nic_pkt_meta {
	bool csum_needed;	/* TX: fill in the L4 checksum at csum_start + csum_offset */
	u16 csum_start, csum_offset;
	u16 gso_type;		/* NIC_GSO_*: TX LSO / RX coalesced (RSC) */
	u16 gso_size;		/* MSS */
	u16 hdr_len;		/* Ethernet + IP + TCP header bytes */
	bool vlan;		/* TX: insert, RX: was stripped; 802.1Q TCI below */
	u16 vlan_tci;
	bool csum_ok;		/* RX: the host verified the L4 (and IPv4 header) checksum */
	u32 hash;		/* RX: the RSS hash (0: none) */
};

/* gso_type values: the virtio-net header's (include/uapi/linux/virtio_net.h). */
#define NIC_GSO_NONE		0
#define NIC_GSO_TCPV4		1
#define NIC_GSO_TCPV6		4

/*
 * The host's largest frame (MAXIMUM_FRAME_SIZE, `nic mtu`): Hyper-V's jumbo setting is
 * 9014 bytes with the Ethernet header, an MTU of 9000; upstream's guest takes up to
 * NETVSC_MTU - ETH_HLEN = 65521 (hyperv_net.h NETVSC_MTU, netvsc_drv.c max_mtu).
 */
#define NIC_MTU_DEFAULT		9000u
#define NIC_MTU_MAX		(NETVSC_MTU_MAX - 14u)
/* A receive section holds a whole frame: Ethernet + 802.1Q, PACKET header, 5 PPIs. */
#define NIC_SECTION_OVERHEAD	(18u + 44u + 5u * 16u)
#define NIC_MAX_QUEUES		8	/* vRSS: min(vCPUs, 8) channels */
#define NIC_DEFAULT_CHANNELS	8u	/* `--nic-channels` default (VRSS_CHANNEL_DEFAULT) */
#define NIC_MAX_TAPS		8	/* `--tap N=IFNAME`: N < 8 */

/*
 * One queue: a channel's half of the wire.  tap_fd is its TAP queue (one per open
 * channel, IFF_MULTI_QUEUE); the counters are the host's view of that queue
 * (`nic queues`).
 */
struct nic_queue {
	int tap_fd;		/* -1: none */
	bool paused;		/* TAP input paused: the guest's queue is full */
	u64 tx_frames, tx_bytes;	/* guest -> wire */
	u64 rx_frames, rx_bytes;	/* wire -> guest */
	u64 tx_errors;		/* frames the wire refused (TAP write failed) */
	u64 rx_drops;		/* wire frames lost: the guest's queue was full */
	u64 rx_filtered;	/* wire frames the packet filter / MAC filter refused */
	u64 rx_csum_ok;		/* frames delivered with the checksum marked verified */
	u64 rx_csum_bad;	/* TCP/UDP frames whose checksum did not verify */
	u64 rx_coalesced;	/* coalesced (GSO) frames from the wire */
	u64 rx_rsc;		/* ... delivered as one RSC chain (the guest has RSC on) */
	u64 rx_rsc_frags;	/* ... in so many fragments (RNDIS PACKETs) */
	u64 rx_segmented;	/* ... cut here into frames of the guest's MTU (RSC off) */
	u64 rx_segments;	/* ... into so many frames */
	u64 rx_reclaimed;	/* receive sections taken back when this channel closed */
	u64 tx_gso;		/* LSO sends written as one GSO frame */
	u64 tx_csum;		/* sends whose checksum the wire fills in */
	u64 tx_vlan, rx_vlan;	/* 802.1Q tags inserted / stripped */
	/* the channel of this queue (sub_channel_index = queue index) while open */
	struct host_channel *ch;
	bool comp_pending;	/* a completion waits for room in its ring */
	u64 comp_trans;
	struct nvsp_msg comp_msg;
};

/*
 * A VLAN access port of the NIC's trunk (`--tap-vlan N:VID=IFNAME`, nic_vlan.c): the
 * guest's frames tagged VID leave on its TAP untagged; its TAP's frames reach the guest
 * tagged VID.  Counters: the host's view of that VLAN (`nic vlan`).
 */
#define NIC_VLAN_PORTS		8	/* per NIC */
struct nic_vlan_port {
	u16 vid;
	char ifname[16];
	int fd;			/* -1: not open */
	bool paused;		/* input paused: the guest's queue is full */
	u64 tx_frames, tx_bytes;	/* guest -> port */
	u64 rx_frames, rx_bytes;	/* port -> guest */
	u64 tx_errors;		/* TAP writes that failed */
	u64 rx_drops;		/* port frames not delivered (queue full, filter, bad header) */
	u64 rx_tagged;		/* port frames carrying a tag themselves: dropped */
	u64 rx_csum_bad;
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
	u32 recv_section;	/* receive section size offered (`nic recv-section`), 0: auto */
	u32 link_speed;
	struct net_responder resp;
	char tap[16];		/* the TAP device (`--tap` of its place); "" = the responder */
	u32 tap_offloads;	/* TUNSETOFFLOAD flags in force */
	struct nic_queue queues[NIC_MAX_QUEUES];
	u32 nqueues;		/* queues with an open channel */
	u8 cur_mac[6];		/* the guest's current MAC (NetworkAddress), else mac */
	u32 max_channels;	/* `--nic-channels`, `nic channels`: channels offered at most */

	/* RSS (nic_rss.c), for this connection */
	u32 subs_asked;		/* subchannels the guest asked for and was granted */
	u64 subch_requests;	/* NVSP5 SUBCHANNEL requests answered */
	bool rss_on;		/* parameters set and not disabled */
	u64 rss_sets;		/* OID_GEN_RECEIVE_SCALE_PARAMETERS accepted */
	u64 rss_caps_queries;
	struct netvsc_rss_conf rss;
	u32 send_table[VRSS_SEND_TAB_SIZE];	/* the last SEND_INDIRECTION_TABLE sent */
	u64 send_tables;	/* SEND_INDIRECTION_TABLE messages sent */
	u32 cur_queue;		/* the channel whose packet is being handled */

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
	u32 *recv_next;		/* the next section of the same packet, or NIC_NO_SECTION */
	u16 *recv_chan;		/* the channel (sub_index) each section in use went out on */
	u16 rsc_pkt_id;		/* PKTINFO_ID pkt_id of the last RSC chain */
	u32 recv_in_use, recv_hint;
	u32 seq;		/* packets announced so far: trans_id's upper half */
	bool hostile_seen;	/* hostile mode was on during this connection (nic_tick) */
	u64 expire_ms;		/* the last sweep for sections the guest never completed */
	u32 expire_seq;		/* ... and the first packet announced after it */
	bool rndis_inited;
	u32 filter;
	struct nic_out *q;
	u32 q_head, q_count;
	u8 *msgbuf;		/* NIC_MAX_MSG: the RNDIS bytes of one SEND_RNDIS_PKT */

	/* counters (since the device was created) */
	u64 tx_frames;		/* guest -> wire */
	u64 rx_frames;		/* wire -> guest */
	u64 drops;		/* host -> guest messages dropped: queue full or send error */
	u64 too_big;		/* responder frames larger than a receive section */
	u64 filtered;		/* frames not delivered: packet filter 0 */
	u64 bad;		/* NIC_BAD conditions */
	u64 rx_expired;		/* receive sections taken back in hostile mode (nic_tick) */
	u64 lose_comps;		/* `nic lose-comps`: sends still to go uncompleted */
	u64 comps_lost;		/* sends taken (frame forwarded) and never completed */
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
	/* migrate (nic_vf.c): the SR-IOV VF stand-in */
	enum { NIC_VF_NONE, NIC_VF_ADDED, NIC_VF_REVOKING } vf_state;
	u32 vf_gen;		/* VFs added so far; the serial and names of the last */
	u32 vf_serial;
	char vf_id[24];		/* QEMU ids: netdev hvisvfN, device hvisvfNdev */
	char vf_ifname[16];	/* its TAP: hvvfN */
	bool datapath_vf;	/* the guest switched its data path to the VF */
	u64 vf_switches, vf_path_drops;

	/* vlan (nic_vlan.c): the trunk's access ports, from `--tap-vlan` of this place */
	struct nic_vlan_port vports[NIC_VLAN_PORTS];
	u32 nvports;
	u64 vlan_no_port;	/* guest frames tagged with a VID that has no port: dropped */
};

static inline struct nic_dev *nic_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

/* The queue of a channel of the NIC (queue N: subchannel N; 0: the primary). */
static inline struct nic_queue *nic_queue_of(struct host_channel *ch)
{
	return &nic_of(ch)->queues[ch->sub_index < NIC_MAX_QUEUES ? ch->sub_index : 0];
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

/* The receive section size offered: `nic recv-section`, else one that fits max_frame. */
u32 nic_recv_section_size(const struct nic_dev *nd);

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
/* Frees what waits in the host -> guest queue. */
void nic_queue_clear(struct nic_dev *nd);
void nic_queue_ctrl(struct nic_dev *nd, u32 type, const void *body, u32 blen);
bool nic_queue_frame(struct nic_dev *nd, const u8 *frame, u32 len);
void nic_queue_indicate(struct nic_dev *nd, u32 status);
/* The RNDIS bytes of one SEND_RNDIS_PKT (section and/or pages); an NVSP status. */
u32 nic_on_send_rndis(struct host_channel *ch, const u8 *pkt, u32 off8,
		      const struct nvsp_msg *m);

/* The PPIs a frame to the guest carries for @m (checksum verdict, 802.1Q tag, hash). */
void nic_rx_ppis(const u8 *frame, u32 len, const struct nic_pkt_meta *m, struct rndis_pkt_ppis *p);
/* Queues a wire frame for the guest as an RNDIS PACKET with the PPIs @meta asks for. */
bool nic_queue_frame_meta(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
			  const struct nic_pkt_meta *meta);
/*
 * Queues nmsg RNDIS messages (back to back in msgs, lens[i] bytes each) to go out in
 * one transfer-page packet, one range each: an RSC chain.  False if not queued.
 */
bool nic_queue_msgs(struct nic_dev *nd, u32 qidx, const u8 *msgs, const u32 *lens, u32 nmsg);
/* The sections a completion of @trans frees, from first section s (recv_next chain). */
bool nic_recv_complete(struct nic_dev *nd, u32 s, u64 trans);
/*
 * Takes back the sections announced on channel @sub_index, which closed: the guest can
 * no longer complete them there.  Returns how many.
 */
u32 nic_recv_reclaim(struct nic_dev *nd, u32 sub_index);
/*
 * Sections in use announced before packet @before_seq on a channel whose bit (sub_index)
 * is set in @drained: the host's again; how many.
 */
u32 nic_recv_expire(struct nic_dev *nd, u32 before_seq, u32 drained);

/* ---- nic_pump.c: ops->pump, a broadcast the guest drops (the hostile campaign) ---- */
int nic_pump(struct host_channel *ch);

/* ---- nic_rsc.c: coalesced (GSO) frames from the wire ---- */

/* The guest takes RSC for this IP version (NVSP 6.1 RSC capability, parameters set). */
bool nic_rsc_on(const struct nic_dev *nd, bool ipv6);
/* An OID_TCP_OFFLOAD_PARAMETERS set was accepted: a NIC_RSC event with the new state. */
void nic_rsc_changed(struct nic_dev *nd);
/*
 * Queues a coalesced TCP frame: as RSC fragments in one transfer-page packet while the
 * guest has RSC on, else cut into frames no larger than its MTU.  False if nothing
 * could be queued.
 */
bool nic_queue_rsc(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
		   const struct nic_pkt_meta *meta);

/* ---- nic_rndis.c ---- */

/* A sequence of RNDIS messages (batching) in total bytes; an NVSP status. */
u32 nic_on_rndis_bytes(struct nic_dev *nd, const u8 *buf, u32 total);

/* ---- nic_wire.c: the wire behind the NIC (a TAP device, or the responder) ---- */

/* Guest -> wire: one frame the guest sent on queue qidx, with what its PPIs said. */
void nic_wire_tx(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
		 const struct nic_pkt_meta *meta);
/* Wire -> guest: filters, chooses the channel (nic_rx_channel) and queues the PACKET. */
bool nic_wire_rx(struct nic_dev *nd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta);
/* `nic status`: the wire's fields (tap, queues, summed queue counters) and a newline. */
void nic_wire_status(const struct nic_dev *nd, FILE *out);
/* `nic queues DEV`: one line of counters per queue. */
void nic_queues_print(const struct nic_dev *nd, FILE *out);
/* The guest's packet filter accepts a frame to dst (its MAC, broadcast, multicast). */
bool nic_filter_accepts(const struct nic_dev *nd, const u8 *dst);

/* ---- nic_offload.c: offload capabilities, guest PPIs -> struct nic_pkt_meta ---- */
void nic_offload_fill_caps(const struct nic_dev *nd, struct ndis_offload *caps);
/*
 * The meta for a guest PACKET (checked by rndis_packet_parse into *v) whose frame is
 * at @frame (writable: LSO headers are completed there).  -1 after a NIC_BAD
 * field=ppi when its PPIs are refused.
 */
int nic_offload_meta(struct nic_dev *nd, u8 *frame, const u8 *msg,
		     const struct rndis_packet_view *v, struct nic_pkt_meta *meta);

/* ---- nic_tap.c: the TAP device (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE) ---- */

/* Opens queue qidx of the NIC's TAP and watches it; 0 or a negative errno. */
int nic_tap_open(struct nic_dev *nd, u32 qidx);
void nic_tap_close(struct nic_dev *nd, u32 qidx);
/* Writes one frame with the virtio-net header @meta asks for; 0 or a negative errno. */
int nic_tap_write(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
		  const struct nic_pkt_meta *meta);
/* The TAP's carrier follows the NIC's link (`nic link`). */
void nic_tap_carrier(struct nic_dev *nd);
/* The sum of one counter over the queues: nic_queue_sum(nd, offsetof(struct nic_queue, x)). */
u64 nic_queue_sum(const struct nic_dev *nd, size_t off);
/* Resumes TAP input paused for a full guest queue once it has room. */
void nic_tap_resume(struct nic_dev *nd);
/* The virtio-net header's length: what precedes each frame read from a TAP. */
#define NIC_TAP_HDR_LEN		10u
/* Opens TAP @ifname (vnet_hdr; one queue of a multi-queue device if @multi): fd or -errno. */
int nic_tap_fd_open(const char *ifname, bool multi, u32 offloads);
/* The meta of a frame read from a TAP, from its virtio-net header; false: drop it. */
bool nic_tap_hdr_meta(const u8 *hdr, u8 *frame, u32 len, struct nic_pkt_meta *m, u64 *csum_bad);
/* One frame to a TAP fd with the header @meta asks for (meta->vlan: a tag inserted). */
int nic_tap_fd_write(int fd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta);
void nic_tap_fd_carrier(int fd, bool up);

/* ---- nic_rss.c ---- */

/*
 * The open channel (queue index) a wire frame goes to: with RSS on, the Toeplitz hash
 * over the fields the guest's hash types name (lib/toeplitz.c), through its
 * indirection table, and meta->hash set for the hash value PPI; else, or for a frame
 * not hashed, channel 0.
 */
u32 nic_rx_channel(struct nic_dev *nd, const u8 *frame, u32 len, struct nic_pkt_meta *meta);
/* NVSP5 SUBCHANNEL from the guest (on the primary): checked, answered, offered. */
void nic_on_subchannel(struct host_channel *ch, u64 trans, const struct nvsp_msg *m);
/* Whether the guest may open this subchannel (it asked for it on this connection). */
bool nic_subchannel_ok(struct nic_dev *nd, const struct host_channel *ch);
/*
 * A subchannel opened: once every granted one is, the send indirection table spread
 * over the open channels goes to the guest (Hyper-V's order).
 */
void nic_rss_sub_opened(struct nic_dev *nd);
/* `nic send-table DEV ...` and `nic rescind-sub DEV [INDEX]` (nic_rss.c). */
int nic_rss_ctl(struct nic_dev *nd, int argc, char **argv, FILE *out, char *err,
		size_t errlen);
/* OID_GEN_RECEIVE_SCALE_CAPABILITIES: the value for QUERY_C, its length. */
u32 nic_rss_get_caps(struct nic_dev *nd, u8 *val);
/* OID_GEN_RECEIVE_SCALE_PARAMETERS: an RNDIS status. */
u32 nic_rss_set_params(struct nic_dev *nd, const u8 *msg, u32 msg_len, u32 ioff, u32 ilen);
/* Forgets this connection's RSS state (primary closed). */
void nic_rss_reset(struct nic_dev *nd);
/* `nic rss DEV`: the guest's settings, then one line per queue. */
void nic_rss_show(const struct nic_dev *nd, FILE *out);

/* ---- nic_migrate.c ---- */

/*
 * True when the frame must be lost to the VMQ mismatch (a VLAN frame: an 802.1Q tag
 * in the frame, or vlan set when the tag travels out of band); counts it.
 */
bool nic_vmq_drop(struct nic_dev *nd, const u8 *frame, u32 len, bool vlan);
/* `nic vmq-switch DEV [on|off]`. */
int nic_vmq_ctl(struct nic_dev *nd, const char *arg, FILE *out, char *err, size_t errlen);

/* ---- nic_vf.c ---- */

/* `nic vf DEV [add port=ID [bridge=BR] | revoke]`: argv after DEV. */
int nic_vf_ctl(struct nic_dev *nd, int argc, char **argv, FILE *out, char *err, size_t errlen);
/* The guest's SWITCH_DATA_PATH (checked by nvsp_msg_check). */
void nic_vf_datapath(struct nic_dev *nd, const struct nvsp_msg *m);
/* True (and counted) when a wire frame goes to the VF, not the synthetic path. */
bool nic_vf_steals(struct nic_dev *nd);

/* ---- nic_vlan.c: the trunk's VLAN access ports (`--tap-vlan N:VID=IFNAME`) ---- */

/* Opens and watches the access ports configured for the NIC's place (primary open). */
void nic_vlan_open(struct nic_dev *nd);
void nic_vlan_close(struct nic_dev *nd);
/*
 * Guest -> wire, a frame tagged by PPI (meta->vlan) or in band: true when the trunk
 * took it (written untagged to its VLAN's port, or dropped and counted: no port); false
 * for the base TAP (untagged, priority-only, or no access port configured on the NIC).
 */
bool nic_vlan_tx(struct nic_dev *nd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta);
void nic_vlan_carrier(struct nic_dev *nd, bool up);
void nic_vlan_resume(struct nic_dev *nd);
/* `nic status`: " vlan_ports=N vlan_no_port=N" (no newline). */
void nic_vlan_status(const struct nic_dev *nd, FILE *out);
/* `nic vlan DEV`: one line per access port. */
void nic_vlan_print(const struct nic_dev *nd, FILE *out);

#endif /* _FH_NIC_DEV_H */
