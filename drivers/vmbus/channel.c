// SPDX-License-Identifier: GPL-2.0-only
/*
 * channel.c: the class drivers' channel API: open (rings + GPADL + OPENCHANNEL),
 * close, send, receive, and the per-channel tasklet that runs the driver's callback.
 *
 * Facts from drivers/hv/channel.c upstream: one contiguous block holds the outbound
 * ring then the inbound ring, each a 4 KiB header page plus data; one GPADL covers
 * both; OPENCHANNEL carries openid = relid and downstream_ringbuffer_pageoffset = the
 * outbound part's size in 4 KiB pages; close sends CLOSECHANNEL then tears the GPADL
 * down.  Ring rules live in lib/ring.c.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "core.h"

static struct device *chan_dev(struct hvis_channel *ch)
{
	return &ch->vdev->hdev.dev;
}

static void set_state(struct hvis_channel *ch, enum hvis_chan_state state)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->out_lock, flags);
	spin_lock(&ch->in_lock);
	WRITE_ONCE(ch->state, state);
	spin_unlock(&ch->in_lock);
	spin_unlock_irqrestore(&ch->out_lock, flags);
}

bool hvis_channel_is_open(struct hvis_channel *ch)
{
	enum hvis_chan_state st = READ_ONCE(ch->state);

	return st == HVIS_CHAN_OPENED || st == HVIS_CHAN_OPENING;
}

/* A signal is owed: count it as what signal_host() will send.  A ring lock held. */
static void count_signal(struct hvis_channel *ch)
{
	if (ch->monitored)
		ch->monitor_triggers++;
	else
		ch->events++;
}

/*
 * A monitored channel sets its trigger bit in the guest's monitor page (the second
 * one given in INITIATE_CONTACT), and the host finds it when it scans at the
 * latency it chose; no doorbell.  Its relid's bit in the interrupt page is set as
 * well.  Facts: drivers/hv/channel.c vmbus_setevent (6.12), include/linux/hyperv.h
 * struct hv_monitor_page.
 */
static void signal_host(struct hvis_channel *ch)
{
	const struct hvis_transport_ops *ops;
	struct hv_monitor_page *mp;

	rcu_read_lock();
	ops = READ_ONCE(hvis_conn.ops);
	if (ops) {
		/* Without a dedicated interrupt the host looks at the interrupt page too. */
		if ((ch->monitored || !(ch->offer.is_dedicated_interrupt & 1)) &&
		    hvis_conn.int_page)
			set_bit(ch->relid, (unsigned long *)((u8 *)hvis_conn.int_page +
							     HV_HYP_PAGE_SIZE / 2));
		mp = hvis_conn.monitor_pages[1];
		if (ch->monitored && mp)
			set_bit(ch->monitor_bit,
				(unsigned long *)&mp->trigger_group[ch->monitor_grp].pending);
		else
			ops->signal_event(hvis_conn.priv, ch->conn_id);
	}
	rcu_read_unlock();
}

/* The host broke the ring's rules: one error, and -EIO from now on.  Lock held. */
static void mark_broken(struct hvis_channel *ch, const char *which)
{
	if (ch->broken)
		return;
	ch->broken = true;
	dev_err_ratelimited(chan_dev(ch), "channel %u: host broke the %s ring's rules, channel disabled\n",
			    ch->relid, which);
}

static void chan_tasklet_fn(struct tasklet_struct *t)
{
	struct hvis_channel *ch = from_tasklet(ch, t, tasklet);
	hvis_channel_callback cb = READ_ONCE(ch->callback);

	if (READ_ONCE(ch->state) != HVIS_CHAN_OPENED || !cb)
		return;
	/* The driver reads when it likes; the host signals each empty -> non-empty. */
	if (READ_ONCE(ch->read_direct)) {
		cb(ch->context);
		return;
	}
	hvis_ring_begin_read(&ch->in);
	WRITE_ONCE(ch->run_budget, ch->in.data_size);
	cb(ch->context);
	if (!READ_ONCE(ch->run_budget))
		ch->budget_yields++;
	WRITE_ONCE(ch->run_budget, U32_MAX);
	/* The driver drains later and unmasks with hvis_channel_read_done(). */
	if (READ_ONCE(ch->drain_later))
		return;
	/* Packets that came while the interrupt was masked get another run. */
	if (hvis_ring_end_read(&ch->in) && READ_ONCE(ch->state) == HVIS_CHAN_OPENED)
		tasklet_schedule(&ch->tasklet);
}

