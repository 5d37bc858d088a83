// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile.c: the seeded hostile mode's engine (hostile.h, docs/hostile.md).  Every
 * ring packet and channel message gets a global number (counted from the fake host's
 * start, on or off, so a replay log's numbers mean the same thing in a later run).
 * While on, each one is mutated with probability RATE; the kind comes from the main
 * PRNG and every choice inside the mutation from a per-mutation seed (rs) that the log
 * records, so a replay needs only (number, kind, rs) to redo it on the same input.
 * Packets keep their ring framing (len8 follows the new length, offset8 stays within
 * the packet); nothing is written but through the caller's put/send.
 */
#include <stdio.h>
#include <stdlib.h>
#include "hostile_priv.h"
#include "vmbus_host.h"
#include "hvis/ring_proto.h"

/* Weights (out of 100) of the kinds for packets and for channel messages. */
static const u8 pkt_weights[HK_COUNT] = {
	[HK_TRUNC] = 10, [HK_EXTEND] = 8, [HK_FLIP] = 15, [HK_FIELD] = 35, [HK_DUP] = 8,
	[HK_DROP] = 5, [HK_REORDER] = 6, [HK_REPLAY] = 6, [HK_FORGE] = 7,
};
static const u8 msg_weights[HK_COUNT] = {
	[HK_TRUNC] = 12, [HK_EXTEND] = 8, [HK_FLIP] = 15, [HK_FIELD] = 40, [HK_DUP] = 10,
	[HK_DROP] = 5, [HK_REORDER] = 5, [HK_REPLAY] = 5,
};
/*
 * The opt-in kinds (with=), added to the 100 above only when enabled: without them
 * the draw is the same as before they existed, so a seed keeps its meaning.
 */
static const u8 pkt_opt_weights[HK_COUNT] = {
	[HK_STALL] = 3, [HK_RESCIND] = 1, [HK_RNDIS] = 10,
};
static const u8 msg_opt_weights[HK_COUNT] = { [HK_REVOKE] = 5 };

struct hostile_state hs = { .rate = 0.05, .irq_rate = -1 };

static void free_queue(struct late_pkt **q)
{
	while (*q) {
		struct late_pkt *lp = *q;

		*q = lp->next;
		free(lp);
	}
}

int hostile_start(u64 seed, double rate)
{
	int ret = hostile_open_log();

	if (ret)
		return ret;
	hs.seed = seed;
	hs.rate = rate;
	hs.prng = seed;
	/* The tick's revokes draw from their own stream: tick timing moves nothing else. */
	hs.tick_prng = seed ^ 0x7265766f6b65ull;
	hs.next_revoke_ms = 0;
	hs.on = true;
	fprintf(hs.log, "# hostile on seed=%llu rate=%.4f at msg=%llu irq=%llu\n",
		(unsigned long long)seed, rate, (unsigned long long)hs.msgno,
		(unsigned long long)hs.irqno);
	return 0;
}

void hostile_reset(void)
{
	unsigned int i;

	for (i = 0; i < SLOTS; i++) {
		free(hs.slots[i].last);
		free(hs.slots[i].held);
		free_queue(&hs.slots[i].stall_q);
	}
	hostile_acts_reset();
	while (hs.late) {
		struct late_pkt *lp = hs.late;

		hs.late = lp->next;
		free(lp);
	}
	free(hs.rep);
	if (hs.log)
		fclose(hs.log);
	memset(&hs, 0, sizeof(hs));
	hs.rate = 0.05;
	hs.irq_rate = -1;
}

bool hostile_on(void)
{
	return hs.on;
}

/* An opt-in kind's weight for an item of class cls (0: not enabled or not for it). */
static u32 opt_weight(const u8 *opt, int k, int cls)
{
	if (!opt || !(hs.with >> (k - HK_FIRST_OPT) & 1))
		return 0;
	if (k == HK_RNDIS && cls != HOSTILE_CLASS_NIC)
		return 0;	/* RNDIS bodies are the NIC's */
	if (k == HK_RESCIND && (cls < 0 || cls == HOSTILE_CLASS_HVSOCK))
		return 0;	/* hvsock devices are transient: nothing to plug again */
	return opt[k];
}

/* A kind's weight in the draw: a base kind's unless skipped (skip=), an opt-in's. */
static u32 kind_weight(const u8 *weights, const u8 *opt, u32 skip, int k, int cls)
{
	if (k >= HK_FIRST_OPT)
		return opt_weight(opt, k, cls);
	return skip >> k & 1 ? 0 : weights[k];
}

/*
 * The decision for item n of class cls: from the replay table, or the PRNG at rate.
 * An item outside the focus (only=) draws nothing, so the others' draws stay.
 */
static enum hkind decide(enum hwhere w, u64 n, const u8 *weights, const u8 *opt, int cls,
			 u64 *rs)
{
	/* An interrupt's draw only says whether; skip= is about messages. */
	u32 r, acc = 0, total = 0, skip = w == HW_IRQ ? 0 : hs.skip;
	int k;

	if (hs.replay) {
		size_t *p = &hs.rep_pos[w];

		/* Messages, interrupts and ticks are numbered apart: one cursor each. */
		while (*p < hs.nrep && (hs.rep[*p].where != w || hs.rep[*p].n < n))
			(*p)++;
		if (*p < hs.nrep && hs.rep[*p].n == n) {
			*rs = hs.rep[*p].rs;
			return (enum hkind)hs.rep[*p].kind;
		}
		return HK_NONE;
	}
	if (!hs.on || !hostile_in_focus(cls) ||
	    unit(&hs.prng) >= (w == HW_IRQ && hs.irq_rate >= 0 ? hs.irq_rate : hs.rate))
		return HK_NONE;
	*rs = sm64(&hs.prng);
	for (k = 0; k < HK_COUNT; k++)
		total += kind_weight(weights, opt, skip, k, cls);
	if (!total)
		return HK_NONE;	/* every kind skipped */
	r = below(&hs.prng, total);
	for (k = 0; k < HK_COUNT; k++) {
		acc += kind_weight(weights, opt, skip, k, cls);
		if (r < acc)
			return (enum hkind)k;
	}
	return HK_FIELD;
}

struct chan_mem *hostile_slot(u32 relid)
{
	struct chan_mem *m = &hs.slots[relid % SLOTS];

	if (!m->used || m->relid != relid) {
		free(m->last);
		free(m->held);
		free_queue(&m->stall_q);
		memset(m, 0, sizeof(*m));
		m->used = true;
		m->relid = relid;
	}
	return m;
}

static void keep(u8 **dst, u32 *dst_len, const void *src, u32 len)
{
	u8 *p;

	if (len > KEEP_MAX)
		return;
	p = realloc(*dst, len ? len : 1);
	if (!p)
		return;
	memcpy(p, src, len);
	*dst = p;
	*dst_len = len;
}

/* A boundary value for a field of size sz holding old, in a message of len bytes. */
static u64 boundary(u64 *s, u8 sz, u64 old, u32 len)
{
	u64 max = sz >= 8 ? ~0ull : (1ull << (sz * 8)) - 1;
	u64 v;

	switch (below(s, 10)) {
	case 0: v = 0; break;
	case 1: v = 1; break;
	case 2: v = max; break;
	case 3: v = old - 1; break;
	case 4: v = old + 1; break;
	case 5: v = len - 1; break;
	case 6: v = len + 1; break;
	case 7: v = (u64)len + 4096 + below(s, 65536); break;	/* past any buffer */
	case 8: v = max >> 1; break;
	default: v = 0xdead0000ull | below(s, 0x10000); break;	/* an id never sent */
	}
	return v & max;
}

static u64 get_le(const u8 *p, u8 sz)
{
	u64 v = 0;

	memcpy(&v, p, sz);
	return v;
}

static void put_le(u8 *p, u8 sz, u64 v)
{
	memcpy(p, &v, sz);
}

/* Fixes a packet's len8 to its length and keeps offset8 inside it. */
static void reframe(u8 *pkt, u32 len)
{
	struct vmpacket_descriptor d;

	memcpy(&d, pkt, sizeof(d));
	d.len8 = (u16)((len + 7) / 8);
	if (d.offset8 > d.len8)
		d.offset8 = d.len8;
	if (d.offset8 < sizeof(d) / 8)
		d.offset8 = sizeof(d) / 8;
	memcpy(pkt, &d, sizeof(d));
}

/*
 * Applies a content mutation (truncate, extend, bitflip, field) to buf in place; buf
 * has room for len + EXTEND_MAX.  first: the first byte it may touch (16 for a packet:
 * its descriptor's framing stays); pkt: a ring packet (fields from the class table).
 * Returns the new length and sets what was done for the log.
 */
static u32 mutate(enum hkind *k, u64 rs, u8 *buf, u32 len, u32 first, u32 cap, const char *cls,
		  bool pkt, const char **field, u64 *oldv, u64 *newv)
{
	struct hostile_field f[MAX_FIELDS];
	u64 s = rs;
	unsigned int n, i, bits;
	u32 nl, at;

	switch (*k) {
	case HK_TRUNC:
		if (len <= first)
			break;
		nl = first + below(&s, len - first);
		if (pkt)
			nl &= ~7u;	/* the guest sees whole 8-byte units */
		*field = "len";
		*oldv = len;
		*newv = nl;
		return nl;
	case HK_EXTEND:
		if (cap <= len)
			break;
		nl = len + 1 + below(&s, cap - len);
		for (i = len; i < nl; i++)
			buf[i] = (u8)sm64(&s);
		*field = "len";
		*oldv = len;
		*newv = nl;
		return nl;
	case HK_FIELD:
		n = pkt ? hostile_pkt_fields(cls, buf, len, f, MAX_FIELDS) :
			  hostile_msg_fields(buf, len, f, MAX_FIELDS);
		if (!n)
			break;
		i = below(&s, n);
		*field = f[i].name;
		*oldv = get_le(buf + f[i].off, f[i].size);
		if (pkt && !strcmp(f[i].name, "desc.offset8"))
			*newv = 2 + below(&s, (len + 7) / 8 - 1);	/* 2 .. len8 */
		else
			*newv = boundary(&s, f[i].size, *oldv, len);
		put_le(buf + f[i].off, f[i].size, *newv);
		return len;
	default:
		break;
	}
	/* A bit flip, and the fallback of the kinds that found nothing to change. */
	*k = HK_FLIP;
	if (len <= first)
		first = pkt ? 8 : 0;	/* a bare descriptor: its trans_id */
	if (len <= first)
		return len;
	bits = 1 + below(&s, 8);
	at = first + below(&s, len - first);
	*field = "byte";
	*oldv = buf[at];
	for (i = 0; i < bits; i++) {
		u32 b = first + below(&s, len - first);

		buf[b] ^= (u8)(1u << below(&s, 8));
	}
	*newv = buf[at];
	return len;
}

static const char *cls_of(const struct host_channel *ch)
{
	return ch->dev ? ch->dev->ops->name : "rescinded";
}

int hostile_chan_class(const struct host_channel *ch)
{
	return ch->dev ? hostile_class_index(ch->dev->ops->name) : -1;
}

bool hostile_packet_wanted(struct host_channel *ch)
{
	int cls = hostile_chan_class(ch);

	hs.next_n = ++hs.msgno;
	if (hs.on) {
		hs.seen++;
		if (cls >= 0)
			hs.cls_seen[cls]++;
	}
	hs.next_kind = HK_NONE;
	/* A stalled channel's packets wait behind the first one, undecided. */
	if (hostile_stalled(ch->relid))
		return true;
	hs.next_kind = decide(HW_MSG, hs.next_n, pkt_weights, pkt_opt_weights, cls, &hs.next_rs);
	return hs.next_kind != HK_NONE || hs.on || hs.replay;
}

void hostile_rndis(void *buf, u32 len, u32 cap)
{
	hs.rndis_buf = buf;
	hs.rndis_len = len < cap ? len : cap;
	hs.rndis_cap = cap;
	hs.rndis_n = hs.msgno + 1;	/* the transfer-page packet that names it */
}

/*
 * An RNDIS message in the NIC's receive section, changed in place: one named field
 * (hostile_rndis.c) set to a boundary value, or 1-8 bit flips; only bytes below len.
 */
static void mutate_rndis(u64 rs, u8 *buf, u32 len, const char **field, u64 *oldv, u64 *newv)
{
	struct hostile_field f[MAX_FIELDS];
	unsigned int n = hostile_rndis_fields(buf, len, f, MAX_FIELDS), i, bits;
	u64 s = rs;
	u32 at;

	if (n && below(&s, 4)) {
		i = below(&s, n);
		*field = f[i].name;
		*oldv = get_le(buf + f[i].off, f[i].size);
		*newv = boundary(&s, f[i].size, *oldv, len);
		put_le(buf + f[i].off, f[i].size, *newv);
		return;
	}
	*field = "rndis.byte";
	if (!len)
		return;
	bits = 1 + below(&s, 8);
	at = below(&s, len);
	*oldv = buf[at];
	for (i = 0; i < bits; i++)
		buf[below(&s, len)] ^= (u8)(1u << below(&s, 8));
	*newv = buf[at];
}

int hostile_packet(struct host_channel *ch, const void *pkt, u32 len, hostile_put_fn put)
{
	enum hkind k = hs.next_kind;
	struct chan_mem *m = hostile_slot(ch->relid);
	u32 cap = ch->out.data_size / 4, nl = len;
	const char *field = NULL;
	u64 oldv = 0, newv = 0, s = hs.next_rs;
	u8 *buf = NULL, *held, *body;
	u32 held_len;
	int ret = 0;

	hs.put = put;
	hs.host = ch->host;
	hs.next_kind = HK_NONE;
	if (hostile_stalled(ch->relid)) {
		hostile_stall_hold(ch, pkt, len, 0);
		return 0;
	}
	body = hs.rndis_n == hs.next_n ? hs.rndis_buf : NULL;
	hs.rndis_buf = NULL;
	if (k == HK_RNDIS && !body)
		k = HK_FIELD;	/* no RNDIS body with this packet: its own fields */
	if (cap > len + EXTEND_MAX)
		cap = len + EXTEND_MAX;
	if (k == HK_STALL) {
		/* The channel stops answering for 1-3 s: this packet and all later ones wait. */
		newv = 1000 + below(&s, 2001);
		field = "ms";
		hostile_note(false, hs.next_n, ch->relid, cls_of(ch), k, hs.next_rs, field, 0, newv);
		hostile_stall_hold(ch, pkt, len, (u32)newv);
		return 0;
	}
	if (k == HK_RESCIND) {
		/* The device goes away in the middle of I/O: this packet is never sent. */
		if (hostile_rescind_queue(ch)) {
			hostile_note(false, hs.next_n, ch->relid, cls_of(ch), k, hs.next_rs, NULL,
				     0, 0);
			return 0;
		}
		k = HK_NONE;	/* a replug is already pending: no mutation */
	}
	if (k == HK_RNDIS) {
		mutate_rndis(s, body, hs.rndis_len, &field, &oldv, &newv);
		ret = put(ch, pkt, len);
		if (ret == -EAGAIN)
			return ret;	/* the NIC copies the message again for its retry */
	} else if (k == HK_TRUNC || k == HK_EXTEND || k == HK_FLIP || k == HK_FIELD) {
		buf = malloc(len + EXTEND_MAX + 8);
		if (!buf)
			return put(ch, pkt, len);
		memcpy(buf, pkt, len);
		nl = mutate(&k, s, buf, len, sizeof(struct vmpacket_descriptor), cap, cls_of(ch),
			    true, &field, &oldv, &newv);
		/* The ring pads to 8 bytes; the padding is what the guest would see. */
		memset(buf + nl, 0, 8);
		nl = (nl + 7) & ~7u;
		reframe(buf, nl);
		ret = put(ch, buf, nl);
		free(buf);
		if (ret == -EAGAIN)
			return ret;	/* the backend retries: a new number, a new decision */
	} else if (k == HK_DROP && hs.nlate < LATE_MAX) {
		struct late_pkt *lp = malloc(sizeof(*lp) + len);

		if (!lp)
			return put(ch, pkt, len);
		lp->next = NULL;
		lp->relid = ch->relid;
		lp->len = len;
		memcpy(lp->data, pkt, len);
		if (!hs.late_tail)
			hs.late_tail = &hs.late;
		*hs.late_tail = lp;
		hs.late_tail = &lp->next;
		hs.nlate++;
		ret = 0;
	} else if (k == HK_REORDER && !m->held) {
		keep(&m->held, &m->held_len, pkt, len);
		if (!m->held)
			return put(ch, pkt, len);
		ret = 0;
		hostile_note(false, hs.next_n, ch->relid, cls_of(ch), k, s, NULL, 0, 0);
		return ret;
	} else if (k == HK_FORGE) {
		u8 fake[KEEP_MAX];
		u32 fl = len < sizeof(fake) ? len : sizeof(fake);
		struct vmpacket_descriptor d;

		memcpy(fake, pkt, fl);
		memcpy(&d, fake, sizeof(d));
		d.type = VM_PKT_COMP;
		d.trans_id = 0xf0f0000000000000ull | (sm64(&s) & 0xffffffffull);
		memcpy(fake, &d, sizeof(d));
		fl &= ~7u;
		reframe(fake, fl);
		if (fl >= sizeof(d))
			put(ch, fake, fl);
		field = "desc.trans_id";
		newv = d.trans_id;
		ret = put(ch, pkt, len);
	} else if (k == HK_REPLAY && m->last) {
		put(ch, m->last, m->last_len);
		ret = put(ch, pkt, len);
	} else if (k == HK_DUP) {
		ret = put(ch, pkt, len);
		if (!ret)
			put(ch, pkt, len);
	} else {
		if (k == HK_REPLAY || k == HK_REORDER)
			k = HK_NONE;	/* nothing to replay yet / already holding one */
		ret = put(ch, pkt, len);
	}
	if (k != HK_NONE)
		hostile_note(false, hs.next_n, ch->relid, cls_of(ch), k, hs.next_rs, field, oldv, newv);
	if (ret)
		return ret;
	keep(&m->last, &m->last_len, pkt, len);
	/* A held packet goes out after the one that followed it. */
	if (m->held) {
		held = m->held;
		held_len = m->held_len;
		m->held = NULL;
		put(ch, held, held_len);
		free(held);
	}
	return 0;
}

void hostile_msg(void *ctx, u32 cpu, const void *msg, u32 len, hostile_msg_fn send)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES];
	u64 n = ++hs.msgno, rs = 0, oldv = 0, newv = 0;
	enum hkind k = decide(HW_MSG, n, msg_weights, msg_opt_weights, HOSTILE_CLASS_BUS, &rs);
	const char *field = NULL;
	u32 type = 0, nl = len, relid = 0, id;
	char cls[24];

	hs.msg_ctx = ctx;
	hs.msg_send = send;
	if (hs.on) {
		hs.seen++;
		hs.cls_seen[HOSTILE_CLASS_BUS]++;
	}
	if (len > sizeof(buf) || (k == HK_NONE && !hs.held_msg_len)) {
		send(ctx, cpu, msg, len);
		return;
	}
	memcpy(buf, msg, len);
	if (len >= 4)
		memcpy(&type, msg, 4);
	snprintf(cls, sizeof(cls), "chanmsg:%u", type);
	switch (k) {
	case HK_TRUNC: case HK_EXTEND: case HK_FLIP: case HK_FIELD:
		nl = mutate(&k, rs, buf, len, 0, sizeof(buf), NULL, false, &field, &oldv, &newv);
		send(ctx, cpu, buf, nl);
		break;
	case HK_DROP:
		break;
	case HK_DUP:
		send(ctx, cpu, msg, len);
		send(ctx, cpu, msg, len);
		break;
	case HK_REPLAY:
		if (type < CHANNELMSG_COUNT && hs.last_msg_len[type])
			send(ctx, cpu, hs.last_msg[type], hs.last_msg_len[type]);
		else
			k = HK_NONE;
		send(ctx, cpu, msg, len);
		break;
	case HK_REORDER:
		if (!hs.held_msg_len) {
			memcpy(hs.held_msg, msg, len);
			hs.held_msg_len = len;
			hs.held_msg_cpu = cpu;
			hostile_note(false, n, 0, cls, k, rs, NULL, 0, 0);
			return;
		}
		k = HK_NONE;
		send(ctx, cpu, msg, len);
		break;
	case HK_REVOKE:
		/* This message goes out; then the lie about a GPADL the guest still uses. */
		send(ctx, cpu, msg, len);
		if (hostile_revoke(hs.host, rs, &id, &relid)) {
			field = "gpadl";
			oldv = newv = id;
		} else {
			k = HK_NONE;
		}
		break;
	default:
		k = HK_NONE;
		send(ctx, cpu, msg, len);
		break;
	}
	if (k != HK_NONE)
		hostile_note(false, n, relid, cls, k, rs, field, oldv, newv);
	if (type < CHANNELMSG_COUNT) {
		memcpy(hs.last_msg[type], msg, len);
		hs.last_msg_len[type] = (u8)len;
	}
	if (hs.held_msg_len) {
		nl = hs.held_msg_len;
		hs.held_msg_len = 0;
		send(ctx, hs.held_msg_cpu, hs.held_msg, nl);
	}
}

