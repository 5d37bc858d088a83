// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_hvsock_msg.c: libFuzzer target for Hyper-V socket input (lib/hvsock_msg.c).
 * The first byte picks the mode: 0 one packet (bit 2: the host's FIN came before),
 * 1 an offer (the rest is a struct vmbus_channel_offer, zero-padded), 2 a stream of
 * packets each preceded by a 16-bit length, parsed in order as the guest does.
 * Invariants: accepted data fits the packet and HVS_MTU_SIZE, a FIN carries nothing,
 * nothing is accepted after a FIN, an accepted offer's ports give back its service ids.
 */
#include <stdlib.h>
#include "hvsock_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("DATA", "FIN", "OFFER_FROM_HOST", "OFFER_FROM_GUEST", "STREAM_FIN")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static int one(const u8 *p, u32 len, bool fin_seen)
{
	const char *field = NULL;
	u32 n = 0xdeadbeef;
	u8 *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, p, len);
	ret = hvis_hvsock_pkt_parse(copy, len, fin_seen, &n, &field);
	if (ret < 0) {
		if (ret != -EINVAL || !field)
			abort();
	} else if (fin_seen) {
		abort();
	} else if (ret == HVIS_HVSOCK_PKT_DATA) {
		if (!n || n > HVS_MTU_SIZE || n > len - sizeof(struct hvs_pipe_hdr))
			abort();
	} else if (ret != HVIS_HVSOCK_PKT_FIN || n) {
		abort();
	}
	free(copy);
	return ret;
}

static void offer(const u8 *p, size_t len)
{
	struct vmbus_channel_offer o = {};
	struct hvis_hvsock_offer v;
	struct hvis_guid local, remote;
	const char *field = NULL;

	memcpy(&o, p, len < sizeof(o) ? len : sizeof(o));
	if (hvis_hvsock_offer_parse(&o, &v, &field)) {
		if (!field)
			abort();
		return;
	}
	hvis_hvsock_srv_id(v.local_port, &local);
	hvis_hvsock_srv_id(v.remote_port, &remote);
	if (memcmp(v.from_host ? &o.if_type : &o.if_instance, &local, 16) ||
	    memcmp(v.from_host ? &o.if_instance : &o.if_type, &remote, 16))
		abort();
	fuzz_hit(v.from_host ? 2 : 3);
}

static void stream(const u8 *p, size_t len)
{
	bool fin = false;
	u32 n;
	int ret;

	while (len >= 2) {
		n = p[0] | (u32)p[1] << 8;
		p += 2;
		len -= 2;
		if (n > len)
			n = (u32)len;
		ret = one(p, n, fin);
		if (ret < 0)
			return;
		fin = ret == HVIS_HVSOCK_PKT_FIN;
		p += n;
		len -= n;
	}
	if (fin)
		fuzz_hit(4);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	int ret;

	if (!size)
		return 0;
	switch (in[0] & 3) {
	case 0:
		ret = one(in + 1, (u32)(size - 1), in[0] & 4);
		if (ret >= 0)
			fuzz_hit(ret == HVIS_HVSOCK_PKT_DATA ? 0 : 1);
		break;
	case 1:
		offer(in + 1, size - 1);
		break;
	default:
		stream(in + 1, size - 1);
		break;
	}
	return 0;
}
