// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_hostile_kinds.c: the hostile mode's focus (only=), its opt-in kinds
 * (with=stall,rescind,revoke,rndis) and skipped kinds (skip=; tools/fakehost/hostile*.c,
 * docs/hostile.md).
 * The focus leaves other classes' packets alone and draws nothing for them, so the
 * focused class gets the same mutations with or without the others around; a stall
 * holds a channel's packets and sends them in order when it ends (or at once when the
 * mode stops); revoke lies only about GPADLs the guest created and still holds; a
 * rescind replugs the device at the next tick; RNDIS mutations stay inside the message
 * in the receive section; and each kind's log replays to the same result.  Each IC's own
 * message fields are named at their wire offsets.
 */
#include "fakehost_test.h"
#include "hostile.h"
#include "device.h"
#include "hvis/ring_proto.h"
#include "hvis/netvsc_proto.h"

static const struct host_device_ops scsi_ops = { .name = "scsi" };
static const struct host_device_ops nic_ops = { .name = "nic" };

/* What the guest got: a hash per relid of interest, counts, trans_ids in order. */
static struct {
	u64 hash7, hash9;
	u32 n7, n9, changed9;
	u64 order[64];
	u32 norder;
} got;

static u8 sent9[16 + 64];	/* the nic packet as the test sent it */

