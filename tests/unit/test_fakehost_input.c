// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_input.c: `ctl key`'s text and key names as keystrokes
 * (tools/fakehost/kbd_keys.c), and a scripted guest against the keyboard and mouse
 * backends (dev_kbd.c, dev_mouse.c): protocol versions refused and accepted, nothing
 * sent before the handshake, keystrokes and LED indications, the mouse's device info
 * (its report descriptor passes the guest's parser), the ack, input reports, the
 * offer's pipe mode, refused guest messages and the bad messages the backends inject.
 */
#include "fakehost_test.h"
#include "dev_input.h"
#include "kbd_msg.h"
#include "hid_msg.h"

#define RING_PFN	512

struct guest {
	struct world w;
	struct hvis_ring out, in;
	u8 pkt[8192] __aligned(8);
	int len;
};

static void open_guest(struct guest *g, const struct host_device_ops *ops)
{
	world_init(&g->w, 1);
	host_add_device(&g->w.h, ops, NULL, 0);
	guest_connect(&g->w);
	guest_rings(&g->w, RING_PFN, 16, 8, &g->out, &g->in);
	guest_gpadl_range(&g->w, 1, 0xe1e10, RING_PFN, 16);
	guest_open(&g->w, 1, 0xe1e10, 8, 0);
}

static void send_msg(struct guest *g, const void *msg, u32 len)
{
	struct hvis_kvec v = { msg, len };
	bool sig;

	hvis_ring_write_packet(&g->out, VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, 1, &v, 1, &sig, NULL);
	host_handle_signal(&g->w.h, 1);
}

/* The next host packet's payload and its length, or NULL. */
static const u8 *next(struct guest *g, u32 *len)
{
	g->len = guest_read_packet(&g->in, g->pkt, sizeof(g->pkt));
	if (g->len <= 0)
		return NULL;
	*len = g->len - packet_desc(g->pkt).offset8 * 8;
	return g->pkt + packet_desc(g->pkt).offset8 * 8;
}

static void test_keys(void)
{
	struct kbd_stroke s[64];
	char *a1[] = { "aB" }, *a2[] = { "Ctrl-C" }, *a3[] = { "ls", "-l", "Enter" };
	char *a4[] = { "Up" }, *a5[] = { "é" }, *a6[] = { "Shift-Tab" }, *a7[] = { "typed-ok" };
	char err[128];
	int n;

	n = kbd_keys_parse(1, a1, s, 64, err, sizeof(err));
	tap_check(n == 6 && s[0].code == 0x1e && !s[0].info && s[1].code == 0x1e &&
		  s[1].info == HVIS_KBD_INFO_BREAK && s[2].code == 0x2a && s[3].code == 0x30 &&
		  s[5].code == 0x2a && s[5].info == HVIS_KBD_INFO_BREAK,
		  "\"aB\": a, then shift around b");
	n = kbd_keys_parse(1, a2, s, 64, err, sizeof(err));
	tap_check(n == 4 && s[0].code == 0x1d && s[1].code == 0x2e && s[3].code == 0x1d &&
		  s[3].info == HVIS_KBD_INFO_BREAK, "Ctrl-C: ctrl and c, no shift");
	n = kbd_keys_parse(3, a3, s, 64, err, sizeof(err));
	tap_check(n == 12 && s[4].code == 0x39 && s[6].code == 0x0c && s[10].code == 0x1c,
		  "ls -l Enter: text joined by one space, then Enter");
	n = kbd_keys_parse(1, a4, s, 64, err, sizeof(err));
	tap_check(n == 2 && s[0].code == 0x48 && s[0].info == HVIS_KBD_INFO_E0 &&
		  s[1].info == (HVIS_KBD_INFO_E0 | HVIS_KBD_INFO_BREAK), "Up: E0 48");
	tap_check(kbd_keys_parse(1, a5, s, 64, err, sizeof(err)) == -EINVAL && strstr(err, "0xc3"),
		  "a character outside the layout is refused: %s", err);
	n = kbd_keys_parse(1, a6, s, 64, err, sizeof(err));
	tap_check(n == 4 && s[0].code == 0x2a && s[1].code == 0x0f, "Shift-Tab");
	n = kbd_keys_parse(1, a7, s, 64, err, sizeof(err));
	tap_check(n == 16 && s[10].code == 0x0c, "typed-ok is text (typed is no modifier)");
	tap_check(kbd_keys_parse(1, a7, s, 15, err, sizeof(err)) == -EINVAL &&
		  strstr(err, "more than"), "too many strokes refused");
}

static void test_kbd(void)
{
	struct hvis_kbd_protocol_request req = { { HVIS_KBD_PROTOCOL_REQUEST }, 0x00020000 };
	struct hvis_kbd_led_indicators led = { { HVIS_KBD_LED_INDICATORS }, HVIS_KBD_LED_CAPS, 0 };
	struct kbd_stroke st[2] = { { 0x1e, 0 }, { 0x48, HVIS_KBD_INFO_E0 | HVIS_KBD_INFO_BREAK } };
	struct hvis_kbd_session sess = {};
	struct hvis_kbd_fault f;
	struct hvis_kbd_msg m;
	struct guest g;
	const u8 *p;
	u8 bytes[2], big[HVIS_KBD_MAX_MESSAGE + 8] = { 0 };
	u32 len;

	open_guest(&g, &dev_kbd_ops);
	tap_check(dev_kbd_type(&g.w.h, st, 1) == -ENOTCONN, "no keystrokes before the handshake");
	send_msg(&g, &led, sizeof(led));
	tap_check(rec_has_event(&g.w.r, "GUEST_ERROR what=type"), "LED before the handshake refused");
	send_msg(&g, &req, sizeof(req));
	p = next(&g, &len);
	tap_check(p && !hvis_kbd_parse(p, len, true, &m, &f) &&
		  m.type == HVIS_KBD_PROTOCOL_RESPONSE && !m.proto_status,
		  "version 2.0 not accepted");
	tap_check(dev_kbd_type(&g.w.h, st, 1) == -ENOTCONN, "still no keystrokes");
	req.version_requested = HVIS_KBD_VERSION;
	hvis_kbd_session_request(&sess);
	send_msg(&g, &req, sizeof(req));
	p = next(&g, &len);
	tap_check(p && !hvis_kbd_parse(p, len, true, &m, &f) && !hvis_kbd_session_check(&sess, &m, &f) &&
		  sess.accepted, "version 1.0 accepted");
	tap_check(rec_has_event(&g.w.r, "KBD_PROTOCOL relid=1 version=0x10000 accepted=1"),
		  "KBD_PROTOCOL event");
	tap_check(!dev_kbd_type(&g.w.h, st, 2), "two keystrokes sent");
	p = next(&g, &len);
	tap_check(p && !hvis_kbd_parse(p, len, true, &m, &f) && !hvis_kbd_session_check(&sess, &m, &f) &&
		  hvis_kbd_serio_bytes(&m, bytes) == 1 && bytes[0] == 0x1e, "first: a make");
	p = next(&g, &len);
	tap_check(p && !hvis_kbd_parse(p, len, true, &m, &f) &&
		  hvis_kbd_serio_bytes(&m, bytes) == 2 && bytes[0] == 0xe0 && bytes[1] == 0xc8,
		  "second: E0 up break");
	send_msg(&g, &led, sizeof(led));
	tap_check(rec_has_event(&g.w.r, "KBD_LED relid=1 flags=0x4"), "LED indication seen");
	memcpy(big, &led, sizeof(led));
	send_msg(&g, big, sizeof(big));
	tap_check(rec_has_event(&g.w.r, "GUEST_ERROR what=len"), "a 264-byte message refused (len)");
	tap_check(!dev_kbd_bad(&g.w.h, "unknown-type"), "inject unknown type");
	p = next(&g, &len);
	tap_check(p && hvis_kbd_parse(p, len, true, &m, &f) == -EINVAL && !strcmp(f.field, "type"),
		  "the guest's parser refuses it (type)");
	tap_check(!dev_kbd_bad(&g.w.h, "early-response"), "inject a second response");
	p = next(&g, &len);
	tap_check(p && !hvis_kbd_parse(p, len, true, &m, &f) &&
		  hvis_kbd_session_check(&sess, &m, &f) == -EPROTO, "the guest's session refuses it");
	tap_check(dev_kbd_bad(&g.w.h, "nonsense") == -EINVAL, "unknown injection refused");
	world_uninit(&g.w);
}

static void test_mouse(void)
{
	struct {
		struct hvis_pipe_hdr pipe;
		struct hvis_synthhid_protocol_request r;
	} __packed req = { { HVIS_PIPE_MESSAGE_DATA, 12 },
			   { { HVIS_SYNTHHID_PROTOCOL_REQUEST, 4 }, HVIS_SYNTHHID_VERSION } };
	struct {
		struct hvis_pipe_hdr pipe;
		struct hvis_synthhid_device_info_ack a;
	} __packed ack = { { HVIS_PIPE_MESSAGE_DATA, 9 },
			   { { HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK, 1 }, 0 } };
	struct hvis_hid_session sess = {};
	const struct rec_msg *offer;
	struct vmbus_channel_offer_channel oc;
	struct hvis_hid_fault f;
	struct hvis_hid_msg m;
	struct guest g;
	const u8 *p;
	u32 len;

	open_guest(&g, &dev_mouse_ops);
	offer = rec_last(&g.w.r, CHANNELMSG_OFFERCHANNEL);
	memcpy(&oc, offer->data, sizeof(oc));
	tap_check((oc.offer.chn_flags & VMBUS_CHANNEL_NAMED_PIPE_MODE) &&
		  oc.offer.u.pipe.pipe_mode == 4, "offered in named-pipe message mode");
	tap_check(dev_mouse_move(&g.w.h, 1, 2, 0) == -ENOTCONN, "no reports before the handshake");
	hvis_hid_session_request(&sess);
	send_msg(&g, &req, sizeof(req));
	p = next(&g, &len);
	tap_check(p && !hvis_hid_parse(p, len, true, &m, &f) && !hvis_hid_session_check(&sess, &m, &f) &&
		  m.approved, "protocol 2.0 approved");
	p = next(&g, &len);
	tap_check(p && !hvis_hid_parse(p, len, true, &m, &f) && !hvis_hid_session_check(&sess, &m, &f) &&
		  m.type == HVIS_SYNTHHID_INITIAL_DEVICE_INFO && m.info.vendor == 0x045e &&
		  m.rdesc_len > 40 && m.rdesc[14] == 0x29 && m.rdesc[m.rdesc_len - 1] == 0xc0,
		  "device info with a %u-byte report descriptor the guest parses", m.rdesc_len);
	tap_check(dev_mouse_move(&g.w.h, 1, 2, 0) == -ENOTCONN, "no reports before the ack");
	send_msg(&g, &ack, sizeof(ack));
	tap_check(rec_has_event(&g.w.r, "MOUSE_READY relid=1"), "MOUSE_READY after the ack");
	tap_check(!dev_mouse_move(&g.w.h, 0x1234, 0x7fff, 5), "report sent");
	p = next(&g, &len);
	tap_check(p && !hvis_hid_parse(p, len, true, &m, &f) && !hvis_hid_session_check(&sess, &m, &f) &&
		  m.report_len == 5 && m.report[0] == 5 && m.report[1] == 0x34 && m.report[2] == 0x12 &&
		  m.report[3] == 0xff && m.report[4] == 0x7f, "report: buttons, x, y little-endian");
	send_msg(&g, &ack, sizeof(ack));
	tap_check(rec_has_event(&g.w.r, "GUEST_ERROR what=hdr.type"), "a second ack refused");
	ack.pipe.size = 100;
	send_msg(&g, &ack, sizeof(ack));
	tap_check(rec_has_event(&g.w.r, "GUEST_ERROR what=pipe.size"), "pipe size beyond the packet refused");
	tap_check(!dev_mouse_bad(&g.w.h, "big-report"), "inject a big report");
	p = next(&g, &len);
	tap_check(p && hvis_hid_parse(p, len, true, &m, &f) == -EINVAL && !strcmp(f.field, "hdr.size"),
		  "the guest's parser refuses it (hdr.size)");
	tap_check(!dev_mouse_bad(&g.w.h, "pipe-size"), "inject a bad pipe size");
	p = next(&g, &len);
	tap_check(p && hvis_hid_parse(p, len, true, &m, &f) == -EINVAL && !strcmp(f.field, "pipe.size"),
		  "the guest's parser refuses it (pipe.size)");
	world_uninit(&g.w);
}

int main(void)
{
	test_keys();
	test_kbd();
	test_mouse();
	return tap_done();
}
