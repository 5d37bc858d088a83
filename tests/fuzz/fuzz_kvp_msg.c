// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_kvp_msg.c: libFuzzer target for KVP host requests (lib/kvp_msg.c).  Any host
 * bytes are checked and converted; an accepted request's daemon message has
 * NUL-terminated key and value, a SET_IP_INFO's lists hold nothing but address
 * characters (no newline can reach the daemon's ifcfg file), and a daemon answer is
 * written back within the packet.  Counts the operations that pass (fuzz_types.h).
 */
#include <stdlib.h>
#include "kvp_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("GET", "SET", "DELETE", "ENUMERATE", "GET_IP_INFO", "SET_IP_INFO")

/* A checked list field: only hex digits, '.', ':' and ';' before its NUL. */
static void address_chars_only(const u16 *field, size_t bytes)
{
	const char *s = (const char *)field;
	size_t i;

	for (i = 0; i < bytes && s[i]; i++)
		if (!strchr("0123456789abcdefABCDEF.:;", s[i]))
			abort();
}

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
		struct hv_kvp_ipaddr_value *v = &out.body.kvp_ip_val;

		fuzz_hit(op);
		if (op == KVP_OP_SET_IP_INFO) {
			address_chars_only(v->ip_addr, sizeof(v->ip_addr));
			address_chars_only(v->sub_net, sizeof(v->sub_net));
			address_chars_only(v->gate_way, sizeof(v->gate_way));
			address_chars_only(v->dns_addr, sizeof(v->dns_addr));
		}

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
