// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_vlan.c: the fake host's VLAN trunk (tools/fakehost/nic_vlan.c).
 * `--tap-vlan` checks (VID range, a configured NIC, each VID and TAP once per NIC) and
 * the guest -> wire routing: a frame tagged by PPI or in band leaves on its VLAN's port
 * untagged (the checksum offsets moved with the tag), a VID with no port is dropped and
 * counted, untagged and priority-only frames stay native.  A datagram socket pair plays
 * the port's TAP: each write is one frame behind its 10-byte virtio-net header.
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include "fakehost_test.h"
#include "nic_dev.h"

static u8 frame[64];

/* An IPv4/UDP frame; with @tag, 802.1Q tag @tci in band after the MACs. */
static u32 make_frame(u8 *f, bool tag, u16 tci)
{
	u32 off = 12;

	memset(f, 0, 64);
	memcpy(f, "\x00\x15\x5d\x00\x00\x01\x00\x15\x5d\x00\x00\x02", 12);
	if (tag) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		f[off++] = tci >> 8;
		f[off++] = tci & 0xff;
	}
	f[off++] = 0x08;
	f[off++] = 0x00;
	f[off] = 0x45;
	f[off + 9] = 17;
	memset(f + off + 20, 0xab, 64 - off - 20);
	return 64;
}

/* The next frame on the port's other end into buf (header stripped); its length or -1. */
static int port_read(int fd, struct virtio_net_hdr *h, u8 *buf)
{
	u8 raw[128];
	ssize_t n = recv(fd, raw, sizeof(raw), MSG_DONTWAIT);

	if (n < (ssize_t)sizeof(*h))
		return -1;
	memcpy(h, raw, sizeof(*h));
	memcpy(buf, raw + sizeof(*h), n - sizeof(*h));
	return (int)(n - sizeof(*h));
}

static void test_config(void)
{
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_nic_ops, NULL, 0);
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 0, "v0") == -EINVAL, "VID 0 refused");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 4095, "v0") == -EINVAL, "VID 4095 refused");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 10, "") == -EINVAL, "empty IFNAME refused");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 10, "a-name-of-16-chr") == -EINVAL,
		  "IFNAME of 16 characters refused");
	tap_check(dev_nic_add_tap_vlan(&w.h, 1, 10, "v10") == -ENOENT, "NIC 1 does not exist");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 10, "v10") == 0, "VID 10 on NIC 0");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 10, "v11") == -EEXIST, "VID 10 twice refused");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 20, "v10") == -EEXIST, "TAP v10 twice refused");
	tap_check(dev_nic_add_tap_vlan(&w.h, 0, 4094, "v4094") == 0, "VID 4094 on NIC 0");
	world_uninit(&w);
}

static void test_routing(void)
{
	struct nic_dev *nd = calloc(1, sizeof(*nd));
	struct nic_pkt_meta m = {};
	struct virtio_net_hdr h;
	u8 tagged[64], got[128];
	int sv[2], n;
	u32 len;

	if (!nd || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		abort();
	len = make_frame(frame, false, 0);
	m.vlan = true;
	m.vlan_tci = 3 << 13 | 10;
	tap_check(!nic_vlan_tx(nd, frame, len, &m), "no ports: a tagged frame stays native");

	nd->nvports = 1;
	nd->vports[0].vid = 10;
	nd->vports[0].fd = sv[0];
	tap_check(nic_vlan_tx(nd, frame, len, &m), "PPI VID 10 (priority 3): taken by the trunk");
	n = port_read(sv[1], &h, got);
	tap_check(n == (int)len && !memcmp(got, frame, len) && !h.flags && !h.gso_type,
		  "... and written to port 10 untagged, plain header (%d bytes)", n);
	tap_check(nd->vports[0].tx_frames == 1 && nd->vports[0].tx_bytes == len,
		  "port 10 counted it");

	m.vlan_tci = 20;
	tap_check(nic_vlan_tx(nd, frame, len, &m), "PPI VID 20: taken by the trunk");
	tap_check(nd->vlan_no_port == 1 && port_read(sv[1], &h, got) < 0,
		  "... dropped (no port) and counted");

	m.vlan_tci = 5 << 13;
	tap_check(!nic_vlan_tx(nd, frame, len, &m), "priority-only tag: native");
	m.vlan = false;
	tap_check(!nic_vlan_tx(nd, frame, len, &m), "untagged: native");

	/* In band, with a checksum to fill in: the offsets lose the tag's 4 bytes. */
	len = make_frame(tagged, true, 10);
	m.csum_needed = true;
	m.csum_start = 14 + 4 + 20;
	m.csum_offset = 6;
	tap_check(nic_vlan_tx(nd, tagged, len, &m), "in-band VID 10: taken by the trunk");
	n = port_read(sv[1], &h, got);
	tap_check(n == (int)len - 4 && !memcmp(got, frame, 12) && !memcmp(got + 12, tagged + 16, len - 16),
		  "... written untagged (%d bytes)", n);
	tap_check(h.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM && h.csum_start == 34 && h.csum_offset == 6,
		  "... with csum_start moved to %u", h.csum_start);
	m.csum_start = 14;
	tap_check(nic_vlan_tx(nd, tagged, len, &m) && nd->vports[0].tx_errors == 1 &&
		  port_read(sv[1], &h, got) < 0,
		  "in-band with csum_start inside the tag: dropped, a tx error");

	close(sv[0]);
	close(sv[1]);
	free(nd);
}

int main(void)
{
	test_config();
	test_routing();
	return tap_done();
}
