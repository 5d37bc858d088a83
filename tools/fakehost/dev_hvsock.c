// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_hvsock.c: one Hyper-V socket connection per channel, the host's end: the
 * channel's offer (service ids, flags, user_def), the state machine below and both data
 * directions between the channel's rings and the host program's unix socket.
 *
 * Every in-band packet is a pipe header {type 1 = data, data_size} and the payload; a
 * payload of 0 bytes is the sender's FIN (net/vmw_vsock/hyperv_transport.c).  What the
 * connection does with each input, by state:
 *
 *   input \ state         OFFERED  OPEN         GUEST_FIN    HOST_FIN     CLOSED
 *   guest opens channel   -> OPEN  -            -            -            -
 *   guest data packet     -        to socket    reset        to socket    ignored
 *   guest FIN (0 bytes)   -        -> GUEST_FIN reset        -> CLOSED    ignored
 *   bad guest packet      -        reset        reset        reset        ignored
 *   socket data           -        to guest     to guest     -            -
 *   socket EOF            -        FIN,         FIN,         -            -
 *                                  -> HOST_FIN  -> CLOSED
 *   socket error/hang-up  -        reset        reset        reset*       -
 *   guest closes channel  reset    reset        reset        reset        -
 *   open/FIN wait over    reset    -            -            reset        -
 *
 * (* a hang-up in HOST_FIN starts the FIN wait; a write after it fails: reset.)  CLOSED
 * is final: the bridge rescinds the channel (the guest's socket closes on the rescind,
 * hyperv_transport.c hvs_close_connection) and the device goes.  Flow control: the host
 * reads the socket only while the guest's ring took the last packet (else it asks for
 * room with pending_send_sz and waits for the guest's signal) and drains the guest's
 * ring only while the socket takes what it read (else it waits for EPOLLOUT); at most
 * one packet is buffered each way.
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "hvsock.h"
#include "fd_watch.h"
#include "hvsock_msg.h"

static const char *const state_names[HVS_NR_STATES] = {
	[HVS_OFFERED] = "offered", [HVS_OPEN] = "open", [HVS_GUEST_FIN] = "guest_fin",
	[HVS_HOST_FIN] = "host_fin", [HVS_CLOSED] = "closed",
};

const char *hvs_state_name(enum hvs_state s)
{
	return s < HVS_NR_STATES ? state_names[s] : "?";
}

/* Service ids: lib/hvsock_msg.c, shared with the guest's hvis_sock. */
void hvs_port_to_guid(u32 port, struct hvis_guid *g)
{
	hvis_hvsock_srv_id(port, g);
}

bool hvs_guid_to_port(const struct hvis_guid *g, u32 *port)
{
	if (!hvis_hvsock_srv_id_valid(g))
		return false;
	*port = hvis_hvsock_srv_port(g);
	return true;
}

/* ---- the offer ---- */

/*
 * An hvsock offer as Hyper-V makes it (OpenVMM vm/devices/vmbus/vmbus_core/src/
 * protocol.rs OfferFlags, HvsockUserDefinedParameters; channels.rs for HvSocket):
 * flags enumerate-device-interface, named-pipe mode and TLNPI provider; the pipe's
 * user_def holds the byte-mode pipe type, is_for_guest_accept (hyperv_transport.c's
 * conn_from_host), is_for_guest_container 0, the parameters' version 1 (RS5) and a
 * zero silo id.
 */
static void hvsock_fill_offer(struct host_device *dev, struct vmbus_channel_offer *offer)
{
	const struct hvs_conn *c = dev->priv;
	const u32 version_rs5 = 1;

	offer->if_type = c->if_type;
	offer->if_instance = c->if_instance;
	offer->chn_flags = VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE |
			   VMBUS_CHANNEL_NAMED_PIPE_MODE | VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER;
	offer->u.pipe.pipe_mode = 0;
	offer->u.pipe.user_def[HVS_USER_DEF_CONN_FROM_HOST] = c->from_host;
	offer->u.pipe.user_def[1] = 0;
	memcpy(&offer->u.pipe.user_def[2], &version_rs5, sizeof(version_rs5));
}

/* ---- the host program's socket ---- */

static void fd_ready_cb(void *ctx, int fd)
{
	hvs_conn_fd_ready(ctx);
}

