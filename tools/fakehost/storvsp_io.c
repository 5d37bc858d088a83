// SPDX-License-Identifier: GPL-2.0-only
/*
 * storvsp_io.c: EXECUTE_SRB on the host side.  The SRB (checked by lib/vstor_req.c
 * against the controller's limits) names path/target/LUN; its data is the one
 * GPA-direct range, whose pages must all be guest RAM.  The pages are described to the
 * SCSI target (scsi_disk.h) as iovecs into one mapping of the guest's whole RAM, so
 * reads and writes move straight between the image file and guest memory.  The
 * backend itself answers REPORT LUNS (from its LUN list), INQUIRY to an absent LUN 0
 * (peripheral qualifier 3, "no device", as a real target does) and anything else to
 * an absent LUN (SRB_STATUS_INVALID_LUN).  The completion echoes the request's SRB
 * with srb_status, scsi_status, data_transfer_length (bytes moved) and the sense.
 * RESET_LUN / RESET_BUS / RESET_ADAPTER are answered once the requests of their scope
 * submitted before them have completed.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "storvsp_dev.h"

/* ---- the guest's RAM ---- */

void stor_ram_put(struct stor_ram *ram)
{
	if (--ram->refs)
		return;
	munmap(ram->base, ram->size);
	free(ram);
}

static struct stor_ram *ram_get(struct stor_dev *sd)
{
	const struct guest_mem *mem = sd->dev->host->mem;
	struct stor_ram *ram;
	void *base;

	if (!sd->ram) {
		if (!mem || mem->fd < 0 || !mem->size)
			return NULL;
		base = mmap(NULL, mem->size, PROT_READ | PROT_WRITE, MAP_SHARED, mem->fd, 0);
		if (base == MAP_FAILED)
			return NULL;
		ram = calloc(1, sizeof(*ram));
		if (!ram) {
			munmap(base, mem->size);
			return NULL;
		}
		ram->base = base;
		ram->size = mem->size;
		ram->refs = 1;		/* sd->ram's */
		sd->ram = ram;
	}
	sd->ram->refs++;
	return sd->ram;
}

/*
 * iovecs for data_transfer_length bytes of the range, adjacent pages merged; the
 * number of entries, or 0 after a STOR_BAD naming the page that is not guest RAM.
 */
static u32 map_range(struct stor_dev *sd, const struct vstor_req *r, struct stor_ram *ram,
		     struct iovec *iov)
{
	const struct guest_mem *mem = sd->dev->host->mem;
	u32 left = r->pkt.srb.data_transfer_length, in_page = r->byte_offset, n = 0, i;

	for (i = 0; i < r->npfns && left; i++) {
		u64 pfn = vstor_req_pfn(r, i), off;
		u32 chunk = VSTOR_PAGE_SIZE - in_page;
		u8 *p;

		if (chunk > left)
			chunk = left;
		if (!guest_mem_pfn_offset(mem, pfn, &off) || off + VSTOR_PAGE_SIZE > ram->size) {
			stor_bad(sd, "pfn", "index=%u pfn=%#llx (not guest RAM)", i,
				 (unsigned long long)pfn);
			return 0;
		}
		p = ram->base + off + in_page;
		if (n && (u8 *)iov[n - 1].iov_base + iov[n - 1].iov_len == p) {
			iov[n - 1].iov_len += chunk;
		} else {
			iov[n].iov_base = p;
			iov[n].iov_len = chunk;
			n++;
		}
		left -= chunk;
		in_page = 0;
	}
	return n;
}

static u32 iov_copy_in(const struct iovec *iov, u32 n, const void *src, u32 len)
{
	u32 done = 0, i;

	for (i = 0; i < n && done < len; i++) {
		u32 c = iov[i].iov_len < len - done ? (u32)iov[i].iov_len : len - done;

		memcpy(iov[i].iov_base, (const u8 *)src + done, c);
		done += c;
	}
	return done;
}

/* ---- completions ---- */

