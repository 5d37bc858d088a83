// SPDX-License-Identifier: GPL-2.0-only
/*
 * connection.c: the connection to the host: attach/detach of a transport, version
 * negotiation (INITIATE_CONTACT), REQUESTOFFERS, UNLOAD, posting messages with
 * back-off, and the list of requests waiting for the host's answers.
 *
 * Protocol facts from drivers/hv/connection.c and include/linux/hyperv.h (upstream).
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "core.h"

struct hvis_vmbus_conn hvis_conn;

static unsigned int max_version = VERSION_WIN10_V5_3;
module_param(max_version, uint, 0444);
MODULE_PARM_DESC(max_version,
		 "Highest VMBus protocol version to offer, (major << 16) | minor (default 5.3)");

/* Newest first, as drivers/hv/connection.c vmbus_versions[]; older ones are unsupported. */
static const u32 hvis_versions[] = {
	VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1, VERSION_WIN10_V5,
	VERSION_WIN10_V4_1, VERSION_WIN10, VERSION_WIN8_1, VERSION_WIN8,
};

/* Upstream retries HvPostMessage up to 100 times with growing sleeps (connection.c). */
#define POST_RETRIES		100
#define POST_DELAY_MIN_US	50
#define POST_DELAY_MAX_US	20000

#define ALLOFFERS_TIMEOUT	(10 * HZ)

u32 hvis_vmbus_protocol_version(void)
{
	return READ_ONCE(hvis_conn.version);
}
EXPORT_SYMBOL_GPL(hvis_vmbus_protocol_version);

int hvis_vmbus_ref_counter(u64 *ref)
{
	const struct hvis_transport_ops *ops;
	int ret = -ENODEV;

	/* stop_transport() waits for this section before the transport goes. */
	rcu_read_lock();
	ops = READ_ONCE(hvis_conn.ops);
	if (ops && ops->ref_counter) {
		*ref = ops->ref_counter(hvis_conn.priv);
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_vmbus_ref_counter);

static int post_on(u32 conn_id, const void *msg, u32 len)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	unsigned int delay = POST_DELAY_MIN_US;
	int i, ret = -EAGAIN;

	might_sleep();
	if (!ops)
		return -ENODEV;
	for (i = 0; i < POST_RETRIES; i++) {
		ret = ops->post_msg(hvis_conn.priv, conn_id, HV_POST_MESSAGE_TYPE_VMBUS, msg, len);
		if (ret != -EAGAIN)
			break;
		usleep_range(delay, delay * 2);
		delay = min(delay * 2, (unsigned int)POST_DELAY_MAX_US);
	}
	if (ret) {
		const struct vmbus_channel_message_header *hdr = msg;

		pr_err_ratelimited("posting %u-byte message (type %u) failed: %d\n", len,
				   hdr->msgtype, ret);
	}
	return ret;
}

/* Posts a channel message on the negotiated message connection.  May sleep. */
int hvis_connection_post(const void *msg, u32 len)
{
	return post_on(READ_ONCE(hvis_conn.msg_conn_id), msg, len);
}

/* ---- requests waiting for answers ---- */

void hvis_connection_waiter_init(struct hvis_waiter *w, u32 resp_type, u32 relid, u32 key,
				 u32 chan_relid)
{
	INIT_LIST_HEAD(&w->node);
	init_completion(&w->done);
	w->resp_type = resp_type;
	w->relid = relid;
	w->key = key;
	w->chan_relid = chan_relid;
	w->status = 0;
	w->resp_len = 0;
}

void hvis_connection_waiter_add(struct hvis_waiter *w)
{
	unsigned long flags;

	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	list_add_tail(&w->node, &hvis_conn.waiters);
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
}

/* Waits for the answer and takes the waiter off the list: 0, -ENODEV or -ETIMEDOUT. */
int hvis_connection_waiter_wait(struct hvis_waiter *w, unsigned long timeout)
{
	unsigned long flags;
	bool timed_out = false;

	wait_for_completion_timeout(&w->done, timeout);
	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	if (!list_empty(&w->node)) {
		list_del_init(&w->node);
		timed_out = true;
	}
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
	return timed_out ? -ETIMEDOUT : w->status;
}

