// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_net_gso.c: the host's software TCP segmentation (tools/fakehost/net_gso.c),
 * used when the guest has RSC off: a coalesced IPv4 (with TCP options), IPv6 and
 * 802.1Q-tagged IPv6 frame cut at an MSS gives segments that each verify (IP and TCP
 * checksums), no larger than headers + MSS, sequence numbers that follow each other,
 * IPv4 ids that count up, CWR only first and FIN/PSH only last, and payloads that
 * concatenate back to the original; frames that are not TCP or lie about their TCP
 * header, an MSS of 0 and a scratch buffer too small are refused.
 */
#include "tap.h"
#include "../../tools/fakehost/net_frame.h"
#include "../../tools/fakehost/net_gso.h"

#include "eth_frames.h"

#define BIG	20000u

static const u8 dst_ip[4] = { 10, 11, 0, 2 };
static u8 frame[BIG + 200], scratch[4096], joined[BIG];

struct seen {
	u32 count, joined, max_len, hl, mss, bad;
	u32 next_seq;
	u16 next_id;
	bool ipv6;
	u8 first_flags, last_flags, mid_flags_or;
};

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static bool collect(void *ctx, const u8 *f, u32 len)
{
	struct seen *s = ctx;
	struct net_l4 o;
	u32 thl, n;

	if (net_frame_l4(f, len, &o) || net_l4_csum_verify(f, len) != 1 || o.ipv6 != s->ipv6) {
		s->bad++;
		return true;
	}
	thl = (f[o.l4 + 12] >> 4) * 4u;
	n = o.l4_len - thl;
	if (o.l4 + thl != s->hl || n > s->mss || len != s->hl + n ||
	    s->joined + n > sizeof(joined) || get32(f + o.l4 + 4) != s->next_seq)
		s->bad++;
	if (!o.ipv6 && (u16)(f[o.l3 + 4] << 8 | f[o.l3 + 5]) != s->next_id)
		s->bad++;
	memcpy(joined + s->joined, f + s->hl, n);
	s->joined += n;
	s->next_seq += n;
	s->next_id++;
	if (len > s->max_len)
		s->max_len = len;
	if (!s->count)
		s->first_flags = f[o.l4 + 13];
	else if (s->count > 1)	/* the one before was neither first nor last */
		s->mid_flags_or |= s->last_flags;
	s->last_flags = f[o.l4 + 13];
	s->count++;
	return true;
}

/* A coalesced TCP/IPv4 frame: 12 bytes of TCP options, n payload bytes, flags. */
static u32 tcp4_big(u8 *f, u32 n, u8 flags)
{
	u8 *tcp = f + 34;
	u32 i, len;

	memset(tcp, 0, 32);
	put16(tcp, 5201);
	put16(tcp + 2, 40000);
	put16(tcp + 4, 0xfffe);		/* seq 0xfffeff00: wraps inside the frame */
	put16(tcp + 6, 0xff00);
	tcp[12] = 8 << 4;
	tcp[13] = flags;
	tcp[20] = 1;
	tcp[21] = 1;
	tcp[22] = 8;
	tcp[23] = 10;
	for (i = 0; i < n; i++)
		tcp[32 + i] = (u8)(i * 13 + i / 251);
	len = ipv4_frame(f, dst_ip, 6, 32 + n);
	return len;
}

/* A coalesced TCP/IPv6 frame with n payload bytes (checksum not needed: recomputed). */
static u32 tcp6_big(u8 *f, u32 n, u8 flags)
{
	u8 *ip = f + 14, *tcp = f + 54;
	u32 i;

	memcpy(f, host_mac, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, (u16)(20 + n));
	ip[6] = 6;
	ip[7] = 64;
	ip[8] = 0xfd;
	ip[23] = 1;
	ip[24] = 0xfd;
	ip[39] = 2;
	memset(tcp, 0, 20);
	put16(tcp, 5201);
	put16(tcp + 2, 40000);
	put16(tcp + 6, 1000);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	for (i = 0; i < n; i++)
		tcp[20 + i] = (u8)(i ^ (i >> 8));
	return 54 + 20 + n;
}

static bool stop_after_two(void *ctx, const u8 *f, u32 len)
{
	u32 *calls = ctx;

	(void)f;
	(void)len;
	return ++*calls < 2;
}

