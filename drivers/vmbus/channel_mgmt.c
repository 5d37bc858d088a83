// SPDX-License-Identifier: GPL-2.0-only
/*
 * channel_mgmt.c: channel lifetime.  Offers become channels and devices on the bus
 * (or subchannels of a primary), rescinds take them away, RELID_RELEASED hands the
 * relid back, and the target CPU of a channel can be changed (MODIFYCHANNEL).
 *
 * Facts from drivers/hv/channel_mgmt.c (offer/subchannel rules, rescind, relid
 * release, CPU choice) and drivers/hv/channel.c (MODIFYCHANNEL) upstream.
 */
#include <linux/cpumask.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "core.h"
#include "msg_validate.h"

/* Classes whose channels spread over CPUs (drivers/hv/channel_mgmt.c perf_device). */
static const guid_t perf_classes[] = {
	{ .b = { 0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d,	/* HV_SCSI_GUID */
		 0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f } },
	{ .b = { 0x32, 0x26, 0x41, 0x32, 0xcb, 0x86, 0xa2, 0x44,	/* HV_IDE_GUID */
		 0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5 } },
	{ .b = { 0x4a, 0xcc, 0x9b, 0x2f, 0x69, 0x00, 0xf3, 0x4a,	/* HV_SYNTHFC_GUID */
		 0xb7, 0x6b, 0x6f, 0xd0, 0xbe, 0x52, 0x8c, 0xda } },
	{ .b = { 0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,	/* HV_NIC_GUID */
		 0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e } },
	{ .b = { 0x7a, 0x69, 0x76, 0x68, 0x63, 0x65, 0x6f, 0x68,	/* HVIS_ECHO_GUID */
		 0x8e, 0x5c, 0x1d, 0x0a, 0x2b, 0x40, 0x91, 0x37 } },
};

static struct hvis_channel *chan_at(u32 relid)
{
	return rcu_dereference_protected(hvis_conn.channels[relid],
					 lockdep_is_held(&hvis_conn.chan_mutex));
}

struct hvis_channel *hvis_channel_mgmt_get(u32 relid)
{
	return relid < VMBUS_MAX_CHANNEL_RELIDS ? chan_at(relid) : NULL;
}

/* Non-perf classes interrupt CPU 0; perf classes go round-robin over usable CPUs. */
static unsigned int pick_cpu(const struct hvis_guid *class)
{
	unsigned int i, cpu;
	bool perf = false;

	for (i = 0; i < ARRAY_SIZE(perf_classes); i++)
		if (!memcmp(class, &perf_classes[i], sizeof(*class)))
			perf = true;
	if (!perf)
		return HVIS_CONNECT_CPU;
	for (i = 0; i < nr_cpu_ids; i++) {
		cpu = (unsigned int)atomic_inc_return(&hvis_conn.next_perf_cpu) % nr_cpu_ids;
		if (hvis_connection_cpu_ok(cpu))
			return cpu;
	}
	return HVIS_CONNECT_CPU;
}

static void send_relid_released(u32 relid)
{
	struct vmbus_channel_relid_released msg = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};

	hvis_connection_post(&msg, sizeof(msg));
}

static void release_work_fn(struct work_struct *work);

static struct hvis_channel *alloc_channel(const struct vmbus_channel_offer_channel *msg)
{
	struct hvis_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL);

	if (!ch)
		return NULL;
	kobject_init(&ch->kobj, &hvis_sysfs_channel_ktype);
	memcpy(&ch->offer, msg, sizeof(ch->offer));
	ch->relid = msg->child_relid;
	ch->conn_id = msg->connection_id;
	ch->subchannel_index = msg->offer.sub_channel_index;
	ch->state = HVIS_CHAN_OFFER;
	if (hvis_offer_monitor(msg, &ch->monitor_grp, &ch->monitor_bit) > 0)
		ch->monitored = true;
	else if (msg->monitor_allocated & 1)
		pr_err_ratelimited("offer relid %u: monitorid %u is past the monitor page's %u slots; the channel signals by doorbell\n",
				   msg->child_relid, msg->monitorid, VMBUS_MAX_MONITOR_ID + 1);
	INIT_LIST_HEAD(&ch->sc_list);
	INIT_LIST_HEAD(&ch->sc_node);
	INIT_WORK(&ch->release_work, release_work_fn);
	hvis_channel_init(ch);
	return ch;
}

