/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostile_priv.h: the hostile mode's state, shared by its engine (hostile.c) and its
 * log, status and replay loader (hostile_log.c).  Nothing else includes it.
 */
#ifndef _FH_HOSTILE_PRIV_H
#define _FH_HOSTILE_PRIV_H

#include "hostile.h"
#include "hvis/vmbus_proto.h"

/* The opt-in kinds (with=) come last: the default draw stays what it was. */
enum hkind {
	HK_NONE, HK_TRUNC, HK_EXTEND, HK_FLIP, HK_FIELD, HK_DUP, HK_DROP, HK_REORDER,
	HK_REPLAY, HK_FORGE, HK_IRQ_DROP, HK_IRQ_DUP, HK_IRQ_DELAY,
	HK_STALL, HK_RESCIND, HK_REVOKE, HK_RNDIS, HK_COUNT
};

#define HK_FIRST_OPT	HK_STALL

/* Where a replayed mutation happens: a packet or message, an interrupt, a tick. */
enum hwhere { HW_MSG, HW_IRQ, HW_TICK, HW_COUNT };

extern const char *const hostile_kind_names[HK_COUNT];

#define SLOTS		64	/* per-channel memory, direct-mapped by relid */
#define KEEP_MAX	8192u	/* the largest packet kept for replay / reorder */
#define EXTEND_MAX	4096u
#define MAX_FIELDS	48
#define FIELD_NAMES	192
#define DELAYED_MAX	64
#define LATE_MAX	256	/* packets held until the mode stops */
#define OWED_MS		1000	/* a dropped interrupt is raised again after this */
#define RESCIND_MAX	16	/* replugs waiting for the next tick */
#define REVOKED_MAX	256	/* GPADLs already lied about */

struct chan_mem {
	u32 relid;
	bool used;
	u8 *last;		/* the last packet sent (for replay) */
	u32 last_len;
	u8 *held;		/* a packet held back (reorder) */
	u32 held_len;
	/* stall: every packet is held until stall_until (ms), then sent in order */
	bool stalled;
	u64 stall_until;
	struct late_pkt *stall_q, **stall_tail;
};

/* A packet "dropped" on a ring: the host answers it only when the mode stops. */
struct late_pkt {
	struct late_pkt *next;
	u32 relid;
	u32 len;
	u8 data[];
};

struct replay_ent {
	u64 n;
	u8 where;		/* enum hwhere */
	u8 kind;
	u64 rs;
};

struct hostile_state {
	bool on;
	bool replay;
	u64 seed;
	double rate;
	double irq_rate;	/* interrupts' rate; negative: rate */
	u64 prng;
	u64 msgno, irqno;
	u64 seen, irqs_seen, mutated;
	u64 kinds[HK_COUNT];
	struct { const char *name; u64 count; } fields[FIELD_NAMES];
	unsigned int nfields;
	const char *log_path;
	FILE *log;
	struct chan_mem slots[SLOTS];
	u8 last_msg[CHANNELMSG_COUNT][HV_MESSAGE_PAYLOAD_BYTES];
	u8 last_msg_len[CHANNELMSG_COUNT];
	u8 held_msg[HV_MESSAGE_PAYLOAD_BYTES];
	u32 held_msg_len;
	u32 held_msg_cpu;
	void *msg_ctx;
	hostile_msg_fn msg_send;
	hostile_put_fn put;
	u32 delayed[DELAYED_MAX];
	unsigned int ndelayed;
	u32 owed[DELAYED_MAX];	/* dropped interrupts, raised OWED_MS later */
	u64 owed_at[DELAYED_MAX];
	unsigned int nowed;
	struct late_pkt *late, **late_tail;
	unsigned int nlate;
	struct replay_ent *rep;
	size_t nrep, rep_pos[HW_COUNT];
	/* The decision for the packet hostile_packet_wanted() counted. */
	enum hkind next_kind;
	u64 next_rs, next_n;
	/* only= (classes, bit per hostile_class index; 0: all) and with= (kinds). */
	u32 only;
	u32 with;
	/* skip= (base kinds never drawn, bit per enum hkind) */
	u32 skip;
	u64 cls_seen[HOSTILE_NCLASS], cls_mut[HOSTILE_NCLASS], cls_irq[HOSTILE_NCLASS];
	struct vmbus_host *host;	/* from the last tick or packet */
	/* rescind: relids whose device is replugged at the next tick */
	u32 rescind[RESCIND_MAX];
	unsigned int nrescind;
	/* revoke: GPADL ids already lied about; the tick's own PRNG and its next look */
	u32 revoked[REVOKED_MAX];
	unsigned int nrevoked;
	u64 tick_prng;
	u64 next_revoke_ms;
	/* The RNDIS body hostile_rndis() saw, for the packet numbered rndis_n. */
	u8 *rndis_buf;
	u32 rndis_len, rndis_cap;
	u64 rndis_n;
};

extern struct hostile_state hs;

/* splitmix64 (public domain algorithm by S. Vigna): the engine's only randomness. */
static inline u64 sm64(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline u32 below(u64 *s, u32 n)
{
	return n ? (u32)(sm64(s) % n) : 0;
}

static inline double unit(u64 *s)
{
	return (double)(sm64(s) >> 11) / (double)(1ull << 53);
}

#define HOSTILE_CLASS_NIC	7	/* indices in hostile_log.c's class_names */
#define HOSTILE_CLASS_HVSOCK	14

/* ch's class index (-1: none, e.g. a rescinded channel's). */
int hostile_chan_class(const struct host_channel *ch);
/* The per-channel memory of relid (reset when another relid held the slot). */
struct chan_mem *hostile_slot(u32 relid);

static inline bool hostile_in_focus(int cls)
{
	return !hs.only || (cls >= 0 && (hs.only >> cls & 1));
}

/* hostile_acts.c: stall, rescind and revoke. */
/* Holds a packet of a stalled channel (starting the stall for ms when ms != 0). */
void hostile_stall_hold(struct host_channel *ch, const void *pkt, u32 len, u32 ms);
/* Releases the stalls that ended (all when force); each channel gets an interrupt. */
void hostile_stall_release(struct vmbus_host *h, bool force);
/* Queues ch's device for a replug at the next tick; false: not possible now. */
bool hostile_rescind_queue(struct host_channel *ch);
void hostile_rescind_run(struct vmbus_host *h);
/* Sends GPADL_TORNDOWN for a live GPADL picked by rs; false if there is none. */
bool hostile_revoke(struct vmbus_host *h, u64 rs, u32 *gpadl, u32 *relid);
/* From the tick: revokes at rate (or the replay's tick entries). */
void hostile_revoke_tick(struct vmbus_host *h);
/* Forgets the acts' state (hostile_reset). */
void hostile_acts_reset(void);

/* Opens the log (once); 0 or -errno. */
int hostile_open_log(void);
/* One mutation: its log line and the counters. */
void hostile_note(bool irq, u64 n, u32 relid, const char *cls, enum hkind k, u64 rs,
		  const char *field, u64 oldv, u64 newv);
/* The same for a tick's mutation (revoke), numbered by the last message's number. */
void hostile_note_tick(u64 n, u32 relid, enum hkind k, u64 rs, const char *field, u64 oldv,
		       u64 newv);


#endif /* _FH_HOSTILE_PRIV_H */
