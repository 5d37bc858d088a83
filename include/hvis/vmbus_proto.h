/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmbus_proto.h: VMBus channel-management wire formats, shared by the guest bus
 * (drivers/vmbus), the fake host (tools/fakehost) and the unit tests.
 *
 * Facts from include/linux/hyperv.h and drivers/hv/hyperv_vmbus.h (upstream Linux)
 * and the Hyper-V TLFS (include/hyperv/hvgdk_mini.h, formerly
 * include/asm-generic/hyperv-tlfs.h).  Every size is checked below.
 */
#ifndef _HVIS_VMBUS_PROTO_H
#define _HVIS_VMBUS_PROTO_H

#include "types.h"

/* ---- SynIC (TLFS; include/hyperv/hvgdk_mini.h) ---- */

#define HV_HYP_PAGE_SIZE	4096u
#define HV_SYNIC_SINT_COUNT	16u
#define HV_MESSAGE_SIZE		256u
#define HV_MESSAGE_PAYLOAD_BYTES 240u
#define HV_EVENT_FLAGS_BYTES	256u	/* per SINT: 2048 bits */
#define HV_EVENT_FLAGS_BITS	(HV_EVENT_FLAGS_BYTES * 8)

#define HVMSG_NONE		0x00000000u
#define HVMSG_UNMAPPED_GPA	0x80000000u
#define HVMSG_TIMER_EXPIRED	0x80000010u

#define HV_MESSAGE_FLAG_PENDING	0x01u

/* Hyper-V's VMBus uses SINT 2 (drivers/hv/hyperv_vmbus.h VMBUS_MESSAGE_SINT). */
#define VMBUS_MESSAGE_SINT	2u

/* Connection ids (drivers/hv/hyperv_vmbus.h). */
#define VMBUS_MESSAGE_CONNECTION_ID	1u
#define VMBUS_MESSAGE_CONNECTION_ID_4	4u	/* INITIATE_CONTACT on protocol >= 5.0 */
#define VMBUS_MESSAGE_PORT_ID		1u
#define VMBUS_EVENT_CONNECTION_ID	2u
#define VMBUS_MONITOR_CONNECTION_ID	3u

/* HvPostMessage "message type" for VMBus channel messages (drivers/hv/connection.c). */
#define HV_POST_MESSAGE_TYPE_VMBUS	1u

/* Hypercall status codes (TLFS; hvgdk_mini.h). */
#define HV_STATUS_SUCCESS			0x0u
#define HV_STATUS_INSUFFICIENT_MEMORY		0xBu
#define HV_STATUS_INVALID_CONNECTION_ID		0x12u
#define HV_STATUS_INSUFFICIENT_BUFFERS		0x13u

struct hv_message_header {
	u32 message_type;
	u8 payload_size;
	u8 message_flags;
	u8 reserved[2];
	u64 sender;	/* port id or sender */
} __packed;
static_assert(sizeof(struct hv_message_header) == 16, "hv_message_header");

/* One slot of the SynIC message page. */
struct hv_message {
	struct hv_message_header header;
	u8 payload[HV_MESSAGE_PAYLOAD_BYTES];
} __packed __aligned(8);
static_assert(sizeof(struct hv_message) == HV_MESSAGE_SIZE, "hv_message");

struct hv_message_page {
	struct hv_message sint_message[HV_SYNIC_SINT_COUNT];
};

static_assert(sizeof(struct hv_message_page) == HV_HYP_PAGE_SIZE, "hv_message_page");

struct hv_event_flags_page {
	u8 flags[HV_SYNIC_SINT_COUNT][HV_EVENT_FLAGS_BYTES];
};

static_assert(sizeof(struct hv_event_flags_page) == HV_HYP_PAGE_SIZE, "hv_event_flags_page");

/* Input page of HvPostMessage (TLFS; drivers/hv/hyperv_vmbus.h hv_input_post_message). */
struct hv_input_post_message {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u8 payload[HV_MESSAGE_PAYLOAD_BYTES];
} __packed;
static_assert(sizeof(struct hv_input_post_message) == 256, "hv_input_post_message");

/* ---- VMBus protocol versions (include/linux/hyperv.h VERSION_*) ---- */