static u32 nt_status(u8 srb_status)
{
	switch (SRB_STATUS_CODE(srb_status)) {
	case SRB_STATUS_SUCCESS:
		return VSTOR_STATUS_SUCCESS;
	case SRB_STATUS_INVALID_LUN:
	case SRB_STATUS_NO_DEVICE:
		return STOR_NT_DEVICE_DOES_NOT_EXIST;
	case SRB_STATUS_INVALID_REQUEST:
		return STOR_NT_INVALID_PARAMETER;
	default:
		return STOR_NT_IO_DEVICE_ERROR;
	}
}

/* Takes one armed completion case, with its DISK_BAD event. */
static bool take_bad(struct stor_dev *sd, enum stor_bad_case c)
{
	if (!sd->armed[c])
		return false;
	if (sd->armed_after[c]) {
		sd->armed_after[c]--;
		return false;
	}
	sd->armed[c] = false;
	host_event(sd->dev->host, "DISK_BAD", "c=%u case=%s", stor_index(sd->dev),
		   stor_bad_case_name(c));
	return true;
}

static void complete_srb(struct stor_chan *sc, u64 trans, const struct vmscsi_request *req,
			 u8 srb_status, u8 scsi_status, u32 moved, const u8 *sense, u32 sense_len)
{
	struct stor_dev *sd = sc->sd;
	struct vstor_packet p = { .operation = VSTOR_OP_COMPLETE_IO };
	bool dup;

	p.srb = *req;
	memset(p.srb.sense_data, 0, sizeof(p.srb.sense_data));
	if (sense_len > VSTOR_SENSE_MAX)
		sense_len = VSTOR_SENSE_MAX;
	if (sense && sense_len) {
		memcpy(p.srb.sense_data, sense, sense_len);
		srb_status |= SRB_STATUS_AUTOSENSE_VALID;
	}
	p.srb.srb_status = srb_status;
	p.srb.scsi_status = scsi_status;
	p.srb.sense_info_length = (u8)sense_len;
	p.srb.data_transfer_length = moved;
	p.status = nt_status(srb_status);

	if (take_bad(sd, STOR_BAD_UNKNOWN_TID)) {
		struct vstor_packet bogus = p;

		/* A transaction id the guest never sent (its low half may name a live tag). */
		stor_send(sc, VM_PKT_COMP, 0xbad0000000000000ull | ++sd->bogus_tid, &bogus);
	}
	if (take_bad(sd, STOR_BAD_WILD_QUEUE_TID)) {
		struct vstor_packet bogus = p;

		/* Its low half, a blk-mq unique tag + 1, names hardware queue 0xfff0. */
		stor_send(sc, VM_PKT_COMP, 0xbad00000fff00000ull | (++sd->bogus_tid & 0xffff), &bogus);
	}
	if (take_bad(sd, STOR_BAD_OVERLONG_DATA))
		p.srb.data_transfer_length = req->data_transfer_length + VSTOR_PAGE_SIZE;
	if (take_bad(sd, STOR_BAD_LONG_SENSE)) {
		p.srb.srb_status = SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID;
		p.srb.scsi_status = SCSI_STATUS_CHECK;
		p.srb.sense_info_length = 255;
		p.status = STOR_NT_IO_DEVICE_ERROR;
	}
	if (take_bad(sd, STOR_BAD_SRB_STATUS))
		p.srb.srb_status = 0x3f;
	/* A host that lost the answer: the request is done here, the guest never hears. */
	if (take_bad(sd, STOR_BAD_LOST_COMPLETION))
		return;
	/* The same, but the answer turns up after the guest's next bus reset. */
	if (take_bad(sd, STOR_BAD_LATE_COMPLETION)) {
		sd->late_held = true;
		sd->late_relid = sc->ch->relid;
		sd->late_tid = trans;
		sd->late_pkt = p;
		return;
	}
	dup = take_bad(sd, STOR_BAD_DUP_COMPLETION);
	/*
	 * The request's only completion, cut to 24 bytes or padded to 1 KiB: the guest can
	 * read neither as a vstor_packet, and must still finish the request it names.
	 */
	if (take_bad(sd, STOR_BAD_SHORT_COMPLETION) &&
	    !host_chan_send(sc->ch, VM_PKT_COMP, 0, trans, &p, 24))
		return;
	if (take_bad(sd, STOR_BAD_HUGE_COMPLETION)) {
		u8 big[1024] = {};

		memcpy(big, &p, sizeof(p));
		if (!host_chan_send(sc->ch, VM_PKT_COMP, 0, trans, big, sizeof(big)))
			return;
	}
	stor_send(sc, VM_PKT_COMP, trans, &p);
	if (dup)
		stor_send(sc, VM_PKT_COMP, trans, &p);
}

