// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: hvis_sock's VMBus side.  The driver takes every hvsock offer (hvsock =
 * true); each offer is one connection: a host connecting to a guest listener (a new
 * child socket is queued for accept) or the answer to a guest's connect (its
 * TL_CONNECT_REQUEST).  Probe opens the channel for the socket; the host's rescind
 * removes the device, which keeps what the host sent before it and closes the
 * channel.  The host's TL_CONNECT_RESULT with a failure status refuses a connect.
 *
 * Behaviour follows net/vmw_vsock/hyperv_transport.c (hvs_open_connection, ring
 * sizes, pending_send_sz, a probe that never fails, VERSION_WIN10 needed).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "hvsock.h"

/* Tasklet context: only wakes; the socket's users read and write under its lock. */
static void hvsock_chan_cb(void *context)
{
	struct hvsock *hvs = context;
	struct hvis_channel *ch = READ_ONCE(hvs->chan);
	struct sock *sk = sk_vsock(hvs->vsk);

	if (!ch)
		return;
	if (hvis_channel_read_avail(ch) >= HVS_PKT_LEN(0))
		sk->sk_data_ready(sk);
	if (hvis_channel_write_avail(ch) > 0)
		sk->sk_write_space(sk);
}

/* Socket lock held.  The device keeps a reference on the socket. */
int hvis_hvsock_chan_open(struct hvsock *hvs, struct hvis_device *hdev, struct sock *bufs)
{
	struct hvis_channel *ch = hdev->channel;
	u32 ver = hvis_vmbus_protocol_version();
	u32 snd = hvis_hvsock_ring_bytes(ver, (u32)max(bufs->sk_sndbuf, 0));
	u32 rcv = hvis_hvsock_ring_bytes(ver, (u32)max(bufs->sk_rcvbuf, 0));
	int ret;

	hvs->rx = kvmalloc(HVSOCK_RX_BUF_BYTES, GFP_KERNEL);
	if (!hvs->rx)
		return -ENOMEM;
	hvs->rx_cap = HVSOCK_RX_BUF_BYTES;
	hvs->rx_len = 0;
	hvs->recv_ring_bytes = rcv;
	hvis_channel_set_max_packet(ch, HVS_MAX_PKT_SIZE);
	hvis_channel_set_read_direct(ch, true);
	WRITE_ONCE(hvs->chan, ch);
	ret = hvis_channel_open(ch, snd, rcv, NULL, 0, hvsock_chan_cb, hvs);
	if (ret) {
		WRITE_ONCE(hvs->chan, NULL);
		kvfree(hvs->rx);
		hvs->rx = NULL;
		hvs->rx_cap = 0;
		return ret;
	}
	/* Be told when a whole send buffer fits again (hvs_set_channel_pending_send_size). */
	hvis_channel_set_pending_send(ch, HVS_PKT_LEN(HVS_SEND_BUF_SIZE));
	hvs->hdev = hdev;
	sock_hold(sk_vsock(hvs->vsk));
	hvis_set_drvdata(hdev, hvs);
	return 0;
}

/*
 * Socket lock held.  Closes the channel (the host sees CLOSECHANNEL unless it
 * rescinded it); the device stays until the host rescinds it.
 */
void hvis_hvsock_chan_close(struct hvsock *hvs)
{
	struct hvis_channel *ch = hvs->chan;

	if (!ch)
		return;
	hvis_channel_close(ch);
	WRITE_ONCE(hvs->chan, NULL);
}

/*
 * The end of a reset.  A reset may come from stream_has_data, which vsock calls with the
 * task already set to sleep (vsock_connectible_wait_data): closing the channel sleeps, so
 * it happens here, with a reference on the socket taken by the reset.
 */
void hvis_hvsock_close_work(struct work_struct *work)
{
	struct hvsock *hvs = container_of(work, struct hvsock, close_work);
	struct sock *sk = sk_vsock(hvs->vsk);

	lock_sock(sk);
	if (hvs->chan)
		hvis_hvsock_peer_gone(hvs);
	release_sock(sk);
	sock_put(sk);		/* may free hvs: nothing touches it after */
}

/*
 * Socket lock held; does not sleep.  The host broke the protocol on this connection (or
 * the channel): one rate-limited line, then the connection is reset: unread data goes,
 * reads and writes fail with ECONNRESET, and the channel is closed (from a work item).
 * No other connection sees it.
 */