static void add_relid(u32 *set, unsigned int *n, u32 relid)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (set[i] == relid)
			return;
	if (*n < DELAYED_MAX)
		set[(*n)++] = relid;
}

unsigned int hostile_signal(struct host_channel *ch)
{
	u64 n = ++hs.irqno, rs = 0, s;
	enum hkind k;

	hs.irqs_seen += hs.on;
	if (!hs.on && !hs.replay)
		return 1;
	k = decide(HW_IRQ, n, msg_weights, NULL, hostile_chan_class(ch), &rs);
	if (k == HK_NONE)
		return 1;
	/* The interrupt kinds, chosen by the mutation's own seed. */
	s = rs;
	k = (enum hkind)(HK_IRQ_DROP + below(&s, 3));
	hostile_note(true, n, ch->relid, cls_of(ch), k, rs, NULL, 0, 0);
	switch (k) {
	case HK_IRQ_DROP:
		if (hs.nowed == DELAYED_MAX)
			return 1;
		hs.owed_at[hs.nowed] = ch->host->now_ms;
		hs.owed[hs.nowed++] = ch->relid;
		return 0;
	case HK_IRQ_DUP:
		return 2;
	default:
		if (hs.ndelayed == DELAYED_MAX)
			return 1;
		add_relid(hs.delayed, &hs.ndelayed, ch->relid);
		return 0;
	}
}

