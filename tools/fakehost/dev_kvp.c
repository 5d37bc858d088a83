// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_kvp.c: the KVP (data exchange) IC (HV_KVP_GUID).  `ctl kvp` sends one request
 * at a time: struct hv_kvp_msg for pool operations, struct hv_kvp_ip_msg for the IP
 * ones, UTF-16LE strings with sizes in bytes including the NUL
 * (include/uapi/linux/hyperv.h; the guest side is drivers/hv/hv_kvp.c).  `kvp enum`
 * walks indices until the guest answers with a non-zero status (HV_S_CONT at the
 * end).  Each answer becomes a KVP_RESULT event (KVP_ITEM per enumerated item).
 * The strings of `ipinfo` and `setip` may carry C escapes (\n, \xHH, ...), so a test
 * can send control characters as a hostile host would.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include "dev_ic.h"
#include "dev_kvp.h"
#include "kvp_msg.h"

static const struct ic_version kvp_versions[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

#define KVP_MAX_ITEMS	64

struct kvp_item {
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
};

struct kvp_state {
	struct ic_request out;		/* the request with the guest */
	u8 op, pool;
	char what[16];			/* "get", "enum", ... for events */
	u32 index;			/* enum: the index asked for */
	struct hv_kvp_msg req;		/* the request (also the IP form, same bytes) */
	u32 req_len;
	u32 nitems;
	struct kvp_item items[KVP_MAX_ITEMS];
	u64 sent, answers;
};

/* UTF-16LE bytes (at most @n bytes) to UTF-8 for events; "?" if it does not convert. */
static void to_utf8(const u8 *in, u32 n, char *out, u32 cap)
{
	if (hvis_utf16_to_utf8(in, n / 2, out, cap) < 0)
		snprintf(out, cap, "?");
}

static int kvp_send_req(struct host_channel *ch, struct kvp_state *k)
{
	int ret = ic_request_send(ch, &k->out, IC_REQUEST_TIMEOUT_MS, ICMSGTYPE_KVPEXCHANGE,
				  &k->req, k->req_len);

	if (ret)
		return ret;
	k->sent++;
	return 0;
}

static void kvp_response(struct host_channel *ch, const struct icmsg_hdr *hdr, const u8 *data,
			 u32 len)
{
	struct kvp_state *k = ch->dev->priv;
	const struct hv_kvp_msg *m = (const void *)data;
	static char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE * 2], value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE * 2];

	k->answers++;
	if (!ic_request_answered(ch, &k->out))
		return;
	if (len < k->req_len) {
		host_guest_error(ch->host, "icmsgsize", "relid=%u class=kvp len=%u", ch->relid,
				 len);
		host_event(ch->host, "KVP_RESULT", "op=%s pool=%u status=short", k->what, k->pool);
		return;
	}
	if (k->op == KVP_OP_ENUMERATE && hdr->status == HV_S_OK) {
		const struct hv_kvp_exchg_msg_value *d = &m->body.kvp_enum_data.data;

		to_utf8(d->key, min(d->key_size, (u32)sizeof(d->key)), key, sizeof(key));
		to_utf8(d->value, min(d->value_size, (u32)sizeof(d->value)), value, sizeof(value));
		host_event(ch->host, "KVP_ITEM", "pool=%u index=%u key=%s value=%s", k->pool,
			   k->index, key, value);
		if (k->nitems < KVP_MAX_ITEMS) {
			snprintf(k->items[k->nitems].key, sizeof(k->items[0].key), "%.*s",
				 (int)sizeof(k->items[0].key) - 1, key);
			snprintf(k->items[k->nitems].value, sizeof(k->items[0].value), "%.*s",
				 (int)sizeof(k->items[0].value) - 1, value);
			k->nitems++;
		}
		k->index++;
		k->req.body.kvp_enum_data.index = k->index;
		if (k->index < 1000 && !kvp_send_req(ch, k))
			return;
	}
	switch (hdr->status == HV_S_OK ? k->op : KVP_OP_COUNT) {
	case KVP_OP_GET: {
		const struct hv_kvp_exchg_msg_value *d = &m->body.kvp_get.data;

		to_utf8(d->value, min(d->value_size, (u32)sizeof(d->value)), value, sizeof(value));
		host_event(ch->host, "KVP_RESULT", "op=get pool=%u status=0 value=%s", k->pool,
			   value);
		break;
	}
	case KVP_OP_GET_IP_INFO: {
		const struct hv_kvp_ipaddr_value *v = &((const struct hv_kvp_ip_msg *)data)->kvp_ip_val;
		static char ip[1024], mask[1024], gw[1024], dns[1024], id[256];

		to_utf8((const u8 *)v->adapter_id, sizeof(v->adapter_id), id, sizeof(id));
		to_utf8((const u8 *)v->ip_addr, sizeof(v->ip_addr), ip, sizeof(ip));
		to_utf8((const u8 *)v->sub_net, sizeof(v->sub_net), mask, sizeof(mask));
		to_utf8((const u8 *)v->gate_way, sizeof(v->gate_way), gw, sizeof(gw));
		to_utf8((const u8 *)v->dns_addr, sizeof(v->dns_addr), dns, sizeof(dns));
		host_event(ch->host, "KVP_RESULT",
			   "op=ipinfo status=0 family=%u dhcp=%u ip=%s subnet=%s gateway=%s dns=%s",
			   v->addr_family, v->dhcp_enabled, ip, mask, gw, dns);
		break;
	}
	default:
		host_event(ch->host, "KVP_RESULT", "op=%s pool=%u status=%#x%s%u", k->what,
			   k->pool, hdr->status, k->op == KVP_OP_ENUMERATE ? " count=" : " n=",
			   k->op == KVP_OP_ENUMERATE ? k->nitems : 1);
	}
}

