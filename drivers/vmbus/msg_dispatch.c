// SPDX-License-Identifier: GPL-2.0-only
/*
 * msg_dispatch.c: the interrupt path.  For the CPU whose SINT 2 fired: scan the
 * event flags and kick the channels' tasklets, and let a per-CPU tasklet take the
 * message out of the SynIC slot, free the slot, validate the copy and dispatch it:
 * answers complete waiting requests, offers and rescinds go to the ordered workqueue.
 *
 * Slot handling (copy, HVMSG_NONE, barrier, EOM if PENDING) follows the TLFS and
 * drivers/hv/vmbus_drv.c vmbus_on_msg_dpc; the event scan follows vmbus_chan_sched.
 */
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "core.h"
#include "msg_validate.h"

/* Messages one tasklet run takes before it yields to other softirqs. */
#define MSGS_PER_RUN	16

struct msg_work {
	struct work_struct work;
	u32 len;
	u8 msg[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8);
};

static void msg_work_fn(struct work_struct *work)
{
	struct msg_work *mw = container_of(work, struct msg_work, work);
	const struct vmbus_channel_message_header *hdr = (const void *)mw->msg;

	switch (hdr->msgtype) {
	case CHANNELMSG_OFFERCHANNEL:
		hvis_channel_mgmt_offer((const void *)mw->msg);
		break;
	case CHANNELMSG_RESCIND_CHANNELOFFER:
		hvis_channel_mgmt_rescind(((const struct vmbus_channel_rescind_offer *)
					   (const void *)mw->msg)->child_relid);
		break;
	case CHANNELMSG_TL_CONNECT_RESULT:
		hvis_hvsock_tl_result((const void *)mw->msg);
		break;
	}
	kfree(mw);
}

static void queue_blocking(const void *msg, u32 len)
{
	const struct vmbus_channel_message_header *hdr = msg;
	struct msg_work *mw = kmalloc(sizeof(*mw), GFP_ATOMIC | __GFP_NOWARN);

	/* Losing an offer or rescind matters: say which one went. */
	if (!mw) {
		pr_err_ratelimited("cannot queue host message %s, dropped\n",
				   hvis_msg_name(hdr->msgtype));
		return;
	}
	mw->len = len;
	memset(mw->msg, 0, sizeof(mw->msg));
	memcpy(mw->msg, msg, len);
	/*
	 * A probe running on wq may wait for its subchannels: they go apart (core.h).
	 * One INIT_WORK site per queue gives each its own lockdep class: a rescind on wq
	 * flushes sub_wq, whose works never wait for wq's, and with one class lockdep saw
	 * a cycle (the debug kernel's t_sanitizers).
	 */
	if (hdr->msgtype == CHANNELMSG_OFFERCHANNEL &&
	    ((const struct vmbus_channel_offer_channel *)msg)->offer.sub_channel_index) {
		INIT_WORK(&mw->work, msg_work_fn);
		queue_work(hvis_conn.sub_wq, &mw->work);
	} else {
		INIT_WORK(&mw->work, msg_work_fn);
		queue_work(hvis_conn.wq, &mw->work);
	}
}

static void complete_or_drop(u32 type, u32 relid, u32 key, const void *msg, u32 len)
{
	if (hvis_connection_waiter_complete(type, relid, key, msg, len))
		return;
	/* GPADL_TORNDOWN names no channel: only its gpadl identifies it. */
	if (relid == HVIS_ANY)
		pr_err_ratelimited("host sent %s for gpadl %#x that nobody waits for, dropped\n",
				   hvis_msg_name(type), key);
	else
		pr_err_ratelimited("host sent %s (relid %u, id %#x) that nobody waits for, dropped\n",
				   hvis_msg_name(type), relid, key);
}

/* @msg is a validated private copy of @len bytes. */
static void handle_msg(const void *msg, u32 len)
{
	u32 type = ((const struct vmbus_channel_message_header *)msg)->msgtype;

	switch (type) {
	case CHANNELMSG_OFFERCHANNEL:
		queue_blocking(msg, len);
		break;
	case CHANNELMSG_RESCIND_CHANNELOFFER: {
		const struct vmbus_channel_rescind_offer *r = msg;

		/* Fail the channel's requests now; the slow part runs in process context. */
		hvis_channel_mgmt_rescind_now(r->child_relid);
		queue_blocking(msg, len);
		break;
	}
	case CHANNELMSG_TL_CONNECT_RESULT:
		/* The hvsock driver takes the socket's lock: process context. */
		queue_blocking(msg, len);
		break;
	case CHANNELMSG_VERSION_RESPONSE:
	case CHANNELMSG_UNLOAD_RESPONSE:
	case CHANNELMSG_ALLOFFERS_DELIVERED:
		complete_or_drop(type, HVIS_ANY, HVIS_ANY, msg, len);
		break;
	case CHANNELMSG_OPENCHANNEL_RESULT: {
		const struct vmbus_channel_open_result *r = msg;

		complete_or_drop(type, r->child_relid, r->openid, msg, len);
		break;
	}
	case CHANNELMSG_GPADL_CREATED: {
		const struct vmbus_channel_gpadl_created *r = msg;

		complete_or_drop(type, r->child_relid, r->gpadl, msg, len);
		break;
	}
	case CHANNELMSG_GPADL_TORNDOWN: {
		const struct vmbus_channel_gpadl_torndown *r = msg;

		complete_or_drop(type, HVIS_ANY, r->gpadl, msg, len);
		break;
	}
	case CHANNELMSG_MODIFYCHANNEL_RESPONSE: {
		const struct vmbus_channel_modifychannel_response *r = msg;

		complete_or_drop(type, r->child_relid, HVIS_ANY, msg, len);
		break;
	}
	default:
		pr_err_ratelimited("host message %s is not handled, dropped\n",
				   hvis_msg_name(type));
		break;
	}
}