void hvs_conn_watch(struct hvs_conn *c, bool in, bool out)
{
	if (c->fd < 0)
		return;
	if (!c->watched) {
		if (fd_watch_add(c->fd, fd_ready_cb, c)) {
			host_event(c->host, "HVSOCK_ERROR", "conn=%u what=fd_watch", c->id);
			return;
		}
		c->watched = true;
		c->want_in = true;
		c->want_out = false;
	}
	if (c->want_in != in || c->want_out != out)
		fd_watch_set(c->fd, in, out);
	c->want_in = in;
	c->want_out = out;
}

/* The interest the state asks for; a socket with none and hung up is not watched. */
static void update_watch(struct hvs_conn *c)
{
	bool in = c->ch && (c->state == HVS_OPEN || c->state == HVS_GUEST_FIN) &&
		  !c->to_guest_len && !c->fin_pending;
	bool out = c->to_host_len > 0;

	if (c->fd < 0)
		return;
	if (!in && !out && c->peer_gone) {
		if (c->watched)
			fd_watch_del(c->fd);
		c->watched = false;
		return;
	}
	hvs_conn_watch(c, in, out);
}

static void close_fd(struct hvs_conn *c)
{
	if (c->fd < 0)
		return;
	if (c->watched)
		fd_watch_del(c->fd);
	c->watched = false;
	close(c->fd);
	c->fd = -1;
}

void hvs_conn_end(struct hvs_conn *c, const char *reason, bool reset)
{
	if (c->state == HVS_CLOSED)
		return;
	c->state = HVS_CLOSED;
	c->end_reason = reason;
	c->reset = reset;
	c->deadline_ms = 0;
	close_fd(c);
	host_event(c->host, "HVSOCK_CLOSED",
		   "conn=%u relid=%u reason=%s reset=%d to_guest=%llu from_guest=%llu", c->id,
		   c->relid, reason, reset, (unsigned long long)c->bytes_to_guest,
		   (unsigned long long)c->bytes_from_guest);
}

/* ---- host -> guest ---- */

int hvs_conn_send_raw(struct hvs_conn *c, const void *buf, u32 len)
{
	if (!c->ch)
		return -ENOTCONN;
	return host_chan_send(c->ch, VM_PKT_DATA_INBAND, 0, 0, buf, len);
}

static void fin_sent(struct hvs_conn *c)
{
	host_event(c->host, "HVSOCK_FIN", "conn=%u relid=%u from=host", c->id, c->relid);
	if (c->state == HVS_GUEST_FIN) {
		hvs_conn_end(c, "done", false);
		return;
	}
	c->state = HVS_HOST_FIN;
	if (c->peer_gone) {
		c->deadline_ms = c->host->now_ms + HVS_FIN_WAIT_MS;
		c->deadline_why = "fin_timeout";
	}
}

/* Sends the pending packet; false while the ring has no room for it. */
static bool flush_to_guest(struct hvs_conn *c)
{
	const struct hvs_pipe_hdr *hdr = (const void *)c->to_guest;
	int ret;

	if (!c->to_guest_len)
		return true;
	ret = hvs_conn_send_raw(c, c->to_guest, c->to_guest_len);
	if (ret == -EAGAIN) {
		/* Ask for a signal once it fits, then look again: the guest may have read. */
		host_chan_want_room(c->ch, hvis_ring_packet_bytes(c->to_guest_len));
		ret = hvs_conn_send_raw(c, c->to_guest, c->to_guest_len);
		if (ret == -EAGAIN)
			return false;
		host_chan_want_room(c->ch, 0);
	}
	if (ret) {
		hvs_conn_end(c, "ring_write", true);
		return false;
	}
	c->to_guest_len = 0;
	if (hdr->data_size) {
		c->bytes_to_guest += hdr->data_size;
		c->packets_to_guest++;
		return true;
	}
	fin_sent(c);
	return true;
}

void hvs_conn_send_fin(struct hvs_conn *c)
{
	struct hvs_pipe_hdr hdr;

	hvis_hvsock_pipe_hdr(&hdr, 0);
	if (c->to_guest_len) {
		c->fin_pending = true;
		return;
	}
	c->fin_pending = false;
	memcpy(c->to_guest, &hdr, sizeof(hdr));
	c->to_guest_len = sizeof(hdr);
	flush_to_guest(c);
}

