// SPDX-License-Identifier: GPL-2.0-only
/*
 * ic_core.c: the IC framework (hvis_ic.ko): channel open/close, the receive loop,
 * version negotiation and replies, shared by heartbeat, shutdown and the other ICs.
 *
 * Ring and buffer sizes follow drivers/hv/hv_util.c (3 pages of ring each way, a
 * 4-page receive buffer); framework versions 3.0 and 1.0 as there.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "ic.h"

#define IC_RING_BYTES	(3 * PAGE_SIZE)
#define IC_RECV_BYTES	(4 * PAGE_SIZE)

static const struct ic_version ic_fw_versions[] = { IC_FW_VERSION_3_0, IC_FW_VERSION_1_0 };

static void ic_reply(struct hvis_ic *ic, u32 len, u64 trans_id)
{
	int rc = hvis_channel_send(ic->dev->channel, ic->buf, len, trans_id,
				   VM_PKT_DATA_INBAND, 0);

	if (rc)
		dev_err_ratelimited(&ic->dev->dev, "%s IC: reply failed: %d\n", ic->svc->name, rc);
}

static void ic_handle_negotiate(struct hvis_ic *ic, struct hvis_ic_view *v)
{
	int rc = hvis_ic_negotiate(v, ic_fw_versions, ARRAY_SIZE(ic_fw_versions),
				   ic->svc->versions, ic->svc->n_versions, &ic->fw, &ic->srv);

	if (rc == -EINVAL) {
		dev_err_ratelimited(&ic->dev->dev,
				    "%s IC: malformed negotiate request (version counts)\n",
				    ic->svc->name);
		hvis_ic_set_response(v, HV_E_FAIL);
		return;
	}
	if (rc) {
		dev_err(&ic->dev->dev, "%s IC: host offers no version we support\n",
			ic->svc->name);
		return;
	}
	if (!ic->negotiated)
		dev_info(&ic->dev->dev, "%s IC version %u.%u\n", ic->svc->name,
			 ic->srv.major, ic->srv.minor);
	ic->negotiated = true;
}

static void ic_handle_one(struct hvis_ic *ic, u32 len, u64 trans_id)
{
	struct hvis_ic_view v;
	u32 status;

	if (hvis_ic_parse(ic->buf, len, &v)) {
		dev_err_ratelimited(&ic->dev->dev, "%s IC: packet of %u bytes is shorter than its headers\n",
				    ic->svc->name, len);
		return;
	}
	if (v.hdr->icmsgtype == ICMSGTYPE_NEGOTIATE) {
		ic_handle_negotiate(ic, &v);
	} else if (v.hdr->icmsgtype == ic->svc->msgtype) {
		if (v.data_len < ic->svc->min_data_len) {
			dev_err_ratelimited(&ic->dev->dev,
					    "%s IC: message of %u bytes, need %u\n",
					    ic->svc->name, v.data_len, ic->svc->min_data_len);
			status = HV_E_FAIL;
		} else {
			ic->len = len;
			ic->trans_id = trans_id;
			status = ic->svc->handle(ic, &v);
			if (status == HVIS_IC_DEFER)
				return;
		}
		hvis_ic_set_response(&v, status);
	} else {
		dev_err_ratelimited(&ic->dev->dev, "%s IC: unexpected message type %u\n",
				    ic->svc->name, v.hdr->icmsgtype);
		hvis_ic_set_response(&v, HV_E_FAIL);
	}
	ic_reply(ic, len, trans_id);
}

static void ic_channel_callback(void *context)
{
	struct hvis_ic *ic = context;
	u64 trans_id;
	int len;

	for (;;) {
		len = hvis_channel_recv(ic->dev->channel, ic->buf, IC_RECV_BYTES, &trans_id);
		if (len == -ENOBUFS) {
			dev_err_ratelimited(&ic->dev->dev, "%s IC: packet larger than %lu bytes dropped\n",
					    ic->svc->name, IC_RECV_BYTES);
			continue;
		}
		if (len < 0)
			break;
		ic_handle_one(ic, len, trans_id);
	}
}

int hvis_ic_reply(struct hvis_ic *ic, void *pkt, u32 len, u64 trans_id, u32 status)
{
	struct hvis_ic_view v;
	int rc;

	if (hvis_ic_parse(pkt, len, &v))
		return -EINVAL;
	hvis_ic_set_response(&v, status);
	rc = hvis_channel_send(ic->dev->channel, pkt, len, trans_id, VM_PKT_DATA_INBAND, 0);
	if (rc && rc != -EAGAIN)
		dev_err_ratelimited(&ic->dev->dev, "%s IC: reply failed: %d\n", ic->svc->name, rc);
	return rc;
}
EXPORT_SYMBOL_GPL(hvis_ic_reply);

int hvis_ic_probe(struct hvis_device *dev, const struct hvis_ic_service *svc, void *priv)
{
	struct hvis_ic *ic;
	int rc;

	ic = kzalloc(sizeof(*ic), GFP_KERNEL);
	if (!ic)
		return -ENOMEM;
	ic->buf = kzalloc(IC_RECV_BYTES, GFP_KERNEL);
	if (!ic->buf) {
		rc = -ENOMEM;
		goto err_free_ic;
	}
	ic->dev = dev;
	ic->svc = svc;
	ic->priv = priv;
	hvis_set_drvdata(dev, ic);

	rc = hvis_channel_open(dev->channel, IC_RING_BYTES, IC_RING_BYTES, NULL, 0,
			       ic_channel_callback, ic);
	if (rc) {
		dev_err(&dev->dev, "%s IC: cannot open channel: %d\n", svc->name, rc);
		goto err_free_buf;
	}
	return 0;

err_free_buf:
	kfree(ic->buf);
err_free_ic:
	hvis_set_drvdata(dev, NULL);
	kfree(ic);
	return rc;
}
EXPORT_SYMBOL_GPL(hvis_ic_probe);

void hvis_ic_remove(struct hvis_device *dev)
{
	struct hvis_ic *ic = hvis_get_drvdata(dev);

	hvis_channel_close(dev->channel);
	hvis_set_drvdata(dev, NULL);
	kfree(ic->buf);
	kfree(ic);
}
EXPORT_SYMBOL_GPL(hvis_ic_remove);

MODULE_DESCRIPTION("hvis integration-component framework");
MODULE_LICENSE("GPL");
