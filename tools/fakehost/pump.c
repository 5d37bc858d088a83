// SPDX-License-Identifier: GPL-2.0-only
/*
 * pump.c: `ctl pump`, host-initiated traffic for the hostile campaign (docs/hostile.md).
 * Device classes whose traffic the host starts (the ICs, Dynamic Memory, keyboard,
 * mouse, video) send the guest a message only now and then; a campaign that wants a
 * million mutated messages of one of them needs them back to back.  While a class is
 * pumped, each of its open channels gets the class's pump message (ops->pump) whenever
 * its host->guest ring is less than an eighth full, from the host's tick and after
 * every interrupt from the guest, which is asked to signal as soon as it has read
 * what was pumped (pending_send_sz), so the rate is what the guest absorbs.  The pump
 * messages are ones the host may send at any time: an IC's version NEGOTIATE (and
 * timesync's samples), a Dynamic Memory balloon of 16 pages and its unballoon, a Shift
 * keystroke, a mouse report, video's FEATURE_CHANGE, a broadcast the NIC's guest drops
 * (nic_pump.c), storage's completion of an I/O never sent and now and then its
 * ENUMERATE_BUS.  The bus (`pump on bus`) gets channel messages that answer a request
 * nobody made, for a relid no channel has and a GPADL id the guest never gave out;
 * those go while fewer than BUS_PUMP_BACKLOG wait for the guest's message slot.
 * hvsock has none: every packet of its stream is the user's data.  `pump on CLASSES N`
 * caps each of those devices at N messages a second (the churn's steady traffic, where
 * back to back would leave the guest little time for anything else).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hvis/vmbus_proto.h"
#include "fakehost.h"
#include "pump.h"
#include "hostile.h"

/* At most this many pump messages per channel per call: the loop stays short. */
#define PUMP_BURST	64
/* The highest cap `pump on CLASSES N` takes, messages a second per device. */
#define PUMP_MAX_RATE	1000000u

/* A rate's credit never holds more than this many milliseconds' worth (or one message). */
#define PUMP_CREDIT_MS	100
/* Credit is counted in thousandths of a message: a rate of N a second earns N a millisecond. */
#define PUMP_CREDIT_UNIT	1000

/* Messages @d may send now: its rate's credit topped up to @now_ms, or PUMP_BURST. */
static unsigned int pump_allowance(struct host_device *d, u64 now_ms)
{
	u64 cap = (u64)d->pump_rate * PUMP_CREDIT_MS, whole;

	if (!d->pump_rate)
		return PUMP_BURST;
	if (cap < PUMP_CREDIT_UNIT)
		cap = PUMP_CREDIT_UNIT;
	if (now_ms > d->pump_refill_ms) {
		d->pump_credit += (now_ms - d->pump_refill_ms) * d->pump_rate;
		d->pump_refill_ms = now_ms;
	}
	if (d->pump_credit > cap)
		d->pump_credit = cap;
	whole = d->pump_credit / PUMP_CREDIT_UNIT;
	return whole < PUMP_BURST ? (unsigned int)whole : PUMP_BURST;
}

/* Bytes the guest has not read yet (all of it for a ring whose indices are bad). */
static u32 out_used(const struct host_channel *ch)
{
	return ch->out.data_size - hvis_ring_bytes_to_write(&ch->out);
}

/* Channel messages at most waiting for the guest's slot while the bus is pumped. */
#define BUS_PUMP_BACKLOG	4u
/* GPADL ids the bus's pump names: the guest counts its own from 1. */
#define BUS_PUMP_GPADL		0xf0000000u

union vmbus_pump_msg {
	struct vmbus_channel_open_result open;
	struct vmbus_channel_gpadl_created created;
	struct vmbus_channel_gpadl_torndown torndown;
	struct vmbus_channel_modifychannel_response modify;
};

/* A relid no channel has, near the top of the range the guest accepts. */
static u32 bus_pump_relid(struct vmbus_host *h, u64 n)
{
	u32 relid, i;

	for (i = 0; i < 64; i++) {
		relid = VMBUS_MAX_CHANNEL_RELIDS - 1 - (u32)((n + i) % 64);
		if (!host_channel_by_relid(h, relid))
			return relid;
	}
	return 0;
}

/*
 * The bus's @n'th pump message (CHANNELMSG_* from include/linux/hyperv.h), each an answer
 * the guest waits for only after a request of its own: it drops them with a line.
 */
static u32 bus_pump_msg(struct vmbus_host *h, u64 n, union vmbus_pump_msg *m)
{
	u32 relid = bus_pump_relid(h, n), id = BUS_PUMP_GPADL | (u32)(n & 0xffff);

	memset(m, 0, sizeof(*m));
	if (!relid)
		return 0;
	switch (n % 4) {
	case 0:
		m->open.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT;
		m->open.child_relid = relid;
		m->open.openid = relid;
		return sizeof(m->open);
	case 1:
		m->created.header.msgtype = CHANNELMSG_GPADL_CREATED;
		m->created.child_relid = relid;
		m->created.gpadl = id;
		return sizeof(m->created);
	case 2:
		m->torndown.header.msgtype = CHANNELMSG_GPADL_TORNDOWN;
		m->torndown.gpadl = id;
		return sizeof(m->torndown);
	default:
		m->modify.header.msgtype = CHANNELMSG_MODIFYCHANNEL_RESPONSE;
		m->modify.child_relid = relid;
		return sizeof(m->modify);
	}
}

