// SPDX-License-Identifier: GPL-2.0-only
/*
 * io.c: SCSI commands over VSTOR.  queuecommand builds an EXECUTE_SRB and sends it on
 * its hardware queue's channel, with the data as one GPA-direct range of the
 * scatterlist's 4 KiB pages (no bounce copy); the completion is found by its
 * transaction id (blk_mq_unique_tag + 1, and the send's number), checked
 * (lib/storvsc_msg.c) and mapped to a SCSI result; a command the host never answers
 * is given up after abort_after seconds; LUN removal, device rescan and host scan run
 * from work items.
 *
 * As torvalds/linux drivers/scsi/storvsc_drv.c (storvsc_queuecommand, storvsc_do_io,
 * storvsc_on_io_completion, storvsc_command_completion, storvsc_handle_error,
 * storvsc_host_scan, storvsc_remove_lun, storvsc_device_scan, storvsc_eh_timed_out).
 */
#include <linux/blk-mq.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_tcq.h>
#include "storvsc.h"

#define STORVSC_PAGE_SHIFT	12
/* storvsc_drv.c: vm_srb->time_out_value = 60 */
#define STORVSC_SRB_TIMEOUT_S	60

struct storvsc_lun_work {
	struct work_struct work;
	struct Scsi_Host *shost;
	unsigned int channel;
	unsigned int id;
	u64 lun;
	bool remove;
};

static void storvsc_lun_work_fn(struct work_struct *work)
{
	struct storvsc_lun_work *w = container_of(work, struct storvsc_lun_work, work);
	struct scsi_device *sdev;

	sdev = scsi_device_lookup(w->shost, w->channel, w->id, w->lun);
	if (sdev) {
		if (w->remove)
			scsi_remove_device(sdev);
		else
			scsi_rescan_device(sdev);
		scsi_device_put(sdev);
	}
	kfree(w);
}

/* Softirq: a LUN to remove or rescan, from a completion. */
static void storvsc_queue_lun_work(struct storvsc_host *h, struct scsi_device *sdev,
				   bool remove)
{
	struct storvsc_lun_work *w;

	if (READ_ONCE(h->removing))
		return;
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w)
		return;
	INIT_WORK(&w->work, storvsc_lun_work_fn);
	w->shost = h->shost;
	w->channel = sdev->channel;
	w->id = sdev->id;
	w->lun = sdev->lun;
	w->remove = remove;
	queue_work(h->wq, &w->work);
}

/*
 * ENUMERATE_BUS / REMOVE_DEVICE: a TEST UNIT READY to every known LUN (a LUN that is
 * gone answers INVALID_LUN and is removed), then a scan for new ones.
 */
void storvsc_scan_work(struct work_struct *work)
{
	struct storvsc_host *h = container_of(to_delayed_work(work), struct storvsc_host,
					      scan_work);
	struct Scsi_Host *shost = h->shost;
	struct scsi_device *sdev;

	WRITE_ONCE(h->scan_last, jiffies);
	mutex_lock(&shost->scan_mutex);
	shost_for_each_device(sdev, shost)
		scsi_test_unit_ready(sdev, 30 * HZ, 1, NULL);
	mutex_unlock(&shost->scan_mutex);
	scsi_scan_host(shost);
}

/*
 * Softirq or process context: a rescan, now or STORVSC_SCAN_GAP after the last one
 * began; asks while one is pending add nothing.  A host that sends ENUMERATE_BUS back to
 * back would otherwise keep the scan mutex taken, and the midlayer's own scan (the one
 * scsi_scan_host starts at probe, which module loading waits for) waiting behind it.
 */
void storvsc_queue_scan(struct storvsc_host *h)
{
	unsigned long next = READ_ONCE(h->scan_last) + STORVSC_SCAN_GAP;

	if (READ_ONCE(h->removing))
		return;
	queue_delayed_work(h->wq, &h->scan_work,
			   time_after(next, jiffies) ? next - jiffies : 0);
}

static void storvsc_build_srb(struct storvsc_host *h, struct scsi_cmnd *scmd,
			      struct vstor_packet *pkt)
{
	struct vmscsi_request *srb = &pkt->srb;

