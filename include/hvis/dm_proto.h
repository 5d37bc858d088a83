/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm_proto.h: the Dynamic Memory (DM) protocol spoken over the DM VMBus channel,
 * shared by hvis_balloon.ko and the fake host's DM backend.
 *
 * Every fact here is from drivers/hv/hv_balloon.c (torvalds/linux), where the
 * protocol structs are private to the file: enum dm_message_type, union dm_version,
 * DYNMEM_MAKE_VERSION / DYNMEM_PROTOCOL_VERSION_*, union dm_caps,
 * union dm_mem_page_range, struct dm_header and the message structs.  Bit fields of
 * the upstream structs are spelled as plain little-endian words with masks here, so
 * parsing never depends on the compiler's bit-field layout.
 */
#ifndef _HVIS_DM_PROTO_H
#define _HVIS_DM_PROTO_H

#include "types.h"

/* The DM device's class GUID, HV_DM_GUID, is in vmbus_proto.h with the other classes. */

/* Versions: major << 16 | minor (hv_balloon.c DYNMEM_MAKE_VERSION). */
#define DM_MAKE_VERSION(maj, min)	((u32)(((u32)(maj) << 16) | (u32)(min)))
#define DM_VERSION_MAJOR(v)		((u32)(v) >> 16)
#define DM_VERSION_MINOR(v)		((u32)(v) & 0xffff)
#define DM_VERSION_WIN7			DM_MAKE_VERSION(0, 3)	/* DYNMEM_PROTOCOL_VERSION_1 */
#define DM_VERSION_WIN8			DM_MAKE_VERSION(1, 0)	/* DYNMEM_PROTOCOL_VERSION_2 */
#define DM_VERSION_WIN10		DM_MAKE_VERSION(2, 0)	/* DYNMEM_PROTOCOL_VERSION_3 */

/* Message types (hv_balloon.c enum dm_message_type). */
enum dm_msg_type {
	DM_ERROR = 0,
	DM_VERSION_REQUEST = 1,
	DM_VERSION_RESPONSE = 2,
	DM_CAPABILITIES_REPORT = 3,
	DM_CAPABILITIES_RESPONSE = 4,
	DM_STATUS_REPORT = 5,
	DM_BALLOON_REQUEST = 6,
	DM_BALLOON_RESPONSE = 7,
	DM_UNBALLOON_REQUEST = 8,
	DM_UNBALLOON_RESPONSE = 9,
	DM_MEM_HOT_ADD_REQUEST = 10,
	DM_MEM_HOT_ADD_RESPONSE = 11,
	DM_INFO_MESSAGE = 12,		/* protocol 1.0 and later */
	DM_MSG_TYPE_COUNT
};

/* Every message starts with this; size counts the header (hv_balloon.c struct dm_header). */
struct dm_header {
	u16 type;
	u16 size;
	u32 trans_id;		/* made up by the guest */
} __packed;
static_assert(sizeof(struct dm_header) == 8, "dm_header");

/*
 * A page range (hv_balloon.c union dm_mem_page_range): bits 0-39 the first PFN,
 * bits 40-63 the page count, in 4 KiB pages.
 */
#define DM_RANGE_PFN_BITS	40
#define DM_RANGE_MAX_PFN	((1ull << DM_RANGE_PFN_BITS) - 1)
#define DM_RANGE_MAX_COUNT	((1u << 24) - 1)
#define DM_RANGE(pfn, cnt)	\
	(((u64)(pfn) & DM_RANGE_MAX_PFN) | ((u64)(cnt) << DM_RANGE_PFN_BITS))
#define DM_RANGE_START(r)	((u64)(r) & DM_RANGE_MAX_PFN)
#define DM_RANGE_COUNT(r)	((u32)((u64)(r) >> DM_RANGE_PFN_BITS))

/* Capability bits (hv_balloon.c union dm_caps). */
#define DM_CAP_BALLOON			0x1ull
#define DM_CAP_HOT_ADD			0x2ull
#define DM_CAP_ALIGN_SHIFT		2	/* 4 bits: hot-add alignment 2^n MiB */
#define DM_CAP_ALIGN_MASK		(0xfull << DM_CAP_ALIGN_SHIFT)

/* Guest -> host: the version the guest asks for (hv_balloon.c struct dm_version_request). */
struct dm_version_request {
	struct dm_header hdr;
	u32 version;
	u32 flags;		/* bit 0: is_last_attempt */
} __packed;
static_assert(sizeof(struct dm_version_request) == 16, "dm_version_request");
#define DM_VERSION_LAST_ATTEMPT	1u

/* Host -> guest (hv_balloon.c struct dm_version_response): bit 0 is_accepted. */
struct dm_version_response {
	struct dm_header hdr;
	u64 flags;
} __packed;
static_assert(sizeof(struct dm_version_response) == 16, "dm_version_response");
#define DM_ACCEPTED		1ull

