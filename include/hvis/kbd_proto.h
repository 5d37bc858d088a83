/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kbd_proto.h: the synthetic keyboard's wire format (class HV_KBD_GUID).  The host
 * sends scan codes of set 1 (make codes without the 0x80 break bit, flags say break,
 * E0 and E1); the guest asks for protocol 1.0 and may report its LED state.  Every
 * message starts with a 32-bit type and travels raw (no pipe header).
 * Sources: drivers/input/serio/hyperv-keyboard.c (struct synth_kbd_*, SYNTH_KBD_VERSION,
 * the IS_* flags); microsoft/openvmm vm/devices/uidevices/src/keyboard/protocol.rs (the
 * LED message, MAXIMUM_MESSAGE_SIZE).
 */
#ifndef _HVIS_KBD_PROTO_H
#define _HVIS_KBD_PROTO_H

#include "types.h"

/* hyperv-keyboard.c: SYNTH_KBD_VERSION_MAJOR 1, _MINOR 0, (major << 16) | minor */
#define HVIS_KBD_VERSION		0x00010000u

/* hyperv-keyboard.c enum synth_kbd_msg_type */
enum hvis_kbd_msg_type {
	HVIS_KBD_PROTOCOL_REQUEST	= 1,	/* guest -> host */
	HVIS_KBD_PROTOCOL_RESPONSE	= 2,	/* host -> guest */
	HVIS_KBD_EVENT			= 3,	/* host -> guest */
	HVIS_KBD_LED_INDICATORS		= 4,	/* guest -> host */
};

/* openvmm keyboard/protocol.rs MAXIMUM_MESSAGE_SIZE (hyperv-keyboard.c HK_MAXIMUM_MESSAGE_SIZE) */
#define HVIS_KBD_MAX_MESSAGE		256u

struct hvis_kbd_msg_hdr {
	u32 type;
} __packed;
static_assert(sizeof(struct hvis_kbd_msg_hdr) == 4, "synth_kbd_msg_hdr");

struct hvis_kbd_protocol_request {
	struct hvis_kbd_msg_hdr hdr;
	u32 version_requested;
} __packed;
static_assert(sizeof(struct hvis_kbd_protocol_request) == 8, "synth_kbd_protocol_request");

/* hyperv-keyboard.c PROTOCOL_ACCEPTED BIT(0); the other bits are reserved */
#define HVIS_KBD_PROTOCOL_ACCEPTED	0x1u

struct hvis_kbd_protocol_response {
	struct hvis_kbd_msg_hdr hdr;
	u32 proto_status;
} __packed;
static_assert(sizeof(struct hvis_kbd_protocol_response) == 8, "synth_kbd_protocol_response");

/* hyperv-keyboard.c IS_UNICODE, IS_BREAK, IS_E0, IS_E1 */
#define HVIS_KBD_INFO_UNICODE		0x1u
#define HVIS_KBD_INFO_BREAK		0x2u
#define HVIS_KBD_INFO_E0		0x4u
#define HVIS_KBD_INFO_E1		0x8u
#define HVIS_KBD_INFO_KNOWN		0xfu

struct hvis_kbd_keystroke {
	struct hvis_kbd_msg_hdr hdr;
	u16 make_code;
	u16 reserved0;
	u32 info;
} __packed;
static_assert(sizeof(struct hvis_kbd_keystroke) == 12, "synth_kbd_keystroke");

/* openvmm protocol.rs MessageLedIndicatorsState; bits as Windows' ntddkbd.h */
#define HVIS_KBD_LED_SCROLL		0x1u
#define HVIS_KBD_LED_NUM		0x2u
#define HVIS_KBD_LED_CAPS		0x4u

struct hvis_kbd_led_indicators {
	struct hvis_kbd_msg_hdr hdr;
	u16 led_flags;
	u16 reserved;
} __packed;
static_assert(sizeof(struct hvis_kbd_led_indicators) == 8, "led_indicators_state");

#endif /* _HVIS_KBD_PROTO_H */
