// SPDX-License-Identifier: GPL-2.0-only
/*
 * host.c: the SCSI host adapter hvis_storvsc registers per controller: the host
 * template, its limits per class, the mapping of CPUs to hardware queues (one per
 * channel, each on its channel's CPU), device set-up, the bus reset handler, and the
 * Fibre Channel transport (port and node WWNs).
 *
 * Limits and per-device settings from torvalds/linux drivers/scsi/storvsc_drv.c
 * (storvsc_probe, storvsc_device_alloc, storvsc_device_configure,
 * storvsc_host_reset_handler, fc_transport_functions).
 */
#include <linux/blk-mq.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_devinfo.h>
#include <scsi/scsi_transport_fc.h>
#include "storvsc.h"

/* storvsc_drv.c: storvsc_timeout, the block-layer timeout of every device */
#define STORVSC_RQ_TIMEOUT	(180 * HZ)
/* storvsc_drv.c: scsi_driver.cmd_per_lun */
#define STORVSC_CMD_PER_LUN	2048

#if IS_ENABLED(CONFIG_SCSI_FC_ATTRS)
static struct scsi_transport_template *storvsc_fc_template;
static struct fc_function_template storvsc_fc_functions = {
	.show_host_node_name = 1,
	.show_host_port_name = 1,
};

int storvsc_fc_init(void)
{
	storvsc_fc_template = fc_attach_transport(&storvsc_fc_functions);
	return storvsc_fc_template ? 0 : -ENOMEM;
}

void storvsc_fc_exit(void)
{
	fc_release_transport(storvsc_fc_template);
}

static void storvsc_fc_set_template(struct storvsc_host *h)
{
	if (h->cls == STORVSC_FC)
		h->shost->transportt = storvsc_fc_template;
}

void storvsc_fc_update(struct storvsc_host *h)
{
	fc_host_node_name(h->shost) = h->node_name;
	fc_host_port_name(h->shost) = h->port_name;
}

/* After scsi_add_host: the WWNs and a dummy remote port, as storvsc_probe. */
void storvsc_fc_attach(struct storvsc_host *h)
{
	struct fc_rport_identifiers ids = {
		.roles = FC_PORT_ROLE_FCP_DUMMY_INITIATOR,
	};

	if (h->cls != STORVSC_FC)
		return;
	storvsc_fc_update(h);
	h->rport = fc_remote_port_add(h->shost, 0, &ids);
	if (!h->rport)
		dev_warn(&h->hdev->dev, "cannot add the FC remote port\n");
}

void storvsc_fc_detach(struct storvsc_host *h)
{
	if (h->cls != STORVSC_FC)
		return;
	if (h->rport)
		fc_remote_port_delete(h->rport);
	fc_remove_host(h->shost);
}
#else
int storvsc_fc_init(void)
{
	return 0;
}

void storvsc_fc_exit(void)
{
}

static void storvsc_fc_set_template(struct storvsc_host *h)
{
}

void storvsc_fc_update(struct storvsc_host *h)
{
}

void storvsc_fc_attach(struct storvsc_host *h)
{
}

void storvsc_fc_detach(struct storvsc_host *h)
{
}
#endif

static int storvsc_slave_alloc(struct scsi_device *sdev)
{
	/* storvsc_device_alloc: REPORT LUNS on any SCSI level, VPD pages tried */
	sdev->sdev_bflags = BLIST_REPORTLUN2 | BLIST_TRY_VPD_PAGES;
	return 0;
}

static int storvsc_slave_configure(struct scsi_device *sdev)
{
	struct storvsc_host *h = shost_priv(sdev->host);

	blk_queue_rq_timeout(sdev->request_queue, STORVSC_RQ_TIMEOUT);
	/* storvsc_device_configure: no REPORT SUPPORTED OPERATION CODES, no WRITE SAME ... */
	sdev->no_report_opcodes = 1;
	sdev->no_write_same = 1;
	/* ... except on a Microsoft virtual disk of a Windows 10 or newer host. */
	if (!strncmp(sdev->vendor, "Msft", 4)) {
		if (h->version == VMSTOR_VERSION_WIN8 || h->version == VMSTOR_VERSION_WIN8_1)
			sdev->scsi_level = SCSI_SPC_3;
		if (h->version >= VMSTOR_VERSION_WIN10)
			sdev->no_write_same = 0;
	}
	return 0;
}

/*
 * Each hardware queue is one channel; a CPU that is some channel's target CPU
 * submits on that channel, the others as blk-mq spreads them.  If two channels share
 * a CPU the plain spread stays (every queue keeps a CPU).
 */
