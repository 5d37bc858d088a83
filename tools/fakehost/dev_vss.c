// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_vss.c: the live-backup (VSS) IC (HV_VSS_GUID), message version 5.0 only, as
 * drivers/hv/hv_snapshot.c accepts.  `ctl vss freeze|thaw|hot-backup|dm-info` sends
 * one struct hv_vss_msg (include/uapi/linux/hyperv.h) after the IC header; the answer
 * becomes a VSS_RESULT event with the IC status and the flags field.  `ctl vss status`
 * prints the last answers.  `bad-op` sends an operation the guest must refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include "dev_ic.h"
#include "dev_vss.h"
#include "hvis/vss_abi.h"

static const struct ic_version vss_versions[] = { { 5, 0 } };

/* The guest waits up to 15 min for its daemon's freeze (hv_snapshot.c VSS_FREEZE_TIMEOUT). */
#define VSS_FREEZE_HOST_TIMEOUT_MS	(16 * 60 * 1000)

struct vss_state {
	struct ic_request out;		/* the request with the guest */
	char what[16];
	u64 sent, answers;
	char last[16];
	u32 last_status;
	bool frozen;		/* the guest acknowledged a FREEZE and no THAW since */
};

static void vss_response(struct host_channel *ch, const struct icmsg_hdr *hdr, const u8 *data,
			 u32 len)
{
	struct vss_state *v = ch->dev->priv;
	const struct hv_vss_msg *m = (const void *)data;

	v->answers++;
	if (!ic_request_answered(ch, &v->out))
		return;
	snprintf(v->last, sizeof(v->last), "%s", v->what);
	v->last_status = hdr->status;
	if (hdr->status == HV_S_OK && !strcmp(v->what, "freeze"))
		v->frozen = true;
	if (!strcmp(v->what, "thaw"))
		v->frozen = false;
	host_event(ch->host, "VSS_RESULT", "op=%s status=%#x flags=%u", v->what, hdr->status,
		   len >= sizeof(*m) ? m->flags : 0);
}

/* A request the guest never answered: the ctl call waiting for it gets a timeout. */
static void vss_tick(struct host_channel *ch, u64 now_ms)
{
	struct vss_state *v = ch->dev->priv;

	if (ic_request_expired(ch, &v->out, now_ms))
		host_event(ch->host, "VSS_RESULT", "op=%s status=timeout", v->what);
}

static const struct ic_service vss_service = {
	.msgtype = ICMSGTYPE_VSS,
	.versions = vss_versions,
	.nversions = ARRAY_SIZE(vss_versions),
	.response = vss_response,
	.tick = vss_tick,
};

int dev_vss_request(struct vmbus_host *h, int argc, char **argv)
{
	static const struct { const char *name; u8 op; } ops[] = {
		{ "freeze", VSS_OP_FREEZE }, { "thaw", VSS_OP_THAW },
		{ "hot-backup", VSS_OP_HOT_BACKUP }, { "dm-info", VSS_OP_GET_DM_INFO },
		{ "bad-op", 42 },
	};
	struct host_channel *ch;
	struct hv_vss_msg m = { 0 };
	struct vss_state *v;
	unsigned int i;
	int ret;

	if (argc != 1)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(argv[0], ops[i].name))
			break;
	if (i == ARRAY_SIZE(ops))
		return -EINVAL;
	ch = ic_find_channel(h, &dev_vss_ops);
	if (!ch)
		return -ENOTCONN;
	v = ch->dev->priv;
	if (ic_request_out(&v->out))
		return -EBUSY;
	m.vss_hdr.operation = ops[i].op;
	ret = ic_request_send(ch, &v->out, ops[i].op == VSS_OP_FREEZE ?
			      VSS_FREEZE_HOST_TIMEOUT_MS : IC_REQUEST_TIMEOUT_MS,
			      ICMSGTYPE_VSS, &m, sizeof(m));
	if (ret)
		return ret;
	v->sent++;
	snprintf(v->what, sizeof(v->what), "%s", argv[0]);
	host_event(h, "VSS_SENT", "relid=%u op=%s", ch->relid, argv[0]);
	return 0;
}

static int vss_create(struct host_device *dev)
{
	dev->priv = calloc(1, sizeof(struct vss_state));
	return dev->priv ? 0 : -ENOMEM;
}

static void vss_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int vss_open(struct host_channel *ch)
{
	struct vss_state *v = ch->dev->priv;

	v->out.out = false;
	return ic_open(ch, &vss_service);
}

static void vss_status(struct host_device *dev, char *buf, size_t len)
{
	struct vss_state *v = dev->priv;

	snprintf(buf, len,
		 "sent=%llu answers=%llu busy=%d timeouts=%llu frozen=%d last=%s last_status=%#x",
		 (unsigned long long)v->sent, (unsigned long long)v->answers,
		 ic_request_out(&v->out), (unsigned long long)v->out.timeouts, v->frozen,
		 v->last[0] ? v->last : "none", v->last_status);
}

const struct host_device_ops dev_vss_ops = {
	.name = "vss",
	.class_id = HV_VSS_GUID,
	.create = vss_create,
	.destroy = vss_destroy,
	.open = vss_open,
	.packets = ic_packets,
	.close = ic_close,
	.tick = ic_tick,
	.pump = ic_pump,
	.status = vss_status,
};
