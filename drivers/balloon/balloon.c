// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon.c: hvis_balloon, the guest side of Hyper-V Dynamic Memory (the DM VMBus
 * device, HV_DM_GUID): the device, the protocol handshake, host requests, status
 * reports and sysfs.  Ballooning is in dm_balloon.c, hot-add in dm_hot_add.c (shared
 * state: dm_dev.h).  Protocol: include/hvis/dm_proto.h, after drivers/hv/hv_balloon.c.
 *
 * - Probe negotiates the protocol version newest first (2.0 Win10, 1.0 Win8, 0.3
 *   Win7, the last flagged is_last_attempt) and reports capabilities: ballooning,
 *   hot-add when this kernel can, and the hot-add alignment (the memory block size).
 * - A delayed work posts a status report every second.
 * - Host requests (balloon, unballoon, hot-add) are checked in the channel callback
 *   (lib/dm_msg.c) and run one at a time on an ordered workqueue.
 * - Ballooning never takes memory below the floor (dm_balloon_floor() of the total,
 *   or the floor_mb parameter if larger): the rest of the request is refused and the
 *   host learns from the response how much it got.
 * - Hot-add adds whole memory blocks and onlines only the pages the host backed; a
 *   later request that continues a region onlines the rest.
 * - A guest that can hibernate (ACPI S4 advertised, or hibernation=1) does as
 *   hv_balloon: hot-add requests get 0 pages (a permanent answer) and balloon and
 *   unballoon requests are left unanswered; it says so once, at probe.
 *
 * Log codes (stable): "hvis-dm-2 unsupported (...)" is Hyper-V's dmvsc event 2 (the
 * guest cannot do it); "hvis-dm-1 error (...)" is event 1 (an unexpected failure).
 * Each is logged once per device.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/memory.h>
#include <linux/delay.h>
#include <linux/log2.h>
#include <linux/acpi.h>
#include "dm_dev.h"

#define DM_RING_BYTES		(16 * PAGE_SIZE)
#define DM_WAIT			(5 * HZ)	/* handshake answers (hv_balloon.c waits 5 s) */
#define DM_QUEUE_MAX		64		/* host requests waiting for the worker */

static int hibernation = -1;
module_param(hibernation, int, 0444);
MODULE_PARM_DESC(hibernation, "Whether the guest may hibernate: -1 (default) when ACPI S4 is advertised, 0 never (full Dynamic Memory), 1 always; a guest that may hibernate takes no hot-add and leaves balloon requests unanswered, as hv_balloon");

static const char *const state_names[] = { "initializing", "ready", "unsupported", "failed" };

struct dm_req {
	struct list_head list;
	u32 len;
	u8 msg[] __aligned(8);
};

/* ---- sending ---- */

int dm_send(struct dm_dev *dm, void *msg, u16 type, u32 len, bool may_sleep)
{
	struct dm_header *h = msg;
	unsigned int tries = 0;
	int rc;

	h->type = type;
	h->size = len;
	h->trans_id = atomic_inc_return(&dm->trans);
	for (;;) {
		rc = hvis_channel_send(dm->ch, msg, len, h->trans_id, VM_PKT_DATA_INBAND, 0);
		if (rc != -EAGAIN || !may_sleep || ++tries > 1000)
			return rc;
		usleep_range(2000, 5000);
	}
}

/* ---- status ---- */

void dm_post_status(struct dm_dev *dm)
{
	struct dm_status st = {};

	st.num_avail = TO_HV(si_mem_available());
	/* As hv_balloon: hot-added pages still waiting to come online count as committed. */
	st.num_committed = TO_HV(vm_memory_committed() + READ_ONCE(dm->ballooned) +
				 dm_floor_pages(dm) + dm_ha_waiting(dm));
	if (!dm_send(dm, &st, DM_STATUS_REPORT, sizeof(st), false))
		dm->status_reports++;
}

static void dm_status_work(struct work_struct *w)
{
	struct dm_dev *dm = container_of(to_delayed_work(w), struct dm_dev, status_work);

	if (READ_ONCE(dm->dying))
		return;
	dm_post_status(dm);
	queue_delayed_work(system_wq, &dm->status_work, HZ);
}

/* ---- requests ---- */