/*
 * Takes the channel out of the relid map and drops the core's reference; the memory
 * goes when the last reference (a subchannel's on its primary) goes.  chan_mutex held.
 */
static void release_channel(struct hvis_channel *ch, bool send_released)
{
	if (ch->released)
		return;
	ch->released = true;
	rcu_assign_pointer(hvis_conn.channels[ch->relid], NULL);
	synchronize_rcu();
	tasklet_kill(&ch->tasklet);
	hvis_debugfs_channel_del(ch);
	hvis_sysfs_channel_del(ch);
	if (ch->primary) {
		mutex_lock(&ch->primary->sc_lock);
		list_del_init(&ch->sc_node);
		mutex_unlock(&ch->primary->sc_lock);
		kobject_put(&ch->primary->kobj);
	}
	if (send_released)
		send_relid_released(ch->relid);
	pr_debug("channel %u destroyed\n", ch->relid);
	if (ch->vdev)
		put_device(&ch->vdev->hdev.dev);
	kobject_put(&ch->kobj);
}

/* A subchannel rescinded while open is released when its driver closes it. */
static void release_work_fn(struct work_struct *work)
{
	struct hvis_channel *ch = container_of(work, struct hvis_channel, release_work);

	mutex_lock(&hvis_conn.chan_mutex);
	release_channel(ch, true);
	mutex_unlock(&hvis_conn.chan_mutex);
	kobject_put(&ch->kobj);		/* taken by whoever queued us */
}

static void device_release(struct device *dev)
{
	struct hvis_vmbus_device *vdev = to_hvis_vmbus_device(to_hvis_device(dev));

	kfree(vdev->driver_override);
	kfree(vdev);
}

static int add_device(struct hvis_channel *ch)
{
	struct hvis_vmbus_device *vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	struct device *dev;
	int ret;

	if (!vdev)
		return -ENOMEM;
	dev = &vdev->hdev.dev;
	device_initialize(dev);
	dev->bus = &hvis_bus_type;
	dev->parent = hvis_conn.parent;
	dev->release = device_release;
	memcpy(&vdev->hdev.class_id, &ch->offer.offer.if_type, sizeof(guid_t));
	memcpy(&vdev->hdev.instance_id, &ch->offer.offer.if_instance, sizeof(guid_t));
	vdev->hdev.channel = ch;
	ret = dev_set_name(dev, "%pUl", &vdev->hdev.instance_id);
	if (ret)
		goto err_put_device;
	/* The channel holds the device's memory until it is released itself. */
	ch->vdev = vdev;
	get_device(dev);
	/*
	 * The driver's probe may wait for subchannel offers, which take chan_mutex on
	 * sub_wq.  Nothing else changes this channel meanwhile: its rescind and every
	 * release are queued on wq behind us, and detach flushes wq first.
	 */
	mutex_unlock(&hvis_conn.chan_mutex);
	ret = device_add(dev);
	mutex_lock(&hvis_conn.chan_mutex);
	if (ret) {
		pr_err("relid %u: cannot add device %s: %d\n", ch->relid, dev_name(dev), ret);
		goto err_put_device;
	}
	ret = hvis_sysfs_device_add(vdev);
	if (ret) {
		dev_warn(dev, "channel sysfs directory: %d\n", ret);
	} else {
		struct hvis_channel *sc;

		hvis_sysfs_channel_add(ch);
		/* Subchannels offered during the probe. */
		mutex_lock(&ch->sc_lock);
		list_for_each_entry(sc, &ch->sc_list, sc_node)
			hvis_sysfs_channel_add(sc);
		mutex_unlock(&ch->sc_lock);
	}
	hvis_debugfs_channel_add(ch);
	return 0;

err_put_device:
	put_device(dev);
	return ret;
}

/* Unregisters the device (its driver's remove runs); channels stay until released. */
static void remove_device(struct hvis_vmbus_device *vdev)
{
	struct hvis_channel *pri = vdev->hdev.channel, *sc;

	mutex_lock(&pri->sc_lock);
	list_for_each_entry(sc, &pri->sc_list, sc_node)
		hvis_sysfs_channel_del(sc);
	mutex_unlock(&pri->sc_lock);
	hvis_sysfs_channel_del(pri);
	hvis_sysfs_device_del(vdev);
	device_unregister(&vdev->hdev.dev);
}

static struct hvis_channel *find_primary(const struct vmbus_channel_offer *offer)
{
	struct hvis_channel *ch;
	u32 relid;