void hvis_channel_init(struct hvis_channel *ch)
{
	mutex_init(&ch->lock);
	mutex_init(&ch->sc_lock);
	spin_lock_init(&ch->out_lock);
	spin_lock_init(&ch->in_lock);
	tasklet_setup(&ch->tasklet, chan_tasklet_fn);
	ch->run_budget = U32_MAX;
}

static void free_ring_mem(struct hvis_channel *ch)
{
	if (ch->ring_mem_vmalloc)
		vfree(ch->ring_mem);
	else
		free_pages_exact(ch->ring_mem, ch->ring_mem_bytes);
	ch->ring_mem = NULL;
}

/* A kept ring (hvis_channel_keep_ring) outlives the close; its owner frees it. */
static void free_ring(struct hvis_channel *ch)
{
	if (!ch->ring_kept)
		free_ring_mem(ch);
	kvfree(ch->pkt_buf);
	ch->pkt_buf = NULL;
}

/* The host may still own the ring: keep the memory rather than hand it to someone else. */
static void drop_ring(struct hvis_channel *ch, u32 gpadl)
{
	if (hvis_gpadl_teardown(ch, gpadl)) {
		dev_err(chan_dev(ch), "channel %u: host did not release GPADL %#x; %zu bytes leaked\n",
			ch->relid, gpadl, ch->ring_mem_bytes);
		ch->ring_mem = NULL;
		kvfree(ch->pkt_buf);
		ch->pkt_buf = NULL;
		return;
	}
	free_ring(ch);
}

static int alloc_ring(struct hvis_channel *ch, u32 send_bytes, u32 recv_bytes)
{
	size_t hdr = PAGE_SIZE;
	size_t total = 2 * hdr + (size_t)send_bytes + recv_bytes;
	u8 *mem;
	int ret;

	if (total > U32_MAX)
		return -EINVAL;
	if (ch->ring_kept) {
		/* NULL: the host kept the last GPADL of it, so it is lost. */
		if (!ch->ring_mem)
			return -EIO;
		if (total != ch->ring_mem_bytes || send_bytes != ch->ring_kept_send)
			return -EINVAL;
		mem = ch->ring_mem;
		goto rings;
	}
	ch->ring_mem_vmalloc = false;
	mem = alloc_pages_exact(total, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!mem) {
		mem = vzalloc(total);
		ch->ring_mem_vmalloc = true;
	}
	if (!mem)
		return -ENOMEM;
	ch->ring_mem = mem;
	ch->ring_mem_bytes = total;
rings:
	/*
	 * Inbound packets are copied here before anyone parses them: room for the largest
	 * packet the driver declared, at most what the ring can hold (its data size less
	 * one trailer, and never completely full).  Allocated now, in process context,
	 * so the receive path never allocates.
	 */
	ch->pkt_buf_size = recv_bytes - 2 * VMBUS_PKT_TRAILER_BYTES;
	if (ch->max_pkt && ch->max_pkt < ch->pkt_buf_size)
		ch->pkt_buf_size = ALIGN(ch->max_pkt, 8);
	ch->pkt_buf = kvmalloc(ch->pkt_buf_size, GFP_KERNEL);
	if (!ch->pkt_buf) {
		free_ring(ch);
		return -ENOMEM;
	}
	ret = hvis_ring_init(&ch->out, mem, mem + hdr, send_bytes, true);
	if (!ret)
		ret = hvis_ring_init(&ch->in, mem + hdr + send_bytes, mem + 2 * hdr + send_bytes,
				     recv_bytes, true);
	if (ret)
		free_ring(ch);
	return ret;
}

/* CLOSECHANNEL: the host answers nothing; the ring's GPADL teardown follows. */
static void post_close_channel(struct hvis_channel *ch)
{
	struct vmbus_channel_close_channel msg = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = ch->relid,
	};

	hvis_connection_post(&msg, sizeof(msg));
}

/*
 * An open the host never answered may still have opened the channel on its side (its
 * answer lost or garbled), and such a host keeps the ring's GPADL for good.  A close
 * puts both sides back in step, so the teardown that follows gets its answer; a host
 * that had not opened the channel ignores it (OpenVMM's vmbus_server logs a
 * ChannelNotOpen warning: vm/devices/vmbus/vmbus_server/src/channels.rs).
 */
