// SPDX-License-Identifier: GPL-2.0-only
/*
 * host_ring.c: a channel's ring pair on the host side, over lib/ring.c.  The GPADL
 * given in OPENCHANNEL holds the guest->host ring first and the host->guest ring from
 * page downstream_ringbuffer_pageoffset on; each is one header page plus data
 * (include/linux/hyperv.h struct vmbus_channel_open_channel, drivers/hv/channel.c
 * __vmbus_open).  The mitigation rules are lib/ring.c's: signal on empty -> non-empty
 * when the guest's interrupt_mask is clear; honour pending_send_sz both ways.
 *
 * Held rings: Hyper-V does not take a guest signal per request on a busy storage
 * channel.  Its storage and network channels are offered with a monitor allocated, so
 * upstream's guest signals by setting a bit in the monitor page, which the host scans
 * at an interval (drivers/hv/channel.c vmbus_set_event; include/linux/hyperv.h struct
 * hv_monitor_page, latency); OpenVMM's storvsp keeps a busy queue's interrupts masked
 * and looks again on its own (poll_mode_queue_depth).  Here a backend that opts in
 * (hold_ok) keeps the guest->host ring masked for hold_us after a busy drain, then
 * reads it again as if signalled, and holds again while the looks stay busy;
 * otherwise it unmasks as usual.  What counts as busy is host_hold.c's rule: by count
 * for storage (one request at a time waits for nothing), also by time for the NIC
 * (hold_idle_max: a stream of single frames, each soon after the last look).
 */
#include <stdlib.h>
#include <time.h>
#include "vmbus_host.h"
#include "hostile.h"

int host_chan_map_rings(struct host_channel *ch, struct host_gpadl *g, u32 downstream_pages,
			const char **why)
{
	u32 n = g->npages;
	u8 *base;

	if (downstream_pages < 2 || n < downstream_pages + 2) {
		*why = "downstream_ringbuffer_pageoffset";
		return -EINVAL;
	}
	ch->drained = 0;
	ch->look_max = 0;
	memset(&ch->hold, 0, sizeof(ch->hold));
	ch->last_end_ns = 0;
	ch->hold_until_ns = 0;
	base = guest_mem_map(ch->host->mem, g->pfns, n);
	if (!base) {
		*why = "pfn (cannot map)";
		return -EINVAL;
	}
	if (hvis_ring_init(&ch->in, base, base + GUEST_PAGE_SIZE,
			   (downstream_pages - 1) * GUEST_PAGE_SIZE, false) ||
	    hvis_ring_init(&ch->out, base + (size_t)downstream_pages * GUEST_PAGE_SIZE,
			   base + (size_t)(downstream_pages + 1) * GUEST_PAGE_SIZE,
			   (n - downstream_pages - 1) * GUEST_PAGE_SIZE, false)) {
		guest_mem_unmap(base, n);
		*why = "ring header (read_index)";
		return -EINVAL;
	}
	ch->pkt_buf_len = ch->in.data_size;
	ch->pkt_buf = malloc(ch->pkt_buf_len);
	if (!ch->pkt_buf) {
		guest_mem_unmap(base, n);
		*why = "ring size (host out of memory)";
		return -ENOMEM;
	}
	ch->ring_base = base;
	ch->ring_pages = n;
	return 0;
}

void host_chan_unmap_rings(struct host_channel *ch)
{
	guest_mem_unmap(ch->ring_base, ch->ring_pages);
	ch->ring_base = NULL;
	ch->hold_until_ns = 0;
	ch->ring_pages = 0;
	free(ch->pkt_buf);
	ch->pkt_buf = NULL;
	ch->pkt_buf_len = 0;
	memset(&ch->in, 0, sizeof(ch->in));
	memset(&ch->out, 0, sizeof(ch->out));
}

static void interrupt_guest(struct host_channel *ch)
{
	struct vmbus_host *h = ch->host;
	unsigned int n = hostile_signal(ch);	/* 1, or 0/2 in hostile mode */

	while (n--) {
		ch->stats.interrupts_out++;
		h->notify->signal(h->ctx, ch->target_cpu, ch->relid);
	}
}

