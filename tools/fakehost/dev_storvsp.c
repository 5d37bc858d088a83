// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_storvsp.c: the synthetic storage controllers on the host side (classes "scsi"
 * HV_SCSI_GUID, "ide" HV_IDE_GUID, "fc" HV_SYNTHFC_GUID), the part Hyper-V's storvsp
 * (OpenVMM vm/devices/storage/storvsp) plays for drivers/scsi/storvsc_drv.c.
 *
 * Every guest packet is checked whole by lib/vstor_req.c, then looked up in
 * stor_ops[] below: the states of the primary's VSTOR state machine it is taken in and
 * whether subchannels may carry it.  BEGIN_INITIALIZATION -> QUERY_PROTOCOL_VERSION
 * (6.2, 6.0, 5.1 accepted; others answered REVISION_MISMATCH and the guest may try
 * again) -> QUERY_PROPERTIES -> [FCHBA_DATA] -> END_INITIALIZATION -> ready: EXECUTE_SRB
 * (storvsp_io.c), RESET_*, CREATE_SUB_CHANNELS (also before END, as OpenVMM takes it).
 * A packet out of order, unknown or malformed gets a COMPLETE_IO with a failure status
 * (when it has a transaction id) and a STOR_BAD event naming the field.  Every answer is
 * a VM_PKT_COMP carrying a 64-byte vstor_packet with operation COMPLETE_IO and the
 * request's transaction id; ENUMERATE_BUS (disk hot-add/remove) is in-band with id 0.
 *
 * Signals: while requests are in flight the guest->host ring stays masked (its
 * interrupt_mask set), so a busy guest writes requests without signalling; each
 * completion drains the ring again, and only when nothing is in flight is the mask
 * cleared and the ring checked once more (OpenVMM storvsp keeps interrupts masked the
 * same way; lib/ring.c has the rules).  Completions that find the ring full wait in a
 * per-channel queue and go out when the guest makes room; nothing is dropped.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "storvsp_dev.h"

bool stor_is_storage(const struct host_device *dev)
{
	return dev->ops == &dev_scsi_ops || dev->ops == &dev_ide_ops || dev->ops == &dev_fc_ops;
}

u32 stor_index(const struct host_device *dev)
{
	const struct host_device *d;
	u32 n = 0;

	for (d = dev->host->devices; d && d != dev; d = d->next)
		n += stor_is_storage(d);
	return n;
}

bool storvsp_any(const struct vmbus_host *h)
{
	const struct host_device *d;

	for (d = h->devices; d; d = d->next)
		if (stor_is_storage(d))
			return true;
	return false;
}

