// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: hvis_netvsc's module and VMBus glue: module parameters and their checks,
 * probe (channel, NVSP, RNDIS, net_device registration), remove and the teardown
 * order both share (HALT, revoke, close, GPADL teardown, free).
 *
 * Order and limits follow torvalds/linux drivers/net/hyperv/netvsc_drv.c
 * (netvsc_probe, netvsc_remove, the ring_size parameter) and netvsc.c
 * (netvsc_device_remove).
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "netvsc.h"

static unsigned int ring_size = 32;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Ring buffer size each way, in 4K pages (default 32, 8..4096)");

static unsigned int recv_buffer_kb = 2048;
module_param(recv_buffer_kb, uint, 0444);
MODULE_PARM_DESC(recv_buffer_kb, "Receive buffer size in KiB (default 2048, 64..31744, 4K multiple)");

static unsigned int send_buffer_kb = 1024;
module_param(send_buffer_kb, uint, 0444);
MODULE_PARM_DESC(send_buffer_kb, "Send buffer size in KiB (default 1024, 32..15360, 4K multiple)");

#define NETVSC_RING_PAGES_MIN	8u
#define NETVSC_RING_PAGES_MAX	4096u
#define NETVSC_RECV_KB_MIN	64u
#define NETVSC_SEND_KB_MIN	32u

/* A KiB parameter as bytes, or its default if out of range or not 4K-aligned. */
static u32 netvsc_kb_param(struct device *dev, const char *name, unsigned int kb,
			   unsigned int def, unsigned int min, u32 max_bytes)
{
	if (kb < min || kb % 4 || (u64)kb * 1024 > max_bytes) {
		dev_warn(dev, "%s=%u is not a multiple of 4 in %u..%u; using %u\n", name, kb,
			 min, max_bytes / 1024, def);
		kb = def;
	}
	return kb * 1024;
}

static u32 netvsc_ring_bytes(struct device *dev)
{
	unsigned int pages = clamp(ring_size, NETVSC_RING_PAGES_MIN, NETVSC_RING_PAGES_MAX);

	if (pages != ring_size)
		dev_warn(dev, "ring_size=%u out of range; using %u pages\n", ring_size, pages);
	return pages * HV_HYP_PAGE_SIZE;
}

/*
 * MTU: this version has no page-buffer path, so a frame must fit one send and one
 * receive section; and it is capped at ETH_DATA_LEN (no jumbo frames yet).
 */
static int netvsc_set_mtu_limits(struct netvsc_dev *nv, u32 max_frame)
{
	u32 section = min(nv->send_section_size, nv->recv_section_size);
	u32 max_mtu = ETH_DATA_LEN;

	if (section < RNDIS_PACKET_HDR_BYTES + ETH_HLEN + ETH_MIN_MTU) {
		netdev_err(nv->ndev, "sections of %u bytes cannot hold a minimal frame\n",
			   section);
		return -EINVAL;
	}
	max_mtu = min_t(u32, max_mtu, section - RNDIS_PACKET_HDR_BYTES - ETH_HLEN);
	/* MAXIMUM_FRAME_SIZE only ever lowers it (rndis_filter.c). */
	if (max_frame >= ETH_MIN_MTU && max_frame < max_mtu)
		max_mtu = max_frame;
	nv->ndev->min_mtu = ETH_MIN_MTU;
	nv->ndev->max_mtu = max_mtu;
	nv->ndev->mtu = max_mtu;
	return 0;
}

/* Undoes probe's steps after the net_device is gone (or never was registered). */
static void netvsc_teardown(struct netvsc_dev *nv, bool opened)
{
	WRITE_ONCE(nv->destroying, true);
	cancel_work_sync(&nv->rx_mode_work);
	cancel_delayed_work_sync(&nv->link_work);
	if (opened) {
		netvsc_rndis_halt(nv);
		netvsc_nvsp_revoke(nv);
		/* Closing first: the host lets go of the buffers before the GPADLs go. */
		hvis_channel_close(nv->ch);
	}
	netvsc_rndis_fail_all(nv);
	napi_disable(&nv->napi);
	netif_napi_del(&nv->napi);
	/* The poll may have queued either before it stopped. */
	cancel_delayed_work_sync(&nv->comp_retry);
	cancel_delayed_work_sync(&nv->link_work);
	/* A VF association that came after netvsc_vf_detach() may have queued it. */
	cancel_delayed_work_sync(&nv->vf_work);
	netvsc_nvsp_free_buffers(nv);
	netvsc_rx_free(nv);
	kfree(nv->ka_msg);
	nv->ka_msg = NULL;
}