	memset(pkt, 0, sizeof(*pkt));
	pkt->operation = VSTOR_OP_EXECUTE_SRB;
	pkt->flags = VSTOR_FLAG_REQUEST_COMPLETION;
	srb->length = sizeof(*srb);
	srb->sense_info_length = VSTOR_SENSE_MAX;
	srb->time_out_value = STORVSC_SRB_TIMEOUT_S;
	srb->srb_flags = SRB_FLAGS_DISABLE_SYNCH_TRANSFER;
	if (scmd->device->tagged_supported) {
		srb->srb_flags |= SRB_FLAGS_QUEUE_ACTION_ENABLE | SRB_FLAGS_NO_QUEUE_FREEZE;
		srb->queue_tag = VSTOR_SP_UNTAGGED;
		srb->queue_action = VSTOR_SIMPLE_TAG_REQUEST;
	}
	switch (scmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		srb->data_in = VSTOR_DATA_OUT;
		srb->srb_flags |= SRB_FLAGS_DATA_OUT;
		break;
	case DMA_FROM_DEVICE:
		srb->data_in = VSTOR_DATA_IN;
		srb->srb_flags |= SRB_FLAGS_DATA_IN;
		break;
	default:
		srb->data_in = VSTOR_DATA_NONE;
		break;
	}
	srb->port_number = h->shost->host_no;
	srb->path_id = scmd->device->channel;
	srb->target_id = scmd->device->id;
	srb->lun = scmd->device->lun;
	srb->cdb_length = scmd->cmd_len;
	memcpy(srb->cdb, scmd->cmnd, min_t(u32, scmd->cmd_len, VSTOR_CDB_MAX));
	srb->data_transfer_length = scsi_bufflen(scmd);
}

/*
 * The scatterlist as one GPA-direct range: byte offset in the first 4 KiB page, then
 * every 4 KiB page in order (virt_boundary_mask makes the inner entries page-aligned).
 * Guest physical addresses: VMBus devices have no IOMMU.
 */
static int storvsc_map(struct storvsc_cmd *cmd, struct scsi_cmnd *scmd,
		       struct vmbus_gpa_range **range, u32 *range_bytes)
{
	struct scatterlist *sgl = scsi_sglist(scmd), *sg;
	u32 len = scsi_bufflen(scmd);
	u32 off = sg_phys(sgl) & (VSTOR_PAGE_SIZE - 1);
	u32 npfn = DIV_ROUND_UP(off + len, VSTOR_PAGE_SIZE);
	struct vmbus_gpa_range *r;
	u64 *buf = cmd->range;
	u32 i = 0;
	int j;

	if (npfn > STORVSC_INLINE_PFNS) {
		buf = kmalloc_array(1 + npfn, sizeof(u64), GFP_ATOMIC);
		if (!buf)
			return -ENOMEM;
		cmd->ext = buf;
	}
	r = (struct vmbus_gpa_range *)buf;
	r->byte_count = len;
	r->byte_offset = off;
	for_each_sg(sgl, sg, scsi_sg_count(scmd), j) {
		phys_addr_t start = sg_phys(sg);
		u64 pfn = start >> STORVSC_PAGE_SHIFT;
		u64 end = (start + sg->length + VSTOR_PAGE_SIZE - 1) >> STORVSC_PAGE_SHIFT;

		for (; pfn < end; pfn++) {
			if (i == npfn)
				goto bad;
			r->pfn_array[i++] = pfn;
		}
	}
	if (i != npfn)
		goto bad;
	*range = r;
	*range_bytes = sizeof(*r) + npfn * sizeof(u64);
	return 0;
bad:
	WARN_ONCE(1, "hvis_storvsc: scatterlist of %u bytes does not fill %u pages\n", len, npfn);
	return -EINVAL;
}

static void storvsc_free_ext(struct storvsc_cmd *cmd)
{
	kfree(cmd->ext);
	cmd->ext = NULL;
}

/*
 * The hardware queue's channel, or the primary if the host rescinded that one.  Under
 * rcu_read_lock (with the send): storvsc_drop_rescinded waits for it before it closes
 * a channel, so a channel it found open stays open until the send is done.
 */
