// SPDX-License-Identifier: GPL-2.0-only
/*
 * transport.c: hvis_sock's vsock side: the struct vsock_transport the vsock core
 * calls (always with the socket's lock held), the stream data path and closing.
 *
 * Behaviour follows net/vmw_vsock/hyperv_transport.c: streams only, to the host only
 * (CID 2); each packet a pipe header and at most HVS_SEND_BUF_SIZE bytes; room for a
 * FIN is always kept; a zero-length packet is a FIN; MSG_PEEK and SO_RCVLOWAT are
 * refused; close sends a FIN and waits up to HVS_CLOSE_TIMEOUT_SECS for the host to
 * finish (its rescind).  Every packet is checked by lib/hvsock_msg.c first; a bad one
 * resets its connection (main.c hvis_hvsock_reset).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "hvsock.h"

/*
 * Bytes one send may put in the ring now: the ring is never filled completely and a
 * FIN always fits after it (hvs_channel_writable_bytes).
 */
static u32 hvsock_writable(struct hvsock *hvs)
{
	u32 w, reserve = HVS_PKT_LEN(1) + HVS_PKT_LEN(0);

	if (!hvs->chan)
		return 0;
	w = hvis_channel_write_avail(hvs->chan);
	if (w <= reserve)
		return 0;
	return round_down(w - reserve, 8);
}

static void hvsock_send_fin(struct hvsock *hvs)
{
	struct hvs_pipe_hdr hdr;

	if (hvs->fin_sent || !hvs->chan)
		return;
	hvis_hvsock_pipe_hdr(&hdr, 0);
	/* hvsock_writable() kept its room; a rescinded channel just fails. */
	hvis_channel_send(hvs->chan, &hdr, sizeof(hdr), 0, VM_PKT_DATA_INBAND, 0);
	hvs->fin_sent = true;
}

/*
 * Takes the next packet off the ring into rx.  Returns 1 when rx holds data, 0 when
 * none is there (yet, or any more).
 */
int hvis_hvsock_refill(struct hvsock *hvs)
{
	struct vsock_sock *vsk = hvs->vsk;
	const char *field;
	u32 size;
	int ret;

	if (hvs->rx_len)
		return 1;
	if (!hvs->chan || hvs->reset)
		return 0;
	ret = hvis_channel_recv(hvs->chan, hvs->rx, hvs->rx_cap, NULL);
	if (ret == -EAGAIN)
		return 0;
	if (ret < 0) {
		/* The core said why (a packet over HVS_MAX_PKT_SIZE, a broken ring). */
		hvis_hvsock_reset(hvs, ret == -ENOBUFS ? "a packet over 16 KiB" : "a broken ring");
		return 0;
	}
	ret = hvis_hvsock_pkt_parse(hvs->rx, (u32)ret, hvs->fin_rcvd, &size, &field);
	if (ret < 0) {
		hvis_hvsock_reset(hvs, field);
		return 0;
	}
	if (ret == HVIS_HVSOCK_PKT_FIN) {
		hvs->fin_rcvd = true;
		WRITE_ONCE(vsk->peer_shutdown, READ_ONCE(vsk->peer_shutdown) | SEND_SHUTDOWN);
		/*
		 * Nothing may follow the FIN.  A reader that has seen end-of-stream
		 * asks no more, so look now at what the host sent with it.
		 */
		if (hvis_channel_read_avail(hvs->chan) >= HVS_PKT_LEN(0))
			hvis_hvsock_reset(hvs, "a packet after the host's FIN");
		return 0;
	}
	hvs->rx_off = sizeof(struct hvs_pipe_hdr);
	hvs->rx_len = size;
	return 1;
}

/*
 * The host rescinded the channel: keep what it sent before (it stays readable),
 * close the channel, and end the connection.  Without the host's FIN it vanished
 * mid-stream: reads end in ECONNRESET.  Socket lock held.
 */
