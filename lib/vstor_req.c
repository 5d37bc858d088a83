// SPDX-License-Identifier: GPL-2.0-only
/*
 * vstor_req.c: the fake host's pure checks of storvsc guest requests (vstor_req.h).
 * Layout facts: include/linux/hyperv.h (vmpacket_descriptor, the GPA-direct header and
 * vmbus_packet_mpb_array: one range of byte_count, byte_offset and its PFNs),
 * drivers/scsi/storvsc_drv.c (vstor_packet, vmscsi_request, which operations carry
 * which body).
 */
#include "vstor_req.h"

/* Bytes after the header each guest request needs (storvsc_drv.c's union members). */
static u32 body_min(u32 op)
{
	switch (op) {
	case VSTOR_OP_EXECUTE_SRB:
		return sizeof(struct vmscsi_request);
	case VSTOR_OP_QUERY_PROTOCOL_VERSION:
		return sizeof(struct vmstorage_protocol_version);
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		return sizeof(u16);
	default:
		return 0;
	}
}

/*
 * Operations a guest sends; the others (COMPLETE_IO, REMOVE_DEVICE, ENUMERATE_BUS) are
 * the host's.
 */
static bool guest_op(u32 op)
{
	return op == VSTOR_OP_EXECUTE_SRB || op == VSTOR_OP_RESET_LUN ||
	       op == VSTOR_OP_RESET_ADAPTER || op == VSTOR_OP_RESET_BUS ||
	       op == VSTOR_OP_BEGIN_INITIALIZATION || op == VSTOR_OP_END_INITIALIZATION ||
	       op == VSTOR_OP_QUERY_PROTOCOL_VERSION || op == VSTOR_OP_QUERY_PROPERTIES ||
	       op == VSTOR_OP_FCHBA_DATA || op == VSTOR_OP_CREATE_SUB_CHANNELS;
}

static int bad(const char **field, const char *what)
{
	*field = what;
	return -1;
}

/* The GPA-direct header: exactly one range whose pages all lie before offset8. */
static int parse_range(const u8 *pkt, u32 off8, struct vstor_req *r, const char **field)
{
	struct vmdata_gpa_direct g;
	struct vmbus_gpa_range range;
	u64 end;

	if (off8 < sizeof(g) + sizeof(range))
		return bad(field, "offset8");
	memcpy(&g, pkt, sizeof(g));
	if (g.range_cnt != 1)
		return bad(field, "range_cnt");
	memcpy(&range, pkt + sizeof(g), sizeof(range));
	if (!range.byte_count)
		return bad(field, "byte_count");
	if (range.byte_offset >= VSTOR_PAGE_SIZE)
		return bad(field, "byte_offset");
	end = (u64)range.byte_offset + range.byte_count;
	r->npfns = (u32)((end + VSTOR_PAGE_SIZE - 1) / VSTOR_PAGE_SIZE);
	if ((off8 - sizeof(g) - sizeof(range)) / 8 < r->npfns)
		return bad(field, "pfn_count");
	r->has_data = true;
	r->byte_count = range.byte_count;
	r->byte_offset = range.byte_offset;
	r->pfns = pkt + sizeof(g) + sizeof(range);
	return 0;
}

int vstor_req_parse(const u8 *pkt, u32 len, struct vstor_req *r, const char **field)
{
	struct vmpacket_descriptor d;
	u32 off8, plen;

	memset(r, 0, sizeof(*r));
	if (len < sizeof(d))
		return bad(field, "len");
	memcpy(&d, pkt, sizeof(d));
	r->trans_id = d.trans_id;
	r->pkt_type = d.type;
	r->pkt_flags = d.flags;
	off8 = d.offset8 * 8u;
	if (off8 < sizeof(d) || off8 > len)
		return bad(field, "offset8");
	plen = len - off8;
	if (plen >= sizeof(r->pkt.operation))
		memcpy(&r->op, pkt + off8, sizeof(r->op));
	if (d.type != VM_PKT_DATA_INBAND && d.type != VM_PKT_DATA_USING_GPA_DIRECT)
		return bad(field, "packet_type");
	if (plen < VSTOR_HDR_BYTES)
		return bad(field, "len");
	memcpy(&r->pkt, pkt + off8, plen < sizeof(r->pkt) ? plen : sizeof(r->pkt));
	r->body_len = plen - VSTOR_HDR_BYTES;
	if (!guest_op(r->op))
		return bad(field, "operation");
	if (r->body_len < body_min(r->op))
		return bad(field, "len");
	if (d.type == VM_PKT_DATA_USING_GPA_DIRECT) {
		if (r->op != VSTOR_OP_EXECUTE_SRB)
			return bad(field, "packet_type");
		return parse_range(pkt, off8, r, field);
	}
	return 0;
}

u64 vstor_req_pfn(const struct vstor_req *r, u32 i)
{
	u64 pfn;

	memcpy(&pfn, r->pfns + (size_t)i * 8, sizeof(pfn));
	return pfn;
}

int vstor_srb_check(const struct vstor_req *r, const struct vstor_limits *lim,
		    const char **field)
{
	const struct vmscsi_request *s = &r->pkt.srb;

	if (s->length != sizeof(*s))
		return bad(field, "length");
	if (!s->cdb_length || s->cdb_length > VSTOR_CDB_MAX)
		return bad(field, "cdb_length");
	if (s->data_in > VSTOR_DATA_NONE)
		return bad(field, "data_in");
	if (r->has_data) {
		if (s->data_in == VSTOR_DATA_NONE)
			return bad(field, "data_in");
		if (!s->data_transfer_length || s->data_transfer_length > r->byte_count ||
		    s->data_transfer_length > lim->max_xfer)
			return bad(field, "data_transfer_length");
	} else if (s->data_transfer_length) {
		return bad(field, "data_transfer_length");
	}
	if (lim->ide_target >= 0) {
		if (s->target_id != (u32)lim->ide_target)
			return bad(field, "target_id");
	} else if (s->path_id >= lim->max_paths) {
		return bad(field, "path_id");
	} else if (s->target_id >= lim->max_targets) {
		return bad(field, "target_id");
	}
	if (s->lun >= lim->max_luns)
		return bad(field, "lun");
	return 0;
}
