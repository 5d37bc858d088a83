// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs.c: what /sys/bus/vmbus/devices/<instance>/ shows, with upstream's names and
 * formats so that lsvmbus and hyperv-daemons read hvis as they read hv_vmbus
 * (Documentation/ABI/stable/sysfs-bus-vmbus, drivers/hv/vmbus_drv.c): the device
 * attributes and one channels/<relid>/ directory per channel.  As upstream, the
 * monitor attributes exist only for an offer with monitor_allocated.
 */
#include <linux/cpu.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/topology.h>
#include "core.h"

#define HVIS_VENDOR_MICROSOFT	0x1414

static struct hvis_vmbus_device *to_vdev(struct device *dev)
{
	return to_hvis_vmbus_device(to_hvis_device(dev));
}

static struct hvis_channel *primary_of(struct device *dev)
{
	return to_vdev(dev)->hdev.channel;
}

static ssize_t id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", primary_of(dev)->relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t class_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_vdev(dev)->hdev.class_id);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_vdev(dev)->hdev.instance_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(primary_of(dev)->state));
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", primary_of(dev)->offer.monitorid);
}
static DEVICE_ATTR_RO(monitor_id);

#ifdef CONFIG_NUMA
/* The node of the CPU the primary channel interrupts (drivers/hv/vmbus_drv.c). */
static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", cpu_to_node(READ_ONCE(primary_of(dev)->target_cpu)));
}
static DEVICE_ATTR_RO(numa_node);
#endif

/* ---- the monitor pages: only for an offer with monitor_allocated ---- */

static bool has_monitor(const struct hvis_channel *ch)
{
	return ch->offer.monitor_allocated & 1;
}

enum monitor_field { MON_PENDING, MON_LATENCY, MON_CONN_ID };

/*
 * A channel's slot in monitor page @which (0: the host's, 1: the guest's), as
 * drivers/hv/vmbus_drv.c channel_pending/latency/conn_id read it.  The host writes
 * these pages.  The slot is the one the offer gave and hvis_offer_monitor() checked
 * (ch->monitored); a monitorid past the page has none.
 */
static ssize_t monitor_show(const struct hvis_channel *ch, char *buf, int which,
			    enum monitor_field f)
{
	const struct hv_monitor_page *mp = hvis_conn.monitor_pages[which];
	unsigned int grp = ch->monitor_grp, off = ch->monitor_bit;
	u32 val;

	if (!mp || !ch->monitored)
		return -ENODEV;
	switch (f) {
	case MON_PENDING:
		val = READ_ONCE(mp->trigger_group[grp].pending);
		break;
	case MON_LATENCY:
		val = READ_ONCE(mp->latency[grp][off]);
		break;
	default:
		val = READ_ONCE(mp->parameter[grp][off].connection_id);
		break;
	}
	return sysfs_emit(buf, "%u\n", val);
}

#define MONITOR_ATTR(name, which, field)						\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr, char *buf) \
{											\
	return monitor_show(primary_of(dev), buf, which, field);			\
}											\
static DEVICE_ATTR_RO(name)

MONITOR_ATTR(server_monitor_pending, 0, MON_PENDING);
MONITOR_ATTR(client_monitor_pending, 1, MON_PENDING);
MONITOR_ATTR(server_monitor_latency, 0, MON_LATENCY);
MONITOR_ATTR(client_monitor_latency, 1, MON_LATENCY);
MONITOR_ATTR(server_monitor_conn_id, 0, MON_CONN_ID);
MONITOR_ATTR(client_monitor_conn_id, 1, MON_CONN_ID);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "vmbus:%*phN\n", (int)sizeof(guid_t), &to_vdev(dev)->hdev.class_id);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%x\n", HVIS_VENDOR_MICROSOFT);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%x\n", 0);
}
static DEVICE_ATTR_RO(device);

static ssize_t driver_override_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	ssize_t len;

	device_lock(dev);
	len = sysfs_emit(buf, "%s\n", to_vdev(dev)->driver_override ?: "");
	device_unlock(dev);
	return len;
}

static ssize_t driver_override_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	int ret = driver_set_override(dev, &to_vdev(dev)->driver_override, buf, count);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(driver_override);

