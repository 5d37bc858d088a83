// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_heartbeat.c: the heartbeat IC (HV_HEARTBEAT_GUID).  Every --heartbeat-ms the
 * host sends ICMSGTYPE_HEARTBEAT with a sequence number; the guest answers with the
 * number plus one (drivers/hv/hv_util.c heartbeat_onchannelcallback; payload
 * struct heartbeat_msg_data in include/linux/hyperv.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include "dev_ic.h"
#include "dev_heartbeat.h"

static const struct ic_version hb_versions[] = { { 3, 0 }, { 1, 0 } };

static struct hb_state *state_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

static void hb_response(struct host_channel *ch, const struct icmsg_hdr *hdr, const u8 *data,
			u32 len)
{
	struct hb_state *hb = state_of(ch);
	struct heartbeat_msg_data msg;

	if (len < sizeof(msg.seq_num)) {
		host_guest_error(ch->host, "icmsgsize", "relid=%u class=heartbeat len=%u",
				 ch->relid, len);
		return;
	}
	memcpy(&msg.seq_num, data, sizeof(msg.seq_num));
	if (msg.seq_num != hb->sent_seq + 1)
		host_guest_error(ch->host, "seq_num", "relid=%u sent=%llu got=%llu", ch->relid,
				 (unsigned long long)hb->sent_seq,
				 (unsigned long long)msg.seq_num);
	hb->replies++;
	hb->last_seq = msg.seq_num;
	hb->have_reply = true;
	hb->next_seq = msg.seq_num;
	host_event(ch->host, "HEARTBEAT", "relid=%u seq=%llu", ch->relid,
		   (unsigned long long)msg.seq_num);
}

static void hb_tick(struct host_channel *ch, u64 now_ms)
{
	struct hb_state *hb = state_of(ch);
	struct heartbeat_msg_data msg = {};

	if (now_ms < hb->next_send_ms)
		return;
	hb->next_send_ms = now_ms + ch->host->heartbeat_ms;
	msg.seq_num = hb->next_seq;
	if (!ic_send(ch, ICMSGTYPE_HEARTBEAT, &msg, sizeof(msg))) {
		hb->sent++;
		hb->sent_seq = msg.seq_num;
	}
}

static const struct ic_service hb_service = {
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = hb_versions,
	.nversions = ARRAY_SIZE(hb_versions),
	.response = hb_response,
	.tick = hb_tick,
};

static int hb_create(struct host_device *dev)
{
	dev->priv = calloc(1, sizeof(struct hb_state));
	return dev->priv ? 0 : -ENOMEM;
}

static void hb_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int hb_open(struct host_channel *ch)
{
	state_of(ch)->next_send_ms = 0;
	return ic_open(ch, &hb_service);
}

static void hb_status(struct host_device *dev, char *buf, size_t len)
{
	struct hb_state *hb = dev->priv;

	if (hb->have_reply)
		snprintf(buf, len, "replies=%llu sent=%llu seq=%llu",
			 (unsigned long long)hb->replies, (unsigned long long)hb->sent,
			 (unsigned long long)hb->last_seq);
	else
		snprintf(buf, len, "replies=0 sent=%llu seq=none", (unsigned long long)hb->sent);
}

void dev_heartbeat_status(struct vmbus_host *h, char *buf, size_t len)
{
	struct host_device *d;

	for (d = h->devices; d; d = d->next) {
		if (d->ops == &dev_heartbeat_ops) {
			hb_status(d, buf, len);
			return;
		}
	}
	snprintf(buf, len, "no heartbeat device");
}

const struct host_device_ops dev_heartbeat_ops = {
	.name = "heartbeat",
	.class_id = HV_HEARTBEAT_GUID,
	.create = hb_create,
	.destroy = hb_destroy,
	.open = hb_open,
	.packets = ic_packets,
	.close = ic_close,
	.tick = ic_tick,
	.pump = ic_pump,
	.status = hb_status,
};