static struct storvsc_chan *storvsc_pick(struct storvsc_host *h, u32 hwq)
{
	struct storvsc_chan *c;

	if (hwq >= h->nchan)
		return &h->chans[0];
	c = &h->chans[hwq];
	if (READ_ONCE(c->gone) || hvis_channel_rescinded(c->ch))
		return &h->chans[0];
	return c;
}

/*
 * Only the last command of a blk-mq batch signals the host (a signal the batch owes
 * goes with it, or with storvsc_commit_rqs when the batch ends early), as virtio-blk
 * notifies its device.
 */
static int storvsc_send(struct storvsc_chan *c, struct storvsc_cmd *cmd,
			struct vmbus_gpa_range *range, u32 range_bytes, u64 tid, bool last)
{
	const u16 fl = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;

	if (range && last)
		return hvis_channel_send_gpa_direct(c->ch, range, range_bytes, &cmd->pkt,
						    sizeof(cmd->pkt), tid);
	if (range)
		return hvis_channel_send_gpa_direct_nosignal(c->ch, range, range_bytes, &cmd->pkt,
							     sizeof(cmd->pkt), tid);
	if (last)
		return hvis_channel_send(c->ch, &cmd->pkt, sizeof(cmd->pkt), tid,
					 VM_PKT_DATA_INBAND, fl);
	return hvis_channel_send_nosignal(c->ch, &cmd->pkt, sizeof(cmd->pkt), tid,
					  VM_PKT_DATA_INBAND, fl);
}

/*
 * blk-mq ended a batch without a last command: the signals its sends owe go out.  The
 * queue's channel and the primary (which takes a rescinded subchannel's commands).
 */
void storvsc_commit_rqs(struct Scsi_Host *shost, u16 hwq)
{
	struct storvsc_host *h = shost_priv(shost);

	rcu_read_lock();
	if (hwq && hwq < h->nchan && !READ_ONCE(h->chans[hwq].gone))
		hvis_channel_kick(h->chans[hwq].ch);
	hvis_channel_kick(h->chans[0].ch);
	rcu_read_unlock();
}

/*
 * The in-flight word of @tag1 (a blk-mq unique tag + 1, the low half of a transaction
 * id), or NULL if it names no tag of this host: the host may name any.
 */
static atomic64_t *storvsc_live_slot(struct storvsc_host *h, u32 tag1)
{
	/* Pairs with probe's release: the shape is set before the table appears. */
	atomic64_t *live = smp_load_acquire(&h->live);
	u32 hwq, tag;

	if (!tag1 || !live)
		return NULL;
	hwq = blk_mq_unique_tag_to_hwq(tag1 - 1);
	tag = blk_mq_unique_tag_to_tag(tag1 - 1);
	if (hwq >= h->live_queues || tag >= h->live_depth)
		return NULL;
	return &live[hwq * h->live_depth + tag];
}

static u64 storvsc_live_word(u64 tid, u16 chan)
{
	return STORVSC_LIVE | (tid & STORVSC_TID_SEND) | chan;
}

/* Ends the send @live (a word with STORVSC_LIVE) of @slot; false if it ended already. */
static bool storvsc_live_end(atomic64_t *slot, u64 live)
{
	return atomic64_cmpxchg(slot, live, live & ~STORVSC_LIVE) == live;
}

/* Why the host's @tid on channel @chan does not end a send in flight (@word: its tag's). */
static const char *storvsc_not_live_why(u64 word, u64 tid, u16 chan)
{
	if (!word)
		return "not in flight";
	if ((word & STORVSC_TID_SEND) != (tid & STORVSC_TID_SEND))
		return "not in flight (not its tag's current send)";
	if (!(word & STORVSC_LIVE))
		return "not in flight (completed or given up already)";
	if ((word & STORVSC_LIVE_CHAN) != chan)
		return "on another channel than its request";
	return "not in flight (completed already)";
}

