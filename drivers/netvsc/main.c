// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: hvis_netvsc's module and VMBus glue: module parameters and their checks,
 * attach and detach (channels, NVSP, RNDIS: everything the host holds; ethtool -L and
 * MTU changes run detach + attach with the net_device kept), probe (attach, then the
 * net_device registration) and remove.
 *
 * Order and limits follow torvalds/linux drivers/net/hyperv/netvsc_drv.c
 * (netvsc_probe, netvsc_remove, the ring_size parameter) and netvsc.c
 * (netvsc_device_remove).
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "netvsc.h"

static unsigned int ring_size = 32;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Ring buffer size each way, in 4K pages (default 32, 8..4096)");

/* Upstream's default (drivers/net/hyperv/hyperv_net.h NETVSC_RECEIVE_BUFFER_DEFAULT). */
static unsigned int recv_buffer_kb = 16384;
module_param(recv_buffer_kb, uint, 0444);
MODULE_PARM_DESC(recv_buffer_kb, "Receive buffer size in KiB (default 16384, 64..31744, 4K multiple)");

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
 * MTU: 68 up to the host's maximum (mtu.c); large frames go by pages (txpage.c) and
 * the host delivers what the NDIS config MTU allows.  Starts at 1500, or lower if the
 * host's maximum is (rndis_filter.c).
 */
static int netvsc_set_mtu_limits(struct netvsc_dev *nv)
{
	nv->ndev->min_mtu = ETH_MIN_MTU;
	nv->ndev->max_mtu = netvsc_max_mtu(nv);
	nv->ndev->mtu = min_t(u32, ETH_DATA_LEN, nv->ndev->max_mtu);
	if (nv->max_frame >= ETH_MIN_MTU && nv->max_frame < nv->ndev->mtu)
		nv->ndev->mtu = nv->max_frame;
	return 0;
}

/* NAPI of one channel, on before its channel opens (its callback schedules it). */
static void netvsc_chan_napi_on(struct netvsc_chan *c)
{
	netif_napi_add(c->nv->ndev, &c->napi, netvsc_poll);
	napi_enable(&c->napi);
	c->napi_on = true;
}

/* After the channel closed: nothing schedules this NAPI any more. */
void netvsc_chan_down(struct netvsc_chan *c)
{
	if (c->napi_on) {
		napi_disable(&c->napi);
		netif_napi_del(&c->napi);
		c->napi_on = false;
	}
	/* The poll may have queued it before it stopped. */
	cancel_delayed_work_sync(&c->comp_retry);
	netvsc_rx_free(c);
	clear_bit(0, &c->tx_stopped);
	c->ch = NULL;
}

/*
 * Undoes netvsc_attach (or what of it was done): HALT, revoke the buffers, close the
 * channels (subchannels first, in hvis_channel_close), then NAPI, the GPADLs and the
 * memory.  The net_device stays; its TX queues must be stopped by the caller (or the
 * device unregistered), since xmit uses the channels and the send buffer.
 */
void netvsc_detach(struct netvsc_dev *nv)
{
	u32 i;

	WRITE_ONCE(nv->destroying, true);
	cancel_work_sync(&nv->rx_mode_work);
	cancel_delayed_work_sync(&nv->sc_gone_work);
	cancel_delayed_work_sync(&nv->link_work);
	if (nv->primary_open) {
		netvsc_rndis_halt(nv);
		netvsc_nvsp_revoke(nv);
		/* Closing first: the host lets go of the buffers before the GPADLs go. */
		hvis_channel_close(nv->ch);
		nv->primary_open = false;
	}
	netvsc_rndis_fail_all(nv);
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++)
		netvsc_chan_down(&nv->chan[i]);
	cancel_delayed_work_sync(&nv->link_work);
	/* A subchannel rescinded before its close may have queued it. */
	cancel_delayed_work_sync(&nv->sc_gone_work);
	/* A VF association that came after netvsc_vf_detach() may have queued it. */
	cancel_delayed_work_sync(&nv->vf_work);
	/* The host starts synthetic again at the next attach. */
	WRITE_ONCE(nv->data_path_is_vf, false);
	netvsc_txpage_free(nv);
	netvsc_nvsp_free_buffers(nv);
	WRITE_ONCE(nv->num_chan, 0);
	nv->attached = false;
}

