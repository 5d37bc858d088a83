// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_vstor_req.c: libFuzzer target for the fake host's checks of storvsc guest
 * requests (lib/vstor_req.c).  Input: one whole VMBus packet as read from the ring
 * (descriptor first).  A packet that passes must keep its page list inside the bytes
 * before offset8 and its range inside the PFNs; an SRB that passes must fit its range,
 * the maximum transfer and the SCSI controller's limits.  Seeds (fuzz_seeds.c) hold one
 * valid request of every operation a guest sends, EXECUTE_SRB both in-band and in a
 * GPA-direct packet.
 */
#include <stdlib.h>
#include "vstor_req.h"
#include "fuzz_types.h"

FUZZ_TYPES("EXECUTE_SRB", "RESET_LUN", "RESET_ADAPTER", "RESET_BUS", "BEGIN_INITIALIZATION",
	   "END_INITIALIZATION", "QUERY_PROTOCOL_VERSION", "QUERY_PROPERTIES", "FCHBA_DATA",
	   "CREATE_SUB_CHANNELS", "EXECUTE_SRB_GPA_DIRECT")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static unsigned int type_index(u32 op)
{
	switch (op) {
	case VSTOR_OP_EXECUTE_SRB: return 0;
	case VSTOR_OP_RESET_LUN: return 1;
	case VSTOR_OP_RESET_ADAPTER: return 2;
	case VSTOR_OP_RESET_BUS: return 3;
	case VSTOR_OP_BEGIN_INITIALIZATION: return 4;
	case VSTOR_OP_END_INITIALIZATION: return 5;
	case VSTOR_OP_QUERY_PROTOCOL_VERSION: return 6;
	case VSTOR_OP_QUERY_PROPERTIES: return 7;
	case VSTOR_OP_FCHBA_DATA: return 8;
	case VSTOR_OP_CREATE_SUB_CHANNELS: return 9;
	}
	abort();	/* vstor_req_parse passed an operation a guest does not send */
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static const struct vstor_limits lim = {
		.max_paths = VSTOR_SCSI_MAX_CHANNELS, .max_targets = VSTOR_SCSI_MAX_TARGETS,
		.max_luns = VSTOR_SCSI_MAX_LUNS, .max_xfer = 512 * 1024, .ide_target = -1,
	};
	struct vmpacket_descriptor d;
	struct vstor_req r;
	const char *field = NULL;
	u32 i;

	if (size > 65536)
		return 0;
	if (vstor_req_parse(in, (u32)size, &r, &field)) {
		if (!field)
			abort();
		return 0;
	}
	memcpy(&d, in, sizeof(d));
	if (r.has_data) {
		if (r.op != VSTOR_OP_EXECUTE_SRB || !r.byte_count || r.byte_offset >= VSTOR_PAGE_SIZE ||
		    (u64)r.npfns * VSTOR_PAGE_SIZE < (u64)r.byte_offset + r.byte_count ||
		    r.pfns + (size_t)r.npfns * 8 > in + d.offset8 * 8u)
			abort();
		for (i = 0; i < r.npfns; i++)
			(void)vstor_req_pfn(&r, i);
	}
	fuzz_hit(r.has_data ? 10 : type_index(r.op));
	if (r.op == VSTOR_OP_EXECUTE_SRB && !vstor_srb_check(&r, &lim, &field)) {
		const struct vmscsi_request *s = &r.pkt.srb;

		if (s->cdb_length < 1 || s->cdb_length > 16 || s->target_id >= lim.max_targets ||
		    s->lun >= lim.max_luns || s->data_transfer_length > lim.max_xfer ||
		    (r.has_data && s->data_transfer_length > r.byte_count) ||
		    (!r.has_data && s->data_transfer_length))
			abort();
	}
	return 0;
}
