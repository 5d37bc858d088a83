// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: hvis_storvsc's module and VMBus glue: module parameters (upstream's names
 * and meanings) and their checks, probe (channel, VSTOR initialization, subchannels,
 * SCSI host, scan), remove and the teardown order both share.
 *
 * As torvalds/linux drivers/scsi/storvsc_drv.c (module parameters, storvsc_probe,
 * storvsc_remove, id_table).
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <scsi/scsi_device.h>
#include "storvsc.h"

static int storvsc_ringbuffer_size = 128 * 1024;
module_param(storvsc_ringbuffer_size, int, 0444);
MODULE_PARM_DESC(storvsc_ringbuffer_size, "Ring buffer size (bytes)");

static uint storvsc_max_hw_queues;
module_param(storvsc_max_hw_queues, uint, 0644);
MODULE_PARM_DESC(storvsc_max_hw_queues, "Maximum number of hardware queues");

static int storvsc_vcpus_per_sub_channel = 4;
module_param(storvsc_vcpus_per_sub_channel, int, 0444);
MODULE_PARM_DESC(storvsc_vcpus_per_sub_channel, "Ratio of VCPUs to subchannels");

static int ring_avail_percent_lowater = 10;
module_param(ring_avail_percent_lowater, int, 0444);
MODULE_PARM_DESC(ring_avail_percent_lowater,
		 "Select a channel if available ring size > this in percent");

int storvsc_logging_level = STORVSC_LOG_ERROR;
module_param_named(logging_level, storvsc_logging_level, int, 0644);
MODULE_PARM_DESC(logging_level, "Logging level, 0 - None, 1 - Error (default), 2 - Warning.");

/*
 * Upstream's storvsc waits for the host's answer for good (Hyper-V answers every
 * request, if late); hvis gives up after this long, so that a host that lost one does
 * not hang the disk: the SCSI error handler then resets the bus and retries.
 */
unsigned int storvsc_abort_after_s = 600;
module_param_named(abort_after, storvsc_abort_after_s, uint, 0644);
MODULE_PARM_DESC(abort_after, "Seconds a command may wait for the host before it is aborted and the bus reset (checked at each expiry of the device's timeout, /sys/block/sdX/device/timeout); 0 waits for good, as upstream (default 600)");

#define STORVSC_RING_MIN	(16 * 1024)
#define STORVSC_RING_MAX	(4 * 1024 * 1024)

static u32 storvsc_ring_bytes(struct device *dev)
{
	int v = storvsc_ringbuffer_size;

	if (v < STORVSC_RING_MIN || v > STORVSC_RING_MAX || v % VSTOR_PAGE_SIZE) {
		dev_warn(dev, "storvsc_ringbuffer_size=%d is not a 4 KiB multiple in %u..%u; using %u\n",
			 v, STORVSC_RING_MIN, STORVSC_RING_MAX, 128 * 1024);
		v = 128 * 1024;
	}
	return v;
}

static u32 storvsc_lowater(struct device *dev)
{
	int v = ring_avail_percent_lowater;

	if (v < 0 || v > 90) {
		dev_warn(dev, "ring_avail_percent_lowater=%d not in 0..90; using 10\n", v);
		v = 10;
	}
	return v;
}

static u32 storvsc_hw_queue_bound(struct device *dev)
{
	u32 v = READ_ONCE(storvsc_max_hw_queues);

	/* storvsc_probe resets a value above the CPU count */
	if (v > num_present_cpus()) {
		dev_warn(dev, "storvsc_max_hw_queues=%u above %u CPUs; using the default\n", v,
			 num_present_cpus());
		v = 0;
	}
	return v;
}

/* Closes the channels (subchannels first) and frees what probe allocated. */
static void storvsc_teardown(struct storvsc_host *h)
{
	hvis_channel_set_subchannel_callback(h->hdev->channel, NULL);
	hvis_channel_close(h->hdev->channel);
	/* The channels are closed: nothing asks for a rescan or a failing any more. */
	cancel_delayed_work_sync(&h->scan_work);
	cancel_work_sync(&h->gone_work);
	destroy_workqueue(h->wq);
	kfree(h->live);
	kfree(h->chans);
	kfree(h->sc_new);
	hvis_set_drvdata(h->hdev, NULL);
}