#define VMBUS_MAKE_VERSION(maj, min)	(((u32)(maj) << 16) | (u32)(min))
#define VMBUS_VERSION_MAJOR(v)		((v) >> 16)
#define VMBUS_VERSION_MINOR(v)		((v) & 0xffff)
#define VERSION_WS2008			VMBUS_MAKE_VERSION(0, 13)
#define VERSION_WIN7			VMBUS_MAKE_VERSION(1, 1)
#define VERSION_WIN8			VMBUS_MAKE_VERSION(2, 4)
#define VERSION_WIN8_1			VMBUS_MAKE_VERSION(3, 0)
#define VERSION_WIN10			VMBUS_MAKE_VERSION(4, 0)
#define VERSION_WIN10_V4_1		VMBUS_MAKE_VERSION(4, 1)
#define VERSION_WIN10_V5		VMBUS_MAKE_VERSION(5, 0)
#define VERSION_WIN10_V5_1		VMBUS_MAKE_VERSION(5, 1)
#define VERSION_WIN10_V5_2		VMBUS_MAKE_VERSION(5, 2)
#define VERSION_WIN10_V5_3		VMBUS_MAKE_VERSION(5, 3)

/* Relids the guest tracks (drivers/hv/hyperv_vmbus.h MAX_CHANNEL_RELIDS). */
#define VMBUS_MAX_CHANNEL_RELIDS	2048u
#define VMBUS_INVALID_RELID		0xffffffffu

/* ---- Channel messages (include/linux/hyperv.h enum vmbus_channel_message_type) ---- */

/* Sizes, names and directions of these are in lib/vmbus_msg.c. */
enum vmbus_channel_message_type {
	CHANNELMSG_INVALID = 0,
	CHANNELMSG_OFFERCHANNEL = 1,
	CHANNELMSG_RESCIND_CHANNELOFFER = 2,
	CHANNELMSG_REQUESTOFFERS = 3,
	CHANNELMSG_ALLOFFERS_DELIVERED = 4,
	CHANNELMSG_OPENCHANNEL = 5,
	CHANNELMSG_OPENCHANNEL_RESULT = 6,
	CHANNELMSG_CLOSECHANNEL = 7,
	CHANNELMSG_GPADL_HEADER = 8,
	CHANNELMSG_GPADL_BODY = 9,
	CHANNELMSG_GPADL_CREATED = 10,
	CHANNELMSG_GPADL_TEARDOWN = 11,
	CHANNELMSG_GPADL_TORNDOWN = 12,
	CHANNELMSG_RELID_RELEASED = 13,
	CHANNELMSG_INITIATE_CONTACT = 14,
	CHANNELMSG_VERSION_RESPONSE = 15,
	CHANNELMSG_UNLOAD = 16,
	CHANNELMSG_UNLOAD_RESPONSE = 17,
	/* 18 to 20 are unused */
	CHANNELMSG_TL_CONNECT_REQUEST = 21,
	CHANNELMSG_MODIFYCHANNEL = 22,
	CHANNELMSG_TL_CONNECT_RESULT = 23,
	CHANNELMSG_MODIFYCHANNEL_RESPONSE = 24,
	CHANNELMSG_COUNT = 25,
};

struct vmbus_channel_message_header {
	u32 msgtype;
	u32 padding;
} __packed;
static_assert(sizeof(struct vmbus_channel_message_header) == 8, "msg header");

#define VMBUS_OFFER_USER_DEFINED_BYTES		120
#define VMBUS_OFFER_PIPE_USER_DEFINED_BYTES	116

/* Offer channel flags (include/linux/hyperv.h VMBUS_CHANNEL_*). */
#define VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE	0x0001u
#define VMBUS_CHANNEL_SERVER_SUPPORTS_TRANSFER_PAGES	0x0002u
#define VMBUS_CHANNEL_SERVER_SUPPORTS_GPADLS		0x0004u
#define VMBUS_CHANNEL_NAMED_PIPE_MODE			0x0010u
#define VMBUS_CHANNEL_LOOPBACK_OFFER			0x0100u
#define VMBUS_CHANNEL_PARENT_OFFER			0x0200u
#define VMBUS_CHANNEL_REQUEST_MONITORED_NOTIFICATION	0x0400u
#define VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER		0x2000u

