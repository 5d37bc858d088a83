// SPDX-License-Identifier: GPL-2.0-only
/*
 * heartbeat.c: the heartbeat integration component.  The host sends a sequence number
 * every few seconds; the guest answers with the number plus one, which tells the host
 * the guest is alive (drivers/hv/hv_util.c heartbeat_onchannelcallback).
 */
#include <linux/module.h>
#include "ic.h"

/* Message versions, newest first (drivers/hv/hv_util.c hb_versions). */
static const struct ic_version hb_versions[] = { { 3, 0 }, { 1, 0 } };

static u32 hb_handle(struct hvis_ic *ic, struct hvis_ic_view *msg)
{
	struct heartbeat_msg_data *hb = (struct heartbeat_msg_data *)msg->data;

	hb->seq_num += 1;
	return HV_S_OK;
}

static const struct hvis_ic_service hb_service = {
	.name = "Heartbeat",
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = hb_versions,
	.n_versions = ARRAY_SIZE(hb_versions),
	.min_data_len = sizeof(struct heartbeat_msg_data),
	.handle = hb_handle,
};

static int hb_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	return hvis_ic_probe(dev, &hb_service, NULL);
}

static const struct hvis_device_id hb_ids[] = {
	{ .guid = HV_HEARTBEAT_GUID },
	{ }
};

static struct hvis_driver hb_driver = {
	.name = "hvis_heartbeat",
	.id_table = hb_ids,
	.probe = hb_probe,
	.remove = hvis_ic_remove,
};
module_hvis_driver(hb_driver);

MODULE_ALIAS("vmbus:394f16571591784eab55382f3bd5422d");
MODULE_DESCRIPTION("hvis heartbeat integration component");
MODULE_LICENSE("GPL");
