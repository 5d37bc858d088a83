// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_shutdown.c: the shutdown IC (HV_SHUTDOWN_GUID).  `ctl shutdown` and `ctl reboot`
 * send ICMSGTYPE_SHUTDOWN with flags 0 (power off) or 2 (reboot); the guest answers
 * with a status (drivers/hv/hv_util.c shutdown_onchannelcallback; payload struct
 * shutdown_msg_data in include/linux/hyperv.h).  Once the guest accepts, the host
 * writes no more ring packets until the guest's VMBus starts over: its memory is
 * about to be reused.
 */
#include <stdio.h>
#include <stdlib.h>
#include "dev_ic.h"
#include "dev_shutdown.h"

static const struct ic_version sd_versions[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };

struct sd_state {
	u32 last_flags;
	u64 sent;
	u64 acks;
	u32 last_status;
};

static void sd_response(struct host_channel *ch, const struct icmsg_hdr *hdr, const u8 *data,
			u32 len)
{
	struct sd_state *sd = ch->dev->priv;

	sd->acks++;
	sd->last_status = hdr->status;
	host_event(ch->host, "SHUTDOWN_ACK", "relid=%u flags=%u status=%#x", ch->relid,
		   sd->last_flags, hdr->status);
	if (hdr->status == HV_S_OK)
		ch->host->quiesced = true;
}

static const struct ic_service sd_service = {
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = sd_versions,
	.nversions = ARRAY_SIZE(sd_versions),
	.response = sd_response,
};

int dev_shutdown_request(struct vmbus_host *h, u32 flags)
{
	struct host_channel *ch = ic_find_channel(h, &dev_shutdown_ops);
	struct shutdown_msg_data *msg;
	struct sd_state *sd;
	int ret;

	if (!ch)
		return -ENOTCONN;
	msg = calloc(1, sizeof(*msg));
	if (!msg)
		return -ENOMEM;
	msg->flags = flags;
	ret = ic_send(ch, ICMSGTYPE_SHUTDOWN, msg, sizeof(*msg));
	free(msg);
	if (ret)
		return ret;
	sd = ch->dev->priv;
	sd->sent++;
	sd->last_flags = flags;
	host_event(h, "SHUTDOWN_SENT", "relid=%u flags=%u kind=%s", ch->relid, flags,
		   (flags & IC_SHUTDOWN_FLAG_REBOOT) ? "reboot" : "poweroff");
	return 0;
}

static int sd_create(struct host_device *dev)
{
	dev->priv = calloc(1, sizeof(struct sd_state));
	return dev->priv ? 0 : -ENOMEM;
}

static void sd_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int sd_open(struct host_channel *ch)
{
	return ic_open(ch, &sd_service);
}

static void sd_status(struct host_device *dev, char *buf, size_t len)
{
	struct sd_state *sd = dev->priv;

	snprintf(buf, len, "requests=%llu acks=%llu last_status=%#x",
		 (unsigned long long)sd->sent, (unsigned long long)sd->acks, sd->last_status);
}

const struct host_device_ops dev_shutdown_ops = {
	.name = "shutdown",
	.class_id = HV_SHUTDOWN_GUID,
	.create = sd_create,
	.destroy = sd_destroy,
	.open = sd_open,
	.packets = ic_packets,
	.close = ic_close,
	.tick = ic_tick,
	.pump = ic_pump,
	.status = sd_status,
};