struct vmbus_channel_offer {
	struct hvis_guid if_type;
	struct hvis_guid if_instance;
	u64 reserved1;
	u64 reserved2;
	u16 chn_flags;
	u16 mmio_megabytes;
	union {
		u8 user_def[VMBUS_OFFER_USER_DEFINED_BYTES];
		struct {
			u32 pipe_mode;
			u8 user_def[VMBUS_OFFER_PIPE_USER_DEFINED_BYTES];
		} __packed pipe;
	} u;
	u16 sub_channel_index;
	u16 reserved3;
} __packed;
static_assert(sizeof(struct vmbus_channel_offer) == 176, "vmbus_channel_offer");

struct vmbus_channel_offer_channel {
	struct vmbus_channel_message_header header;
	struct vmbus_channel_offer offer;
	u32 child_relid;
	u8 monitorid;
	u8 monitor_allocated;		/* bit 0; other bits reserved */
	u16 is_dedicated_interrupt;	/* bit 0; other bits reserved */
	u32 connection_id;
} __packed;
static_assert(sizeof(struct vmbus_channel_offer_channel) == 196, "offer_channel");

/*
 * The two monitor pages the guest gives in INITIATE_CONTACT (monitor_page1: the
 * host's, "server"; monitor_page2: the guest's, "client").  An offer with
 * monitor_allocated owns slot monitorid: trigger group monitorid / 32, entry
 * monitorid % 32 (drivers/hv/hyperv_vmbus.h struct hv_monitor_page, 4096 bytes;
 * drivers/hv/vmbus_drv.c channel_pending/latency/conn_id read it).
 */
#define VMBUS_MONITOR_GROUPS		4
#define VMBUS_MONITOR_PER_GROUP		32
#define VMBUS_MAX_MONITOR_ID		(VMBUS_MONITOR_GROUPS * VMBUS_MONITOR_PER_GROUP - 1)

struct hv_monitor_trigger_group {
	u32 pending;
	u32 armed;
} __packed;

struct hv_monitor_parameter {
	u32 connection_id;
	u16 flag_number;
	u16 rsvdz;
} __packed;

struct hv_monitor_page {
	u32 trigger_state;
	u32 rsvdz1;
	struct hv_monitor_trigger_group trigger_group[VMBUS_MONITOR_GROUPS];
	u64 rsvdz2[3];
	s32 next_checktime[VMBUS_MONITOR_GROUPS][VMBUS_MONITOR_PER_GROUP];
	u16 latency[VMBUS_MONITOR_GROUPS][VMBUS_MONITOR_PER_GROUP];
	u64 rsvdz3[32];
	struct hv_monitor_parameter parameter[VMBUS_MONITOR_GROUPS][VMBUS_MONITOR_PER_GROUP];
	u8 rsvdz4[1984];
} __packed;
static_assert(sizeof(struct hv_monitor_page) == 4096, "hv_monitor_page");
static_assert(__builtin_offsetof(struct hv_monitor_page, latency) == 576,
	      "hv_monitor_page.latency");
static_assert(__builtin_offsetof(struct hv_monitor_page, parameter) == 1088,
	      "hv_monitor_page.parameter");

struct vmbus_channel_rescind_offer {
	struct vmbus_channel_message_header header;
	u32 child_relid;
} __packed;
static_assert(sizeof(struct vmbus_channel_rescind_offer) == 12, "rescind");

struct vmbus_channel_open_channel {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 openid;
	u32 ringbuffer_gpadlhandle;
	u32 target_vp;
	u32 downstream_ringbuffer_pageoffset;	/* 4 KiB pages before the host-to-guest ring */
	u8 userdata[VMBUS_OFFER_USER_DEFINED_BYTES];
} __packed;
static_assert(sizeof(struct vmbus_channel_open_channel) == 148, "open_channel");

struct vmbus_channel_open_result {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 openid;
	u32 status;
} __packed;
static_assert(sizeof(struct vmbus_channel_open_result) == 20, "open_result");

struct vmbus_channel_close_channel {
	struct vmbus_channel_message_header header;
	u32 child_relid;
} __packed;
static_assert(sizeof(struct vmbus_channel_close_channel) == 12, "close_channel");

