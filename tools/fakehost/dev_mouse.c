// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_mouse.c: the synthetic HID device (HV_MOUSE_GUID), host side: an absolute
 * pointer with three buttons.  Offered in named-pipe message mode as Hyper-V does;
 * every packet is a pipe header and a synthhid message (include/hvis/hid_proto.h),
 * parsed by lib/hid_msg.c.
 *
 * State machine (as OpenVMM's mouse device, vm/devices/uidevices/src/mouse):
 *   WAIT_REQUEST --PROTOCOL_REQUEST 2.0--> WAIT_ACK  (response approved, device info)
 *   WAIT_REQUEST --PROTOCOL_REQUEST other-> WAIT_REQUEST (response not approved)
 *   WAIT_ACK --INITIAL_DEVICE_INFO_ACK--> ACTIVE     (MOUSE_READY event)
 *   any --PROTOCOL_REQUEST--> as from WAIT_REQUEST   (the guest started over)
 * Input reports (`ctl mouse`) go out only in ACTIVE.  Each channel open starts in
 * WAIT_REQUEST.  Anything else from the guest is a GUEST_ERROR naming the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include "dev_input.h"
#include "hid_msg.h"

enum mouse_host_state { MOUSE_WAIT_REQUEST, MOUSE_WAIT_ACK, MOUSE_ACTIVE };

static const char *const mouse_state_names[] = { "wait-request", "wait-ack", "active" };

/* OpenVMM mouse/protocol.rs: the IDs Hyper-V's mouse reports (Microsoft, 0x0621). */
#define MOUSE_VENDOR		0x045e
#define MOUSE_PRODUCT		0x0621
#define MOUSE_VERSION		0x0001
/* include/linux/hyperv.h: a message-mode pipe's pipe_mode (HV_PIPE_TYPE_MESSAGE 4) */
#define PIPE_MODE_MESSAGE	4u

/*
 * The report descriptor (HID 1.11, section 6.2.2; usages from the HID Usage Tables:
 * Generic Desktop page 0x01 Mouse 0x02, Pointer 0x01, X 0x30, Y 0x31; Button page 0x09).
 * One report, no report ID: byte 0 buttons 1-3 in bits 0-2 and five bits of padding,
 * then X and Y, each 16 bits little-endian, absolute, 0..32767.
 */
static const u8 mouse_rdesc[] = {
	0x05, 0x01,		/* Usage Page (Generic Desktop) */
	0x09, 0x02,		/* Usage (Mouse) */
	0xa1, 0x01,		/* Collection (Application) */
	0x09, 0x01,		/*   Usage (Pointer) */
	0xa1, 0x00,		/*   Collection (Physical) */
	0x05, 0x09,		/*     Usage Page (Button) */
	0x19, 0x01,		/*     Usage Minimum (1) */
	0x29, 0x03,		/*     Usage Maximum (3): byte 14, as upstream expects */
	0x15, 0x00,		/*     Logical Minimum (0) */
	0x25, 0x01,		/*     Logical Maximum (1) */
	0x95, 0x03,		/*     Report Count (3) */
	0x75, 0x01,		/*     Report Size (1) */
	0x81, 0x02,		/*     Input (Data, Variable, Absolute) */
	0x95, 0x01,		/*     Report Count (1) */
	0x75, 0x05,		/*     Report Size (5) */
	0x81, 0x03,		/*     Input (Constant): padding */
	0x05, 0x01,		/*     Usage Page (Generic Desktop) */
	0x09, 0x30,		/*     Usage (X) */
	0x09, 0x31,		/*     Usage (Y) */
	0x15, 0x00,		/*     Logical Minimum (0) */
	0x26, 0xff, 0x7f,	/*     Logical Maximum (32767) */
	0x75, 0x10,		/*     Report Size (16) */
	0x95, 0x02,		/*     Report Count (2) */
	0x81, 0x02,		/*     Input (Data, Variable, Absolute) */
	0xc0,			/*   End Collection */
	0xc0,			/* End Collection */
};

struct mouse_report {
	u8 buttons;
	u16 x;
	u16 y;
} __packed;
static_assert(sizeof(struct mouse_report) == 5, "mouse_report");

struct mouse_host {
	enum mouse_host_state state;
	u64 requests;		/* PROTOCOL_REQUESTs seen */
	u64 reports;		/* input reports sent */
	u64 bad;		/* guest messages refused */
	struct mouse_report last;
};

static struct mouse_host *mouse_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

/* Sends a pipe data message holding @msg; @claim overrides the pipe size if non-zero. */
static int mouse_send(struct host_channel *ch, const void *msg, u32 len, u32 claim)
{
	u8 pkt[HVIS_SYNTHHID_MAX_PACKET];
	struct hvis_pipe_hdr pipe = { .type = HVIS_PIPE_MESSAGE_DATA, .size = claim ? claim : len };

	if (len > sizeof(pkt) - sizeof(pipe))
		return -EINVAL;
	memcpy(pkt, &pipe, sizeof(pipe));
	memcpy(pkt + sizeof(pipe), msg, len);
	return host_chan_send(ch, VM_PKT_DATA_INBAND, 0, 0, pkt, sizeof(pipe) + len);
}

static int mouse_send_info(struct host_channel *ch)
{
	u8 buf[sizeof(struct hvis_synthhid_device_info) + sizeof(mouse_rdesc)];
	struct hvis_synthhid_device_info di = {
		.hdr = { .type = HVIS_SYNTHHID_INITIAL_DEVICE_INFO,
			 .size = sizeof(buf) - sizeof(struct hvis_synthhid_hdr) },
		.info = { .size = sizeof(struct hvis_hid_dev_info), .vendor = MOUSE_VENDOR,
			  .product = MOUSE_PRODUCT, .version = MOUSE_VERSION },
		.desc = { .bLength = sizeof(struct hvis_hid_descriptor),
			  .bDescriptorType = HVIS_HID_DT_HID, .bcdHID = 0x0101,
			  .bNumDescriptors = 1, .rpt_type = HVIS_HID_DT_REPORT,
			  .wDescriptorLength = sizeof(mouse_rdesc) },
	};

	memcpy(buf, &di, sizeof(di));
	memcpy(buf + sizeof(di), mouse_rdesc, sizeof(mouse_rdesc));
	return mouse_send(ch, buf, sizeof(buf), 0);
}

static void mouse_on_request(struct host_channel *ch, const struct hvis_hid_msg *m)
{
	struct mouse_host *mh = mouse_of(ch);
	bool ok = m->version == HVIS_SYNTHHID_VERSION;
	struct hvis_synthhid_protocol_response r = {
		.hdr = { .type = HVIS_SYNTHHID_PROTOCOL_RESPONSE, .size = 5 },
		.version_requested = m->version,
		.approved = ok,
	};

	mh->requests++;
	mh->state = MOUSE_WAIT_REQUEST;
	if (mouse_send(ch, &r, sizeof(r), 0))
		return;
	host_event(ch->host, "MOUSE_PROTOCOL", "relid=%u version=%#x approved=%d", ch->relid,
		   m->version, ok);
	if (ok && !mouse_send_info(ch))
		mh->state = MOUSE_WAIT_ACK;
}

static void mouse_on_ack(struct host_channel *ch, const struct hvis_hid_msg *m)
{
	mouse_of(ch)->state = MOUSE_ACTIVE;
	host_event(ch->host, "MOUSE_READY", "relid=%u", ch->relid);
}

/* The messages the host takes, and in which states. */
static const struct {
	u32 type;
	unsigned int states;	/* bit per enum mouse_host_state */
	void (*handle)(struct host_channel *ch, const struct hvis_hid_msg *m);
} mouse_table[] = {
	{ HVIS_SYNTHHID_PROTOCOL_REQUEST, 1u << MOUSE_WAIT_REQUEST | 1u << MOUSE_WAIT_ACK |
	  1u << MOUSE_ACTIVE, mouse_on_request },
	{ HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK, 1u << MOUSE_WAIT_ACK, mouse_on_ack },
};

static void mouse_message(struct host_channel *ch, const u8 *buf, u32 len)
{
	struct mouse_host *mh = mouse_of(ch);
	struct hvis_hid_fault f;
	struct hvis_hid_msg m;
	unsigned int i;

	if (hvis_hid_parse(buf, len, false, &m, &f)) {
		mh->bad++;
		host_guest_error(ch->host, f.field, "relid=%u class=mouse value=%llu %s",
				 ch->relid, (unsigned long long)f.value, f.why);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(mouse_table); i++) {
		if (mouse_table[i].type != m.type)
			continue;
		if (mouse_table[i].states & (1u << mh->state)) {
			mouse_table[i].handle(ch, &m);
			return;
		}
		break;
	}
	mh->bad++;
	host_guest_error(ch->host, "hdr.type", "relid=%u class=mouse type=%u in state %s",
			 ch->relid, m.type, mouse_state_names[mh->state]);
}

static void mouse_packets(struct host_channel *ch)
{
	const struct vmpacket_descriptor *d;
	int len;

	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			d = (const void *)ch->pkt_buf;
			if (d->type == VM_PKT_DATA_INBAND)
				mouse_message(ch, ch->pkt_buf + d->offset8 * 8u,
					      (u32)len - d->offset8 * 8u);
			else
				host_guest_error(ch->host, "packet_type",
						 "relid=%u class=mouse type=%u", ch->relid, d->type);
			host_chan_consume(ch, len);
		}
	} while (host_chan_read_end(ch) && len != -EIO);
}

