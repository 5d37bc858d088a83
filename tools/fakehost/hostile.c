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
#include "hostile.h"
#include "vmbus_host.h"
#include "hvis/ring_proto.h"

enum hkind {
	HK_NONE, HK_TRUNC, HK_EXTEND, HK_FLIP, HK_FIELD, HK_DUP, HK_DROP, HK_REORDER,
	HK_REPLAY, HK_FORGE, HK_IRQ_DROP, HK_IRQ_DUP, HK_IRQ_DELAY, HK_COUNT
};

static const char *const kind_names[HK_COUNT] = {
	"none", "truncate", "extend", "bitflip", "field", "duplicate", "drop", "reorder",
	"replay", "forge", "irq_drop", "irq_dup", "irq_delay",
};

/* Weights (out of 100) of the kinds for packets and for channel messages. */
static const u8 pkt_weights[HK_COUNT] = {
	[HK_TRUNC] = 10, [HK_EXTEND] = 8, [HK_FLIP] = 15, [HK_FIELD] = 35, [HK_DUP] = 8,
	[HK_DROP] = 5, [HK_REORDER] = 6, [HK_REPLAY] = 6, [HK_FORGE] = 7,
};
static const u8 msg_weights[HK_COUNT] = {
	[HK_TRUNC] = 12, [HK_EXTEND] = 8, [HK_FLIP] = 15, [HK_FIELD] = 40, [HK_DUP] = 10,
	[HK_DROP] = 5, [HK_REORDER] = 5, [HK_REPLAY] = 5,
};

#define SLOTS		64	/* per-channel memory, direct-mapped by relid */
#define KEEP_MAX	8192u	/* the largest packet kept for replay / reorder */
#define EXTEND_MAX	4096u
#define MAX_FIELDS	48
#define FIELD_NAMES	192
#define DELAYED_MAX	64

struct chan_mem {
	u32 relid;
	bool used;
	u8 *last;		/* the last packet sent (for replay) */
	u32 last_len;
	u8 *held;		/* a packet held back (reorder) */
	u32 held_len;
};

struct replay_ent {
	u64 n;
	bool irq;
	u8 kind;
	u64 rs;
};

static struct {
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
	u32 owed[DELAYED_MAX];	/* dropped interrupts, raised when the mode stops */
	unsigned int nowed;
	struct replay_ent *rep;
	size_t nrep, rep_pos[2];
	/* The decision for the packet hostile_packet_wanted() counted. */
	enum hkind next_kind;
	u64 next_rs, next_n;
} hs = { .rate = 0.05 };