void hvis_hvsock_reset(struct hvsock *hvs, const char *why)
{
	struct vsock_sock *vsk = hvs->vsk;
	struct sock *sk = sk_vsock(vsk);

	if (hvs->reset)
		return;
	hvs->reset = true;
	if (hvs->hdev)
		dev_err_ratelimited(&hvs->hdev->dev, "connection guest port %u <-> host port %u reset: host sent %s\n",
				    vsk->local_addr.svm_port, vsk->remote_addr.svm_port, why);
	hvs->rx_len = 0;
	sk->sk_err = ECONNRESET;
	if (hvs->chan) {
		sock_hold(sk);
		if (!schedule_work(&hvs->close_work))
			sock_put(sk);
	}
	sk_error_report(sk);
}

/* Bad service ids: refuse the offer; a guest connect it names fails. */
static void refuse_offer(struct hvis_device *hdev, const char *field)
{
	const struct vmbus_channel_offer *offer = hvis_channel_offer(hdev->channel);
	struct hvis_guid inst;
	struct sockaddr_vm addr;
	struct sock *sk;

	dev_err_ratelimited(&hdev->dev, "hvsock offer with a malformed %s, connection refused\n",
			    field);
	memcpy(&inst, &offer->if_instance, sizeof(inst));
	if (offer->u.pipe.user_def[HVS_USER_DEF_CONN_FROM_HOST] ||
	    !hvis_hvsock_srv_id_valid(&inst))
		return;
	vsock_addr_init(&addr, VMADDR_CID_ANY, hvis_hvsock_srv_port(&inst));
	sk = vsock_find_bound_socket(&addr);
	if (!sk)
		return;
	lock_sock(sk);
	if (sk->sk_state == TCP_SYN_SENT && vsock_sk(sk)->transport == &hvis_hvsock_transport) {
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = ECONNRESET;
		sk_error_report(sk);
	}
	release_sock(sk);
	sock_put(sk);
}

/* A host connecting to a listener: the child socket, queued for accept.  @sk locked. */
static void accept_from_host(struct hvis_device *hdev, struct sock *sk,
			     const struct hvis_hvsock_offer *o)
{
	struct vsock_sock *vnew;
	struct hvsock *hvs;
	struct sock *new;

	if (sk->sk_state != TCP_LISTEN || sk_acceptq_is_full(sk))
		return;
	new = vsock_create_connected(sk);
	if (!new)
		return;
	new->sk_state = TCP_SYN_SENT;
	vnew = vsock_sk(new);
	vsock_addr_init(&vnew->local_addr, VMADDR_CID_ANY, o->local_port);
	vsock_addr_init(&vnew->remote_addr, VMADDR_CID_HOST, o->remote_port);
	if (vsock_assign_transport(vnew, vsock_sk(sk)) ||
	    vnew->transport != &hvis_hvsock_transport)
		goto err_put;
	hvs = vnew->trans;
	hvis_hvsock_srv_id(o->local_port, &hvs->vm_srv_id);
	hvis_hvsock_srv_id(o->remote_port, &hvs->host_srv_id);
	/* The listener's buffer sizes choose the rings (hvs_open_connection). */
	if (hvis_hvsock_chan_open(hvs, hdev, sk))
		goto err_put;
	new->sk_state = TCP_ESTABLISHED;
	sk_acceptq_added(sk);
	vsock_insert_connected(vnew);
	vsock_enqueue_accept(sk, new);
	sk->sk_state_change(sk);
	return;

err_put:
	sock_put(new);
}

/* The host's answer to our connect.  @sk locked. */
static void connect_done(struct hvis_device *hdev, struct sock *sk,
			 const struct hvis_hvsock_offer *o)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	struct hvsock *hvs;
	int ret;

	if (sk->sk_state != TCP_SYN_SENT || vsk->transport != &hvis_hvsock_transport ||
	    !sk->sk_socket)
		return;
	hvs = vsk->trans;
	if (hvs->chan)
		return;
	/* The host answered another connect than this socket's: reset it. */
	ret = -ECONNRESET;
	if (o->remote_port != vsk->remote_addr.svm_port)
		dev_err_ratelimited(&hdev->dev, "hvsock offer for guest port %u names host port %u, not the %u it connects to; connection reset\n",
				    o->local_port, o->remote_port, vsk->remote_addr.svm_port);
	else
		ret = hvis_hvsock_chan_open(hvs, hdev, sk);
	if (ret) {
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = ret == -ECONNRESET ? ECONNRESET : ECONNREFUSED;
		sk_error_report(sk);
		return;
	}
	sk->sk_state = TCP_ESTABLISHED;
	sk->sk_socket->state = SS_CONNECTED;
	vsock_insert_connected(vsk);
	sk->sk_state_change(sk);
}