/*
 * Opens one channel (the primary or a subchannel) for queue c: its packet buffer,
 * its NAPI, then the channel with its callback.  netvsc_chan_down() undoes it.
 */
int netvsc_chan_open(struct netvsc_chan *c, struct hvis_channel *ch)
{
	struct netvsc_dev *nv = c->nv;
	int rc;

	c->ch = ch;
	rc = netvsc_raw_alloc(c);
	if (rc)
		return rc;
	netvsc_chan_napi_on(c);
	WRITE_ONCE(c->gone, false);
	/* A subchannel the host rescinds while open is closed by rss.c. */
	if (c->index)
		hvis_channel_set_rescind_callback(ch, netvsc_sc_rescinded);
	/* NAPI reads; the host's interrupts stay masked until a poll finishes. */
	hvis_channel_set_drain_later(ch, true);
	/* Packets bigger than the raw buffer are dropped anyway: no bigger copy buffer. */
	hvis_channel_set_max_packet(ch, c->raw_size);
	rc = hvis_channel_open(ch, nv->ring_bytes, nv->ring_bytes, NULL, 0,
			       netvsc_channel_callback, c);
	if (rc)
		dev_err(&nv->hdev->dev, "cannot open channel %u (relid %u): %d\n", c->index,
			hvis_channel_relid(ch), rc);
	return rc;
}

/*
 * Brings the device up on the host (rndis_filter.c rndis_filter_device_add): the
 * primary channel, NVSP and its buffers, RNDIS INIT and the queries, then up to
 * want_chan channels with RSS over them (rss.c).  Undone by netvsc_detach(), which
 * it calls itself on failure.  RTNL or probe.
 */
int netvsc_attach(struct netvsc_dev *nv)
{
	struct netvsc_chan *c = &nv->chan[0];
	int rc;

	WRITE_ONCE(nv->destroying, false);
	rc = netvsc_chan_open(c, nv->ch);
	if (rc)
		goto err;
	nv->primary_open = true;

	rc = netvsc_nvsp_connect(nv, nv->ndev->mtu, nv->recv_bytes, nv->send_bytes);
	if (rc)
		goto err;
	rc = netvsc_txpage_alloc(nv);
	if (rc)
		goto err;
	rc = netvsc_rx_alloc(c);
	if (rc)
		goto err;
	WRITE_ONCE(nv->num_chan, 1);
	rc = netvsc_rndis_init(nv, nv->perm_mac, &nv->max_frame);
	if (rc)
		goto err;
	rc = netvsc_rss_attach(nv);
	if (rc)
		goto err;
	nv->attached = true;
	return 0;

err:
	netvsc_detach(nv);
	return rc;
}

/*
 * Detaches and attaches again with @want_chan channels, the net_device kept (as
 * netvsc_drv.c netvsc_set_channels / netvsc_detach / netvsc_attach): the queues stop
 * (waiting for running transmits), everything the host holds is released and set up
 * anew; if that fails the previous channel count is tried again.  RTNL held.
 */
int netvsc_reattach(struct netvsc_dev *nv, u32 want_chan)
{
	struct net_device *ndev = nv->ndev;
	bool running = netif_running(ndev);
	u32 prev = nv->num_chan ? nv->num_chan : 1;
	int rc, rc2;

	ASSERT_RTNL();
	netif_tx_disable(ndev);
	netif_carrier_off(ndev);
	netvsc_detach(nv);
	nv->want_chan = want_chan;
	rc = netvsc_attach(nv);
	if (rc) {
		netdev_err(ndev, "attach with %u channels failed (%d); back to %u\n", want_chan,
			   rc, prev);
		nv->want_chan = prev;
		rc2 = netvsc_attach(nv);
		if (rc2) {
			netdev_err(ndev, "attach failed again (%d): the device stays detached\n",
				   rc2);
			return rc;
		}
	}
	netvsc_resume(nv, running);
	return rc;
}

