// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_kvp_msg.c: libFuzzer target for KVP host requests (lib/kvp_msg.c).  Any host
 * bytes are checked and converted; an accepted request's daemon message has
 * NUL-terminated key and value, and a daemon answer is written back within the packet.
 */
#include <stdlib.h>
#include "kvp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static struct hv_kvp_msg out;
	const char *why;
	u8 *pkt;

	pkt = malloc(size ? size : 1);
	memcpy(pkt, in, size);
	if (hvis_kvp_from_host(pkt, (u32)size, &out, &why) == HV_S_OK) {
		u8 op = out.kvp_hdr.operation;

		if (op == KVP_OP_SET &&
		    (memchr(out.body.kvp_set.data.key, 0, HV_KVP_EXCHANGE_MAX_KEY_SIZE) == NULL ||
		     memchr(out.body.kvp_set.data.value, 0, HV_KVP_EXCHANGE_MAX_VALUE_SIZE) == NULL))
			abort();
		/* The daemon echoes what it got: the answer must fit or fail cleanly. */
		hvis_kvp_to_host(op, &out, pkt, (u32)size);
	}
	free(pkt);
	return 0;
}
