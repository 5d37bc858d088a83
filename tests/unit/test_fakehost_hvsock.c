// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_hvsock.c: the fake host's Hyper-V sockets (dev_hvsock.c,
 * hvsock_bridge.c) against a scripted guest and real unix sockets in a temporary
 * directory: TL_CONNECT_REQUEST refused and accepted, the offers' fields both ways,
 * data and FIN each way, flow control on a full ring, a bad guest packet resetting its
 * connection, the open timeout, relid reuse and connections dying with a VMBus reset.
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fakehost_test.h"
#include "hvsock.h"
#include "fd_watch.h"

#define RING_PFN	512
#define RING_PAGES	12	/* 5 pages + header each way */
#define SVC_PORT	5000u
#define GUEST_PORT	1234u

static char dir[64];

struct gchan {
	struct hvis_ring out, in;
	u32 relid;
	u32 gpadl;
};

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hvsock-test-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(2);
	}
	strcat(dir, "/hvsock");
}

static void world_up(struct world *w)
{
	world_init(w, 2);
	w->h.now_ms = 1000;
	tap_check(hvs_bridge_init(&w->h, dir) == 0, "bridge: directory made and hooked");
	guest_connect(w);
}

static void world_down(struct world *w)
{
	world_uninit(w);
	hvs_bridge_uninit(&w->h);
}

/* A host program listening on DIR/<port>.listen. */
static int host_listen(u32 port)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%u.listen", dir, port);
	unlink(a.sun_path);
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 8)) {
		perror("host_listen");
		exit(2);
	}
	return fd;
}

static void tl_connect(struct world *w, u32 gport, u32 hport)
{
	struct vmbus_channel_tl_connect_request m = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_REQUEST,
	};

	hvs_port_to_guid(gport, &m.guest_endpoint_id);
	hvs_port_to_guid(hport, &m.host_service_id);
	post(w, VMBUS_MESSAGE_CONNECTION_ID, &m, sizeof(m));
}

static u32 last_result(struct world *w)
{
	const struct rec_msg *m = rec_last(&w->r, CHANNELMSG_TL_CONNECT_RESULT);
	struct vmbus_channel_tl_connect_result r;

	if (!m)
		return 0xdead;
	memcpy(&r, m->data, sizeof(r));
	return r.status;
}

static bool last_offer(struct world *w, struct vmbus_channel_offer_channel *o)
{
	const struct rec_msg *m = rec_last(&w->r, CHANNELMSG_OFFERCHANNEL);

	if (m)
		memcpy(o, m->data, sizeof(*o));
	return m != NULL;
}

static void open_chan(struct world *w, u32 relid, struct gchan *g)
{
	g->relid = relid;
	g->gpadl = 0x7000 + relid;
	guest_rings(w, RING_PFN + relid * RING_PAGES, RING_PAGES, 6, &g->out, &g->in);
	guest_gpadl_range(w, relid, g->gpadl, RING_PFN + relid * RING_PAGES, RING_PAGES);
	guest_open(w, relid, g->gpadl, 6, 0);
}

/* The guest sends a pipe packet {type, size} with `len` payload bytes of data. */
static void guest_pipe(struct world *w, struct gchan *g, u32 type, u32 size, const void *data,
		       u32 len)
{
	u8 buf[8 + 4096];
	struct hvs_pipe_hdr h = { .pkt_type = type, .data_size = size };
	struct hvis_kvec v = { buf, 8 + len };
	bool sig = false;

	memcpy(buf, &h, 8);
	if (len)
		memcpy(buf + 8, data, len);
	hvis_ring_write_packet(&g->out, VM_PKT_DATA_INBAND, 0, 0, &v, 1, &sig, NULL);
	host_handle_signal(&w->h, g->relid);
}

/* Reads the host's packets into buf (payloads appended); returns bytes, *fin on FIN. */
static u32 guest_take(struct gchan *g, u8 *buf, u32 cap, bool *fin, u32 *packets)
{
	u8 pkt[HVS_MAX_PKT_SIZE + 64] __aligned(8);
	struct hvs_pipe_hdr h;
	u32 got = 0;
	int len;

	while ((len = guest_read_packet(&g->in, pkt, sizeof(pkt))) > 0) {
		u32 off = packet_desc(pkt).offset8 * 8;

		memcpy(&h, pkt + off, sizeof(h));
		if (packets)
			(*packets)++;
		if (!h.data_size) {
			*fin = true;
			continue;
		}
		if (got + h.data_size <= cap)
			memcpy(buf + got, pkt + off + 8, h.data_size);
		got += h.data_size;
	}
	return got;
}

