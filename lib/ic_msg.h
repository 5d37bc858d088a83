/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ic_msg.h: parsing of integration-component (IC) packets and the version
 * negotiation answer, as pure functions over a packet's bytes.  Used by the guest IC
 * drivers (drivers/ic) and tested in userspace.
 */
#ifndef _HVIS_IC_MSG_H
#define _HVIS_IC_MSG_H

#include "../include/hvis/ic_proto.h"

/* A parsed view into an IC packet's payload (the bytes after the VMBus descriptor). */
struct hvis_ic_view {
	struct icmsg_hdr *hdr;
	u8 *data;		/* after the IC header */
	u32 data_len;		/* bytes from data to the end of the packet */
};

/* Checks the pipe and IC headers fit; 0 or -EINVAL. */
int hvis_ic_parse(void *pkt, u32 len, struct hvis_ic_view *v);

/*
 * Answers a NEGOTIATE request in place: picks the newest of our framework versions
 * and of our service versions that the host also lists.  The host's counts are
 * validated against the packet length.  Returns 0 with *fw and *srv set, -EINVAL for
 * a malformed request, -EPROTONOSUPPORT when no version matches (the answer then
 * lists none, as upstream's does, and carries HV_E_FAIL).
 */
int hvis_ic_negotiate(struct hvis_ic_view *v, const struct ic_version *our_fw, unsigned int n_fw,
		      const struct ic_version *our_srv, unsigned int n_srv,
		      struct ic_version *fw, struct ic_version *srv);

/*
 * The IC framework versions the guest offers for service @msgtype (ICMSGTYPE_*),
 * newest first; *n gets their count.  As upstream: heartbeat, shutdown, time sync
 * (drivers/hv/hv_util.c fw_versions) and KVP (hv_kvp.c) accept 3.0 and 1.0; VSS
 * (hv_snapshot.c) and file copy (hv_fcopy.c) only 3.0.
 */
const struct ic_version *hvis_ic_fw_versions(u16 msgtype, unsigned int *n);

/* Marks the packet as this guest's response with the given status. */
static inline void hvis_ic_set_response(struct hvis_ic_view *v, u32 status)
{
	v->hdr->status = status;
	v->hdr->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
}

#endif /* _HVIS_IC_MSG_H */
