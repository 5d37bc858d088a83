// SPDX-License-Identifier: GPL-2.0-only
/*
 * vstor.c: the VSTOR control protocol on a controller's primary channel (open,
 * BEGIN_INITIALIZATION, version, properties, FC HBA data, END_INITIALIZATION,
 * CREATE_SUB_CHANNELS and the subchannel offers, RESET_BUS) and the channel callback
 * that sorts everything the host sends.
 *
 * Order and values from torvalds/linux drivers/scsi/storvsc_drv.c
 * (storvsc_channel_init, handle_multichannel_storage, storvsc_on_channel_callback,
 * storvsc_host_reset_handler).
 */
#include <linux/cpumask.h>
#include <linux/slab.h>
#include "storvsc.h"

/* Bound of one control request (storvsc_drv.c waits 180 s; a TCG guest is slow too). */
#define STORVSC_CTL_TIMEOUT_S	30
/* How long probe waits for the subchannels it asked for. */
#define STORVSC_SC_TIMEOUT	(10 * HZ)

/* Newest first (storvsc_drv.c protocol_version[]). */
static const u16 storvsc_versions[] = {
	VMSTOR_VERSION_WIN10, VMSTOR_VERSION_WIN8_1, VMSTOR_VERSION_WIN8,
};

void storvsc_refuse(struct storvsc_host *h, const char *what, u64 tid, const char *why)
{
	atomic_inc(&h->refused);
	if (storvsc_logging_level >= STORVSC_LOG_ERROR)
		dev_err_ratelimited(&h->hdev->dev, "%s refused: trans_id %#llx: %s\n", what, tid,
				    why);
}

/*
 * Sends @pkt with @tid in band on the primary channel and waits for its answer,
 * which replaces *pkt.  ctl_lock held for the init slot; the reset slot has its own
 * caller (the SCSI error handler runs one at a time).
 */
static int storvsc_request(struct storvsc_host *h, struct storvsc_slot *slot, u64 tid,
			   struct vstor_packet *pkt)
{
	struct hvis_channel *ch = h->chans[0].ch;
	unsigned long flags;
	int i, rc;

	pkt->flags = VSTOR_FLAG_REQUEST_COMPLETION;
	spin_lock_irqsave(&h->lock, flags);
	reinit_completion(&slot->done);
	slot->armed = true;
	spin_unlock_irqrestore(&h->lock, flags);
	rc = hvis_channel_send(ch, pkt, sizeof(*pkt), tid, VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	for (i = 0; !rc && i < STORVSC_CTL_TIMEOUT_S; i++) {
		if (wait_for_completion_timeout(&slot->done, HZ))
			break;
		if (hvis_channel_rescinded(ch))
			rc = -ENODEV;
	}
	spin_lock_irqsave(&h->lock, flags);
	if (slot->armed) {
		/* Unanswered: a late answer finds the slot disarmed and is refused. */
		slot->armed = false;
		if (!rc)
			rc = -ETIMEDOUT;
	} else {
		memcpy(pkt, &slot->resp, sizeof(*pkt));
		rc = 0;
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return rc;
}

/* One control operation that must succeed. */
static int storvsc_ctl(struct storvsc_host *h, struct vstor_packet *pkt)
{
	u32 op = pkt->operation;
	const char *why;
	int rc;

	rc = storvsc_request(h, &h->init, VSTOR_TID_INIT, pkt);
	if (rc) {
		dev_err(&h->hdev->dev, "%s: no answer from the host: %d\n", vstor_op_name(op), rc);
		return rc;
	}
	rc = vstor_ctl_check(pkt, &why);
	if (rc)
		dev_err(&h->hdev->dev, "%s failed: %s (operation %u, status %#x)\n",
			vstor_op_name(op), why, pkt->operation, pkt->status);
	return rc;
}

static int storvsc_simple_op(struct storvsc_host *h, u32 op)
{
	struct vstor_packet pkt = { .operation = op };

	return storvsc_ctl(h, &pkt);
}

static int storvsc_negotiate(struct storvsc_host *h)
{
	struct vstor_packet pkt;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(storvsc_versions); i++) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.operation = VSTOR_OP_QUERY_PROTOCOL_VERSION;
		pkt.version.major_minor = storvsc_versions[i];
		rc = storvsc_request(h, &h->init, VSTOR_TID_INIT, &pkt);
		if (rc) {
			dev_err(&h->hdev->dev, "QUERY_PROTOCOL_VERSION: no answer: %d\n", rc);
			return rc;
		}
		if (pkt.operation != VSTOR_OP_COMPLETE_IO) {
			dev_err(&h->hdev->dev, "QUERY_PROTOCOL_VERSION answered with operation %u\n",
				pkt.operation);
			return -EPROTO;
		}
		if (pkt.status == VSTOR_STATUS_SUCCESS) {
			h->version = storvsc_versions[i];
			return 0;
		}
	}
	dev_err(&h->hdev->dev, "obsolete host: it takes none of VSTOR 6.2, 6.0, 5.1\n");
	return -EPROTONOSUPPORT;
}