static void hvsock_drain(struct hvsock *hvs)
{
	u32 cap = hvs->rx_len + hvs->recv_ring_bytes;
	u8 *keep;
	u32 kept;

	if (!hvs->chan || hvs->reset)
		return;
	keep = kvmalloc(cap, GFP_KERNEL);
	if (!keep)
		return;
	memcpy(keep, hvs->rx + hvs->rx_off, hvs->rx_len);
	kept = hvs->rx_len;
	hvs->rx_len = 0;
	/* Everything in the ring fits: payloads are smaller than the packets. */
	while (hvis_hvsock_refill(hvs) > 0 && kept + hvs->rx_len <= cap) {
		memcpy(keep + kept, hvs->rx + hvs->rx_off, hvs->rx_len);
		kept += hvs->rx_len;
		hvs->rx_len = 0;
	}
	if (hvs->reset) {
		kvfree(keep);
		return;
	}
	kvfree(hvs->rx);
	hvs->rx = keep;
	hvs->rx_cap = cap;
	hvs->rx_off = 0;
	hvs->rx_len = kept;
}

void hvis_hvsock_peer_gone(struct hvsock *hvs)
{
	struct vsock_sock *vsk = hvs->vsk;
	struct sock *sk = sk_vsock(vsk);

	hvsock_drain(hvs);
	hvis_hvsock_chan_close(hvs);
	if (!hvs->fin_rcvd && !sk->sk_err && sk->sk_state == TCP_ESTABLISHED) {
		sk->sk_err = ECONNRESET;
		sk_error_report(sk);
	}
	sock_set_flag(sk, SOCK_DONE);
	WRITE_ONCE(vsk->peer_shutdown, SHUTDOWN_MASK);
	/* With an error pending, stay ESTABLISHED so that reads report it. */
	if (!sk->sk_err && !hvs->rx_len)
		sk->sk_state = TCP_CLOSING;
	sk->sk_state_change(sk);
	if (vsk->close_work_scheduled && cancel_delayed_work(&vsk->close_work)) {
		vsk->close_work_scheduled = false;
		vsock_remove_sock(vsk);
		/* The reference the close timeout held. */
		sock_put(sk);
	}
}

static u32 hvsock_get_local_cid(void)
{
	return VMADDR_CID_ANY;
}

static int hvsock_init(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	struct sock *sk = sk_vsock(vsk);
	struct hvsock *hvs = kzalloc(sizeof(*hvs), GFP_KERNEL);

	if (!hvs)
		return -ENOMEM;
	hvs->vsk = vsk;
	INIT_WORK(&hvs->close_work, hvis_hvsock_close_work);
	vsk->trans = hvs;
	/* The legacy ring sizes are the default buffer sizes (hvs_sock_init). */
	sk->sk_sndbuf = HVS_RING_LEGACY_BYTES;
	sk->sk_rcvbuf = HVS_RING_LEGACY_BYTES;
	return 0;
}

static void hvsock_destruct(struct vsock_sock *vsk)
{
	struct hvsock *hvs = vsk->trans;

	if (!hvs)
		return;
	/* The device holds the socket while the channel is open. */
	WARN_ON_ONCE(hvs->chan);
	kvfree(hvs->rx);
	kfree(hvs);
	vsk->trans = NULL;
}

static void hvsock_close_timeout(struct work_struct *work)
{
	struct vsock_sock *vsk = container_of(work, struct vsock_sock, close_work.work);
	struct sock *sk = sk_vsock(vsk);

	lock_sock(sk);
	if (vsk->close_work_scheduled) {
		/* The host did not finish in time: close our side anyway. */
		hvis_hvsock_chan_close(vsk->trans);
		sock_set_flag(sk, SOCK_DONE);
		vsk->close_work_scheduled = false;
		vsock_remove_sock(vsk);
	}
	release_sock(sk);
	sock_put(sk);
}