static void dm_req_work(struct work_struct *w)
{
	struct dm_dev *dm = container_of(w, struct dm_dev, req_work);
	struct dm_req *rq;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&dm->q_lock, flags);
		rq = list_first_entry_or_null(&dm->queue, struct dm_req, list);
		if (rq) {
			list_del(&rq->list);
			dm->queued--;
		}
		spin_unlock_irqrestore(&dm->q_lock, flags);
		if (!rq)
			return;
		if (!READ_ONCE(dm->dying)) {
			switch (((struct dm_header *)rq->msg)->type) {
			case DM_BALLOON_REQUEST:
				if (dm->s4) {
					dev_dbg(&dm->hdev->dev, "balloon request left unanswered: the guest can hibernate\n");
					break;
				}
				dm_balloon_up(dm, (void *)rq->msg);
				break;
			case DM_UNBALLOON_REQUEST:
				if (dm->s4) {
					dev_dbg(&dm->hdev->dev, "unballoon request left unanswered: the guest can hibernate\n");
					break;
				}
				dm_balloon_down(dm, rq->msg);
				break;
			case DM_MEM_HOT_ADD_REQUEST:
				dm_hot_add(dm, rq->msg, ((struct dm_header *)rq->msg)->size);
				break;
			}
		}
		kfree(rq);
	}
}

static void dm_queue(struct dm_dev *dm, u32 len)
{
	struct dm_req *rq;

	if (dm->state != DM_READY) {
		dev_err_ratelimited(&dm->hdev->dev, "%s refused: dynamic memory is not set up\n",
				    dm_msg_name(((struct dm_header *)dm->rx)->type));
		return;
	}
	spin_lock(&dm->q_lock);
	if (dm->queued >= DM_QUEUE_MAX) {
		spin_unlock(&dm->q_lock);
		dev_err_ratelimited(&dm->hdev->dev, "host request dropped: %u waiting\n",
				    DM_QUEUE_MAX);
		return;
	}
	spin_unlock(&dm->q_lock);
	rq = kmalloc(struct_size(rq, msg, len), GFP_ATOMIC);
	if (!rq)
		return;
	rq->len = len;
	memcpy(rq->msg, dm->rx, len);
	spin_lock(&dm->q_lock);
	list_add_tail(&rq->list, &dm->queue);
	dm->queued++;
	spin_unlock(&dm->q_lock);
	queue_work(dm->wq, &dm->req_work);
}

static void dm_callback(void *context)
{
	struct dm_dev *dm = context;
	const char *why = "";
	u64 tid;
	int len, type;

	for (;;) {
		len = hvis_channel_recv(dm->ch, dm->rx, sizeof(dm->rx), &tid);
		if (len == -ENOBUFS) {
			dev_err_ratelimited(&dm->hdev->dev, "message refused: larger than %u bytes\n",
					    DM_MSG_MAX);
			continue;
		}
		if (len < 0)
			break;
		type = dm_msg_check(dm->rx, len, DM_FROM_HOST, &why);
		if (type < 0) {
			struct dm_header h = {};

			memcpy(&h, dm->rx, min_t(u32, len, sizeof(h)));
			dev_err_ratelimited(&dm->hdev->dev, "message refused: bad %s (type %u size %u, %d bytes)\n",
					    why, h.type, h.size, len);
			continue;
		}
		switch (type) {
		case DM_VERSION_RESPONSE:
		case DM_CAPABILITIES_RESPONSE:
			if (READ_ONCE(dm->wait_type) != type) {
				dev_err_ratelimited(&dm->hdev->dev, "unexpected %s refused\n",
						    dm_msg_name(type));
				break;
			}
			memcpy(&dm->answer_flags, dm->rx + sizeof(struct dm_header), 8);
			WRITE_ONCE(dm->wait_type, 0);
			complete(&dm->answered);
			break;
		case DM_INFO_MESSAGE:
			dev_dbg(&dm->hdev->dev, "info message ignored\n");
			break;
		default:
			dm_queue(dm, len);
		}
	}
}

/* Sends a handshake message and waits for its answer; the answer's is_accepted. */
static int dm_ask(struct dm_dev *dm, void *msg, u16 type, u32 len, u16 answer)
{
	int rc;

	reinit_completion(&dm->answered);
	WRITE_ONCE(dm->wait_type, answer);
	rc = dm_send(dm, msg, type, len, true);
	if (rc)
		return rc;
	if (!wait_for_completion_timeout(&dm->answered, DM_WAIT)) {
		WRITE_ONCE(dm->wait_type, 0);
		return -ETIMEDOUT;
	}
	return dm->answer_flags & DM_ACCEPTED ? 1 : 0;
}

static const u32 dm_versions[] = { DM_VERSION_WIN10, DM_VERSION_WIN8, DM_VERSION_WIN7 };