/* A host-answered command with @len bytes of data for the guest (or a failure). */
static void answer_data(struct stor_chan *sc, const struct vstor_req *r, const void *data,
			u32 len)
{
	struct stor_dev *sd = sc->sd;
	struct iovec iov[STOR_MAX_IOV];
	struct stor_ram *ram;
	u32 n, moved = 0;

	if (len > r->pkt.srb.data_transfer_length)
		len = r->pkt.srb.data_transfer_length;
	if (len && r->pkt.srb.data_in == VSTOR_DATA_IN) {
		ram = ram_get(sd);
		if (!ram) {
			complete_srb(sc, r->trans_id, &r->pkt.srb, SRB_STATUS_ERROR, 0, 0, NULL, 0);
			return;
		}
		n = map_range(sd, r, ram, iov);
		if (!n) {
			stor_ram_put(ram);
			complete_srb(sc, r->trans_id, &r->pkt.srb, SRB_STATUS_INVALID_REQUEST, 0, 0,
				     NULL, 0);
			return;
		}
		moved = iov_copy_in(iov, n, data, len);
		stor_ram_put(ram);
	}
	complete_srb(sc, r->trans_id, &r->pkt.srb, SRB_STATUS_SUCCESS, SCSI_STATUS_GOOD, moved,
		     NULL, 0);
}

/* REPORT LUNS: the LUNs of the addressed target (SPC-4 6.33, peripheral addressing). */
static void report_luns(struct stor_chan *sc, const struct vstor_req *r, u32 target, u32 path)
{
	struct stor_dev *sd = sc->sd;
	u8 buf[8 + 8 * 256] = {};
	struct stor_lun *l;
	u32 n = 0, i, j, bytes;
	u8 luns[256];

	for (l = sd->luns; l && path == 0; l = l->next)
		if (l->target == target)
			luns[n++] = l->lun;
	for (i = 1; i < n; i++)		/* ascending, as real targets list them */
		for (j = i; j > 0 && luns[j - 1] > luns[j]; j--) {
			u8 t = luns[j];

			luns[j] = luns[j - 1];
			luns[j - 1] = t;
		}
	bytes = n * 8;
	buf[0] = bytes >> 24;
	buf[1] = bytes >> 16;
	buf[2] = bytes >> 8;
	buf[3] = bytes;
	for (i = 0; i < n; i++)
		buf[8 + 8 * i + 1] = luns[i];
	answer_data(sc, r, buf, 8 + bytes);
}

/* INQUIRY to an absent LUN 0: peripheral qualifier 3, device type 0x1f ("no device"). */
static void inquiry_no_device(struct stor_chan *sc, const struct vstor_req *r)
{
	static const u8 sense_invalid_cdb[18] = { 0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0,
						  0x24, 0x00 };
	u8 data[36] = { 0x7f, 0, 0x05, 0x02, 31 };

	if (r->pkt.srb.cdb[1] & 1) {	/* EVPD: no pages for a device that is not there */
		complete_srb(sc, r->trans_id, &r->pkt.srb, SRB_STATUS_ERROR, SCSI_STATUS_CHECK, 0,
			     sense_invalid_cdb, sizeof(sense_invalid_cdb));
		return;
	}
	answer_data(sc, r, data, sizeof(data));
}

/* ---- EXECUTE_SRB ---- */

