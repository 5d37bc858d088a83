// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsock_ctl.c: the Hyper-V socket commands of the control socket:
 *   hvsock [list]            the directory, exposed ports, connections with bytes each way
 *   hvsock expose PORT       host programs reach guest port PORT through DIR/PORT
 *   hvsock unexpose PORT     stop that
 *   hvsock-inject KIND RELID a packet the guest must refuse, on one open connection:
 *                            data-after-fin, oversize (payload > 16 KiB), size-gt-packet
 *                            (data_size beyond the packet), bad-type (pipe type 2)
 *   hvsock-inject bad-guid PORT  a host connection offer whose if_type is not a
 *                            vsock service id (its template tail is broken)
 * docs/fakehost-ctl.md, "hvsock".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hvsock.h"
#include "ctl_reply.h"

static bool parse_u32(const char *s, u32 *v)
{
	unsigned long long n;
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || n > 0xffffffffull)
		return false;
	*v = (u32)n;
	return true;
}

int hvsock_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
	       size_t errlen)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	u32 port;
	int ret;

	if (!hvs_bridge_dir(h))
		return ctl_errf(err, errlen, "hvsock: no hvsock directory (see --hvsock-dir)");
	if (!strcmp(sub, "list") && argc <= 2) {
		hvs_bridge_print(h, out);
		return 0;
	}
	if ((!strcmp(sub, "expose") || !strcmp(sub, "unexpose")) && argc == 3) {
		if (!parse_u32(argv[2], &port))
			return ctl_errf(err, errlen, "hvsock %s: bad port '%s' (0..4294967295)", sub,
				       argv[2]);
		ret = sub[0] == 'e' ? hvs_bridge_expose(h, port) : hvs_bridge_unexpose(h, port);
		if (ret)
			return ctl_errf(err, errlen, "hvsock %s %u: %s", sub, port, strerror(-ret));
		fprintf(out, "path=%s/%u\n", hvs_bridge_dir(h), port);
		return 0;
	}
	return ctl_errf(err, errlen, "usage: hvsock [list] | hvsock expose PORT | hvsock unexpose PORT");
}

/* ---- hostile packets ---- */

static struct hvs_conn *conn_by_relid(struct vmbus_host *h, u32 relid)
{
	struct hvs_conn *c;

	for (c = hvs_bridge_conns(h); c; c = c->next)
		if (c->relid == relid && c->state != HVS_CLOSED)
			return c;
	return NULL;
}

/* Sends header {type, data_size} and `payload` bytes of 0x5a. */
static int send_pipe(struct hvs_conn *c, u32 type, u32 data_size, u32 payload)
{
	static u8 buf[sizeof(struct hvs_pipe_hdr) + HVS_MTU_SIZE + 64];
	struct hvs_pipe_hdr hdr = { .pkt_type = type, .data_size = data_size };

	if (payload > sizeof(buf) - sizeof(hdr))
		return -EINVAL;
	memcpy(buf, &hdr, sizeof(hdr));
	memset(buf + sizeof(hdr), 0x5a, payload);
	return hvs_conn_send_raw(c, buf, (u32)sizeof(hdr) + payload);
}

int hvsock_ctl_inject(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		      size_t errlen)
{
	const char *kind = argc > 1 ? argv[1] : "";
	struct hvs_conn *c;
	u32 n, relid;
	int ret;

	if (argc != 3 || !parse_u32(argv[2], &n))
		return ctl_errf(err, errlen, "usage: hvsock-inject data-after-fin|oversize|size-gt-packet|bad-type RELID | hvsock-inject bad-guid PORT");
	if (!strcmp(kind, "bad-guid")) {
		struct hvis_guid g;

		hvs_port_to_guid(n, &g);
		g.b[15] ^= 0xff;	/* not the template's tail: no vsock service id */
		relid = hvs_bridge_offer_raw(h, &g);
		if (!relid)
			return ctl_errf(err, errlen, "hvsock-inject bad-guid: not offered (guest not ready?)");
		fprintf(out, "relid=%u\n", relid);
		return 0;
	}
	c = conn_by_relid(h, n);
	if (!c || !c->ch)
		return ctl_errf(err, errlen, "hvsock-inject: no open hvsock connection with relid %u", n);
	if (c->to_guest_len)
		return ctl_errf(err, errlen, "hvsock-inject: relid %u has a packet waiting for ring room", n);
	if (!strcmp(kind, "data-after-fin")) {
		if (c->state == HVS_OPEN || c->state == HVS_GUEST_FIN)
			hvs_conn_send_fin(c);
		if (c->to_guest_len)
			return ctl_errf(err, errlen, "hvsock-inject: the ring of relid %u is full", n);
		ret = c->state == HVS_CLOSED ? -ENOTCONN : send_pipe(c, HVS_PIPE_PKT_DATA, 16, 16);
	} else if (!strcmp(kind, "oversize")) {
		ret = send_pipe(c, HVS_PIPE_PKT_DATA, HVS_MTU_SIZE + 8, HVS_MTU_SIZE + 8);
	} else if (!strcmp(kind, "size-gt-packet")) {
		ret = send_pipe(c, HVS_PIPE_PKT_DATA, 4096, 64);
	} else if (!strcmp(kind, "bad-type")) {
		ret = send_pipe(c, HVS_PIPE_PKT_DATA + 1, 16, 16);
	} else {
		return ctl_errf(err, errlen, "hvsock-inject: unknown kind '%s'", kind);
	}
	if (ret)
		return ctl_errf(err, errlen, "hvsock-inject %s: sending failed: %s", kind,
			       strerror(-ret));
	c->injected++;
	/* The guest resets its socket; if it then says nothing, the channel goes anyway. */
	if (c->state != HVS_CLOSED && !c->deadline_ms) {
		c->deadline_ms = h->now_ms + HVS_FIN_WAIT_MS;
		c->deadline_why = "after_inject";
	}
	host_event(h, "HVSOCK_INJECTED", "conn=%u relid=%u kind=%s", c->id, c->relid, kind);
	fprintf(out, "conn=%u relid=%u kind=%s\n", c->id, c->relid, kind);
	return 0;
}