/* Writes a packet (descriptor built from type/flags/trans_id, or raw when desc_raw). */
static int ring_put(struct host_channel *ch, bool desc_raw, u16 type, u16 flags,
		    u64 trans_id, const void *data, u32 len)
{
	struct hvis_kvec v = { data, len };
	struct hvis_ring_stats rs = {};
	bool signal = false;
	int ret;

	/*
	 * A guest that accepted a shutdown still flushes its disks and closes its channels:
	 * the host keeps answering until the VM is off (quiesced only stops the host's own
	 * new requests: IC messages, DM requests).
	 */
	if (ch->state != CHAN_OPEN || !ch->ring_base)
		return -EPIPE;
	if (desc_raw)
		ret = hvis_ring_write_raw(&ch->out, &v, 1, &signal, &rs);
	else
		ret = hvis_ring_write_packet(&ch->out, type, flags, trans_id, &v, 1, &signal, &rs);
	if (ret == -EAGAIN) {
		ch->stats.ring_full++;
		return ret;
	}
	if (ret == -EIO) {
		host_guest_error(ch->host, "ring_index", "relid=%u ring=host_to_guest", ch->relid);
		return ret;
	}
	if (ret)
		return ret;
	ch->stats.tx_packets++;
	ch->stats.tx_bytes += rs.bytes;	/* descriptor and payload, as rx_bytes */
	if (signal)
		interrupt_guest(ch);
	return 0;
}

static int put_raw(struct host_channel *ch, const void *pkt, u32 len)
{
	return ring_put(ch, true, 0, 0, 0, pkt, len);
}

/*
 * Every packet for the guest: the hostile mode (hostile.c) counts it and may change
 * it; it sees the whole packet, so an inband one is built here with its descriptor.
 */
static int chan_write(struct host_channel *ch, bool desc_raw, u16 type, u16 flags,
		      u64 trans_id, const void *data, u32 len)
{
	struct vmpacket_descriptor d;
	u32 total;
	u8 *pkt;
	int ret;

	if (!hostile_packet_wanted(ch) || ch->state != CHAN_OPEN || !ch->ring_base)
		return ring_put(ch, desc_raw, type, flags, trans_id, data, len);
	if (desc_raw)
		return hostile_packet(ch, data, len, put_raw);
	total = sizeof(d) + len;
	if (total / 8 > 0xffff)
		return ring_put(ch, desc_raw, type, flags, trans_id, data, len);
	pkt = malloc((total + 7) & ~7u);
	if (!pkt)
		return -ENOMEM;
	d.type = type;
	d.offset8 = sizeof(d) / 8;
	d.len8 = (u16)((total + 7) / 8);
	d.flags = flags;
	d.trans_id = trans_id;
	memcpy(pkt, &d, sizeof(d));
	memcpy(pkt + sizeof(d), data, len);
	memset(pkt + total, 0, ((total + 7) & ~7u) - total);
	ret = hostile_packet(ch, pkt, (total + 7) & ~7u, put_raw);
	free(pkt);
	return ret;
}

int host_chan_send(struct host_channel *ch, u16 type, u16 flags, u64 trans_id,
		   const void *data, u32 len)
{
	return chan_write(ch, false, type, flags, trans_id, data, len);
}

int host_chan_send_raw(struct host_channel *ch, const void *pkt, u32 len)
{
	return chan_write(ch, true, 0, 0, 0, pkt, len);
}

void host_chan_want_room(struct host_channel *ch, u32 bytes)
{
	if (ch->ring_base)
		hvis_ring_set_pending_send(&ch->out, bytes);
}

bool host_chan_out_unread(const struct host_channel *ch)
{
	return ch->ring_base &&
	       hvis_read_once(ch->out.hdr->write_index) != hvis_read_once(ch->out.hdr->read_index);
}

void host_chan_read_begin(struct host_channel *ch)
{
	hvis_ring_begin_read(&ch->in);
}