int storvsc_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *scmd)
{
	struct storvsc_host *h = shost_priv(shost);
	struct storvsc_cmd *cmd = scsi_cmd_priv(scmd);
	u32 tag = blk_mq_unique_tag(scsi_cmd_to_rq(scmd));
	struct vmbus_gpa_range *range = NULL;
	struct storvsc_chan *c;
	u32 range_bytes = 0;
	atomic64_t *slot;
	u64 live;
	int rc;

	cmd->ext = NULL;
	if (scmd->sc_data_direction == DMA_BIDIRECTIONAL) {
		set_host_byte(scmd, DID_ERROR);
		scsi_done(scmd);
		return 0;
	}
	storvsc_build_srb(h, scmd, &cmd->pkt);
	cmd->req_len = scsi_bufflen(scmd);
	if (scsi_sg_count(scmd) && cmd->req_len) {
		rc = storvsc_map(cmd, scmd, &range, &range_bytes);
		if (rc == -ENOMEM)
			return SCSI_MLQUEUE_DEVICE_BUSY;
		if (rc) {
			storvsc_free_ext(cmd);
			set_host_byte(scmd, DID_ERROR);
			scsi_done(scmd);
			return 0;
		}
	}
	/* The tag's sends are counted in its in-flight word, whichever request holds it. */
	slot = storvsc_live_slot(h, tag + 1);
	if (WARN_ON_ONCE(!slot)) {
		storvsc_free_ext(cmd);
		set_host_byte(scmd, DID_ERROR);
		scsi_done(scmd);
		return 0;
	}
	cmd->tid = STORVSC_TID(((atomic64_read(slot) & STORVSC_TID_SEND) >> 32) + 1, tag);
	cmd->sent_at = jiffies;
	rcu_read_lock();
	c = storvsc_pick(h, blk_mq_unique_tag_to_hwq(tag));
	for (;;) {
		cmd->chan = c->index;
		live = storvsc_live_word(cmd->tid, c->index);
		atomic64_set_release(slot, live);
		rc = storvsc_send(c, cmd, range, range_bytes, cmd->tid, scmd->flags & SCMD_LAST);
		if (!rc) {
			rcu_read_unlock();
			return 0;
		}
		/* Not sent.  Completed meanwhile only by a forged answer: then it is done. */
		if (!storvsc_live_end(slot, live)) {
			rcu_read_unlock();
			return 0;
		}
		/* A subchannel rescinded since the pick: the primary takes it. */
		if (rc != -ENODEV || !c->index)
			break;
		c = &h->chans[0];
	}
	rcu_read_unlock();
	storvsc_free_ext(cmd);
	if (rc == -EAGAIN)
		return SCSI_MLQUEUE_DEVICE_BUSY;
	set_host_byte(scmd, rc == -ENODEV ? DID_NO_CONNECT : DID_ERROR);
	scsi_set_resid(scmd, scsi_bufflen(scmd));
	scsi_done(scmd);
	return 0;
}

static void storvsc_log_status(struct storvsc_host *h, struct scsi_cmnd *scmd,
			       const struct vstor_packet *pkt, u8 cdb0)
{
	int level = STORVSC_LOG_ERROR;

	/*
	 * TEST UNIT READY (upstream) and the probing INQUIRY / MODE SENSE, which a disk
	 * refuses for pages it lacks, are logged only at the warning level.
	 */
	if (cdb0 == TEST_UNIT_READY || cdb0 == INQUIRY || cdb0 == MODE_SENSE ||
	    cdb0 == MODE_SENSE_10)
		level = STORVSC_LOG_WARN;

	if (storvsc_logging_level < level)
		return;
	dev_warn_ratelimited(&h->hdev->dev, "tag#%d cmd 0x%x status: scsi 0x%x srb 0x%x hv 0x%x\n",
			     scsi_cmd_to_rq(scmd)->tag, cdb0, pkt->srb.scsi_status,
			     pkt->srb.srb_status, pkt->status);
}

/*
 * The request that transaction tid completes, now marked done, or NULL (refused with a
 * line): it must be in flight, on channel c.
 */
static struct scsi_cmnd *storvsc_take(struct storvsc_chan *c, u64 tid)
{
	struct storvsc_host *h = c->h;
	atomic64_t *slot = storvsc_live_slot(h, STORVSC_TID_TAG(tid));
	struct scsi_cmnd *scmd;