static void close_unanswered_open(struct hvis_channel *ch)
{
	dev_err_ratelimited(chan_dev(ch), "channel %u: no answer to the open in %d s: closing it\n",
			    ch->relid, HVIS_RESPONSE_TIMEOUT / HZ);
	post_close_channel(ch);
}

int hvis_channel_open(struct hvis_channel *ch, u32 send_ring_bytes, u32 recv_ring_bytes,
		      const void *userdata, u32 userdata_len,
		      hvis_channel_callback callback, void *context)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	struct vmbus_channel_open_channel msg = {};
	struct vmbus_channel_open_result result;
	struct hvis_waiter w;
	u32 gpadl = 0;
	int ret;

	if (!ch || !ops || !send_ring_bytes || !recv_ring_bytes ||
	    !PAGE_ALIGNED(send_ring_bytes) || !PAGE_ALIGNED(recv_ring_bytes) ||
	    userdata_len > VMBUS_OFFER_USER_DEFINED_BYTES || (userdata_len && !userdata))
		return -EINVAL;
	might_sleep();
	mutex_lock(&ch->lock);
	if (READ_ONCE(ch->rescinded)) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (ch->state != HVIS_CHAN_CLOSED) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = alloc_ring(ch, send_ring_bytes, recv_ring_bytes);
	if (ret)
		goto out_unlock;
	memset(&ch->out_stats, 0, sizeof(ch->out_stats));
	memset(&ch->in_stats, 0, sizeof(ch->in_stats));
	ch->broken = false;
	ch->out_full = false;

	ret = hvis_gpadl_create(ch, ch->ring_mem, ch->ring_mem_bytes, &gpadl);
	if (ret == -ETIMEDOUT)
		goto err_drop_ring;
	if (ret)
		goto err_free_ring;
	ch->ring_gpadl = gpadl;
	WRITE_ONCE(ch->callback, callback);
	ch->context = context;
	ch->signal_owed = false;
	set_state(ch, HVIS_CHAN_OPENING);

	msg.header.msgtype = CHANNELMSG_OPENCHANNEL;
	msg.child_relid = ch->relid;
	msg.openid = ch->relid;
	msg.ringbuffer_gpadlhandle = gpadl;
	msg.target_vp = ops->vp_index(hvis_conn.priv, ch->target_cpu);
	msg.downstream_ringbuffer_pageoffset = (PAGE_SIZE + send_ring_bytes) / HV_HYP_PAGE_SIZE;
	if (userdata_len)
		memcpy(msg.userdata, userdata, userdata_len);
	hvis_connection_waiter_init(&w, CHANNELMSG_OPENCHANNEL_RESULT, ch->relid, ch->relid,
				    ch->relid);
	hvis_connection_waiter_add(&w);
	ret = hvis_connection_post(&msg, sizeof(msg));
	if (ret) {
		hvis_connection_waiter_wait(&w, 0);
		goto err_close_state;
	}
	ret = hvis_connection_waiter_wait(&w, HVIS_RESPONSE_TIMEOUT);
	if (ret == -ETIMEDOUT && !READ_ONCE(ch->rescinded))
		close_unanswered_open(ch);
	if (ret)
		goto err_close_state;
	memcpy(&result, w.resp, sizeof(result));
	if (result.status) {
		dev_err(chan_dev(ch), "channel %u: host refused to open it: status %#x\n",
			ch->relid, result.status);
		ret = -EIO;
		goto err_close_state;
	}
	set_state(ch, HVIS_CHAN_OPENED);
	/*
	 * The host may write as soon as it has sent the result, and the interrupt for that
	 * finds the channel still opening; it signals again only once the ring was empty,
	 * so what it wrote meanwhile is read now.
	 */
	if (hvis_ring_bytes_to_read(&ch->in))
		tasklet_schedule(&ch->tasklet);
	pr_debug("channel %u opened\n", ch->relid);
	mutex_unlock(&ch->lock);
	return 0;

err_close_state:
	set_state(ch, HVIS_CHAN_CLOSED);
	WRITE_ONCE(ch->callback, NULL);
err_drop_ring:
	drop_ring(ch, gpadl);
	goto out_unlock;
err_free_ring:
	free_ring(ch);
out_unlock:
	mutex_unlock(&ch->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_open);