static int dm_handshake(struct dm_dev *dm)
{
	struct dm_version_request vr;
	struct dm_capabilities cap = {};
	u64 block_mb = memory_block_size_bytes() >> 20;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(dm_versions); i++) {
		memset(&vr, 0, sizeof(vr));
		vr.version = dm_versions[i];
		vr.flags = i == ARRAY_SIZE(dm_versions) - 1 ? DM_VERSION_LAST_ATTEMPT : 0;
		rc = dm_ask(dm, &vr, DM_VERSION_REQUEST, sizeof(vr), DM_VERSION_RESPONSE);
		if (rc < 0)
			goto failed;
		if (rc)
			break;
	}
	if (!rc) {
		dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (version): the host accepts none of protocol versions 2.0, 1.0, 0.3; dynamic memory is off\n");
		dm->state = DM_UNSUPPORTED;
		return 0;
	}
	dm->version = dm_versions[i];
	dev_info(&dm->hdev->dev, "Dynamic Memory protocol version %u.%u\n",
		 DM_VERSION_MAJOR(dm->version), DM_VERSION_MINOR(dm->version));

	cap.caps = PAGE_SIZE == 4096 ? DM_CAP_BALLOON : 0;
	/*
	 * hv_balloon.c: with hibernation the host still requires the bits, so they are
	 * set and the requests refused.
	 */
	if (dm->ha_ok || dm->s4)
		cap.caps |= DM_CAP_HOT_ADD;
	cap.caps |= ((u64)ilog2(block_mb) << DM_CAP_ALIGN_SHIFT) & DM_CAP_ALIGN_MASK;
	cap.min_page_cnt = 0;
	cap.max_page_number = (u64)-1;
	rc = dm_ask(dm, &cap, DM_CAPABILITIES_REPORT, sizeof(cap), DM_CAPABILITIES_RESPONSE);
	if (rc < 0)
		goto failed;
	if (!rc) {
		dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (capabilities): the host refused balloon=%d hot_add=%d; dynamic memory is off\n",
			 !!(cap.caps & DM_CAP_BALLOON), dm->ha_ok);
		dm->state = DM_UNSUPPORTED;
		return 0;
	}
	dm->caps = cap.caps;
	dm->state = DM_READY;
	return 0;
failed:
	dev_err(&dm->hdev->dev, "hvis-dm-1 error (handshake): %d\n", rc);
	dm->state = DM_FAILED;
	return rc;
}

/* hv_common.c hv_is_hibernation_supported(): ACPI S4 (acpi_sleep_state_supported()). */
static bool dm_acpi_s4(void)
{
#ifdef CONFIG_ACPI
	u8 a, b;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_sleep_type_data(ACPI_STATE_S4, &a, &b)))
		return false;
	/* A hardware-reduced platform sleeps only through the FADT's sleep registers. */
	return !(acpi_gbl_FADT.flags & ACPI_FADT_HW_REDUCED) ||
	       (acpi_gbl_FADT.sleep_control.address && acpi_gbl_FADT.sleep_status.address);
#else
	return false;
#endif
}

static void dm_setup_hibernation(struct dm_dev *dm)
{
	bool s4 = dm_acpi_s4();

	dm->s4 = hibernation < 0 ? s4 : hibernation > 0;
	if (dm->s4)
		dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (hibernation): the guest can hibernate (%s); as hv_balloon, hot-add requests get 0 pages and balloon requests are not answered (hibernation=0 turns Dynamic Memory on)\n",
			 hibernation > 0 ? "hibernation=1" : "ACPI S4");
	else if (s4)
		dev_info(&dm->hdev->dev, "ACPI S4 is advertised, but hibernation=0: Dynamic Memory is on; do not hibernate this guest\n");
}

/* ---- sysfs ---- */

#define DM_ATTR(name, fmt, ...)						\
static ssize_t name##_show(struct device *d, struct device_attribute *a, char *buf) \
{									\
	struct dm_dev *dm = dev_get_drvdata(d);				\
									\
	return sysfs_emit(buf, fmt "\n", __VA_ARGS__);			\
}									\
static DEVICE_ATTR_RO(name)

DM_ATTR(state, "%s", state_names[dm->state]);
DM_ATTR(protocol_version, "%u.%u", DM_VERSION_MAJOR(dm->version), DM_VERSION_MINOR(dm->version));
DM_ATTR(capabilities, "balloon=%d hot_add=%d alignment_mb=%u", !!(dm->caps & DM_CAP_BALLOON),
	!!(dm->caps & DM_CAP_HOT_ADD),
	1u << ((dm->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT));
DM_ATTR(startup_mb, "%llu", MB_OF(dm->startup_pages));
DM_ATTR(assigned_mb, "%llu", MB_OF(dm->startup_pages + READ_ONCE(dm->ha_accepted) -
				   READ_ONCE(dm->ballooned)));
DM_ATTR(floor_mb, "%llu", MB_OF(dm_floor_pages(dm)));
DM_ATTR(hot_added_mb, "%llu", MB_OF(READ_ONCE(dm->hot_added)));
DM_ATTR(ballooned_mb, "%llu", MB_OF(READ_ONCE(dm->ballooned)));
DM_ATTR(hot_added_pages, "%llu", TO_HV(READ_ONCE(dm->hot_added)));
DM_ATTR(ballooned_pages, "%llu", TO_HV(READ_ONCE(dm->ballooned)));
DM_ATTR(status_reports, "%llu", READ_ONCE(dm->status_reports));
DM_ATTR(hot_add_waiting_mb, "%llu", MB_OF(dm_ha_waiting(dm)));
DM_ATTR(hibernation, "%d", dm->s4);

static struct attribute *dm_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_protocol_version.attr,
	&dev_attr_capabilities.attr,
	&dev_attr_startup_mb.attr,
	&dev_attr_assigned_mb.attr,
	&dev_attr_floor_mb.attr,
	&dev_attr_hot_added_mb.attr,
	&dev_attr_ballooned_mb.attr,
	&dev_attr_hot_added_pages.attr,
	&dev_attr_ballooned_pages.attr,
	&dev_attr_status_reports.attr,
	&dev_attr_hot_add_waiting_mb.attr,
	&dev_attr_hibernation.attr,
	NULL
};