static int hvsock_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct hvis_hvsock_offer o;
	struct sockaddr_vm addr;
	const char *field;
	struct sock *sk;

	/* As upstream, never fail: the host rescinds a connection nobody opened. */
	if (hvis_hvsock_offer_parse(hvis_channel_offer(hdev->channel), &o, &field)) {
		refuse_offer(hdev, field);
		return 0;
	}
	vsock_addr_init(&addr, VMADDR_CID_ANY, o.local_port);
	sk = vsock_find_bound_socket(&addr);
	if (!sk) {
		dev_dbg(&hdev->dev, "no socket on guest port %u\n", o.local_port);
		return 0;
	}
	lock_sock(sk);
	if (o.from_host)
		accept_from_host(hdev, sk, &o);
	else
		connect_done(hdev, sk, &o);
	release_sock(sk);
	sock_put(sk);
	return 0;
}

/* The host rescinded the connection (or the driver goes). */
static void hvsock_remove(struct hvis_device *hdev)
{
	struct hvsock *hvs = hvis_get_drvdata(hdev);
	struct sock *sk;

	if (!hvs)
		return;
	sk = sk_vsock(hvs->vsk);
	lock_sock(sk);
	hvis_hvsock_peer_gone(hvs);
	hvs->hdev = NULL;
	release_sock(sk);
	hvis_set_drvdata(hdev, NULL);
	sock_put(sk);
}

/* The host could not connect a guest's connect: refuse it. */
static void hvsock_tl_result(const guid_t *guest_endpoint, const guid_t *host_service,
			     u32 status)
{
	struct hvis_guid ep, svc;
	struct sockaddr_vm addr;
	struct vsock_sock *vsk;
	struct sock *sk;

	if (!status)
		return;
	memcpy(&ep, guest_endpoint, sizeof(ep));
	memcpy(&svc, host_service, sizeof(svc));
	if (!hvis_hvsock_srv_id_valid(&ep) || !hvis_hvsock_srv_id_valid(&svc)) {
		pr_err_ratelimited("TL_CONNECT_RESULT with a malformed service id, dropped\n");
		return;
	}
	vsock_addr_init(&addr, VMADDR_CID_ANY, hvis_hvsock_srv_port(&ep));
	sk = vsock_find_bound_socket(&addr);
	if (!sk)
		return;
	vsk = vsock_sk(sk);
	lock_sock(sk);
	if (sk->sk_state == TCP_SYN_SENT && vsk->transport == &hvis_hvsock_transport &&
	    vsk->remote_addr.svm_port == hvis_hvsock_srv_port(&svc)) {
		pr_debug("connect from guest port %u to host port %u refused: status %#x\n",
			 vsk->local_addr.svm_port, vsk->remote_addr.svm_port, status);
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = ECONNREFUSED;
		sk_error_report(sk);
	}
	release_sock(sk);
	sock_put(sk);
}

static struct hvis_driver hvsock_driver = {
	.name = "hvis_sock",
	.hvsock = true,
	.probe = hvsock_probe,
	.remove = hvsock_remove,
};

static int __init hvsock_init(void)
{
	int ret;

	/* drivers/hv: no Hyper-V sockets before protocol 4.0 (hvs_init). */
	if (hvis_vmbus_protocol_version() < VERSION_WIN10)
		return -ENODEV;
	ret = vsock_core_register(&hvis_hvsock_transport, VSOCK_TRANSPORT_F_G2H);
	if (ret)
		return ret;
	hvis_vmbus_set_tl_result_handler(hvsock_tl_result);
	ret = hvis_driver_register(&hvsock_driver);
	if (ret) {
		hvis_vmbus_set_tl_result_handler(NULL);
		vsock_core_unregister(&hvis_hvsock_transport);
	}
	return ret;
}

static void __exit hvsock_exit(void)
{
	hvis_driver_unregister(&hvsock_driver);
	hvis_vmbus_set_tl_result_handler(NULL);
	vsock_core_unregister(&hvis_hvsock_transport);
}

module_init(hvsock_init);
module_exit(hvsock_exit);

MODULE_DESCRIPTION("hvis: Hyper-V sockets (AF_VSOCK guest-to-host transport)");
MODULE_LICENSE("GPL");
