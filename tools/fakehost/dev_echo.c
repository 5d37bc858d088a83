// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_echo.c: the echo device (HVIS_ECHO_GUID, hvis's own test class).  Every
 * VM_PKT_DATA_INBAND packet the guest sends comes back byte for byte, same trans_id.
 * When the host->guest ring is full the host stops reading, sets pending_send_sz and
 * resumes on the guest's next signal, so nothing is lost.  Its ctl commands: the
 * channel's counters, and a host that never hands the ring's space back (echo-freeze).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev_echo.h"
#include "vmbus_host.h"

static int echo_open(struct host_channel *ch)
{
	return 0;
}

static void echo_close(struct host_channel *ch)
{
}

/* Sends one packet back; false when the ring is full even after asking for room. */
static bool echo_one(struct host_channel *ch, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)ch->pkt_buf;
	int ret;

	if (d->type != VM_PKT_DATA_INBAND) {
		host_guest_error(ch->host, "packet_type", "relid=%u type=%u (echo takes in-band)",
				 ch->relid, d->type);
		return true;
	}
	ret = host_chan_send_raw(ch, ch->pkt_buf, len);
	if (ret == -EAGAIN) {
		/* Ask to be signalled, then look again: the guest may have read meanwhile. */
		host_chan_want_room(ch, hvis_ring_packet_bytes(len - sizeof(*d)));
		ret = host_chan_send_raw(ch, ch->pkt_buf, len);
		if (ret == -EAGAIN)
			return false;
		host_chan_want_room(ch, 0);
	}
	if (ret)
		ch->stats.dropped++;
	return true;
}

static void echo_packets(struct host_channel *ch)
{
	bool blocked = false, more;
	int len;

	host_chan_want_room(ch, 0);
	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			if (!echo_one(ch, len)) {
				blocked = true;
				break;
			}
			host_chan_consume(ch, len);
		}
		more = host_chan_read_end(ch);
	} while (more && !blocked && len != -EIO);
}

const struct host_device_ops dev_echo_ops = {
	.name = "echo",
	.class_id = HVIS_ECHO_GUID,
	.open = echo_open,
	.packets = echo_packets,
	.close = echo_close,
};

static struct host_channel *echo_channel(struct vmbus_host *h, const char *arg)
{
	unsigned long long relid;
	char *end = NULL;
	struct host_channel *ch;

	relid = strtoull(arg, &end, 0);
	if (end == arg || *end || relid > 0xffffffffu)
		return NULL;
	ch = host_channel_by_relid(h, (u32)relid);
	return ch && ch->dev && ch->dev->ops == &dev_echo_ops ? ch : NULL;
}

int dev_echo_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		 size_t errlen)
{
	bool stats = !strcmp(argv[0], "echo-stats");
	struct host_channel *ch;

	if (stats ? argc != 2 : argc != 3 || (strcmp(argv[2], "on") && strcmp(argv[2], "off"))) {
		snprintf(err, errlen, "usage: %s", stats ? "echo-stats RELID" :
			 "echo-freeze RELID on|off");
		return -1;
	}
	ch = echo_channel(h, argv[1]);
	if (!ch) {
		snprintf(err, errlen, "%s is not an echo channel's relid", argv[1]);
		return -1;
	}
	if (stats) {
		fprintf(out, "relid=%u state=%s received=%llu received_bytes=%llu sent=%llu sent_bytes=%llu signals_from_guest=%llu interrupts_to_guest=%llu ring_full=%llu dropped=%llu monitor_in=%llu\n",
			ch->relid, host_chan_state_name(ch->state),
			(unsigned long long)ch->stats.rx_packets,
			(unsigned long long)ch->stats.rx_bytes,
			(unsigned long long)ch->stats.tx_packets,
			(unsigned long long)ch->stats.tx_bytes,
			(unsigned long long)ch->stats.signals_in,
			(unsigned long long)ch->stats.interrupts_out,
			(unsigned long long)ch->stats.ring_full,
			(unsigned long long)ch->stats.dropped,
			(unsigned long long)ch->stats.monitor_in);
		return 0;
	}
	/*
	 * A host that reads and echoes but never hands the ring's space back: the guest
	 * finds its ring full with every echo received.  `off` publishes what was read;
	 * either way the channel is looked at now.
	 */
	ch->read_frozen = !strcmp(argv[2], "on");
	ch->hold_until_ns = 1;
	fprintf(out, "relid=%u read_frozen=%d\n", ch->relid, ch->read_frozen);
	return 0;
}
