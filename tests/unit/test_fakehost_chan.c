// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_chan.c: open channels on the fake host: echo round trips and
 * back-pressure through pending_send_sz, the heartbeat and shutdown ICs from
 * negotiation on, a service's one request (answered by its ictransaction_id only, given up
 * on after its timeout), rescind and release, subchannels, deferred GPADL teardown and
 * MODIFYCHANNEL.
 */
#include "fakehost_test.h"
#include "dev_heartbeat.h"
#include "dev_shutdown.h"
#include "dev_ic.h"
#include "dev_vss.h"
#include "ic_msg.h"

#define RING_PFN	512

struct guest_chan {
	struct hvis_ring out;	/* guest -> host */
	struct hvis_ring in;	/* host -> guest */
	u32 relid;
};

/* Connects with one device, creates the ring GPADL and opens it on vcpu 1. */
static u32 open_one(struct world *w, const struct host_device_ops *ops, u32 npages,
		    u32 downstream, struct guest_chan *gc)
{
	const struct rec_msg *m;
	struct vmbus_channel_open_result r = {};

	world_init(w, 2);
	host_add_device(&w->h, ops, NULL, 0);
	guest_connect(w);
	guest_rings(w, RING_PFN, npages, downstream, &gc->out, &gc->in);
	guest_gpadl_range(w, 1, 0xe1e10, RING_PFN, npages);
	rec_clear(&w->r);
	guest_open(w, 1, 0xe1e10, downstream, 1);
	m = rec_last(&w->r, CHANNELMSG_OPENCHANNEL_RESULT);
	if (m)
		memcpy(&r, m->data, sizeof(r));
	gc->relid = 1;
	return m ? r.status : 0xffffffff;
}

static int guest_send(struct guest_chan *gc, u64 trans_id, const void *data, u32 len,
		      bool *signal)
{
	struct hvis_kvec v = { data, len };

	return hvis_ring_write_packet(&gc->out, VM_PKT_DATA_INBAND, 0, trans_id, &v, 1, signal,
				      NULL);
}

/* Reads one packet from the host; its length or -EAGAIN.  *wake: host waits for room. */
static int guest_recv(struct guest_chan *gc, void *buf, u32 len, bool *wake)
{
	int n = hvis_ring_peek(&gc->in, buf, len, NULL);

	if (n > 0) {
		hvis_ring_advance(&gc->in, n);
		*wake |= hvis_ring_commit_read(&gc->in, NULL);
	}
	return n;
}

static void test_echo_returns_each_packet_unchanged(void)
{
	static const char text[] = "hello, echo";
	u8 buf[256] __aligned(8);
	struct vmpacket_descriptor d;
	struct guest_chan gc;
	struct world w;
	bool sig = false, wake = false;
	int n;

	tap_check(open_one(&w, &dev_echo_ops, 8, 4, &gc) == 0, "echo: open succeeds");
	tap_check(rec_has_event(&w.r, "CHANNEL_OPENED relid=1 class=echo sub=0 cpu=1"),
		  "echo: CHANNEL_OPENED event");
	rec_clear(&w.r);
	guest_send(&gc, 77, text, sizeof(text), &sig);
	tap_check(sig, "echo: guest's first packet asks to signal the host");
	host_handle_signal(&w.h, gc.relid);
	tap_check(w.r.nsignals == 1 && w.r.sig_cpu[0] == 1 && w.r.sig_relid[0] == 1,
		  "echo: host interrupts cpu 1 for relid 1");
	n = guest_recv(&gc, buf, sizeof(buf), &wake);
	memcpy(&d, buf, sizeof(d));
	tap_check(n == (int)(hvis_ring_packet_bytes(sizeof(text)) - 8) && d.trans_id == 77 &&
		  d.type == VM_PKT_DATA_INBAND && !memcmp(buf + 16, text, sizeof(text)),
		  "echo: same bytes, same trans_id");
	tap_check(guest_recv(&gc, buf, sizeof(buf), &wake) == -EAGAIN, "echo: exactly one packet");
	world_uninit(&w);
}