	for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS; relid++) {
		ch = chan_at(relid);
		if (ch && !ch->primary &&
		    !memcmp(&ch->offer.offer.if_type, &offer->if_type, sizeof(offer->if_type)) &&
		    !memcmp(&ch->offer.offer.if_instance, &offer->if_instance,
			    sizeof(offer->if_instance)))
			return ch;
	}
	return NULL;
}

static void add_subchannel(struct hvis_channel *pri, struct hvis_channel *sc)
{
	hvis_subchannel_callback cb;

	sc->primary = pri;
	kobject_get(&pri->kobj);
	sc->vdev = pri->vdev;
	get_device(&sc->vdev->hdev.dev);
	mutex_lock(&pri->sc_lock);
	list_add_tail(&sc->sc_node, &pri->sc_list);
	mutex_unlock(&pri->sc_lock);
	sc->state = HVIS_CHAN_CLOSED;
	rcu_assign_pointer(hvis_conn.channels[sc->relid], sc);
	if (device_is_registered(&sc->vdev->hdev.dev))
		hvis_sysfs_channel_add(sc);
	hvis_debugfs_channel_add(sc);
	pr_debug("channel %u created (subchannel %u of %u)\n", sc->relid,
		 sc->subchannel_index, pri->relid);
	cb = READ_ONCE(pri->sc_callback);
	if (cb)
		cb(sc);
}

/* Process context (ordered workqueue): @msg is a validated copy. */
void hvis_channel_mgmt_offer(const struct vmbus_channel_offer_channel *msg)
{
	u32 relid = msg->child_relid;
	struct hvis_channel *ch, *pri;
	int ret;

	if (relid == 0 || relid >= VMBUS_MAX_CHANNEL_RELIDS)
		return;
	mutex_lock(&hvis_conn.chan_mutex);
	if (!READ_ONCE(hvis_conn.ops))
		goto out_unlock;
	if (chan_at(relid)) {
		pr_err_ratelimited("offer for relid %u which is in use, dropped\n", relid);
		goto out_unlock;
	}
	pri = find_primary(&msg->offer);
	if (pri && !msg->offer.sub_channel_index) {
		pr_err_ratelimited("relid %u: second primary offer for %pUl, dropped\n", relid,
				   &msg->offer.if_instance);
		send_relid_released(relid);
		goto out_unlock;
	}
	if (!pri && msg->offer.sub_channel_index) {
		pr_err_ratelimited("relid %u: subchannel %u offered without its primary, dropped\n",
				   relid, msg->offer.sub_channel_index);
		send_relid_released(relid);
		goto out_unlock;
	}
	ch = alloc_channel(msg);
	if (!ch) {
		send_relid_released(relid);
		goto out_unlock;
	}
	ch->target_cpu = pick_cpu(&msg->offer.if_type);
	if (pri) {
		add_subchannel(pri, ch);
		goto out_unlock;
	}
	ch->state = HVIS_CHAN_CLOSED;
	/* In the map before probe, so a driver can open it and get events. */
	rcu_assign_pointer(hvis_conn.channels[relid], ch);
	pr_debug("channel %u created (%pUl)\n", relid, &msg->offer.if_instance);
	ret = add_device(ch);
	if (ret)
		release_channel(ch, true);
out_unlock:
	mutex_unlock(&hvis_conn.chan_mutex);
}

/* Softirq context: fail everything that waits on the channel, and its sends. */
void hvis_channel_mgmt_rescind_now(u32 relid)
{
	struct hvis_channel *ch;

	rcu_read_lock();
	ch = rcu_dereference(hvis_conn.channels[relid]);
	if (ch) {
		WRITE_ONCE(ch->rescinded, true);
		/*
		 * The driver's callback runs once more and sees it: what it waits for will
		 * not be answered, and its removal may itself wait behind that (a probe
		 * waiting for I/O holds the device; the removal runs after it).
		 */
		tasklet_schedule(&ch->tasklet);
	}
	rcu_read_unlock();
	hvis_connection_waiters_cancel(relid);
}