	if (!slot) {
		storvsc_refuse(h, "completion", tid, "not in flight (no such tag)");
		return NULL;
	}
	if (!storvsc_live_end(slot, storvsc_live_word(tid, c->index))) {
		storvsc_refuse(h, "completion", tid,
			       storvsc_not_live_why(atomic64_read(slot), tid, c->index));
		return NULL;
	}
	/* Ours to complete: it was in flight, so its request and the tag set exist. */
	scmd = scsi_host_find_tag(h->shost, STORVSC_TID_TAG(tid) - 1);
	if (WARN_ON_ONCE(!scmd))
		return NULL;
	storvsc_free_ext(scsi_cmd_priv(scmd));
	return scmd;
}

/*
 * Softirq: a packet for transaction tid that cannot be read as its completion (too short
 * for a vstor_packet, or too big for the channel's buffer).  The request it names gets
 * no data from it: the midlayer retries it, as for any refused completion; without
 * this it would wait for an answer the host already gave (a request is never timed out).
 */
void storvsc_refuse_io(struct storvsc_chan *c, u64 tid, const char *why)
{
	struct storvsc_host *h = c->h;
	struct scsi_cmnd *scmd = storvsc_take(c, tid);
	struct storvsc_cmd *cmd;

	if (!scmd)
		return;
	cmd = scsi_cmd_priv(scmd);
	atomic_inc(&h->refused);
	if (storvsc_logging_level >= STORVSC_LOG_ERROR)
		dev_err_ratelimited(&h->hdev->dev,
				    "completion refused: trans_id %#llx: %s; retried\n", tid, why);
	scmd->result = 0;
	set_host_byte(scmd, DID_ERROR);
	scsi_set_resid(scmd, cmd->req_len);
	scsi_done(scmd);
}

/* Softirq: the host's COMPLETE_IO for transaction tid, len bytes, on channel c. */
void storvsc_complete_io(struct storvsc_chan *c, const struct vstor_packet *pkt, u32 len,
			 u64 tid)
{
	struct storvsc_host *h = c->h;
	struct vstor_io_result res;
	struct scsi_cmnd *scmd = storvsc_take(c, tid);
	struct storvsc_cmd *cmd;
	enum vstor_action act;
	const char *why = NULL;
	u8 cdb0;

	if (!scmd)
		return;
	cmd = scsi_cmd_priv(scmd);
	cdb0 = cmd->pkt.srb.cdb[0];
	if (vstor_io_check(pkt, cmd->req_len, &res, &why)) {
		/* Never completed with this answer's data: the midlayer retries it. */
		atomic_inc(&h->refused);
		if (storvsc_logging_level >= STORVSC_LOG_ERROR)
			dev_err_ratelimited(&h->hdev->dev,
					    "completion refused: trans_id %#llx: %s (operation %u, srb.length %u, srb_status %#x, data_transfer_length %u of %u); retried\n",
					    tid, why, pkt->operation, pkt->srb.length,
					    pkt->srb.srb_status, pkt->srb.data_transfer_length,
					    cmd->req_len);
		scmd->result = 0;
		set_host_byte(scmd, DID_ERROR);
		scsi_set_resid(scmd, cmd->req_len);
		scsi_done(scmd);
		return;
	}
	if (res.sense_clamped) {
		atomic_inc(&h->refused);
		if (storvsc_logging_level >= STORVSC_LOG_ERROR)
			dev_err_ratelimited(&h->hdev->dev,
					    "completion: trans_id %#llx: sense_info_length %u refused, above %u; %u bytes used\n",
					    tid, pkt->srb.sense_info_length, VSTOR_SENSE_MAX,
					    res.sense_len);
	}
	act = vstor_io_action(&res, cdb0, pkt->srb.sense_data, h->cls == STORVSC_FC);
	if (act != VSTOR_ACT_STATUS || res.scsi_status ||
	    SRB_STATUS_CODE(res.srb_status) != SRB_STATUS_SUCCESS)
		storvsc_log_status(h, scmd, pkt, cdb0);
	scmd->result = res.scsi_status;
	if (res.sense_len && act != VSTOR_ACT_FAKE_SUCCESS)
		memcpy(scmd->sense_buffer, pkt->srb.sense_data, res.sense_len);
	switch (act) {
	case VSTOR_ACT_STATUS:
		break;
	case VSTOR_ACT_FAKE_SUCCESS:
		scmd->result = 0;
		res.data_len = pkt->srb.data_transfer_length;
		break;
	case VSTOR_ACT_ERROR:
		set_host_byte(scmd, DID_ERROR);
		break;
	case VSTOR_ACT_PASSTHROUGH:
		set_host_byte(scmd, DID_PASSTHROUGH);
		break;
	case VSTOR_ACT_NO_CONNECT_REMOVE:
		set_host_byte(scmd, DID_NO_CONNECT);
		storvsc_queue_lun_work(h, scmd->device, true);
		break;
	case VSTOR_ACT_REQUEUE_RESCAN:
		set_host_byte(scmd, DID_REQUEUE);
		storvsc_queue_lun_work(h, scmd->device, false);
		break;
	case VSTOR_ACT_STATUS_SCAN_HOST:
		storvsc_queue_scan(h);
		break;
	}
	scsi_set_resid(scmd, cmd->req_len - res.data_len);
	scsi_done(scmd);
}