/* A request the guest never answered: the ctl call waiting for it gets a timeout. */
static void kvp_tick(struct host_channel *ch, u64 now_ms)
{
	struct kvp_state *k = ch->dev->priv;

	if (ic_request_expired(ch, &k->out, now_ms))
		host_event(ch->host, "KVP_RESULT", "op=%s pool=%u status=timeout", k->what,
			   k->pool);
}

static const struct ic_service kvp_service = {
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = kvp_versions,
	.nversions = ARRAY_SIZE(kvp_versions),
	.response = kvp_response,
	.tick = kvp_tick,
};

static bool parse_pool(const char *s, u8 *pool)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end || v > 255)
		return false;
	*pool = (u8)v;
	return true;
}

/* UTF-8 into a UTF-16 field of @cap bytes; returns its size with the NUL, or -1. */
static int utf16_field(const char *s, u8 *field, u32 cap)
{
	int n = hvis_utf8_to_utf16(s, (u32)strlen(s) + 1, field, cap / 2);

	return n < 0 ? -1 : 2 * (n + 1);
}

/*
 * C-style escapes in place, so a test can send what a hostile host would: \n \r \t
 * \\ \s (a space: ctl splits arguments at spaces) and \xHH (HH not 00).  False on a
 * bad escape.
 */
static bool unescape(char *s)
{
	char *w = s;
	unsigned int v;

	for (; *s; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 's': *w++ = ' '; break;
		case '\\': *w++ = '\\'; break;
		case 'x':
			if (sscanf(s + 1, "%2x", &v) != 1 || !v || !isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]))
				return false;
			*w++ = (char)v;
			s += 2;
			break;
		default:
			return false;
		}
	}
	*w = '\0';
	return true;
}