int dev_mouse_move(struct vmbus_host *h, u16 x, u16 y, u8 buttons)
{
	struct host_channel *ch = input_channel(h, &dev_mouse_ops);
	struct {
		struct hvis_synthhid_hdr hdr;
		struct mouse_report r;
	} __packed msg = {
		.hdr = { .type = HVIS_SYNTHHID_INPUT_REPORT, .size = sizeof(struct mouse_report) },
		.r = { .buttons = buttons, .x = x, .y = y },
	};
	int ret;

	if (!ch || mouse_of(ch)->state != MOUSE_ACTIVE)
		return -ENOTCONN;
	ret = mouse_send(ch, &msg, sizeof(msg), 0);
	if (!ret) {
		mouse_of(ch)->reports++;
		mouse_of(ch)->last = msg.r;
	}
	return ret;
}

int dev_mouse_bad(struct vmbus_host *h, const char *what)
{
	struct host_channel *ch = input_channel(h, &dev_mouse_ops);
	u8 msg[sizeof(struct hvis_synthhid_hdr) + HVIS_SYNTHHID_MAX_REPORT + 8] = { 0 };
	struct hvis_synthhid_hdr hdr = { .type = HVIS_SYNTHHID_INPUT_REPORT, .size = 5 };
	u32 len = sizeof(hdr) + 5, claim = 0;

	if (!ch || mouse_of(ch)->state != MOUSE_ACTIVE)
		return -ENOTCONN;
	if (!strcmp(what, "big-report")) {
		hdr.size = HVIS_SYNTHHID_MAX_REPORT + 8;
		len = sizeof(hdr) + hdr.size;
	} else if (!strcmp(what, "short-report")) {
		hdr.size = 64;
	} else if (!strcmp(what, "pipe-size")) {
		claim = 4096;
	} else {
		return -EINVAL;
	}
	memcpy(msg, &hdr, sizeof(hdr));
	return mouse_send(ch, msg, len, claim);
}

