/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostile.h: the fake host's seeded hostile mode (docs/hostile.md).  It sits at the two
 * places everything for the guest passes: host_ring.c's chan_write() (every ring
 * packet) and main.c's notifier (every channel message), plus the channel interrupt.
 * Per message it decides, from its own PRNG (splitmix64, never rand()), whether and
 * how to mutate it: blind (truncate, extend, bit flips), by structure (one named field
 * set to a boundary value; hostile_fields.c), or in sequence (duplicate, replay an
 * earlier one, drop, reorder, forge a completion); interrupts may be dropped,
 * duplicated or delayed.  Each mutation is one log line; --hostile-replay reapplies a
 * log's mutations at the same message numbers.
 */
#ifndef _FH_HOSTILE_H
#define _FH_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "hvis/types.h"

struct vmbus_host;
struct host_channel;
struct event_log;

/* A field a structure-aware mutation may set: name, byte offset, size (1, 2, 4, 8). */
struct hostile_field {
	const char *name;
	u16 off;
	u8 size;
};

struct hostile_table {
	u32 key;
	const struct hostile_field *f;
	unsigned int n;
};

/*
 * hostile_fields.c: appends to out (holding have, room for max) the n fields of f moved
 * by base bytes that lie wholly inside len bytes; the new count.
 */
unsigned int hostile_add_fields(struct hostile_field *out, unsigned int have, unsigned int max,
				const struct hostile_field *f, unsigned int n, u32 base, u32 len);
/* hostile_fields.c: the fields of a channel message / a ring packet that fit its len. */
unsigned int hostile_msg_fields(const void *msg, u32 len, struct hostile_field *out,
				unsigned int max);
unsigned int hostile_pkt_fields(const char *cls, const void *pkt, u32 len,
				struct hostile_field *out, unsigned int max);
/* hostile_rndis.c: the fields of an RNDIS message of len bytes. */
unsigned int hostile_rndis_fields(const void *msg, u32 len, struct hostile_field *out,
				  unsigned int max);

/* Writes a packet that holds its descriptor to ch's host->guest ring (host_ring.c). */
typedef int (*hostile_put_fn)(struct host_channel *ch, const void *pkt, u32 len);
/* Sends a channel message to the guest (main.c's link_send wrapper). */
typedef void (*hostile_msg_fn)(void *ctx, u32 cpu, const void *msg, u32 len);

/* "SEED[,RATE]": RATE in (0, 1], default 0.05.  0 or -EINVAL. */
int hostile_parse(const char *arg, u64 *seed, double *rate);

/*
 * The classes only= names: the device classes as `ctl offer` takes them, then "bus"
 * (channel messages).  Index of a class name ("chanmsg:N" is bus), or -1.
 */
#define HOSTILE_NCLASS	17
#define HOSTILE_CLASS_BUS	16
int hostile_class_index(const char *name);
/* The opt-in kinds with= names: bits of hostile_set_focus's with. */
#define HOSTILE_WITH_STALL	1u
#define HOSTILE_WITH_RESCIND	2u
#define HOSTILE_WITH_REVOKE	4u
#define HOSTILE_WITH_RNDIS	8u
/*
 * One option after SEED[,RATE]: "only=CLASS[,CLASS...]" (ORed into *only, a bit per
 * class index) or "with=KIND[,KIND...]" (into *with).  0 or -EINVAL.
 */
int hostile_parse_opt(const char *arg, u32 *only, u32 *with);
/* The focus (0: every class) and the opt-in kinds for the next hostile_start. */
void hostile_set_focus(u32 only, u32 with);
/*
 * "skip=KIND[,KIND...]": base kinds (truncate ... forge) never drawn, their weight
 * given to the others (a campaign that wants a stream to live on leaves out the kinds
 * that end it).  0 and *skip set; -EINVAL for a bad list; 1 if arg is not skip=.
 */
int hostile_parse_skip(const char *arg, u32 *skip);
/* Everything after SEED[,RATE]: only=, with=, skip=, irq= (as `ctl hostile on` takes). */
struct hostile_opts {
	u32 only, with, skip;
	double irq;	/* negative: the messages' rate */
};
/* One option into *o (zeroed by the caller, irq -1); 0 or -EINVAL. */
int hostile_parse_option(const char *arg, struct hostile_opts *o);
/* Sets focus, opt-in kinds, skipped kinds and interrupt rate for the next start. */
void hostile_apply_opts(const struct hostile_opts *o);
/*
 * "irq=RATE": interrupts are mutated at RATE in [0, 1] instead of the messages' rate (a
 * campaign that wants many messages keeps dropped interrupts from stalling its
 * channels).  0 and *irq_rate set; -EINVAL for a bad value; 1 if arg is not irq=.
 */
int hostile_parse_irq(const char *arg, double *irq_rate);
/* Whether the mode stalls relid's channel now (it sends the guest nothing meanwhile). */
bool hostile_stalled(u32 relid);
/* The interrupt rate for the next hostile_start; negative: the messages' rate. */
void hostile_set_irq_rate(double irq_rate);
/* Where the log goes (opened at the first start); NULL keeps the default. */
void hostile_set_log(const char *path);
/* Turns the mode on with a seed and rate; 0 or -errno (the log cannot be opened). */
int hostile_start(u64 seed, double rate);
/*
 * Turns it off: held packets and messages go out, delayed and dropped interrupts are
 * raised (the host behaves again), counters stay for status.
 */
void hostile_stop(struct vmbus_host *h);
/* Loads a log for replay and turns replay on; 0 or -errno with err set. */
int hostile_replay_load(const char *path, char *err, size_t errlen);
bool hostile_on(void);
/* Forgets everything (state, counters, numbering, replay table; closes the log): tests. */
void hostile_reset(void);

/*
 * Every ring packet: pkt holds the descriptor (len8 matching len).  Counts it and, when
 * on, may write something else (or nothing, or more) through put.  Returns put's
 * answer for the packet the caller asked for (0 when it was dropped on purpose).
 */
int hostile_packet(struct host_channel *ch, const void *pkt, u32 len, hostile_put_fn put);
/*
 * Numbers ch's next packet and decides on it: whether hostile_packet() must see it (a
 * cheap test before building pkt).
 */
bool hostile_packet_wanted(struct host_channel *ch);
/*
 * The NIC filled a receive section: buf holds the RNDIS message (len bytes, the
 * section cap bytes); the next packet (the transfer-page packet naming it) may, with
 * kind rndis, have the message changed in place, never past len.
 */
void hostile_rndis(void *buf, u32 len, u32 cap);
/* Every channel message. */
void hostile_msg(void *ctx, u32 cpu, const void *msg, u32 len, hostile_msg_fn send);
/* Before a channel interrupt: how many to raise now (0, 1 or 2). */
unsigned int hostile_signal(struct host_channel *ch);
/* From the host's tick: delayed interrupts go out. */
void hostile_tick(struct vmbus_host *h);
/* `ctl hostile status`: state, counts by kind and by field. */
void hostile_status(char *buf, size_t len);
/*
 * hostile_ctl.c: `ctl hostile on SEED[,RATE] [only=] [with=] [irq=] | off | status`;
 * output to out, 0 or -1 with err (errlen bytes) set.
 */
int hostile_ctl(struct vmbus_host *h, struct event_log *ev, int argc, char **argv, FILE *out,
		char *err, size_t errlen);

#endif /* _FH_HOSTILE_H */
