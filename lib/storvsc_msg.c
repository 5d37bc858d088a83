// SPDX-License-Identifier: GPL-2.0-only
/*
 * storvsc_msg.c: the guest's checks of what a VSTOR host sends (unsolicited packets,
 * control answers, QUERY_PROPERTIES, I/O completions) and the SCSI-level meaning of
 * a completion.  Pure code (see storvsc_msg.h); facts from drivers/scsi/storvsc_drv.c.
 */
#include "storvsc_msg.h"

/* SCSI opcodes and statuses used below (include/scsi/scsi_proto.h). */
#define SCSI_TEST_UNIT_READY	0x00
#define SCSI_INQUIRY		0x12
#define SCSI_MODE_SENSE		0x1a
#define SCSI_MODE_SENSE_10	0x5a
#define SCSI_MAINTENANCE_IN	0xa3
#define SCSI_ATA_12		0xa1
#define SCSI_ATA_16		0x85
#define SAM_CHECK_CONDITION	0x02

int vstor_rx_classify(const void *pkt, u32 len, u64 tid, const char **why)
{
	u32 op;

	if (tid) {
		if (len < sizeof(struct vstor_packet)) {
			*why = "length shorter than a vstor_packet";
			return -EINVAL;
		}
		return VSTOR_RX_COMPLETION;
	}
	if (len < VSTOR_UNSOLICITED_MIN_BYTES) {
		*why = "length shorter than the operation";
		return -EINVAL;
	}
	memcpy(&op, pkt, sizeof(op));
	switch (op) {
	case VSTOR_OP_ENUMERATE_BUS:
		return VSTOR_RX_ENUMERATE;
	case VSTOR_OP_REMOVE_DEVICE:
		return VSTOR_RX_REMOVE;
	case VSTOR_OP_FCHBA_DATA:
		if (len < sizeof(struct vstor_packet)) {
			*why = "length of FCHBA_DATA shorter than a vstor_packet";
			return -EINVAL;
		}
		return VSTOR_RX_FCHBA;
	default:
		*why = "operation not one the host may send unasked (trans_id 0)";
		return -EPROTO;
	}
}

int vstor_ctl_check(const struct vstor_packet *p, const char **why)
{
	if (p->operation != VSTOR_OP_COMPLETE_IO) {
		*why = "operation is not COMPLETE_IO";
		return -EPROTO;
	}
	if (p->status != VSTOR_STATUS_SUCCESS) {
		*why = "status not success";
		return -EIO;
	}
	return 0;
}

int vstor_props_xfer(const struct vmstorage_channel_properties *p, u32 cap, u32 *bytes,
		     const char **why)
{
	u32 b = p->max_transfer_bytes & ~(VSTOR_PAGE_SIZE - 1);

	if (cap > VSTOR_XFER_CAP)
		cap = VSTOR_XFER_CAP;
	cap &= ~(VSTOR_PAGE_SIZE - 1);
	if (b < VSTOR_PAGE_SIZE) {
		*why = "max_transfer_bytes below one 4 KiB page";
		return -EINVAL;
	}
	if (b > cap) {
		*bytes = cap;
		*why = "max_transfer_bytes above the guest's cap";
		return 1;
	}
	*bytes = b;
	return 0;
}

int vstor_props_channels(const struct vmstorage_channel_properties *p, u32 *max_sub,
			 const char **why)
{
	*max_sub = 0;
	if (!(p->flags & VSTOR_PROP_MULTI_CHANNEL))
		return 0;
	if (!p->max_channel_cnt) {
		*why = "max_channel_cnt 0 with the multi-channel flag";
		return -EINVAL;
	}
	if (p->max_channel_cnt > VSTOR_MAX_CHANNEL_CNT) {
		*why = "max_channel_cnt above the channels a VMBus can offer";
		return -EINVAL;
	}
	*max_sub = p->max_channel_cnt;
	return 0;
}

u32 vstor_subchannels_wanted(u32 online_cpus, u32 host_max_sub, u32 max_hw_queues)
{
	u32 n = online_cpus > 1 ? online_cpus - 1 : 0;

	if (n > host_max_sub)
		n = host_max_sub;
	if (max_hw_queues && n > max_hw_queues - 1)
		n = max_hw_queues - 1;
	return n;
}

/*
 * include/linux/hyperv.h MAX_MULTIPAGE_BUFFER_PACKET: 0x18 + a multipage buffer of 32
 * PFNs (4 + 4 + 32 * 8); storvsc_drv.c adds the vstor_packet and 8 bytes of trailer
 * and aligns to 8, and keeps one page of the ring aside.
 */
#define VSTOR_NOMINAL_PKT	(0x18 + 8 + 32 * 8 + sizeof(struct vstor_packet) + 8)

u32 vstor_queue_depth(u32 ring_bytes, u32 lowater_percent)
{
	u32 per_pkt = (VSTOR_NOMINAL_PKT + 7) & ~7u;
	u32 n;

	if (ring_bytes <= VSTOR_PAGE_SIZE || lowater_percent >= 100)
		return 1;
	n = (ring_bytes - VSTOR_PAGE_SIZE) / per_pkt;
	n = (u32)((u64)n * (100 - lowater_percent) / 100);
	return n ? n : 1;
}