static int build_ip(struct kvp_state *k, int argc, char **argv, const char **err)
{
	struct hv_kvp_ip_msg *ip = (struct hv_kvp_ip_msg *)&k->req;
	struct hv_kvp_ipaddr_value *v = &ip->kvp_ip_val;
	int i;

	ip->operation = k->op;
	ip->pool = 0;
	k->req_len = sizeof(*ip);
	for (i = 1; i < argc && i < 6; i++)
		if (!unescape(argv[i]))
			return *err = "bad escape (have \\n \\r \\t \\s \\\\ \\xHH)", -EINVAL;
	if (utf16_field(argv[1], (u8 *)v->adapter_id, sizeof(v->adapter_id)) < 0)
		return *err = "adapter id too long", -EINVAL;
	v->addr_family = ADDR_FAMILY_IPV4;
	if (k->op == KVP_OP_GET_IP_INFO)
		return 0;
	if (argc < 6)
		return *err = "usage: kvp setip GUID IP MASK GATEWAY DNS", -EINVAL;
	/* The lists may mix families ("192.0.2.5;2001:db8::5"): say which ones it holds. */
	if (strchr(argv[2], ':'))
		v->addr_family = strchr(argv[2], '.') ? ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6
						       : ADDR_FAMILY_IPV6;
	if (utf16_field(argv[2], (u8 *)v->ip_addr, sizeof(v->ip_addr)) < 0 ||
	    utf16_field(argv[3], (u8 *)v->sub_net, sizeof(v->sub_net)) < 0 ||
	    utf16_field(argv[4], (u8 *)v->gate_way, sizeof(v->gate_way)) < 0 ||
	    utf16_field(argv[5], (u8 *)v->dns_addr, sizeof(v->dns_addr)) < 0)
		return *err = "field too long", -EINVAL;
	return 0;
}

/* Deliberately broken requests, to check the guest refuses them. */
static int build_bad(struct kvp_state *k, const char *kind, const char **err)
{
	struct hv_kvp_exchg_msg_value *d = &k->req.body.kvp_set.data;
	u32 i;

	k->op = KVP_OP_SET;
	k->pool = KVP_POOL_EXTERNAL;
	k->req_len = sizeof(k->req);
	d->value_type = REG_SZ;
	d->key_size = (u32)utf16_field("badkey", d->key, sizeof(d->key));
	d->value_size = (u32)utf16_field("badvalue", d->value, sizeof(d->value));
	if (!strcmp(kind, "long-key")) {
		d->key_size = HV_KVP_EXCHANGE_MAX_KEY_SIZE + 2;
	} else if (!strcmp(kind, "long-value")) {
		d->value_size = HV_KVP_EXCHANGE_MAX_VALUE_SIZE + 2;
	} else if (!strcmp(kind, "wide-key")) {
		/* 255 characters that each take 3 bytes in UTF-8: too long for the daemon. */
		for (i = 0; i < 255; i++) {
			d->key[2 * i] = 0xac;
			d->key[2 * i + 1] = 0x20;	/* U+20AC */
		}
		d->key_size = 2 * 256;
	} else if (!strcmp(kind, "bad-pool")) {
		k->pool = 7;
	} else if (!strcmp(kind, "bad-op")) {
		k->op = 42;
	} else if (!strcmp(kind, "bad-type")) {
		d->value_type = 3;
	} else if (!strcmp(kind, "short")) {
		k->req_len = 100;
	} else {
		return *err = "kinds: long-key long-value wide-key bad-pool bad-op bad-type short",
		       -EINVAL;
	}
	k->req.kvp_hdr.operation = k->op;
	k->req.kvp_hdr.pool = k->pool;
	return 0;
}