static void process_copy(const struct hv_message *m, unsigned int cpu)
{
	u32 len = m->header.payload_size;
	const char *field;

	/* Only VMBus messages are ours; a timer message on SINT 2 is not expected. */
	if (m->header.message_type == HVMSG_TIMER_EXPIRED)
		return;
	if (len > HV_MESSAGE_PAYLOAD_BYTES) {
		pr_err_ratelimited("cpu %u: host message payload_size %u > %u, dropped\n", cpu,
				   len, HV_MESSAGE_PAYLOAD_BYTES);
		return;
	}
	if (hvis_msg_validate_why(m->payload, len, &field)) {
		const struct vmbus_channel_message_header *hdr = (const void *)m->payload;
		u32 type = len >= sizeof(u32) ? hdr->msgtype : HVIS_ANY;

		pr_err_ratelimited("cpu %u: host message %s (type %u, %u bytes): bad %s, dropped\n",
				   cpu, hvis_msg_name(type), type, len, field);
		return;
	}
	handle_msg(m->payload, len);
}

bool hvis_msg_take(const struct hvis_transport_ops *ops, unsigned int cpu,
		   struct hv_message *copy)
{
	struct hv_message_page *page = ops->msg_page(hvis_conn.priv, cpu);
	struct hv_message *slot;

	if (!page)
		return false;
	slot = &page->sint_message[VMBUS_MESSAGE_SINT];
	if (READ_ONCE(slot->header.message_type) == HVMSG_NONE)
		return false;
	/* The type is read before the payload the host wrote ahead of it. */
	virt_rmb();
	/* Copy first: the host may rewrite the slot once we free it. */
	memcpy(copy, slot, sizeof(*copy));
	WRITE_ONCE(slot->header.message_type, HVMSG_NONE);
	/* Free the slot before looking at PENDING, or a pending message is lost (TLFS). */
	virt_mb();
	if (READ_ONCE(slot->header.message_flags) & HV_MESSAGE_FLAG_PENDING)
		ops->eom(hvis_conn.priv, cpu);
	return true;
}

static void msg_tasklet_fn(struct tasklet_struct *t)
{
	unsigned int cpu = t - hvis_conn.msg_tasklets;
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	struct hv_message copy;
	int n;

	if (!ops)
		return;
	for (n = 0; n < MSGS_PER_RUN; n++) {
		if (!hvis_msg_take(ops, cpu, &copy))
			return;
		process_copy(&copy, cpu);
	}
	tasklet_schedule(t);
}

static void scan_events(const struct hvis_transport_ops *ops, unsigned int cpu)
{
	struct hv_event_flags_page *page = ops->event_page(hvis_conn.priv, cpu);
	unsigned long *bits;
	struct hvis_channel *ch;
	unsigned int relid;

	if (!page)
		return;
	/* One 2048-bit row per SINT; bit n is relid n (drivers/hv/vmbus_drv.c). */
	bits = (unsigned long *)(void *)page->flags[VMBUS_MESSAGE_SINT];
	for_each_set_bit(relid, bits, VMBUS_MAX_CHANNEL_RELIDS) {
		if (!test_and_clear_bit(relid, bits) || relid == 0)
			continue;
		ch = rcu_dereference(hvis_conn.channels[relid]);
		if (!ch)
			continue;
		WRITE_ONCE(ch->interrupts, ch->interrupts + 1);
		if (READ_ONCE(ch->state) == HVIS_CHAN_OPENED)
			tasklet_schedule(&ch->tasklet);
	}
}

void hvis_vmbus_isr(unsigned int cpu)
{
	const struct hvis_transport_ops *ops;
	struct hv_message_page *page;

	rcu_read_lock();
	ops = READ_ONCE(hvis_conn.ops);
	if (!ops || cpu >= hvis_conn.nr_msg_tasklets)
		goto out_unlock;
	scan_events(ops, cpu);
	page = ops->msg_page(hvis_conn.priv, cpu);
	if (page && READ_ONCE(page->sint_message[VMBUS_MESSAGE_SINT].header.message_type) !=
		    HVMSG_NONE)
		tasklet_schedule(&hvis_conn.msg_tasklets[cpu]);
out_unlock:
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(hvis_vmbus_isr);

int hvis_msg_dispatch_start(unsigned int nr_cpus)
{
	unsigned int i;

	hvis_conn.msg_tasklets = kcalloc(nr_cpus, sizeof(*hvis_conn.msg_tasklets), GFP_KERNEL);
	if (!hvis_conn.msg_tasklets)
		return -ENOMEM;
	for (i = 0; i < nr_cpus; i++)
		tasklet_setup(&hvis_conn.msg_tasklets[i], msg_tasklet_fn);
	hvis_conn.nr_msg_tasklets = nr_cpus;
	return 0;
}

/* Called once no interrupt can reach hvis_vmbus_isr() with the old transport. */
void hvis_msg_dispatch_stop(void)
{
	unsigned int i;

	for (i = 0; i < hvis_conn.nr_msg_tasklets; i++)
		tasklet_kill(&hvis_conn.msg_tasklets[i]);
	hvis_conn.nr_msg_tasklets = 0;
	kfree(hvis_conn.msg_tasklets);
	hvis_conn.msg_tasklets = NULL;
}
