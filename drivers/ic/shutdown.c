// SPDX-License-Identifier: GPL-2.0-only
/*
 * shutdown.c: the shutdown integration component.  The host asks the guest to power
 * off or reboot; the guest acknowledges, then shuts down in an orderly way through
 * userspace (orderly_poweroff / orderly_reboot), as drivers/hv/hv_util.c does.
 * Flags: bit 0 force, 0/1 power off, 2/3 reboot (hv_util.c shutdown_onchannelcallback).
 */
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/workqueue.h>
#include "ic.h"

/* Message versions, newest first (drivers/hv/hv_util.c sd_versions). */
static const struct ic_version sd_versions[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };

static void sd_poweroff_fn(struct work_struct *work)
{
	orderly_poweroff(true);
}

static void sd_reboot_fn(struct work_struct *work)
{
	orderly_reboot();
}

static DECLARE_WORK(sd_poweroff_work, sd_poweroff_fn);
static DECLARE_WORK(sd_reboot_work, sd_reboot_fn);

static u32 sd_handle(struct hvis_ic *ic, struct hvis_ic_view *msg)
{
	struct shutdown_msg_data *sd = (struct shutdown_msg_data *)msg->data;
	u32 flags = sd->flags;

	switch (flags) {
	case IC_SHUTDOWN_FLAG_POWEROFF:
	case IC_SHUTDOWN_FLAG_POWEROFF | IC_SHUTDOWN_FLAG_FORCE:
		dev_info(&ic->dev->dev, "Shutdown request received: powering off\n");
		schedule_work(&sd_poweroff_work);
		return HV_S_OK;
	case IC_SHUTDOWN_FLAG_REBOOT:
	case IC_SHUTDOWN_FLAG_REBOOT | IC_SHUTDOWN_FLAG_FORCE:
		dev_info(&ic->dev->dev, "Shutdown request received: rebooting\n");
		schedule_work(&sd_reboot_work);
		return HV_S_OK;
	default:
		dev_err_ratelimited(&ic->dev->dev,
				    "Shutdown request with unsupported flags 0x%x refused\n",
				    flags);
		return HV_E_FAIL;
	}
}

static const struct hvis_ic_service sd_service = {
	.name = "Shutdown",
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = sd_versions,
	.n_versions = ARRAY_SIZE(sd_versions),
	.min_data_len = sizeof(struct shutdown_msg_data),
	.handle = sd_handle,
};

static int sd_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	return hvis_ic_probe(dev, &sd_service, NULL);
}

static void sd_remove(struct hvis_device *dev)
{
	hvis_ic_remove(dev);
	cancel_work_sync(&sd_poweroff_work);
	cancel_work_sync(&sd_reboot_work);
}

static const struct hvis_device_id sd_ids[] = {
	{ .guid = HV_SHUTDOWN_GUID },
	{ }
};

static struct hvis_driver sd_driver = {
	.name = "hvis_shutdown",
	.id_table = sd_ids,
	.probe = sd_probe,
	.remove = sd_remove,
};
module_hvis_driver(sd_driver);

MODULE_ALIAS("vmbus:31600b0e13523449818b38d90ced39db");
MODULE_DESCRIPTION("hvis shutdown integration component");
MODULE_LICENSE("GPL");
