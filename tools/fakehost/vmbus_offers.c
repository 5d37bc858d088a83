// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_offers.c: the host's devices and their channels' offers.  Adding a device
 * (its instance GUID: given, the class's fixed Hyper-V one, or generated per slot),
 * offering channels (relids, monitor ids, subchannels once a primary opens) and
 * rescinding them (`ctl rescind`: subchannels first, then the primary, then the
 * device is gone).  Relids count up from 1; once they reach the guest's limit, the
 * lowest one no channel holds is used again (hvsock makes a channel per connection).
 * Protocol facts: drivers/hv/channel_mgmt.c (offers, rescind).
 */
#include <stdlib.h>
#include "vmbus_host_priv.h"

/* The lowest monitorid no live channel holds, or -1 when all 128 are taken. */
static int free_monitor_id(const struct vmbus_host *h)
{
	bool used[VMBUS_MAX_MONITOR_ID + 1] = {};
	const struct host_channel *ch;
	int id;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->monitor_id >= 0)
			used[ch->monitor_id] = true;
	for (id = 0; id <= VMBUS_MAX_MONITOR_ID; id++)
		if (!used[id])
			return id;
	return -1;
}

/*
 * The next relid: counting up from 1 while the guest's map has room, then the lowest
 * one no channel holds (a released relid is free again: drivers/hv/channel_mgmt.c
 * frees its map slot on RELID_RELEASED).  0: all taken.
 */
static u32 alloc_relid(struct vmbus_host *h)
{
	static u8 used[VMBUS_MAX_CHANNEL_RELIDS / 8];
	const struct host_channel *ch;
	u32 r;

	if (h->next_relid < VMBUS_MAX_CHANNEL_RELIDS)
		return h->next_relid++;
	memset(used, 0, sizeof(used));
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->relid < VMBUS_MAX_CHANNEL_RELIDS)
			used[ch->relid / 8] |= (u8)(1u << (ch->relid % 8));
	for (r = 1; r < VMBUS_MAX_CHANNEL_RELIDS; r++)
		if (!(used[r / 8] & (1u << (r % 8))) &&
		    !(h->unloaded_relids[r / 8] & (1u << (r % 8))))
			return r;
	return 0;
}

