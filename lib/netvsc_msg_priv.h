/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc_msg_priv.h: what the three parts of the NIC message checks share (netvsc_msg.c:
 * NVSP and RNDIS framing; ndis_obj.c: the NDIS offload, RSS and configuration objects;
 * netvsc_ppi.c: per-packet info and RSC chains): body sizes upstream has no struct for,
 * the error helpers, and unaligned reads.  Included by those files only.
 */
#ifndef _HVIS_NETVSC_MSG_PRIV_H
#define _HVIS_NETVSC_MSG_PRIV_H

#include "netvsc_msg.h"

/* Bodies upstream defines that netvsc_proto.h has no struct for (hyperv_net.h). */
#define NVSP4_VF_ASSOCIATION_BYTES	8	/* allocated, serial */
#define NVSP4_SWITCH_DATA_PATH_BYTES	4	/* active_datapath */
#define NVSP5_SUBCHANNEL_BYTES		8	/* op or status, num_subchannels */
#define NVSP5_INDIRECTION_TABLE_BYTES	8	/* count, offset */
#define RNDIS_HALT_BYTES		4	/* req_id */
#define RNDIS_RESET_BYTES		4	/* reserved */
#define RNDIS_RESET_C_BYTES		8	/* status, addressing_reset */

#define RNDIS_HDR_BYTES		((u32)sizeof(struct rndis_msg_hdr))
#define XFER_HDR_BYTES		((u32)sizeof(struct vmtransfer_page_packet_header))
#define XFER_RANGE_BYTES	((u32)sizeof(struct vmtransfer_page_range))
#define ETH_HDR_BYTES		14
/* Who may send a message (bit mask). */
#define BY_HOST		1
#define BY_GUEST	2
#define RET_MAX			0x7fffffffu	/* the largest count an int return holds */

static inline int bad(const char **why, const char *field)
{
	*why = field;
	return -EINVAL;
}

static inline int proto(const char **why, const char *field)
{
	*why = field;
	return -EPROTO;
}

static inline u32 get32(const void *buf, u64 off)
{
	u32 v;

	memcpy(&v, (const u8 *)buf + off, sizeof(v));
	return v;
}

static inline u16 get16(const void *buf, u64 off)
{
	u16 v;

	memcpy(&v, (const u8 *)buf + off, sizeof(v));
	return v;
}

#endif /* _HVIS_NETVSC_MSG_PRIV_H */