static void raise_set(struct vmbus_host *h, u32 *set, unsigned int *n)
{
	struct host_channel *ch;
	unsigned int i;

	for (i = 0; i < *n; i++) {
		ch = host_channel_by_relid(h, set[i]);
		if (ch && ch->state == CHAN_OPEN) {
			ch->stats.interrupts_out++;
			h->notify->signal(h->ctx, ch->target_cpu, ch->relid);
		}
	}
	*n = 0;
}

void hostile_tick(struct vmbus_host *h)
{
	unsigned int i, n = 0;

	hs.host = h;
	hostile_stall_release(h, false);
	hostile_rescind_run(h);
	hostile_revoke_tick(h);

	raise_set(h, hs.delayed, &hs.ndelayed);
	/*
	 * A dropped interrupt is raised again OWED_MS later: the guest's ring stays
	 * non-empty meanwhile, so no later packet would interrupt it and the channel would
	 * stay silent for the rest of the campaign.
	 */
	for (i = 0; i < hs.nowed; i++) {
		if (h->now_ms - hs.owed_at[i] < OWED_MS) {
			hs.owed_at[n] = hs.owed_at[i];
			hs.owed[n++] = hs.owed[i];
			continue;
		}
		raise_set(h, &hs.owed[i], &(unsigned int){ 1 });
	}
	hs.nowed = n;
}