int main(void)
{
	struct seen s;
	u32 n, hl, calls = 0;
	int rc;

	(void)icmp_echo;	/* eth_frames.h helpers this test does not use */
	(void)arp_request;
	/* IPv4, options, CWR|ACK|PSH|FIN, 20000 bytes at MSS 1448: 14 segments. */
	n = tcp4_big(frame, BIG, 0x80 | 0x10 | 0x08 | 0x01);
	hl = 34 + 32;
	s = (struct seen){ .hl = hl, .mss = 1448, .next_seq = 0xfffeff00, .next_id = 0x1234 };
	rc = net_tcp_segment(frame, n, 1448, scratch, sizeof(scratch), collect, &s);
	tap_check(rc == 14 && s.count == 14 && !s.bad,
		  "IPv4: 14 segments, each verifying, in sequence, ids counting up");
	tap_check(s.max_len == hl + 1448 && s.joined == BIG && !memcmp(joined, frame + hl, BIG),
		  "IPv4: no segment over headers + MSS, the payload joins back byte-exact");
	tap_check(s.first_flags == (0x80 | 0x10) && s.last_flags == (0x10 | 0x08 | 0x01) &&
		  !(s.mid_flags_or & (0x80 | 0x08 | 0x01)),
		  "IPv4: CWR only in the first, PSH and FIN only in the last");

	/* Trailing padding after the IP length is not payload. */
	s = (struct seen){ .hl = hl, .mss = 1448, .next_seq = 0xfffeff00, .next_id = 0x1234 };
	rc = net_tcp_segment(frame, n + 6, 1448, scratch, sizeof(scratch), collect, &s);
	tap_check(rc == 14 && !s.bad && s.joined == BIG, "IPv4: padding after the IP length ignored");

	/* IPv6, MSS 1000, a payload that is a multiple of it. */
	n = tcp6_big(frame, 8000, 0x10);
	s = (struct seen){ .hl = 74, .mss = 1000, .next_seq = 1000, .ipv6 = true };
	rc = net_tcp_segment(frame, n, 1000, scratch, sizeof(scratch), collect, &s);
	tap_check(rc == 8 && !s.bad && s.joined == 8000 && !memcmp(joined, frame + 74, 8000) &&
		  s.max_len == 1074, "IPv6: 8 segments of 1000, verifying, joined back");

	/* The same with an 802.1Q tag: the tag stays in every segment. */
	memmove(frame + 16, frame + 12, n - 12);
	put16(frame + 12, 0x8100);
	put16(frame + 14, 7);
	s = (struct seen){ .hl = 78, .mss = 1400, .next_seq = 1000, .ipv6 = true };
	rc = net_tcp_segment(frame, n + 4, 1400, scratch, sizeof(scratch), collect, &s);
	tap_check(rc == 6 && !s.bad && s.joined == 8000 && !memcmp(joined, frame + 78, 8000),
		  "tagged IPv6: 6 segments, tag kept, joined back");

	/* A frame no bigger than the MSS, and one with no payload: one segment each. */
	n = tcp6_big(frame, 500, 0x10);
	s = (struct seen){ .hl = 74, .mss = 1448, .next_seq = 1000, .ipv6 = true };
	tap_check(net_tcp_segment(frame, n, 1448, scratch, sizeof(scratch), collect, &s) == 1 &&
		  !s.bad, "a frame within the MSS: one segment, checksum right");
	n = tcp6_big(frame, 0, 0x10);
	s = (struct seen){ .hl = 74, .mss = 1448, .next_seq = 1000, .ipv6 = true };
	tap_check(net_tcp_segment(frame, n, 1448, scratch, sizeof(scratch), collect, &s) == 1 &&
		  !s.bad, "a pure ACK: one segment");

	/* Refusals. */
	n = tcp6_big(frame, 3000, 0x10);
	tap_check(net_tcp_segment(frame, n, 0, scratch, sizeof(scratch), collect, &s) == -1,
		  "MSS 0 refused");
	tap_check(net_tcp_segment(frame, n, 1448, scratch, 1000, collect, &s) == -1,
		  "scratch smaller than headers + MSS refused");
	frame[54 + 12] = 4 << 4;
	tap_check(net_tcp_segment(frame, n, 1448, scratch, sizeof(scratch), collect, &s) == -1,
		  "TCP data offset below 20 bytes refused");
	frame[54 + 12] = 15 << 4;
	put16(frame + 18, 40);		/* IPv6 payload 40 < the 60-byte TCP header */
	tap_check(net_tcp_segment(frame, n, 1448, scratch, sizeof(scratch), collect, &s) == -1,
		  "TCP header past the IP payload refused");
	frame[54 + 12] = 5 << 4;
	put16(frame + 18, 20 + 3000);
	frame[20] = 17;
	tap_check(net_tcp_segment(frame, n, 1448, scratch, sizeof(scratch), collect, &s) == -1,
		  "UDP refused");
	frame[20] = 6;
	tap_check(net_tcp_segment(frame, n - 100, 1448, scratch, sizeof(scratch), collect, &s) == -1,
		  "IP length past the frame refused");
	rc = net_tcp_segment(frame, n, 1000, scratch, sizeof(scratch), stop_after_two, &calls);
	tap_check(rc == 2 && calls == 2, "the callback stops the cut");
	return tap_done();
}
