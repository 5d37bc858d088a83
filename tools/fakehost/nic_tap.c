// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_tap.c: the NIC's wire as a TAP device (`serve --tap N=IFNAME`).  Each open
 * channel of the NIC gets its own queue of the device (/dev/net/tun opened with
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE), watched by the event loop
 * (fd_watch.c).  Frames carry a struct virtio_net_hdr both ways; this file maps it to
 * and from struct nic_pkt_meta:
 *  - to the TAP: csum_needed -> VIRTIO_NET_HDR_F_NEEDS_CSUM (+ start/offset), an LSO
 *    send -> GSO TCPV4/TCPV6 with its MSS and header length, a VLAN PPI -> an 802.1Q
 *    tag in the frame;
 *  - from the TAP: NEEDS_CSUM -> the checksum is completed here and the frame marked
 *    csum_ok, DATA_VALID -> csum_ok, neither -> the TCP/UDP checksum is verified here
 *    (csum_ok only when right); a GSO frame (the TAP always takes TSO4/6, so a 64 KiB
 *    TCP send arrives whole) goes to nic_rsc.c, which sends it as an RSC chain or cuts
 *    it to the guest's MTU; an 802.1Q tag is stripped into the meta.
 * While the guest's queue of waiting messages is nearly full (less room than one GSO
 * frame cut into segments), reading stops (backpressure) and resumes from nic_flush
 * (nic_tap_resume).  Opening a TAP, the header -> meta mapping and writing a frame
 * are shared with the VLAN access ports (nic_vlan.c).
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include "fd_watch.h"
#include "net_frame.h"
#include "nic_dev.h"

#define TAP_READ_BUDGET	64		/* frames per readiness callback */
#define TAP_FRAME_MAX	(65536u + 64)	/* a GSO frame and its headers */

static_assert(sizeof(struct virtio_net_hdr) == 10, "virtio_net_hdr");

static u8 tap_buf[sizeof(struct virtio_net_hdr) + TAP_FRAME_MAX] __aligned(8);

static bool queue_full(const struct nic_dev *nd)
{
	return nd->q_count >= NIC_QUEUE_LEN - NIC_TAP_RESERVE;
}

/*
 * The meta of a frame read from a TAP, from its virtio-net header @hdr (the checksum
 * may be completed in the frame); false if the frame must be dropped.  Shared with the
 * VLAN access ports (nic_vlan.c).  Counts a TCP/UDP checksum that did not verify.
 */
bool nic_tap_hdr_meta(const u8 *hdr, u8 *f, u32 len, struct nic_pkt_meta *m, u64 *csum_bad)
{
	struct virtio_net_hdr hv;
	const struct virtio_net_hdr *h = &hv;
	int v;

	memcpy(&hv, hdr, sizeof(hv));
	memset(m, 0, sizeof(*m));
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!net_csum_fill(f, len, h->csum_start, h->csum_offset))
			return false;
		m->csum_ok = true;
	} else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		m->csum_ok = true;
	} else {
		v = net_l4_csum_verify(f, len);
		m->csum_ok = v == 1;
		if (!v)
			(*csum_bad)++;
	}
	switch (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		m->gso_type = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
		m->gso_size = h->gso_size;
		m->hdr_len = h->hdr_len;
		break;
	default:
		return false;		/* UDP fragmentation offload: never enabled */
	}
	return true;
}

/* The meta of a frame read from the NIC's TAP; an 802.1Q tag is stripped into it. */
static bool tap_meta(struct nic_dev *nd, struct nic_queue *q, const struct virtio_net_hdr *h,
		     u8 **frame, u32 *len, struct nic_pkt_meta *m)
{
	u8 *f = *frame;

	if (!nic_tap_hdr_meta((const u8 *)h, f, *len, m, &q->rx_csum_bad))
		return false;
	if (net_vlan_strip(f, *len, &m->vlan_tci)) {
		m->vlan = true;
		*frame = f + NET_VLAN_HLEN;
		*len -= NET_VLAN_HLEN;
		q->rx_vlan++;
	}
	return true;
}

static void tap_readable(void *ctx, int fd)
{
	struct nic_dev *nd = ctx;
	const struct virtio_net_hdr *h = (const void *)tap_buf;
	struct nic_pkt_meta m;
	struct nic_queue *q = NULL;
	u32 i, len;
	u8 *f;
	ssize_t n;

	for (i = 0; i < NIC_MAX_QUEUES; i++)
		if (nd->queues[i].tap_fd == fd)
			q = &nd->queues[i];
	if (!q)
		return;
	for (i = 0; i < TAP_READ_BUDGET; i++) {
		if (queue_full(nd)) {
			q->paused = true;
			fd_watch_input(fd, false);
			break;
		}
		n = read(fd, tap_buf, sizeof(tap_buf));
		if (n < 0)
			break;		/* EAGAIN: drained */
		if ((size_t)n < sizeof(*h) + NET_ETH_HDR)
			continue;
		f = tap_buf + sizeof(*h);
		len = (u32)n - sizeof(*h);
		if (!tap_meta(nd, q, h, &f, &len, &m)) {
			q->rx_drops++;
			continue;
		}
		nic_wire_rx(nd, f, len, &m);
	}
	if (nd->ch)
		nic_flush(nd->ch);
}