static void test_echo_full_ring_waits_for_room_and_loses_nothing(void)
{
	enum { N = 25, LEN = 1000 };
	u8 payload[LEN], buf[2048] __aligned(8);
	u32 received = 0, i, signals_before;
	struct host_channel *ch;
	struct guest_chan gc;
	struct world w;
	bool sig, wake, order_ok = true;
	int n, rounds = 0;

	/* 32 KiB guest->host, 12 KiB host->guest: the reply ring fills first. */
	tap_check(open_one(&w, &dev_echo_ops, 13, 9, &gc) == 0, "backpressure: open");
	for (i = 0; i < N; i++) {
		memset(payload, i, sizeof(payload));
		if (guest_send(&gc, 1000 + i, payload, LEN, &sig))
			break;
	}
	tap_check(i == N, "backpressure: guest queued 25 packets");
	host_handle_signal(&w.h, gc.relid);
	ch = host_channel_by_relid(&w.h, 1);
	tap_check(ch->stats.rx_packets < N && ch->stats.ring_full > 0 &&
		  gc.in.hdr->pending_send_sz > 0,
		  "backpressure: host stopped on a full ring and set pending_send_sz");
	while (received < N && rounds++ < 50) {
		wake = false;
		while ((n = guest_recv(&gc, buf, sizeof(buf), &wake)) > 0) {
			struct vmpacket_descriptor d;

			memcpy(&d, buf, sizeof(d));
			order_ok &= d.trans_id == 1000 + received && buf[16] == (u8)received &&
				    buf[16 + LEN - 1] == (u8)received;
			received++;
		}
		if (!wake)
			break;
		signals_before = w.r.nsignals;
		host_handle_signal(&w.h, gc.relid);
		(void)signals_before;
	}
	tap_check(received == N && order_ok, "backpressure: all 25 came back, in order, intact");
	tap_check(ch->stats.rx_packets == N && ch->stats.tx_packets == N &&
		  gc.in.hdr->pending_send_sz == 0, "backpressure: counters 25/25, pending cleared");
	world_uninit(&w);
}

/*
 * The guest's side of an IC: answers the next request in place, with its IC header's
 * ictransaction_id XORed with @id_xor (0: the request's own); its icmsgtype or -1.
 */
static int guest_ic_answer_id(struct guest_chan *gc, const struct ic_version *srv, u32 nsrv,
			      struct ic_version *fw_out, struct ic_version *srv_out, u32 status,
			      u64 id_xor)
{
	static const struct ic_version fw[] = { { 3, 0 }, { 1, 0 } };
	u8 buf[4096] __aligned(8);
	struct hvis_kvec v;
	struct hvis_ic_view view;
	struct vmpacket_descriptor d;
	bool wake = false, sig;
	int n = guest_recv(gc, buf, sizeof(buf), &wake);
	u32 off;

	if (n <= 0)
		return -1;
	memcpy(&d, buf, sizeof(d));
	off = d.offset8 * 8;
	if (hvis_ic_parse(buf + off, n - off, &view))
		return -1;
	if (view.hdr->icmsgtype == ICMSGTYPE_NEGOTIATE) {
		hvis_ic_negotiate(&view, fw, 2, srv, nsrv, fw_out, srv_out);
	} else if (view.hdr->icmsgtype == ICMSGTYPE_HEARTBEAT) {
		struct heartbeat_msg_data hb;

		memcpy(&hb, view.data, sizeof(hb));
		hb.seq_num++;
		memcpy(view.data, &hb, sizeof(hb));
		hvis_ic_set_response(&view, HV_S_OK);
	} else {
		hvis_ic_set_response(&view, status);
	}
	view.hdr->ictransaction_id ^= id_xor;
	v.base = buf;
	v.len = n;
	hvis_ring_write_raw(&gc->out, &v, 1, &sig, NULL);
	return view.hdr->icmsgtype;
}

static int guest_ic_answer(struct guest_chan *gc, const struct ic_version *srv, u32 nsrv,
			   struct ic_version *fw_out, struct ic_version *srv_out, u32 status)
{
	return guest_ic_answer_id(gc, srv, nsrv, fw_out, srv_out, status, 0);
}