static void mix(u64 *h, const void *p, u32 len)
{
	const u8 *b = p;
	u32 i;

	for (i = 0; i < len; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
	*h = (*h ^ len) * 0x100000001b3ull;
}

static int put(struct host_channel *ch, const void *pkt, u32 len)
{
	struct vmpacket_descriptor d;

	memcpy(&d, pkt, sizeof(d));
	if (got.norder < ARRAY_SIZE(got.order))
		got.order[got.norder++] = d.trans_id;
	if (ch->relid == 7) {
		got.n7++;
		mix(&got.hash7, pkt, len);
	} else {
		got.n9++;
		got.changed9 += len != sizeof(sent9) || memcmp(pkt, sent9, len);
		mix(&got.hash9, pkt, len);
	}
	return 0;
}

static void make_pkt(u8 *pkt, u32 len, u16 type, u64 trans_id, u8 first)
{
	struct vmpacket_descriptor d = {
		.type = type, .offset8 = 2, .len8 = (u16)(len / 8), .trans_id = trans_id,
	};

	memset(pkt, 0, len);
	memcpy(pkt, &d, sizeof(d));
	pkt[16] = first;
}

static void send(struct host_channel *ch, const u8 *pkt, u32 len)
{
	if (hostile_packet_wanted(ch))
		hostile_packet(ch, pkt, len, put);
	else
		put(ch, pkt, len);
}

static u64 status_count(const char *st, const char *key)
{
	const char *p = strstr(st, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* scsi packets alone, or each followed by a nic packet: only=scsi must not care. */
static void run_focus(struct world *w, bool with_nic)
{
	struct host_device d7 = { .ops = &scsi_ops }, d9 = { .ops = &nic_ops };
	struct host_channel c7 = { .host = &w->h, .dev = &d7, .relid = 7, .state = CHAN_OPEN };
	struct host_channel c9 = { .host = &w->h, .dev = &d9, .relid = 9, .state = CHAN_OPEN };
	u8 pkt[16 + 64];
	u32 i;

	memset(&got, 0, sizeof(got));
	c7.out.data_size = c9.out.data_size = 65536;
	for (i = 0; i < 2000; i++) {
		make_pkt(pkt, sizeof(pkt), VM_PKT_COMP, i + 1, 1);
		send(&c7, pkt, sizeof(pkt));
		if (with_nic) {
			make_pkt(sent9, sizeof(sent9), VM_PKT_DATA_INBAND, i + 1, 0x6b);
			send(&c9, sent9, sizeof(sent9));
		}
	}
	hostile_stop(&w->h);
}

static void test_focus(char *log)
{
	struct world w;
	char st[16384];
	u32 only = 0, with = 0;
	u64 h7;

	world_init(&w, 1);
	tap_check(hostile_parse_opt("only=scsi", &only, &with) == 0 && only && !with,
		  "only=scsi parses");
	tap_check(hostile_parse_opt("only=floppy", &only, &with) != 0 &&
		  hostile_parse_opt("with=teleport", &only, &with) != 0 &&
		  hostile_parse_opt("sideways=1", &only, &with) != 0,
		  "an unknown class, kind or option is refused");
	hostile_reset();
	hostile_set_log(log);
	hostile_set_focus(only, 0);
	hostile_start(77, 0.3);
	run_focus(&w, false);
	h7 = got.hash7;
	tap_check(got.n7 >= 2000, "only=scsi alone: %u scsi packets out", got.n7);

	hostile_reset();
	hostile_set_log(log);
	hostile_set_focus(only, 0);
	hostile_start(77, 0.3);
	run_focus(&w, true);
	hostile_status(st, sizeof(st));
	tap_check(got.hash7 == h7, "only=scsi with nic packets between: the same scsi bytes (the nic draws nothing)");
	tap_check(got.n9 == 2000 && got.changed9 == 0, "the nic's %u packets all went out unchanged",
		  got.n9);
	tap_check(strstr(st, "class nic seen=2000 mutated=0 ") != NULL,
		  "status: class nic seen=2000 mutated=0");
	tap_check(strstr(st, "class scsi seen=2000 mutated=") &&
		  status_count(st, "class scsi seen=2000 mutated=") > 200,
		  "status: class scsi seen=2000 mutated=%llu",
		  (unsigned long long)status_count(st, "class scsi seen=2000 mutated="));
	tap_check(strstr(st, " only=scsi with=-") != NULL, "status names the focus");
	hostile_reset();
	world_uninit(&w);
}

static void write_log(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A logged stall at packet 3: packets 3.. wait until the stall's end, then go in order. */
static void test_stall(char *log, char *log2)
{
	struct host_device d7 = { .ops = &scsi_ops };
	struct host_channel c7 = { .host = NULL, .dev = &d7, .relid = 7, .state = CHAN_OPEN };
	char err[256], st[16384];
	struct world w;
	u8 pkt[16 + 64];
	u32 i, sig;
	bool in_order = true;

	world_init(&w, 1);
	c7.host = &w.h;
	c7.out.data_size = 65536;
	c7.next = w.h.channels;
	w.h.channels = &c7;	/* the release looks the channel up */
	write_log(log, "hostile seed=5 msg=3 relid=7 class=scsi kind=stall field=ms change=0x0->0x0 rs=2a\n");
	hostile_reset();
	hostile_set_log(log2);
	tap_check(hostile_replay_load(log, err, sizeof(err)) == 0, "stall log loads");
	memset(&got, 0, sizeof(got));
	w.h.now_ms = 10000;
	for (i = 1; i <= 10; i++) {
		make_pkt(pkt, sizeof(pkt), VM_PKT_COMP, i, 1);
		send(&c7, pkt, sizeof(pkt));
	}
	tap_check(got.n7 == 2, "stall: packets 1 and 2 out, 3..10 held (%u out)", got.n7);
	w.h.now_ms += 999;
	hostile_tick(&w.h);
	tap_check(got.n7 == 2, "stall: still held 999 ms later (stalls last 1-3 s)");
	sig = w.r.nsignals;
	w.h.now_ms += 2100;
	hostile_tick(&w.h);
	for (i = 0; i < got.norder; i++)
		in_order &= got.order[i] == i + 1;
	tap_check(got.n7 == 10 && in_order, "stall: after it ends all 10 out, in order");
	tap_check(w.r.nsignals > sig, "stall: the release interrupts the guest");
	hostile_status(st, sizeof(st));
	tap_check(status_count(st, "kind stall ") == 1 && strstr(st, "field ms 1"),
		  "status counts the stall");

	/* ctl hostile off releases at once. */
	write_log(log, "hostile seed=5 msg=2 relid=7 class=scsi kind=stall field=ms change=0x0->0x0 rs=2b\n");
	hostile_reset();
	hostile_set_log(log2);
	hostile_replay_load(log, err, sizeof(err));
	memset(&got, 0, sizeof(got));
	for (i = 1; i <= 5; i++) {
		make_pkt(pkt, sizeof(pkt), VM_PKT_COMP, i, 1);
		send(&c7, pkt, sizeof(pkt));
	}
	tap_check(got.n7 == 1, "stall at 2: one out, four held");
	hostile_stop(&w.h);
	in_order = true;
	for (i = 0; i < got.norder; i++)
		in_order &= got.order[i] == i + 1;
	tap_check(got.n7 == 5 && in_order, "hostile off: the held packets go out at once, in order");
	make_pkt(pkt, sizeof(pkt), VM_PKT_COMP, 6, 1);
	send(&c7, pkt, sizeof(pkt));
	tap_check(got.n7 == 6, "after the release the channel sends again at once");
	w.h.channels = c7.next;
	hostile_reset();
	world_uninit(&w);
}

/* The guest's echo channel (relid 1 on a 0xe1e10 ring GPADL) and more GPADLs. */
#define RING_PFN	64
struct echo {
	struct hvis_ring out, in;
};

/* A GPADL of npages whose body messages never come: the host keeps it in progress. */
static void gpadl_header_only(struct world *w, u32 relid, u32 id, u32 npages)
{
	u64 pfns[VMBUS_GPADL_HEADER_MAX_PFNS];
	u32 i;

	for (i = 0; i < VMBUS_GPADL_HEADER_MAX_PFNS; i++)
		pfns[i] = 300 + i;
	guest_gpadl_header(w, relid, id, pfns, npages);
}

static void open_echo(struct world *w, struct echo *e)
{
	world_init(w, 1);
	host_add_device(&w->h, &dev_echo_ops, NULL, 0);
	guest_connect(w);
	guest_rings(w, RING_PFN, 8, 4, &e->out, &e->in);
	guest_gpadl_range(w, 1, 0xe1e10, RING_PFN, 8);
	guest_open(w, 1, 0xe1e10, 4, 0);
	guest_gpadl_range(w, 1, 0x20, 200, 4);		/* created, unused */
	gpadl_header_only(w, 1, 0x40, 40);		/* in progress */
	rec_clear(&w->r);
}

/* TORNDOWN messages the host sent since the last rec_clear, as a bit per gpadl. */
static u32 torndowns(struct world *w, u32 *ids, u32 max)
{
	u32 i, n = 0;

	for (i = 0; i < w->r.nmsgs; i++) {
		struct vmbus_channel_gpadl_torndown t;

		if (msg_type(&w->r.msgs[i]) != CHANNELMSG_GPADL_TORNDOWN)
			continue;
		memcpy(&t, w->r.msgs[i].data, sizeof(t));
		if (n < max)
			ids[n] = t.gpadl;
		n++;
	}
	return n;
}

static u32 host_gpadls(struct world *w)
{
	struct host_gpadl *g;
	u32 n = 0;

	for (g = w->h.gpadls; g; g = g->next)
		n++;
	return n;
}

static void test_revoke(char *log, char *log2)
{
	u32 ids[8], ids2[8], n, n2, i, with = 0, only = 0;
	char err[256];
	struct world w;
	struct echo e;

	open_echo(&w, &e);
	tap_check(host_gpadls(&w) == 3, "revoke: the host holds 3 GPADLs (one in progress)");
	hostile_parse_opt("with=revoke", &only, &with);
	hostile_reset();
	hostile_set_log(log);
	hostile_set_focus(0, with);
	hostile_start(11, 1.0);
	for (i = 0; i < 6; i++) {
		w.h.now_ms = 1000 + i * 1000;
		hostile_tick(&w.h);
	}
	hostile_stop(&w.h);
	n = torndowns(&w, ids, 8);
	tap_check(n == 2 && ids[0] != ids[1] &&
		  (ids[0] == 0xe1e10 || ids[0] == 0x20) && (ids[1] == 0xe1e10 || ids[1] == 0x20),
		  "revoke: GPADL_TORNDOWN for the 2 live GPADLs once each (%u sent), never the one in progress",
		  n);
	tap_check(host_gpadls(&w) == 3 && host_channel_by_relid(&w.h, 1)->state == CHAN_OPEN,
		  "revoke: the host keeps its GPADLs and the channel stays open");
	tap_check(rec_count_events(&w.r, "HOSTILE_REVOKE gpadl=") == 2, "revoke: an event each");
	hostile_reset();
	world_uninit(&w);

	open_echo(&w, &e);
	hostile_set_log(log2);
	tap_check(hostile_replay_load(log, err, sizeof(err)) == 0, "revoke log loads: %s",
		  err[0] ? err : "ok");
	for (i = 0; i < 6; i++) {
		w.h.now_ms = 1000 + i * 1000;
		hostile_tick(&w.h);
	}
	n2 = torndowns(&w, ids2, 8);
	tap_check(n2 == n && !memcmp(ids, ids2, n * sizeof(ids[0])),
		  "revoke: the log replays the same lies in the same order");
	hostile_reset();
	world_uninit(&w);
}

/* The guest sends n packets on the echo channel; how many came back. */
static u32 echo_round(struct world *w, struct echo *e, u32 n)
{
	u8 buf[256] __aligned(8), data[24] = "ping";
	struct hvis_kvec v = { data, sizeof(data) };
	bool sig = false;
	u32 i, back = 0;

	for (i = 0; i < n; i++) {
		hvis_ring_write_packet(&e->out, VM_PKT_DATA_INBAND, 0, i + 1, &v, 1, &sig, NULL);
		host_handle_signal(&w->h, 1);
		while (hvis_ring_peek(&e->in, buf, sizeof(buf), NULL) > 0) {
			hvis_ring_advance(&e->in, hvis_ring_peek(&e->in, buf, sizeof(buf), NULL));
			hvis_ring_commit_read(&e->in, NULL);
			back++;
		}
	}
	return back;
}

static void test_rescind(char *log, char *log2)
{
	char err[256], st[16384];
	u32 with = 0, only = 0, back;
	struct world w;
	struct echo e;

	open_echo(&w, &e);
	hostile_parse_opt("with=rescind", &only, &with);
	hostile_parse_opt("only=echo", &only, &with);
	hostile_reset();
	hostile_set_log(log);
	hostile_set_focus(only, with);
	hostile_start(3, 1.0);
	back = 0;
	while (!rec_has_event(&w.r, "REPLUG_RESCIND") && back < 2000) {
		back += echo_round(&w, &e, 1) + 1;
		hostile_tick(&w.h);
	}
	hostile_status(st, sizeof(st));
	hostile_stop(&w.h);
	tap_check(status_count(st, "kind rescind ") == 1,
		  "rescind: happened once (one replug pending at a time)");
	tap_check(rec_has_event(&w.r, "REPLUG_RESCIND relid=1 class=echo") &&
		  rec_last(&w.r, CHANNELMSG_RESCIND_CHANNELOFFER),
		  "rescind: at the tick the echo device is rescinded for a replug");
	hostile_reset();
	world_uninit(&w);

	/* The log again: the same packet is held back and the device replugged. */
	open_echo(&w, &e);
	hostile_set_log(log2);
	tap_check(hostile_replay_load(log, err, sizeof(err)) == 0, "rescind log loads");
	back = 0;
	while (!rec_has_event(&w.r, "REPLUG_RESCIND") && back < 2000) {
		back += echo_round(&w, &e, 1) + 1;
		hostile_tick(&w.h);
	}
	hostile_status(st, sizeof(st));
	tap_check(status_count(st, "kind rescind ") == 1 &&
		  rec_has_event(&w.r, "REPLUG_RESCIND relid=1 class=echo"),
		  "rescind: its log replays it (after %u packets)", back);
	hostile_reset();
	world_uninit(&w);
}

/* An RNDIS data packet with one PPI, as the NIC writes it in a receive section. */
static u32 make_rndis(u8 *sec, u32 i)
{
	struct rndis_msg_hdr h = { .msg_type = RNDIS_MSG_PACKET };
	struct rndis_packet p = {
		.data_offset = sizeof(p) + 12 + 4, .data_len = 60,
		.per_pkt_info_offset = sizeof(p), .per_pkt_info_len = 12 + 4,
	};
	struct rndis_ppi ppi = { .size = 16, .type = PPI_TCPIP_CHKSUM, .ppi_offset = 12 };
	u32 len = sizeof(h) + p.data_offset + p.data_len;

	h.msg_len = len;
	memcpy(sec, &h, sizeof(h));
	memcpy(sec + 8, &p, sizeof(p));
	memcpy(sec + 8 + sizeof(p), &ppi, sizeof(ppi));
	memset(sec + 8 + p.data_offset, (int)i, p.data_len);
	return len;
}

#define SEC_CAP	256
#define GUARD	64

static u64 run_rndis(struct world *w, bool *guard_ok, u32 *bad_body)
{
	struct host_device d9 = { .ops = &nic_ops };
	struct host_channel c9 = { .host = &w->h, .dev = &d9, .relid = 9, .state = CHAN_OPEN };
	u8 sec[SEC_CAP + GUARD], pkt[16 + 64], orig[SEC_CAP];
	u64 h = 0;
	u32 i, len, j;

	c9.out.data_size = 65536;
	c9.next = w->h.channels;
	w->h.channels = &c9;
	*guard_ok = true;
	*bad_body = 0;
	for (i = 0; i < 6000; i++) {
		/* 100 ms a packet: stalls (1-3 s) end while the run goes on. */
		w->h.now_ms = 1000 + (u64)i * 100;
		hostile_tick(&w->h);
		memset(sec, 0xa5, sizeof(sec));
		len = make_rndis(sec, i);
		make_pkt(pkt, sizeof(pkt), VM_PKT_DATA_USING_XFER_PAGES, i + 1, 0);
		hostile_rndis(sec, len, SEC_CAP);
		make_pkt(sent9, sizeof(sent9), VM_PKT_DATA_USING_XFER_PAGES, i + 1, 0);
		send(&c9, pkt, sizeof(pkt));
		for (j = len; j < sizeof(sec); j++)
			*guard_ok &= sec[j] == 0xa5;
		memset(orig, 0xa5, sizeof(orig));
		make_rndis(orig, i);
		*bad_body += memcmp(orig, sec, len) != 0;
		mix(&h, sec, len);
	}
	hostile_stop(&w->h);
	w->h.channels = c9.next;
	return h;
}

static void test_rndis_and_stall(char *log, char *log2)
{
	u32 with = 0, only = 0, changed, changed2;
	char err[256], st[16384];
	struct world w;
	bool guard, guard2;
	u64 h1, h2;

	world_init(&w, 1);
	hostile_parse_opt("with=rndis,stall", &only, &with);
	hostile_reset();
	hostile_set_log(log);
	hostile_set_focus(0, with);
	hostile_start(21, 0.3);
	memset(&got, 0, sizeof(got));
	h1 = run_rndis(&w, &guard, &changed);
	hostile_status(st, sizeof(st));
	tap_check(status_count(st, "kind rndis ") > 20 && changed > 20,
		  "rndis: %llu mutations, %u bodies changed", (unsigned long long)status_count(st, "kind rndis "),
		  changed);
	tap_check(strstr(st, "field rndis.data_offset ") && strstr(st, "field rndis.ppi0.") &&
		  strstr(st, "field rndis.msg_len ") && strstr(st, "field rndis.byte "),
		  "rndis: named fields (data_offset, ppi0.*, msg_len) and blind bytes");
	tap_check(guard, "rndis: nothing written past the message, in the section or after it");
	tap_check(status_count(st, "kind stall ") > 0, "stall happened (%llu)",
		  (unsigned long long)status_count(st, "kind stall "));
	hostile_reset();

	hostile_set_log(log2);
	tap_check(hostile_replay_load(log, err, sizeof(err)) == 0, "rndis log loads");
	memset(&got, 0, sizeof(got));
	h2 = run_rndis(&w, &guard2, &changed2);
	tap_check(h2 == h1 && changed2 == changed, "rndis: its log replays the same bodies");
	hostile_reset();
	world_uninit(&w);
}

/* irq=RATE: parsed and range-checked; irq=0 leaves every interrupt alone, the
 * messages' rate still applies to packets; without it interrupts follow the rate. */
static void test_irq_rate(char *log)
{
	struct world w;
	struct host_device d7 = { .ops = &scsi_ops };
	struct host_channel c7 = { .host = &w.h, .dev = &d7, .relid = 7, .state = CHAN_OPEN };
	u32 i, raised[2] = { 0, 0 }, round;
	char st[16384];
	double irq = -1;

	tap_check(hostile_parse_irq("irq=0.25", &irq) == 0 && irq == 0.25, "irq=0.25 parses");
	tap_check(hostile_parse_irq("irq=1.5", &irq) < 0 && hostile_parse_irq("irq=", &irq) < 0 &&
		  hostile_parse_irq("irq=x", &irq) < 0, "irq= out of [0,1] or not a number is refused");
	tap_check(hostile_parse_irq("only=scsi", &irq) > 0, "irq= leaves other options alone");
	for (round = 0; round < 2; round++) {
		world_init(&w, 1);
		hostile_reset();
		hostile_set_log(log);
		hostile_set_irq_rate(round ? -1 : 0);
		hostile_start(5, 1.0);
		for (i = 0; i < 300; i++)
			raised[round] += hostile_signal(&c7) == 1;
		hostile_status(st, sizeof(st));
		hostile_stop(&w.h);
	}
	tap_check(raised[0] == 300, "irq=0: all 300 interrupts raised once, unchanged");
	tap_check(raised[1] < 300, "without irq=, rate 1.0 changes interrupts too");
	hostile_reset();
}

/*
 * skip=: the named base kinds are never drawn and their weight goes to the others (at
 * rate 1 every packet is still mutated); the status names them; opt-in and unknown
 * kinds are refused; with every base kind skipped no packet changes, yet interrupts
 * are still drawn (skip= is about messages).
 */
static void test_skip(char *log)
{
	struct hostile_opts o = { .irq = -1 }, all = { .irq = -1 };
	struct world w;
	struct host_device d7 = { .ops = &scsi_ops };
	struct host_channel c7 = { .host = &w.h, .dev = &d7, .relid = 7, .state = CHAN_OPEN };
	char st[16384];
	u32 i, raised = 0;

	tap_check(hostile_parse_option("skip=truncate,field,forge", &o) == 0 &&
		  hostile_parse_option("only=scsi", &o) == 0 && hostile_parse_option("irq=0", &o) == 0 &&
		  o.skip && o.only && o.irq == 0, "skip=, only= and irq= parse as one option set");
	tap_check(hostile_parse_skip("skip=stall", &all.skip) < 0 &&
		  hostile_parse_skip("skip=teleport", &all.skip) < 0 &&
		  hostile_parse_skip("skip=", &all.skip) < 0 && !all.skip,
		  "skip= of an opt-in kind, an unknown kind or nothing is refused");
	tap_check(hostile_parse_option("sideways=1", &all) < 0, "an unknown option is refused");
	world_init(&w, 1);
	hostile_reset();
	hostile_set_log(log);
	hostile_apply_opts(&o);
	hostile_start(31, 1.0);
	run_focus(&w, false);
	hostile_status(st, sizeof(st));
	tap_check(status_count(st, "kind truncate ") == 0 && status_count(st, "kind field ") == 0 &&
		  status_count(st, "kind forge ") == 0, "skip=truncate,field,forge: none of them drawn");
	tap_check(status_count(st, "kind bitflip ") > 100 && status_count(st, "kind extend ") > 100 &&
		  status_count(st, "kind duplicate ") > 100,
		  "the other kinds take their weight: bitflip %llu, extend %llu, duplicate %llu",
		  (unsigned long long)status_count(st, "kind bitflip "),
		  (unsigned long long)status_count(st, "kind extend "),
		  (unsigned long long)status_count(st, "kind duplicate "));
	tap_check(status_count(st, "class scsi seen=2000 mutated=") >= 1900,
		  "rate 1 with kinds skipped: %llu of 2000 packets mutated",
		  (unsigned long long)status_count(st, "class scsi seen=2000 mutated="));
	tap_check(strstr(st, " skip=truncate,field,forge\n") != NULL, "status names the skipped kinds");
	hostile_stop(&w.h);
	world_uninit(&w);

	tap_check(hostile_parse_option("skip=truncate,extend,bitflip,field,duplicate", &all) == 0 &&
		  hostile_parse_option("skip=drop,reorder,replay,forge", &all) == 0,
		  "two skip= lists add up");
	world_init(&w, 1);
	hostile_reset();
	hostile_set_log(log);
	hostile_apply_opts(&all);
	hostile_start(31, 1.0);
	for (i = 0; i < 300; i++)
		raised += hostile_signal(&c7) == 1;
	run_focus(&w, false);
	hostile_status(st, sizeof(st));
	tap_check(status_count(st, "class scsi seen=2000 mutated=") == 0 && got.n7 == 2000,
		  "every base kind skipped: the 2000 packets go out unchanged");
	tap_check(raised < 300, "interrupts are still drawn (%u of 300 raised once)", raised);
	hostile_stop(&w.h);
	world_uninit(&w);
	hostile_reset();
}

/* field_at: the offset of the field named @name among @n, or -1. */
static int field_at(const struct hostile_field *f, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return f[i].off;
	return -1;
}

/*
 * Each IC's own message fields sit after its packet's payload offset and the 28 bytes
 * of pipe and message headers, at the wire structs' offsets (include/hvis/); a field
 * that would end past the packet is left out.
 */
static void test_ic_fields(void)
{
	struct hostile_field f[48];
	u8 pkt[16 + 28 + 1200] = { 0 };
	struct vmpacket_descriptor d = { .type = VM_PKT_DATA_INBAND, .offset8 = 2 };
	unsigned int n;

	d.len8 = sizeof(pkt) / 8;
	memcpy(pkt, &d, sizeof(d));
	n = hostile_pkt_fields("kvp", pkt, sizeof(pkt), f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "kvp.operation") == 16 + 28 && field_at(f, n, "kvp.pool") == 16 + 29 &&
		  field_at(f, n, "kvp.key_size") == 16 + 28 + 4 + 4 &&
		  field_at(f, n, "kvp.value_size") == 16 + 28 + 4 + 8,
		  "kvp: operation, pool, key_size and value_size at their hv_kvp_msg offsets");
	n = hostile_pkt_fields("fcopy", pkt, sizeof(pkt), f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "fcopy.data.offset") == 16 + 28 + 40 &&
		  field_at(f, n, "fcopy.data.size") == 16 + 28 + 48 &&
		  field_at(f, n, "fcopy.start.copy_flags") == 16 + 28 + 36 + 1040,
		  "fcopy: a data fragment's offset and size, a start's copy_flags");
	n = hostile_pkt_fields("fcopy", pkt, 16 + 28 + 52, f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "fcopy.data.size") == 16 + 28 + 48 &&
		  field_at(f, n, "fcopy.start.copy_flags") < 0,
		  "fcopy: a field past a short packet's end is left out");
	n = hostile_pkt_fields("vss", pkt, sizeof(pkt), f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "vss.operation") == 16 + 28 && field_at(f, n, "vss.flags") == 16 + 28 + 8 &&
		  field_at(f, n, "ic.msgtype") == 16 + 12,
		  "vss: operation and flags after the IC headers, which stay named too");
	n = hostile_pkt_fields("shutdown", pkt, sizeof(pkt), f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "shutdown.flags") == 16 + 28 + 8, "shutdown: flags");
	n = hostile_pkt_fields("timesync", pkt, sizeof(pkt), f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "timesync.flags") == 16 + 28 + 16, "timesync: a sample's flags");
	n = hostile_pkt_fields("heartbeat", pkt, sizeof(pkt), f, ARRAY_SIZE(f));
	tap_check(field_at(f, n, "heartbeat.seq_num") == 16 + 28, "heartbeat: seq_num");
}

int main(void)
{
	char log1[] = "/tmp/hvis-hostile-kinds.XXXXXX", log2[] = "/tmp/hvis-hostile-kinds.XXXXXX";
	int fd1 = mkstemp(log1), fd2 = mkstemp(log2);

	if (fd1 < 0 || fd2 < 0)
		return 2;
	close(fd1);
	close(fd2);
	test_focus(log1);
	test_stall(log1, log2);
	test_revoke(log1, log2);
	test_rescind(log1, log2);
	test_rndis_and_stall(log1, log2);
	test_irq_rate(log1);
	test_skip(log1);
	test_ic_fields();
	unlink(log1);
	unlink(log2);
	return tap_done();
}