static struct hvs_conn *only_conn(struct world *w)
{
	return hvs_bridge_conns(&w->h);
}

static void test_refused_when_nothing_listens(void)
{
	struct vmbus_channel_tl_connect_request bad = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_REQUEST,
	};
	struct world w;

	world_up(&w);
	rec_clear(&w.r);
	tl_connect(&w, GUEST_PORT, SVC_PORT);
	tap_check(last_result(&w) == HVS_STATUS_FAIL && !rec_last(&w.r, CHANNELMSG_OFFERCHANNEL),
		  "refused: nothing listens -> error status, no offer");
	tap_check(rec_has_event(&w.r, "HVSOCK_REFUSED from=guest guest_port=1234 host_port=5000 reason=no_listener"),
		  "refused: HVSOCK_REFUSED names the reason");
	rec_clear(&w.r);
	hvs_port_to_guid(SVC_PORT, &bad.host_service_id);	/* endpoint id all zero */
	post(&w, VMBUS_MESSAGE_CONNECTION_ID, &bad, sizeof(bad));
	tap_check(last_result(&w) == HVS_STATUS_FAIL &&
		  rec_has_event(&w.r, "GUEST_ERROR what=guest_endpoint_id"),
		  "refused: an endpoint id that is no service id is the guest's error");
	world_down(&w);
}

static void test_guest_connect_data_fin_both_ways(void)
{
	static const char hello[] = "hello host", reply[] = "hello guest";
	struct vmbus_channel_offer_channel o;
	struct hvis_guid want;
	u8 buf[64];
	struct gchan g;
	struct world w;
	struct hvs_conn *c;
	bool fin = false;
	int lfd, hfd;
	u32 n;

	world_up(&w);
	lfd = host_listen(SVC_PORT);
	rec_clear(&w.r);
	tl_connect(&w, GUEST_PORT, SVC_PORT);
	tap_check(last_result(&w) == 0 && last_offer(&w, &o), "connect: offer, then status 0");
	hvs_port_to_guid(SVC_PORT, &want);
	tap_check(!memcmp(&o.offer.if_type, &want, 16), "connect: if_type = host service id");
	hvs_port_to_guid(GUEST_PORT, &want);
	tap_check(!memcmp(&o.offer.if_instance, &want, 16), "connect: if_instance = endpoint id");
	tap_check(o.offer.chn_flags == (VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER |
					VMBUS_CHANNEL_NAMED_PIPE_MODE |
					VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE) &&
		  o.offer.u.pipe.user_def[0] == 0 && o.offer.u.pipe.pipe_mode == 0,
		  "connect: TLNPI offer, byte pipe, user_def[0] = 0 (guest connected)");
	tap_check(rec_has_event(&w.r, "HVSOCK_OFFERED conn=1 relid=1 from=guest guest_port=1234 host_port=5000"),
		  "connect: HVSOCK_OFFERED event");
	hfd = accept(lfd, NULL, NULL);
	tap_check(hfd >= 0, "connect: the host program's listener got the connection");
	open_chan(&w, o.child_relid, &g);
	c = only_conn(&w);
	tap_check(c && c->state == HVS_OPEN, "connect: open after the guest opens the channel");

	guest_pipe(&w, &g, HVS_PIPE_PKT_DATA, sizeof(hello), hello, sizeof(hello));
	n = (u32)read(hfd, buf, sizeof(buf));
	tap_check(n == sizeof(hello) && !memcmp(buf, hello, n), "guest->host: bytes arrive");
	tap_check(write(hfd, reply, sizeof(reply)) == sizeof(reply), "host writes");
	fd_watch_dispatch(c->fd);
	n = guest_take(&g, buf, sizeof(buf), &fin, NULL);
	tap_check(n == sizeof(reply) && !memcmp(buf, reply, n) && !fin, "host->guest: bytes arrive");

	guest_pipe(&w, &g, HVS_PIPE_PKT_DATA, 0, NULL, 0);	/* guest FIN */
	tap_check(c->state == HVS_GUEST_FIN && read(hfd, buf, sizeof(buf)) == 0,
		  "guest FIN: the host program reads EOF");
	tap_check(write(hfd, reply, 5) == 5, "host still writes after the guest's FIN");
	close(hfd);
	fd_watch_dispatch(c->fd);
	n = guest_take(&g, buf, sizeof(buf), &fin, NULL);
	tap_check(n == 5 && fin, "host close: last bytes, then FIN to the guest");
	tap_check(c->state == HVS_CLOSED && !c->reset, "both FINs: closed, not reset");
	rec_clear(&w.r);
	hvs_bridge_service(&w.h, w.h.now_ms);
	tap_check(rec_last(&w.r, CHANNELMSG_RESCIND_CHANNELOFFER) && !only_conn(&w),
		  "closed: channel rescinded, connection gone");
	{
		struct vmbus_channel_relid_released rr = {
			.header.msgtype = CHANNELMSG_RELID_RELEASED, .child_relid = g.relid,
		};

		post(&w, 1, &rr, sizeof(rr));
		tap_check(!host_channel_by_relid(&w.h, g.relid), "released: relid free");
	}
	close(lfd);
	world_down(&w);
}