static void storvsc_map_queues(struct Scsi_Host *shost)
{
	struct storvsc_host *h = shost_priv(shost);
	struct blk_mq_queue_map *map = &shost->tag_set.map[HCTX_TYPE_DEFAULT];
	unsigned int cpu, i, j;

	blk_mq_map_queues(map);
	for (i = 0; i < h->nchan && i < map->nr_queues; i++)
		for (j = 0; j < i; j++)
			if (hvis_channel_target_cpu(h->chans[i].ch) ==
			    hvis_channel_target_cpu(h->chans[j].ch))
				return;
	for (i = 0; i < h->nchan && i < map->nr_queues; i++) {
		cpu = hvis_channel_target_cpu(h->chans[i].ch);
		if (cpu < nr_cpu_ids)
			map->mq_map[cpu] = map->queue_offset + i;
	}
}

/* Bus resets tried before the error handler takes the devices offline. */
#define STORVSC_RESET_TRIES	3

/*
 * The SCSI error handler's last step, reached for commands given up on
 * (storvsc_eh_timed_out): RESET_BUS, which the host answers once every request of the
 * bus is answered.  A host that garbled one answer may well give the next, so a reset
 * is tried again before the devices go offline.
 */
static int storvsc_host_reset(struct scsi_cmnd *scmd)
{
	struct storvsc_host *h = shost_priv(scmd->device->host);
	int i, rc = -EIO;

	for (i = 0; i < STORVSC_RESET_TRIES && rc; i++)
		rc = storvsc_reset_bus(h);
	if (rc)
		dev_err(&h->hdev->dev, "bus reset failed %d times (%d); the error handler takes the devices offline\n",
			i, rc);
	else
		dev_warn(&h->hdev->dev, "bus reset (try %d): commands given up on are retried\n",
			 i);
	return rc ? FAILED : SUCCESS;
}

/*
 * Once per request: the midlayer then leaves the private data alone between commands
 * (it clears it before each one when this is absent); the count of a tag's sends is
 * kept in the in-flight table (storvsc.h).
 */
static int storvsc_init_cmd_priv(struct Scsi_Host *shost, struct scsi_cmnd *scmd)
{
	struct storvsc_cmd *cmd = scsi_cmd_priv(scmd);

	memset(cmd, 0, sizeof(*cmd));
	return 0;
}

static struct scsi_host_template storvsc_template = {
	.module = THIS_MODULE,
	.name = "storvsc_host_t",
	.proc_name = "storvsc_host",
	.cmd_size = sizeof(struct storvsc_cmd),
	.queuecommand = storvsc_queuecommand,
	.commit_rqs = storvsc_commit_rqs,
	.eh_host_reset_handler = storvsc_host_reset,
	.eh_timed_out = storvsc_eh_timed_out,
	.init_cmd_priv = storvsc_init_cmd_priv,
	.slave_alloc = storvsc_slave_alloc,
	.slave_configure = storvsc_slave_configure,
	.map_queues = storvsc_map_queues,
	.change_queue_depth = scsi_change_queue_depth,
	.this_id = -1,
	.can_queue = 1,
	.cmd_per_lun = 1,
	.sg_tablesize = 1,
	.max_sectors = 8,
	.virt_boundary_mask = VSTOR_PAGE_SIZE - 1,
	.track_queue_depth = 1,
};

struct Scsi_Host *storvsc_host_alloc(void)
{
	return scsi_host_alloc(&storvsc_template, sizeof(struct storvsc_host));
}

/* Before scsi_add_host: the limits of the class and of what the host announced. */
void storvsc_host_limits(struct storvsc_host *h, u32 lowater)
{
	struct Scsi_Host *shost = h->shost;

	switch (h->cls) {
	case STORVSC_FC:
		shost->max_lun = VSTOR_FC_MAX_LUNS;
		shost->max_id = VSTOR_FC_MAX_TARGETS;
		shost->max_channel = VSTOR_FC_MAX_CHANNELS - 1;
		break;
	case STORVSC_IDE:
		shost->max_lun = VSTOR_IDE_MAX_LUNS;
		shost->max_id = 1;
		shost->max_channel = 0;
		break;
	default:
		shost->max_lun = VSTOR_SCSI_MAX_LUNS;
		shost->max_id = VSTOR_SCSI_MAX_TARGETS;
		shost->max_channel = VSTOR_SCSI_MAX_CHANNELS - 1;
		break;
	}
	shost->max_cmd_len = VSTOR_CDB_MAX;
	shost->max_sectors = h->max_xfer >> 9;
	shost->sg_tablesize = h->max_xfer / VSTOR_PAGE_SIZE + 1;
	shost->nr_hw_queues = h->nchan;
	shost->can_queue = vstor_queue_depth(h->ring_bytes, lowater);
	shost->cmd_per_lun = min_t(u32, STORVSC_CMD_PER_LUN, shost->can_queue * h->nchan);
	storvsc_fc_set_template(h);
}