void stor_bad(struct stor_dev *sd, const char *field, const char *fmt, ...)
{
	struct vmbus_host *h = sd->dev->host;
	char text[256];
	va_list ap;

	sd->bad++;
	if (h->now_ms - sd->bad_window_ms >= 1000 || h->now_ms < sd->bad_window_ms) {
		sd->bad_window_ms = h->now_ms;
		sd->bad_in_window = 0;
	}
	if (sd->bad_in_window++ >= STOR_BAD_PER_SEC) {
		sd->bad_suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	host_event(h, "STOR_BAD", "c=%u field=%s %s suppressed=%llu", stor_index(sd->dev), field,
		   text, (unsigned long long)sd->bad_suppressed);
}

struct stor_lun *stor_find_lun(struct stor_dev *sd, u32 target, u32 lun)
{
	struct stor_lun *l;

	for (l = sd->luns; l; l = l->next)
		if (l->target == target && l->lun == lun)
			return l;
	return NULL;
}

/* ---- host -> guest ---- */

static int send_now(struct stor_chan *sc, const struct stor_out *o)
{
	int ret = host_chan_send(sc->ch, o->type, 0, o->trans, &o->pkt, sizeof(o->pkt));

	if (!ret) {
		sc->completions++;
	} else if (ret != -EAGAIN) {
		/* The channel closed or broke under it: nobody is left to read it. */
		sc->ch->stats.dropped++;
		host_event(sc->ch->host, "STOR_DROPPED", "relid=%u op=%u trans=%#llx err=%d",
			   sc->ch->relid, o->pkt.operation, (unsigned long long)o->trans, ret);
	}
	return ret;
}

/* Sends what waits for room; false if the ring is still full. */
static bool flush_out(struct stor_chan *sc)
{
	struct stor_out *o;

	while ((o = sc->out_head)) {
		if (send_now(sc, o) == -EAGAIN) {
			host_chan_want_room(sc->ch, hvis_ring_packet_bytes(sizeof(o->pkt)));
			return false;
		}
		sc->out_head = o->next;
		if (!sc->out_head)
			sc->out_tail = NULL;
		sc->nout--;
		free(o);
	}
	return true;
}

void stor_send(struct stor_chan *sc, u16 type, u64 trans, const struct vstor_packet *p)
{
	struct stor_out o = { .type = type, .trans = trans, .pkt = *p }, *q;

	if (!sc->out_head && send_now(sc, &o) != -EAGAIN)
		return;
	q = malloc(sizeof(*q));
	if (!q) {
		sc->ch->stats.dropped++;
		return;
	}
	*q = o;
	q->next = NULL;
	if (sc->out_tail)
		sc->out_tail->next = q;
	else
		sc->out_head = q;
	sc->out_tail = q;
	sc->nout++;
	host_chan_want_room(sc->ch, hvis_ring_packet_bytes(sizeof(o.pkt)));
}

void stor_complete_status(struct stor_chan *sc, u64 trans, u32 status)
{
	struct vstor_packet p = { .operation = VSTOR_OP_COMPLETE_IO, .status = status };

	stor_send(sc, VM_PKT_COMP, trans, &p);
}

void stor_enumerate(struct stor_dev *sd)
{
	struct vstor_packet p = { .operation = VSTOR_OP_ENUMERATE_BUS };

	if (sd->primary && sd->primary->ch->state == CHAN_OPEN)
		stor_send(sd->primary, VM_PKT_DATA_INBAND, 0, &p);
}

/* ---- the VSTOR state machine ---- */

static void on_begin(struct stor_chan *sc, const struct vstor_req *r)
{
	sc->sd->state = STOR_S_VERSION;
	stor_complete_status(sc, r->trans_id, VSTOR_STATUS_SUCCESS);
}

static void on_version(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;
	struct vstor_packet p = { .operation = VSTOR_OP_COMPLETE_IO };
	u16 v = r->pkt.version.major_minor;

	p.version.major_minor = v;
	if (v == VMSTOR_VERSION_WIN10 || v == VMSTOR_VERSION_WIN8_1 || v == VMSTOR_VERSION_WIN8) {
		sd->version = v;
		sd->state = STOR_S_PROPS;
	} else {
		/* The guest goes on with an older version (storvsc_drv.c protocol_version[]). */
		p.status = STOR_NT_REVISION_MISMATCH;
		host_event(sd->dev->host, "STOR_VERSION_REFUSED", "c=%u version=%#x",
			   stor_index(sd->dev), v);
	}
	stor_send(sc, VM_PKT_COMP, r->trans_id, &p);
}

static void on_props(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;
	struct vstor_packet p = { .operation = VSTOR_OP_COMPLETE_IO };
	u32 chans = sd->dev->subchannels ? sd->dev->subchannels : sd->dev->host->guest_cpus;

	/* IDE is one channel (storvsc_drv.c: no subchannels for the IDE accelerator). */
	if (sd->kind == STOR_IDE)
		chans = 0;
	sd->max_subs = chans > 0xffff ? 0xffff : chans;
	p.props.max_channel_cnt = (u16)sd->max_subs;
	p.props.flags = sd->kind == STOR_IDE ? 0 : VSTOR_PROP_MULTI_CHANNEL;
	p.props.max_transfer_bytes = STOR_MAX_XFER;
	if (sd->armed[STOR_BAD_PROPS_ZERO_CHANNELS])
		p.props.max_channel_cnt = 0;
	if (sd->armed[STOR_BAD_PROPS_HUGE_CHANNELS])
		p.props.max_channel_cnt = 0xffff;
	if (sd->armed[STOR_BAD_PROPS_ZERO_XFER])
		p.props.max_transfer_bytes = 0;
	if (sd->armed[STOR_BAD_PROPS_HUGE_XFER])
		p.props.max_transfer_bytes = 0xffffffffu;
	for (u32 c = STOR_BAD_PROPS_ZERO_CHANNELS; c <= STOR_BAD_PROPS_HUGE_XFER; c++) {
		if (!sd->armed[c])
			continue;
		sd->armed[c] = false;
		host_event(sd->dev->host, "DISK_BAD", "c=%u case=%s", stor_index(sd->dev),
			   stor_bad_case_name(c));
	}
	sd->state = STOR_S_END;
	stor_send(sc, VM_PKT_COMP, r->trans_id, &p);
}

static void on_fchba(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;
	struct vstor_packet p = { .operation = VSTOR_OP_COMPLETE_IO };

	if (sd->kind != STOR_FC) {
		stor_bad(sd, "operation", "op=FCHBA_DATA on a %s controller", sd->dev->ops->name);
		stor_complete_status(sc, r->trans_id, STOR_NT_INVALID_DEVICE_STATE);
		return;
	}
	p.wwn.primary_active = 1;
	memcpy(p.wwn.primary_port_wwn, sd->port_wwn, 8);
	memcpy(p.wwn.primary_node_wwn, sd->node_wwn, 8);
	memcpy(p.wwn.secondary_port_wwn, sd->port_wwn, 8);
	memcpy(p.wwn.secondary_node_wwn, sd->node_wwn, 8);
	stor_send(sc, VM_PKT_COMP, r->trans_id, &p);
}

static void on_end(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;

	sd->state = STOR_S_READY;
	stor_complete_status(sc, r->trans_id, VSTOR_STATUS_SUCCESS);
	host_event(sd->dev->host, "STOR_INIT", "c=%u version=%#x channels=%u max_xfer=%u",
		   stor_index(sd->dev), sd->version, sd->max_subs, STOR_MAX_XFER);
}

static void on_create_sub(struct stor_chan *sc, const struct vstor_req *r)
{
	struct stor_dev *sd = sc->sd;
	u32 asked = r->pkt.sub_channel_count, offered;

	if (sd->kind == STOR_IDE || asked > sd->max_subs) {
		stor_bad(sd, "sub_channel_count", "asked=%u max=%u", asked, sd->max_subs);
		stor_complete_status(sc, r->trans_id, STOR_NT_INVALID_PARAMETER);
		return;
	}
	stor_complete_status(sc, r->trans_id, VSTOR_STATUS_SUCCESS);
	offered = host_offer_subchannels_n(sd->dev->host, sc->ch, asked);
	host_event(sd->dev->host, "STOR_SUBCHANNELS", "c=%u asked=%u offered=%u",
		   stor_index(sd->dev), asked, offered);
}

void stor_offer_unasked(struct stor_dev *sd)
{
	struct host_channel *p = sd->primary ? sd->primary->ch : NULL;
	struct host_channel *ch;
	u32 live = 0;

	if (!p || p->state != CHAN_OPEN)
		return;
	for (ch = sd->dev->host->channels; ch; ch = ch->next)
		live += ch->dev == sd->dev && ch->sub_index && ch->state != CHAN_REVOKED;
	host_offer_subchannels_n(sd->dev->host, p, live + 1);
}

#define S(x)	(1u << (x))
#define S_INIT	(S(STOR_S_BEGIN) | S(STOR_S_VERSION) | S(STOR_S_PROPS) | S(STOR_S_END))

/*
 * The operations a guest sends, the primary's states each is taken in, and whether a
 * subchannel may carry it (only I/O and resets: the protocol is the primary's).
 */
static const struct stor_op {
	u32 op;
	u32 states;
	bool on_sub;
	void (*handle)(struct stor_chan *sc, const struct vstor_req *r);
} stor_ops[] = {
	/* op, states, on_sub, handle */
	{ VSTOR_OP_BEGIN_INITIALIZATION, S(STOR_S_BEGIN), false, on_begin },
	{ VSTOR_OP_QUERY_PROTOCOL_VERSION, S(STOR_S_VERSION), false, on_version },
	{ VSTOR_OP_QUERY_PROPERTIES, S(STOR_S_PROPS), false, on_props },
	{ VSTOR_OP_FCHBA_DATA, S(STOR_S_END) | S(STOR_S_READY), false, on_fchba },
	{ VSTOR_OP_END_INITIALIZATION, S(STOR_S_END), false, on_end },
	{ VSTOR_OP_CREATE_SUB_CHANNELS, S(STOR_S_END) | S(STOR_S_READY), false, on_create_sub },
	{ VSTOR_OP_EXECUTE_SRB, S(STOR_S_READY), true, stor_on_srb },
	{ VSTOR_OP_RESET_LUN, S(STOR_S_READY), true, stor_on_reset },
	{ VSTOR_OP_RESET_BUS, S(STOR_S_READY), true, stor_on_reset },
	{ VSTOR_OP_RESET_ADAPTER, S(STOR_S_READY), true, stor_on_reset },
};

static const char *const state_names[] = { "begin", "version", "properties", "end", "ready" };

static void stor_one(struct stor_chan *sc, u32 len)
{
	struct stor_dev *sd = sc->sd;
	const struct stor_op *e = NULL;
	const char *field = "?";
	struct vstor_req r;
	u32 i;

	sc->requests++;
	if (vstor_req_parse(sc->ch->pkt_buf, len, &r, &field)) {
		stor_bad(sd, field, "op=%s (%u) type=%u len=%u", vstor_op_name(r.op), r.op,
			 r.pkt_type, len);
		/* A completion packet from the guest is answered with nothing. */
		if (r.trans_id && r.pkt_type != VM_PKT_COMP)
			stor_complete_status(sc, r.trans_id, STOR_NT_INVALID_PARAMETER);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(stor_ops); i++)
		if (stor_ops[i].op == r.op)
			e = &stor_ops[i];
	if (!e || (sc->ch->sub_index && !e->on_sub) || !(e->states & S(sd->state))) {
		stor_bad(sd, "operation", "op=%s state=%s sub=%u (out of order)", vstor_op_name(r.op),
			 state_names[sd->state], sc->ch->sub_index);
		stor_complete_status(sc, r.trans_id, STOR_NT_INVALID_DEVICE_STATE);
		return;
	}
	e->handle(sc, &r);
}

void stor_poll(struct stor_chan *sc)
{
	struct host_channel *ch = sc->ch;
	bool more;
	int len = 0;

	if (sc->draining) {
		sc->need_poll = true;
		return;
	}
	if (!flush_out(sc))
		return;		/* the guest makes room and signals */
	sc->draining = true;
	do {
		sc->need_poll = false;
		host_chan_read_begin(ch);
		while (sc->nout < STOR_OUT_MAX && (len = host_chan_peek(ch)) > 0) {
			stor_one(sc, (u32)len);
			host_chan_consume(ch, (u32)len);
		}
		if (len == -EIO || sc->nout >= STOR_OUT_MAX) {
			host_chan_read_commit(ch);
			break;
		}
		if (sc->ninflight && !sc->need_poll) {
			/* Completions bring us back: the guest need not signal meanwhile. */
			host_chan_read_commit(ch);
			break;
		}
		more = host_chan_read_end(ch);
	} while (more || sc->need_poll);
	sc->draining = false;
}

static void stor_packets(struct host_channel *ch)
{
	struct stor_chan *sc = ch->priv;

	if (!sc)
		return;
	host_chan_want_room(ch, 0);
	stor_poll(sc);
}

/* ---- open / close / lifetime ---- */

static void ram_drop(struct stor_dev *sd)
{
	if (sd->ram)
		stor_ram_put(sd->ram);
	sd->ram = NULL;
}

static int stor_open(struct host_channel *ch)
{
	struct stor_dev *sd = stor_of_dev(ch->dev);
	struct stor_chan *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return -ENOMEM;
	if (ch->sub_index && (!sd->primary || sd->kind == STOR_IDE)) {
		free(sc);
		return -EINVAL;		/* a subchannel outlives no primary */
	}
	sc->sd = sd;
	sc->ch = ch;
	sc->inflight.next = sc->inflight.prev = &sc->inflight;
	ch->priv = sc;
	ch->hold_ok = true;	/* host_ring.c: busy rings stay masked (--hold-us) */
	if (!ch->sub_index) {
		sd->primary = sc;
		sd->state = STOR_S_BEGIN;
		sd->version = 0;
		sd->max_subs = 0;
		ram_drop(sd);		/* a new connection may be a new VM */
	}
	return 0;
}

static void stor_close(struct host_channel *ch)
{
	struct stor_chan *sc = ch->priv;
	struct stor_dev *sd;
	struct stor_reset **pp, *rs;
	struct stor_out *o;

	if (!sc)
		return;
	sd = sc->sd;
	stor_orphan_requests(sc);
	for (pp = &sd->resets; (rs = *pp);) {
		if (rs->sc == sc) {
			*pp = rs->next;
			free(rs);
		} else {
			pp = &rs->next;
		}
	}
	while ((o = sc->out_head)) {
		sc->out_head = o->next;
		free(o);
	}
	if (sd->primary == sc) {
		sd->primary = NULL;
		sd->state = STOR_S_BEGIN;
	}
	free(sc);
	ch->priv = NULL;
	ch->hold_ok = false;
}

static void stor_tick(struct host_channel *ch, u64 now_ms)
{
	struct stor_chan *sc = ch->priv;

	if (sc)
		stor_poll(sc);
}

static void wwn_from(u8 *w, u8 naa_hi, const struct hvis_guid *g, u32 idx)
{
	u32 i;

	/* IEEE 48-bit (NAA 1 / 2) style: 10:00 or 20:00, then six bytes of the instance. */
	w[0] = naa_hi;
	w[1] = 0x00;
	for (i = 0; i < 6; i++)
		w[2 + i] = g->b[i] ^ g->b[i + 8] ^ (u8)(i == 5 ? idx : 0);
}

static int stor_create_kind(struct host_device *dev, enum stor_kind kind)
{
	struct stor_dev *sd = calloc(1, sizeof(*sd));

	if (!sd)
		return -ENOMEM;
	sd->dev = dev;
	sd->kind = kind;
	sd->ide_target = -1;
	if (kind == STOR_IDE) {
		/*
		 * storvsc_drv.c storvsc_get_ide_info(): bytes 0-3 of the instance are the
		 * path, bytes 4-5 the target.  A generated instance (vmbus_offers.c:
		 * 0000NNNN-6876-...) becomes the Hyper-V IDE form 0000000P-0000-8899-0000-...
		 * (OpenVMM storvsp build_ide), P the device's place among IDE controllers.
		 */
		if (!memcmp(dev->instance.b + 4, "vhsi", 4)) {
			const struct host_device *d;
			u32 n = 0;

			for (d = dev->host->devices; d; d = d->next)
				n += d->ops == &dev_ide_ops;
			memset(dev->instance.b, 0, sizeof(dev->instance.b));
			memcpy(dev->instance.b, &n, 4);
			dev->instance.b[6] = 0x99;
			dev->instance.b[7] = 0x88;
		}
		sd->ide_path = (u32)dev->instance.b[0] | (u32)dev->instance.b[1] << 8 |
			       (u32)dev->instance.b[2] << 16 | (u32)dev->instance.b[3] << 24;
		sd->ide_target = dev->instance.b[4] | dev->instance.b[5] << 8;
	}
	wwn_from(sd->port_wwn, 0x10, &dev->instance, dev->index);
	wwn_from(sd->node_wwn, 0x20, &dev->instance, dev->index);
	dev->priv = sd;
	return 0;
}

static int create_scsi(struct host_device *dev)
{
	return stor_create_kind(dev, STOR_SCSI);
}

static int create_ide(struct host_device *dev)
{
	return stor_create_kind(dev, STOR_IDE);
}

static int create_fc(struct host_device *dev)
{
	return stor_create_kind(dev, STOR_FC);
}

static void stor_destroy(struct host_device *dev)
{
	struct stor_dev *sd = dev->priv;
	struct stor_lun *l;

	while ((l = sd->luns)) {
		sd->luns = l->next;
		scsi_disk_close(l->disk);	/* completes (orphaned) requests in flight */
		free(l);
	}
	ram_drop(sd);
	free(sd);
}

/*
 * The offer's user data: the channel properties OpenVMM storvsp offers an IDE
 * accelerator with (protocol.rs OfferProperties: path_id at byte 2, target_id at 3,
 * flags at 8 = VSTOR_CHANNEL_EMULATED_IDE).  Linux reads the instance GUID instead.
 */
static void stor_fill_offer(struct host_device *dev, struct vmbus_channel_offer *offer)
{
	struct stor_dev *sd = dev->priv;
	u32 flags = VSTOR_CHANNEL_EMULATED_IDE;

	if (sd->kind != STOR_IDE)
		return;
	offer->u.user_def[2] = (u8)sd->ide_path;
	offer->u.user_def[3] = (u8)sd->ide_target;
	memcpy(offer->u.user_def + 8, &flags, sizeof(flags));
}

static void stor_status(struct host_device *dev, char *buf, size_t len)
{
	struct stor_dev *sd = dev->priv;
	const struct stor_lun *l;
	u32 n = 0;

	for (l = sd->luns; l; l = l->next)
		n++;
	snprintf(buf, len, "c=%u state=%s version=%#x luns=%u bad=%llu", stor_index(dev),
		 state_names[sd->state], sd->version, n, (unsigned long long)sd->bad);
}

/*
 * The pump's messages (pump.c), which the guest handles without a change a user would
 * see: a completion whose transaction id the guest never sent (its send count, bits
 * 32-62, all ones), which it refuses with a line, and every 64th message an
 * ENUMERATE_BUS on the primary, which makes it scan again and find the same LUNs.
 * Nothing is pumped before the guest has finished initialising or while answers wait
 * for ring room: those come first.
 */
#define STOR_PUMP_TID_SENDS	0x7fffffff00000000ull
#define STOR_PUMP_SCAN_EVERY	64

static int stor_pump(struct host_channel *ch)
{
	struct stor_chan *sc = ch->priv;
	struct vstor_packet p = { .operation = VSTOR_OP_COMPLETE_IO };
	u64 n = ch->dev->pumped;

	if (!sc || sc->sd->state != STOR_S_READY || sc->nout)
		return -EAGAIN;
	if (sc == sc->sd->primary && n % STOR_PUMP_SCAN_EVERY == STOR_PUMP_SCAN_EVERY - 1) {
		p.operation = VSTOR_OP_ENUMERATE_BUS;
		stor_send(sc, VM_PKT_DATA_INBAND, 0, &p);
		return 0;
	}
	p.status = VSTOR_STATUS_SUCCESS;
	stor_send(sc, VM_PKT_COMP, STOR_PUMP_TID_SENDS | (n % 256 + 1), &p);
	return 0;
}

const struct host_device_ops dev_scsi_ops = {
	.name = "scsi",
	.class_id = HV_SCSI_GUID,
	.create = create_scsi,
	.destroy = stor_destroy,
	.open = stor_open,
	.packets = stor_packets,
	.close = stor_close,
	.tick = stor_tick,
	.status = stor_status,
	.pump = stor_pump,
	.subchannels_on_request = true,
	.monitored = true,	/* Hyper-V offers storage channels monitored */
};

const struct host_device_ops dev_ide_ops = {
	.name = "ide",
	.class_id = HV_IDE_GUID,
	.create = create_ide,
	.destroy = stor_destroy,
	.fill_offer = stor_fill_offer,
	.open = stor_open,
	.packets = stor_packets,
	.close = stor_close,
	.tick = stor_tick,
	.status = stor_status,
	.pump = stor_pump,
	.subchannels_on_request = true,
	.monitored = true,	/* Hyper-V offers storage channels monitored */
};

const struct host_device_ops dev_fc_ops = {
	.name = "fc",
	.class_id = HV_SYNTHFC_GUID,
	.create = create_fc,
	.destroy = stor_destroy,
	.open = stor_open,
	.packets = stor_packets,
	.close = stor_close,
	.tick = stor_tick,
	.status = stor_status,
	.pump = stor_pump,
	.subchannels_on_request = true,
	.monitored = true,	/* Hyper-V offers storage channels monitored */
};

const char *stor_bad_case_name(enum stor_bad_case c)
{
	static const char *const names[] = {
		"unknown-tid", "dup-completion", "overlong-data", "long-sense", "bad-srb-status",
		"unasked-subchannel", "props-zero-channels", "props-huge-channels",
		"props-zero-xfer", "props-huge-xfer", "short-completion", "huge-completion",
		"lost-completion", "late-completion", "wild-queue-tid",
	};

	return c < STOR_BAD_NCASES ? names[c] : "?";
}