int dev_kvp_request(struct vmbus_host *h, int argc, char **argv, const char **err)
{
	struct host_channel *ch = ic_find_channel(h, &dev_kvp_ops);
	static const char usage[] = "usage: kvp set POOL KEY VALUE | get POOL KEY | "
		"delete POOL KEY | enum POOL | ipinfo MAC | setip GUID IP MASK GW DNS | bad KIND";
	struct hv_kvp_exchg_msg_value *d;
	struct kvp_state *k;
	int ret;

	*err = usage;
	if (argc < 2)
		return -EINVAL;
	if (!ch)
		return -ENOTCONN;
	k = ch->dev->priv;
	if (ic_request_out(&k->out))
		return -EBUSY;
	memset(&k->req, 0, sizeof(k->req));
	snprintf(k->what, sizeof(k->what), "%s", argv[0]);
	d = &k->req.body.kvp_set.data;
	k->req_len = sizeof(k->req);
	if (!strcmp(argv[0], "bad")) {
		ret = build_bad(k, argv[1], err);
		if (ret)
			return ret;
	} else if (!strcmp(argv[0], "ipinfo") || !strcmp(argv[0], "setip")) {
		k->op = argv[0][0] == 'i' ? KVP_OP_GET_IP_INFO : KVP_OP_SET_IP_INFO;
		k->pool = 0;
		ret = build_ip(k, argc, argv, err);
		if (ret)
			return ret;
	} else {
		if (!parse_pool(argv[1], &k->pool))
			return -EINVAL;
		if (!strcmp(argv[0], "enum") && argc == 2) {
			k->op = KVP_OP_ENUMERATE;
			k->index = 0;
			k->nitems = 0;
		} else if (!strcmp(argv[0], "get") && argc == 3) {
			k->op = KVP_OP_GET;
		} else if (!strcmp(argv[0], "delete") && argc == 3) {
			k->op = KVP_OP_DELETE;
		} else if (!strcmp(argv[0], "set") && argc == 4) {
			k->op = KVP_OP_SET;
		} else {
			return -EINVAL;
		}
		if (k->op == KVP_OP_DELETE) {
			ret = utf16_field(argv[2], k->req.body.kvp_delete.key,
					  sizeof(k->req.body.kvp_delete.key));
			if (ret < 0)
				return *err = "key too long", -EINVAL;
			k->req.body.kvp_delete.key_size = (u32)ret;
		} else if (k->op != KVP_OP_ENUMERATE) {
			ret = utf16_field(argv[2], d->key, sizeof(d->key));
			if (ret < 0)
				return *err = "key too long", -EINVAL;
			d->key_size = (u32)ret;
			if (k->op == KVP_OP_SET) {
				ret = utf16_field(argv[3], d->value, sizeof(d->value));
				if (ret < 0)
					return *err = "value too long", -EINVAL;
				d->value_size = (u32)ret;
				d->value_type = REG_SZ;
			}
		}
		k->req.kvp_hdr.operation = k->op;
		k->req.kvp_hdr.pool = k->pool;
	}
	ret = kvp_send_req(ch, k);
	if (!ret)
		host_event(h, "KVP_SENT", "relid=%u op=%s pool=%u", ch->relid, k->what, k->pool);
	return ret;
}

void dev_kvp_items(struct vmbus_host *h, FILE *out)
{
	struct host_device *dev;
	struct kvp_state *k;
	u32 i;

	for (dev = h->devices; dev; dev = dev->next) {
		if (dev->ops != &dev_kvp_ops)
			continue;
		k = dev->priv;
		for (i = 0; i < k->nitems; i++)
			fprintf(out, "%u %u %s=%s\n", k->pool, i, k->items[i].key, k->items[i].value);
		return;
	}
}

static int kvp_create(struct host_device *dev)
{
	dev->priv = calloc(1, sizeof(struct kvp_state));
	return dev->priv ? 0 : -ENOMEM;
}

static void kvp_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int kvp_open(struct host_channel *ch)
{
	struct kvp_state *k = ch->dev->priv;

	k->out.out = false;
	return ic_open(ch, &kvp_service);
}

static void kvp_status(struct host_device *dev, char *buf, size_t len)
{
	struct kvp_state *k = dev->priv;

	snprintf(buf, len, "sent=%llu answers=%llu busy=%d timeouts=%llu",
		 (unsigned long long)k->sent, (unsigned long long)k->answers,
		 ic_request_out(&k->out), (unsigned long long)k->out.timeouts);
}

const struct host_device_ops dev_kvp_ops = {
	.name = "kvp",
	.class_id = HV_KVP_GUID,
	.create = kvp_create,
	.destroy = kvp_destroy,
	.open = kvp_open,
	.packets = ic_packets,
	.close = ic_close,
	.tick = ic_tick,
	.pump = ic_pump,
	.status = kvp_status,
};