int host_chan_peek(struct host_channel *ch)
{
	u32 needed = 0;
	int ret;

	if (!ch->ring_base)
		return -EAGAIN;
	ret = hvis_ring_peek(&ch->in, ch->pkt_buf, ch->pkt_buf_len, &needed);
	if (ret == -EIO || ret == -ENOBUFS) {
		host_guest_error(ch->host, "ring_index", "relid=%u ring=guest_to_host", ch->relid);
		ch->in.broken = true;
		return -EIO;
	}
	return ret;
}

void host_chan_consume(struct host_channel *ch, u32 len)
{
	hvis_ring_advance(&ch->in, len);
	ch->drained++;
	ch->stats.rx_packets++;
	ch->stats.rx_bytes += len;
}

void host_chan_read_commit(struct host_channel *ch)
{
	/* What this look found; a busy ring is one whose single looks find several. */
	if (ch->drained > ch->look_max)
		ch->look_max = ch->drained;
	ch->drained = 0;
	if (ch->ring_base && !ch->read_frozen && hvis_ring_commit_read(&ch->in, NULL))
		interrupt_guest(ch);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* True if the guest wrote more within poll_us, while its signals stay masked. */
static bool poll_for_more(struct host_channel *ch)
{
	u64 deadline;

	if (!ch->host->poll_us)
		return false;
	deadline = now_ns() + (u64)ch->host->poll_us * 1000;
	do {
		if (hvis_ring_bytes_to_read(&ch->in))
			return true;
		__builtin_ia32_pause();
	} while (now_ns() < deadline);
	return false;
}

bool host_chan_read_end(struct host_channel *ch)
{
	u32 found = ch->drained > ch->look_max ? ch->drained : ch->look_max;
	u64 now = now_ns();
	struct host_hold_look l = {
		.found = found,
		.recheck = ch->hold_recheck,
		.gap_ns = ch->last_end_ns ? now - ch->last_end_ns : HOST_HOLD_NO_GAP,
		.hold_ns = ch->hold_ok ? (u64)ch->host->hold_us * 1000 : 0,
		.idle_max = ch->hold_idle_max,
	};
	bool busy = host_hold_decide(&ch->hold, &l);

	ch->last_end_ns = now;
	ch->drained = 0;
	ch->look_max = 0;
	ch->hold_until_ns = 0;
	ch->hold_recheck = false;
	if (!ch->ring_base)
		return false;
	/*
	 * A frozen read index: the guest sees its ring as never read, so it never signals
	 * again; the host looks on its own every 10 ms, as for a held ring.
	 */
	if (ch->read_frozen) {
		ch->hold_until_ns = now + 10 * 1000 * 1000;
		return false;
	}
	if (hvis_ring_commit_read(&ch->in, NULL))
		interrupt_guest(ch);
	if (busy) {
		/* The mask stays set: host_hold_service() reads the ring again. */
		ch->hold_until_ns = now + l.hold_ns;
		ch->stats.holds++;
		return false;
	}
	/*
	 * A guest sending at full speed usually writes again within microseconds.  Polling
	 * briefly with its signals still masked, as vhost-net's busy polling does, turns
	 * one signal per short gap into one per burst (make bench counts them).
	 */
	if (poll_for_more(ch))
		return true;
	return hvis_ring_end_read(&ch->in) > 0;
}

s64 host_hold_next_ns(const struct vmbus_host *h)
{
	const struct host_channel *ch;
	u64 first = 0, now;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->hold_until_ns && (!first || ch->hold_until_ns < first))
			first = ch->hold_until_ns;
	if (!first)
		return -1;
	now = now_ns();
	return first > now ? (s64)(first - now) : 0;
}

void host_hold_service(struct vmbus_host *h)
{
	struct host_channel *ch;
	u64 now = now_ns();

	/* A backend's packets() may close channels: look up the next due one each time. */
	do {
		for (ch = h->channels; ch; ch = ch->next)
			if (ch->hold_until_ns && ch->hold_until_ns <= now)
				break;
		if (!ch)
			return;
		ch->hold_until_ns = 0;
		ch->hold_recheck = true;
		if (ch->state == CHAN_OPEN && ch->dev && ch->ring_base)
			ch->dev->ops->packets(ch);
	} while (true);
}