static void mouse_fill_offer(struct host_device *dev, struct vmbus_channel_offer *offer)
{
	offer->chn_flags |= VMBUS_CHANNEL_NAMED_PIPE_MODE;
	offer->u.pipe.pipe_mode = PIPE_MODE_MESSAGE;
}

static int mouse_create(struct host_device *dev)
{
	dev->priv = calloc(1, sizeof(struct mouse_host));
	return dev->priv ? 0 : -ENOMEM;
}

static void mouse_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int mouse_open(struct host_channel *ch)
{
	mouse_of(ch)->state = MOUSE_WAIT_REQUEST;
	return 0;
}

static void mouse_close(struct host_channel *ch)
{
	mouse_of(ch)->state = MOUSE_WAIT_REQUEST;
}

static void mouse_status(struct host_device *dev, char *buf, size_t len)
{
	struct mouse_host *mh = dev->priv;

	snprintf(buf, len, "state=%s requests=%llu reports=%llu x=%u y=%u buttons=%#x bad=%llu",
		 mouse_state_names[mh->state], (unsigned long long)mh->requests,
		 (unsigned long long)mh->reports, mh->last.x, mh->last.y, mh->last.buttons,
		 (unsigned long long)mh->bad);
}

/* The pump's message (pump.c): a move along the screen's diagonal, no button. */
static int mouse_pump(struct host_channel *ch)
{
	struct mouse_host *mh = mouse_of(ch);
	u16 at = (u16)((mh->reports * 97) & 0x7fff);

	if (mh->state != MOUSE_ACTIVE)
		return -EAGAIN;
	return dev_mouse_move(ch->host, at, at, 0);
}

const struct host_device_ops dev_mouse_ops = {
	.name = "mouse",
	.class_id = HV_MOUSE_GUID,
	.create = mouse_create,
	.destroy = mouse_destroy,
	.fill_offer = mouse_fill_offer,
	.open = mouse_open,
	.packets = mouse_packets,
	.close = mouse_close,
	.status = mouse_status,
	.pump = mouse_pump,
};