static long long mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void test_host_connect_and_flow_control(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct vmbus_channel_offer_channel o;
	static u8 big[256 << 10], got[256 << 10];
	struct hvis_guid want;
	struct gchan g;
	struct world w;
	struct hvs_conn *c;
	u32 n, total = 0, packets = 0, i;
	long long deadline;
	bool fin = false;
	int fd, lfd;
	pid_t pid;

	world_up(&w);
	tap_check(hvs_bridge_expose(&w.h, 80) == 0, "expose: DIR/80 listens");
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/80", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	tap_check(connect(fd, (void *)&a, sizeof(a)) == 0, "expose: a host program connects");
	rec_clear(&w.r);
	/* the bridge's listener is a watched fd: dispatch each fd as the loop would */
	for (lfd = 3; lfd < 64 && !rec_last(&w.r, CHANNELMSG_OFFERCHANNEL); lfd++)
		if (lfd != fd)
			fd_watch_dispatch(lfd);
	tap_check(last_offer(&w, &o), "host connect: a channel is offered");
	hvs_port_to_guid(80, &want);
	tap_check(!memcmp(&o.offer.if_type, &want, 16), "host connect: if_type = guest port 80");
	hvs_port_to_guid(HVS_EPHEMERAL_PORT_BASE, &want);
	tap_check(!memcmp(&o.offer.if_instance, &want, 16) && o.offer.u.pipe.user_def[0] == 1,
		  "host connect: if_instance = host port, user_def[0] = 1");
	open_chan(&w, o.child_relid, &g);
	c = only_conn(&w);
	tap_check(c && c->state == HVS_OPEN && c->from_host, "host connect: open");

	for (i = 0; i < sizeof(big); i++)
		big[i] = (u8)(i * 7 + (i >> 9));
	/* The host writes more than the ring holds; the guest reads in rounds. */
	pid = fork();
	if (pid == 0) {
		size_t off = 0;
		ssize_t k;

		while (off < sizeof(big) && (k = write(fd, big + off, sizeof(big) - off)) > 0)
			off += (size_t)k;
		_exit(0);
	}
	/*
	 * Until everything arrived or 30 s passed, not a count of rounds: on a loaded
	 * machine the writer may not have run yet when a fixed number of rounds is over.
	 */
	deadline = mono_ms() + 30000;
	while (total < sizeof(big) && mono_ms() < deadline) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };

		poll(&p, 1, 10);	/* nothing to do until the writer has written */
		fd_watch_dispatch(c->fd);
		n = guest_take(&g, got + total, sizeof(got) - total, &fin, &packets);
		total += n;
		/* the guest's reads ask the host to look again */
		host_handle_signal(&w.h, g.relid);
	}
	tap_check(total == sizeof(big) && !memcmp(got, big, sizeof(big)),
		  "flow control: 256 KiB through a 20 KiB ring, intact (%u packets)", packets);
	tap_check(c->bytes_to_guest == sizeof(big), "counters: to_guest = 256 KiB");
	/* A writer still blocked on what nobody reads would hold waitpid for good. */
	if (total < sizeof(big))
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fd);
	hvs_conn_fd_ready(c);
	guest_take(&g, got, sizeof(got), &fin, NULL);
	tap_check(fin && c->state == HVS_HOST_FIN, "host EOF: FIN to the guest, waits for the guest's");
	guest_pipe(&w, &g, HVS_PIPE_PKT_DATA, 0, NULL, 0);
	tap_check(c->state == HVS_CLOSED && !c->reset, "guest FIN: closed");
	world_down(&w);
}

