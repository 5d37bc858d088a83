// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_msg.c: KVP request checking and string conversions (see kvp_msg.h).
 *
 * Host form: struct hv_kvp_msg for GET/SET/DELETE/ENUMERATE and struct hv_kvp_ip_msg
 * for the IP operations, UTF-16LE strings with sizes in bytes including the NUL
 * (include/uapi/linux/hyperv.h; drivers/hv/hv_kvp.c).  Daemon form: struct hv_kvp_msg
 * with UTF-8 strings, key_size/value_size = length + 1, REG_U32/REG_U64 values from
 * the host rendered as decimal REG_SZ (hv_kvp.c kvp_send_key).
 */
#include "kvp_msg.h"
#include "kvp_ip.h"

u32 hvis_kvp_host_len(u8 op)
{
	switch (op) {
	case KVP_OP_GET:
	case KVP_OP_SET:
		return sizeof(struct hv_kvp_hdr) + sizeof(struct hv_kvp_exchg_msg_value);
	case KVP_OP_DELETE:
		return sizeof(struct hv_kvp_hdr) + sizeof(struct hv_kvp_msg_delete);
	case KVP_OP_ENUMERATE:
		return sizeof(struct hv_kvp_hdr) + sizeof(struct hv_kvp_msg_enumerate);
	case KVP_OP_GET_IP_INFO:
	case KVP_OP_SET_IP_INFO:
		return sizeof(struct hv_kvp_ip_msg);
	default:
		return 0;
	}
}

int hvis_kvp_parse_register(const struct hv_kvp_msg *msg, u32 len)
{
	if (!msg || len < sizeof(*msg))
		return -EINVAL;
	switch (msg->kvp_hdr.operation) {
	case KVP_OP_REGISTER:
	case KVP_OP_REGISTER1:
		return msg->kvp_hdr.operation;
	default:
		return -EINVAL;
	}
}

void hvis_kvp_build_register(int reg_op, struct hv_kvp_msg *out)
{
	memset(out, 0, sizeof(*out));
	out->kvp_hdr.operation = (u8)reg_op;
	memcpy(out->body.kvp_register.version, HV_DRV_VERSION, sizeof(HV_DRV_VERSION));
}

bool hvis_kvp_daemon_handles(int reg_op, u8 op)
{
	if (reg_op == KVP_OP_REGISTER1)
		return true;
	return reg_op == KVP_OP_REGISTER && op != KVP_OP_GET_IP_INFO &&
	       op != KVP_OP_SET_IP_INFO;
}

u32 hvis_kvp_daemon_status(int reg_op, const struct hv_kvp_msg *ans)
{
	if (reg_op == KVP_OP_REGISTER)
		return ans->body.kvp_enum_data.data.key[0] ? HV_S_OK : HV_S_CONT;
	return (u32)ans->error;
}

/* A host key (UTF-16, @size bytes with the NUL) into the daemon's key field. */
static u32 key_in(const u8 *key, u32 size, u8 *out, u8 *out_size, const char **why)
{
	u32 sz;
	int n;

	if (size > HV_KVP_EXCHANGE_MAX_KEY_SIZE || size < 2) {
		*why = "key_size out of range";
		return HV_INVALIDARG;
	}
	n = hvis_utf16_to_utf8(key, size / 2, (char *)out, HV_KVP_EXCHANGE_MAX_KEY_SIZE);
	if (n <= 0) {
		*why = n ? "key too long once in UTF-8" : "empty key";
		return HV_INVALIDARG;
	}
	sz = (u32)n + 1;
	memcpy(out_size, &sz, sizeof(sz));
	return HV_S_OK;
}

/* A host string field of @units UTF-16 units into the same field in UTF-8 bytes. */
static u32 ipfield_in(const u8 *in, u32 units, u8 *out, const char **why)
{
	if (hvis_utf16_to_utf8(in, units, (char *)out, 2 * units) < 0) {
		*why = "IP field too long once in UTF-8";
		return HV_INVALIDARG;
	}
	return HV_S_OK;
}

/* HV_INVALIDARG with @reason in @why, or HV_S_OK when @reason is NULL. */
static u32 refused(const char *reason, const char **why)
{
	if (!reason)
		return HV_S_OK;
	*why = reason;
	return HV_INVALIDARG;
}