static void test_heartbeat_negotiates_then_beats(void)
{
	static const struct ic_version srv[] = { { 3, 0 }, { 1, 0 } };
	struct ic_version fw, sv;
	struct guest_chan gc;
	struct world w;
	char status[128];

	tap_check(open_one(&w, &dev_heartbeat_ops, 8, 4, &gc) == 0, "heartbeat: open");
	rec_clear(&w.r);
	host_tick(&w.h, 1);
	tap_check(guest_ic_answer(&gc, srv, 2, &fw, &sv, 0) == -1,
		  "heartbeat: no request in the first 20 ms");
	host_tick(&w.h, 30);
	tap_check(w.r.nsignals == 1, "heartbeat: NEGOTIATE interrupts the guest");
	tap_check(guest_ic_answer(&gc, srv, 2, &fw, &sv, 0) == ICMSGTYPE_NEGOTIATE &&
		  fw.major == 3 && sv.major == 3,
		  "heartbeat: guest picks framework 3.0, message 3.0");
	host_handle_signal(&w.h, 1);
	tap_check(rec_has_event(&w.r,
				"IC_NEGOTIATED relid=1 class=heartbeat framework=3.0 message=3.0"),
		  "heartbeat: IC_NEGOTIATED event");
	host_tick(&w.h, 40);
	tap_check(guest_ic_answer(&gc, srv, 2, &fw, &sv, 0) == ICMSGTYPE_HEARTBEAT,
		  "heartbeat: first heartbeat right after negotiation");
	host_handle_signal(&w.h, 1);
	host_tick(&w.h, 540);
	tap_check(guest_ic_answer(&gc, srv, 2, &fw, &sv, 0) == -1, "heartbeat: none before 1 s");
	host_tick(&w.h, 1040);
	tap_check(guest_ic_answer(&gc, srv, 2, &fw, &sv, 0) == ICMSGTYPE_HEARTBEAT,
		  "heartbeat: the next one after 1 s");
	host_handle_signal(&w.h, 1);
	tap_check(rec_has_event(&w.r, "HEARTBEAT relid=1 seq=1") &&
		  rec_has_event(&w.r, "HEARTBEAT relid=1 seq=2") &&
		  !rec_has_event(&w.r, "GUEST_ERROR"),
		  "heartbeat: HEARTBEAT seq=1, seq=2 events");
	dev_heartbeat_status(&w.h, status, sizeof(status));
	tap_check(!strcmp(status, "replies=2 sent=2 seq=2"), "heartbeat: status \"%s\"", status);
	world_uninit(&w);
}

static void test_shutdown_request_and_ack(void)
{
	static const struct ic_version srv[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };
	struct ic_version fw, sv;
	struct guest_chan gc;
	struct world w;

	tap_check(open_one(&w, &dev_shutdown_ops, 8, 4, &gc) == 0, "shutdown: open");
	tap_check(dev_shutdown_request(&w.h, IC_SHUTDOWN_FLAG_REBOOT) == -ENOTCONN,
		  "shutdown: refused before negotiation");
	host_tick(&w.h, 30);
	guest_ic_answer(&gc, srv, 4, &fw, &sv, 0);
	host_handle_signal(&w.h, 1);
	tap_check(rec_has_event(&w.r,
				"IC_NEGOTIATED relid=1 class=shutdown framework=3.0 message=3.2"),
		  "shutdown: negotiated message 3.2");
	tap_check(dev_shutdown_request(&w.h, IC_SHUTDOWN_FLAG_REBOOT) == 0 &&
		  rec_has_event(&w.r, "SHUTDOWN_SENT relid=1 flags=2 kind=reboot"),
		  "shutdown: reboot request sent");
	tap_check(guest_ic_answer(&gc, srv, 4, &fw, &sv, HV_S_OK) == ICMSGTYPE_SHUTDOWN,
		  "shutdown: guest got ICMSGTYPE_SHUTDOWN");
	host_handle_signal(&w.h, 1);
	tap_check(rec_has_event(&w.r, "SHUTDOWN_ACK relid=1 flags=2 status=0") && w.h.quiesced,
		  "shutdown: SHUTDOWN_ACK status=0, host quiesced");
	world_uninit(&w);
}