/* Process context (ordered workqueue). */
void hvis_channel_mgmt_rescind(u32 relid)
{
	struct hvis_channel *ch;

	/* A subchannel offer the host sent before this rescind is handled first. */
	flush_workqueue(hvis_conn.sub_wq);
	mutex_lock(&hvis_conn.chan_mutex);
	ch = chan_at(relid);
	if (!ch) {
		if (READ_ONCE(hvis_conn.ops))
			pr_err_ratelimited("rescind for unknown relid %u, dropped\n", relid);
		goto out_unlock;
	}
	WRITE_ONCE(ch->rescinded, true);
	hvis_connection_waiters_cancel(relid);
	pr_debug("channel %u rescinded\n", relid);
	if (!ch->primary) {
		/* The driver's remove runs now, even with I/O in flight: sends fail. */
		if (ch->vdev && device_is_registered(&ch->vdev->hdev.dev))
			remove_device(ch->vdev);
		release_channel(ch, true);
		goto out_unlock;
	}
	mutex_lock(&ch->lock);
	if (ch->state == HVIS_CHAN_OPENED || ch->state == HVIS_CHAN_OPENING) {
		ch->release_on_close = true;
		/* The driver closes it (and fails its requests): nothing else will. */
		if (ch->state == HVIS_CHAN_OPENED && ch->rescind_callback)
			ch->rescind_callback(ch->context);
		mutex_unlock(&ch->lock);
		goto out_unlock;
	}
	mutex_unlock(&ch->lock);
	release_channel(ch, true);
out_unlock:
	mutex_unlock(&hvis_conn.chan_mutex);
}

/* Detach: remove every device, then release every channel, subchannels first. */
void hvis_channel_mgmt_remove_all(void)
{
	struct hvis_channel *ch;
	u32 relid;
	int pass;

	mutex_lock(&hvis_conn.chan_mutex);
	for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS; relid++) {
		ch = chan_at(relid);
		if (ch && !ch->primary && ch->vdev && device_is_registered(&ch->vdev->hdev.dev))
			remove_device(ch->vdev);
	}
	mutex_unlock(&hvis_conn.chan_mutex);
	/* Releases queued by closes of rescinded subchannels. */
	flush_workqueue(hvis_conn.wq);
	mutex_lock(&hvis_conn.chan_mutex);
	for (pass = 0; pass < 2; pass++) {
		for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS; relid++) {
			ch = chan_at(relid);
			if (ch && !!ch->primary == !pass) {
				hvis_channel_force_close(ch);
				release_channel(ch, false);
			}
		}
	}
	mutex_unlock(&hvis_conn.chan_mutex);
}

/* Moves the channel's interrupt to @cpu (sysfs channels/<relid>/cpu). */
int hvis_channel_mgmt_retarget(struct hvis_channel *ch, unsigned int cpu)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	struct vmbus_channel_modifychannel msg = {};
	struct vmbus_channel_modifychannel_response resp;
	bool acked = hvis_conn.version >= VERSION_WIN10_V5_3;
	struct hvis_waiter w;
	int ret = 0;

	/* MODIFYCHANNEL needs 4.1; the host acknowledges it from 5.3 (drivers/hv/channel.c). */
	if (!ops || hvis_conn.version < VERSION_WIN10_V4_1)
		return -EOPNOTSUPP;
	if (!hvis_connection_cpu_ok(cpu))
		return -EINVAL;
	mutex_lock(&ch->lock);
	if (READ_ONCE(ch->rescinded)) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (cpu == ch->target_cpu)
		goto out_unlock;
	if (ch->state == HVIS_CHAN_OPENED) {
		msg.header.msgtype = CHANNELMSG_MODIFYCHANNEL;
		msg.child_relid = ch->relid;
		msg.target_vp = ops->vp_index(hvis_conn.priv, cpu);
		hvis_connection_waiter_init(&w, CHANNELMSG_MODIFYCHANNEL_RESPONSE, ch->relid,
					    HVIS_ANY, ch->relid);
		if (acked)
			hvis_connection_waiter_add(&w);
		ret = hvis_connection_post(&msg, sizeof(msg));
		if (ret) {
			if (acked)
				hvis_connection_waiter_wait(&w, 0);
			goto out_unlock;
		}
		if (acked) {
			ret = hvis_connection_waiter_wait(&w, HVIS_RESPONSE_TIMEOUT);
			if (ret)
				goto out_unlock;
			memcpy(&resp, w.resp, sizeof(resp));
			if (resp.status) {
				ret = -EIO;
				goto out_unlock;
			}
		}
	}
	/* New events land on the new CPU's page, so the tasklet runs there from now. */
	WRITE_ONCE(ch->target_cpu, cpu);
out_unlock:
	mutex_unlock(&ch->lock);
	return ret;
}
