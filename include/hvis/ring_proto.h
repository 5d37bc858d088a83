/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring_proto.h: the VMBus ring buffer and packet wire formats, shared by the guest,
 * the fake host and the tests.
 *
 * Facts from include/linux/hyperv.h (struct hv_ring_buffer, struct vmpacket_descriptor,
 * enum vmbus_packet_type) and drivers/hv/ring_buffer.c (the trailing index).
 */
#ifndef _HVIS_RING_PROTO_H
#define _HVIS_RING_PROTO_H

#include "types.h"

#define HV_RING_HEADER_BYTES	4096u

/* Bit 0 of feature_bits: the writer honours pending_send_sz. */
#define HV_RING_FEAT_PENDING_SEND_SZ	0x1u

struct hv_ring_buffer_header {
	u32 write_index;	/* byte offset into the data area, written by the producer */
	u32 read_index;		/* byte offset into the data area, written by the consumer */
	u32 interrupt_mask;	/* set by the consumer while it drains */
	u32 pending_send_sz;	/* set by a producer waiting for this much space */
	u32 reserved1[12];
	u32 feature_bits;
	u8 reserved2[HV_RING_HEADER_BYTES - 68];
};

static_assert(sizeof(struct hv_ring_buffer_header) == HV_RING_HEADER_BYTES, "ring header");
static_assert(__builtin_offsetof(struct hv_ring_buffer_header, feature_bits) == 64, "feature_bits");

enum vmbus_packet_type {
	VM_PKT_INVALID			= 0x0,
	VM_PKT_SYNCH			= 0x1,
	VM_PKT_ADD_XFER_PAGESET		= 0x2,
	VM_PKT_RM_XFER_PAGESET		= 0x3,
	VM_PKT_ESTABLISH_GPADL		= 0x4,
	VM_PKT_TEARDOWN_GPADL		= 0x5,
	VM_PKT_DATA_INBAND		= 0x6,
	VM_PKT_DATA_USING_XFER_PAGES	= 0x7,
	VM_PKT_DATA_USING_GPADL		= 0x8,
	VM_PKT_DATA_USING_GPA_DIRECT	= 0x9,
	VM_PKT_CANCEL_REQUEST		= 0xa,
	VM_PKT_COMP			= 0xb,
	VM_PKT_DATA_USING_ADDITIONAL_PKT = 0xc,
	VM_PKT_ADDITIONAL_DATA		= 0xd,
};

#define VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED	1u

struct vmpacket_descriptor {
	u16 type;
	u16 offset8;	/* payload offset from the descriptor, in 8-byte units */
	u16 len8;	/* whole packet length (descriptor included, trailer not), 8-byte units */
	u16 flags;
	u64 trans_id;
} __packed;
static_assert(sizeof(struct vmpacket_descriptor) == 16, "vmpacket_descriptor");

/* Every packet is followed by this: the producer's write index before it, in bits 63..32. */
#define VMBUS_PKT_TRAILER_BYTES	8u

/* GPA-direct packet header (include/linux/hyperv.h vmdata_gpa_direct). */
struct vmdata_gpa_direct {
	struct vmpacket_descriptor d;
	u32 reserved;
	u32 range_cnt;
	/* struct vmbus_gpa_range ranges follow */
} __packed;
static_assert(sizeof(struct vmdata_gpa_direct) == 24, "vmdata_gpa_direct");

/* Transfer-page packet header (include/linux/hyperv.h vmtransfer_page_packet_header). */
struct vmtransfer_page_range {
	u32 byte_count;
	u32 byte_offset;
} __packed;

struct vmtransfer_page_packet_header {
	struct vmpacket_descriptor d;
	u16 xfer_pageset_id;
	u8 sender_owns_set;
	u8 reserved;
	u32 range_cnt;
	struct vmtransfer_page_range ranges[];
} __packed;
static_assert(sizeof(struct vmtransfer_page_packet_header) == 24, "xfer page header");

#endif /* _HVIS_RING_PROTO_H */