/* Returns true when the channel was open. */
static bool close_one(struct hvis_channel *ch)
{
	bool release;

	mutex_lock(&ch->lock);
	if (ch->state != HVIS_CHAN_OPENED) {
		mutex_unlock(&ch->lock);
		return false;
	}
	set_state(ch, HVIS_CHAN_CLOSED);
	/* No interrupt handler still sees the old state, and the tasklet is idle. */
	synchronize_rcu();
	tasklet_kill(&ch->tasklet);
	WRITE_ONCE(ch->callback, NULL);
	ch->rescind_callback = NULL;
	if (!READ_ONCE(ch->rescinded))
		post_close_channel(ch);
	drop_ring(ch, ch->ring_gpadl);
	pr_debug("channel %u closed\n", ch->relid);
	release = ch->release_on_close;
	/* The queued release holds a reference, whoever releases the channel first. */
	if (release)
		kobject_get(&ch->kobj);
	mutex_unlock(&ch->lock);
	if (release && !queue_work(hvis_conn.wq, &ch->release_work))
		kobject_put(&ch->kobj);
	return true;
}

void hvis_channel_close(struct hvis_channel *ch)
{
	struct hvis_channel *sc;

	if (!ch)
		return;
	might_sleep();
	/* Subchannels close before their primary (drivers/hv/channel.c vmbus_close). */
	if (!ch->primary) {
		mutex_lock(&ch->sc_lock);
		list_for_each_entry(sc, &ch->sc_list, sc_node)
			close_one(sc);
		mutex_unlock(&ch->sc_lock);
	}
	close_one(ch);
}
EXPORT_SYMBOL_GPL(hvis_channel_close);

/* Core-initiated close of whatever a driver left open. */
void hvis_channel_force_close(struct hvis_channel *ch)
{
	if (close_one(ch))
		dev_warn(chan_dev(ch), "channel %u was left open by its driver; closed\n",
			 ch->relid);
}

/*
 * @defer: the ring's rule (lib/ring.c: signal when the write made an empty ring
 * non-empty and the host listens) is not acted on now but owed; the next send that
 * does not defer, or hvis_channel_kick(), signals for it.
 */
static int send_vec(struct hvis_channel *ch, const struct hvis_kvec *vec, unsigned int nvec,
		    bool raw, u16 type, u16 flags, u64 trans_id, bool defer)
{
	unsigned long irqflags;
	bool signal = false;
	int ret;

	if (!ch)
		return -EINVAL;
	spin_lock_irqsave(&ch->out_lock, irqflags);
	if (READ_ONCE(ch->rescinded))
		ret = -ENODEV;
	else if (ch->broken)
		ret = -EIO;
	else if (ch->state != HVIS_CHAN_OPENED)
		ret = -EINVAL;
	else if (raw)
		ret = hvis_ring_write_raw(&ch->out, vec, nvec, &signal, &ch->out_stats);
	else
		ret = hvis_ring_write_packet(&ch->out, type, flags, trans_id, vec, nvec, &signal,
					     &ch->out_stats);
	if (ret == -EAGAIN) {
		if (!ch->out_full)
			ch->out_full_first++;
		ch->out_full = true;
	} else if (!ret) {
		ch->out_full = false;
	} else if (ret == -EIO) {
		mark_broken(ch, "outbound");
	}
	if (defer) {
		if (signal)
			ch->signal_owed = true;
		signal = false;
	} else if (ch->signal_owed && (!ret || ret == -EAGAIN)) {
		/* Packets written earlier wait for a signal: this one carries it. */
		signal = true;
	}
	if (signal) {
		ch->signal_owed = false;
		count_signal(ch);
	}
	spin_unlock_irqrestore(&ch->out_lock, irqflags);
	if (signal)
		signal_host(ch);
	return ret;
}

int hvis_channel_send(struct hvis_channel *ch, const void *buf, u32 len, u64 trans_id,
		      enum vmbus_packet_type type, u16 flags)
{
	struct hvis_kvec vec = { .base = buf, .len = len };

	return send_vec(ch, &vec, 1, false, type, flags, trans_id, false);
}
EXPORT_SYMBOL_GPL(hvis_channel_send);

int hvis_channel_send_nosignal(struct hvis_channel *ch, const void *buf, u32 len, u64 trans_id,
			       enum vmbus_packet_type type, u16 flags)
{
	struct hvis_kvec vec = { .base = buf, .len = len };

	return send_vec(ch, &vec, 1, false, type, flags, trans_id, true);
}
EXPORT_SYMBOL_GPL(hvis_channel_send_nosignal);

