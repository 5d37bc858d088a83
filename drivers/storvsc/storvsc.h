/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storvsc.h: hvis_storvsc's shared state: one storvsc_host per controller (the
 * Scsi_Host's private data) with its channels, the two control-request slots, the
 * work items, and the per-command private data.
 */
#ifndef _HVIS_STORVSC_H
#define _HVIS_STORVSC_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>
#include "compat.h"
#include "hvis/vmbus.h"
#include "hvis/storvsc_proto.h"
#include "storvsc_msg.h"

enum storvsc_class {
	STORVSC_SCSI,
	STORVSC_IDE,
	STORVSC_FC,
};

/* Biggest packet a host sends us: a vstor_packet; more is read and refused. */
#define STORVSC_RX_BYTES	128u
/* The channel's largest packet: a descriptor and STORVSC_RX_BYTES. */
#define STORVSC_MAX_PACKET	(sizeof(struct vmpacket_descriptor) + STORVSC_RX_BYTES)
/* PFNs a command holds inline: 128 KiB at any offset; more are allocated. */
#define STORVSC_INLINE_PFNS	33u

struct storvsc_host;

struct storvsc_chan {
	struct hvis_channel *ch;
	struct storvsc_host *h;
	u16 index;			/* the hardware queue it serves */
	bool gone;			/* rescinded and closed by us: ch is stale */
	u8 rx[STORVSC_RX_BYTES] __aligned(8);	/* callback's copy (one callback at a time) */
};

/* One control request in flight (trans id VSTOR_TID_INIT or VSTOR_TID_RESET). */
struct storvsc_slot {
	struct completion done;
	struct vstor_packet resp;
	bool armed;
};

struct storvsc_host {
	struct Scsi_Host *shost;
	struct hvis_device *hdev;
	enum storvsc_class cls;
	u16 version;			/* VMSTOR_VERSION_* agreed */
	u32 ring_bytes;
	u32 max_xfer;			/* bytes per request, 4 KiB multiple */
	u32 host_max_sub;		/* subchannels the properties allow */

	spinlock_t lock;		/* the slots, the subchannel window */
	struct mutex ctl_lock;		/* one control request at a time */
	struct storvsc_slot init;
	struct storvsc_slot reset;

	u32 nchan;			/* channels open: primary + subchannels */
	u32 chan_cap;			/* entries in chans[] */
	struct storvsc_chan *chans;

	/* Subchannel offers accepted while CREATE_SUB_CHANNELS is outstanding. */
	bool sc_accept;
	u32 sc_asked;
	u32 sc_got;
	struct hvis_channel **sc_new;
	struct completion sc_all;

	struct workqueue_struct *wq;
	struct delayed_work scan_work;	/* a rescan (storvsc_queue_scan) */
	unsigned long scan_last;	/* jiffies when the last rescan began */
	struct work_struct fail_work;	/* fails commands of rescinded channels */
	struct work_struct gone_work;	/* the controller rescinded: fails what waits */
	bool removing;
	bool added;			/* scsi_add_host done: the tag set exists */
	atomic64_t *live;		/* the in-flight table (STORVSC_LIVE) */
	u32 live_queues, live_depth;	/* its shape: hardware queues, tags per queue */

	u64 node_name;
	u64 port_name;
	struct fc_rport *rport;

	atomic_t refused;		/* host packets refused */
};

/*
 * A command's transaction id: its blk-mq unique tag + 1 in the low 32 bits and, above,
 * the number of sends of that tag so far (kept in the in-flight table, below), so that
 * an answer to an earlier send of the tag (given up on, then retried, or an earlier
 * command's) is told from the current one's.
 */
#define STORVSC_TID_TAG(tid)	((u32)(tid))
#define STORVSC_TID(send, tag)	((((u64)(send) & 0x7fffffffu) << 32) | ((u64)(tag) + 1))
#define STORVSC_TID_SEND	GENMASK_ULL(62, 32)

/*
 * The in-flight table, h->live: one word per tag (hardware queue * can_queue + tag),
 * STORVSC_LIVE | the send bits of its latest transaction id | the channel it went out
 * on, while the host owes its answer.  Whoever clears STORVSC_LIVE (the completion,
 * the give-up, the failing of a rescinded channel's commands) ends that send, once.
 * Only a word with STORVSC_LIVE lets a completion near the request: a command is in
 * flight, so the tag set exists (scsi_remove_host frees it while the channel is open).
 */
#define STORVSC_LIVE		BIT_ULL(63)
#define STORVSC_LIVE_CHAN	GENMASK_ULL(15, 0)

/* scsi_cmd_priv() of every command. */
struct storvsc_cmd {
	struct vstor_packet pkt;
	u64 tid;			/* the transaction id of its latest send */
	unsigned long sent_at;		/* jiffies of its latest send */
	u16 chan;			/* the channel it was sent on */
	u32 req_len;			/* data bytes asked for */
	u64 *ext;			/* range + PFNs when more than inline */
	u64 range[1 + STORVSC_INLINE_PFNS];	/* struct vmbus_gpa_range + PFNs */
};

extern int storvsc_logging_level;
extern unsigned int storvsc_abort_after_s;
#define STORVSC_LOG_ERROR	1
#define STORVSC_LOG_WARN	2

/* vstor.c: the control protocol and the channel callback. */
int storvsc_connect(struct storvsc_host *h);
int storvsc_open_subchannels(struct storvsc_host *h, u32 max_hw_queues);
int storvsc_reset_bus(struct storvsc_host *h);
void storvsc_on_channel(void *context);
void storvsc_subchannel_offer(struct hvis_channel *sc);
void storvsc_refuse(struct storvsc_host *h, const char *what, u64 tid, const char *why);

/* io.c: commands. */
int storvsc_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *scmd);
void storvsc_commit_rqs(struct Scsi_Host *shost, u16 hwq);
/* A packet for tid that is no readable completion: its request is retried. */
void storvsc_refuse_io(struct storvsc_chan *c, u64 tid, const char *why);
void storvsc_complete_io(struct storvsc_chan *c, const struct vstor_packet *pkt, u32 len,
			 u64 tid);
void storvsc_fail_all(struct storvsc_host *h, int host_byte);
void storvsc_fail_work(struct work_struct *work);
void storvsc_gone_work(struct work_struct *work);
void storvsc_drop_rescinded(struct storvsc_host *h);
void storvsc_sc_rescinded(void *context);
HVIS_EH_TIMEOUT_RET storvsc_eh_timed_out(struct scsi_cmnd *scmd);
void storvsc_scan_work(struct work_struct *work);
/* Rescans the host asks for begin at least this far apart (storvsc_queue_scan). */
#define STORVSC_SCAN_GAP	HZ
void storvsc_queue_scan(struct storvsc_host *h);

/* host.c: the SCSI host and the FC transport. */
struct Scsi_Host *storvsc_host_alloc(void);
void storvsc_host_limits(struct storvsc_host *h, u32 lowater);
int storvsc_fc_init(void);
void storvsc_fc_exit(void);
void storvsc_fc_attach(struct storvsc_host *h);
void storvsc_fc_update(struct storvsc_host *h);
void storvsc_fc_detach(struct storvsc_host *h);

#endif /* _HVIS_STORVSC_H */