static ssize_t channel_vp_mapping_show(struct device *dev, struct device_attribute *attr,
				       char *buf)
{
	struct hvis_channel *pri = primary_of(dev), *sc;
	ssize_t n;

	n = sysfs_emit(buf, "%u:%u\n", pri->relid, READ_ONCE(pri->target_cpu));
	mutex_lock(&pri->sc_lock);
	list_for_each_entry(sc, &pri->sc_list, sc_node)
		n += sysfs_emit_at(buf, n, "%u:%u\n", sc->relid, READ_ONCE(sc->target_cpu));
	mutex_unlock(&pri->sc_lock);
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

enum ring_field { RF_MASK, RF_READ_INDEX, RF_WRITE_INDEX, RF_READ_AVAIL, RF_WRITE_AVAIL };

/* Bytes readable from raw indices, which the host may have scribbled on. */
static u32 ring_read_avail(const struct hvis_ring *r, u32 w, u32 rd)
{
	if (w >= r->data_size || rd >= r->data_size)
		return 0;
	return w >= rd ? w - rd : r->data_size - (rd - w);
}

static ssize_t ring_show(struct device *dev, char *buf, bool outbound, enum ring_field f)
{
	struct hvis_channel *ch = primary_of(dev);
	const struct hvis_ring *r = outbound ? &ch->out : &ch->in;
	u32 w, rd, val;

	mutex_lock(&ch->lock);
	if (ch->state != HVIS_CHAN_OPENED) {
		mutex_unlock(&ch->lock);
		return -EINVAL;
	}
	w = READ_ONCE(r->hdr->write_index);
	rd = READ_ONCE(r->hdr->read_index);
	switch (f) {
	case RF_MASK:
		val = READ_ONCE(r->hdr->interrupt_mask);
		break;
	case RF_READ_INDEX:
		val = rd;
		break;
	case RF_WRITE_INDEX:
		val = w;
		break;
	case RF_READ_AVAIL:
		val = ring_read_avail(r, w, rd);
		break;
	default:
		val = r->data_size - ring_read_avail(r, w, rd);
		break;
	}
	mutex_unlock(&ch->lock);
	return sysfs_emit(buf, "%u\n", val);
}

#define RING_ATTR(name, outbound, field)						\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr, char *buf) \
{											\
	return ring_show(dev, buf, outbound, field);					\
}											\
static DEVICE_ATTR_RO(name)

RING_ATTR(out_intr_mask, true, RF_MASK);
RING_ATTR(out_read_index, true, RF_READ_INDEX);
RING_ATTR(out_write_index, true, RF_WRITE_INDEX);
RING_ATTR(out_read_bytes_avail, true, RF_READ_AVAIL);
RING_ATTR(out_write_bytes_avail, true, RF_WRITE_AVAIL);
RING_ATTR(in_intr_mask, false, RF_MASK);
RING_ATTR(in_read_index, false, RF_READ_INDEX);
RING_ATTR(in_write_index, false, RF_WRITE_INDEX);
RING_ATTR(in_read_bytes_avail, false, RF_READ_AVAIL);
RING_ATTR(in_write_bytes_avail, false, RF_WRITE_AVAIL);

static struct attribute *hvis_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
#ifdef CONFIG_NUMA
	&dev_attr_numa_node.attr,
#endif
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_driver_override.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	NULL,
};

/* Upstream hides the monitor attributes of an offer without a monitor (vmbus_drv.c). */
static umode_t hvis_dev_attr_visible(struct kobject *kobj, struct attribute *attr, int idx)
{
	struct device *dev = kobj_to_dev(kobj);

	if (!has_monitor(primary_of(dev)) &&
	    (attr == &dev_attr_monitor_id.attr ||
	     attr == &dev_attr_server_monitor_pending.attr ||
	     attr == &dev_attr_client_monitor_pending.attr ||
	     attr == &dev_attr_server_monitor_latency.attr ||
	     attr == &dev_attr_client_monitor_latency.attr ||
	     attr == &dev_attr_server_monitor_conn_id.attr ||
	     attr == &dev_attr_client_monitor_conn_id.attr))
		return 0;
	return attr->mode;
}

static const struct attribute_group hvis_dev_group = {
	.attrs = hvis_dev_attrs,
	.is_visible = hvis_dev_attr_visible,
};

const struct attribute_group *hvis_sysfs_dev_groups[] = {
	&hvis_dev_group,
	NULL,
};

/* ---- channels/<relid>/ ---- */

struct chan_attr {
	struct attribute attr;
	ssize_t (*show)(struct hvis_channel *ch, char *buf);
	ssize_t (*store)(struct hvis_channel *ch, const char *buf, size_t count);
};

#define to_chan_attr(a) container_of(a, struct chan_attr, attr)

static ssize_t chan_attr_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	const struct chan_attr *ca = to_chan_attr(attr);

	return ca->show ? ca->show(container_of(kobj, struct hvis_channel, kobj), buf) : -EIO;
}