void hvis_channel_kick(struct hvis_channel *ch)
{
	unsigned long irqflags;
	bool signal;

	/* The sends it covers ran before, in this context or under a lock it holds. */
	if (!ch || !READ_ONCE(ch->signal_owed))
		return;
	spin_lock_irqsave(&ch->out_lock, irqflags);
	signal = ch->signal_owed && ch->state == HVIS_CHAN_OPENED;
	ch->signal_owed = false;
	if (signal)
		count_signal(ch);
	spin_unlock_irqrestore(&ch->out_lock, irqflags);
	if (signal)
		signal_host(ch);
}
EXPORT_SYMBOL_GPL(hvis_channel_kick);

static int send_gpa_ranges(struct hvis_channel *ch, const struct vmbus_gpa_range *range,
			   u32 range_cnt, u32 range_bytes, const void *buf, u32 len, u64 trans_id,
			   bool defer);

static int send_gpa_direct(struct hvis_channel *ch, const struct vmbus_gpa_range *range,
			   u32 range_bytes, const void *buf, u32 len, u64 trans_id, bool defer)
{
	return send_gpa_ranges(ch, range, 1, range_bytes, buf, len, trans_id, defer);
}

/*
 * One VM_PKT_DATA_USING_GPA_DIRECT packet with @range_cnt ranges (each a struct
 * vmbus_gpa_range and its PFNs) in @range_bytes: include/linux/hyperv.h
 * vmbus_channel_packet_multipage_buffer / vmbus_sendpacket_pagebuffer.
 */
static int send_gpa_ranges(struct hvis_channel *ch, const struct vmbus_gpa_range *range,
			   u32 range_cnt, u32 range_bytes, const void *buf, u32 len, u64 trans_id,
			   bool defer)
{
	struct vmdata_gpa_direct hdr = {};
	struct hvis_kvec vec[3];
	u32 total = sizeof(hdr) + range_bytes + len;

	if (!range || !range_cnt || range_bytes < range_cnt * sizeof(*range) ||
	    (range_bytes & 7) ||
	    sizeof(hdr) + range_bytes > U16_MAX * 8u || total > U16_MAX * 8u)
		return -EINVAL;
	/* include/linux/hyperv.h vmbus_channel_packet_multipage_buffer: one range. */
	hdr.d.type = VM_PKT_DATA_USING_GPA_DIRECT;
	hdr.d.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	hdr.d.offset8 = (sizeof(hdr) + range_bytes) / 8;
	hdr.d.len8 = (total + 7) / 8;
	hdr.d.trans_id = trans_id;
	hdr.range_cnt = range_cnt;
	vec[0].base = &hdr;
	vec[0].len = sizeof(hdr);
	vec[1].base = range;
	vec[1].len = range_bytes;
	vec[2].base = buf;
	vec[2].len = len;
	return send_vec(ch, vec, len ? 3 : 2, true, 0, 0, 0, defer);
}

int hvis_channel_send_gpa_direct(struct hvis_channel *ch, const struct vmbus_gpa_range *range,
				 u32 range_bytes, const void *buf, u32 len, u64 trans_id)
{
	return send_gpa_direct(ch, range, range_bytes, buf, len, trans_id, false);
}
EXPORT_SYMBOL_GPL(hvis_channel_send_gpa_direct);

int hvis_channel_send_gpa_direct_nosignal(struct hvis_channel *ch,
					  const struct vmbus_gpa_range *range, u32 range_bytes,
					  const void *buf, u32 len, u64 trans_id)
{
	return send_gpa_direct(ch, range, range_bytes, buf, len, trans_id, true);
}
EXPORT_SYMBOL_GPL(hvis_channel_send_gpa_direct_nosignal);

int hvis_channel_send_gpa_ranges(struct hvis_channel *ch, const struct vmbus_gpa_range *ranges,
				 u32 range_cnt, u32 range_bytes, const void *buf, u32 len,
				 u64 trans_id)
{
	return send_gpa_ranges(ch, ranges, range_cnt, range_bytes, buf, len, trans_id, false);
}
EXPORT_SYMBOL_GPL(hvis_channel_send_gpa_ranges);

