/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storvsc_proto.h: the synthetic storage protocol (VSTOR) that hvis_storvsc.ko and the
 * fake host's storage backend (storvsp) speak over a VMBus channel: one 64-byte
 * vstor_packet per request or completion, SCSI commands carried in a vmscsi_request
 * (an SRB), data passed as a GPA-direct page list in front of the packet.
 *
 * Facts are from drivers/scsi/storvsc_drv.c (torvalds/linux: operations, packet and SRB
 * layouts, flags, SRB status codes, versions) and include/linux/hyperv.h (class GUIDs,
 * which are in vmbus_proto.h with the other classes).
 */
#ifndef _HVIS_STORVSC_PROTO_H
#define _HVIS_STORVSC_PROTO_H

#include "types.h"

/* Versions: (major << 8) | minor (storvsc_drv.c VMSTOR_PROTO_VERSION). */
#define VMSTOR_VERSION(major, minor)	((u16)((((major) & 0xff) << 8) | ((minor) & 0xff)))
#define VMSTOR_VERSION_WIN8		VMSTOR_VERSION(5, 1)
#define VMSTOR_VERSION_WIN8_1		VMSTOR_VERSION(6, 0)
#define VMSTOR_VERSION_WIN10		VMSTOR_VERSION(6, 2)

/* Operations (storvsc_drv.c enum vstor_packet_operation). */
enum vstor_operation {
	VSTOR_OP_COMPLETE_IO		= 1,
	VSTOR_OP_REMOVE_DEVICE		= 2,
	VSTOR_OP_EXECUTE_SRB		= 3,
	VSTOR_OP_RESET_LUN		= 4,
	VSTOR_OP_RESET_ADAPTER		= 5,
	VSTOR_OP_RESET_BUS		= 6,
	VSTOR_OP_BEGIN_INITIALIZATION	= 7,
	VSTOR_OP_END_INITIALIZATION	= 8,
	VSTOR_OP_QUERY_PROTOCOL_VERSION	= 9,
	VSTOR_OP_QUERY_PROPERTIES	= 10,
	VSTOR_OP_ENUMERATE_BUS		= 11,
	VSTOR_OP_FCHBA_DATA		= 12,
	VSTOR_OP_CREATE_SUB_CHANNELS	= 13,
	VSTOR_OP_MAX			= 13,
};

/* The operation's name, for log lines and events ("unknown" outside the table). */
static inline const char *vstor_op_name(u32 op)
{
	switch (op) {
	case VSTOR_OP_COMPLETE_IO:
		return "COMPLETE_IO";
	case VSTOR_OP_REMOVE_DEVICE:
		return "REMOVE_DEVICE";
	case VSTOR_OP_EXECUTE_SRB:
		return "EXECUTE_SRB";
	case VSTOR_OP_RESET_LUN:
		return "RESET_LUN";
	case VSTOR_OP_RESET_ADAPTER:
		return "RESET_ADAPTER";
	case VSTOR_OP_RESET_BUS:
		return "RESET_BUS";
	case VSTOR_OP_BEGIN_INITIALIZATION:
		return "BEGIN_INITIALIZATION";
	case VSTOR_OP_END_INITIALIZATION:
		return "END_INITIALIZATION";
	case VSTOR_OP_QUERY_PROTOCOL_VERSION:
		return "QUERY_PROTOCOL_VERSION";
	case VSTOR_OP_QUERY_PROPERTIES:
		return "QUERY_PROPERTIES";
	case VSTOR_OP_ENUMERATE_BUS:
		return "ENUMERATE_BUS";
	case VSTOR_OP_FCHBA_DATA:
		return "FCHBA_DATA";
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		return "CREATE_SUB_CHANNELS";
	default:
		return "unknown";
	}
}

/* vstor_packet.flags: the sender wants a completion (storvsc_drv.c). */
#define VSTOR_FLAG_REQUEST_COMPLETION	0x1