/*
 * What the TAP may hand us: partial checksums (completed here) and TSO4/TSO6
 * coalesced TCP frames, whatever the guest has on: with RSC off the host cuts them
 * (nic_rsc.c), as Hyper-V's switch does.  No TSO_ECN (the kernel segments those) and
 * no UFO/USO (never coalesced).
 */
static u32 tap_want(void)
{
	return TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
}

/*
 * Opens TAP device @ifname (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, one queue of a
 * multi-queue device if @multi) non-blocking with @offloads; the fd or a negative errno.
 */
int nic_tap_fd_open(const char *ifname, bool multi, u32 offloads)
{
	struct ifreq ifr = {};
	int fd, ret;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (multi ? IFF_MULTI_QUEUE : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETOFFLOAD, (unsigned long)offloads)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int nic_tap_open(struct nic_dev *nd, u32 qidx)
{
	struct nic_queue *q = &nd->queues[qidx];
	int fd, ret;

	if (!nd->tap[0] || qidx >= NIC_MAX_QUEUES || q->tap_fd >= 0)
		return -EINVAL;
	nd->tap_offloads = tap_want();
	fd = nic_tap_fd_open(nd->tap, true, nd->tap_offloads);
	if (fd < 0) {
		host_event(nd->dev->host, "NIC_TAP", "nic=%u tap=%s queue=%u error=%d",
			   nic_ordinal(nd->dev), nd->tap, qidx, fd);
		return fd;
	}
	ret = fd_watch_add(fd, tap_readable, nd);
	if (ret) {
		close(fd);
		return ret;
	}
	q->tap_fd = fd;
	q->paused = false;
	nic_tap_carrier(nd);
	host_event(nd->dev->host, "NIC_TAP", "nic=%u tap=%s queue=%u offloads=%#x",
		   nic_ordinal(nd->dev), nd->tap, qidx, nd->tap_offloads);
	return 0;
}

void nic_tap_close(struct nic_dev *nd, u32 qidx)
{
	struct nic_queue *q = &nd->queues[qidx];

	if (qidx >= NIC_MAX_QUEUES || q->tap_fd < 0)
		return;
	fd_watch_del(q->tap_fd);
	close(q->tap_fd);
	q->tap_fd = -1;
	q->paused = false;
}

void nic_tap_carrier(struct nic_dev *nd)
{
	int on = nd->link_up;
	u32 i;

	for (i = 0; i < NIC_MAX_QUEUES; i++)
		if (nd->queues[i].tap_fd >= 0)
			ioctl(nd->queues[i].tap_fd, TUNSETCARRIER, &on);
	nic_vlan_carrier(nd, on);
}

void nic_tap_fd_carrier(int fd, bool up)
{
	int on = up;

	ioctl(fd, TUNSETCARRIER, &on);
}

void nic_tap_resume(struct nic_dev *nd)
{
	u32 i;

	if (queue_full(nd))
		return;
	nic_vlan_resume(nd);
	for (i = 0; i < NIC_MAX_QUEUES; i++) {
		if (nd->queues[i].tap_fd >= 0 && nd->queues[i].paused) {
			nd->queues[i].paused = false;
			fd_watch_input(nd->queues[i].tap_fd, true);
		}
	}
}

int nic_tap_write(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
		  const struct nic_pkt_meta *meta)
{
	struct nic_queue *q = &nd->queues[qidx < NIC_MAX_QUEUES ? qidx : 0];
	int fd = q->tap_fd;

	if (fd < 0)
		fd = nd->queues[0].tap_fd;
	if (fd < 0)
		return -ENODEV;
	return nic_tap_fd_write(fd, frame, len, meta);
}

/* One frame to a TAP fd with the virtio-net header @meta asks for (a tag: inserted). */
int nic_tap_fd_write(int fd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta)
{
	struct virtio_net_hdr h = {};
	u8 tag[NET_VLAN_HLEN];
	struct iovec iov[4];
	int n = 0;
	u32 shift = 0;

	if (len < NET_ETH_HDR)
		return -EINVAL;
	if (meta->vlan) {
		tag[0] = 0x81;
		tag[1] = 0x00;
		tag[2] = meta->vlan_tci >> 8;
		tag[3] = meta->vlan_tci & 0xff;
		shift = NET_VLAN_HLEN;
	}
	if (meta->csum_needed) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = meta->csum_start + shift;
		h.csum_offset = meta->csum_offset;
	}
	if (meta->gso_type == NIC_GSO_TCPV4 || meta->gso_type == NIC_GSO_TCPV6) {
		h.gso_type = meta->gso_type == NIC_GSO_TCPV4 ? VIRTIO_NET_HDR_GSO_TCPV4 :
							       VIRTIO_NET_HDR_GSO_TCPV6;
		h.gso_size = meta->gso_size;
		h.hdr_len = meta->hdr_len + shift;
	}
	iov[n].iov_base = &h;
	iov[n++].iov_len = sizeof(h);
	if (shift) {
		iov[n].iov_base = (void *)frame;
		iov[n++].iov_len = 12;
		iov[n].iov_base = tag;
		iov[n++].iov_len = sizeof(tag);
		iov[n].iov_base = (void *)(frame + 12);
		iov[n++].iov_len = len - 12;
	} else {
		iov[n].iov_base = (void *)frame;
		iov[n++].iov_len = len;
	}
	if (writev(fd, iov, n) < 0)
		return -errno;
	return 0;
}