static int netvsc_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	u32 ring = netvsc_ring_bytes(&hdev->dev);
	u32 recv = netvsc_kb_param(&hdev->dev, "recv_buffer_kb", recv_buffer_kb, 2048,
				   NETVSC_RECV_KB_MIN, NETVSC_RECV_BUFFER_MAX);
	u32 send = netvsc_kb_param(&hdev->dev, "send_buffer_kb", send_buffer_kb, 1024,
				   NETVSC_SEND_KB_MIN, NETVSC_SEND_BUFFER_MAX);
	struct net_device *ndev;
	struct netvsc_dev *nv;
	bool opened = false;
	u8 mac[ETH_ALEN];
	u32 max_frame;
	int rc;

	ndev = alloc_etherdev(sizeof(*nv));
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &hdev->dev);
	nv = netdev_priv(ndev);
	nv->hdev = hdev;
	nv->ch = hdev->channel;
	nv->ndev = ndev;
	spin_lock_init(&nv->nvsp_lock);
	init_completion(&nv->nvsp_done);
	spin_lock_init(&nv->req_lock);
	INIT_LIST_HEAD(&nv->reqs);
	mutex_init(&nv->ctl_lock);
	INIT_DELAYED_WORK(&nv->link_work, netvsc_link_work);
	INIT_DELAYED_WORK(&nv->comp_retry, netvsc_comp_retry_work);
	INIT_WORK(&nv->rx_mode_work, netvsc_rx_mode_work);
	netvsc_vf_init(nv);
	u64_stats_init(&nv->rx_syncp);
	u64_stats_init(&nv->tx_syncp);
	netvsc_netdev_setup(nv);
	netif_napi_add(ndev, &nv->napi, netvsc_poll);
	napi_enable(&nv->napi);
	hvis_set_drvdata(hdev, nv);

	nv->ka_msg = kzalloc(NETVSC_CTRL_MSG_BYTES, GFP_KERNEL);
	rc = nv->ka_msg ? netvsc_raw_alloc(nv) : -ENOMEM;
	if (rc)
		goto err;

	/* NAPI reads; the host's interrupts stay masked until a poll finishes. */
	hvis_channel_set_drain_later(nv->ch, true);
	/* Packets bigger than the raw buffer are dropped anyway: no bigger copy buffer. */
	hvis_channel_set_max_packet(nv->ch, nv->raw_size);
	rc = hvis_channel_open(nv->ch, ring, ring, NULL, 0, netvsc_channel_callback, nv);
	if (rc) {
		dev_err(&hdev->dev, "cannot open the channel: %d\n", rc);
		goto err;
	}
	opened = true;

	rc = netvsc_nvsp_connect(nv, ETH_DATA_LEN, recv, send);
	if (rc)
		goto err;
	rc = netvsc_rx_alloc(nv);
	if (rc)
		goto err;
	rc = netvsc_rndis_init(nv, mac, &max_frame);
	if (rc)
		goto err;
	rc = netvsc_set_mtu_limits(nv, max_frame);
	if (rc)
		goto err;
	eth_hw_addr_set(ndev, mac);

	rc = register_netdev(ndev);
	if (rc) {
		dev_err(&hdev->dev, "cannot register the net device: %d\n", rc);
		goto err;
	}
	netdev_info(ndev, "%pM, NVSP %#x, link %s, MTU %u, send %ux%u, recv %ux%u\n",
		    ndev->dev_addr, nv->nvsp_ver, READ_ONCE(nv->link_up) ? "up" : "down",
		    ndev->mtu, nv->send_sections, nv->send_section_size, nv->recv_sections,
		    nv->recv_section_size);
	netvsc_vf_attach(nv);
	return 0;

err:
	netvsc_teardown(nv, opened);
	hvis_set_drvdata(hdev, NULL);
	free_netdev(ndev);
	return rc;
}

static void netvsc_remove(struct hvis_device *hdev)
{
	struct netvsc_dev *nv = hvis_get_drvdata(hdev);
	struct net_device *ndev = nv->ndev;

	netvsc_vf_detach(nv);
	unregister_netdev(ndev);
	netvsc_teardown(nv, true);
	hvis_set_drvdata(hdev, NULL);
	free_netdev(ndev);
}

static const struct hvis_device_id netvsc_ids[] = {
	{ .guid = HV_NIC_GUID },
	{ }
};

static struct hvis_driver netvsc_driver = {
	.name = NETVSC_DRV_NAME,
	.id_table = netvsc_ids,
	.probe = netvsc_probe,
	.remove = netvsc_remove,
};

static int __init netvsc_init(void)
{
	int rc = netvsc_vf_module_init();

	if (rc)
		return rc;
	rc = hvis_driver_register(&netvsc_driver);
	if (rc)
		netvsc_vf_module_exit();
	return rc;
}
module_init(netvsc_init);

static void __exit netvsc_exit(void)
{
	hvis_driver_unregister(&netvsc_driver);
	netvsc_vf_module_exit();
}
module_exit(netvsc_exit);

/* udev loads us by the NIC class GUID (f8615163-df3e-46c5-913f-f2d2f965ed0e). */
MODULE_ALIAS("vmbus:635161f83edfc546913ff2d2f965ed0e");
MODULE_DESCRIPTION("hvis Hyper-V synthetic network driver");
MODULE_LICENSE("GPL");