static void storvsc_cache_wwn(struct storvsc_host *h, const struct vstor_fc_wwn *w)
{
	const u8 *port = w->primary_active ? w->primary_port_wwn : w->secondary_port_wwn;
	const u8 *node = w->primary_active ? w->primary_node_wwn : w->secondary_node_wwn;
	__be64 v;

	/* storvsc_drv.c cache_wwn: big-endian byte strings */
	memcpy(&v, port, sizeof(v));
	h->port_name = be64_to_cpu(v);
	memcpy(&v, node, sizeof(v));
	h->node_name = be64_to_cpu(v);
}

static int storvsc_properties(struct storvsc_host *h)
{
	struct vstor_packet pkt = { .operation = VSTOR_OP_QUERY_PROPERTIES };
	u32 cap = h->cls == STORVSC_FC ? VSTOR_FC_MAX_XFER_BYTES : VSTOR_XFER_CAP;
	const struct vmstorage_channel_properties *p = &pkt.props;
	const char *why = NULL;
	int rc;

	rc = storvsc_ctl(h, &pkt);
	if (rc)
		return rc;
	rc = vstor_props_xfer(p, cap, &h->max_xfer, &why);
	if (rc < 0) {
		storvsc_refuse(h, "QUERY_PROPERTIES", VSTOR_TID_INIT, why);
		dev_err(&h->hdev->dev, "max_transfer_bytes %u: no transfer fits; giving up\n",
			p->max_transfer_bytes);
		return rc;
	}
	if (rc > 0) {
		storvsc_refuse(h, "QUERY_PROPERTIES", VSTOR_TID_INIT, why);
		dev_err(&h->hdev->dev, "max_transfer_bytes %u refused; using %u\n",
			p->max_transfer_bytes, h->max_xfer);
	}
	if (vstor_props_channels(p, &h->host_max_sub, &why)) {
		storvsc_refuse(h, "QUERY_PROPERTIES", VSTOR_TID_INIT, why);
		dev_err(&h->hdev->dev, "max_channel_cnt %u refused; using the primary channel alone\n",
			p->max_channel_cnt);
	}
	/* The IDE accelerator has one channel (storvsc_drv.c: no subchannels for IDE). */
	if (h->cls == STORVSC_IDE)
		h->host_max_sub = 0;
	return 0;
}

static int storvsc_fchba(struct storvsc_host *h)
{
	struct vstor_packet pkt = { .operation = VSTOR_OP_FCHBA_DATA };
	int rc;

	rc = storvsc_ctl(h, &pkt);
	if (!rc)
		storvsc_cache_wwn(h, &pkt.wwn);
	return rc;
}