void host_offer_channel(struct vmbus_host *h, struct host_device *dev, u16 sub_index)
{
	struct vmbus_channel_offer_channel msg = {};
	struct host_channel *ch, **pp;
	u32 relid = alloc_relid(h);

	if (!relid) {
		host_event(h, "OFFER_FAILED", "class=%s reason=relids_exhausted", dev->ops->name);
		return;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return;
	ch->host = h;
	ch->dev = dev;
	ch->relid = relid;
	ch->conn_id = ch->relid;	/* hvis's choice: a channel signals on its relid */
	ch->sub_index = sub_index;
	ch->state = CHAN_OFFERED;
	ch->target_cpu = h->msg_cpu;
	ch->monitor_id = -1;
	for (pp = &h->channels; *pp; pp = &(*pp)->next)
		;
	*pp = ch;

	msg.header.msgtype = CHANNELMSG_OFFERCHANNEL;
	msg.offer.if_type = dev->ops->class_id;
	msg.offer.if_instance = dev->instance;
	msg.offer.sub_channel_index = sub_index;
	if (dev->ops->fill_offer)
		dev->ops->fill_offer(dev, &msg.offer);
	msg.child_relid = ch->relid;
	ch->monitor_id = host_monitor_wanted(h, dev) ? free_monitor_id(h) : -1;
	if (ch->monitor_id >= 0) {
		/* The guest sets this slot's trigger bit instead of the doorbell. */
		msg.monitorid = (u8)ch->monitor_id;
		msg.monitor_allocated = 1;
		host_monitor_offered(h, ch);
	}
	msg.is_dedicated_interrupt = 1;
	msg.connection_id = ch->conn_id;
	host_event(h, "OFFER_SENT", "relid=%u class=%s sub=%u", ch->relid, dev->ops->name,
		   sub_index);
	host_send_msg(h, &msg, sizeof(msg));
}

static bool instance_in_use(const struct vmbus_host *h, const struct hvis_guid *instance)
{
	const struct host_device *d;

	for (d = h->devices; d; d = d->next)
		if (!memcmp(&d->instance, instance, sizeof(*instance)))
			return true;
	return false;
}

struct host_device *host_add_device(struct vmbus_host *h, const struct host_device_ops *ops,
				    const struct hvis_guid *instance, u32 subchannels)
{
	return host_add_device_flags(h, ops, instance, subchannels, 0);
}

static struct host_device *add_device(struct vmbus_host *h, const struct host_device_ops *ops,
				     const struct hvis_guid *instance, u32 subchannels,
				     u32 flags, void *priv);

struct host_device *host_add_device_flags(struct vmbus_host *h,
					  const struct host_device_ops *ops,
					  const struct hvis_guid *instance, u32 subchannels,
					  u32 flags)
{
	return add_device(h, ops, instance, subchannels, flags, NULL);
}

struct host_device *host_add_device_priv(struct vmbus_host *h,
					 const struct host_device_ops *ops,
					 const struct hvis_guid *instance, u32 flags, void *priv)
{
	return add_device(h, ops, instance, 0, flags, priv);
}

static struct host_device *add_device(struct vmbus_host *h, const struct host_device_ops *ops,
				      const struct hvis_guid *instance, u32 subchannels,
				      u32 flags, void *priv)
{
	struct host_device *d = calloc(1, sizeof(*d)), **pp;
	const struct hvis_guid *fixed;

	if (!d)
		return NULL;
	if (instance && instance_in_use(h, instance)) {
		free(d);
		return NULL;
	}
	d->ops = ops;
	d->host = h;
	d->priv = priv;
	d->subchannels = subchannels;
	d->monitor = flags & HOST_DEV_MONITOR;
	d->no_monitor = flags & HOST_DEV_NO_MONITOR;
	d->index = h->ndevices++;
	fixed = device_fixed_instance(ops);
	if (instance) {
		d->instance = *instance;
	} else if (fixed && !instance_in_use(h, fixed)) {
		/* The instance Hyper-V uses for this class (userspace may rely on it). */
		d->instance = *fixed;
	} else {
		/*
		 * Deterministic per configuration slot: 0000NNNN-6876-6973-80xx-<class
		 * tail>; a second device of a fixed-instance class gets one too.
		 */
		u32 n = d->index + 1;

		do {
			memcpy(d->instance.b, &n, 4);
			memcpy(d->instance.b + 4, "vhsi", 4);
			d->instance.b[8] = 0x80;
			memcpy(d->instance.b + 9, ops->class_id.b + 9, 7);
			n += 0x10000;	/* past any slot number: only if a chosen GUID took it */
		} while (instance_in_use(h, &d->instance));
	}
	if (ops->create && ops->create(d)) {
		free(d);
		return NULL;
	}
	for (pp = &h->devices; *pp; pp = &(*pp)->next)
		;
	*pp = d;
	if (h->state == HOST_OFFERS_SENT)
		host_offer_channel(h, d, 0);
	return d;
}

void host_offer_subchannels(struct vmbus_host *h, struct host_channel *primary)
{
	u32 i;

	if (primary->sub_index || primary->subs_offered || !primary->dev->subchannels ||
	    primary->dev->ops->subchannels_on_request)
		return;
	primary->subs_offered = true;
	for (i = 1; i <= primary->dev->subchannels && i <= 0xffff; i++)
		host_offer_channel(h, primary->dev, i);
}

/* Live (not rescinded) subchannels of dev and the highest index among them. */
static u32 live_subchannels(const struct vmbus_host *h, const struct host_device *dev,
			    u32 *max_index)
{
	const struct host_channel *ch;
	u32 n = 0;

	*max_index = 0;
	for (ch = h->channels; ch; ch = ch->next) {
		if (ch->dev != dev || !ch->sub_index || ch->state == CHAN_REVOKED)
			continue;
		n++;
		if (ch->sub_index > *max_index)
			*max_index = ch->sub_index;
	}
	return n;
}

u32 host_offer_subchannels_n(struct vmbus_host *h, struct host_channel *primary, u32 count)
{
	u32 live, top, offered = 0;

	if (primary->sub_index || primary->state != CHAN_OPEN)
		return 0;
	live = live_subchannels(h, primary->dev, &top);
	primary->subs_offered = true;
	while (live + offered < count && top + 1 <= 0xffff) {
		host_offer_channel(h, primary->dev, (u16)++top);
		offered++;
	}
	return offered;
}

static void revoke(struct vmbus_host *h, struct host_channel *ch);

/* After a replug's offer: its new relid in the event log. */
static void ch_event_offered(struct vmbus_host *h, struct host_device *dev)
{
	struct host_channel *ch = host_device_channel(h, dev);

	if (ch)
		host_event(h, "REPLUG_OFFERED", "relid=%u class=%s cycles=%u", ch->relid,
			   dev->ops->name, dev->replugs);
}

void host_rescind_subchannels(struct vmbus_host *h, struct host_device *dev)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == dev && ch->sub_index && ch->state != CHAN_REVOKED)
			revoke(h, ch);
}

static void send_rescind(struct vmbus_host *h, struct host_channel *ch, const char *event)
{
	struct vmbus_channel_rescind_offer msg = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
		.child_relid = ch->relid,
	};

	host_event(h, event, "relid=%u class=%s sub=%u", ch->relid, ch->dev->ops->name,
		   ch->sub_index);
	host_send_msg(h, &msg, sizeof(msg));
}

static void revoke(struct vmbus_host *h, struct host_channel *ch)
{
	host_close_channel(ch, false);
	ch->state = CHAN_REVOKED;
	send_rescind(h, ch, "RESCIND_SENT");
}

static void remove_device(struct vmbus_host *h, struct host_device *dev)
{
	struct host_device **pp;

	for (pp = &h->devices; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
	if (dev->ops->destroy)
		dev->ops->destroy(dev);
	free(dev);
}

void host_remove_device(struct vmbus_host *h, struct host_device *dev)
{
	struct host_channel *ch;

	/* Subchannels go first, as the guest closes them before the primary. */
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == dev && ch->sub_index && ch->state != CHAN_REVOKED)
			revoke(h, ch);
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == dev && !ch->sub_index && ch->state != CHAN_REVOKED)
			revoke(h, ch);
	/* The device is gone for good: detach its channels, then drop it. */
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == dev)
			ch->dev = NULL;
	remove_device(h, dev);
}