/* Bytes one packet to the guest carries: the MTU, less on a small ring. */
static u32 chunk_bytes(const struct hvs_conn *c)
{
	u32 n = (c->ch->out.data_size / 4) & ~7u;

	if (n > HVS_MTU_SIZE)
		n = HVS_MTU_SIZE;
	return n < 1024 ? 1024 : n;
}

/* Reads the socket while the ring takes what it gives. */
static void read_host(struct hvs_conn *c)
{
	struct hvs_pipe_hdr hdr = { .pkt_type = HVS_PIPE_PKT_DATA };
	int rounds = 16;	/* then let other connections run */
	ssize_t n;

	while (rounds-- && c->fd >= 0 && c->ch && !c->to_guest_len &&
	       (c->state == HVS_OPEN || c->state == HVS_GUEST_FIN)) {
		n = recv(c->fd, c->to_guest + sizeof(hdr), chunk_bytes(c), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			hvs_conn_end(c, "host_read", true);
			return;
		}
		if (n == 0) {
			hvs_conn_send_fin(c);
			return;
		}
		hdr.data_size = (u32)n;
		memcpy(c->to_guest, &hdr, sizeof(hdr));
		c->to_guest_len = sizeof(hdr) + (u32)n;
		if (!flush_to_guest(c))
			return;
	}
}

/* ---- guest -> host ---- */

/* Writes what the socket takes; false if some is left (or the connection ended). */
static bool flush_to_host(struct hvs_conn *c)
{
	ssize_t n;

	while (c->to_host_len) {
		n = send(c->fd, c->to_host + c->to_host_off, c->to_host_len,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0) {
			hvs_conn_end(c, "host_write", true);
			return false;
		}
		c->to_host_off += (u32)n;
		c->to_host_len -= (u32)n;
	}
	c->to_host_off = 0;
	if (c->state == HVS_GUEST_FIN)
		shutdown(c->fd, SHUT_WR);
	return true;
}

static void rx_data(struct hvs_conn *c, const u8 *data, u32 size)
{
	memcpy(c->to_host, data, size);
	c->to_host_off = 0;
	c->to_host_len = size;
	c->bytes_from_guest += size;
	c->packets_from_guest++;
	flush_to_host(c);
}

static void rx_fin(struct hvs_conn *c, const u8 *data, u32 size)
{
	host_event(c->host, "HVSOCK_FIN", "conn=%u relid=%u from=guest", c->id, c->relid);
	if (c->state == HVS_HOST_FIN) {
		hvs_conn_end(c, "done", false);
		return;
	}
	c->state = HVS_GUEST_FIN;
	if (!c->to_host_len)
		shutdown(c->fd, SHUT_WR);
}

#define S(s)	(1u << (s))

/* The guest's packets: the states each is taken in; elsewhere it resets the connection. */
static const struct hvs_rx_rule {
	const char *name;
	u8 states;
	void (*handle)(struct hvs_conn *c, const u8 *data, u32 size);
} hvs_rx_rules[] = {
	{ "data", S(HVS_OPEN) | S(HVS_HOST_FIN), rx_data },
	{ "fin", S(HVS_OPEN) | S(HVS_HOST_FIN), rx_fin },
};

/*
 * Checks one guest packet (len bytes at pkt, descriptor included): in-band with a sane
 * offset here, then the pipe header, data_size within the packet and the MTU in
 * lib/hvsock_msg.c (the guest's checks of the host's packets).  NULL if good.
 */
static const char *check_packet(const u8 *pkt, u32 len, const u8 **data, u32 *size)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 off = (u32)d->offset8 * 8;
	const char *field = NULL;

	if (d->type != VM_PKT_DATA_INBAND)
		return "packet_type";
	if (off < sizeof(*d) || off > len)
		return "offset8";
	/* data after a FIN is the state table's to judge: fin_seen false here */
	if (hvis_hvsock_pkt_parse(pkt + off, len - off, false, size, &field) < 0)
		return field ? field : "pipe_header";
	*data = pkt + off + sizeof(struct hvs_pipe_hdr);
	return NULL;
}

static void rx_packet(struct hvs_conn *c, u32 len)
{
	const struct hvs_rx_rule *r;
	const char *bad;
	const u8 *data = NULL;
	u32 size = 0;

	bad = check_packet(c->ch->pkt_buf, len, &data, &size);
	if (bad) {
		host_guest_error(c->host, bad, "hvsock relid=%u conn=%u len=%u", c->relid, c->id,
				 len);
		hvs_conn_end(c, "bad_packet", true);
		return;
	}
	r = &hvs_rx_rules[size ? 0 : 1];
	if (!(r->states & S(c->state))) {
		host_guest_error(c->host, "state", "hvsock relid=%u conn=%u %s in state %s",
				 c->relid, c->id, r->name, hvs_state_name(c->state));
		hvs_conn_end(c, size ? "data_after_fin" : "fin_after_fin", true);
		return;
	}
	r->handle(c, data, size);
}