int hvis_channel_send_gpa_ranges_nosignal(struct hvis_channel *ch,
					  const struct vmbus_gpa_range *ranges, u32 range_cnt,
					  u32 range_bytes, const void *buf, u32 len, u64 trans_id)
{
	return send_gpa_ranges(ch, ranges, range_cnt, range_bytes, buf, len, trans_id, true);
}
EXPORT_SYMBOL_GPL(hvis_channel_send_gpa_ranges_nosignal);

/*
 * Copies the next packet into the private buffer.  in_lock held.  A well-framed
 * packet too big for the buffer gives -ENOBUFS and its length in *too_big.
 */
static int peek_locked(struct hvis_channel *ch, u32 *too_big)
{
	u32 needed = 0;
	int ret;

	if (READ_ONCE(ch->state) != HVIS_CHAN_OPENED)
		return -EINVAL;
	if (ch->broken)
		return -EIO;
	ret = hvis_ring_peek(&ch->in, ch->pkt_buf, ch->pkt_buf_size, &needed);
	if (ret == -ENOBUFS)
		*too_big = needed;
	else if (ret == -EIO)
		mark_broken(ch, "inbound");
	return ret;
}

/* Inside a tasklet run (chan_tasklet_fn), bytes read count against its budget. */
static void spend_run_budget(struct hvis_channel *ch, u32 bytes)
{
	if (ch->run_budget != U32_MAX)
		ch->run_budget -= min(ch->run_budget, bytes);
}

static int recv_common(struct hvis_channel *ch, void *buf, u32 buflen, u64 *trans_id,
		       bool raw)
{
	const struct vmpacket_descriptor *desc;
	unsigned long irqflags;
	bool signal = false;
	u32 off, plen, too_big = 0;
	int ret;

	if (!ch || (buflen && !buf))
		return -EINVAL;
	spin_lock_irqsave(&ch->in_lock, irqflags);
	if (!ch->run_budget) {
		ret = -EAGAIN;		/* this run read a ring's worth: the next one goes on */
		goto out_unlock;
	}
	ret = peek_locked(ch, &too_big);
	if (ret == -ENOBUFS) {
		/* Bigger than the driver said it takes: the host's error.  Skip it. */
		ch->in_dropped++;
		dev_err_ratelimited(chan_dev(ch), "channel %u: host sent a packet of %u bytes, over the %u bytes its driver takes; dropped\n",
				    ch->relid, too_big, ch->pkt_buf_size);
		hvis_ring_advance(&ch->in, too_big);
		spend_run_budget(ch, too_big);
		/* Its trans_id, for a driver whose request it answers (ring.c copied it). */
		if (trans_id && !raw && ch->pkt_buf_size >= sizeof(*desc))
			*trans_id = ((const struct vmpacket_descriptor *)ch->pkt_buf)->trans_id;
		goto commit;
	}
	if (ret < 0)
		goto out_unlock;
	desc = (const void *)ch->pkt_buf;
	off = raw ? 0 : desc->offset8 * 8u;
	plen = (u32)ret - off;
	if (plen > buflen) {
		ch->in_dropped++;
		if (trans_id)
			*trans_id = desc->trans_id;
		ret = -ENOBUFS;
	} else {
		memcpy(buf, ch->pkt_buf + off, plen);
		if (trans_id)
			*trans_id = desc->trans_id;
		ch->in_stats.packets++;
		ch->in_stats.bytes += plen;
		ret = plen;
	}
	hvis_ring_advance(&ch->in, (u32)desc->len8 * 8);
	spend_run_budget(ch, (u32)desc->len8 * 8);
commit:
	signal = hvis_ring_commit_read(&ch->in, &ch->in_stats);
	if (signal)
		count_signal(ch);
out_unlock:
	spin_unlock_irqrestore(&ch->in_lock, irqflags);
	if (signal)
		signal_host(ch);
	return ret;
}

void hvis_channel_set_max_packet(struct hvis_channel *ch, u32 bytes)
{
	ch->max_pkt = bytes;
}
EXPORT_SYMBOL_GPL(hvis_channel_set_max_packet);

void hvis_channel_set_drain_later(struct hvis_channel *ch, bool on)
{
	WRITE_ONCE(ch->drain_later, on);
}
EXPORT_SYMBOL_GPL(hvis_channel_set_drain_later);

void hvis_channel_set_read_direct(struct hvis_channel *ch, bool on)
{
	WRITE_ONCE(ch->read_direct, on);
}
EXPORT_SYMBOL_GPL(hvis_channel_set_read_direct);

