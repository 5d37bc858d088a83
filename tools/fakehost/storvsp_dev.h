/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storvsp_dev.h: the storage backend's private state (classes scsi, ide, fc), shared by
 * its files: dev_storvsp.c (lifecycle, offers, draining a channel, completions and the
 * VSTOR state machine with its operation table), storvsp_io.c (EXECUTE_SRB: guest pages,
 * LUN lookup, REPORT LUNS, the SCSI target, resets) and storvsp_ctl.c (`--disks`, `ctl
 * disk`, `disk bad`).  The rest of the fake host sees storvsp.h.
 */
#ifndef _FH_STORVSP_DEV_H
#define _FH_STORVSP_DEV_H

#include <sys/uio.h>
#include "storvsp.h"
#include "scsi_disk.h"
#include "vstor_req.h"

/*
 * Largest transfer announced in QUERY_PROPERTIES.  OpenVMM's storvsp announces 256 KiB;
 * storvsc_drv.c caps Fibre Channel at 512 KiB (STORVSC_FC_MAX_XFER_SIZE).  512 KiB for
 * every class: a 1 MiB sequential read is two requests, and one request's page list
 * (129 PFNs, about 1.1 KiB) stays small beside a 128 KiB ring.  Hyper-V's larger limits
 * would only make single packets bigger.
 */
#define STOR_MAX_XFER		(512u * 1024)
#define STOR_MAX_IOV		(STOR_MAX_XFER / VSTOR_PAGE_SIZE + 1)
/* Completions waiting for room in the host->guest ring before we stop reading requests. */
#define STOR_OUT_MAX		1024
#define STOR_BAD_PER_SEC	20

/*
 * NTSTATUS values in vstor_packet.status (OpenVMM storvsp protocol.rs NtStatus; upstream
 * only tests for 0).
 */
#define STOR_NT_INVALID_PARAMETER	0xc000000du
#define STOR_NT_REVISION_MISMATCH	0xc0000059u
#define STOR_NT_DEVICE_DOES_NOT_EXIST	0xc00000c0u
#define STOR_NT_INVALID_DEVICE_STATE	0xc0000184u
#define STOR_NT_IO_DEVICE_ERROR		0xc0000185u

/* SCSI operation codes the backend answers itself (SPC-4). */
#define SCSI_OP_INQUIRY		0x12
#define SCSI_OP_REPORT_LUNS	0xa0
#define SCSI_STATUS_GOOD	0x00
#define SCSI_STATUS_CHECK	0x02

enum stor_kind { STOR_SCSI, STOR_IDE, STOR_FC };

/* The VSTOR state of a controller's primary channel (OpenVMM storvsp InitState). */
enum stor_state {
	STOR_S_BEGIN,		/* waiting for BEGIN_INITIALIZATION */
	STOR_S_VERSION,		/* QUERY_PROTOCOL_VERSION until one is accepted */
	STOR_S_PROPS,		/* QUERY_PROPERTIES */
	STOR_S_END,		/* FCHBA_DATA (fc), CREATE_SUB_CHANNELS, END_INITIALIZATION */
	STOR_S_READY,		/* I/O */
};

/* `disk bad` cases (docs/fakehost-ctl.md). */
enum stor_bad_case {
	STOR_BAD_UNKNOWN_TID,
	STOR_BAD_DUP_COMPLETION,
	STOR_BAD_OVERLONG_DATA,
	STOR_BAD_LONG_SENSE,
	STOR_BAD_SRB_STATUS,
	STOR_BAD_UNASKED_SUBCHANNEL,
	STOR_BAD_PROPS_ZERO_CHANNELS,
	STOR_BAD_PROPS_HUGE_CHANNELS,
	STOR_BAD_PROPS_ZERO_XFER,
	STOR_BAD_PROPS_HUGE_XFER,
	STOR_BAD_SHORT_COMPLETION,
	STOR_BAD_HUGE_COMPLETION,
	STOR_BAD_LOST_COMPLETION,
	STOR_BAD_LATE_COMPLETION,
	STOR_BAD_WILD_QUEUE_TID,
	STOR_BAD_NCASES,
};

struct stor_lun {
	struct stor_lun *next;
	u8 target;
	u8 lun;
	struct scsi_disk *disk;
	u32 inflight;
};

/* The guest's RAM mapped whole once per connection; requests hold a reference. */
struct stor_ram {
	u8 *base;
	u64 size;
	u32 refs;
};