static ssize_t chan_attr_store(struct kobject *kobj, struct attribute *attr, const char *buf,
			       size_t count)
{
	const struct chan_attr *ca = to_chan_attr(attr);

	if (!ca->store)
		return -EIO;
	return ca->store(container_of(kobj, struct hvis_channel, kobj), buf, count);
}

static const struct sysfs_ops chan_sysfs_ops = {
	.show = chan_attr_show,
	.store = chan_attr_store,
};

/* A ring header value, or -EINVAL while the channel is not open. */
static ssize_t chan_ring_show(struct hvis_channel *ch, char *buf, bool outbound, bool mask)
{
	const struct hvis_ring *r = outbound ? &ch->out : &ch->in;
	u32 val;

	mutex_lock(&ch->lock);
	if (ch->state != HVIS_CHAN_OPENED) {
		mutex_unlock(&ch->lock);
		return -EINVAL;
	}
	if (mask) {
		val = READ_ONCE(r->hdr->interrupt_mask);
	} else {
		val = ring_read_avail(r, READ_ONCE(r->hdr->write_index),
				      READ_ONCE(r->hdr->read_index));
		if (outbound)
			val = r->data_size - val;
	}
	mutex_unlock(&ch->lock);
	return sysfs_emit(buf, "%u\n", val);
}

static ssize_t in_mask_show(struct hvis_channel *ch, char *buf)
{
	return chan_ring_show(ch, buf, false, true);
}

static ssize_t out_mask_show(struct hvis_channel *ch, char *buf)
{
	return chan_ring_show(ch, buf, true, true);
}

static ssize_t read_avail_show(struct hvis_channel *ch, char *buf)
{
	return chan_ring_show(ch, buf, false, false);
}

static ssize_t write_avail_show(struct hvis_channel *ch, char *buf)
{
	return chan_ring_show(ch, buf, true, false);
}

static ssize_t cpu_show(struct hvis_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(ch->target_cpu));
}

static ssize_t cpu_store(struct hvis_channel *ch, const char *buf, size_t count)
{
	unsigned int cpu;
	int ret;

	ret = kstrtouint(buf, 0, &cpu);
	if (ret)
		return ret;
	/* The CPU stays online until the host has been told (cpu_hotplug.c). */
	cpus_read_lock();
	ret = hvis_channel_mgmt_retarget(ch, cpu);
	cpus_read_unlock();
	return ret ? ret : count;
}

#define CHAN_U64(name, expr)							\
static ssize_t name##_show(struct hvis_channel *ch, char *buf)			\
{										\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)READ_ONCE(expr));	\
}

CHAN_U64(events, ch->events)
CHAN_U64(interrupts, ch->interrupts)
CHAN_U64(intr_in_full, ch->in_stats.signals)
CHAN_U64(intr_out_empty, ch->out_stats.signals)
CHAN_U64(out_full_first, ch->out_full_first)
CHAN_U64(out_full_total, ch->out_stats.full_events)

static ssize_t subchannel_id_show(struct hvis_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", ch->subchannel_index);
}

static ssize_t chan_monitor_id_show(struct hvis_channel *ch, char *buf)
{
	return sysfs_emit(buf, "%u\n", ch->offer.monitorid);
}

/* channels/<relid>/pending and latency read the guest's page (vmbus_drv.c). */
static ssize_t chan_pending_show(struct hvis_channel *ch, char *buf)
{
	return monitor_show(ch, buf, 1, MON_PENDING);
}

static ssize_t chan_latency_show(struct hvis_channel *ch, char *buf)
{
	return monitor_show(ch, buf, 1, MON_LATENCY);
}

#define CHAN_ATTR(_name, _mode, _show, _store)					\
static struct chan_attr chan_attr_##_name = {					\
	.attr = { .name = #_name, .mode = _mode },				\
	.show = _show,								\
	.store = _store,							\
}