u32 hvis_channel_read_avail(struct hvis_channel *ch)
{
	unsigned long irqflags;
	u32 avail = 0;

	spin_lock_irqsave(&ch->in_lock, irqflags);
	if (ch->state == HVIS_CHAN_OPENED && !ch->broken)
		avail = hvis_ring_bytes_to_read(&ch->in);
	spin_unlock_irqrestore(&ch->in_lock, irqflags);
	return avail;
}
EXPORT_SYMBOL_GPL(hvis_channel_read_avail);

void hvis_channel_set_pending_send(struct hvis_channel *ch, u32 bytes)
{
	unsigned long irqflags;

	spin_lock_irqsave(&ch->out_lock, irqflags);
	if (ch->state == HVIS_CHAN_OPENED)
		hvis_ring_set_pending_send(&ch->out, bytes);
	spin_unlock_irqrestore(&ch->out_lock, irqflags);
}
EXPORT_SYMBOL_GPL(hvis_channel_set_pending_send);

const struct vmbus_channel_offer *hvis_channel_offer(struct hvis_channel *ch)
{
	return &ch->offer.offer;
}
EXPORT_SYMBOL_GPL(hvis_channel_offer);

bool hvis_channel_read_done(struct hvis_channel *ch)
{
	unsigned long irqflags;
	bool more = false;

	spin_lock_irqsave(&ch->in_lock, irqflags);
	if (ch->state == HVIS_CHAN_OPENED && !ch->broken)
		more = hvis_ring_end_read(&ch->in) != 0;
	spin_unlock_irqrestore(&ch->in_lock, irqflags);
	return more;
}
EXPORT_SYMBOL_GPL(hvis_channel_read_done);

int hvis_channel_recv(struct hvis_channel *ch, void *buf, u32 buflen, u64 *trans_id)
{
	return recv_common(ch, buf, buflen, trans_id, false);
}
EXPORT_SYMBOL_GPL(hvis_channel_recv);

int hvis_channel_recv_raw(struct hvis_channel *ch, void *buf, u32 buflen)
{
	return recv_common(ch, buf, buflen, NULL, true);
}
EXPORT_SYMBOL_GPL(hvis_channel_recv_raw);

struct hvis_device *hvis_channel_device(struct hvis_channel *ch)
{
	return &ch->vdev->hdev;
}
EXPORT_SYMBOL_GPL(hvis_channel_device);

u32 hvis_channel_relid(struct hvis_channel *ch)
{
	return ch->relid;
}
EXPORT_SYMBOL_GPL(hvis_channel_relid);

unsigned int hvis_channel_target_cpu(struct hvis_channel *ch)
{
	return READ_ONCE(ch->target_cpu);
}
EXPORT_SYMBOL_GPL(hvis_channel_target_cpu);

u16 hvis_channel_subchannel_index(struct hvis_channel *ch)
{
	return ch->subchannel_index;
}
EXPORT_SYMBOL_GPL(hvis_channel_subchannel_index);

bool hvis_channel_rescinded(struct hvis_channel *ch)
{
	return READ_ONCE(ch->rescinded);
}
EXPORT_SYMBOL_GPL(hvis_channel_rescinded);

void hvis_channel_set_rescind_callback(struct hvis_channel *ch, hvis_channel_callback callback)
{
	mutex_lock(&ch->lock);
	ch->rescind_callback = callback;
	mutex_unlock(&ch->lock);
}
EXPORT_SYMBOL_GPL(hvis_channel_set_rescind_callback);

void hvis_channel_set_subchannel_callback(struct hvis_channel *primary,
					  hvis_subchannel_callback callback)
{
	WRITE_ONCE(primary->sc_callback, callback);
}
EXPORT_SYMBOL_GPL(hvis_channel_set_subchannel_callback);

u32 hvis_channel_write_avail(struct hvis_channel *ch)
{
	unsigned long irqflags;
	u32 avail = 0;

	spin_lock_irqsave(&ch->out_lock, irqflags);
	if (ch->state == HVIS_CHAN_OPENED && !ch->broken)
		avail = hvis_ring_bytes_to_write(&ch->out);
	spin_unlock_irqrestore(&ch->out_lock, irqflags);
	return avail;
}
EXPORT_SYMBOL_GPL(hvis_channel_write_avail);

/* For files of hvis_vmbus that signal a channel's host outside a send (channel_uio.c). */
void hvis_channel_signal_host(struct hvis_channel *ch)
{
	signal_host(ch);
}
