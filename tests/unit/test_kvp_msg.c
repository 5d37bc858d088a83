// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_kvp_msg.c: unit tests of lib/kvp_msg.c: UTF-16/UTF-8 conversions, host
 * request checks (sizes, pools, operations, value types), answers to the host and
 * the daemon's registration.
 */
#include "tap.h"
#include "kvp_msg.h"

/* A refusal with @want whose explanation (why, read after the call) names @reason. */
#define refused(call, want, reason, what) \
	do { \
		u32 st_ = (call); \
		tap_check(st_ == (want) && why && strstr(why, reason), "%s (%s)", what, why); \
	} while (0)

static struct hv_kvp_msg host, daemon_msg;

static u32 set_req(u8 pool, const char *key, const char *value)
{
	struct hv_kvp_exchg_msg_value *d = &host.body.kvp_set.data;

	memset(&host, 0, sizeof(host));
	host.kvp_hdr.operation = KVP_OP_SET;
	host.kvp_hdr.pool = pool;
	d->value_type = REG_SZ;
	d->key_size = 2 * (hvis_utf8_to_utf16(key, 600, d->key, 256) + 1);
	d->value_size = 2 * (hvis_utf8_to_utf16(value, 3000, d->value, 1024) + 1);
	return sizeof(host);
}

/*
 * Daemon registration as drivers/hv/hv_kvp.c kvp_handle_handshake: REGISTER1, and the
 * legacy REGISTER (no IP injection, empty key = HV_S_CONT); anything else is refused.
 */
static void test_registration(void)
{
	static struct hv_kvp_msg reg, ans;

	memset(&reg, 0, sizeof(reg));
	reg.kvp_hdr.operation = KVP_OP_REGISTER1;
	tap_check(hvis_kvp_parse_register(&reg, sizeof(reg)) == KVP_OP_REGISTER1,
		  "register: REGISTER1 (op 100) accepted");
	reg.kvp_hdr.operation = KVP_OP_REGISTER;
	tap_check(hvis_kvp_parse_register(&reg, sizeof(reg)) == KVP_OP_REGISTER,
		  "register: the legacy REGISTER (op 4) accepted, as upstream");
	reg.kvp_hdr.operation = 101;
	tap_check(hvis_kvp_parse_register(&reg, sizeof(reg)) == -EINVAL,
		  "register: op 101 refused");
	reg.kvp_hdr.operation = KVP_OP_SET;
	tap_check(hvis_kvp_parse_register(&reg, sizeof(reg)) == -EINVAL,
		  "register: a SET as first message refused");
	reg.kvp_hdr.operation = KVP_OP_REGISTER1;
	tap_check(hvis_kvp_parse_register(&reg, sizeof(reg) - 1) == -EINVAL,
		  "register: a short message refused");

	hvis_kvp_build_register(KVP_OP_REGISTER, &ans);
	tap_check(ans.kvp_hdr.operation == KVP_OP_REGISTER &&
		  !strcmp((char *)ans.body.kvp_register.version, "3.1"),
		  "register: the answer repeats the daemon's op with driver version 3.1");
	hvis_kvp_build_register(KVP_OP_REGISTER1, &ans);
	tap_check(ans.kvp_hdr.operation == KVP_OP_REGISTER1, "register: REGISTER1 answered as such");

	tap_check(hvis_kvp_daemon_handles(KVP_OP_REGISTER1, KVP_OP_SET_IP_INFO) &&
		  hvis_kvp_daemon_handles(KVP_OP_REGISTER1, KVP_OP_GET_IP_INFO),
		  "register: a REGISTER1 daemon gets IP requests");
	tap_check(hvis_kvp_daemon_handles(KVP_OP_REGISTER, KVP_OP_ENUMERATE) &&
		  hvis_kvp_daemon_handles(KVP_OP_REGISTER, KVP_OP_SET) &&
		  !hvis_kvp_daemon_handles(KVP_OP_REGISTER, KVP_OP_GET_IP_INFO) &&
		  !hvis_kvp_daemon_handles(KVP_OP_REGISTER, KVP_OP_SET_IP_INFO),
		  "register: a legacy daemon gets pool requests, no IP requests");

	memset(&ans, 0, sizeof(ans));
	ans.error = (s32)HV_S_CONT;
	strcpy((char *)ans.body.kvp_enum_data.data.key, "Key");
	tap_check(hvis_kvp_daemon_status(KVP_OP_REGISTER1, &ans) == HV_S_CONT,
		  "status: REGISTER1 takes the answer's error word");
	ans.error = 0;
	tap_check(hvis_kvp_daemon_status(KVP_OP_REGISTER, &ans) == HV_S_OK,
		  "status: legacy answer with a key is a success");
	ans.body.kvp_enum_data.data.key[0] = 0;
	tap_check(hvis_kvp_daemon_status(KVP_OP_REGISTER, &ans) == HV_S_CONT,
		  "status: legacy answer with an empty key is HV_S_CONT");
}

