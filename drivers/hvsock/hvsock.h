/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsock.h: hvis_sock's per-socket state and what its two files share.  main.c owns
 * the VMBus side (module, driver, a connection's channel, the host's connect result);
 * transport.c owns the vsock side (struct vsock_transport, the data path).
 */
#ifndef _HVIS_HVSOCK_H
#define _HVIS_HVSOCK_H

#include <net/af_vsock.h>
#include <hvis/vmbus.h>
#include "hvsock_msg.h"

/* The largest packet payload the host may send: pipe header, HVS_MTU_SIZE, padding. */
#define HVSOCK_RX_BUF_BYTES	(HVS_MTU_SIZE + 16u)

/*
 * One socket's transport state (vsk->trans).  Everything here is under the socket's
 * lock except @chan, which the channel callback reads (READ_ONCE) while it is open.
 */
struct hvsock {
	struct vsock_sock *vsk;
	struct hvis_device *hdev;	/* the connection's device, until the host rescinds */
	struct hvis_channel *chan;	/* open channel, or NULL */
	struct hvis_guid vm_srv_id;	/* the guest's service id (local port) */
	struct hvis_guid host_srv_id;	/* the host's service id (remote port) */
	u32 recv_ring_bytes;
	bool fin_sent;			/* our FIN went out */
	bool fin_rcvd;			/* the host's FIN came */
	bool reset;			/* reset: bad input, or the host vanished */
	struct work_struct close_work;	/* a reset's channel close, where it may sleep */
	/* Received stream bytes not yet read: rx[rx_off .. rx_off + rx_len). */
	u8 *rx;
	u32 rx_cap;
	u32 rx_off;
	u32 rx_len;
};

extern struct vsock_transport hvis_hvsock_transport;

/* main.c: channel side, socket lock held. */
int hvis_hvsock_chan_open(struct hvsock *hvs, struct hvis_device *hdev, struct sock *bufs);
void hvis_hvsock_chan_close(struct hvsock *hvs);
void hvis_hvsock_reset(struct hvsock *hvs, const char *why);
void hvis_hvsock_close_work(struct work_struct *work);

/* transport.c */
int hvis_hvsock_refill(struct hvsock *hvs);
void hvis_hvsock_peer_gone(struct hvsock *hvs);

#endif /* _HVIS_HVSOCK_H */
