// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_ic_msg.c: unit tests of lib/ic_msg.c: IC header parsing, the version
 * negotiation answer, including hostile version counts, and each service's framework
 * versions.
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

/*
 * What service @msgtype, with message versions @msg, answers a host that offers only
 * framework @host_fw and those same message versions: 0 and the chosen framework in
 * *got, or the error, with the answer's framework count in *answered.
 */
static int answer_fw(u16 msgtype, struct ic_version host_fw, const struct ic_version *msg,
		     u16 nmsg, struct ic_version *got, u16 *answered)
{
	u8 pkt[512];
	struct icmsg_negotiate *n = (void *)(pkt + ICMSG_HDR);
	const struct ic_version *fw;
	struct ic_version srv;
	struct hvis_ic_view v;
	unsigned int nfw;
	int rc;

	hvis_ic_parse(pkt, build(pkt, &host_fw, 1, msg, nmsg), &v);
	fw = hvis_ic_fw_versions(msgtype, &nfw);
	rc = hvis_ic_negotiate(&v, fw, nfw, msg, nmsg, got, &srv);
	*answered = n->icframe_vercnt;
	return rc;
}

/*
 * Framework versions per service, as upstream's: hv_util.c (heartbeat, shutdown, time
 * sync) and hv_kvp.c offer 3.0 and 1.0; hv_snapshot.c and hv_fcopy.c only 3.0.
 */
static void test_framework_versions_per_service(void)
{
	static const struct {
		const char *name;
		u16 msgtype;
		struct ic_version msg;	/* one message version it speaks */
		bool takes_1_0;
	} svc[] = {
		{ "heartbeat", ICMSGTYPE_HEARTBEAT, { 3, 0 }, true },
		{ "shutdown", ICMSGTYPE_SHUTDOWN, { 3, 0 }, true },
		{ "timesync", ICMSGTYPE_TIMESYNC, { 4, 0 }, true },
		{ "KVP", ICMSGTYPE_KVPEXCHANGE, { 4, 0 }, true },
		{ "VSS", ICMSGTYPE_VSS, { 5, 0 }, false },
		{ "fcopy", ICMSGTYPE_FCOPY, { 1, 1 }, false },
	};
	const struct ic_version fw3 = IC_FW_VERSION_3_0, fw1 = IC_FW_VERSION_1_0;
	struct ic_version got;
	unsigned int i;
	u16 cnt;
	int rc;

	for (i = 0; i < ARRAY_SIZE(svc); i++) {
		rc = answer_fw(svc[i].msgtype, fw3, &svc[i].msg, 1, &got, &cnt);
		tap_check(rc == 0 && got.major == 3 && got.minor == 0 && cnt == 1,
			  "%s: a host offering only framework 3.0 gets 3.0", svc[i].name);
		rc = answer_fw(svc[i].msgtype, fw1, &svc[i].msg, 1, &got, &cnt);
		if (svc[i].takes_1_0)
			tap_check(rc == 0 && got.major == 1 && got.minor == 0 && cnt == 1,
				  "%s: a host offering only framework 1.0 gets 1.0", svc[i].name);
		else
			tap_check(rc == -EPROTONOSUPPORT && cnt == 0,
				  "%s: a host offering only framework 1.0 is refused (3.0 only)",
				  svc[i].name);
	}
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
	{
		const struct ic_version fw1_only[] = { { 1, 0 } };

		/* Agreed 3.0/3.1 above; a later NEGOTIATE that fails must not change them. */
		gfw = (struct ic_version){ 3, 0 };
		gsrv = (struct ic_version){ 3, 1 };
		len = build(pkt, fw1_only, 1, old_only, 1);
		hvis_ic_parse(pkt, len, &v);
		rc = hvis_ic_negotiate(&v, fw, 2, hb, 2, &gfw, &gsrv);
		tap_check(rc == -EPROTONOSUPPORT && gfw.major == 3 && gfw.minor == 0 &&
			  gsrv.major == 3 && gsrv.minor == 1,
			  "a failed NEGOTIATE keeps the versions agreed before (got %u.%u/%u.%u)",
			  gfw.major, gfw.minor, gsrv.major, gsrv.minor);
	}

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
	test_framework_versions_per_service();
	return tap_done();
}
