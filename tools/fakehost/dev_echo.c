// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_echo.c: the echo device (HVIS_ECHO_GUID, hvis's own test class).  Every
 * VM_PKT_DATA_INBAND packet the guest sends comes back byte for byte, same trans_id.
 * When the host->guest ring is full the host stops reading, sets pending_send_sz and
 * resumes on the guest's next signal, so nothing is lost.
 */
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