/* GPADL types (include/linux/hyperv.h). */
#define VMBUS_GPADL_TYPE_RING_BUFFER	1
#define VMBUS_GPADL_TYPE_SERVER_SAVE_AREA 2
#define VMBUS_GPADL_TYPE_TRANSACTION	8

struct vmbus_gpa_range {
	u32 byte_count;
	u32 byte_offset;
	u64 pfn_array[];
} __packed;
static_assert(sizeof(struct vmbus_gpa_range) == 8, "gpa_range");

struct vmbus_channel_gpadl_header {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 gpadl;
	u16 range_buflen;	/* bytes of range[] that follow, across header and body messages */
	u16 rangecount;
	/* rangecount struct vmbus_gpa_range follow; hvis always sends one */
} __packed;
static_assert(sizeof(struct vmbus_channel_gpadl_header) == 20, "gpadl_header");

struct vmbus_channel_gpadl_body {
	struct vmbus_channel_message_header header;
	u32 msgnumber;
	u32 gpadl;
	u64 pfn[];
} __packed;
static_assert(sizeof(struct vmbus_channel_gpadl_body) == 16, "gpadl_body");

/* PFNs that fit in one GPADL header / body message (drivers/hv/channel.c). */
#define VMBUS_GPADL_HEADER_MAX_PFNS \
	((HV_MESSAGE_PAYLOAD_BYTES - sizeof(struct vmbus_channel_gpadl_header) - \
	  sizeof(struct vmbus_gpa_range)) / sizeof(u64))
#define VMBUS_GPADL_BODY_MAX_PFNS \
	((HV_MESSAGE_PAYLOAD_BYTES - sizeof(struct vmbus_channel_gpadl_body)) / sizeof(u64))
static_assert(VMBUS_GPADL_HEADER_MAX_PFNS == 26, "gpadl header pfns");
static_assert(VMBUS_GPADL_BODY_MAX_PFNS == 28, "gpadl body pfns");

struct vmbus_channel_gpadl_created {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 gpadl;
	u32 creation_status;
} __packed;
static_assert(sizeof(struct vmbus_channel_gpadl_created) == 20, "gpadl_created");

struct vmbus_channel_gpadl_teardown {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 gpadl;
} __packed;
static_assert(sizeof(struct vmbus_channel_gpadl_teardown) == 16, "gpadl_teardown");

struct vmbus_channel_gpadl_torndown {
	struct vmbus_channel_message_header header;
	u32 gpadl;
} __packed;
static_assert(sizeof(struct vmbus_channel_gpadl_torndown) == 12, "gpadl_torndown");

struct vmbus_channel_relid_released {
	struct vmbus_channel_message_header header;
	u32 child_relid;
} __packed;
static_assert(sizeof(struct vmbus_channel_relid_released) == 12, "relid_released");

struct vmbus_channel_initiate_contact {
	struct vmbus_channel_message_header header;
	u32 vmbus_version_requested;
	u32 target_vcpu;
	union {
		u64 interrupt_page;	/* protocol < 5.0 */
		struct {
			u8 msg_sint;
			u8 msg_vtl;
			u8 reserved[6];
		} __packed;		/* protocol >= 5.0 */
	};
	u64 monitor_page1;
	u64 monitor_page2;
} __packed;
static_assert(sizeof(struct vmbus_channel_initiate_contact) == 40, "initiate_contact");

struct vmbus_channel_version_response {
	struct vmbus_channel_message_header header;
	u8 version_supported;
	u8 connection_state;
	u16 padding;
	u32 msg_conn_id;	/* protocol >= 5.0: connection id for later messages */
} __packed;
static_assert(sizeof(struct vmbus_channel_version_response) == 16, "version_response");

struct vmbus_channel_tl_connect_request {
	struct vmbus_channel_message_header header;
	struct hvis_guid guest_endpoint_id;
	struct hvis_guid host_service_id;
} __packed;
static_assert(sizeof(struct vmbus_channel_tl_connect_request) == 40, "tl_connect_request");

struct vmbus_channel_tl_connect_result {
	struct vmbus_channel_message_header header;
	struct hvis_guid guest_endpoint_id;
	struct hvis_guid host_service_id;
	u32 status;
} __packed;
static_assert(sizeof(struct vmbus_channel_tl_connect_result) == 44, "tl_connect_result");