/* Opens the primary channel and runs the initialization sequence on it. */
int storvsc_connect(struct storvsc_host *h)
{
	struct vmstorage_channel_properties props = {};
	struct storvsc_chan *c = &h->chans[0];
	int rc;

	c->ch = h->hdev->channel;
	c->h = h;
	c->index = 0;
	rc = hvis_channel_open(c->ch, h->ring_bytes, h->ring_bytes, &props, sizeof(props),
			       storvsc_on_channel, c);
	if (rc) {
		dev_err(&h->hdev->dev, "cannot open the channel: %d\n", rc);
		return rc;
	}
	h->nchan = 1;
	mutex_lock(&h->ctl_lock);
	rc = storvsc_simple_op(h, VSTOR_OP_BEGIN_INITIALIZATION);
	if (!rc)
		rc = storvsc_negotiate(h);
	if (!rc)
		rc = storvsc_properties(h);
	if (!rc && h->cls == STORVSC_FC)
		rc = storvsc_fchba(h);
	if (!rc)
		rc = storvsc_simple_op(h, VSTOR_OP_END_INITIALIZATION);
	mutex_unlock(&h->ctl_lock);
	return rc;
}

/* Process context (the bus's offer work): a subchannel of our primary was offered. */
void storvsc_subchannel_offer(struct hvis_channel *sc)
{
	struct storvsc_host *h = hvis_get_drvdata(hvis_channel_device(sc));
	unsigned long flags;
	bool taken = false;

	if (!h)
		return;
	spin_lock_irqsave(&h->lock, flags);
	if (h->sc_accept && h->sc_got < h->sc_asked) {
		h->sc_new[h->sc_got++] = sc;
		taken = true;
		if (h->sc_got == h->sc_asked)
			complete(&h->sc_all);
	}
	spin_unlock_irqrestore(&h->lock, flags);
	if (!taken && storvsc_logging_level >= STORVSC_LOG_ERROR) {
		atomic_inc(&h->refused);
		dev_err_ratelimited(&h->hdev->dev,
				    "subchannel offer refused: sub_channel_index %u (relid %u) not asked for\n",
				    hvis_channel_subchannel_index(sc), hvis_channel_relid(sc));
	}
}

/*
 * Asks for subchannels (as many as storvsc_drv.c handle_multichannel_storage: one per
 * online CPU beyond the first, bounded by the host and by storvsc_max_hw_queues),
 * waits for their offers and opens them.  Failures leave fewer channels, not none.
 */
int storvsc_open_subchannels(struct storvsc_host *h, u32 max_hw_queues)
{
	struct vmstorage_channel_properties props = {};
	struct vstor_packet pkt = { .operation = VSTOR_OP_CREATE_SUB_CHANNELS };
	u32 want, got, i;
	unsigned long flags;
	int rc;

	want = vstor_subchannels_wanted(num_online_cpus(), h->host_max_sub, max_hw_queues);
	want = min(want, h->chan_cap - 1);
	if (!want)
		return 0;
	h->sc_new = kcalloc(want, sizeof(*h->sc_new), GFP_KERNEL);
	if (!h->sc_new)
		return -ENOMEM;
	spin_lock_irqsave(&h->lock, flags);
	h->sc_asked = want;
	h->sc_got = 0;
	h->sc_accept = true;
	reinit_completion(&h->sc_all);
	spin_unlock_irqrestore(&h->lock, flags);

	pkt.sub_channel_count = want;
	mutex_lock(&h->ctl_lock);
	rc = storvsc_ctl(h, &pkt);
	mutex_unlock(&h->ctl_lock);
	if (!rc && !wait_for_completion_timeout(&h->sc_all, STORVSC_SC_TIMEOUT))
		dev_warn(&h->hdev->dev, "asked for %u subchannels, the host offered %u\n", want,
			 READ_ONCE(h->sc_got));
	spin_lock_irqsave(&h->lock, flags);
	h->sc_accept = false;
	got = h->sc_got;
	spin_unlock_irqrestore(&h->lock, flags);

	for (i = 0; i < got; i++) {
		struct storvsc_chan *c = &h->chans[h->nchan];

		c->ch = h->sc_new[i];
		c->h = h;
		c->index = h->nchan;
		hvis_channel_set_max_packet(c->ch, STORVSC_MAX_PACKET);
		hvis_channel_set_rescind_callback(c->ch, storvsc_sc_rescinded);
		rc = hvis_channel_open(c->ch, h->ring_bytes, h->ring_bytes, &props,
				       sizeof(props), storvsc_on_channel, c);
		if (rc) {
			dev_err(&h->hdev->dev, "cannot open subchannel %u: %d\n",
				hvis_channel_subchannel_index(c->ch), rc);
			c->ch = NULL;
			break;
		}
		h->nchan++;
	}
	kfree(h->sc_new);
	h->sc_new = NULL;
	return 0;
}