static int storvsc_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct storvsc_host *h;
	struct Scsi_Host *shost;
	atomic64_t *live;
	u32 i, target;
	int rc;

	shost = storvsc_host_alloc();
	if (!shost)
		return -ENOMEM;
	h = shost_priv(shost);
	h->shost = shost;
	h->hdev = hdev;
	h->cls = id->driver_data;
	spin_lock_init(&h->lock);
	mutex_init(&h->ctl_lock);
	init_completion(&h->init.done);
	init_completion(&h->reset.done);
	init_completion(&h->sc_all);
	INIT_DELAYED_WORK(&h->scan_work, storvsc_scan_work);
	h->scan_last = jiffies - STORVSC_SCAN_GAP;
	INIT_WORK(&h->fail_work, storvsc_fail_work);
	INIT_WORK(&h->gone_work, storvsc_gone_work);
	h->ring_bytes = storvsc_ring_bytes(&hdev->dev);
	h->chan_cap = h->cls == STORVSC_IDE ? 1 : max(num_online_cpus(), 1u);
	h->chans = kcalloc(h->chan_cap, sizeof(*h->chans), GFP_KERNEL);
	h->wq = alloc_ordered_workqueue("hvis_storvsc_%u", 0, shost->host_no);
	if (!h->chans || !h->wq) {
		if (h->wq)
			destroy_workqueue(h->wq);
		kfree(h->chans);
		scsi_host_put(shost);
		return -ENOMEM;
	}
	hvis_set_drvdata(hdev, h);

	hvis_channel_set_max_packet(hdev->channel, STORVSC_MAX_PACKET);
	rc = storvsc_connect(h);
	if (rc)
		goto err;
	if (h->host_max_sub) {
		hvis_channel_set_subchannel_callback(hdev->channel, storvsc_subchannel_offer);
		rc = storvsc_open_subchannels(h, storvsc_hw_queue_bound(&hdev->dev));
		if (rc)
			goto err;
	}
	/* Offers after this point were not asked for: refused by the callback. */
	storvsc_host_limits(h, storvsc_lowater(&hdev->dev));
	h->live_queues = shost->nr_hw_queues;
	h->live_depth = shost->can_queue;
	live = kcalloc(h->live_queues * h->live_depth, sizeof(*live), GFP_KERNEL);
	if (!live) {
		rc = -ENOMEM;
		goto err;
	}
	/* The host answers already: its completions look at the table from now on. */
	smp_store_release(&h->live, live);
	rc = scsi_add_host(shost, &hdev->dev);
	if (rc) {
		dev_err(&hdev->dev, "cannot add the SCSI host: %d\n", rc);
		goto err;
	}
	storvsc_fc_attach(h);
	dev_info(&hdev->dev, "host%u: VSTOR %u.%u, %u channel(s), max transfer %u KiB, queue depth %u\n",
		 shost->host_no, h->version >> 8, h->version & 0xff, h->nchan, h->max_xfer / 1024,
		 shost->can_queue);
	for (i = 1; i < h->nchan; i++)
		dev_dbg(&hdev->dev, "hw queue %u: relid %u on CPU %u\n", i,
			hvis_channel_relid(h->chans[i].ch),
			hvis_channel_target_cpu(h->chans[i].ch));

	WRITE_ONCE(h->added, true);
	/* A subchannel rescinded before this point is dropped now. */
	queue_work(h->wq, &h->fail_work);

	if (h->cls == STORVSC_IDE) {
		/* storvsc_probe: the IDE target is in bytes 4-5 of the instance GUID */
		target = hdev->instance_id.b[5] << 8 | hdev->instance_id.b[4];
		rc = scsi_add_device(shost, 0, target, 0);
		if (rc) {
			dev_err(&hdev->dev, "cannot add the IDE disk (target %u): %d\n", target,
				rc);
			WRITE_ONCE(h->removing, true);
			storvsc_fc_detach(h);
			scsi_remove_host(shost);
			goto err;
		}
	} else {
		scsi_scan_host(shost);
	}
	return 0;

err:
	storvsc_teardown(h);
	scsi_host_put(shost);
	return rc;
}

static void storvsc_remove(struct hvis_device *hdev)
{
	struct storvsc_host *h = hvis_get_drvdata(hdev);
	struct Scsi_Host *shost = h->shost;

	hvis_channel_set_subchannel_callback(hdev->channel, NULL);
	WRITE_ONCE(h->removing, true);
	/* A failing queued before runs to its end; one queued after does nothing. */
	cancel_work_sync(&h->gone_work);
	/* A rescinded host answers nothing more: what waits for it fails now. */
	if (hvis_channel_rescinded(hdev->channel))
		storvsc_fail_all(h, DID_NO_CONNECT);
	cancel_delayed_work_sync(&h->scan_work);
	flush_workqueue(h->wq);
	/* A subchannel rescinded since (fail_work no longer runs): its commands requeue. */
	storvsc_drop_rescinded(h);
	storvsc_fc_detach(h);
	scsi_remove_host(shost);
	storvsc_teardown(h);
	scsi_host_put(shost);
}

static const struct hvis_device_id storvsc_ids[] = {
	{ .guid = HV_SCSI_GUID, .driver_data = STORVSC_SCSI },
	{ .guid = HV_IDE_GUID, .driver_data = STORVSC_IDE },
	{ .guid = HV_SYNTHFC_GUID, .driver_data = STORVSC_FC },
	{ }
};

static struct hvis_driver storvsc_driver = {
	.name = KBUILD_MODNAME,
	.id_table = storvsc_ids,
	.probe = storvsc_probe,
	.remove = storvsc_remove,
};

static int __init storvsc_init(void)
{
	int rc;

	if (storvsc_vcpus_per_sub_channel < 1) {
		pr_warn("storvsc_vcpus_per_sub_channel=%d below 1; using 4\n",
			storvsc_vcpus_per_sub_channel);
		storvsc_vcpus_per_sub_channel = 4;
	}
	rc = storvsc_fc_init();
	if (rc)
		return rc;
	rc = hvis_driver_register(&storvsc_driver);
	if (rc)
		storvsc_fc_exit();
	return rc;
}

static void __exit storvsc_exit(void)
{
	hvis_driver_unregister(&storvsc_driver);
	storvsc_fc_exit();
}

module_init(storvsc_init);
module_exit(storvsc_exit);

/*
 * udev loads us by class GUID: SCSI ba6163d9-04a1-4d29-b605-72e2ffb1dc7f,
 * IDE 32412632-86cb-44a2-9b5c-50d1417354f5, FC 2f9bcc4a-0069-4af3-b76b-6fd0be528cda.
 */
MODULE_ALIAS("vmbus:d96361baa104294db60572e2ffb1dc7f");
MODULE_ALIAS("vmbus:32264132cb86a2449b5c50d1417354f5");
MODULE_ALIAS("vmbus:4acc9b2f6900f34ab76b6fd0be528cda");
MODULE_DESCRIPTION("hvis Hyper-V synthetic storage driver (SCSI, IDE, Fibre Channel)");
MODULE_LICENSE("GPL");