void hostile_stop(struct vmbus_host *h)
{
	struct host_channel *ch;
	unsigned int i;

	hs.on = false;
	hs.replay = false;
	hs.host = h;
	/* Stalled channels answer again at once (what no longer fits waits for a tick). */
	hostile_stall_release(h, true);
	for (i = 0; i < SLOTS; i++) {
		struct chan_mem *m = &hs.slots[i];

		ch = m->held ? host_channel_by_relid(h, m->relid) : NULL;
		if (ch && hs.put)
			hs.put(ch, m->held, m->held_len);
		free(m->held);
		m->held = NULL;
	}
	while (hs.late) {
		struct late_pkt *lp = hs.late;

		hs.late = lp->next;
		ch = host_channel_by_relid(h, lp->relid);
		if (ch && hs.put)
			hs.put(ch, lp->data, lp->len);
		free(lp);
	}
	hs.late_tail = NULL;
	hs.nlate = 0;
	if (hs.held_msg_len && hs.msg_send)
		hs.msg_send(hs.msg_ctx, hs.held_msg_cpu, hs.held_msg, hs.held_msg_len);
	hs.held_msg_len = 0;
	raise_set(h, hs.delayed, &hs.ndelayed);
	raise_set(h, hs.owed, &hs.nowed);
	/* The host behaves again: one interrupt on every open channel, as after a stall. */
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->state == CHAN_OPEN) {
			ch->stats.interrupts_out++;
			h->notify->signal(h->ctx, ch->target_cpu, ch->relid);
		}
	if (hs.log)
		fprintf(hs.log, "# hostile off at msg=%llu irq=%llu mutated=%llu\n",
			(unsigned long long)hs.msgno, (unsigned long long)hs.irqno,
			(unsigned long long)hs.mutated);
}