int host_rescind(struct vmbus_host *h, u32 relid)
{
	struct host_channel *ch = host_channel_by_relid(h, relid);

	if (!ch || ch->state == CHAN_REVOKED || !ch->dev)
		return -ENOENT;
	if (ch->sub_index) {
		revoke(h, ch);
		return 0;
	}
	host_remove_device(h, ch->dev);
	return 0;
}

int host_replug(struct vmbus_host *h, struct host_device *dev)
{
	struct host_channel *ch, *primary = host_device_channel(h, dev);

	if (dev->replug_pending)
		return -EBUSY;
	if (!primary)
		return -ENOENT;
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == dev && ch->sub_index && ch->state != CHAN_REVOKED)
			revoke(h, ch);
	dev->replug_pending = true;
	host_event(h, "REPLUG_RESCIND", "relid=%u class=%s", primary->relid, dev->ops->name);
	revoke(h, primary);
	return 0;
}

void host_replug_released(struct vmbus_host *h, struct host_device *dev)
{
	if (!dev->replug_pending)
		return;
	dev->replug_pending = false;
	dev->replugs++;
	/* Disconnected meanwhile: the next REQUESTOFFERS offers it with the rest. */
	if (h->state != HOST_OFFERS_SENT)
		return;
	host_offer_channel(h, dev, 0);
	ch_event_offered(h, dev);
}

/*
 * `ctl reoffer CLASS`: a device whose primary the guest released unasked (RELID_RELEASED
 * with no rescind: a rescind the hostile mode garbled named it) has no channel left;
 * it is offered again, as after a replug.  Returns how many, or -EAGAIN before the
 * guest asked for offers.
 */
int host_reoffer_released(struct vmbus_host *h, const struct host_device_ops *ops)
{
	struct host_device *d;
	struct host_channel *ch;
	int n = 0;

	if (h->state != HOST_OFFERS_SENT)
		return -EAGAIN;
	for (d = h->devices; d; d = d->next) {
		if (d->ops != ops || d->ops->transient || d->replug_pending)
			continue;
		for (ch = h->channels; ch && ch->dev != d; ch = ch->next)
			;
		if (ch)
			continue;
		d->replugs++;
		host_offer_channel(h, d, 0);
		ch_event_offered(h, d);
		n++;
	}
	return n;
}

struct host_channel *host_device_channel(struct vmbus_host *h, const struct host_device *dev)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == dev && !ch->sub_index && ch->state != CHAN_REVOKED)
			return ch;
	return NULL;
}

void host_remove_transient_devices(struct vmbus_host *h)
{
	struct host_device *d, *next;

	for (d = h->devices; d; d = next) {
		next = d->next;
		if (d->ops->transient)
			remove_device(h, d);
	}
}

/*
 * `ctl reoffer CLASS`, the other half: a channel the host rescinded that the guest never
 * released (the hostile mode garbled the RESCINDOFFER, so the guest never saw it) gets
 * its rescind again.  A guest that did see the first drops the second as a rescind for
 * a relid it no longer has.  Returns how many were sent.
 */
int host_rescind_again(struct vmbus_host *h, const struct host_device_ops *ops)
{
	struct host_channel *ch;
	int n = 0;

	for (ch = h->channels; ch; ch = ch->next) {
		if (!ch->dev || ch->dev->ops != ops || ch->state != CHAN_REVOKED)
			continue;
		send_rescind(h, ch, "RESCIND_RESENT");
		n++;
	}
	return n;
}

/*
 * `ctl lost-offer RELID`: the guest never saw the offer of the device being replugged
 * under relid (the hostile mode garbled the OFFERCHANNEL and the guest dropped it), so
 * it drops every rescind of relid as one for a relid it does not have and will never
 * release it: the replug would wait for ever.  The caller has checked that the guest
 * has no device with that relid.  The relid stays reserved (a late release still frees
 * it) and the device is offered again under a new one.  0, -ENOENT (relid is no device's
 * primary), -EINVAL (no replug of it waits for the release), -EAGAIN (no offers asked).
 */
int host_offer_lost(struct vmbus_host *h, u32 relid)
{
	struct host_channel *ch = host_channel_by_relid(h, relid), *c;
	struct host_device *dev = ch ? ch->dev : NULL;

	if (!dev || ch->sub_index)
		return -ENOENT;
	if (!dev->replug_pending || ch->state != CHAN_REVOKED)
		return -EINVAL;
	if (h->state != HOST_OFFERS_SENT)
		return -EAGAIN;
	for (c = h->channels; c; c = c->next)
		if (c->dev == dev && c->state == CHAN_REVOKED)
			c->dev = NULL;
	host_event(h, "OFFER_LOST", "relid=%u class=%s", relid, dev->ops->name);
	host_replug_released(h, dev);
	return 0;
}