CHAN_ATTR(cpu, 0644, cpu_show, cpu_store);
CHAN_ATTR(in_mask, 0444, in_mask_show, NULL);
CHAN_ATTR(out_mask, 0444, out_mask_show, NULL);
CHAN_ATTR(read_avail, 0444, read_avail_show, NULL);
CHAN_ATTR(write_avail, 0444, write_avail_show, NULL);
CHAN_ATTR(events, 0444, events_show, NULL);
CHAN_ATTR(interrupts, 0444, interrupts_show, NULL);
CHAN_ATTR(subchannel_id, 0444, subchannel_id_show, NULL);
CHAN_ATTR(monitor_id, 0444, chan_monitor_id_show, NULL);
CHAN_ATTR(pending, 0444, chan_pending_show, NULL);
CHAN_ATTR(latency, 0444, chan_latency_show, NULL);
CHAN_ATTR(intr_in_full, 0444, intr_in_full_show, NULL);
CHAN_ATTR(intr_out_empty, 0444, intr_out_empty_show, NULL);
CHAN_ATTR(out_full_first, 0444, out_full_first_show, NULL);
CHAN_ATTR(out_full_total, 0444, out_full_total_show, NULL);

static struct attribute *chan_attrs[] = {
	&chan_attr_cpu.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_out_mask.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	&chan_attr_events.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_subchannel_id.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_pending.attr,
	&chan_attr_latency.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_out_full_total.attr,
	NULL,
};

static umode_t chan_attr_visible(struct kobject *kobj, struct attribute *attr, int idx)
{
	const struct hvis_channel *ch = container_of(kobj, struct hvis_channel, kobj);

	if (!has_monitor(ch) &&
	    (attr == &chan_attr_monitor_id.attr || attr == &chan_attr_pending.attr ||
	     attr == &chan_attr_latency.attr))
		return 0;
	return attr->mode;
}

/*
 * channels/<relid>/ring: the channel's whole ring block for user space, shown only
 * while a driver asks (hvis_channel_set_ring_sysfs; drivers/hv/vmbus_drv.c
 * hv_create_ring_sysfs, mode 0600, size the ring block's).
 */
static int chan_ring_mmap(struct file *file, struct kobject *kobj, struct bin_attribute *attr,
			  struct vm_area_struct *vma)
{
	return hvis_channel_ring_mmap(container_of(kobj, struct hvis_channel, kobj), vma);
}

static struct bin_attribute chan_attr_ring = {
	.attr = { .name = "ring", .mode = 0600 },
	.mmap = chan_ring_mmap,
};

static struct bin_attribute *chan_bin_attrs[] = {
	&chan_attr_ring,
	NULL,
};

static umode_t chan_bin_attr_visible(struct kobject *kobj, struct bin_attribute *attr, int idx)
{
	struct hvis_channel *ch = container_of(kobj, struct hvis_channel, kobj);

	if (attr != &chan_attr_ring || !hvis_channel_ring_sysfs_visible(ch))
		return 0;
	/* As upstream: the size is set just before the file is made (sysfs_update_group). */
	attr->size = hvis_channel_ring_sysfs_size(ch);
	return attr->attr.mode;
}

static const struct attribute_group chan_group = {
	.attrs = chan_attrs,
	.is_visible = chan_attr_visible,
	.bin_attrs = chan_bin_attrs,
	.is_bin_visible = chan_bin_attr_visible,
};
__ATTRIBUTE_GROUPS(chan);

static void chan_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct hvis_channel, kobj));
}

const struct kobj_type hvis_sysfs_channel_ktype = {
	.release = chan_kobj_release,
	.sysfs_ops = &chan_sysfs_ops,
	.default_groups = chan_groups,
};

int hvis_sysfs_device_add(struct hvis_vmbus_device *vdev)
{
	vdev->channels_kobj = kobject_create_and_add("channels", &vdev->hdev.dev.kobj);
	return vdev->channels_kobj ? 0 : -ENOMEM;
}

void hvis_sysfs_device_del(struct hvis_vmbus_device *vdev)
{
	kobject_put(vdev->channels_kobj);
	vdev->channels_kobj = NULL;
}

int hvis_sysfs_channel_add(struct hvis_channel *ch)
{
	int ret;

	if (ch->kobj_added || !ch->vdev || !ch->vdev->channels_kobj)
		return 0;
	ret = kobject_add(&ch->kobj, ch->vdev->channels_kobj, "%u", ch->relid);
	if (ret) {
		dev_warn(&ch->vdev->hdev.dev, "channel %u: sysfs directory: %d\n", ch->relid, ret);
		return ret;
	}
	ch->kobj_added = true;
	return 0;
}

void hvis_sysfs_channel_del(struct hvis_channel *ch)
{
	if (!ch->kobj_added)
		return;
	kobject_del(&ch->kobj);
	ch->kobj_added = false;
}

/* Re-evaluates which channel attributes are shown (the ring file). */
int hvis_sysfs_channel_update(struct hvis_channel *ch)
{
	if (!ch->kobj_added)
		return 0;
	return sysfs_update_group(&ch->kobj, &chan_group);
}
