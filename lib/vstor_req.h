/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vstor_req.h: the fake host's checks of what a storvsc guest sends on a storage
 * channel (include/hvis/storvsc_proto.h): the VMBus packet around a vstor_packet (in-band,
 * or GPA-direct with one page range for EXECUTE_SRB), the packet's operation and the
 * bytes it needs, and an SRB against the controller's limits and the range.  Pure: no
 * I/O, no fake-host state; unit-tested (tests/unit/test_vstor_req.c) and fuzzed
 * (tests/fuzz/fuzz_vstor_req.c).
 */
#ifndef _HVIS_VSTOR_REQ_H
#define _HVIS_VSTOR_REQ_H

#include "../include/hvis/ring_proto.h"
#include "../include/hvis/vmbus_proto.h"
#include "../include/hvis/storvsc_proto.h"

/* Hyper-V page numbers are 4 KiB whatever the guest's page size (include/linux/hyperv.h). */
#define VSTOR_PAGE_SIZE		4096u
/* The vstor_packet header: operation, flags, status. */
#define VSTOR_HDR_BYTES		12u

/* One guest request, as checked by vstor_req_parse(). */
struct vstor_req {
	u64 trans_id;
	u16 pkt_type;		/* VM_PKT_DATA_INBAND or VM_PKT_DATA_USING_GPA_DIRECT */
	u16 pkt_flags;
	u32 op;			/* enum vstor_operation (0 until the header was read) */
	u32 body_len;		/* bytes of the packet after the 12-byte header */
	struct vstor_packet pkt;	/* copied; bytes the guest did not send are zero */
	/* GPA-direct: the one page range */
	bool has_data;
	u32 byte_count;
	u32 byte_offset;
	u32 npfns;		/* pages the range covers: (byte_offset + byte_count) / 4 KiB, up */
	const u8 *pfns;		/* npfns little-endian u64 page numbers inside the packet */
};

/*
 * Checks one whole VMBus packet (descriptor first, as read from the ring) and fills
 * @r.  Returns 0, or -1 with *field naming what is wrong ("offset8", "packet_type",
 * "range_cnt", "byte_count", "byte_offset", "pfn_count", "len", "operation").  Once the
 * header is readable r->trans_id and r->op are set even on failure, so the caller can
 * answer the request with a failure status.
 */
int vstor_req_parse(const u8 *pkt, u32 len, struct vstor_req *r, const char **field);

/* The i-th page number of the range (i < r->npfns). */
u64 vstor_req_pfn(const struct vstor_req *r, u32 i);

/* What a controller takes (drivers/scsi/storvsc_drv.c limits, the properties we sent). */
struct vstor_limits {
	u32 max_paths;		/* path_id < max_paths (IDE: ignored, the host forces it) */
	u32 max_targets;	/* target_id < max_targets */
	u32 max_luns;		/* lun < max_luns */
	u32 max_xfer;		/* data_transfer_length <= max_xfer */
	int ide_target;		/* >= 0: IDE, target_id must equal it */
};

/*
 * Checks the SRB of an EXECUTE_SRB request against the limits and its data range:
 * length, cdb_length (1..16), data_in, data_transfer_length (<= byte_count and the
 * maximum transfer; 0 without a range, and a range only with a data direction),
 * path_id/target_id/lun.  0, or -1 with *field naming the member.
 */
int vstor_srb_check(const struct vstor_req *r, const struct vstor_limits *lim,
		    const char **field);

#endif /* _HVIS_VSTOR_REQ_H */