/* Guest -> host (hv_balloon.c struct dm_capabilities). */
struct dm_capabilities {
	struct dm_header hdr;
	u64 caps;
	u64 min_page_cnt;
	u64 max_page_number;
} __packed;
static_assert(sizeof(struct dm_capabilities) == 32, "dm_capabilities");

/* Host -> guest (hv_balloon.c struct dm_capabilities_resp_msg): bit 0 is_accepted. */
struct dm_capabilities_resp {
	struct dm_header hdr;
	u64 flags;
} __packed;
static_assert(sizeof(struct dm_capabilities_resp) == 16, "dm_capabilities_resp");

/* Guest -> host, once a second, no answer (hv_balloon.c struct dm_status); in 4 KiB pages. */
struct dm_status {
	struct dm_header hdr;
	u64 num_avail;
	u64 num_committed;
	u64 page_file_size;
	u64 zero_free;
	u32 page_file_writes;
	u32 io_diff;
} __packed;
static_assert(sizeof(struct dm_status) == 48, "dm_status");

/* Host -> guest: give num_pages pages back (hv_balloon.c struct dm_balloon). */
struct dm_balloon {
	struct dm_header hdr;
	u32 num_pages;
	u32 reservedz;
} __packed;
static_assert(sizeof(struct dm_balloon) == 16, "dm_balloon");

/*
 * Guest -> host: the pages taken (hv_balloon.c struct dm_balloon_response).  Word
 * `flags`: bit 0 more_pages, bits 1-31 range_count.  One message is at most 4 KiB
 * (hv_balloon.c balloon_up_send_buffer is HV_HYP_PAGE_SIZE).
 */
struct dm_balloon_response {
	struct dm_header hdr;
	u32 reservedz;
	u32 flags;
	u64 range_array[];
} __packed;
static_assert(sizeof(struct dm_balloon_response) == 16, "dm_balloon_response");
#define DM_BALLOON_RESP_MORE		1u
#define DM_BALLOON_RESP_COUNT(f)	((u32)(f) >> 1)
#define DM_BALLOON_RESP_FLAGS(more, cnt) (((u32)(cnt) << 1) | ((more) ? 1u : 0u))

/* Largest DM message either side sends or accepts (one 4 KiB page, hv_balloon.c recv_buffer). */
#define DM_MSG_MAX		4096u
#define DM_BALLOON_RESP_MAX_RANGES ((DM_MSG_MAX - sizeof(struct dm_balloon_response)) / 8)

/* Host -> guest: take these pages back (hv_balloon.c struct dm_unballoon_request). */
struct dm_unballoon_request {
	struct dm_header hdr;
	u32 flags;		/* bit 0 more_pages */
	u32 range_count;
	u64 range_array[];
} __packed;
static_assert(sizeof(struct dm_unballoon_request) == 16, "dm_unballoon_request");
#define DM_UNBALLOON_MORE	1u
#define DM_UNBALLOON_MAX_RANGES ((DM_MSG_MAX - sizeof(struct dm_unballoon_request)) / 8)

/* Guest -> host, after the last unballoon message (hv_balloon.c struct dm_unballoon_response). */
struct dm_unballoon_response {
	struct dm_header hdr;
} __packed;
static_assert(sizeof(struct dm_unballoon_response) == 8, "dm_unballoon_response");

/*
 * Host -> guest: hot-add (hv_balloon.c struct dm_hot_add).  A second range, the
 * host-specified hot-add region, follows when hdr.size is larger than the struct
 * (hv_balloon.c balloon_onchannelcallback, DM_MEM_HOT_ADD_REQUEST, reads range[1]).
 */
struct dm_hot_add {
	struct dm_header hdr;
	u64 range;
} __packed;
static_assert(sizeof(struct dm_hot_add) == 16, "dm_hot_add");

struct dm_hot_add_with_region {
	struct dm_header hdr;
	u64 range;
	u64 region;
} __packed;
static_assert(sizeof(struct dm_hot_add_with_region) == 24, "dm_hot_add_with_region");

/* Guest -> host (hv_balloon.c struct dm_hot_add_response): result 1 success, 0 failure. */
struct dm_hot_add_response {
	struct dm_header hdr;
	u32 page_count;
	u32 result;
} __packed;
static_assert(sizeof(struct dm_hot_add_response) == 16, "dm_hot_add_response");

/* Host -> guest information TLVs (hv_balloon.c struct dm_info_msg, dm_info_header). */
struct dm_info_msg {
	struct dm_header hdr;
	u32 reserved;
	u32 info_size;
	u8 info[];
} __packed;
static_assert(sizeof(struct dm_info_msg) == 16, "dm_info_msg");

struct dm_info_header {
	u32 type;
	u32 data_size;
} __packed;
static_assert(sizeof(struct dm_info_header) == 8, "dm_info_header");
#define DM_INFO_TYPE_MAX_PAGE_CNT	0	/* hv_balloon.c enum dm_info_type: a u64 follows */

#endif /* _HVIS_DM_PROTO_H */
