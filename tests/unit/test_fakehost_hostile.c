// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_hostile.c: the fake host's hostile mode (tools/fakehost/hostile*.c).
 * A seed decides everything: the same seed on the same packets gives the same bytes to
 * the guest, and a run's log replayed (--hostile-replay) gives them again.  Every
 * packet it lets through keeps the ring's framing (what hvis_ring_write_raw checks),
 * every channel message fits a SynIC slot, and each kind of mutation happens.
 */
#include "fakehost_test.h"
#include "hostile.h"
#include "device.h"
#include "hvis/ring_proto.h"

#define NPKT	4000
#define NMSG	1500

struct out {
	u64 hash;		/* FNV-1a over every packet or message the guest got */
	u32 packets, bad_framing, msgs, bad_msgs;
};

static struct out cur;

static void mix(const void *p, u32 len)
{
	const u8 *b = p;
	u32 i;

	for (i = 0; i < len; i++)
		cur.hash = (cur.hash ^ b[i]) * 0x100000001b3ull;
	cur.hash = (cur.hash ^ len) * 0x100000001b3ull;
}

static int put(struct host_channel *ch, const void *pkt, u32 len)
{
	struct vmpacket_descriptor d;

	cur.packets++;
	if (len < sizeof(d)) {
		cur.bad_framing++;
		return -EINVAL;
	}
	memcpy(&d, pkt, sizeof(d));
	if ((u32)d.len8 * 8 != ((len + 7) & ~7u) || d.offset8 < 2 || d.offset8 > d.len8)
		cur.bad_framing++;
	mix(pkt, len);
	return 0;
}

static void send_msg(void *ctx, u32 cpu, const void *msg, u32 len)
{
	cur.msgs++;
	if (len > HV_MESSAGE_PAYLOAD_BYTES)
		cur.bad_msgs++;
	mix(msg, len);
}

static const struct host_device_ops scsi_ops = { .name = "scsi" };

/* Feeds the same packets and messages each time; returns what reached the guest. */
static struct out run(struct world *w)
{
	struct host_device dev = { .ops = &scsi_ops };
	struct host_channel ch = { .host = &w->h, .dev = &dev, .relid = 7, .state = CHAN_OPEN };
	u8 pkt[16 + 64];
	u32 i;

	memset(&cur, 0, sizeof(cur));
	ch.out.data_size = 65536;
	for (i = 0; i < NPKT; i++) {
		struct vmpacket_descriptor d = {
			.type = VM_PKT_COMP, .offset8 = 2, .len8 = sizeof(pkt) / 8,
			.trans_id = i + 1,
		};

		memset(pkt, 0, sizeof(pkt));
		memcpy(pkt, &d, sizeof(d));
		pkt[16] = 1;		/* vstor operation COMPLETE_IO */
		pkt[28] = 52;		/* srb.length */
		if (hostile_packet_wanted(&ch))
			hostile_packet(&ch, pkt, sizeof(pkt), put);
		else
			put(&ch, pkt, sizeof(pkt));
		if (i % 50 == 0)
			cur.hash ^= hostile_signal(&ch);
	}
	for (i = 0; i < NMSG; i++) {
		struct vmbus_channel_open_result r = {
			.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
			.child_relid = i % 30, .openid = i,
		};

		hostile_msg(NULL, 0, &r, sizeof(r), send_msg);
	}
	hostile_stop(&w->h);
	return cur;
}

static u64 status_count(const char *st, const char *key)
{
	const char *p = strstr(st, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int main(void)
{
	static const char *const kinds[] = {
		"kind truncate ", "kind extend ", "kind bitflip ", "kind field ",
		"kind duplicate ", "kind drop ", "kind reorder ", "kind replay ", "kind forge ",
		"kind irq_drop ", "kind irq_dup ", "kind irq_delay ",
	};
	char log1[] = "/tmp/hvis-hostile-test.XXXXXX", log2[] = "/tmp/hvis-hostile-test.XXXXXX";
	char st[8192], err[256];
	struct out a, b, c, plain;
	struct world w;
	u64 mutated;
	unsigned int i;
	int fd1 = mkstemp(log1), fd2 = mkstemp(log2);

	if (fd1 < 0 || fd2 < 0)
		return 2;
	close(fd1);
	close(fd2);
	world_init(&w, 1);

	/* Off: every packet and message goes through unchanged. */
	hostile_reset();
	plain = run(&w);
	tap_check(plain.packets == NPKT && plain.msgs == NMSG,
		  "off: %u packets, %u messages, as sent", plain.packets, plain.msgs);

	hostile_reset();
	hostile_set_log(log1);
	tap_check(hostile_start(42, 0.2) == 0, "on with seed 42, rate 0.2");
	a = run(&w);
	hostile_status(st, sizeof(st));
	mutated = status_count(st, "mutated=");
	tap_check(a.hash != plain.hash, "the guest got other bytes than without it");
	tap_check(mutated > (NPKT + NMSG) / 10, "%llu mutations at rate 0.2 over %u items",
		  (unsigned long long)mutated, NPKT + NMSG);
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		tap_check(status_count(st, kinds[i]) > 0, "%shappened (%llu)", kinds[i],
			  (unsigned long long)status_count(st, kinds[i]));
	tap_check(strstr(st, "field vstor.") && strstr(st, "field desc.") &&
		  strstr(st, "field open_result."),
		  "structure-aware fields of the SCSI class, the descriptor and OPEN_RESULT");
	tap_check(a.bad_framing == 0, "every packet keeps its framing (%u packets)", a.packets);
	tap_check(a.bad_msgs == 0, "every message fits a SynIC slot (%u messages)", a.msgs);

	/* The same seed: the same bytes. */
	hostile_reset();
	hostile_set_log(log2);
	hostile_start(42, 0.2);
	b = run(&w);
	tap_check(b.hash == a.hash && b.packets == a.packets && b.msgs == a.msgs,
		  "seed 42 again: the same %u packets and %u messages", b.packets, b.msgs);

	/* Another seed: other bytes. */
	hostile_reset();
	hostile_set_log(log2);
	hostile_start(43, 0.2);
	c = run(&w);
	tap_check(c.hash != a.hash, "seed 43: other mutations");

	/* The first run's log, replayed: the same bytes again. */
	hostile_reset();
	hostile_set_log(log2);
	tap_check(hostile_replay_load(log1, err, sizeof(err)) == 0, "replay log loads: %s",
		  err[0] ? err : "ok");
	b = run(&w);
	hostile_status(st, sizeof(st));
	tap_check(b.hash == a.hash && b.packets == a.packets && b.msgs == a.msgs,
		  "--hostile-replay of seed 42's log: the same %u packets and %u messages",
		  b.packets, b.msgs);
	tap_check(status_count(st, "mutated=") == mutated, "replay applied the %llu logged mutations",
		  (unsigned long long)mutated);

	hostile_reset();
	unlink(log1);
	unlink(log2);
	world_uninit(&w);
	return tap_done();
}
