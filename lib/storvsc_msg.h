/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storvsc_msg.h: the guest's pure checks of what a storage host (storvsp) sends over a
 * VSTOR channel (include/hvis/storvsc_proto.h), and the decision of what a finished
 * SCSI request means.  No kernel API: built into hvis_storvsc.ko, the unit tests and
 * the fuzzer.
 *
 * Every check returns a negative errno and sets *why to a short phrase naming the
 * field ("data_transfer_length beyond the request"); on success *why is untouched.
 * Nothing here reads past len.
 */
#ifndef _HVIS_STORVSC_MSG_H
#define _HVIS_STORVSC_MSG_H

#include "../include/hvis/storvsc_proto.h"

/*
 * Guest-chosen transaction ids of the two control requests (include/linux/hyperv.h
 * VMBUS_RQST_INIT, VMBUS_RQST_RESET); I/O uses blk_mq_unique_tag + 1, and 0 is the
 * host's unsolicited packets.
 */
#define VSTOR_TID_INIT		(~0ull - 2)
#define VSTOR_TID_RESET		(~0ull - 3)

/* What a packet from the host is. */
enum vstor_rx_kind {
	VSTOR_RX_COMPLETION,	/* an answer to a request (trans id != 0) */
	VSTOR_RX_ENUMERATE,	/* unsolicited ENUMERATE_BUS */
	VSTOR_RX_REMOVE,	/* unsolicited REMOVE_DEVICE */
	VSTOR_RX_FCHBA,		/* unsolicited FCHBA_DATA (whole packet) */
	VSTOR_RX_KINDS,
};

/*
 * Sorts one in-band packet of len bytes with transaction id tid.  An answer
 * (tid != 0) must hold a whole vstor_packet; an unsolicited packet (tid 0) at least
 * its operation word (storvsc_drv.c storvsc_on_channel_callback), FCHBA_DATA a whole
 * packet, and only ENUMERATE_BUS, REMOVE_DEVICE and FCHBA_DATA come unasked.
 * Returns the kind.
 */
int vstor_rx_classify(const void *pkt, u32 len, u64 tid, const char **why);

/* An answer to a control request: COMPLETE_IO with status 0. */
int vstor_ctl_check(const struct vstor_packet *p, const char **why);

/*
 * The largest transfer the guest uses whatever the host announces (2048 PFNs of
 * 4 KiB in one GPA-direct range), and the most subchannels a properties answer may
 * announce (one per channel relid the bus has).
 */
#define VSTOR_XFER_CAP			(8u * 1024 * 1024)
#define VSTOR_MAX_CHANNEL_CNT		2048u
#define VSTOR_PAGE_SIZE			4096u

/*
 * max_transfer_bytes of a QUERY_PROPERTIES answer, rounded down to 4 KiB
 * (storvsc_drv.c storvsc_probe) and capped at @cap (the class's limit, at most
 * VSTOR_XFER_CAP).  Returns 0 and sets *bytes; 1 if the host's value was above the
 * cap (*bytes = cap, *why names it); -EINVAL if less than 4 KiB (no transfer fits).
 */
int vstor_props_xfer(const struct vmstorage_channel_properties *p, u32 cap, u32 *bytes,
		     const char **why);

/*
 * The subchannels a QUERY_PROPERTIES answer allows: 0 without the multi-channel
 * flag; with it, max_channel_cnt.  A count of 0 or above VSTOR_MAX_CHANNEL_CNT with
 * the flag is refused: returns -EINVAL (*max_sub = 0: run on the primary alone).
 */
int vstor_props_channels(const struct vmstorage_channel_properties *p, u32 *max_sub,
			 const char **why);

/*
 * Subchannels to ask for (storvsc_drv.c handle_multichannel_storage): one per
 * online CPU beyond the first, at most what the host allows, and at most
 * max_hw_queues - 1 when that is set (0: no bound).
 */
u32 vstor_subchannels_wanted(u32 online_cpus, u32 host_max_sub, u32 max_hw_queues);

/*
 * Requests a channel holds at once (storvsc_drv.c: max_outstanding_req_per_channel
 * from the ring size and a 32-page multipage packet, less the low-water share kept
 * free): the hardware queue depth.  At least 1.
 */
u32 vstor_queue_depth(u32 ring_bytes, u32 lowater_percent);

/* A checked I/O completion. */
struct vstor_io_result {
	u8 srb_status;		/* as sent (flags included) */
	u8 scsi_status;
	u8 sense_len;		/* bytes of sense_data to use (<= VSTOR_SENSE_MAX) */
	u32 data_len;		/* bytes transferred (<= the request's) */
	bool sense_clamped;	/* sense_info_length was above VSTOR_SENSE_MAX */
};

/*
 * Checks the host's COMPLETE_IO for a request of req_len data bytes: operation,
 * srb.length (the 52-byte SRB the guest sent), a known SRB status code,
 * data_transfer_length <= req_len.  Returns -EINVAL with *why on any of those (the
 * request must not complete with this answer's data).  A sense_info_length above 20
 * is clamped (sense_clamped, *why set, still 0) when the 20 bytes hold a valid sense,
 * else refused (the CHECK CONDITION could not be reported); sense is used only with
 * CHECK CONDITION and AUTOSENSE_VALID.  data_len is 0 for a failed
 * request other than DATA_OVERRUN (storvsc_drv.c storvsc_command_completion).
 */
int vstor_io_check(const struct vstor_packet *p, u32 req_len, struct vstor_io_result *res,
		   const char **why);

/* What the driver does with a checked completion. */
enum vstor_action {
	VSTOR_ACT_STATUS,		/* result = the SCSI status (sense copied if valid) */
	VSTOR_ACT_ERROR,		/* DID_ERROR */
	VSTOR_ACT_PASSTHROUGH,		/* DID_PASSTHROUGH (ATA pass-through) */
	VSTOR_ACT_NO_CONNECT_REMOVE,	/* DID_NO_CONNECT, remove the LUN */
	VSTOR_ACT_REQUEUE_RESCAN,	/* DID_REQUEUE, rescan the device */
	VSTOR_ACT_STATUS_SCAN_HOST,	/* as STATUS, and scan the host (LUNs changed) */
	VSTOR_ACT_FAKE_SUCCESS,		/* host quirk: treat as GOOD, no sense */
};

/*
 * The SCSI-level decision for a checked completion of a command whose CDB starts
 * with cdb0, as storvsc_drv.c storvsc_handle_error / storvsc_on_io_completion:
 * ERROR/ABORTED/INVALID_REQUEST with valid sense: capacity data changed (2a/09) and
 * operating parameters changed (3f, not 03/0e) requeue and rescan the device,
 * REPORTED LUNS DATA HAS CHANGED (3f/0e) scans the host, other sense goes up; without
 * sense DID_ERROR (ATA_12/16: passthrough, TEST UNIT READY: up).  INVALID_LUN: no
 * connect and remove.  INQUIRY / MODE SENSE (and MAINTENANCE IN on FC) failing
 * without sense are taken as success (Hyper-V quirk, storvsc_on_io_completion).
 * @sense is the sense_data, sense_len bytes.
 */
enum vstor_action vstor_io_action(const struct vstor_io_result *res, u8 cdb0,
				  const u8 *sense, bool is_fc);

/* asc/ascq of fixed (0x70/0x71) or descriptor (0x72/0x73) sense; false if neither. */
bool vstor_sense_asc(const u8 *sense, u32 len, u8 *asc, u8 *ascq);

#endif /* _HVIS_STORVSC_MSG_H */