struct vmbus_channel_modifychannel {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 target_vp;
} __packed;
static_assert(sizeof(struct vmbus_channel_modifychannel) == 16, "modifychannel");

struct vmbus_channel_modifychannel_response {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 status;
} __packed;
static_assert(sizeof(struct vmbus_channel_modifychannel_response) == 16, "modifychannel_response");

/* ---- Device class GUIDs (include/linux/hyperv.h HV_*_GUID) ---- */

/* 57164f39-9115-4e78-ab55-382f3bd5422d */
#define HV_HEARTBEAT_GUID \
	{ { 0x39, 0x4f, 0x16, 0x57, 0x15, 0x91, 0x78, 0x4e, \
	    0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d } }
/* 0e0b6031-5213-4934-818b-38d90ced39db */
#define HV_SHUTDOWN_GUID \
	{ { 0x31, 0x60, 0x0b, 0x0e, 0x13, 0x52, 0x34, 0x49, \
	    0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb } }
/* 9527e630-d0ae-497b-adce-e80ab0175caf */
#define HV_TS_GUID \
	{ { 0x30, 0xe6, 0x27, 0x95, 0xae, 0xd0, 0x7b, 0x49, \
	    0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf } }
/* a9a0f4e7-5a45-4d96-b827-8a841e8c03e6 */
#define HV_KVP_GUID \
	{ { 0xe7, 0xf4, 0xa0, 0xa9, 0x45, 0x5a, 0x96, 0x4d, \
	    0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6 } }
/* 35fa2e29-ea23-4236-96ae-3a6ebacba440 */
#define HV_VSS_GUID \
	{ { 0x29, 0x2e, 0xfa, 0x35, 0x23, 0xea, 0x36, 0x42, \
	    0x96, 0xae, 0x3a, 0x6e, 0xba, 0xcb, 0xa4, 0x40 } }
/* 34d14be3-dee4-41c8-9ae7-6b174977c192 */
#define HV_FCOPY_GUID \
	{ { 0xe3, 0x4b, 0xd1, 0x34, 0xe4, 0xde, 0xc8, 0x41, \
	    0x9a, 0xe7, 0x6b, 0x17, 0x49, 0x77, 0xc1, 0x92 } }
/* 525074dc-8985-46e2-8057-a307dc18a502 */
#define HV_DM_GUID \
	{ { 0xdc, 0x74, 0x50, 0x52, 0x85, 0x89, 0xe2, 0x46, \
	    0x80, 0x57, 0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02 } }
/* ba6163d9-04a1-4d29-b605-72e2ffb1dc7f */
#define HV_SCSI_GUID \
	{ { 0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d, \
	    0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f } }
/* 32412632-86cb-44a2-9b5c-50d1417354f5 */
#define HV_IDE_GUID \
	{ { 0x32, 0x26, 0x41, 0x32, 0xcb, 0x86, 0xa2, 0x44, \
	    0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5 } }
/* 2f9bcc4a-0069-4af3-b76b-6fd0be528cda */
#define HV_SYNTHFC_GUID \
	{ { 0x4a, 0xcc, 0x9b, 0x2f, 0x69, 0x00, 0xf3, 0x4a, \
	    0xb7, 0x6b, 0x6f, 0xd0, 0xbe, 0x52, 0x8c, 0xda } }
/* f8615163-df3e-46c5-913f-f2d2f965ed0e */
#define HV_NIC_GUID \
	{ { 0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46, \
	    0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e } }

/*
 * ---- Fixed instance GUIDs (offer if_instance) Hyper-V gives its integration services ----
 * Userspace finds these devices by instance: tools/hv/hv_fcopy_uio_daemon.c (6.10+)
 * hard-codes the file-copy one in FCOPY_DEVICE_PATH.  Sources: microsoft/openvmm
 * vm/devices/hyperv_ic_protocol (shutdown INSTANCE_ID; kvp.rs, timesync.rs), and for all
 * six ProjectMile/Mile.HyperV Mile.HyperV.VMBus.h IC_*_INSTANCE_ID (from Windows icsvc
 * symbols), agreeing with lsvmbus/devinfo dumps of Hyper-V and Azure guests.
 */