static void test_rescind_then_release(void)
{
	struct vmbus_channel_close_channel c = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL, .child_relid = 1,
	};
	struct vmbus_channel_gpadl_teardown t = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN, .child_relid = 1, .gpadl = 0xe1e10,
	};
	struct vmbus_channel_relid_released rr = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED, .child_relid = 1,
	};
	struct vmbus_channel_rescind_offer ro;
	struct guest_chan gc;
	struct world w;

	open_one(&w, &dev_echo_ops, 8, 4, &gc);
	rec_clear(&w.r);
	tap_check(host_rescind(&w.h, 1) == 0 && w.r.nmsgs == 1 &&
		  msg_type(&w.r.msgs[0]) == CHANNELMSG_RESCIND_CHANNELOFFER,
		  "rescind: RESCIND_CHANNELOFFER sent");
	memcpy(&ro, w.r.msgs[0].data, sizeof(ro));
	tap_check(ro.child_relid == 1 && host_channel_by_relid(&w.h, 1)->state == CHAN_REVOKED &&
		  !host_channel_by_relid(&w.h, 1)->ring_base, "rescind: revoked, rings unmapped");
	tap_check(host_rescind(&w.h, 1) == -ENOENT, "rescind: twice is refused");
	rec_clear(&w.r);
	post(&w, 1, &c, sizeof(c));
	post(&w, 1, &t, sizeof(t));
	tap_check(w.r.nmsgs == 1 && msg_type(&w.r.msgs[0]) == CHANNELMSG_GPADL_TORNDOWN &&
		  !rec_has_event(&w.r, "GUEST_ERROR"), "rescind: close ignored, teardown answered");
	post(&w, 1, &rr, sizeof(rr));
	tap_check(rec_has_event(&w.r, "RELID_RELEASED relid=1") &&
		  !host_channel_by_relid(&w.h, 1) && !w.h.devices, "rescind: RELID_RELEASED frees the channel; the device is gone");
	world_uninit(&w);
}

static void test_subchannels_are_offered_after_the_primary_opens(void)
{
	struct vmbus_channel_offer_channel o1, o2, p;
	struct hvis_ring out, in;
	struct world w;

	world_init(&w, 2);
	host_add_device(&w.h, &dev_echo_ops, NULL, 2);
	guest_connect(&w);
	memcpy(&p, w.r.msgs[1].data, sizeof(p));
	tap_check(w.r.nmsgs == 3, "subchannels: only the primary at REQUESTOFFERS");
	guest_rings(&w, RING_PFN, 8, 4, &out, &in);
	guest_gpadl_range(&w, 1, 0x10, RING_PFN, 8);
	rec_clear(&w.r);
	guest_open(&w, 1, 0x10, 4, 0);
	tap_check(w.r.nmsgs == 3 && msg_type(&w.r.msgs[0]) == CHANNELMSG_OPENCHANNEL_RESULT &&
		  msg_type(&w.r.msgs[1]) == CHANNELMSG_OFFERCHANNEL &&
		  msg_type(&w.r.msgs[2]) == CHANNELMSG_OFFERCHANNEL,
		  "subchannels: open result, then two offers");
	memcpy(&o1, w.r.msgs[1].data, sizeof(o1));
	memcpy(&o2, w.r.msgs[2].data, sizeof(o2));
	tap_check(o1.offer.sub_channel_index == 1 && o2.offer.sub_channel_index == 2 &&
		  o1.child_relid == 2 && o2.child_relid == 3 &&
		  !memcmp(&o1.offer.if_instance, &p.offer.if_instance, 16) &&
		  !memcmp(&o2.offer.if_type, &p.offer.if_type, 16),
		  "subchannels: index 1 and 2, relids 2 and 3, same type and instance");
	world_uninit(&w);
}

static void test_teardown_of_an_open_ring_waits_for_close(void)
{
	struct vmbus_channel_gpadl_teardown t = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN, .child_relid = 1, .gpadl = 0xe1e10,
	};
	struct vmbus_channel_close_channel c = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL, .child_relid = 1,
	};
	struct guest_chan gc;
	struct world w;

	open_one(&w, &dev_echo_ops, 8, 4, &gc);
	rec_clear(&w.r);
	post(&w, 1, &t, sizeof(t));
	tap_check(w.r.nmsgs == 0, "deferred teardown: nothing while the channel is open");
	post(&w, 1, &c, sizeof(c));
	tap_check(w.r.nmsgs == 1 && msg_type(&w.r.msgs[0]) == CHANNELMSG_GPADL_TORNDOWN &&
		  rec_has_event(&w.r, "CHANNEL_CLOSED relid=1"),
		  "deferred teardown: TORNDOWN once closed");
	world_uninit(&w);
}

