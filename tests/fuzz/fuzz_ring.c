// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_ring.c: libFuzzer target for the ring consumer and producer (lib/ring.c).  The
 * input is a hostile peer's ring: the first bytes become the header's indices and
 * the rest the data area.  Every packet the ring gives out must lie inside it and
 * carry a descriptor consistent with its length.
 */
#include <stdlib.h>
#include "ring.h"
#include "fuzz_types.h"

FUZZ_TYPES("packet read", "packet read across the end", "packet written")

#define DATA 512u

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static struct hv_ring_buffer_header hdr;
	static u8 data[DATA];
	u8 pkt[DATA];
	struct hvis_ring r;
	struct vmpacket_descriptor *d = (void *)pkt;
	bool sig;
	int len, i;

	if (size < 16)
		return 0;
	memset(&hdr, 0, sizeof(hdr));
	memcpy(&hdr.write_index, in, 4);
	memcpy(&hdr.read_index, in + 4, 4);
	memcpy(&hdr.pending_send_sz, in + 8, 4);
	hdr.feature_bits = in[12] & 1;
	hdr.interrupt_mask = in[13] & 1;
	memset(data, 0, DATA);
	memcpy(data, in + 16, size - 16 > DATA ? DATA : size - 16);

	if (hvis_ring_init(&r, &hdr, data, DATA, false))
		return 0;
	for (i = 0; i < 64; i++) {
		len = hvis_ring_peek(&r, pkt, in[14] & 1 ? 64 : sizeof(pkt), NULL);
		if (len < 0)
			break;
		if (len < 16 || len > (int)DATA || d->len8 * 8 != len || d->offset8 * 8 > len ||
		    d->offset8 < 2)
			abort();
		fuzz_hit(0);
		if (r.priv_read_index + (u32)len > DATA)
			fuzz_hit(1);
		hvis_ring_advance(&r, len);
		hvis_ring_commit_read(&r, NULL);
	}
	/* The same memory seen by a producer: a write must never run outside it. */
	if (hvis_ring_init(&r, &hdr, data, DATA, false) == 0) {
		struct hvis_kvec v = { in, (u32)(size > 200 ? 200 : size) };

		if (!hvis_ring_write_packet(&r, VM_PKT_DATA_INBAND, 0, 1, &v, 1, &sig, NULL))
			fuzz_hit(2);
	}
	return 0;
}