struct storvsc_fail {
	struct storvsc_host *h;
	int host_byte;
	int chan;		/* -1: every channel */
	u32 count;		/* commands completed */
};

static bool storvsc_fail_one(struct scsi_cmnd *scmd, void *data)
{
	struct storvsc_cmd *cmd = scsi_cmd_priv(scmd);
	struct storvsc_fail *f = data;
	atomic64_t *slot = storvsc_live_slot(f->h, STORVSC_TID_TAG(READ_ONCE(cmd->tid)));
	u64 word = slot ? atomic64_read(slot) : 0;

	/* The word names the channel of the send in flight, if any. */
	if (!(word & STORVSC_LIVE) || (word & STORVSC_TID_SEND) != (cmd->tid & STORVSC_TID_SEND))
		return true;
	if (f->chan >= 0 && (word & STORVSC_LIVE_CHAN) != f->chan)
		return true;
	if (!storvsc_live_end(slot, word))
		return true;
	storvsc_free_ext(cmd);
	scmd->result = 0;
	set_host_byte(scmd, f->host_byte);
	scsi_set_resid(scmd, scsi_bufflen(scmd));
	scsi_done(scmd);
	f->count++;
	return true;
}

/* Completes every command still waiting for the host (the host is gone). */
void storvsc_fail_all(struct storvsc_host *h, int host_byte)
{
	struct storvsc_fail f = { .h = h, .host_byte = host_byte, .chan = -1 };

	scsi_host_busy_iter(h->shost, storvsc_fail_one, &f);
}

/*
 * Process context, one at a time (the ordered workqueue, or remove after flushing it).
 * For each subchannel the host rescinded: no new command goes to it, the commands
 * sending on it finish (RCU), it is closed (no completion runs after that, and the bus
 * releases its relid), then every command still in flight on it is requeued: the host
 * answers nothing more there (the midlayer resubmits DID_REQUEUE without counting a
 * retry; the queue's commands then go to the primary).  A command completed by the
 * host before the close is not requeued: the state moves once.
 */
void storvsc_drop_rescinded(struct storvsc_host *h)
{
	struct storvsc_fail f = { .h = h, .host_byte = DID_REQUEUE };
	struct storvsc_chan *c;
	u32 i, relid;

	for (i = 1; i < h->nchan; i++) {
		c = &h->chans[i];
		if (c->gone || !hvis_channel_rescinded(c->ch))
			continue;
		WRITE_ONCE(c->gone, true);
		synchronize_rcu();
		relid = hvis_channel_relid(c->ch);
		hvis_channel_close(c->ch);
		f.chan = i;
		f.count = 0;
		scsi_host_busy_iter(h->shost, storvsc_fail_one, &f);
		dev_warn(&h->hdev->dev, "subchannel of hardware queue %u (relid %u) rescinded: closed, %u command(s) requeued\n",
			 i, relid, f.count);
	}
}

