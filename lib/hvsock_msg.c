// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsock_msg.c: Hyper-V socket service ids, offer checks and packet checks, as pure
 * functions (no kernel API), so the unit test and the fuzz target compile this file.
 * Facts and rules: hvsock_msg.h.
 */
#include "hvsock_msg.h"

static const u8 srv_tail[12] = HVS_SRV_ID_TEMPLATE_TAIL;

void hvis_hvsock_srv_id(u32 port, struct hvis_guid *id)
{
	unsigned int i;

	/* The port is Data1 of the GUID: little-endian on the wire. */
	for (i = 0; i < HVS_SRV_ID_PORT_BYTES; i++)
		id->b[i] = (u8)(port >> (8 * i));
	memcpy(&id->b[HVS_SRV_ID_PORT_BYTES], srv_tail, sizeof(srv_tail));
}

bool hvis_hvsock_srv_id_valid(const struct hvis_guid *id)
{
	return !memcmp(&id->b[HVS_SRV_ID_PORT_BYTES], srv_tail, sizeof(srv_tail));
}

u32 hvis_hvsock_srv_port(const struct hvis_guid *id)
{
	return (u32)id->b[0] | (u32)id->b[1] << 8 | (u32)id->b[2] << 16 | (u32)id->b[3] << 24;
}

static int bad(const char **field, const char *what)
{
	if (field)
		*field = what;
	return -EINVAL;
}

int hvis_hvsock_offer_parse(const struct vmbus_channel_offer *offer,
			    struct hvis_hvsock_offer *out, const char **field)
{
	struct hvis_guid type, inst;

	if (field)
		*field = NULL;
	if (!(offer->chn_flags & VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER))
		return bad(field, "chn_flags");
	memcpy(&type, &offer->if_type, sizeof(type));
	memcpy(&inst, &offer->if_instance, sizeof(inst));
	if (!hvis_hvsock_srv_id_valid(&type))
		return bad(field, "if_type");
	if (!hvis_hvsock_srv_id_valid(&inst))
		return bad(field, "if_instance");
	out->from_host = offer->u.pipe.user_def[HVS_USER_DEF_CONN_FROM_HOST] != 0;
	if (out->from_host) {
		out->local_port = hvis_hvsock_srv_port(&type);
		out->remote_port = hvis_hvsock_srv_port(&inst);
	} else {
		out->local_port = hvis_hvsock_srv_port(&inst);
		out->remote_port = hvis_hvsock_srv_port(&type);
	}
	return 0;
}

int hvis_hvsock_pkt_parse(const void *buf, u32 len, bool fin_seen, u32 *data_size,
			  const char **field)
{
	struct hvs_pipe_hdr hdr;

	if (field)
		*field = NULL;
	if (fin_seen)
		return bad(field, "data after FIN");
	if (!buf || len < sizeof(hdr))
		return bad(field, "header");
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.pkt_type != HVS_PIPE_PKT_DATA)
		return bad(field, "pkt_type");
	if (hdr.data_size > len - (u32)sizeof(hdr) || hdr.data_size > HVS_MTU_SIZE)
		return bad(field, "data_size");
	*data_size = hdr.data_size;
	return hdr.data_size ? HVIS_HVSOCK_PKT_DATA : HVIS_HVSOCK_PKT_FIN;
}

void hvis_hvsock_pipe_hdr(struct hvs_pipe_hdr *hdr, u32 data_size)
{
	hdr->pkt_type = HVS_PIPE_PKT_DATA;
	hdr->data_size = data_size;
}

u32 hvis_hvsock_ring_bytes(u32 vmbus_version, u32 sockbuf_bytes)
{
	u32 bytes = sockbuf_bytes;

	/* Legacy: the 6 pages of RINGBUFFER_HVS_*_SIZE include the ring's header page. */
	if (vmbus_version < VERSION_WIN10_V5)
		return HVS_RING_LEGACY_BYTES - 4096u;
	if (bytes < HVS_RING_LEGACY_BYTES)
		bytes = HVS_RING_LEGACY_BYTES;
	if (bytes > HVS_RING_MAX_BYTES)
		bytes = HVS_RING_MAX_BYTES;
	/* VMBUS_RING_SIZE(): page aligned (hvis_channel_open adds the header page). */
	return (bytes + 4095u) & ~4095u;
}