static void hvsock_release(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);
	struct hvsock *hvs = vsk->trans;

	if (hvs->chan && (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSING)) {
		hvsock_send_fin(hvs);
		if (!sock_flag(sk, SOCK_DONE) && !hvs->fin_rcvd) {
			/* Wait for the host's rescind; the timeout holds a reference. */
			sock_hold(sk);
			INIT_DELAYED_WORK(&vsk->close_work, hvsock_close_timeout);
			vsk->close_work_scheduled = true;
			schedule_delayed_work(&vsk->close_work, HVS_CLOSE_TIMEOUT_SECS * HZ);
			return;
		}
		/* Both sides finished: the host rescinds after our close. */
		hvis_hvsock_chan_close(hvs);
	}
	vsock_remove_sock(vsk);
}

static int hvsock_connect(struct vsock_sock *vsk)
{
	struct hvsock *hvs = vsk->trans;

	hvis_hvsock_srv_id(vsk->local_addr.svm_port, &hvs->vm_srv_id);
	hvis_hvsock_srv_id(vsk->remote_addr.svm_port, &hvs->host_srv_id);
	return hvis_vmbus_send_tl_connect_request((const guid_t *)&hvs->vm_srv_id,
						  (const guid_t *)&hvs->host_srv_id);
}

static int hvsock_shutdown(struct vsock_sock *vsk, int mode)
{
	if (mode & SEND_SHUTDOWN)
		hvsock_send_fin(vsk->trans);
	return 0;
}

static int hvsock_dgram_bind(struct vsock_sock *vsk, struct sockaddr_vm *addr)
{
	return -EOPNOTSUPP;
}

static int hvsock_dgram_dequeue(struct vsock_sock *vsk, struct msghdr *msg, size_t len,
				int flags)
{
	return -EOPNOTSUPP;
}

static int hvsock_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *remote,
				struct msghdr *msg, size_t len)
{
	return -EOPNOTSUPP;
}

static bool hvsock_dgram_allow(u32 cid, u32 port)
{
	return false;
}

static ssize_t hvsock_stream_dequeue(struct vsock_sock *vsk, struct msghdr *msg, size_t len,
				     int flags)
{
	struct hvsock *hvs = vsk->trans;
	u32 n;
	int ret;

	if (flags & MSG_PEEK)
		return -EOPNOTSUPP;
	if (!hvis_hvsock_refill(hvs))
		return vsk->sk.sk_err ? -vsk->sk.sk_err : 0;
	n = min_t(size_t, len, hvs->rx_len);
	ret = memcpy_to_msg(msg, hvs->rx + hvs->rx_off, n);
	if (ret)
		return ret;
	hvs->rx_off += n;
	hvs->rx_len -= n;
	return n;
}

