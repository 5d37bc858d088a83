// SPDX-License-Identifier: GPL-2.0-only
/*
 * ic_msg.c: IC packet parsing and version negotiation (see ic_msg.h).
 *
 * Wire format: include/linux/hyperv.h (vmbuspipe_hdr, icmsg_hdr, icmsg_negotiate);
 * the negotiation answer's shape follows drivers/hv/channel_mgmt.c
 * vmbus_prep_negotiate_resp: one framework and one message version, icmsgsize 0x10.
 */
#include "ic_msg.h"

int hvis_ic_parse(void *pkt, u32 len, struct hvis_ic_view *v)
{
	if (!pkt || len < ICMSG_HDR)
		return -EINVAL;
	v->hdr = (struct icmsg_hdr *)((u8 *)pkt + sizeof(struct vmbuspipe_hdr));
	v->data = (u8 *)pkt + ICMSG_HDR;
	v->data_len = len - ICMSG_HDR;
	return 0;
}

static const struct ic_version fw_3_and_1[] = { IC_FW_VERSION_3_0, IC_FW_VERSION_1_0 };
static const struct ic_version fw_3_only[] = { IC_FW_VERSION_3_0 };

const struct ic_version *hvis_ic_fw_versions(u16 msgtype, unsigned int *n)
{
	switch (msgtype) {
	case ICMSGTYPE_VSS:
	case ICMSGTYPE_FCOPY:
		*n = ARRAY_SIZE(fw_3_only);
		return fw_3_only;
	default:
		*n = ARRAY_SIZE(fw_3_and_1);
		return fw_3_and_1;
	}
}

static bool version_listed(const struct ic_version *list, unsigned int n, struct ic_version want)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i].major == want.major && list[i].minor == want.minor)
			return true;
	return false;
}

/* First of ours (newest first) that the host lists; false if none. */
static bool pick(const struct ic_version *ours, unsigned int n_ours,
		 const struct ic_version *host, unsigned int n_host, struct ic_version *out)
{
	unsigned int i;

	for (i = 0; i < n_ours; i++) {
		if (version_listed(host, n_host, ours[i])) {
			*out = ours[i];
			return true;
		}
	}
	return false;
}

int hvis_ic_negotiate(struct hvis_ic_view *v, const struct ic_version *our_fw, unsigned int n_fw,
		      const struct ic_version *our_srv, unsigned int n_srv,
		      struct ic_version *fw, struct ic_version *srv)
{
	struct icmsg_negotiate *neg = (struct icmsg_negotiate *)v->data;
	struct ic_version host[2 * IC_VERSION_NEGOTIATION_MAX_VER_COUNT];
	struct ic_version new_fw, new_srv;
	unsigned int n_hfw, n_hmsg;
	bool found;

	if (v->data_len < sizeof(*neg))
		return -EINVAL;
	n_hfw = neg->icframe_vercnt;
	n_hmsg = neg->icmsg_vercnt;
	if (n_hfw > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    n_hmsg > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    sizeof(*neg) + (n_hfw + n_hmsg) * sizeof(struct ic_version) > v->data_len)
		return -EINVAL;
	/* Our answer needs room for two versions even if the host listed fewer. */
	if (sizeof(*neg) + 2 * sizeof(struct ic_version) > v->data_len)
		return -EINVAL;
	memcpy(host, neg->icversion_data, (n_hfw + n_hmsg) * sizeof(struct ic_version));

	/* A failed negotiation leaves the versions agreed before in force. */
	found = pick(our_fw, n_fw, host, n_hfw, &new_fw) &&
		pick(our_srv, n_srv, host + n_hfw, n_hmsg, &new_srv);

	v->hdr->icmsgsize = 0x10;
	if (!found) {
		neg->icframe_vercnt = 0;
		neg->icmsg_vercnt = 0;
		hvis_ic_set_response(v, HV_E_FAIL);
		return -EPROTONOSUPPORT;
	}
	*fw = new_fw;
	*srv = new_srv;
	neg->icframe_vercnt = 1;
	neg->icmsg_vercnt = 1;
	neg->icversion_data[0] = new_fw;
	neg->icversion_data[1] = new_srv;
	hvis_ic_set_response(v, HV_S_OK);
	return 0;
}