static void bus_pump_run(struct vmbus_host *h)
{
	union vmbus_pump_msg m;
	unsigned int i;
	u32 len;

	if (!h->pump_bus || h->state != HOST_OFFERS_SENT || h->quiesced || !h->notify->msg_backlog)
		return;
	for (i = 0; i < PUMP_BURST && h->notify->msg_backlog(h->ctx, h->msg_cpu) < BUS_PUMP_BACKLOG;
	     i++) {
		len = bus_pump_msg(h, h->bus_pumped, &m);
		if (!len)
			return;
		host_send_raw(h, &m, len);
		h->bus_pumped++;
	}
}

void pump_run(struct vmbus_host *h)
{
	struct host_channel *ch;
	unsigned int i, allowed;

	if (!h->pumping)
		return;
	bus_pump_run(h);
	for (ch = h->channels; ch; ch = ch->next) {
		/* A channel the hostile mode stalls is a host that stopped answering. */
		if (ch->state != CHAN_OPEN || !ch->dev || !ch->dev->pump || !ch->dev->ops->pump ||
		    !ch->out.hdr || h->quiesced || hostile_stalled(ch->relid))
			continue;
		allowed = pump_allowance(ch->dev, h->now_ms);
		for (i = 0; i < allowed && out_used(ch) < ch->out.data_size / 8; i++) {
			if (ch->dev->ops->pump(ch))
				break;
			ch->dev->pumped++;
		}
		if (ch->dev->pump_rate)
			ch->dev->pump_credit -= (u64)i * PUMP_CREDIT_UNIT;
		/*
		 * Classes the guest does not answer (keyboard, mouse) would wait for the
		 * next tick: the guest signals as soon as it has read anything.
		 */
		if (i)
			host_chan_want_room(ch, ch->out.data_size - out_used(ch) + 8);
	}
}

/*
 * Sets or clears the pump of every device of class @name, at most @rate messages a
 * second each (0: no cap); how many devices.
 */
static unsigned int set_class(struct vmbus_host *h, const char *name, bool on, u32 rate)
{
	struct host_device *d;
	unsigned int n = 0;

	for (d = h->devices; d; d = d->next) {
		if (strcmp(d->ops->name, name))
			continue;
		d->pump = on;
		d->pump_rate = on ? rate : 0;
		d->pump_credit = PUMP_CREDIT_UNIT;
		d->pump_refill_ms = h->now_ms;
		n++;
	}
	return n;
}

static void recount(struct vmbus_host *h)
{
	struct host_device *d;

	h->pumping = h->pump_bus;
	for (d = h->devices; d; d = d->next)
		h->pumping |= d->pump;
}

int pump_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct host_device *d;
	char list[256], *tok, *save = NULL, *end;
	unsigned long rate = 0;
	bool on;

	if (argc == 2 && !strcmp(argv[1], "status")) {
		for (d = h->devices; d; d = d->next) {
			if (!d->ops->pump)
				continue;
			fprintf(out, "pump %s %s sent=%llu", d->ops->name, d->pump ? "on" : "off",
				(unsigned long long)d->pumped);
			if (d->pump_rate)
				fprintf(out, " rate=%u/s", d->pump_rate);
			fputc('\n', out);
		}
		fprintf(out, "pump bus %s sent=%llu\n", h->pump_bus ? "on" : "off",
			(unsigned long long)h->bus_pumped);
		return 0;
	}
	if (argc < 3 || argc > 4 || (strcmp(argv[1], "on") && strcmp(argv[1], "off")))
		goto usage;
	on = !strcmp(argv[1], "on");
	if (argc == 4) {
		errno = 0;
		rate = strtoul(argv[3], &end, 10);
		if (!on || errno || *end || argv[3][0] < '1' || argv[3][0] > '9' ||
		    rate > PUMP_MAX_RATE)
			goto usage;
	}
	snprintf(list, sizeof(list), "%s", argv[2]);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct host_device_ops *ops = device_ops_by_name(tok);

		if (!strcmp(tok, "bus")) {
			if (rate) {
				snprintf(err, errlen,
					 "the bus's pump takes no rate (it keeps %u messages waiting)",
					 BUS_PUMP_BACKLOG);
				return -1;
			}
			h->pump_bus = on;
			continue;
		}
		if (!ops || !ops->pump) {
			snprintf(err, errlen,
				 "class %s has no pump (pumped: bus, the ICs, dm, kbd, mouse, video, nic, scsi, ide, fc)",
				 tok);
			return -1;
		}
		if (!set_class(h, tok, on, (u32)rate)) {
			snprintf(err, errlen, "no %s device is configured", tok);
			return -1;
		}
	}
	recount(h);
	fprintf(out, "pump %s %s\n", argv[1], argv[2]);
	pump_run(h);
	return 0;
usage:
	snprintf(err, errlen,
		 "usage: pump on CLASS[,CLASS...] [PER_SECOND (1-%u)] | pump off CLASS[,CLASS...] | pump status",
		 PUMP_MAX_RATE);
	return -1;
}
