// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_ic_msg.c: libFuzzer target for IC parsing and negotiation (lib/ic_msg.c).
 * The host's negotiate request is arbitrary; the answer must be written inside the
 * packet and, when it succeeds, list exactly one version pair that we offered.
 */
#include <stdlib.h>
#include "ic_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("NEGOTIATE agreed", "NEGOTIATE no common version", "other message")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static const struct ic_version fw[] = { { 3, 0 }, { 1, 0 } };
	static const struct ic_version srv[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };
	struct ic_version gfw, gsrv;
	struct hvis_ic_view v;
	u8 *pkt;

	/* An exact-size heap copy, so ASan sees any write past the packet. */
	pkt = malloc(size ? size : 1);
	memcpy(pkt, in, size);
	if (hvis_ic_parse(pkt, (u32)size, &v) == 0) {
		int rc;

		if (v.hdr->icmsgtype != ICMSGTYPE_NEGOTIATE)
			fuzz_hit(2);
		rc = hvis_ic_negotiate(&v, fw, 2, srv, 4, &gfw, &gsrv);
		if (rc == -EPROTONOSUPPORT)
			fuzz_hit(1);
		if (rc == 0) {
			struct icmsg_negotiate *n = (void *)v.data;

			fuzz_hit(0);
			if (n->icframe_vercnt != 1 || n->icmsg_vercnt != 1 ||
			    (gfw.major != 3 && gfw.major != 1))
				abort();
		}
	}
	free(pkt);
	return 0;
}
