// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_kbd.c: the synthetic keyboard (HV_KBD_GUID), host side.  Raw packets (no pipe
 * header), messages of include/hvis/kbd_proto.h, parsed by lib/kbd_msg.c.
 *
 * State machine (as OpenVMM's keyboard device, vm/devices/uidevices/src/keyboard):
 *   WAIT_REQUEST --PROTOCOL_REQUEST 1.0--> ACTIVE   (response: accepted)
 *   WAIT_REQUEST --PROTOCOL_REQUEST other-> WAIT_REQUEST (response: not accepted)
 *   ACTIVE --PROTOCOL_REQUEST--> as from WAIT_REQUEST (the guest started over)
 *   ACTIVE --LED_INDICATORS--> ACTIVE   (flags kept, KBD_LED event)
 * Keystrokes (`ctl key`) go out only in ACTIVE.  Each channel open starts in
 * WAIT_REQUEST.  Anything else from the guest is a GUEST_ERROR naming the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include "dev_input.h"
#include "kbd_msg.h"

enum kbd_host_state { KBD_WAIT_REQUEST, KBD_ACTIVE };

static const char *const kbd_state_names[] = { "wait-request", "active" };

struct kbd_host {
	enum kbd_host_state state;
	u64 requests;		/* PROTOCOL_REQUESTs seen */
	u64 keys;		/* keystrokes sent */
	u64 leds;		/* LED_INDICATORS seen */
	u16 led_flags;		/* the last ones */
	u64 bad;		/* guest messages refused */
};

static struct kbd_host *kbd_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

static int kbd_send(struct host_channel *ch, const void *msg, u32 len)
{
	return host_chan_send(ch, VM_PKT_DATA_INBAND, 0, 0, msg, len);
}

static void kbd_on_request(struct host_channel *ch, const struct hvis_kbd_msg *m)
{
	struct kbd_host *k = kbd_of(ch);
	bool ok = m->version == HVIS_KBD_VERSION;
	struct hvis_kbd_protocol_response r = {
		.hdr.type = HVIS_KBD_PROTOCOL_RESPONSE,
		.proto_status = ok ? HVIS_KBD_PROTOCOL_ACCEPTED : 0,
	};

	k->requests++;
	k->state = KBD_WAIT_REQUEST;
	if (kbd_send(ch, &r, sizeof(r)))
		return;
	if (ok)
		k->state = KBD_ACTIVE;
	host_event(ch->host, "KBD_PROTOCOL", "relid=%u version=%#x accepted=%d", ch->relid,
		   m->version, ok);
}

static void kbd_on_led(struct host_channel *ch, const struct hvis_kbd_msg *m)
{
	struct kbd_host *k = kbd_of(ch);

	k->leds++;
	k->led_flags = m->led_flags;
	host_event(ch->host, "KBD_LED", "relid=%u flags=%#x", ch->relid, m->led_flags);
}

/* The messages the host takes, and in which states. */
static const struct {
	u32 type;
	unsigned int states;	/* bit per enum kbd_host_state */
	void (*handle)(struct host_channel *ch, const struct hvis_kbd_msg *m);
} kbd_table[] = {
	{ HVIS_KBD_PROTOCOL_REQUEST, 1u << KBD_WAIT_REQUEST | 1u << KBD_ACTIVE, kbd_on_request },
	{ HVIS_KBD_LED_INDICATORS, 1u << KBD_ACTIVE, kbd_on_led },
};

static void kbd_message(struct host_channel *ch, const u8 *buf, u32 len)
{
	struct kbd_host *k = kbd_of(ch);
	struct hvis_kbd_fault f;
	struct hvis_kbd_msg m;
	unsigned int i;

	if (hvis_kbd_parse(buf, len, false, &m, &f)) {
		k->bad++;
		host_guest_error(ch->host, f.field, "relid=%u class=kbd value=%llu %s", ch->relid,
				 (unsigned long long)f.value, f.why);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(kbd_table); i++) {
		if (kbd_table[i].type != m.type)
			continue;
		if (kbd_table[i].states & (1u << k->state)) {
			kbd_table[i].handle(ch, &m);
			return;
		}
		break;
	}
	k->bad++;
	host_guest_error(ch->host, "type", "relid=%u class=kbd type=%u in state %s", ch->relid,
			 m.type, kbd_state_names[k->state]);
}

static void kbd_packets(struct host_channel *ch)
{
	const struct vmpacket_descriptor *d;
	int len;

	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			d = (const void *)ch->pkt_buf;
			if (d->type == VM_PKT_DATA_INBAND)
				kbd_message(ch, ch->pkt_buf + d->offset8 * 8u,
					    (u32)len - d->offset8 * 8u);
			else
				host_guest_error(ch->host, "packet_type", "relid=%u class=kbd type=%u",
						 ch->relid, d->type);
			host_chan_consume(ch, len);
		}
	} while (host_chan_read_end(ch) && len != -EIO);
}