int main(void)
{
	struct hv_kvp_exchg_msg_value *hd = &host.body.kvp_set.data;
	struct hv_kvp_exchg_msg_value *dd = &daemon_msg.body.kvp_set.data;
	const char *why = "";
	u8 u16[64];
	char u8s[64];
	u32 len;

	tap_check(hvis_utf8_to_utf16("h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 20, u16, 32) == 5,
		  "UTF-8 to UTF-16: a surrogate pair for U+1F600");
	tap_check(hvis_utf16_to_utf8(u16, 32, u8s, sizeof(u8s)) == 10 &&
		  !strcmp(u8s, "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "and back");
	tap_check(hvis_utf8_to_utf16("abc", 4, u16, 3) == -ENOSPC, "no room for the NUL");
	u16[0] = 0x00;
	u16[1] = 0xd8;	/* lone high surrogate */
	u16[2] = 0;
	u16[3] = 0;
	tap_check(hvis_utf16_to_utf8(u16, 2, u8s, sizeof(u8s)) == 3 &&
		  !strcmp(u8s, "\xef\xbf\xbd"), "a lone surrogate becomes U+FFFD");
	tap_check(hvis_utf16_to_utf8_strict(u16, 2, u8s, sizeof(u8s)) == -EINVAL,
		  "strict: a lone surrogate is refused");
	hvis_utf8_to_utf16("ab", 3, u16, 32);
	tap_check(hvis_utf16_to_utf8_strict(u16, 3, u8s, sizeof(u8s)) == 2 && !strcmp(u8s, "ab"),
		  "strict: a terminated name converts");
	tap_check(hvis_utf16_to_utf8_strict(u16, 2, u8s, sizeof(u8s)) == -EINVAL,
		  "strict: no NUL within the field is refused");
	tap_check(hvis_utf16_to_utf8_strict(u16, 3, u8s, 2) == -ENOSPC,
		  "strict: no room for the NUL");

	len = set_req(0, "Key", "Value");
	tap_check(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why) == HV_S_OK,
		  "SET accepted");
	tap_check(!strcmp((char *)dd->key, "Key") && dd->key_size == 4 &&
		  !strcmp((char *)dd->value, "Value") && dd->value_size == 6,
		  "SET converted to UTF-8 with sizes including the NUL");

	hd->value_type = REG_U64;
	hd->value_u64 = 18446744073709551615ULL;
	tap_check(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why) == HV_S_OK &&
		  !strcmp((char *)dd->value, "18446744073709551615") && dd->value_type == REG_SZ,
		  "REG_U64 rendered as a decimal REG_SZ");
	hd->value_type = 3;
	refused(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why), HV_INVALIDARG, "unknown value_type",
		"unknown value type refused");

	set_req(0, "Key", "Value");
	hd->key_size = HV_KVP_EXCHANGE_MAX_KEY_SIZE + 2;
	refused(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why), HV_INVALIDARG, "key_size out of range",
		"oversized key_size refused");
	set_req(0, "Key", "Value");
	hd->value_size = HV_KVP_EXCHANGE_MAX_VALUE_SIZE + 2;
	refused(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why), HV_INVALIDARG, "value_size out of range",
		"oversized value_size refused");
	set_req(5, "Key", "Value");
	refused(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why), HV_INVALIDARG, "unknown pool",
		"pool 5 refused");
	set_req(0, "Key", "Value");
	host.kvp_hdr.operation = 9;
	refused(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why), HV_ERROR_NOT_SUPPORTED, "unknown operation",
		"unknown operation refused");
	host.kvp_hdr.operation = KVP_OP_SET;
	refused(hvis_kvp_from_host((u8 *)&host, 100, &daemon_msg, &why), HV_INVALIDARG, "message too short for its operation",
		"short SET refused");
	tap_check(hvis_kvp_from_host((u8 *)&host, sizeof(struct hv_kvp_ip_msg) - 1 + 0, &daemon_msg,
				     &why) == HV_S_OK, "a SET needs only its own fields");

	/* GET answer: the daemon's UTF-8 value goes back as UTF-16 with its size. */
	set_req(1, "Key", "");
	host.kvp_hdr.operation = KVP_OP_GET;
	tap_check(hvis_kvp_from_host((u8 *)&host, len, &daemon_msg, &why) == HV_S_OK &&
		  dd->value_size == HV_KVP_EXCHANGE_MAX_VALUE_SIZE, "GET offers the whole value field");
	strcpy((char *)dd->value, "answer");
	tap_check(hvis_kvp_to_host(KVP_OP_GET, &daemon_msg, (u8 *)&host, len) == HV_S_OK &&
		  hd->value_size == 14 && hd->value[0] == 'a' && hd->value[1] == 0,
		  "GET answer in UTF-16, value_size 2 * (6 + 1)");
	tap_check(hvis_kvp_to_host(KVP_OP_GET, &daemon_msg, (u8 *)&host, 50) == HV_E_FAIL,
		  "an answer never writes past a short packet");
	test_registration();

	/* SET_IP_INFO: the host's strings are checked before a daemon sees them. */
	{
		static struct hv_kvp_ip_msg ipm;
		struct hv_kvp_ipaddr_value *iv = &ipm.kvp_ip_val;
		struct hv_kvp_ipaddr_value *ov = &daemon_msg.body.kvp_ip_val;

		ipm.operation = KVP_OP_SET_IP_INFO;
		hvis_utf8_to_utf16("{00000004-6876-6973-8004-000000000004}", 100,
				   (u8 *)iv->adapter_id, MAX_ADAPTER_ID_SIZE);
		hvis_utf8_to_utf16("192.0.2.77; 192.0.2.78", 100, (u8 *)iv->ip_addr, MAX_IP_ADDR_SIZE);
		hvis_utf8_to_utf16("24", 100, (u8 *)iv->sub_net, MAX_IP_ADDR_SIZE);
		hvis_utf8_to_utf16("192.0.2.1", 100, (u8 *)iv->gate_way, MAX_GATEWAY_SIZE);
		tap_check(hvis_kvp_from_host((u8 *)&ipm, sizeof(ipm), &daemon_msg, &why) == HV_S_OK &&
			  !strcmp((char *)ov->ip_addr, "192.0.2.77;192.0.2.78") &&
			  !strcmp((char *)ov->gate_way, "192.0.2.1"),
			  "SET_IP_INFO: good lists reach the daemon in UTF-8 ('%s')", (char *)ov->ip_addr);
		hvis_utf8_to_utf16("192.0.2.77\nDEVICE=lo", 100, (u8 *)iv->ip_addr, MAX_IP_ADDR_SIZE);
		refused(hvis_kvp_from_host((u8 *)&ipm, sizeof(ipm), &daemon_msg, &why), HV_INVALIDARG,
			"ip_addr holds a control character", "SET_IP_INFO with a newline in ip_addr refused");
		hvis_utf8_to_utf16("192.0.2.77", 100, (u8 *)iv->ip_addr, MAX_IP_ADDR_SIZE);
		hvis_utf8_to_utf16("gw.example", 100, (u8 *)iv->gate_way, MAX_GATEWAY_SIZE);
		refused(hvis_kvp_from_host((u8 *)&ipm, sizeof(ipm), &daemon_msg, &why), HV_INVALIDARG,
			"gate_way: an element is not", "SET_IP_INFO with a host name as gateway refused");
		ipm.operation = KVP_OP_GET_IP_INFO;
		hvis_utf8_to_utf16("00:15:5d:12:34:56\n", 100, (u8 *)iv->adapter_id,
				   MAX_ADAPTER_ID_SIZE);
		refused(hvis_kvp_from_host((u8 *)&ipm, sizeof(ipm), &daemon_msg, &why), HV_INVALIDARG,
			"adapter_id holds", "GET_IP_INFO with a newline in the MAC refused");
	}
	return tap_done();
}
