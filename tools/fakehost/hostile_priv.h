/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostile_priv.h: the hostile mode's state, shared by its engine (hostile.c) and its
 * log, status and replay loader (hostile_log.c).  Nothing else includes it.
 */
#ifndef _FH_HOSTILE_PRIV_H
#define _FH_HOSTILE_PRIV_H

#include "hostile.h"
#include "hvis/vmbus_proto.h"

enum hkind {
	HK_NONE, HK_TRUNC, HK_EXTEND, HK_FLIP, HK_FIELD, HK_DUP, HK_DROP, HK_REORDER,
	HK_REPLAY, HK_FORGE, HK_IRQ_DROP, HK_IRQ_DUP, HK_IRQ_DELAY, HK_COUNT
};

extern const char *const hostile_kind_names[HK_COUNT];

#define SLOTS		64	/* per-channel memory, direct-mapped by relid */
#define KEEP_MAX	8192u	/* the largest packet kept for replay / reorder */
#define EXTEND_MAX	4096u
#define MAX_FIELDS	48
#define FIELD_NAMES	192
#define DELAYED_MAX	64
#define LATE_MAX	256	/* packets held until the mode stops */
#define OWED_MS		1000	/* a dropped interrupt is raised again after this */

struct chan_mem {
	u32 relid;
	bool used;
	u8 *last;		/* the last packet sent (for replay) */
	u32 last_len;
	u8 *held;		/* a packet held back (reorder) */
	u32 held_len;
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
	bool irq;
	u8 kind;
	u64 rs;
};

struct hostile_state {
	bool on;
	bool replay;
	u64 seed;
	double rate;
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
	size_t nrep, rep_pos[2];
	/* The decision for the packet hostile_packet_wanted() counted. */
	enum hkind next_kind;
	u64 next_rs, next_n;
};

extern struct hostile_state hs;

/* Opens the log (once); 0 or -errno. */
int hostile_open_log(void);
/* One mutation: its log line and the counters. */
void hostile_note(bool irq, u64 n, u32 relid, const char *cls, enum hkind k, u64 rs,
		  const char *field, u64 oldv, u64 newv);

#endif /* _FH_HOSTILE_PRIV_H */