/* Drains the guest's ring while the socket takes it. */
static void drain_guest(struct hvs_conn *c)
{
	struct host_channel *ch = c->ch;
	bool more;
	int len = 0;

	do {
		host_chan_read_begin(ch);
		while (c->state != HVS_CLOSED && !c->to_host_len &&
		       (len = host_chan_peek(ch)) > 0) {
			host_chan_consume(ch, (u32)len);
			rx_packet(c, (u32)len);
		}
		more = host_chan_read_end(ch);
	} while (more && c->state != HVS_CLOSED && !c->to_host_len && len != -EIO);
	if (len == -EIO)
		hvs_conn_end(c, "ring", true);
}

/* ---- the device's callbacks ---- */

static int hvsock_open(struct host_channel *ch)
{
	struct hvs_conn *c = ch->dev->priv;

	if (c->state != HVS_OFFERED)
		return -EINVAL;
	c->ch = ch;
	c->relid = ch->relid;
	c->state = HVS_OPEN;
	c->deadline_ms = 0;
	host_event(ch->host, "HVSOCK_OPEN", "conn=%u relid=%u guest_port=%u host_port=%u from=%s",
		   c->id, ch->relid, c->guest_port, c->host_port, c->from_host ? "host" : "guest");
	update_watch(c);
	return 0;
}

static void hvsock_packets(struct host_channel *ch)
{
	struct hvs_conn *c = ch->dev->priv;

	if (!c->ch)
		return;
	host_chan_want_room(ch, 0);
	if (c->state == HVS_CLOSED) {
		/* nothing more flows; keep the ring drained until the rescind */
		int len;

		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0)
			host_chan_consume(ch, (u32)len);
		host_chan_read_end(ch);
		return;
	}
	if (flush_to_guest(c) && c->fin_pending && c->state != HVS_CLOSED)
		hvs_conn_send_fin(c);
	if (c->state != HVS_CLOSED && !c->to_host_len)
		drain_guest(c);
	if (c->state != HVS_CLOSED) {
		read_host(c);
		update_watch(c);
	}
}

void hvs_conn_fd_ready(struct hvs_conn *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN | POLLOUT };

	if (c->fd < 0 || c->state == HVS_CLOSED)
		return;
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) && !c->peer_gone) {
		c->peer_gone = true;
		if (c->state == HVS_HOST_FIN) {
			c->deadline_ms = c->host->now_ms + HVS_FIN_WAIT_MS;
			c->deadline_why = "fin_timeout";
		}
	}
	if (c->to_host_len && flush_to_host(c) && c->ch)
		drain_guest(c);
	if (c->state == HVS_CLOSED)
		return;
	read_host(c);
	if (c->state != HVS_CLOSED)
		update_watch(c);
}

static void hvsock_close(struct host_channel *ch)
{
	struct hvs_conn *c = ch->dev ? ch->dev->priv : NULL;

	if (!c)
		return;
	c->ch = NULL;
	/* The guest closed it, or the host rescinds or resets: nothing flows after. */
	hvs_conn_end(c, "channel_closed", true);
}

static void hvsock_destroy(struct host_device *dev)
{
	struct hvs_conn *c = dev->priv;

	if (!c)
		return;
	hvs_conn_end(c, "removed", true);
	hvs_bridge_conn_gone(c);
	free(c);
	dev->priv = NULL;
}

static void hvsock_status(struct host_device *dev, char *buf, size_t len)
{
	const struct hvs_conn *c = dev->priv;

	snprintf(buf, len, "conn=%u state=%s", c->id, hvs_state_name(c->state));
}

/* Each connection is a transient device made by hvsock_bridge.c; never configured. */
const struct host_device_ops dev_hvsock_ops = {
	.name = "hvsock",
	.fill_offer = hvsock_fill_offer,
	.open = hvsock_open,
	.packets = hvsock_packets,
	.close = hvsock_close,
	.destroy = hvsock_destroy,
	.status = hvsock_status,
	.transient = true,
};
