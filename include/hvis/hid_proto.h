/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hid_proto.h: the synthetic HID (mouse) device's wire format (class HV_MOUSE_GUID).
 * The channel is offered in named-pipe message mode: every in-band packet, both ways,
 * is a pipe header (type DATA, size) followed by one synthhid message, which starts
 * with its own 8-byte header (type, size of what follows).  Sequence: the guest asks
 * for protocol 2.0, the host answers and sends the device info (vendor, product,
 * a HID class descriptor and the report descriptor), the guest acknowledges it, then
 * the host sends input reports.
 * Sources: drivers/hid/hid-hyperv.c (struct pipe_prt_msg, synthhid_*, hv_input_dev_info,
 * SYNTHHID_INPUT_VERSION); include/linux/hid.h (struct hid_descriptor, HID_DT_HID 0x21,
 * HID_DT_REPORT 0x22, HID_MAX_DESCRIPTOR_SIZE 4096); microsoft/openvmm
 * vm/devices/uidevices/src/mouse/protocol.rs (MAX_HID_MESSAGE_SIZE 512).
 */
#ifndef _HVIS_HID_PROTO_H
#define _HVIS_HID_PROTO_H

#include "types.h"

/* hid-hyperv.c: SYNTHHID_INPUT_VERSION_MAJOR 2, _MINOR 0, (major << 16) | minor */
#define HVIS_SYNTHHID_VERSION		0x00020000u

/* hid-hyperv.c enum pipe_prot_msg_type: PIPE_MESSAGE_INVALID 0, PIPE_MESSAGE_DATA 1 */
#define HVIS_PIPE_MESSAGE_DATA		1u

struct hvis_pipe_hdr {
	u32 type;
	u32 size;		/* bytes of the synthhid message that follow */
} __packed;
static_assert(sizeof(struct hvis_pipe_hdr) == 8, "pipe_prt_msg header");

/* hid-hyperv.c enum synthhid_msg_type */
enum hvis_synthhid_type {
	HVIS_SYNTHHID_PROTOCOL_REQUEST		= 0,	/* guest -> host */
	HVIS_SYNTHHID_PROTOCOL_RESPONSE		= 1,	/* host -> guest */
	HVIS_SYNTHHID_INITIAL_DEVICE_INFO	= 2,	/* host -> guest */
	HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK	= 3,	/* guest -> host */
	HVIS_SYNTHHID_INPUT_REPORT		= 4,	/* host -> guest */
	HVIS_SYNTHHID_MAX			= 5,
};

struct hvis_synthhid_hdr {
	u32 type;
	u32 size;		/* bytes after this header */
} __packed;
static_assert(sizeof(struct hvis_synthhid_hdr) == 8, "synthhid_msg_hdr");

struct hvis_synthhid_protocol_request {
	struct hvis_synthhid_hdr hdr;
	u32 version_requested;	/* hid-hyperv.c union synthhid_version: minor u16, major u16 */
} __packed;
static_assert(sizeof(struct hvis_synthhid_protocol_request) == 12, "synthhid_protocol_request");

struct hvis_synthhid_protocol_response {
	struct hvis_synthhid_hdr hdr;
	u32 version_requested;
	u8 approved;		/* non-zero: accepted */
} __packed;
static_assert(sizeof(struct hvis_synthhid_protocol_response) == 13,
	      "synthhid_protocol_response");

/* hid-hyperv.c struct hv_input_dev_info */
struct hvis_hid_dev_info {
	u32 size;
	u16 vendor;
	u16 product;
	u16 version;
	u16 reserved[11];
} __packed;
static_assert(sizeof(struct hvis_hid_dev_info) == 32, "hv_input_dev_info");

/* include/linux/hid.h struct hid_descriptor with one struct hid_class_descriptor */
#define HVIS_HID_DT_HID			0x21u
#define HVIS_HID_DT_REPORT		0x22u
struct hvis_hid_descriptor {
	u8 bLength;
	u8 bDescriptorType;
	u16 bcdHID;
	u8 bCountryCode;
	u8 bNumDescriptors;
	u8 rpt_type;		/* HVIS_HID_DT_REPORT */
	u16 wDescriptorLength;	/* bytes of report descriptor */
} __packed;
static_assert(sizeof(struct hvis_hid_descriptor) == 9, "hid_descriptor");

/* hid-hyperv.c struct synthhid_device_info: the report descriptor follows the HID one */
struct hvis_synthhid_device_info {
	struct hvis_synthhid_hdr hdr;
	struct hvis_hid_dev_info info;
	struct hvis_hid_descriptor desc;
} __packed;
static_assert(sizeof(struct hvis_synthhid_device_info) == 49, "synthhid_device_info");

struct hvis_synthhid_device_info_ack {
	struct hvis_synthhid_hdr hdr;
	u8 reserved;
} __packed;
static_assert(sizeof(struct hvis_synthhid_device_info_ack) == 9, "synthhid_device_info_ack");

/* include/linux/hid.h HID_MAX_DESCRIPTOR_SIZE */
#define HVIS_HID_MAX_DESCRIPTOR		4096u
/* openvmm mouse/protocol.rs MAX_HID_MESSAGE_SIZE: an input report's message, header included */
#define HVIS_SYNTHHID_MAX_MESSAGE	512u
#define HVIS_SYNTHHID_MAX_REPORT \
	(HVIS_SYNTHHID_MAX_MESSAGE - sizeof(struct hvis_synthhid_hdr))
/* The largest packet payload either side accepts: a device info with the largest descriptors */
#define HVIS_SYNTHHID_MAX_PACKET	(sizeof(struct hvis_pipe_hdr) + \
					 sizeof(struct hvis_synthhid_device_info) + 255u + \
					 HVIS_HID_MAX_DESCRIPTOR)

#endif /* _HVIS_HID_PROTO_H */
