// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hvsock_msg.c: unit tests of lib/hvsock_msg.c: service ids both ways (upstream's
 * template, the port little-endian in the first four bytes), offers from the host and
 * answers to a guest's connect, each refusal and the field it names, every packet
 * rule (DATA only, FIN, data_size against the packet and 16 KiB, nothing after FIN)
 * and the ring sizes below and from VERSION_WIN10_V5.
 */
#include "tap.h"
#include "hvsock_msg.h"

static int pkt(u32 type, u32 size, u32 len, bool fin_seen, u32 *n, const char **field)
{
	static u8 buf[HVS_MTU_SIZE + 64];
	struct hvs_pipe_hdr h = { type, size };

	memcpy(buf, &h, sizeof(h));
	*field = NULL;
	return hvis_hvsock_pkt_parse(buf, len, fin_seen, n, field);
}

static bool named(const char *field, const char *want)
{
	return field && !strcmp(field, want);
}

int main(void)
{
	/* 0000138a-facb-11e6-bd58-64006a7986d3: port 5002 (hyperv_transport.c template) */
	static const u8 want5002[16] = { 0x8a, 0x13, 0x00, 0x00, 0xcb, 0xfa, 0xe6, 0x11,
					 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 };
	struct vmbus_channel_offer o = {};
	struct hvis_hvsock_offer v;
	struct hvis_guid id;
	const char *field;
	u32 n;

	hvis_hvsock_srv_id(5002, &id);
	tap_check(!memcmp(&id, want5002, 16), "port 5002 gives 0000138a-facb-11e6-bd58-64006a7986d3");
	tap_check(hvis_hvsock_srv_id_valid(&id) && hvis_hvsock_srv_port(&id) == 5002,
		  "that service id is valid and names port 5002");
	hvis_hvsock_srv_id(0xfffffffeu, &id);
	tap_check(hvis_hvsock_srv_port(&id) == 0xfffffffeu, "port 0xfffffffe survives the round trip");
	id.b[4] ^= 0x01;
	tap_check(!hvis_hvsock_srv_id_valid(&id), "a changed byte 4 makes a service id invalid");
	hvis_hvsock_srv_id(1, &id);
	id.b[15] = 0;
	tap_check(!hvis_hvsock_srv_id_valid(&id), "a changed last byte makes it invalid");

	/* Offers. */
	o.chn_flags = VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER;
	hvis_hvsock_srv_id(1234, &o.if_type);
	hvis_hvsock_srv_id(0x40000010u, &o.if_instance);
	o.u.pipe.user_def[0] = 1;
	tap_check(!hvis_hvsock_offer_parse(&o, &v, &field) && v.from_host &&
		  v.local_port == 1234 && v.remote_port == 0x40000010u,
		  "offer from the host: if_type is the guest's listener, if_instance the host's port");
	o.u.pipe.user_def[0] = 0;
	tap_check(!hvis_hvsock_offer_parse(&o, &v, &field) && !v.from_host &&
		  v.local_port == 0x40000010u && v.remote_port == 1234,
		  "answer to a guest connect: if_instance is the guest's endpoint, if_type the service");
	o.chn_flags = 0;
	tap_check(hvis_hvsock_offer_parse(&o, &v, &field) == -EINVAL && named(field, "chn_flags"),
		  "an offer without TLNPI_PROVIDER_OFFER is refused (chn_flags)");
	o.chn_flags = VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER;
	o.if_type.b[9] ^= 0x80;
	tap_check(hvis_hvsock_offer_parse(&o, &v, &field) == -EINVAL && named(field, "if_type"),
		  "a malformed if_type is refused (if_type)");
	hvis_hvsock_srv_id(1234, &o.if_type);
	o.if_instance.b[12] = 0;
	tap_check(hvis_hvsock_offer_parse(&o, &v, &field) == -EINVAL && named(field, "if_instance"),
		  "a malformed if_instance is refused (if_instance)");

	/* Packets: the payload after the VMBus descriptor, padded to 8 bytes. */
	tap_check(pkt(1, 5, 16, false, &n, &field) == HVIS_HVSOCK_PKT_DATA && n == 5,
		  "5 data bytes in a 16-byte payload");
	tap_check(pkt(1, HVS_MTU_SIZE, 8 + HVS_MTU_SIZE, false, &n, &field) ==
		  HVIS_HVSOCK_PKT_DATA && n == HVS_MTU_SIZE, "16 KiB of data is the most");
	tap_check(pkt(1, 0, 8, false, &n, &field) == HVIS_HVSOCK_PKT_FIN && n == 0,
		  "data_size 0 is the host's FIN");
	tap_check(pkt(1, HVS_MTU_SIZE + 1, 16 + HVS_MTU_SIZE, false, &n, &field) == -EINVAL &&
		  named(field, "data_size"), "16 KiB + 1 refused (data_size)");
	tap_check(pkt(1, 9, 16, false, &n, &field) == -EINVAL && named(field, "data_size"),
		  "data_size beyond the packet refused (data_size)");
	tap_check(pkt(1, 0xffffffffu, 16, false, &n, &field) == -EINVAL &&
		  named(field, "data_size"), "data_size 0xffffffff refused (data_size)");
	tap_check(pkt(2, 4, 16, false, &n, &field) == -EINVAL && named(field, "pkt_type"),
		  "pipe type 2 refused (pkt_type)");
	tap_check(pkt(0, 4, 16, false, &n, &field) == -EINVAL && named(field, "pkt_type"),
		  "pipe type 0 refused (pkt_type)");
	tap_check(pkt(1, 0, 7, false, &n, &field) == -EINVAL && named(field, "header"),
		  "7 bytes are no pipe header (header)");
	tap_check(hvis_hvsock_pkt_parse(NULL, 0, false, &n, &field) == -EINVAL &&
		  named(field, "header"), "an empty payload is refused (header)");
	tap_check(pkt(1, 4, 16, true, &n, &field) == -EINVAL && named(field, "data after FIN"),
		  "data after the host's FIN refused (data after FIN)");
	tap_check(pkt(1, 0, 8, true, &n, &field) == -EINVAL && named(field, "data after FIN"),
		  "a second FIN refused too");

	/* Ring sizes (hvs_open_connection). */
	tap_check(hvis_hvsock_ring_bytes(VERSION_WIN10, 1u << 20) == 5 * 4096,
		  "below 5.0: 6 pages in all whatever the buffer (5 of data)");
	tap_check(hvis_hvsock_ring_bytes(VERSION_WIN10_V5, 0) == 6 * 4096,
		  "5.0: at least 6 pages of data");
	tap_check(hvis_hvsock_ring_bytes(VERSION_WIN10_V5_3, 100000) == 25 * 4096,
		  "5.3: 100000 bytes of buffer give 25 pages");
	tap_check(hvis_hvsock_ring_bytes(VERSION_WIN10_V5_3, 1u << 30) == 64 * 4096,
		  "5.3: at most 64 pages");
	return tap_done();
}