static u32 ip_from_host(const u8 *data, struct hv_kvp_msg *out, bool all, const char **why)
{
	const struct hv_kvp_ip_msg *in = (const struct hv_kvp_ip_msg *)data;
	const struct hv_kvp_ipaddr_value *iv = &in->kvp_ip_val;
	struct hv_kvp_ipaddr_value *ov = &out->body.kvp_ip_val;
	u32 st;

	ov->addr_family = iv->addr_family;
	st = ipfield_in((const u8 *)iv->adapter_id, MAX_ADAPTER_ID_SIZE, (u8 *)ov->adapter_id, why);
	if (st)
		return st;
	if (!all)
		return refused(hvis_kvp_adapter_check(ov), why);
	ov->dhcp_enabled = iv->dhcp_enabled;
	st = ipfield_in((const u8 *)iv->ip_addr, MAX_IP_ADDR_SIZE, (u8 *)ov->ip_addr, why);
	if (!st)
		st = ipfield_in((const u8 *)iv->sub_net, MAX_IP_ADDR_SIZE, (u8 *)ov->sub_net, why);
	if (!st)
		st = ipfield_in((const u8 *)iv->gate_way, MAX_GATEWAY_SIZE, (u8 *)ov->gate_way,
				why);
	if (!st)
		st = ipfield_in((const u8 *)iv->dns_addr, MAX_IP_ADDR_SIZE, (u8 *)ov->dns_addr,
				why);
	if (st)
		return st;
	/* What the daemon will write into its ifcfg file: addresses only (kvp_ip.c). */
	return refused(hvis_kvp_ip_check(ov), why);
}