/* A packet for the guest that waits for room in the ring. */
struct stor_out {
	struct stor_out *next;
	u16 type;		/* VM_PKT_COMP or VM_PKT_DATA_INBAND */
	u64 trans;
	struct vstor_packet pkt;
};

struct stor_chan;

/* One EXECUTE_SRB handed to the SCSI target. */
struct stor_req {
	struct stor_req *next, *prev;	/* the channel's in-flight list */
	struct stor_chan *sc;		/* NULL: the channel closed (orphaned) */
	struct stor_lun *lun;
	struct stor_ram *ram;
	u64 trans_id;
	u64 seq;			/* submission order, for resets */
	struct vmscsi_request srb;
	struct scsi_cmd cmd;
	struct iovec iov[STOR_MAX_IOV];
};

/* A RESET_* waiting for the requests submitted before it. */
struct stor_reset {
	struct stor_reset *next;
	struct stor_chan *sc;
	u64 trans;
	u32 op;
	u64 seq;			/* requests with seq <= this count */
	int target, lun;		/* RESET_LUN's scope; -1: the whole controller */
	u32 waited;
};

struct stor_chan {
	struct stor_dev *sd;
	struct host_channel *ch;
	struct stor_req inflight;	/* list head */
	u32 ninflight;
	struct stor_out *out_head, *out_tail;
	u32 nout;
	bool draining;
	bool need_poll;
	u64 requests;			/* guest packets taken */
	u64 completions;		/* packets written to the guest */
};

struct stor_dev {
	struct host_device *dev;
	enum stor_kind kind;
	struct stor_lun *luns;
	int ide_target;			/* IDE: from the instance GUID bytes 4-5; else -1 */
	u32 ide_path;			/* IDE: bytes 0-3 */
	u8 port_wwn[8], node_wwn[8];	/* FC */
	struct stor_ram *ram;

	/* this connection (the primary's open) */
	struct stor_chan *primary;
	enum stor_state state;
	u16 version;
	u32 max_subs;			/* max_channel_cnt we announced (the real bound) */
	struct stor_reset *resets;
	u64 seq;

	/* `disk bad`, armed cases */
	bool armed[STOR_BAD_NCASES];
	u32 armed_after[STOR_BAD_NCASES];	/* completions to let pass first */
	u64 bogus_tid;
	/* late-completion: one answer held back until the next bus reset is answered */
	bool late_held;
	u32 late_relid;			/* the channel it belonged on */
	u64 late_tid;
	struct vstor_packet late_pkt;

	/* STOR_BAD rate limit */
	u64 bad;
	u64 bad_window_ms;
	u32 bad_in_window;
	u64 bad_suppressed;
};

static inline struct stor_dev *stor_of_dev(struct host_device *dev)
{
	return dev->priv;
}

/* ---- dev_storvsp.c ---- */

/* The controller index C (order among storage devices). */
u32 stor_index(const struct host_device *dev);
bool stor_is_storage(const struct host_device *dev);
/* A STOR_BAD c=C field=F event, rate limited. */
void stor_bad(struct stor_dev *sd, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A packet to the guest (queued while the ring is full). */
void stor_send(struct stor_chan *sc, u16 type, u64 trans, const struct vstor_packet *p);
/* A COMPLETE_IO completion with @status and no body. */
void stor_complete_status(struct stor_chan *sc, u64 trans, u32 status);
/* Drains the channel's inbound ring (see dev_storvsp.c for the signalling). */
void stor_poll(struct stor_chan *sc);
/* ENUMERATE_BUS on the primary if it is open. */
void stor_enumerate(struct stor_dev *sd);
struct stor_lun *stor_find_lun(struct stor_dev *sd, u32 target, u32 lun);
/* Offers a subchannel the guest did not ask for (`disk bad unasked-subchannel`). */
void stor_offer_unasked(struct stor_dev *sd);
const char *stor_bad_case_name(enum stor_bad_case c);

/* ---- storvsp_io.c ---- */

void stor_on_srb(struct stor_chan *sc, const struct vstor_req *r);
void stor_on_reset(struct stor_chan *sc, const struct vstor_req *r);
/* Answers resets whose requests have all completed. */
void stor_check_resets(struct stor_dev *sd);
/* The channel closes: its requests are orphaned (freed when the target completes them). */
void stor_orphan_requests(struct stor_chan *sc);
void stor_ram_put(struct stor_ram *ram);

#endif /* _FH_STORVSP_DEV_H */