/* The dispatcher hands a response here; false when nobody waits for it. */
bool hvis_connection_waiter_complete(u32 resp_type, u32 relid, u32 key, const void *msg,
				     u32 len)
{
	struct hvis_waiter *w;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	list_for_each_entry(w, &hvis_conn.waiters, node) {
		if (w->resp_type != resp_type)
			continue;
		if (w->relid != HVIS_ANY && w->relid != relid)
			continue;
		if (w->key != HVIS_ANY && w->key != key)
			continue;
		w->resp_len = min_t(u32, len, sizeof(w->resp));
		memcpy(w->resp, msg, w->resp_len);
		list_del_init(&w->node);
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
	return found;
}

/* A rescind (or detach, with HVIS_ANY) fails every request tied to the channel. */
void hvis_connection_waiters_cancel(u32 chan_relid)
{
	struct hvis_waiter *w, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&hvis_conn.waiters_lock, flags);
	list_for_each_entry_safe(w, tmp, &hvis_conn.waiters, node) {
		if (chan_relid != HVIS_ANY && w->chan_relid != chan_relid)
			continue;
		w->status = -ENODEV;
		list_del_init(&w->node);
		complete(&w->done);
	}
	spin_unlock_irqrestore(&hvis_conn.waiters_lock, flags);
}

/* Can a channel interrupt target this CPU?  Online and served by the transport. */
bool hvis_connection_cpu_ok(unsigned int cpu)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);

	/* Not active: going offline (cpu_hotplug.c moves its channels) or not up yet. */
	return ops && cpu < nr_cpu_ids && cpu_active(cpu) &&
	       ops->msg_page(hvis_conn.priv, cpu) && ops->event_page(hvis_conn.priv, cpu);
}

/* ---- negotiation ---- */

static int negotiate_one(u32 version)
{
	const struct hvis_transport_ops *ops = hvis_conn.ops;
	struct vmbus_channel_initiate_contact msg = {};
	struct vmbus_channel_version_response resp;
	struct hvis_waiter w;
	u32 conn_id;
	int ret;

	msg.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
	msg.vmbus_version_requested = version;
	msg.target_vcpu = ops->vp_index(hvis_conn.priv, HVIS_CONNECT_CPU);
	if (version >= VERSION_WIN10_V5) {
		/* >= 5.0: name our SINT, post on connection 4 (drivers/hv/connection.c). */
		msg.msg_sint = VMBUS_MESSAGE_SINT;
		msg.msg_vtl = 0;
		conn_id = VMBUS_MESSAGE_CONNECTION_ID_4;
	} else {
		msg.interrupt_page = virt_to_phys(hvis_conn.int_page);
		conn_id = VMBUS_MESSAGE_CONNECTION_ID;
	}
	msg.monitor_page1 = virt_to_phys(hvis_conn.monitor_pages[0]);
	msg.monitor_page2 = virt_to_phys(hvis_conn.monitor_pages[1]);

	hvis_connection_waiter_init(&w, CHANNELMSG_VERSION_RESPONSE, HVIS_ANY, HVIS_ANY,
				    HVIS_ANY);
	hvis_connection_waiter_add(&w);
	ret = post_on(conn_id, &msg, sizeof(msg));
	if (ret) {
		hvis_connection_waiter_wait(&w, 0);
		return ret;
	}
	ret = hvis_connection_waiter_wait(&w, HVIS_RESPONSE_TIMEOUT);
	if (ret)
		return ret;
	memcpy(&resp, w.resp, sizeof(resp));
	if (!resp.version_supported)
		return -ECONNREFUSED;
	WRITE_ONCE(hvis_conn.msg_conn_id, version >= VERSION_WIN10_V5 ?
		   resp.msg_conn_id : VMBUS_MESSAGE_CONNECTION_ID);
	WRITE_ONCE(hvis_conn.version, version);
	return 0;
}