static void test_modifychannel_on_5_3_answers(void)
{
	struct vmbus_channel_modifychannel m = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL, .child_relid = 1, .target_vp = 0,
	};
	struct vmbus_channel_modifychannel_response r;
	struct guest_chan gc;
	struct world w;

	open_one(&w, &dev_echo_ops, 8, 4, &gc);
	rec_clear(&w.r);
	post(&w, 1, &m, sizeof(m));
	memcpy(&r, w.r.msgs[0].data, sizeof(r));
	tap_check(w.r.nmsgs == 1 && msg_type(&w.r.msgs[0]) == CHANNELMSG_MODIFYCHANNEL_RESPONSE &&
		  r.status == 0 && host_channel_by_relid(&w.h, 1)->target_cpu == 0,
		  "modify: response status 0, target cpu 0");
	rec_clear(&w.r);
	m.target_vp = 9;
	post(&w, 1, &m, sizeof(m));
	memcpy(&r, w.r.msgs[0].data, sizeof(r));
	tap_check(r.status != 0 && rec_has_event(&w.r, "GUEST_ERROR what=target_vp"),
		  "modify: bad CPU refused");
	world_uninit(&w);
}

static void vss_status_of(struct world *w, char *buf, size_t len)
{
	struct host_channel *ch = host_channel_by_relid(&w->h, 1);

	ch->dev->ops->status(ch->dev, buf, len);
}

static void test_ic_request_needs_its_trans_id_and_times_out(void)
{
	static const struct ic_version srv[] = { { 5, 0 } };
	char *thaw[] = { "thaw" }, *freeze[] = { "freeze" }, status[200];
	struct ic_version fw, sv;
	struct guest_chan gc;
	struct world w;

	tap_check(open_one(&w, &dev_vss_ops, 8, 4, &gc) == 0, "ic request: vss open");
	host_tick(&w.h, 30);
	guest_ic_answer(&gc, srv, 1, &fw, &sv, 0);
	host_handle_signal(&w.h, 1);
	tap_check(dev_vss_request(&w.h, 1, thaw) == 0, "ic request: THAW sent");
	rec_clear(&w.r);
	tap_check(guest_ic_answer_id(&gc, srv, 1, &fw, &sv, HV_S_OK, 0x40) == ICMSGTYPE_VSS,
		  "ic request: the guest answers with another ictransaction_id");
	host_handle_signal(&w.h, 1);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=ictransaction_id") &&
		  !rec_has_event(&w.r, "VSS_RESULT"),
		  "ic request: that answer answers nothing (GUEST_ERROR what=ictransaction_id)");
	tap_check(dev_vss_request(&w.h, 1, freeze) == -EBUSY, "ic request: the THAW is still out");
	host_tick(&w.h, 30 + IC_REQUEST_TIMEOUT_MS - 1);
	tap_check(!rec_has_event(&w.r, "VSS_RESULT"), "ic request: not given up before 45 s");
	host_tick(&w.h, 40 + IC_REQUEST_TIMEOUT_MS);
	tap_check(rec_has_event(&w.r, "IC_REQUEST_TIMEOUT relid=1 class=vss") &&
		  rec_has_event(&w.r, "VSS_RESULT op=thaw status=timeout"),
		  "ic request: given up after 45 s, the ctl call gets status=timeout");
	tap_check(dev_vss_request(&w.h, 1, freeze) == 0, "ic request: the next request goes");
	/* A FREEZE may take the guest's daemon 15 minutes: the host waits longer. */
	host_tick(&w.h, 100 + 2 * IC_REQUEST_TIMEOUT_MS);
	tap_check(rec_count_events(&w.r, "IC_REQUEST_TIMEOUT") == 1,
		  "ic request: a FREEZE is not given up after 45 s");
	tap_check(guest_ic_answer(&gc, srv, 1, &fw, &sv, HV_S_OK) == ICMSGTYPE_VSS,
		  "ic request: the guest answers the FREEZE");
	host_handle_signal(&w.h, 1);
	vss_status_of(&w, status, sizeof(status));
	tap_check(rec_has_event(&w.r, "VSS_RESULT op=freeze status=0") &&
		  strstr(status, "busy=0 timeouts=1 frozen=1"),
		  "ic request: its answer counts (status \"%s\")", status);
	world_uninit(&w);
}

int main(void)
{
	test_echo_returns_each_packet_unchanged();
	test_echo_full_ring_waits_for_room_and_loses_nothing();
	test_heartbeat_negotiates_then_beats();
	test_shutdown_request_and_ack();
	test_ic_request_needs_its_trans_id_and_times_out();
	test_rescind_then_release();
	test_subchannels_are_offered_after_the_primary_opens();
	test_teardown_of_an_open_ring_waits_for_close();
	test_modifychannel_on_5_3_answers();
	return tap_done();
}