static bool srb_code_known(u8 code)
{
	switch (code) {
	case SRB_STATUS_SUCCESS:
	case SRB_STATUS_ABORTED:
	case SRB_STATUS_ERROR:
	case SRB_STATUS_INVALID_REQUEST:
	case SRB_STATUS_NO_DEVICE:
	case SRB_STATUS_TIMEOUT:
	case SRB_STATUS_SELECTION_TIMEOUT:
	case SRB_STATUS_BUS_RESET:
	case SRB_STATUS_DATA_OVERRUN:
	case SRB_STATUS_INVALID_LUN:
	case SRB_STATUS_INTERNAL_ERROR:
		return true;
	default:
		return false;
	}
}

int vstor_io_check(const struct vstor_packet *p, u32 req_len, struct vstor_io_result *res,
		   const char **why)
{
	const struct vmscsi_request *srb = &p->srb;
	u8 code = SRB_STATUS_CODE(srb->srb_status);
	u8 asc, ascq;

	if (p->operation != VSTOR_OP_COMPLETE_IO) {
		*why = "operation is not COMPLETE_IO";
		return -EPROTO;
	}
	if (srb->length != sizeof(struct vmscsi_request)) {
		*why = "srb.length is not the 52-byte SRB sent";
		return -EINVAL;
	}
	if (!srb_code_known(code)) {
		*why = "srb_status unknown";
		return -EINVAL;
	}
	if (srb->data_transfer_length > req_len) {
		*why = "data_transfer_length beyond the request";
		return -EINVAL;
	}
	res->srb_status = srb->srb_status;
	res->scsi_status = srb->scsi_status;
	res->sense_clamped = srb->sense_info_length > VSTOR_SENSE_MAX;
	if (res->sense_clamped)
		*why = "sense_info_length above 20 bytes";
	res->sense_len = 0;
	if (srb->scsi_status == SAM_CHECK_CONDITION &&
	    (srb->srb_status & SRB_STATUS_AUTOSENSE_VALID))
		res->sense_len = res->sense_clamped ? VSTOR_SENSE_MAX : srb->sense_info_length;
	if (res->sense_clamped && res->sense_len &&
	    !vstor_sense_asc(srb->sense_data, res->sense_len, &asc, &ascq)) {
		/* Nothing usable to clamp: the status cannot be reported; retry instead. */
		*why = "sense_info_length above 20 bytes, and no valid sense in them";
		return -EINVAL;
	}
	res->data_len = srb->data_transfer_length;
	if (code != SRB_STATUS_SUCCESS && code != SRB_STATUS_DATA_OVERRUN)
		res->data_len = 0;
	return 0;
}

bool vstor_sense_asc(const u8 *sense, u32 len, u8 *asc, u8 *ascq)
{
	u8 code;

	if (!len)
		return false;
	code = sense[0] & 0x7f;
	if ((code == 0x70 || code == 0x71) && len >= 14) {
		*asc = sense[12];
		*ascq = sense[13];
		return true;
	}
	if ((code == 0x72 || code == 0x73) && len >= 4) {
		*asc = sense[2];
		*ascq = sense[3];
		return true;
	}
	return false;
}

enum vstor_action vstor_io_action(const struct vstor_io_result *res, u8 cdb0,
				  const u8 *sense, bool is_fc)
{
	u8 code = SRB_STATUS_CODE(res->srb_status);
	bool autosense = res->sense_len && (res->srb_status & SRB_STATUS_AUTOSENSE_VALID);
	u8 asc = 0, ascq = 0;

	if (code == SRB_STATUS_SUCCESS && !res->scsi_status)
		return VSTOR_ACT_STATUS;
	if (!autosense && (cdb0 == SCSI_INQUIRY || cdb0 == SCSI_MODE_SENSE ||
			   cdb0 == SCSI_MODE_SENSE_10 ||
			   (is_fc && cdb0 == SCSI_MAINTENANCE_IN)))
		return VSTOR_ACT_FAKE_SUCCESS;
	switch (code) {
	case SRB_STATUS_ERROR:
	case SRB_STATUS_ABORTED:
	case SRB_STATUS_INVALID_REQUEST:
		if (autosense) {
			if (!vstor_sense_asc(sense, res->sense_len, &asc, &ascq))
				return VSTOR_ACT_STATUS;
			if (asc == 0x2a && ascq == 0x09)
				return VSTOR_ACT_REQUEUE_RESCAN;
			if (asc == 0x3f && ascq == 0x0e)
				return VSTOR_ACT_STATUS_SCAN_HOST;
			if (asc == 0x3f && ascq != 0x03)
				return VSTOR_ACT_REQUEUE_RESCAN;
			return VSTOR_ACT_STATUS;
		}
		if (cdb0 == SCSI_ATA_12 || cdb0 == SCSI_ATA_16)
			return VSTOR_ACT_PASSTHROUGH;
		if (cdb0 == SCSI_TEST_UNIT_READY)
			return VSTOR_ACT_STATUS;
		return VSTOR_ACT_ERROR;
	case SRB_STATUS_INVALID_LUN:
		return VSTOR_ACT_NO_CONNECT_REMOVE;
	case SRB_STATUS_SUCCESS:
	case SRB_STATUS_DATA_OVERRUN:
		return VSTOR_ACT_STATUS;
	default:
		/* No device, timeouts, bus reset, internal error: the host could not run it. */
		return res->scsi_status ? VSTOR_ACT_STATUS : VSTOR_ACT_ERROR;
	}
}
