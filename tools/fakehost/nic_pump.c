// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_pump.c: the synthetic NIC's pump message (pump.c, the hostile campaign): a frame
 * the guest receives and its stack drops without a change a user would see, back to
 * back.  It is an IPv4 UDP datagram to the limited broadcast 255.255.255.255, port 9
 * (discard, RFC 863: nothing listens in the test guests, and no ICMP answers a
 * broadcast), from 169.254.0.0/16 sources that vary so that RSS spreads the frames over
 * every channel.  At most NIC_PUMP_QUEUED frames wait in the host's queue: the guest's
 * own traffic is not held behind a pumped backlog.
 */
#include "net_frame.h"
#include "net_responder.h"
#include "nic_dev.h"

#define NIC_PUMP_QUEUED		16
#define NIC_PUMP_PAYLOAD	16

enum {
	PUMP_ETH = 14,
	PUMP_IP = 20,
	PUMP_UDP = 8,
	PUMP_LEN = PUMP_ETH + PUMP_IP + PUMP_UDP + NIC_PUMP_PAYLOAD,
};

/* The @n'th pump frame. */
static void pump_frame(u8 *f, u64 n)
{
	static const u8 host_mac[6] = { 0x02, 0x68, 0x76, 0x69, 0x73, 0x01 };
	u8 *ip = f + PUMP_ETH, *udp = ip + PUMP_IP;

	memset(f, 0, PUMP_LEN);
	memset(f, 0xff, 6);
	memcpy(f + 6, host_mac, 6);
	net_put16(f + 12, 0x0800);
	ip[0] = 0x45;
	net_put16(ip + 2, PUMP_IP + PUMP_UDP + NIC_PUMP_PAYLOAD);
	net_put16(ip + 4, (u16)n);
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 169;
	ip[13] = 254;
	ip[14] = (u8)(n >> 8) | 1;	/* never 169.254.0.x */
	ip[15] = (u8)n;
	memset(ip + 16, 0xff, 4);
	net_put16(ip + 10, net_checksum(ip, PUMP_IP, 0));
	net_put16(udp, (u16)(1024 + n % 4096));
	net_put16(udp + 2, 9);
	net_put16(udp + 4, PUMP_UDP + NIC_PUMP_PAYLOAD);
	/* UDP checksum 0: none (RFC 768); the payload is the frame's number. */
	memcpy(udp + PUMP_UDP, &n, sizeof(n));
}

/* ops->pump: one frame, from the primary only (the queue serves every channel). */
int nic_pump(struct host_channel *ch)
{
	struct nic_dev *nd = nic_of(ch);
	u8 f[PUMP_LEN];

	if (ch != nd->ch || !nd->recv.map || !nd->rndis_inited || !nd->filter ||
	    nd->q_count >= NIC_PUMP_QUEUED)
		return -EAGAIN;
	pump_frame(f, ch->dev->pumped);
	if (!nic_queue_frame(nd, f, PUMP_LEN))
		return -EAGAIN;
	nic_flush(ch);
	return 0;
}