/*
 * vstor_packet.status: an NTSTATUS-style word; the host sets 0 on success and
 * storvsc_drv.c treats anything else as failure of a control operation.
 */
#define VSTOR_STATUS_SUCCESS		0u
/* The value the fake host uses for a refused control request (NTSTATUS "unsuccessful"). */
#define VSTOR_STATUS_UNSUCCESSFUL	0xc0000001u

/* Limits (storvsc_drv.c STORVSC_MAX_CMD_LEN, STORVSC_SENSE_BUFFER_SIZE). */
#define VSTOR_CDB_MAX			16
#define VSTOR_SENSE_MAX			20

/* vmscsi_request.data_in (storvsc_drv.c enum storvsc_request_type). */
enum vstor_data_dir {
	VSTOR_DATA_OUT		= 0,	/* WRITE_TYPE */
	VSTOR_DATA_IN		= 1,	/* READ_TYPE */
	VSTOR_DATA_NONE		= 2,	/* UNKNOWN_TYPE */
};

/* vmscsi_request.srb_flags (storvsc_drv.c SRB_FLAGS_*). */
#define SRB_FLAGS_QUEUE_ACTION_ENABLE	0x00000002
#define SRB_FLAGS_DISABLE_SYNCH_TRANSFER 0x00000008
#define SRB_FLAGS_DISABLE_AUTOSENSE	0x00000020
#define SRB_FLAGS_DATA_IN		0x00000040
#define SRB_FLAGS_DATA_OUT		0x00000080
#define SRB_FLAGS_NO_QUEUE_FREEZE	0x00000100

/* vmscsi_request.queue_tag / queue_action (storvsc_drv.c SP_UNTAGGED, SRB_SIMPLE_TAG_REQUEST). */
#define VSTOR_SP_UNTAGGED		0xff
#define VSTOR_SIMPLE_TAG_REQUEST	0x20

/*
 * vmscsi_request.srb_status: the low six bits are the status code, the top two are
 * flags (storvsc_drv.c SRB_STATUS_*; the other codes are Windows' srb.h values that
 * storvsc_drv.c's comments and OpenVMM's storvsp name).
 */
#define SRB_STATUS_AUTOSENSE_VALID	0x80
#define SRB_STATUS_QUEUE_FROZEN		0x40
#define SRB_STATUS_CODE(s)		((s) & 0x3f)
#define SRB_STATUS_PENDING		0x00
#define SRB_STATUS_SUCCESS		0x01
#define SRB_STATUS_ABORTED		0x02
#define SRB_STATUS_ERROR		0x04
#define SRB_STATUS_INVALID_REQUEST	0x06
#define SRB_STATUS_NO_DEVICE		0x08
#define SRB_STATUS_TIMEOUT		0x09
#define SRB_STATUS_SELECTION_TIMEOUT	0x0a
#define SRB_STATUS_BUS_RESET		0x0e
#define SRB_STATUS_DATA_OVERRUN		0x12
#define SRB_STATUS_INVALID_LUN		0x20
#define SRB_STATUS_INTERNAL_ERROR	0x30

/* The SCSI request block (storvsc_drv.c struct vmscsi_request, Windows 8 layout). */
struct vmscsi_request {
	u16 length;			/* sizeof(struct vmscsi_request) */
	u8 srb_status;
	u8 scsi_status;
	u8 port_number;
	u8 path_id;			/* the SCSI channel */
	u8 target_id;
	u8 lun;
	u8 cdb_length;
	u8 sense_info_length;
	u8 data_in;			/* enum vstor_data_dir */
	u8 reserved;
	u32 data_transfer_length;
	union {
		u8 cdb[VSTOR_CDB_MAX];
		u8 sense_data[VSTOR_SENSE_MAX];
		u8 reserved_array[VSTOR_SENSE_MAX];
	};
	/* Windows 8 extension */
	u16 reserve;
	u8 queue_tag;
	u8 queue_action;
	u32 srb_flags;
	u32 time_out_value;		/* seconds */
	u32 queue_sort_key;
} __packed;
static_assert(sizeof(struct vmscsi_request) == 52, "vmscsi_request");