static int negotiate(void)
{
	int ret = -EPROTONOSUPPORT;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvis_versions); i++) {
		if (hvis_versions[i] > max_version)
			continue;
		ret = negotiate_one(hvis_versions[i]);
		if (ret != -ECONNREFUSED)
			break;
	}
	if (ret == -ECONNREFUSED)
		pr_err("host accepted no protocol version between %u.%u and 2.4\n",
		       VMBUS_VERSION_MAJOR(max_version), VMBUS_VERSION_MINOR(max_version));
	else if (ret)
		pr_err("version negotiation failed: %d\n", ret);
	else
		pr_info("Vmbus version:%u.%u\n", VMBUS_VERSION_MAJOR(hvis_conn.version),
			VMBUS_VERSION_MINOR(hvis_conn.version));
	return ret;
}

static int request_offers(void)
{
	struct vmbus_channel_message_header msg = { .msgtype = CHANNELMSG_REQUESTOFFERS };
	struct hvis_waiter w;
	int ret;

	hvis_connection_waiter_init(&w, CHANNELMSG_ALLOFFERS_DELIVERED, HVIS_ANY, HVIS_ANY,
				    HVIS_ANY);
	hvis_connection_waiter_add(&w);
	ret = hvis_connection_post(&msg, sizeof(msg));
	if (ret) {
		hvis_connection_waiter_wait(&w, 0);
		return ret;
	}
	ret = hvis_connection_waiter_wait(&w, ALLOFFERS_TIMEOUT);
	if (ret == -ETIMEDOUT)
		pr_warn("host did not say ALLOFFERS_DELIVERED; devices may appear later\n");
	/* Let the devices offered so far register before attach returns. */
	hvis_connection_flush();
	return 0;
}

static void unload(void)
{
	struct vmbus_channel_message_header msg = { .msgtype = CHANNELMSG_UNLOAD };
	struct hvis_waiter w;
	int ret;

	/* Hosts older than 3.0 (Win8.1) do not support unload (drivers/hv/channel_mgmt.c). */
	if (!hvis_conn.connected || hvis_conn.version < VERSION_WIN8_1)
		return;
	hvis_connection_waiter_init(&w, CHANNELMSG_UNLOAD_RESPONSE, HVIS_ANY, HVIS_ANY, HVIS_ANY);
	hvis_connection_waiter_add(&w);
	ret = hvis_connection_post(&msg, sizeof(msg));
	if (ret) {
		hvis_connection_waiter_wait(&w, 0);
		return;
	}
	if (hvis_connection_waiter_wait(&w, HVIS_RESPONSE_TIMEOUT))
		pr_warn("host did not answer UNLOAD\n");
}

/* ---- attach / detach ---- */

static void free_pages_conn(void)
{
	free_page((unsigned long)hvis_conn.int_page);
	free_page((unsigned long)hvis_conn.monitor_pages[0]);
	free_page((unsigned long)hvis_conn.monitor_pages[1]);
	hvis_conn.int_page = NULL;
	hvis_conn.monitor_pages[0] = NULL;
	hvis_conn.monitor_pages[1] = NULL;
}

static void stop_transport(void)
{
	WRITE_ONCE(hvis_conn.ops, NULL);
	/* Interrupt handlers that still saw the ops finish before this returns. */
	synchronize_rcu();
	hvis_msg_dispatch_stop();
	hvis_connection_waiters_cancel(HVIS_ANY);
	hvis_connection_flush();
}