/* fd149e91-82e0-4a7d-afa6-2a4166cbd7c0 (IC_HEARTBEAT_INSTANCE_ID) */
#define HV_HEARTBEAT_INSTANCE \
	{ { 0x91, 0x9e, 0x14, 0xfd, 0xe0, 0x82, 0x7d, 0x4a, \
	    0xaf, 0xa6, 0x2a, 0x41, 0x66, 0xcb, 0xd7, 0xc0 } }
/* b6650ff7-33bc-4840-8048-e0676786f393 (openvmm shutdown INSTANCE_ID) */
#define HV_SHUTDOWN_INSTANCE \
	{ { 0xf7, 0x0f, 0x65, 0xb6, 0xbc, 0x33, 0x40, 0x48, \
	    0x80, 0x48, 0xe0, 0x67, 0x67, 0x86, 0xf3, 0x93 } }
/* 2dd1ce17-079e-403c-b352-a1921ee207ee (openvmm timesync INSTANCE_ID) */
#define HV_TS_INSTANCE \
	{ { 0x17, 0xce, 0xd1, 0x2d, 0x9e, 0x07, 0x3c, 0x40, \
	    0xb3, 0x52, 0xa1, 0x92, 0x1e, 0xe2, 0x07, 0xee } }
/* 242ff919-07db-4180-9c2e-b86cb68c8c55 (openvmm kvp INSTANCE_ID) */
#define HV_KVP_INSTANCE \
	{ { 0x19, 0xf9, 0x2f, 0x24, 0xdb, 0x07, 0x80, 0x41, \
	    0x9c, 0x2e, 0xb8, 0x6c, 0xb6, 0x8c, 0x8c, 0x55 } }
/* 2450ee40-33bf-4fbd-892e-9fb06e9214cf (IC_VSS_INSTANCE_ID) */
#define HV_VSS_INSTANCE \
	{ { 0x40, 0xee, 0x50, 0x24, 0xbf, 0x33, 0xbd, 0x4f, \
	    0x89, 0x2e, 0x9f, 0xb0, 0x6e, 0x92, 0x14, 0xcf } }
/* eb765408-105f-49b6-b4aa-c123b64d17d4 (hv_fcopy_uio_daemon.c FCOPY_DEVICE_PATH) */
#define HV_FCOPY_INSTANCE \
	{ { 0x08, 0x54, 0x76, 0xeb, 0x5f, 0x10, 0xb6, 0x49, \
	    0xb4, 0xaa, 0xc1, 0x23, 0xb6, 0x4d, 0x17, 0xd4 } }

/*
 * hvis's own echo test device: not a Hyper-V class.  Every in-band packet the guest
 * sends is returned unchanged; used for ring stress and benchmarks.
 */
/* 6876697a-6563-686f-8e5c-1d0a2b409137 */
#define HVIS_ECHO_GUID \
	{ { 0x7a, 0x69, 0x76, 0x68, 0x63, 0x65, 0x6f, 0x68, \
	    0x8e, 0x5c, 0x1d, 0x0a, 0x2b, 0x40, 0x91, 0x37 } }

/* ---- input: the console keyboard and mouse ---- */
/* include/linux/hyperv.h: HV_KBD_GUID, HV_MOUSE_GUID */

/* f912ad6d-2b17-48ea-bd65-f927a61c7684 */
#define HV_KBD_GUID \
	{ { 0x6d, 0xad, 0x12, 0xf9, 0x17, 0x2b, 0xea, 0x48, \
	    0xbd, 0x65, 0xf9, 0x27, 0xa6, 0x1c, 0x76, 0x84 } }
/* cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a */
#define HV_MOUSE_GUID \
	{ { 0x9e, 0xb6, 0xa8, 0xcf, 0x4a, 0x5b, 0xc0, 0x4c, \
	    0xb9, 0x8b, 0x8b, 0xa1, 0xa1, 0xf3, 0xf9, 0x5a } }
/* ---- video: include/linux/hyperv.h HV_SYNTHVID_GUID ---- */
/* da0a7802-e377-4aac-8e77-0558eb1073f8 */
#define HV_SYNTHVID_GUID \
	{ { 0x02, 0x78, 0x0a, 0xda, 0x77, 0xe3, 0xac, 0x4a, \
	    0x8e, 0x77, 0x05, 0x58, 0xeb, 0x10, 0x73, 0xf8 } }

#endif /* _HVIS_VMBUS_PROTO_H */