void storvsc_fail_work(struct work_struct *work)
{
	struct storvsc_host *h = container_of(work, struct storvsc_host, fail_work);

	/*
	 * Probe queues it again once the host is added; remove runs
	 * storvsc_drop_rescinded itself once the queue is flushed.
	 */
	if (READ_ONCE(h->added) && !READ_ONCE(h->removing))
		storvsc_drop_rescinded(h);
}

/*
 * Process context (system_unbound_wq: h->wq may wait behind the very commands this
 * fails, as a rescan does for the scan mutex a probe's scan holds).  The host rescinded
 * the controller: nothing in flight will be answered, and its removal waits for a probe
 * that may be waiting for one; new commands fail at once (the send finds the rescind).
 */
void storvsc_gone_work(struct work_struct *work)
{
	struct storvsc_host *h = container_of(work, struct storvsc_host, gone_work);

	if (READ_ONCE(h->added) && !READ_ONCE(h->removing))
		storvsc_fail_all(h, DID_NO_CONNECT);
}

/* The bus's rescind callback of an open subchannel: its lock held, so only queue. */
void storvsc_sc_rescinded(void *context)
{
	struct storvsc_chan *c = context;

	if (!READ_ONCE(c->h->removing))
		queue_work(c->h->wq, &c->h->fail_work);
}

/*
 * The block layer's timer of a command expired (the device's timeout, 180 s unless
 * /sys/block/sdX/device/timeout says otherwise).  Upstream restarts it for good
 * (storvsc_drv.c storvsc_eh_timed_out: Hyper-V answers every request, with a latency
 * that may be long).  hvis does too, until the command has waited abort_after seconds:
 * then the host lost it, and the command is given up (its state moves once, so the
 * host's late answer to it is refused, and one to a retry is told apart by its
 * transaction id), and the SCSI error handler resets the bus (storvsc_host_reset)
 * and retries it.  A command of a rescinded subchannel is requeued by fail_work
 * (queued by the rescind already; this is a second chance).
 */
HVIS_EH_TIMEOUT_RET storvsc_eh_timed_out(struct scsi_cmnd *scmd)
{
	struct storvsc_host *h = shost_priv(scmd->device->host);
	struct storvsc_cmd *cmd = scsi_cmd_priv(scmd);
	unsigned int limit = READ_ONCE(storvsc_abort_after_s);
	u16 i = READ_ONCE(cmd->chan);
	bool rescinded = false;
	atomic64_t *slot;

	/*
	 * Removing too: sd's SYNCHRONIZE CACHE on removal waits for the host like any
	 * command, and one the host lost would hold the removal (rmmod) for good.
	 */
	if (i && i < h->nchan) {
		rcu_read_lock();
		rescinded = READ_ONCE(h->chans[i].gone) || hvis_channel_rescinded(h->chans[i].ch);
		rcu_read_unlock();
	}
	/* Remove requeues a rescinded subchannel's commands itself (storvsc_remove). */
	if (rescinded && !READ_ONCE(h->removing)) {
		queue_work(h->wq, &h->fail_work);
		return HVIS_EH_RESET_TIMER;
	}
	if (!limit || time_before(jiffies, cmd->sent_at + (unsigned long)limit * HZ))
		return HVIS_EH_RESET_TIMER;
	/* Answered meanwhile: its completion is running. */
	slot = storvsc_live_slot(h, STORVSC_TID_TAG(cmd->tid));
	if (!slot || !storvsc_live_end(slot, storvsc_live_word(cmd->tid, cmd->chan)))
		return HVIS_EH_RESET_TIMER;
	storvsc_free_ext(cmd);
	dev_err_ratelimited(&h->hdev->dev,
			    "tag#%d cmd 0x%x (trans_id %#llx): no answer from the host in %u s; given up: the bus is reset and the command retried\n",
			    scsi_cmd_to_rq(scmd)->tag, cmd->pkt.srb.cdb[0], cmd->tid,
			    jiffies_to_msecs(jiffies - cmd->sent_at) / 1000);
	return HVIS_EH_NOT_HANDLED;
}
