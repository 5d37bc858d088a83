// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_ic_msg.c: unit tests of lib/ic_msg.c: IC header parsing and the version
 * negotiation answer, including hostile version counts.
 */
#include "tap.h"
#include "ic_msg.h"

static const struct ic_version fw[] = { IC_FW_VERSION_3_0, IC_FW_VERSION_1_0 };
static const struct ic_version hb[] = { { 3, 0 }, { 1, 0 } };
static const struct ic_version sd[] = { { 3, 2 }, { 3, 1 }, { 3, 0 }, { 1, 0 } };

/* Builds a host NEGOTIATE request listing the framework then the message versions. */
static u32 build(u8 *pkt, const struct ic_version *hfw, u16 nfw,
		 const struct ic_version *hmsg, u16 nmsg)
{
	struct icmsg_hdr *h = (void *)(pkt + sizeof(struct vmbuspipe_hdr));
	struct icmsg_negotiate *n = (void *)(pkt + ICMSG_HDR);

	memset(pkt, 0, 512);
	h->icmsgtype = ICMSGTYPE_NEGOTIATE;
	h->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
	n->icframe_vercnt = nfw;
	n->icmsg_vercnt = nmsg;
	memcpy(n->icversion_data, hfw, nfw * sizeof(*hfw));
	memcpy(n->icversion_data + nfw, hmsg, nmsg * sizeof(*hmsg));
	return ICMSG_HDR + sizeof(*n) + (nfw + nmsg) * sizeof(struct ic_version);
}

int main(void)
{
	u8 pkt[512];
	struct hvis_ic_view v;
	struct ic_version gfw, gsrv;
	struct icmsg_negotiate *n = (void *)(pkt + ICMSG_HDR);
	const struct ic_version host_fw[] = { { 1, 0 }, { 3, 0 } };
	const struct ic_version host_sd[] = { { 1, 0 }, { 3, 0 }, { 3, 1 } };
	const struct ic_version old_only[] = { { 0, 9 } };
	u32 len;
	int rc;

	tap_check(hvis_ic_parse(pkt, ICMSG_HDR - 1, &v) == -EINVAL, "a packet shorter than the IC headers is refused");

	len = build(pkt, host_fw, 2, host_sd, 3);
	hvis_ic_parse(pkt, len, &v);
	rc = hvis_ic_negotiate(&v, fw, 2, sd, 4, &gfw, &gsrv);
	tap_check(rc == 0 && gfw.major == 3 && gfw.minor == 0 && gsrv.major == 3 && gsrv.minor == 1,
		  "shutdown picks framework 3.0 and the newest common message version 3.1");
	tap_check(n->icframe_vercnt == 1 && n->icmsg_vercnt == 1 &&
		  n->icversion_data[0].major == 3 && n->icversion_data[1].minor == 1 &&
		  v.hdr->icmsgsize == 0x10,
		  "the answer lists exactly the chosen pair");
	tap_check(v.hdr->icflags == (ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE) &&
		  v.hdr->status == HV_S_OK, "the answer is flagged as a successful response");

	len = build(pkt, host_fw, 2, old_only, 1);
	hvis_ic_parse(pkt, len, &v);
	rc = hvis_ic_negotiate(&v, fw, 2, hb, 2, &gfw, &gsrv);
	tap_check(rc == -EPROTONOSUPPORT && n->icframe_vercnt == 0 && n->icmsg_vercnt == 0 &&
		  v.hdr->status == HV_E_FAIL,
		  "no common message version: an empty answer with HV_E_FAIL");

	len = build(pkt, host_fw, 2, host_sd, 3);
	n->icmsg_vercnt = 60;
	hvis_ic_parse(pkt, len, &v);
	tap_check(hvis_ic_negotiate(&v, fw, 2, sd, 4, &gfw, &gsrv) == -EINVAL,
		  "version counts that run past the packet are refused");

	len = build(pkt, host_fw, 2, host_sd, 3);
	n->icframe_vercnt = 101;
	hvis_ic_parse(pkt, 512, &v);
	tap_check(hvis_ic_negotiate(&v, fw, 2, sd, 4, &gfw, &gsrv) == -EINVAL,
		  "more than 100 versions is refused");

	len = build(pkt, host_fw, 1, host_sd, 0);
	hvis_ic_parse(pkt, len, &v);
	tap_check(hvis_ic_negotiate(&v, fw, 2, sd, 4, &gfw, &gsrv) == -EINVAL,
		  "a request too short to hold the two-version answer is refused");
	return tap_done();
}
