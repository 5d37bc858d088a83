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
 * keystroke, a mouse report, video's FEATURE_CHANGE.  The NIC, storage and hvsock need
 * none: the guest's own load drives them.
 */
#include <stdio.h>
#include <string.h>
#include "fakehost.h"
#include "pump.h"
#include "hostile.h"

/* At most this many pump messages per channel per call: the loop stays short. */
#define PUMP_BURST	64

/* Bytes the guest has not read yet (all of it for a ring whose indices are bad). */
static u32 out_used(const struct host_channel *ch)
{
	return ch->out.data_size - hvis_ring_bytes_to_write(&ch->out);
}

void pump_run(struct vmbus_host *h)
{
	struct host_channel *ch;
	unsigned int i;

	if (!h->pumping)
		return;
	for (ch = h->channels; ch; ch = ch->next) {
		/* A channel the hostile mode stalls is a host that stopped answering. */
		if (ch->state != CHAN_OPEN || !ch->dev || !ch->dev->pump || !ch->dev->ops->pump ||
		    !ch->out.hdr || h->quiesced || hostile_stalled(ch->relid))
			continue;
		for (i = 0; i < PUMP_BURST && out_used(ch) < ch->out.data_size / 8; i++) {
			if (ch->dev->ops->pump(ch))
				break;
			ch->dev->pumped++;
		}
		/*
		 * Classes the guest does not answer (keyboard, mouse) would wait for the
		 * next tick: the guest signals as soon as it has read anything.
		 */
		if (i)
			host_chan_want_room(ch, ch->out.data_size - out_used(ch) + 8);
	}
}

/* Sets or clears the pump of every device of class @name; how many devices. */
static unsigned int set_class(struct vmbus_host *h, const char *name, bool on)
{
	struct host_device *d;
	unsigned int n = 0;

	for (d = h->devices; d; d = d->next) {
		if (strcmp(d->ops->name, name))
			continue;
		d->pump = on;
		n++;
	}
	return n;
}

static void recount(struct vmbus_host *h)
{
	struct host_device *d;

	h->pumping = false;
	for (d = h->devices; d; d = d->next)
		h->pumping |= d->pump;
}

int pump_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct host_device *d;
	char list[256], *tok, *save = NULL;
	bool on;

	if (argc == 2 && !strcmp(argv[1], "status")) {
		for (d = h->devices; d; d = d->next)
			if (d->ops->pump)
				fprintf(out, "pump %s %s sent=%llu\n", d->ops->name,
					d->pump ? "on" : "off", (unsigned long long)d->pumped);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "on") && strcmp(argv[1], "off")))
		goto usage;
	on = !strcmp(argv[1], "on");
	snprintf(list, sizeof(list), "%s", argv[2]);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct host_device_ops *ops = device_ops_by_name(tok);

		if (!ops || !ops->pump) {
			snprintf(err, errlen, "class %s has no pump (pumped: the ICs, dm, kbd, mouse, video)",
				 tok);
			return -1;
		}
		if (!set_class(h, tok, on)) {
			snprintf(err, errlen, "no %s device is configured", tok);
			return -1;
		}
	}
	recount(h);
	fprintf(out, "pump %s %s\n", argv[1], argv[2]);
	pump_run(h);
	return 0;
usage:
	snprintf(err, errlen, "usage: pump on|off CLASS[,CLASS...] | pump status");
	return -1;
}