static void srb_done(struct scsi_cmd *cmd)
{
	struct stor_req *q = cmd->ctx;
	struct stor_chan *sc = q->sc;
	u8 srb_status;

	q->lun->inflight--;
	if (q->ram)
		stor_ram_put(q->ram);
	if (!sc) {		/* the channel closed meanwhile */
		free(q);
		return;
	}
	q->prev->next = q->next;
	q->next->prev = q->prev;
	sc->ninflight--;
	if (cmd->status == SCSI_STATUS_GOOD)
		srb_status = SRB_STATUS_SUCCESS;
	else
		srb_status = SRB_STATUS_ERROR;
	complete_srb(sc, q->trans_id, &q->srb, srb_status, cmd->status,
		     cmd->data_len < q->srb.data_transfer_length ? cmd->data_len :
								  q->srb.data_transfer_length,
		     cmd->status == SCSI_STATUS_GOOD ? NULL : cmd->sense,
		     cmd->status == SCSI_STATUS_GOOD ? 0 : cmd->sense_len);
	free(q);
	if (sc->sd->resets)
		stor_check_resets(sc->sd);
	stor_poll(sc);
}

static void limits_of(const struct stor_dev *sd, struct vstor_limits *lim)
{
	lim->max_xfer = STOR_MAX_XFER;
	lim->ide_target = sd->ide_target;
	switch (sd->kind) {
	case STOR_SCSI:
		lim->max_paths = VSTOR_SCSI_MAX_CHANNELS;
		lim->max_targets = VSTOR_SCSI_MAX_TARGETS;
		lim->max_luns = VSTOR_SCSI_MAX_LUNS;
		break;
	case STOR_FC:
		lim->max_paths = VSTOR_FC_MAX_CHANNELS;
		lim->max_targets = VSTOR_FC_MAX_TARGETS;
		lim->max_luns = VSTOR_FC_MAX_LUNS;
		break;
	case STOR_IDE:
		lim->max_paths = 1;
		lim->max_targets = 1;
		lim->max_luns = VSTOR_IDE_MAX_LUNS;
		break;
	}
}

void stor_on_srb(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;
	const struct vmscsi_request *s = &r->pkt.srb;
	struct vstor_limits lim;
	const char *field = "?";
	struct stor_lun *lun;
	struct stor_req *q;
	u32 path;

	limits_of(sd, &lim);
	if (vstor_srb_check(r, &lim, &field)) {
		stor_bad(sd, field, "op=EXECUTE_SRB path=%u target=%u lun=%u cdb_length=%u data_in=%u data_transfer_length=%u byte_count=%u",
			 s->path_id, s->target_id, s->lun, s->cdb_length, s->data_in,
			 s->data_transfer_length, r->byte_count);
		complete_srb(sc, r->trans_id, s, SRB_STATUS_INVALID_REQUEST, 0, 0, NULL, 0);
		return;
	}
	/* The IDE accelerator's path is its own whatever the guest says (OpenVMM). */
	path = sd->kind == STOR_IDE ? 0 : s->path_id;
	if (s->cdb[0] == SCSI_OP_REPORT_LUNS) {
		report_luns(sc, r, s->target_id, path);
		return;
	}
	lun = path == 0 ? stor_find_lun(sd, s->target_id, s->lun) : NULL;
	if (!lun) {
		if (s->cdb[0] == SCSI_OP_INQUIRY && s->lun == 0)
			inquiry_no_device(sc, r);
		else
			complete_srb(sc, r->trans_id, s, SRB_STATUS_INVALID_LUN, 0, 0, NULL, 0);
		return;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		complete_srb(sc, r->trans_id, s, SRB_STATUS_INTERNAL_ERROR, 0, 0, NULL, 0);
		return;
	}
	q->srb = *s;
	q->trans_id = r->trans_id;
	q->lun = lun;
	q->seq = ++sd->seq;
	if (r->has_data) {
		q->ram = ram_get(sd);
		q->cmd.iovcnt = q->ram ? map_range(sd, r, q->ram, q->iov) : 0;
		if (!q->cmd.iovcnt) {
			if (q->ram)
				stor_ram_put(q->ram);
			free(q);
			complete_srb(sc, r->trans_id, s, SRB_STATUS_INVALID_REQUEST, 0, 0, NULL, 0);
			return;
		}
		q->cmd.iov = q->iov;
		q->cmd.xfer_len = s->data_transfer_length;
	}
	memcpy(q->cmd.cdb, s->cdb, VSTOR_CDB_MAX);
	memset(q->cmd.cdb + s->cdb_length, 0, VSTOR_CDB_MAX - s->cdb_length);
	q->cmd.cdb_len = s->cdb_length;
	q->cmd.dir = s->data_in;
	q->cmd.done = srb_done;
	q->cmd.ctx = q;
	q->sc = sc;
	q->next = &sc->inflight;
	q->prev = sc->inflight.prev;
	sc->inflight.prev->next = q;
	sc->inflight.prev = q;
	sc->ninflight++;
	lun->inflight++;
	scsi_disk_execute(lun->disk, &q->cmd);
}