static void test_bad_packet_resets_only_its_connection(void)
{
	struct vmbus_channel_offer_channel o1, o2;
	struct gchan g1, g2;
	struct world w;
	struct hvs_conn *c1, *c2;
	u8 junk[32] = {};
	int lfd, h1, h2;

	world_up(&w);
	lfd = host_listen(SVC_PORT);
	tl_connect(&w, GUEST_PORT, SVC_PORT);
	last_offer(&w, &o1);
	tl_connect(&w, GUEST_PORT + 1, SVC_PORT);
	last_offer(&w, &o2);
	h1 = accept(lfd, NULL, NULL);
	h2 = accept(lfd, NULL, NULL);
	open_chan(&w, o1.child_relid, &g1);
	open_chan(&w, o2.child_relid, &g2);
	c1 = only_conn(&w);
	c2 = c1 ? c1->next : NULL;
	tap_check(c1 && c2 && c1->state == HVS_OPEN && c2->state == HVS_OPEN, "two connections open");
	rec_clear(&w.r);
	guest_pipe(&w, &g1, 2, 16, junk, 16);
	tap_check(c1->state == HVS_CLOSED && c1->reset && c2->state == HVS_OPEN,
		  "pipe type 2: that connection reset, the other open");
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=pkt_type"), "pipe type 2: GUEST_ERROR what=pkt_type");
	guest_pipe(&w, &g2, HVS_PIPE_PKT_DATA, 4000, junk, 16);
	tap_check(c2->state == HVS_CLOSED && rec_has_event(&w.r, "GUEST_ERROR what=data_size"),
		  "data_size beyond the packet: reset, what=data_size");
	hvs_bridge_service(&w.h, w.h.now_ms);
	tap_check(!only_conn(&w) && rec_count_events(&w.r, "RESCIND_SENT") == 2,
		  "both rescinded");
	close(h1);
	close(h2);
	close(lfd);
	world_down(&w);
}

static void test_open_timeout_reset_and_relid_reuse(void)
{
	struct vmbus_channel_offer_channel o;
	struct world w;
	int lfd;

	world_up(&w);
	lfd = host_listen(SVC_PORT);
	tl_connect(&w, GUEST_PORT, SVC_PORT);
	hvs_bridge_service(&w.h, w.h.now_ms + HVS_OPEN_FROM_GUEST_MS - 1);
	tap_check(only_conn(&w) && only_conn(&w)->state == HVS_OFFERED, "not opened: still offered");
	rec_clear(&w.r);
	hvs_bridge_service(&w.h, w.h.now_ms + HVS_OPEN_FROM_GUEST_MS);
	tap_check(!only_conn(&w) && rec_has_event(&w.r, "HVSOCK_CLOSED conn=1") &&
		  rec_last(&w.r, CHANNELMSG_RESCIND_CHANNELOFFER),
		  "not opened in 5 s: rescinded");

	/* once relids ran up to the guest's limit, the lowest free one is used again */
	w.h.next_relid = VMBUS_MAX_CHANNEL_RELIDS;
	rec_clear(&w.r);
	tl_connect(&w, GUEST_PORT + 2, SVC_PORT);
	tap_check(last_offer(&w, &o) && o.child_relid == 2,
		  "relids: at the limit the lowest free one (2; 1 awaits its release): %u",
		  o.child_relid);

	/* a VMBus reset (unload) ends every connection; nothing is offered again */
	rec_clear(&w.r);
	guest_simple(&w, CHANNELMSG_UNLOAD);
	guest_connect(&w);
	tap_check(!only_conn(&w) && !rec_last(&w.r, CHANNELMSG_OFFERCHANNEL),
		  "reset: connections gone, not offered again");
	close(lfd);
	world_down(&w);
}

int main(void)
{
	make_dir();
	test_refused_when_nothing_listens();
	test_guest_connect_data_fin_both_ways();
	test_host_connect_and_flow_control();
	test_bad_packet_resets_only_its_connection();
	test_open_timeout_reset_and_relid_reuse();
	return tap_done();
}
