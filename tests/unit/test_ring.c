// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_ring.c: unit tests of lib/ring.c, the VMBus ring logic: packet framing,
 * wrap-around, a full ring, the signalling rules (empty -> non-empty, interrupt_mask,
 * pending_send_sz) and indices or descriptors from a hostile peer.
 */
#include <stdlib.h>
#include "tap.h"
#include "ring.h"

#define DATA_SIZE 256u

struct pair {
	struct hv_ring_buffer_header hdr;
	u8 data[DATA_SIZE];
	struct hvis_ring tx;	/* producer's view */
	struct hvis_ring rx;	/* consumer's view of the same memory */
};

static struct pair *pair_new(void)
{
	struct pair *p = calloc(1, sizeof(*p));

	hvis_ring_init(&p->tx, &p->hdr, p->data, DATA_SIZE, true);
	hvis_ring_init(&p->rx, &p->hdr, p->data, DATA_SIZE, false);
	return p;
}

static int send_bytes(struct pair *p, u32 len, u8 fill, u64 id, bool *sig)
{
	u8 buf[512];
	struct hvis_kvec v = { buf, len };

	memset(buf, fill, sizeof(buf));
	return hvis_ring_write_packet(&p->tx, VM_PKT_DATA_INBAND, 0, id, &v, 1, sig, NULL);
}

/* Reads one packet; returns its payload length or a negative errno. */
static int recv_one(struct pair *p, u8 *payload, u64 *id)
{
	u8 buf[512] = { 0 };
	struct vmpacket_descriptor *d = (void *)buf;
	int len = hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL);

	if (len < 0)
		return len;
	hvis_ring_advance(&p->rx, len);
	*id = d->trans_id;
	memcpy(payload, buf + d->offset8 * 8, len - d->offset8 * 8);
	return len - d->offset8 * 8;
}

static void test_init(void)
{
	struct hv_ring_buffer_header h;
	u8 d[64];
	struct hvis_ring r;

	tap_check(hvis_ring_init(&r, &h, d, 12, true) == -EINVAL, "init refuses a size not a multiple of 8");
	tap_check(hvis_ring_init(&r, &h, d, 8, true) == -EINVAL, "init refuses a ring too small for a packet");
	tap_check(hvis_ring_init(&r, &h, d, 64, true) == 0 &&
		  h.feature_bits == HV_RING_FEAT_PENDING_SEND_SZ && h.write_index == 0,
		  "init zeroes the header and sets the pending_send_sz feature bit");
	h.read_index = 4096;
	tap_check(hvis_ring_init(&r, &h, d, 64, false) == -EIO && r.broken,
		  "attaching to a ring whose read index is out of range breaks it");
}

static void test_roundtrip(void)
{
	struct pair *p = pair_new();
	u8 got[512];
	u64 id = 0;
	bool sig;
	int n;

	tap_check(hvis_ring_bytes_to_read(&p->rx) == 0, "a new ring is empty");
	tap_check(send_bytes(p, 5, 0xab, 77, &sig) == 0, "write a 5-byte packet");
	tap_check(sig, "first packet into an empty ring asks for a signal");
	tap_check(p->hdr.write_index == 16 + 8 + 8, "packet is padded to 8 and followed by an 8-byte trailer");
	tap_check(*(u64 *)(p->data + 24) == 0, "trailer holds the previous write index (0) in its upper half");
	n = recv_one(p, got, &id);
	tap_check(n == 8 && id == 77 && got[0] == 0xab && got[4] == 0xab && got[5] == 0,
		  "read returns the payload (padded to 8 with zeros) and the transaction id");
	tap_check(recv_one(p, got, &id) == -EAGAIN, "read of an empty ring says -EAGAIN");
	tap_check(!hvis_ring_commit_read(&p->rx, NULL) && p->hdr.read_index == 32,
		  "commit publishes the read index");
	free(p);
}

static void test_wrap(void)
{
	struct pair *p = pair_new();
	u8 got[512];
	u64 id;
	bool sig;
	int i, ok = 1;

	/* 40-byte payloads make 64-byte packets; 256/64 does not divide evenly with the gap. */
	for (i = 0; i < 50; i++) {
		if (send_bytes(p, 40 + (i % 3) * 8, (u8)i, i, &sig) != 0) {
			ok = 0;
			break;
		}
		if (recv_one(p, got, &id) != 40 + (i % 3) * 8 || id != (u64)i || got[39] != (u8)i)
			ok = 0;
		hvis_ring_commit_read(&p->rx, NULL);
	}
	tap_check(ok, "50 packets of 64-80 bytes cross the end of a 256-byte ring intact");
	free(p);
}

static void test_full(void)
{
	struct pair *p = pair_new();
	bool sig;
	struct hvis_ring_stats st = { 0 };
	u8 buf[8] = { 0 };
	struct hvis_kvec v = { buf, sizeof(buf) };
	int i, rc = 0;

	/* Each packet is 16 + 8 + 8 = 32 bytes: 8 would fill 256 exactly, so only 7 fit. */
	for (i = 0; i < 8 && rc == 0; i++)
		rc = hvis_ring_write_packet(&p->tx, VM_PKT_DATA_INBAND, 0, i, &v, 1, &sig, &st);
	tap_check(i == 8 && rc == -EAGAIN && st.packets == 7 && st.full_events == 1,
		  "the ring is never filled completely: the 8th 32-byte packet of 256 gets -EAGAIN");
	tap_check(hvis_ring_bytes_to_write(&p->tx) == 32, "one packet's worth stays free");
	tap_check(send_bytes(p, 300, 0, 0, &sig) == -EINVAL, "a packet larger than the ring is -EINVAL");
	free(p);
}