void stor_orphan_requests(struct stor_chan *sc)
{
	struct stor_req *q, *next;

	for (q = sc->inflight.next; q != &sc->inflight; q = next) {
		next = q->next;
		q->sc = NULL;
		q->next = q->prev = NULL;
	}
	sc->inflight.next = sc->inflight.prev = &sc->inflight;
	sc->ninflight = 0;
}

/* ---- resets ---- */

/* Requests of @rs's scope submitted before it and still in flight, on every channel. */
static u32 reset_waits_for(struct stor_dev *sd, const struct stor_reset *rs)
{
	struct host_channel *ch;
	const struct stor_req *q;
	u32 n = 0;

	for (ch = sd->dev->host->channels; ch; ch = ch->next) {
		const struct stor_chan *sc = ch->dev == sd->dev ? ch->priv : NULL;

		if (!sc || ch->state != CHAN_OPEN)
			continue;
		for (q = sc->inflight.next; q != &sc->inflight; q = q->next)
			n += q->seq <= rs->seq &&
			     (rs->target < 0 || (q->srb.target_id == rs->target &&
						 q->srb.lun == rs->lun));
	}
	return n;
}

static const char *reset_name(u32 op)
{
	return op == VSTOR_OP_RESET_LUN ? "lun" : op == VSTOR_OP_RESET_BUS ? "bus" : "adapter";
}

/* The answer late-completion held back, on its channel if that is still open. */
static void send_late(struct stor_dev *sd)
{
	struct host_channel *ch;

	if (!sd->late_held)
		return;
	sd->late_held = false;
	for (ch = sd->dev->host->channels; ch; ch = ch->next) {
		if (ch->dev != sd->dev || ch->relid != sd->late_relid || ch->state != CHAN_OPEN ||
		    !ch->priv)
			continue;
		host_event(sd->dev->host, "DISK_LATE", "c=%u relid=%u trans=%#llx",
			   stor_index(sd->dev), ch->relid, (unsigned long long)sd->late_tid);
		stor_send(ch->priv, VM_PKT_COMP, sd->late_tid, &sd->late_pkt);
		return;
	}
}

static void answer_reset(struct stor_dev *sd, struct stor_reset *rs)
{
	host_event(sd->dev->host, "STOR_RESET", "c=%u op=%s waited=%u", stor_index(sd->dev),
		   reset_name(rs->op), rs->waited);
	stor_complete_status(rs->sc, rs->trans, VSTOR_STATUS_SUCCESS);
	send_late(sd);
}

void stor_check_resets(struct stor_dev *sd)
{
	struct stor_reset **pp = &sd->resets, *rs;

	while ((rs = *pp)) {
		if (reset_waits_for(sd, rs)) {
			pp = &rs->next;
			continue;
		}
		*pp = rs->next;
		answer_reset(sd, rs);
		free(rs);
	}
}

void stor_on_reset(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;
	struct stor_reset *rs = calloc(1, sizeof(*rs));

	if (!rs) {
		stor_complete_status(sc, r->trans_id, STOR_NT_IO_DEVICE_ERROR);
		return;
	}
	rs->sc = sc;
	rs->trans = r->trans_id;
	rs->op = r->op;
	rs->seq = sd->seq;
	rs->target = r->op == VSTOR_OP_RESET_LUN ? r->pkt.srb.target_id : -1;
	rs->lun = r->op == VSTOR_OP_RESET_LUN ? r->pkt.srb.lun : -1;
	rs->waited = reset_waits_for(sd, rs);
	if (!rs->waited) {
		answer_reset(sd, rs);
		free(rs);
		return;
	}
	rs->next = sd->resets;
	sd->resets = rs;
}