struct host_channel *input_channel(struct vmbus_host *h, const struct host_device_ops *ops)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev && ch->dev->ops == ops && ch->state == CHAN_OPEN && !ch->sub_index)
			return ch;
	return NULL;
}

int dev_kbd_type(struct vmbus_host *h, const struct kbd_stroke *s, unsigned int n)
{
	struct host_channel *ch = input_channel(h, &dev_kbd_ops);
	struct hvis_kbd_keystroke ks = { .hdr.type = HVIS_KBD_EVENT };
	unsigned int i;
	int ret;

	if (!ch || kbd_of(ch)->state != KBD_ACTIVE)
		return -ENOTCONN;
	for (i = 0; i < n; i++) {
		ks.make_code = s[i].code;
		ks.info = s[i].info;
		ret = kbd_send(ch, &ks, sizeof(ks));
		if (ret)
			return ret;
		kbd_of(ch)->keys++;
	}
	return 0;
}

int dev_kbd_bad(struct vmbus_host *h, const char *what)
{
	struct host_channel *ch = input_channel(h, &dev_kbd_ops);
	struct hvis_kbd_keystroke ks = { .hdr.type = HVIS_KBD_EVENT, .make_code = 0x1e };

	if (!ch || kbd_of(ch)->state != KBD_ACTIVE)
		return -ENOTCONN;
	if (!strcmp(what, "unknown-type")) {
		ks.hdr.type = 9;
	} else if (!strcmp(what, "early-response")) {
		ks.hdr.type = HVIS_KBD_PROTOCOL_RESPONSE;
		ks.make_code = HVIS_KBD_PROTOCOL_ACCEPTED;
	} else if (!strcmp(what, "e0-e1")) {
		ks.info = HVIS_KBD_INFO_E0 | HVIS_KBD_INFO_E1;
	} else {
		return -EINVAL;
	}
	return kbd_send(ch, &ks, sizeof(ks));
}

static int kbd_create(struct host_device *dev)
{
	dev->priv = calloc(1, sizeof(struct kbd_host));
	return dev->priv ? 0 : -ENOMEM;
}

static void kbd_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int kbd_open(struct host_channel *ch)
{
	kbd_of(ch)->state = KBD_WAIT_REQUEST;
	return 0;
}

static void kbd_close(struct host_channel *ch)
{
	kbd_of(ch)->state = KBD_WAIT_REQUEST;
}

static void kbd_status(struct host_device *dev, char *buf, size_t len)
{
	struct kbd_host *k = dev->priv;

	snprintf(buf, len, "state=%s requests=%llu keys=%llu leds=%llu led_flags=%#x bad=%llu",
		 kbd_state_names[k->state], (unsigned long long)k->requests,
		 (unsigned long long)k->keys, (unsigned long long)k->leds, k->led_flags,
		 (unsigned long long)k->bad);
}

/*
 * The pump's message (pump.c): Shift pressed and released, both at once, so that a
 * pump turned off never leaves it held (it types nothing); a release the full ring
 * refused goes first next time.
 */
static int kbd_pump(struct host_channel *ch)
{
	struct kbd_host *k = kbd_of(ch);
	struct hvis_kbd_keystroke ks = { .hdr.type = HVIS_KBD_EVENT, .make_code = 0x2a };
	int ret;

	if (k->state != KBD_ACTIVE)
		return -EAGAIN;
	do {
		ks.info = k->keys & 1 ? HVIS_KBD_INFO_BREAK : 0;
		ret = kbd_send(ch, &ks, sizeof(ks));
		if (!ret)
			k->keys++;
	} while (!ret && (k->keys & 1));
	return ret;
}

const struct host_device_ops dev_kbd_ops = {
	.name = "kbd",
	.class_id = HV_KBD_GUID,
	.create = kbd_create,
	.destroy = kbd_destroy,
	.open = kbd_open,
	.packets = kbd_packets,
	.close = kbd_close,
	.status = kbd_status,
	.pump = kbd_pump,
};