/* @v in decimal, NUL-terminated, into @out (21 bytes suffice); returns the length. */
static int decimal(u64 v, char *out)
{
	char tmp[21];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

static u32 set_from_host(const struct hv_kvp_exchg_msg_value *in,
			 struct hv_kvp_exchg_msg_value *o, const char **why)
{
	u32 st;
	int n;

	st = key_in(in->key, in->key_size, o->key, (u8 *)&o->key_size, why);
	if (st)
		return st;
	o->value_type = REG_SZ;
	switch (in->value_type) {
	case REG_SZ:
		if (in->value_size > HV_KVP_EXCHANGE_MAX_VALUE_SIZE) {
			*why = "value_size out of range";
			return HV_INVALIDARG;
		}
		n = hvis_utf16_to_utf8(in->value, in->value_size / 2, (char *)o->value,
				       HV_KVP_EXCHANGE_MAX_VALUE_SIZE);
		if (n < 0) {
			*why = "value too long once in UTF-8";
			return HV_INVALIDARG;
		}
		break;
	case REG_U32:
		n = decimal(in->value_u32, (char *)o->value);
		break;
	case REG_U64:
		n = decimal(in->value_u64, (char *)o->value);
		break;
	default:
		*why = "unknown value_type";
		return HV_INVALIDARG;
	}
	o->value_size = (u32)n + 1;
	return HV_S_OK;
}

u32 hvis_kvp_from_host(const u8 *data, u32 len, struct hv_kvp_msg *out, const char **why)
{
	const struct hv_kvp_msg *in = (const struct hv_kvp_msg *)data;
	u8 op, pool;
	u32 need;

	*why = "ok";
	if (len < 2) {
		*why = "message shorter than its header";
		return HV_INVALIDARG;
	}
	op = data[0];
	pool = data[1];
	need = hvis_kvp_host_len(op);
	if (!need) {
		*why = "unknown operation";
		return HV_ERROR_NOT_SUPPORTED;
	}
	if (len < need) {
		*why = "message too short for its operation";
		return HV_INVALIDARG;
	}
	if (pool >= KVP_POOL_COUNT) {
		*why = "unknown pool";
		return HV_INVALIDARG;
	}
	memset(out, 0, sizeof(*out));
	out->kvp_hdr.operation = op;
	out->kvp_hdr.pool = pool;
	switch (op) {
	case KVP_OP_GET_IP_INFO:
		return ip_from_host(data, out, false, why);
	case KVP_OP_SET_IP_INFO:
		return ip_from_host(data, out, true, why);
	case KVP_OP_SET:
		return set_from_host(&in->body.kvp_set.data, &out->body.kvp_set.data, why);
	case KVP_OP_GET:
		/*
		 * value_size is the room for the answer: hv_kvp_daemon copies that many
		 * bytes of the record (kvp_get_value).  Upstream's kernel leaves it 0, so
		 * the daemon answers an empty value; hvis gives it the whole field.
		 */
		out->body.kvp_get.data.value_size = HV_KVP_EXCHANGE_MAX_VALUE_SIZE;
		return key_in(in->body.kvp_get.data.key, in->body.kvp_get.data.key_size,
			      out->body.kvp_get.data.key, (u8 *)&out->body.kvp_get.data.key_size,
			      why);
	case KVP_OP_DELETE:
		return key_in(in->body.kvp_delete.key, in->body.kvp_delete.key_size,
			      out->body.kvp_delete.key, (u8 *)&out->body.kvp_delete.key_size,
			      why);
	default:	/* KVP_OP_ENUMERATE */
		out->body.kvp_enum_data.index = in->body.kvp_enum_data.index;
		return HV_S_OK;
	}
}

/* A daemon string (UTF-8 in @units u16s of space) into a host field of @units units. */
static int ipfield_out(const u8 *in, u32 units, u8 *out)
{
	int n = hvis_utf8_to_utf16((const char *)in, 2 * units, out, units);

	return n < 0 ? n : 0;
}

/* The daemon's UTF-8 value as the host's REG_SZ UTF-16, sizes counting the NUL. */
static u32 value_to_host(const struct hv_kvp_exchg_msg_value *dv,
			 struct hv_kvp_exchg_msg_value *hv)
{
	int n = hvis_utf8_to_utf16((const char *)dv->value, sizeof(dv->value), hv->value,
				   HV_KVP_EXCHANGE_MAX_VALUE_SIZE / 2);

	if (n < 0)
		return HV_E_FAIL;
	hv->value_size = 2 * ((u32)n + 1);
	hv->value_type = REG_SZ;
	return HV_S_OK;
}

u32 hvis_kvp_to_host(u8 op, const struct hv_kvp_msg *d, u8 *data, u32 len)
{
	struct hv_kvp_msg *h = (struct hv_kvp_msg *)data;
	struct hv_kvp_exchg_msg_value *hv;
	const struct hv_kvp_exchg_msg_value *dv;
	int n;

	if (len < hvis_kvp_host_len(op))
		return HV_E_FAIL;
	switch (op) {
	case KVP_OP_GET_IP_INFO: {
		struct hv_kvp_ipaddr_value *o = &((struct hv_kvp_ip_msg *)data)->kvp_ip_val;
		const struct hv_kvp_ipaddr_value *s = &d->body.kvp_ip_val;

		if (ipfield_out((const u8 *)s->adapter_id, MAX_ADAPTER_ID_SIZE,
				(u8 *)o->adapter_id) ||
		    ipfield_out((const u8 *)s->ip_addr, MAX_IP_ADDR_SIZE, (u8 *)o->ip_addr) ||
		    ipfield_out((const u8 *)s->sub_net, MAX_IP_ADDR_SIZE, (u8 *)o->sub_net) ||
		    ipfield_out((const u8 *)s->gate_way, MAX_GATEWAY_SIZE, (u8 *)o->gate_way) ||
		    ipfield_out((const u8 *)s->dns_addr, MAX_IP_ADDR_SIZE, (u8 *)o->dns_addr))
			return HV_E_FAIL;
		o->addr_family = s->addr_family;
		o->dhcp_enabled = s->dhcp_enabled;
		return HV_S_OK;
	}
	case KVP_OP_GET:
		return value_to_host(&d->body.kvp_get.data, &h->body.kvp_get.data);
	case KVP_OP_ENUMERATE:
		hv = &h->body.kvp_enum_data.data;
		dv = &d->body.kvp_enum_data.data;
		n = hvis_utf8_to_utf16((const char *)dv->key, sizeof(dv->key), hv->key,
				       HV_KVP_EXCHANGE_MAX_KEY_SIZE / 2);
		if (n < 0)
			return HV_E_FAIL;
		hv->key_size = 2 * ((u32)n + 1);
		return value_to_host(dv, hv);
	default:	/* SET, DELETE, SET_IP_INFO: the status says it all */
		return HV_S_OK;
	}
}
