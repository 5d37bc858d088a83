// SPDX-License-Identifier: GPL-2.0-only
/*
 * host_hold.c: when a drained guest->host ring stays masked (see host_hold.h and the
 * "Held rings" note in host_ring.c).
 *
 * By count (every backend that opts in): a look that found HOST_HOLD_MIN_PACKETS or
 * more, or a held ring's look that found some while recent looks averaged about that
 * many.  One request at a time is one per look and is never held this way.
 *
 * By time (a backend that sets idle_max, the NIC): a stream of single packets, each
 * written soon after the host looked, is as busy as a batch: a look that found some
 * within (idle_max + 1) hold intervals of the one before holds, a held ring that keeps
 * finding packets stays held, and it is unmasked after idle_max empty looks in a row.
 * A packet now and then (a ping, a request answered after a think) arrives after the
 * gap and is never delayed.  Holding is legal for any guest: a guest that finds
 * interrupt_mask set simply does not signal (drivers/hv/ring_buffer.c
 * hv_signal_on_write), and the host reads what it wrote at the next look.
 */
#include "host_hold.h"

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

bool host_hold_decide(struct host_hold_state *s, const struct host_hold_look *l)
{
	bool busy;

	s->avg16 = (s->avg16 * 3 + min_u32(l->found, 64) * 16) / 4;
	busy = l->found >= HOST_HOLD_MIN_PACKETS ||
	       (l->recheck && l->found && s->avg16 >= HOST_HOLD_MIN_PACKETS * 16 - 8);
	if (!l->hold_ns) {
		s->idle = 0;
		return false;
	}
	if (l->idle_max) {
		if (l->found && (l->recheck ||
				 l->gap_ns / (l->idle_max + 1) < l->hold_ns))
			busy = true;
		if (l->found || !l->recheck) {
			s->idle = 0;
		} else if (s->idle < l->idle_max) {
			s->idle++;
			busy = true;	/* an empty look at a held ring: look again */
		} else {
			s->idle = 0;
			busy = false;
		}
	}
	return busy;
}