/* QUERY_PROPERTIES answer (storvsc_drv.c struct vmstorage_channel_properties). */
#define VSTOR_PROP_MULTI_CHANNEL	0x1	/* STORAGE_CHANNEL_SUPPORTS_MULTI_CHANNEL */
struct vmstorage_channel_properties {
	u32 reserved;
	u16 max_channel_cnt;
	u16 reserved1;
	u32 flags;
	u32 max_transfer_bytes;
	u64 reserved2;
} __packed;
static_assert(sizeof(struct vmstorage_channel_properties) == 24, "channel_properties");

/* The OPENCHANNEL user data the guest passes (storvsc_drv.c: properties, zeroed). */
#define VSTOR_OPEN_USERDATA_BYTES	sizeof(struct vmstorage_channel_properties)

/* Channel property flags in the offer's user data (storvsc_drv.c). */
#define VSTOR_CHANNEL_REMOVABLE		0x1
#define VSTOR_CHANNEL_EMULATED_IDE	0x2

/* QUERY_PROTOCOL_VERSION (storvsc_drv.c struct vmstorage_protocol_version). */
struct vmstorage_protocol_version {
	u16 major_minor;
	u16 revision;			/* 0 */
} __packed;
static_assert(sizeof(struct vmstorage_protocol_version) == 4, "protocol_version");

/* FCHBA_DATA (storvsc_drv.c struct hv_fc_wwn_packet); WWNs big-endian byte strings. */
struct vstor_fc_wwn {
	u8 primary_active;
	u8 reserved1[3];
	u8 primary_port_wwn[8];
	u8 primary_node_wwn[8];
	u8 secondary_port_wwn[8];
	u8 secondary_node_wwn[8];
} __packed;
static_assert(sizeof(struct vstor_fc_wwn) == 36, "fc_wwn");

/* The packet itself (storvsc_drv.c struct vstor_packet): 12-byte header, 52-byte union. */
#define VSTOR_PAYLOAD_BYTES		0x34
struct vstor_packet {
	u32 operation;			/* enum vstor_operation */
	u32 flags;
	u32 status;
	union {
		struct vmscsi_request srb;
		struct vmstorage_channel_properties props;
		struct vmstorage_protocol_version version;
		struct vstor_fc_wwn wwn;
		u16 sub_channel_count;
		u8 buffer[VSTOR_PAYLOAD_BYTES];
	};
} __packed;
static_assert(sizeof(struct vstor_packet) == 64, "vstor_packet");

/*
 * Host-initiated packets (ENUMERATE_BUS, REMOVE_DEVICE, FCHBA_DATA) carry transaction
 * id 0; storvsc_drv.c takes 4 bytes (the operation) as their minimum length and a whole
 * vstor_packet for everything else.
 */
#define VSTOR_UNSOLICITED_MIN_BYTES	4

/*
 * Host adapter limits (storvsc_drv.c STORVSC_*_MAX_*): the SCSI controller has 2
 * targets of 255 LUNs on 8 channels, the Fibre Channel one 128 targets of 255 LUNs on
 * 8 channels and at most 512 KiB per transfer, the IDE one a single target (numbered
 * from the instance GUID's bytes 4-5) of 64 LUNs on one channel.
 */
#define VSTOR_SCSI_MAX_LUNS		255
#define VSTOR_SCSI_MAX_TARGETS		2
#define VSTOR_SCSI_MAX_CHANNELS		8
#define VSTOR_FC_MAX_LUNS		255
#define VSTOR_FC_MAX_TARGETS		128
#define VSTOR_FC_MAX_CHANNELS		8
#define VSTOR_FC_MAX_XFER_BYTES		(512u * 1024)
#define VSTOR_IDE_MAX_LUNS		64

#endif /* _HVIS_STORVSC_PROTO_H */