static void test_signal_rules(void)
{
	struct pair *p = pair_new();
	bool sig;
	u8 got[512];
	u64 id;

	send_bytes(p, 8, 1, 1, &sig);
	tap_check(sig, "empty -> non-empty signals");
	send_bytes(p, 8, 2, 2, &sig);
	tap_check(!sig, "a write into a non-empty ring does not signal");
	recv_one(p, got, &id);
	recv_one(p, got, &id);
	hvis_ring_commit_read(&p->rx, NULL);
	hvis_ring_begin_read(&p->rx);
	send_bytes(p, 8, 3, 3, &sig);
	tap_check(!sig, "no signal while the consumer masks interrupts");
	tap_check(hvis_ring_end_read(&p->rx) == 32, "end_read reports what arrived while masked");
	free(p);
}

static void test_pending_send(void)
{
	struct pair *p = pair_new();
	bool sig;
	u8 got[512];
	u64 id;
	int i;

	for (i = 0; i < 7; i++)
		send_bytes(p, 8, 0, i, &sig);
	tap_check(send_bytes(p, 8, 0, 7, &sig) == -EAGAIN, "ring full");
	hvis_ring_set_pending_send(&p->tx, 64);
	recv_one(p, got, &id);
	tap_check(!hvis_ring_commit_read(&p->rx, NULL), "freeing 32 of 64 wanted bytes does not signal");
	recv_one(p, got, &id);
	tap_check(hvis_ring_commit_read(&p->rx, NULL), "crossing pending_send_sz signals the producer");
	recv_one(p, got, &id);
	tap_check(!hvis_ring_commit_read(&p->rx, NULL), "once across, further reads do not signal again");
	p->hdr.feature_bits = 0;
	hvis_ring_set_pending_send(&p->tx, 200);
	for (i = 0; i < 4; i++)
		recv_one(p, got, &id);
	tap_check(!hvis_ring_commit_read(&p->rx, NULL), "without the feature bit pending_send_sz is ignored");
	free(p);
}

static void test_hostile(void)
{
	struct pair *p = pair_new();
	u8 buf[512];
	bool sig;
	u32 need = 0;
	struct vmpacket_descriptor *d;

	p->hdr.write_index = 4000;
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO && p->rx.broken,
		  "a write index past the ring breaks it");
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO, "a broken ring stays broken");
	free(p);

	p = pair_new();
	p->hdr.write_index = 12;
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO, "an unaligned write index breaks the ring");
	free(p);

	p = pair_new();
	send_bytes(p, 8, 0, 0, &sig);
	d = (void *)p->data;
	d->len8 = 200;
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO, "len8 beyond the written data breaks the ring");
	free(p);

	p = pair_new();
	send_bytes(p, 8, 0, 0, &sig);
	d = (void *)p->data;
	d->offset8 = 1;
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO, "offset8 inside the descriptor breaks the ring");
	free(p);

	p = pair_new();
	send_bytes(p, 8, 0, 0, &sig);
	d = (void *)p->data;
	d->offset8 = 4;
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO, "offset8 past len8 breaks the ring");
	free(p);

	p = pair_new();
	send_bytes(p, 8, 0, 0, &sig);
	d = (void *)p->data;
	d->len8 = 1;
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == -EIO, "len8 shorter than a descriptor breaks the ring");
	free(p);

	p = pair_new();
	send_bytes(p, 64, 0, 0x1234, &sig);
	memset(buf, 0, sizeof(buf));
	tap_check(hvis_ring_peek(&p->rx, buf, 40, &need) == -ENOBUFS && need == 80 && !p->rx.broken,
		  "a buffer too small is -ENOBUFS with the size needed, ring intact");
	d = (void *)buf;
	tap_check(d->trans_id == 0x1234 && d->len8 == 10 && buf[16] == 0,
		  "-ENOBUFS still copies the descriptor alone (its trans_id names a request)");
	tap_check(hvis_ring_peek(&p->rx, buf, sizeof(buf), NULL) == 80, "the packet is still there after -ENOBUFS");
	free(p);

	p = pair_new();
	p->hdr.read_index = 13;
	tap_check(send_bytes(p, 8, 0, 0, &sig) == -EIO, "a producer seeing a bad read index breaks the ring");
	free(p);
}

static void test_raw(void)
{
	struct pair *p = pair_new();
	struct {
		struct vmpacket_descriptor d;
		u8 payload[16];
	} pkt = { { VM_PKT_COMP, 2, 4, 0, 99 }, { 1 } };
	struct hvis_kvec v = { &pkt, sizeof(pkt) };
	bool sig;
	u8 got[64];
	u64 id;

	tap_check(hvis_ring_write_raw(&p->tx, &v, 1, &sig, NULL) == 0, "raw write of a well-formed packet");
	tap_check(recv_one(p, got, &id) == 16 && id == 99, "raw packet reads back");
	pkt.d.len8 = 9;
	tap_check(hvis_ring_write_raw(&p->tx, &v, 1, &sig, NULL) == -EINVAL, "raw write with a wrong len8 is refused");
	free(p);
}

int main(void)
{
	test_init();
	test_roundtrip();
	test_wrap();
	test_full();
	test_signal_rules();
	test_pending_send();
	test_hostile();
	test_raw();
	return tap_done();
}