int hvis_vmbus_attach(const struct hvis_transport_ops *ops, void *priv, struct device *parent)
{
	int ret;

	mutex_lock(&hvis_conn.attach_lock);
	if (hvis_conn.ops) {
		pr_err("transport %s refused: %s is attached\n", ops->name, hvis_conn.ops->name);
		ret = -EBUSY;
		goto out_unlock;
	}
	/* Monitor and interrupt pages: zeroed pages the host may read (connection.c). */
	hvis_conn.int_page = (void *)get_zeroed_page(GFP_KERNEL);
	hvis_conn.monitor_pages[0] = (void *)get_zeroed_page(GFP_KERNEL);
	hvis_conn.monitor_pages[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!hvis_conn.int_page || !hvis_conn.monitor_pages[0] || !hvis_conn.monitor_pages[1]) {
		ret = -ENOMEM;
		goto err_free_pages;
	}
	ret = hvis_msg_dispatch_start(nr_cpu_ids);
	if (ret)
		goto err_free_pages;
	hvis_conn.priv = priv;
	hvis_conn.parent = parent;
	hvis_conn.version = 0;
	hvis_conn.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID;
	WRITE_ONCE(hvis_conn.ops, ops);

	ret = negotiate();
	if (ret)
		goto err_stop_transport;
	hvis_conn.connected = true;
	hvis_crash_attach(ops);
	ret = request_offers();
	if (ret)
		goto err_unload;
	ret = hvis_cpu_hotplug_start();
	if (ret)
		goto err_unload;
	mutex_unlock(&hvis_conn.attach_lock);
	return 0;

err_unload:
	hvis_crash_detach();
	unload();
	hvis_conn.connected = false;
err_stop_transport:
	stop_transport();
	hvis_channel_mgmt_remove_all();
err_free_pages:
	free_pages_conn();
out_unlock:
	mutex_unlock(&hvis_conn.attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_vmbus_attach);

void hvis_vmbus_detach(const struct hvis_transport_ops *ops)
{
	mutex_lock(&hvis_conn.attach_lock);
	if (hvis_conn.ops != ops) {
		mutex_unlock(&hvis_conn.attach_lock);
		return;
	}
	hvis_cpu_hotplug_stop();
	/* Offers and rescinds already queued run first; later ones find us gone. */
	hvis_connection_flush();
	hvis_channel_mgmt_remove_all();
	hvis_crash_detach();
	unload();
	hvis_conn.connected = false;
	stop_transport();
	/* Channels offered while we unloaded. */
	hvis_channel_mgmt_remove_all();
	free_pages_conn();
	hvis_conn.version = 0;
	mutex_unlock(&hvis_conn.attach_lock);
}
EXPORT_SYMBOL_GPL(hvis_vmbus_detach);

void hvis_vmbus_shutdown(const struct hvis_transport_ops *ops)
{
	mutex_lock(&hvis_conn.attach_lock);
	if (hvis_conn.ops == ops && hvis_conn.connected) {
		unload();
		WRITE_ONCE(hvis_conn.connected, false);
		pr_info("VMBus unloaded for shutdown\n");
	}
	mutex_unlock(&hvis_conn.attach_lock);
}
EXPORT_SYMBOL_GPL(hvis_vmbus_shutdown);

int hvis_connection_init(void)
{
	mutex_init(&hvis_conn.attach_lock);
	mutex_init(&hvis_conn.chan_mutex);
	spin_lock_init(&hvis_conn.waiters_lock);
	INIT_LIST_HEAD(&hvis_conn.waiters);
	/* Handles from a counter starting at 0xE1E10, as drivers/hv/connection.c. */
	atomic_set(&hvis_conn.next_gpadl, 0xE1E10);
	atomic_set(&hvis_conn.next_perf_cpu, 0);
	hvis_conn.wq = alloc_ordered_workqueue("hvis_vmbus", 0);
	if (!hvis_conn.wq)
		return -ENOMEM;
	hvis_conn.sub_wq = alloc_ordered_workqueue("hvis_vmbus_sc", 0);
	if (!hvis_conn.sub_wq) {
		destroy_workqueue(hvis_conn.wq);
		return -ENOMEM;
	}
	return 0;
}

void hvis_connection_flush(void)
{
	/* A subchannel offer is queued after its primary's: the primary's first. */
	flush_workqueue(hvis_conn.wq);
	flush_workqueue(hvis_conn.sub_wq);
}

void hvis_connection_uninit(void)
{
	destroy_workqueue(hvis_conn.sub_wq);
	destroy_workqueue(hvis_conn.wq);
}