static const struct attribute_group dm_group = {
	.name = "dynamic_memory",
	.attrs = dm_attrs,
};

/* ---- probe / remove ---- */

static int dm_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	unsigned long present = 0;
	struct dm_dev *dm;
	int nid, rc;

	dm = kzalloc(sizeof(*dm), GFP_KERNEL);
	if (!dm)
		return -ENOMEM;
	dm->tx = kzalloc(DM_MSG_MAX, GFP_KERNEL);
	dm->wq = alloc_ordered_workqueue("hvis_balloon", WQ_MEM_RECLAIM);
	if (!dm->tx || !dm->wq) {
		rc = -ENOMEM;
		goto free;
	}
	dm->hdev = hdev;
	dm->ch = hdev->channel;
	init_completion(&dm->answered);
	spin_lock_init(&dm->q_lock);
	spin_lock_init(&dm->ha_lock);
	INIT_LIST_HEAD(&dm->queue);
	INIT_WORK(&dm->req_work, dm_req_work);
	INIT_DELAYED_WORK(&dm->status_work, dm_status_work);
	xa_init(&dm->balloon);
	for_each_online_node(nid)
		present += node_present_pages(nid);
	/* Boot memory, as the host counts it: present pages rounded up to 2 MiB. */
	dm->startup_pages = ALIGN(present, 1UL << DM_2M_ORDER);
	hvis_set_drvdata(hdev, dm);

	dm_setup_hibernation(dm);
	dm_setup_hot_add(dm);
	rc = hvis_channel_open(dm->ch, DM_RING_BYTES, DM_RING_BYTES, NULL, 0, dm_callback, dm);
	if (rc) {
		dev_err(&hdev->dev, "hvis-dm-1 error (open): cannot open the channel: %d\n", rc);
		goto uncb;
	}
	rc = dm_handshake(dm);
	if (rc)
		goto close;
	rc = sysfs_create_group(&hdev->dev.kobj, &dm_group);
	if (rc)
		goto close;
	if (dm->state == DM_READY) {
		dm_post_status(dm);
		queue_delayed_work(system_wq, &dm->status_work, HZ);
	}
	return 0;
close:
	hvis_channel_close(dm->ch);
uncb:
	dm_teardown_hot_add(dm);
free:
	if (dm->wq)
		destroy_workqueue(dm->wq);
	kfree(dm->tx);
	kfree(dm);
	return rc;
}

static void dm_remove(struct hvis_device *hdev)
{
	struct dm_dev *dm = hvis_get_drvdata(hdev);
	struct dm_req *rq, *tmp;

	WRITE_ONCE(dm->dying, true);
	cancel_delayed_work_sync(&dm->status_work);
	sysfs_remove_group(&hdev->dev.kobj, &dm_group);
	hvis_channel_close(dm->ch);
	flush_workqueue(dm->wq);
	destroy_workqueue(dm->wq);
	list_for_each_entry_safe(rq, tmp, &dm->queue, list)
		kfree(rq);
	/* The host's holes refill when the pages are used again. */
	dm_free_balloon(dm);
	/* Hot-added memory stays; pages never backed stay offline. */
	dm_teardown_hot_add(dm);
	kfree(dm->tx);
	kfree(dm);
}

static const struct hvis_device_id dm_ids[] = {
	{ .guid = HV_DM_GUID },
	{ }
};

static struct hvis_driver dm_driver = {
	.name = "hvis_balloon",
	.id_table = dm_ids,
	.probe = dm_probe,
	.remove = dm_remove,
};

module_hvis_driver(dm_driver);

MODULE_ALIAS("vmbus:dc7450528589e2468057a307dc18a502");
MODULE_DESCRIPTION("hvis Dynamic Memory (ballooning and memory hot-add)");
MODULE_LICENSE("GPL");
