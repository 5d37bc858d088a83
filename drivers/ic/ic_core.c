// SPDX-License-Identifier: GPL-2.0-only
/*
 * ic_core.c: the IC framework (hvis_ic.ko): channel open/close, the receive loop,
 * version negotiation and replies, shared by heartbeat, shutdown and the other ICs.
 *
 * Ring and buffer sizes follow drivers/hv/hv_util.c (3 pages of ring each way, a
 * 4-page receive buffer).  Framework versions are per service, as upstream's
 * (lib/ic_msg.c hvis_ic_fw_versions).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "ic.h"

#define IC_RING_BYTES	(3 * PAGE_SIZE)
#define IC_RECV_BYTES	(4 * PAGE_SIZE)

static void ic_reply(struct hvis_ic *ic, u32 len, u64 trans_id)
{
	int rc = hvis_channel_send(ic->dev->channel, ic->buf, len, trans_id,
				   VM_PKT_DATA_INBAND, 0);

	if (rc)
		dev_err_ratelimited(&ic->dev->dev, "%s IC: reply failed: %d\n", ic->svc->name, rc);
}

static void ic_handle_negotiate(struct hvis_ic *ic, struct hvis_ic_view *v)
{
	unsigned int n_fw;
	const struct ic_version *fw = hvis_ic_fw_versions(ic->svc->msgtype, &n_fw);
	int rc = hvis_ic_negotiate(v, fw, n_fw, ic->svc->versions, ic->svc->n_versions,
				   &ic->fw, &ic->srv);

	if (rc == -EINVAL) {
		dev_err_ratelimited(&ic->dev->dev,
				    "%s IC: malformed negotiate request (version counts)\n",
				    ic->svc->name);
		hvis_ic_set_response(v, HV_E_FAIL);
		return;
	}
	if (rc) {
		dev_err_ratelimited(&ic->dev->dev, "%s IC: host offers no version we support\n",
				    ic->svc->name);
		return;
	}
	if (!ic->negotiated)
		dev_info(&ic->dev->dev, "%s IC version %u.%u\n", ic->svc->name,
			 ic->srv.major, ic->srv.minor);
	ic->negotiated = true;
}

/*
 * Keeps a copy of the negotiate request in ic->buf instead of answering it, while the
 * service asks for a hold (drivers/hv/hv_kvp.c holds KVP's for HV_UTIL_NEGO_TIMEOUT,
 * 55 s, until its daemon registers).  True if held.  Tasklet context.
 */
static bool ic_hold_negotiation(struct hvis_ic *ic, u32 len, u64 trans_id)
{
	unsigned int secs;
	u8 *copy;

	if (!ic->svc->hold_negotiation || ic->negotiated || READ_ONCE(ic->hold_expired) ||
	    !ic->svc->hold_negotiation(ic))
		return false;
	copy = kmemdup(ic->buf, len, GFP_ATOMIC);
	if (!copy)
		return false;
	secs = READ_ONCE(*ic->svc->hold_secs);
	spin_lock(&ic->hold_lock);
	if (!ic->held)
		dev_info(&ic->dev->dev, "%s IC: version negotiation held for up to %u s until the daemon registers\n",
			 ic->svc->name, secs);
	kfree(ic->held);	/* the host asked again: answer the newest */
	ic->held = copy;
	ic->held_len = len;
	ic->held_trans_id = trans_id;
	spin_unlock(&ic->hold_lock);
	mod_delayed_work(system_wq, &ic->hold_work, secs * HZ);
	return true;
}

/* Answers the held negotiation: on release, on timeout, or on ring-full retry. */
static void ic_hold_work_fn(struct work_struct *work)
{
	struct hvis_ic *ic = container_of(to_delayed_work(work), struct hvis_ic, hold_work);
	struct hvis_ic_view v;
	u64 trans_id;
	u8 *pkt;
	u32 len;
	int rc;

	spin_lock_bh(&ic->hold_lock);
	pkt = ic->held;
	len = ic->held_len;
	trans_id = ic->held_trans_id;
	ic->held = NULL;
	spin_unlock_bh(&ic->hold_lock);
	if (!pkt || hvis_ic_parse(pkt, len, &v)) {
		kfree(pkt);
		return;
	}
	if (READ_ONCE(ic->dying)) {
		kfree(pkt);
		return;
	}
	if (!READ_ONCE(ic->hold_expired)) {
		WRITE_ONCE(ic->hold_expired, true);
		if (ic->svc->hold_negotiation(ic))
			dev_warn(&ic->dev->dev, "%s IC: no daemon registered; answering the host's version negotiation anyway\n",
				 ic->svc->name);
		else
			dev_info(&ic->dev->dev, "%s IC: daemon registered; answering the host's version negotiation\n",
				 ic->svc->name);
	}
	spin_lock_bh(&ic->hold_lock);
	ic_handle_negotiate(ic, &v);
	spin_unlock_bh(&ic->hold_lock);
	rc = hvis_channel_send(ic->dev->channel, pkt, len, trans_id, VM_PKT_DATA_INBAND, 0);
	if (rc == -EAGAIN) {
		spin_lock_bh(&ic->hold_lock);
		if (!ic->held) {
			ic->held = pkt;
			pkt = NULL;
		}
		spin_unlock_bh(&ic->hold_lock);
		mod_delayed_work(system_wq, &ic->hold_work, HZ / 10);
	} else if (rc) {
		dev_err_ratelimited(&ic->dev->dev, "%s IC: negotiation reply failed: %d\n",
				    ic->svc->name, rc);
	}
	kfree(pkt);
}

void hvis_ic_release_negotiation(struct hvis_ic *ic)
{
	bool held;

	spin_lock_bh(&ic->hold_lock);
	held = ic->held;
	spin_unlock_bh(&ic->hold_lock);
	if (held)
		mod_delayed_work(system_wq, &ic->hold_work, 0);
}
EXPORT_SYMBOL_GPL(hvis_ic_release_negotiation);

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
		if (ic_hold_negotiation(ic, len, trans_id))
			return;
		spin_lock(&ic->hold_lock);
		ic_handle_negotiate(ic, &v);
		spin_unlock(&ic->hold_lock);
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
	spin_lock_init(&ic->hold_lock);
	INIT_DELAYED_WORK(&ic->hold_work, ic_hold_work_fn);
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

	WRITE_ONCE(ic->dying, true);
	hvis_channel_close(dev->channel);
	cancel_delayed_work_sync(&ic->hold_work);
	hvis_set_drvdata(dev, NULL);
	kfree(ic->held);
	kfree(ic->buf);
	kfree(ic);
}
EXPORT_SYMBOL_GPL(hvis_ic_remove);

MODULE_DESCRIPTION("hvis integration-component framework");
MODULE_LICENSE("GPL");
