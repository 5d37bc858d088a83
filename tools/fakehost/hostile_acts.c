// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_acts.c: the hostile mode's opt-in kinds that act on a channel or the bus
 * rather than on one packet's bytes (docs/hostile.md):
 *  - stall: a channel stops answering for a while; its packets are held and go out in
 *    order at the tick after the stall ends, with an interrupt;
 *  - rescind: the channel's device is unplugged in the middle of I/O and plugged again
 *    when the guest releases it (host_replug, at the next tick: never from inside a
 *    backend's own send);
 *  - revoke: GPADL_TORNDOWN for a GPADL the guest created and never asked to tear
 *    down; the host keeps its mapping, only the guest is lied to.
 */
#include <stdio.h>
#include <stdlib.h>
#include "hostile_priv.h"
#include "vmbus_host.h"

#define STALL_MAX	4096u	/* packets one stalled channel holds; more go out */

bool hostile_stalled(u32 relid)
{
	const struct chan_mem *m = &hs.slots[relid % SLOTS];

	return m->used && m->relid == relid && m->stalled;
}

void hostile_stall_hold(struct host_channel *ch, const void *pkt, u32 len, u32 ms)
{
	struct chan_mem *m = hostile_slot(ch->relid);
	struct late_pkt *lp, *q;
	unsigned int n = 0;

	if (ms) {
		m->stalled = true;
		m->stall_until = ch->host->now_ms + ms;
	}
	for (q = m->stall_q; q; q = q->next)
		n++;
	lp = n < STALL_MAX ? malloc(sizeof(*lp) + len) : NULL;
	if (!lp) {
		if (hs.put)
			hs.put(ch, pkt, len);
		return;
	}
	lp->next = NULL;
	lp->relid = ch->relid;
	lp->len = len;
	memcpy(lp->data, pkt, len);
	if (!m->stall_q)
		m->stall_tail = &m->stall_q;
	*m->stall_tail = lp;
	m->stall_tail = &lp->next;
}

/* Sends m's held packets in order; false if the ring filled (the rest waits). */
static bool stall_flush(struct vmbus_host *h, struct chan_mem *m)
{
	struct host_channel *ch = host_channel_by_relid(h, m->relid);
	struct late_pkt *lp;

	while ((lp = m->stall_q)) {
		if (ch && ch->state == CHAN_OPEN && hs.put && hs.put(ch, lp->data, lp->len) == -EAGAIN)
			return false;
		m->stall_q = lp->next;
		free(lp);
	}
	m->stall_tail = NULL;
	m->stalled = false;
	m->stall_until = 0;
	if (ch && ch->state == CHAN_OPEN) {
		ch->stats.interrupts_out++;
		h->notify->signal(h->ctx, ch->target_cpu, ch->relid);
	}
	return true;
}

void hostile_stall_release(struct vmbus_host *h, bool force)
{
	unsigned int i;

	for (i = 0; i < SLOTS; i++) {
		struct chan_mem *m = &hs.slots[i];

		if (!m->used || !m->stalled)
			continue;
		if (force)
			m->stall_until = 0;	/* a full ring: the ticks go on releasing */
		if (h->now_ms >= m->stall_until)
			stall_flush(h, m);
	}
}

bool hostile_rescind_queue(struct host_channel *ch)
{
	struct host_channel *o;
	unsigned int i;

	if (!ch->dev || ch->dev->replug_pending || hs.nrescind == RESCIND_MAX)
		return false;
	for (i = 0; i < hs.nrescind; i++) {
		o = host_channel_by_relid(ch->host, hs.rescind[i]);
		if (hs.rescind[i] == ch->relid || (o && o->dev == ch->dev))
			return false;
	}
	hs.rescind[hs.nrescind++] = ch->relid;
	return true;
}

void hostile_rescind_run(struct vmbus_host *h)
{
	struct host_channel *ch;
	unsigned int i;

	for (i = 0; i < hs.nrescind; i++) {
		ch = host_channel_by_relid(h, hs.rescind[i]);
		/* A subchannel's device is the primary's: the whole device is replugged. */
		if (ch && ch->dev && ch->state != CHAN_REVOKED)
			host_replug(h, ch->dev);
	}
	hs.nrescind = 0;
}

static bool revoked(u32 id)
{
	unsigned int i;

	for (i = 0; i < hs.nrevoked; i++)
		if (hs.revoked[i] == id)
			return true;
	return false;
}

bool hostile_revoke(struct vmbus_host *h, u64 rs, u32 *gpadl, u32 *relid)
{
	struct vmbus_channel_gpadl_torndown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
	};
	struct host_gpadl *g;
	u32 n = 0, pick;
	u64 s = rs;
	char text[64];

	if (!h || hs.nrevoked == REVOKED_MAX)
		return false;
	/* Live: created, and the guest never asked for its teardown. */
	for (g = h->gpadls; g; g = g->next)
		n += g->state == GPADL_CREATED && !revoked(g->id);
	if (!n)
		return false;
	pick = below(&s, n);
	for (g = h->gpadls; g; g = g->next)
		if (g->state == GPADL_CREATED && !revoked(g->id) && !pick--)
			break;
	msg.gpadl = g->id;
	*gpadl = g->id;
	*relid = g->relid;
	hs.revoked[hs.nrevoked++] = g->id;
	snprintf(text, sizeof(text), "gpadl=%#x relid=%u", g->id, g->relid);
	h->notify->event(h->ctx, "HOSTILE_REVOKE", text);
	/* Straight to the guest: the lie is not itself numbered or mutated. */
	if (hs.msg_send)
		hs.msg_send(hs.msg_ctx, h->msg_cpu, &msg, sizeof(msg));
	else
		h->notify->send_msg(h->ctx, h->msg_cpu, &msg, sizeof(msg));
	return true;
}

void hostile_revoke_tick(struct vmbus_host *h)
{
	size_t *p = &hs.rep_pos[HW_TICK];
	double chance = hs.rate * 4;
	u32 id, relid;
	u64 rs;

	if (hs.replay) {
		/* A logged tick revoke happens at the first tick after its message number. */
		while (*p < hs.nrep) {
			const struct replay_ent *e = &hs.rep[*p];

			if (e->where == HW_TICK && e->n > hs.msgno)
				break;
			(*p)++;
			if (e->where == HW_TICK && hostile_revoke(h, e->rs, &id, &relid))
				hostile_note_tick(hs.msgno, relid, HK_REVOKE, e->rs, "gpadl", id, id);
		}
		return;
	}
	if (!hs.on || !(hs.with & HOSTILE_WITH_REVOKE) || !hostile_in_focus(HOSTILE_CLASS_BUS))
		return;
	if (h->now_ms < hs.next_revoke_ms)
		return;
	/* Once a second, with chance 4 x RATE. */
	hs.next_revoke_ms = h->now_ms + 1000;
	if (unit(&hs.tick_prng) >= chance)
		return;
	rs = sm64(&hs.tick_prng);
	if (hostile_revoke(h, rs, &id, &relid))
		hostile_note_tick(hs.msgno, relid, HK_REVOKE, rs, "gpadl", id, id);
}

void hostile_acts_reset(void)
{
	hs.nrescind = 0;
	hs.nrevoked = 0;
}