static ssize_t hvsock_stream_enqueue(struct vsock_sock *vsk, struct msghdr *msg, size_t len)
{
	struct hvsock *hvs = vsk->trans;
	struct hvs_pipe_hdr *hdr;
	ssize_t written = 0;
	u32 n;
	int ret = 0;
	u8 *buf;

	buf = kmalloc(sizeof(*hdr) + HVS_SEND_BUF_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	hdr = (struct hvs_pipe_hdr *)buf;
	/* Others may be draining the ring meanwhile: write until it is full. */
	while (len) {
		n = hvsock_writable(hvs);
		if (!n)
			break;
		n = min_t(size_t, min(n, HVS_SEND_BUF_SIZE), len);
		ret = memcpy_from_msg(buf + sizeof(*hdr), msg, n);
		if (ret)
			break;
		hvis_hvsock_pipe_hdr(hdr, n);
		ret = hvis_channel_send(hvs->chan, buf, sizeof(*hdr) + n, 0, VM_PKT_DATA_INBAND, 0);
		if (ret)
			break;
		written += n;
		len -= n;
	}
	kfree(buf);
	if (written)
		return written;
	/* The host rescinded the channel under us: it is gone, as at a reset. */
	return ret == -ENODEV ? -ECONNRESET : ret;
}

static s64 hvsock_stream_has_data(struct vsock_sock *vsk)
{
	return hvis_hvsock_refill(vsk->trans) ? 1 : 0;
}

static s64 hvsock_stream_has_space(struct vsock_sock *vsk)
{
	return hvsock_writable(vsk->trans);
}

static u64 hvsock_stream_rcvhiwat(struct vsock_sock *vsk)
{
	return HVS_MTU_SIZE + 1;
}

static bool hvsock_stream_is_active(struct vsock_sock *vsk)
{
	struct hvsock *hvs = vsk->trans;

	return hvs->chan || hvs->rx_len;
}

/* Only the host is reachable (hvs_stream_allow). */
static bool hvsock_stream_allow(u32 cid, u32 port)
{
	return cid == VMADDR_CID_HOST;
}

static int hvsock_notify_poll_in(struct vsock_sock *vsk, size_t target, bool *readable)
{
	struct hvsock *hvs = vsk->trans;

	*readable = hvs->rx_len || hvs->fin_rcvd || hvs->reset ||
		    (hvs->chan && hvis_channel_read_avail(hvs->chan) >= HVS_PKT_LEN(0));
	return 0;
}

static int hvsock_notify_poll_out(struct vsock_sock *vsk, size_t target, bool *writable)
{
	*writable = hvsock_writable(vsk->trans) > 0;
	return 0;
}

static int hvsock_notify_recv(struct vsock_sock *vsk, size_t target,
			      struct vsock_transport_recv_notify_data *d)
{
	return 0;
}

static int hvsock_notify_recv_post(struct vsock_sock *vsk, size_t target, ssize_t copied,
				   bool data_read, struct vsock_transport_recv_notify_data *d)
{
	return 0;
}

static int hvsock_notify_send(struct vsock_sock *vsk,
			      struct vsock_transport_send_notify_data *d)
{
	return 0;
}

static int hvsock_notify_send_post(struct vsock_sock *vsk, ssize_t written,
				   struct vsock_transport_send_notify_data *d)
{
	return 0;
}

static int hvsock_set_rcvlowat(struct vsock_sock *vsk, int val)
{
	return -EOPNOTSUPP;
}

struct vsock_transport hvis_hvsock_transport = {
	.module = THIS_MODULE,
	.get_local_cid = hvsock_get_local_cid,
	.init = hvsock_init,
	.destruct = hvsock_destruct,
	.release = hvsock_release,
	.connect = hvsock_connect,
	.shutdown = hvsock_shutdown,
	.dgram_bind = hvsock_dgram_bind,
	.dgram_dequeue = hvsock_dgram_dequeue,
	.dgram_enqueue = hvsock_dgram_enqueue,
	.dgram_allow = hvsock_dgram_allow,
	.stream_dequeue = hvsock_stream_dequeue,
	.stream_enqueue = hvsock_stream_enqueue,
	.stream_has_data = hvsock_stream_has_data,
	.stream_has_space = hvsock_stream_has_space,
	.stream_rcvhiwat = hvsock_stream_rcvhiwat,
	.stream_is_active = hvsock_stream_is_active,
	.stream_allow = hvsock_stream_allow,
	.notify_poll_in = hvsock_notify_poll_in,
	.notify_poll_out = hvsock_notify_poll_out,
	.notify_recv_init = hvsock_notify_recv,
	.notify_recv_pre_block = hvsock_notify_recv,
	.notify_recv_pre_dequeue = hvsock_notify_recv,
	.notify_recv_post_dequeue = hvsock_notify_recv_post,
	.notify_send_init = hvsock_notify_send,
	.notify_send_pre_block = hvsock_notify_send,
	.notify_send_pre_enqueue = hvsock_notify_send,
	.notify_send_post_enqueue = hvsock_notify_send_post,
	.HVIS_VSOCK_RCVLOWAT_OP = hvsock_set_rcvlowat,
};