int storvsc_reset_bus(struct storvsc_host *h)
{
	struct vstor_packet pkt = { .operation = VSTOR_OP_RESET_BUS };
	const char *why;
	int rc;

	rc = storvsc_request(h, &h->reset, VSTOR_TID_RESET, &pkt);
	if (!rc) {
		rc = vstor_ctl_check(&pkt, &why);
		if (rc)
			dev_err(&h->hdev->dev, "RESET_BUS failed: %s (status %#x)\n", why,
				pkt.status);
	}
	return rc;
}

static void storvsc_answer(struct storvsc_chan *c, struct storvsc_slot *slot, u64 tid)
{
	struct storvsc_host *h = c->h;
	bool taken = false;

	if (c->index) {
		storvsc_refuse(h, "completion", tid, "control answer on a subchannel");
		return;
	}
	spin_lock(&h->lock);
	if (slot->armed) {
		memcpy(&slot->resp, c->rx, sizeof(slot->resp));
		slot->armed = false;
		complete(&slot->done);
		taken = true;
	}
	spin_unlock(&h->lock);
	if (!taken)
		storvsc_refuse(h, "completion", tid, "not in flight");
}

static void storvsc_unsolicited(struct storvsc_chan *c, int kind)
{
	struct storvsc_host *h = c->h;
	struct vstor_packet *pkt = (struct vstor_packet *)c->rx;

	switch (kind) {
	case VSTOR_RX_ENUMERATE:
	case VSTOR_RX_REMOVE:
		storvsc_queue_scan(h);
		break;
	case VSTOR_RX_FCHBA:
		if (h->cls != STORVSC_FC) {
			storvsc_refuse(h, "FCHBA_DATA", 0, "operation on a non-FC controller");
			break;
		}
		storvsc_cache_wwn(h, &pkt->wwn);
		storvsc_fc_update(h);
		break;
	}
}

/* A transaction id of an I/O request (not 0: unsolicited, not INIT or RESET). */
static bool storvsc_io_tid(u64 tid)
{
	return tid && tid != VSTOR_TID_INIT && tid != VSTOR_TID_RESET;
}

/* Softirq, on the channel's CPU: drains the channel. */
void storvsc_on_channel(void *context)
{
	struct storvsc_chan *c = context;
	struct storvsc_host *h = c->h;
	const char *why;
	u64 tid;
	int n, kind;

	/* The bus runs the callback once more when the host rescinds the channel. */
	if (unlikely(!c->index && hvis_channel_rescinded(c->ch)) && !READ_ONCE(h->removing))
		queue_work(system_unbound_wq, &h->gone_work);
	for (;;) {
		tid = 0;
		n = hvis_channel_recv(c->ch, c->rx, sizeof(c->rx), &tid);
		/*
		 * Skipped and counted by the bus; tid is the skipped packet's.  A request it
		 * names would otherwise wait for good: it is retried.
		 */
		if (n == -ENOBUFS) {
			if (storvsc_io_tid(tid))
				storvsc_refuse_io(c, tid, "packet too big for a vstor_packet");
			continue;
		}
		if (n < 0)
			break;
		kind = vstor_rx_classify(c->rx, n, tid, &why);
		if (kind < 0 && storvsc_io_tid(tid)) {
			storvsc_refuse_io(c, tid, why);
			continue;
		}
		if (kind < 0) {
			storvsc_refuse(h, "packet", tid, why);
			continue;
		}
		if (kind != VSTOR_RX_COMPLETION)
			storvsc_unsolicited(c, kind);
		else if (tid == VSTOR_TID_INIT)
			storvsc_answer(c, &h->init, tid);
		else if (tid == VSTOR_TID_RESET)
			storvsc_answer(c, &h->reset, tid);
		else
			storvsc_complete_io(c, (const struct vstor_packet *)c->rx, n, tid);
	}
}
