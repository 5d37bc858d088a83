// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_vlan.c: the NIC's switch port as a VLAN trunk, the way a Hyper-V virtual switch
 * trunks a VM's adapter (Set-VMNetworkAdapterVlan -Trunk).  `serve --tap-vlan
 * N:VID=IFNAME` (several allowed) wires VLAN VID of NIC number N to TAP device IFNAME,
 * an access port:
 *  - guest -> wire: a frame carrying the 802.1Q PPI (or a tag in band) with VID leaves
 *    on IFNAME untagged; a tagged frame whose VID has no port is dropped and counted
 *    (`vlan_no_port` in `nic status`); untagged and priority-only (VID 0) frames stay
 *    on the NIC's own TAP (`--tap N=`), the native VLAN;
 *  - wire -> guest: a frame read from IFNAME goes through the same switch-port path as
 *    the native TAP's (packet filter, MAC, the VMQ mismatch, the VF, the channel RSS
 *    picks: nic_wire_rx) with the 802.1Q PPI for VID, priority 0; a frame that already
 *    carries a tag is not an access port's: dropped and counted (`rx_tagged`).
 * A NIC with no `--tap-vlan` keeps the old behaviour: tags travel on its own TAP.
 * The ports open with the primary channel and close with it; each is one queue,
 * vnet_hdr, partial checksums accepted (TUN_F_CSUM), so the kernel segments GSO frames
 * before they reach us.  The TAP code is nic_tap.c's; fd_watch.c runs the reads.
 */
#include <errno.h>
#include <stdio.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <unistd.h>
#include "fd_watch.h"
#include "net_frame.h"
#include "nic_dev.h"

#define VLAN_READ_BUDGET	64	/* frames per readiness callback */
#define VLAN_FRAME_MAX		(65536u + 64)

/* `--tap-vlan` of each NIC place, kept across re-offers as `--tap` is (dev_nic.c). */
static struct {
	u16 vid;
	char ifname[IFNAMSIZ];
} vlan_of_place[NIC_MAX_TAPS][NIC_VLAN_PORTS];

static u8 vlan_buf[NIC_TAP_HDR_LEN + VLAN_FRAME_MAX] __aligned(8);
static u8 vlan_out[VLAN_FRAME_MAX];

int dev_nic_add_tap_vlan(struct vmbus_host *h, u32 n, u32 vid, const char *ifname)
{
	const struct host_device *d;
	u32 i, nics = 0;

	if (n >= NIC_MAX_TAPS || vid < 1 || vid > 4094 || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	for (d = h->devices; d; d = d->next)
		nics += d->ops == &dev_nic_ops;
	if (n >= nics)
		return -ENOENT;
	for (i = 0; i < NIC_VLAN_PORTS && vlan_of_place[n][i].vid; i++)
		if (vlan_of_place[n][i].vid == vid || !strcmp(vlan_of_place[n][i].ifname, ifname))
			return -EEXIST;
	if (i == NIC_VLAN_PORTS)
		return -ENOSPC;
	vlan_of_place[n][i].vid = (u16)vid;
	snprintf(vlan_of_place[n][i].ifname, IFNAMSIZ, "%s", ifname);
	return 0;
}

static bool queue_full(const struct nic_dev *nd)
{
	return nd->q_count >= NIC_QUEUE_LEN - 1;
}

static struct nic_vlan_port *port_of_fd(struct nic_dev *nd, int fd)
{
	u32 i;

	for (i = 0; i < nd->nvports; i++)
		if (nd->vports[i].fd == fd)
			return &nd->vports[i];
	return NULL;
}

static struct nic_vlan_port *port_of_vid(struct nic_dev *nd, u16 vid)
{
	u32 i;

	for (i = 0; i < nd->nvports; i++)
		if (nd->vports[i].vid == vid)
			return &nd->vports[i];
	return NULL;
}

/* Port -> guest: each frame as the native TAP's would go, with the PPI for the VID. */
static void vlan_readable(void *ctx, int fd)
{
	struct nic_dev *nd = ctx;
	struct nic_vlan_port *p = port_of_fd(nd, fd);
	struct nic_pkt_meta m;
	u16 type;
	u32 i, len;
	ssize_t n;
	u8 *f;

	if (!p)
		return;
	for (i = 0; i < VLAN_READ_BUDGET; i++) {
		if (queue_full(nd)) {
			p->paused = true;
			fd_watch_input(fd, false);
			break;
		}
		n = read(fd, vlan_buf, sizeof(vlan_buf));
		if (n < 0)
			break;		/* EAGAIN: drained */
		if ((size_t)n < NIC_TAP_HDR_LEN + NET_ETH_HDR)
			continue;
		f = vlan_buf + NIC_TAP_HDR_LEN;
		len = (u32)n - NIC_TAP_HDR_LEN;
		type = (u16)(f[12] << 8 | f[13]);
		if (type == 0x8100 || type == 0x88a8) {
			p->rx_tagged++;
			continue;
		}
		if (!nic_tap_hdr_meta(vlan_buf, f, len, &m, &p->rx_csum_bad)) {
			p->rx_drops++;
			continue;
		}
		m.vlan = true;
		m.vlan_tci = p->vid;		/* priority 0, CFI 0 */
		if (!nic_wire_rx(nd, f, len, &m)) {
			p->rx_drops++;
			continue;
		}
		p->rx_frames++;
		p->rx_bytes += len;
	}
	if (nd->ch)
		nic_flush(nd->ch);
}

static void port_open(struct nic_dev *nd, struct nic_vlan_port *p)
{
	int fd = nic_tap_fd_open(p->ifname, false, TUN_F_CSUM);

	if (fd >= 0 && fd_watch_add(fd, vlan_readable, nd)) {
		close(fd);
		fd = -EMFILE;
	}
	if (fd < 0) {
		host_event(nd->dev->host, "NIC_TAP_VLAN", "nic=%u vid=%u tap=%s error=%d",
			   nic_ordinal(nd->dev), p->vid, p->ifname, fd);
		return;
	}
	p->fd = fd;
	p->paused = false;
	nic_tap_fd_carrier(fd, nd->link_up);
	host_event(nd->dev->host, "NIC_TAP_VLAN", "nic=%u vid=%u tap=%s",
		   nic_ordinal(nd->dev), p->vid, p->ifname);
}

void nic_vlan_open(struct nic_dev *nd)
{
	u32 place = nic_ordinal(nd->dev), i;

	/* The first connection takes the configuration; the counters outlive a close. */
	if (!nd->nvports && place < NIC_MAX_TAPS) {
		for (i = 0; i < NIC_VLAN_PORTS && vlan_of_place[place][i].vid; i++) {
			nd->vports[i].vid = vlan_of_place[place][i].vid;
			snprintf(nd->vports[i].ifname, sizeof(nd->vports[i].ifname), "%s",
				 vlan_of_place[place][i].ifname);
			nd->vports[i].fd = -1;
		}
		nd->nvports = i;
	}
	for (i = 0; i < nd->nvports; i++)
		if (nd->vports[i].fd < 0)
			port_open(nd, &nd->vports[i]);
}

void nic_vlan_close(struct nic_dev *nd)
{
	u32 i;

	for (i = 0; i < nd->nvports; i++) {
		if (nd->vports[i].fd < 0)
			continue;
		fd_watch_del(nd->vports[i].fd);
		close(nd->vports[i].fd);
		nd->vports[i].fd = -1;
		nd->vports[i].paused = false;
	}
}

bool nic_vlan_tx(struct nic_dev *nd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta)
{
	struct nic_pkt_meta m = *meta;
	struct nic_vlan_port *p;
	bool inband = false;
	u16 tci;

	if (!nd->nvports)
		return false;
	if (meta->vlan) {
		tci = meta->vlan_tci;
	} else if (len >= NET_ETH_HDR + NET_VLAN_HLEN && frame[12] == 0x81 && frame[13] == 0x00) {
		tci = (u16)(frame[14] << 8 | frame[15]);
		inband = true;
	} else {
		return false;
	}
	if (!(tci & 0xfff))
		return false;		/* priority only: the native VLAN */
	p = port_of_vid(nd, tci & 0xfff);
	if (!p) {
		nd->vlan_no_port++;
		return true;
	}
	m.vlan = false;
	if (inband) {
		/* The tag comes out; offsets the guest gave count it, so they move too. */
		if ((m.csum_needed && m.csum_start < NET_ETH_HDR + NET_VLAN_HLEN) ||
		    (m.gso_type != NIC_GSO_NONE && m.hdr_len < NET_ETH_HDR + NET_VLAN_HLEN) ||
		    len - NET_VLAN_HLEN > sizeof(vlan_out)) {
			p->tx_errors++;
			return true;
		}
		memcpy(vlan_out, frame, 12);
		memcpy(vlan_out + 12, frame + 12 + NET_VLAN_HLEN, len - 12 - NET_VLAN_HLEN);
		frame = vlan_out;
		len -= NET_VLAN_HLEN;
		if (m.csum_needed)
			m.csum_start -= NET_VLAN_HLEN;
		if (m.gso_type != NIC_GSO_NONE)
			m.hdr_len -= NET_VLAN_HLEN;
	}
	if (p->fd < 0 || nic_tap_fd_write(p->fd, frame, len, &m)) {
		p->tx_errors++;
		return true;
	}
	p->tx_frames++;
	p->tx_bytes += len;
	return true;
}

void nic_vlan_carrier(struct nic_dev *nd, bool up)
{
	u32 i;

	for (i = 0; i < nd->nvports; i++)
		if (nd->vports[i].fd >= 0)
			nic_tap_fd_carrier(nd->vports[i].fd, up);
}

void nic_vlan_resume(struct nic_dev *nd)
{
	u32 i;

	for (i = 0; i < nd->nvports; i++) {
		if (nd->vports[i].fd >= 0 && nd->vports[i].paused) {
			nd->vports[i].paused = false;
			fd_watch_input(nd->vports[i].fd, true);
		}
	}
}

void nic_vlan_status(const struct nic_dev *nd, FILE *out)
{
	fprintf(out, " vlan_ports=%u vlan_no_port=%llu", nd->nvports,
		(unsigned long long)nd->vlan_no_port);
}

void nic_vlan_print(const struct nic_dev *nd, FILE *out)
{
	const struct nic_vlan_port *p;
	u32 i;

	fprintf(out, "vlan_ports=%u vlan_no_port=%llu\n", nd->nvports,
		(unsigned long long)nd->vlan_no_port);
	for (i = 0; i < nd->nvports; i++) {
		p = &nd->vports[i];
		fprintf(out, "vid=%u tap=%s state=%s tx_frames=%llu tx_bytes=%llu rx_frames=%llu rx_bytes=%llu tx_errors=%llu rx_drops=%llu rx_tagged=%llu rx_csum_bad=%llu\n",
			p->vid, p->ifname, p->fd >= 0 ? "open" : "closed",
			(unsigned long long)p->tx_frames, (unsigned long long)p->tx_bytes,
			(unsigned long long)p->rx_frames, (unsigned long long)p->rx_bytes,
			(unsigned long long)p->tx_errors, (unsigned long long)p->rx_drops,
			(unsigned long long)p->rx_tagged, (unsigned long long)p->rx_csum_bad);
	}
}