/* splitmix64 (public domain algorithm by S. Vigna): the engine's only randomness. */
static u64 sm64(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static u32 below(u64 *s, u32 n)
{
	return n ? (u32)(sm64(s) % n) : 0;
}

static double unit(u64 *s)
{
	return (double)(sm64(s) >> 11) / (double)(1ull << 53);
}

int hostile_parse(const char *arg, u64 *seed, double *rate)
{
	char *end;

	*seed = strtoull(arg, &end, 0);
	if (end == arg || (*end && *end != ','))
		return -EINVAL;
	*rate = 0.05;
	if (*end == ',') {
		*rate = strtod(end + 1, &end);
		if (*end || !(*rate > 0.0 && *rate <= 1.0))
			return -EINVAL;
	}
	return 0;
}

void hostile_set_log(const char *path)
{
	hs.log_path = path;
}

static int open_log(void)
{
	if (hs.log)
		return 0;
	hs.log = fopen(hs.log_path ? hs.log_path : "hostile.log", "w");
	if (!hs.log)
		return -errno;
	setvbuf(hs.log, NULL, _IOLBF, 0);
	return 0;
}

int hostile_start(u64 seed, double rate)
{
	int ret = open_log();

	if (ret)
		return ret;
	hs.seed = seed;
	hs.rate = rate;
	hs.prng = seed;
	hs.on = true;
	fprintf(hs.log, "# hostile on seed=%llu rate=%.4f at msg=%llu irq=%llu\n",
		(unsigned long long)seed, rate, (unsigned long long)hs.msgno,
		(unsigned long long)hs.irqno);
	return 0;
}

bool hostile_on(void)
{
	return hs.on;
}

static void count_field(const char *name)
{
	unsigned int i;

	for (i = 0; i < hs.nfields; i++)
		if (!strcmp(hs.fields[i].name, name)) {
			hs.fields[i].count++;
			return;
		}
	if (hs.nfields < FIELD_NAMES) {
		hs.fields[hs.nfields].name = name;
		hs.fields[hs.nfields++].count = 1;
	}
}

/* One log line and the counters. */
static void note(bool irq, u64 n, u32 relid, const char *cls, enum hkind k, u64 rs,
		 const char *field, u64 oldv, u64 newv)
{
	hs.mutated++;
	hs.kinds[k]++;
	if (field)
		count_field(field);
	if (!hs.log)
		return;
	fprintf(hs.log, "hostile seed=%llu %s=%llu relid=%u class=%s kind=%s field=%s",
		(unsigned long long)hs.seed, irq ? "irq" : "msg", (unsigned long long)n, relid,
		cls, kind_names[k], field ? field : "-");
	if (field)
		fprintf(hs.log, " change=0x%llx->0x%llx", (unsigned long long)oldv,
			(unsigned long long)newv);
	else
		fprintf(hs.log, " change=-");
	fprintf(hs.log, " rs=%llx\n", (unsigned long long)rs);
}

/* The decision for item n: from the replay table, or the PRNG at rate. */
static enum hkind decide(bool irq, u64 n, const u8 *weights, u64 *rs)
{
	u32 r, acc = 0;
	int k;

	if (hs.replay) {
		size_t *p = &hs.rep_pos[irq];

		/* Messages and interrupts are numbered apart: one cursor each. */
		while (*p < hs.nrep && (hs.rep[*p].irq != irq || hs.rep[*p].n < n))
			(*p)++;
		if (*p < hs.nrep && hs.rep[*p].n == n) {
			*rs = hs.rep[*p].rs;
			return (enum hkind)hs.rep[*p].kind;
		}
		return HK_NONE;
	}
	if (!hs.on || unit(&hs.prng) >= hs.rate)
		return HK_NONE;
	*rs = sm64(&hs.prng);
	r = below(&hs.prng, 100);
	for (k = 0; k < HK_COUNT; k++) {
		acc += weights[k];
		if (r < acc)
			return (enum hkind)k;
	}
	return HK_FIELD;
}

static struct chan_mem *slot_of(u32 relid)
{
	struct chan_mem *m = &hs.slots[relid % SLOTS];

	if (!m->used || m->relid != relid) {
		free(m->last);
		free(m->held);
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

bool hostile_packet_wanted(void)
{
	hs.next_n = ++hs.msgno;
	hs.seen += hs.on;
	hs.next_kind = decide(false, hs.next_n, pkt_weights, &hs.next_rs);
	return hs.next_kind != HK_NONE || hs.on;
}

int hostile_packet(struct host_channel *ch, const void *pkt, u32 len, hostile_put_fn put)
{
	enum hkind k = hs.next_kind;
	struct chan_mem *m = slot_of(ch->relid);
	u32 cap = ch->out.data_size / 4, nl = len;
	const char *field = NULL;
	u64 oldv = 0, newv = 0, s = hs.next_rs;
	u8 *buf = NULL, *held;
	u32 held_len;
	int ret = 0;

	hs.put = put;
	hs.next_kind = HK_NONE;
	if (cap > len + EXTEND_MAX)
		cap = len + EXTEND_MAX;
	if (k == HK_TRUNC || k == HK_EXTEND || k == HK_FLIP || k == HK_FIELD) {
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
	} else if (k == HK_DROP) {
		ret = 0;
	} else if (k == HK_REORDER && !m->held) {
		keep(&m->held, &m->held_len, pkt, len);
		if (!m->held)
			return put(ch, pkt, len);
		ret = 0;
		note(false, hs.next_n, ch->relid, cls_of(ch), k, s, NULL, 0, 0);
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
		note(false, hs.next_n, ch->relid, cls_of(ch), k, hs.next_rs, field, oldv, newv);
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
	enum hkind k = decide(false, n, msg_weights, &rs);
	const char *field = NULL;
	u32 type = 0, nl = len;
	char cls[24];

	hs.msg_ctx = ctx;
	hs.msg_send = send;
	hs.seen += hs.on;
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
			note(false, n, 0, cls, k, rs, NULL, 0, 0);
			return;
		}
		k = HK_NONE;
		send(ctx, cpu, msg, len);
		break;
	default:
		k = HK_NONE;
		send(ctx, cpu, msg, len);
		break;
	}
	if (k != HK_NONE)
		note(false, n, 0, cls, k, rs, field, oldv, newv);
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
	s = hs.prng;
	k = decide(true, n, msg_weights, &rs);
	if (k == HK_NONE)
		return 1;
	/* The interrupt kinds, chosen by the mutation's own seed. */
	s = rs;
	k = (enum hkind)(HK_IRQ_DROP + below(&s, 3));
	note(true, n, ch->relid, cls_of(ch), k, rs, NULL, 0, 0);
	switch (k) {
	case HK_IRQ_DROP:
		add_relid(hs.owed, &hs.nowed, ch->relid);
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
	raise_set(h, hs.delayed, &hs.ndelayed);
}

void hostile_stop(struct vmbus_host *h)
{
	struct host_channel *ch;
	unsigned int i;

	hs.on = false;
	hs.replay = false;
	for (i = 0; i < SLOTS; i++) {
		struct chan_mem *m = &hs.slots[i];

		ch = m->held ? host_channel_by_relid(h, m->relid) : NULL;
		if (ch && hs.put)
			hs.put(ch, m->held, m->held_len);
		free(m->held);
		m->held = NULL;
	}
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

void hostile_status(char *buf, size_t len)
{
	size_t o;
	unsigned int i;

	o = snprintf(buf, len,
		     "hostile %s seed=%llu rate=%.4f replay=%s messages=%llu interrupts=%llu mutated=%llu log=%s\n",
		     hs.on ? "on" : "off", (unsigned long long)hs.seed, hs.rate,
		     hs.replay ? "yes" : "no", (unsigned long long)hs.seen,
		     (unsigned long long)hs.irqs_seen, (unsigned long long)hs.mutated,
		     hs.log_path ? hs.log_path : "hostile.log");
	for (i = 1; i < HK_COUNT && o < len; i++)
		o += snprintf(buf + o, len - o, "kind %s %llu\n", kind_names[i],
			      (unsigned long long)hs.kinds[i]);
	for (i = 0; i < hs.nfields && o < len; i++)
		o += snprintf(buf + o, len - o, "field %s %llu\n", hs.fields[i].name,
			      (unsigned long long)hs.fields[i].count);
}

static int kind_by_name(const char *s)
{
	int k;

	for (k = 1; k < HK_COUNT; k++)
		if (!strcmp(kind_names[k], s))
			return k;
	return -1;
}

int hostile_replay_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512], kname[32];
	unsigned long long n, rs, seed;
	struct replay_ent *e;
	size_t cap = 0;
	int k;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p, *q;
		bool irq;

		if (line[0] == '#' || strncmp(line, "hostile seed=", 13))
			continue;
		p = strstr(line, " msg=");
		q = strstr(line, " irq=");
		irq = !p;
		if (sscanf(line, "hostile seed=%llu", &seed) != 1 || (!p && !q) ||
		    sscanf(irq ? q + 5 : p + 5, "%llu", &n) != 1 ||
		    !strstr(line, " kind=") || sscanf(strstr(line, " kind=") + 6, "%31s", kname) != 1 ||
		    !strstr(line, " rs=") || sscanf(strstr(line, " rs=") + 4, "%llx", &rs) != 1 ||
		    (k = kind_by_name(kname)) < 0) {
			snprintf(err, errlen, "%s: bad line: %.80s", path, line);
			fclose(f);
			return -EINVAL;
		}
		if (hs.nrep == cap) {
			cap = cap ? cap * 2 : 256;
			e = realloc(hs.rep, cap * sizeof(*e));
			if (!e) {
				fclose(f);
				return -ENOMEM;
			}
			hs.rep = e;
		}
		/* The interrupt kinds are rechosen from rs; any of them stands for all. */
		hs.rep[hs.nrep++] = (struct replay_ent){ n, irq, (u8)k, rs };
		hs.seed = seed;
	}
	fclose(f);
	hs.replay = true;
	hs.rep_pos[0] = hs.rep_pos[1] = 0;
	return open_log();
}