static int netvsc_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct net_device *ndev;
	struct netvsc_dev *nv;
	u32 i;
	int rc;

	ndev = alloc_etherdev_mqs(sizeof(*nv), NETVSC_MAX_CHANNELS, NETVSC_MAX_CHANNELS);
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &hdev->dev);
	nv = netdev_priv(ndev);
	nv->hdev = hdev;
	nv->ch = hdev->channel;
	nv->ndev = ndev;
	nv->ring_bytes = netvsc_ring_bytes(&hdev->dev);
	nv->recv_bytes = netvsc_kb_param(&hdev->dev, "recv_buffer_kb", recv_buffer_kb, 16384,
					 NETVSC_RECV_KB_MIN, NETVSC_RECV_BUFFER_MAX);
	nv->send_bytes = netvsc_kb_param(&hdev->dev, "send_buffer_kb", send_buffer_kb, 1024,
					 NETVSC_SEND_KB_MIN, NETVSC_SEND_BUFFER_MAX);
	spin_lock_init(&nv->nvsp_lock);
	init_completion(&nv->nvsp_done);
	spin_lock_init(&nv->req_lock);
	INIT_LIST_HEAD(&nv->reqs);
	mutex_init(&nv->ctl_lock);
	INIT_DELAYED_WORK(&nv->link_work, netvsc_link_work);
	INIT_WORK(&nv->rx_mode_work, netvsc_rx_mode_work);
	netvsc_txwatch_init(nv);
	netvsc_vf_init(nv);
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++) {
		struct netvsc_chan *c = &nv->chan[i];

		c->nv = nv;
		c->index = i;
		INIT_DELAYED_WORK(&c->comp_retry, netvsc_comp_retry_work);
		INIT_LIST_HEAD(&c->lent);
		u64_stats_init(&c->rx_syncp);
		u64_stats_init(&c->tx_syncp);
	}
	netvsc_netdev_setup(nv);
	netvsc_rss_init(nv);
	hvis_set_drvdata(hdev, nv);
	hvis_channel_set_subchannel_callback(nv->ch, netvsc_subchannel_offer);

	nv->ka_msg = kzalloc(NETVSC_CTRL_MSG_BYTES, GFP_KERNEL);
	rc = netvsc_vf_stats_alloc(nv);
	if (!nv->ka_msg || rc) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = netvsc_attach(nv);
	if (rc)
		goto err_free;
	rc = netvsc_set_mtu_limits(nv);
	if (rc)
		goto err_detach;
	eth_hw_addr_set(ndev, nv->perm_mac);
	netif_set_real_num_tx_queues(ndev, nv->num_chan);
	netif_set_real_num_rx_queues(ndev, nv->num_chan);

	rc = register_netdev(ndev);
	if (rc) {
		dev_err(&hdev->dev, "cannot register the net device: %d\n", rc);
		goto err_detach;
	}
	netdev_info(ndev, "%pM, NVSP %#x, link %s, MTU %u, send %ux%u, recv %ux%u, %u channel(s)\n",
		    ndev->dev_addr, nv->nvsp_ver, READ_ONCE(nv->link_up) ? "up" : "down",
		    ndev->mtu, nv->send_sections, nv->send_section_size, nv->recv_sections,
		    nv->recv_section_size, nv->num_chan);
	netvsc_vf_attach(nv);
	return 0;

err_detach:
	netvsc_detach(nv);
err_free:
	netvsc_vf_stats_free(nv);
	kfree(nv->ka_msg);
	hvis_channel_set_subchannel_callback(nv->ch, NULL);
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
	/* Closed: nothing transmits to arm the watch again. */
	netvsc_txwatch_stop(nv);
	hvis_channel_set_subchannel_callback(nv->ch, NULL);
	netvsc_detach(nv);
	netvsc_vf_stats_free(nv);
	kfree(nv->ka_msg);
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
