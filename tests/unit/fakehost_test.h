/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fakehost_test.h: a recording notifier and a scripted guest for the unit tests of
 * the fake host's VMBus state machine (tools/fakehost/vmbus_*.c).  The guest's RAM
 * is a memfd, so GPADLs and rings are mapped exactly as with QEMU's RAM file.
 */
#ifndef _HVIS_FAKEHOST_TEST_H
#define _HVIS_FAKEHOST_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tap.h"
#include "vmbus_host.h"
#include "vmbus_msg.h"

#define REC_MAX		1024
#define TEST_RAM_BYTES	(16u << 20)	/* PFNs 0 .. 4095 */

struct rec_msg {
	u32 cpu;
	u32 len;
	u8 data[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8);
};

struct recorder {
	struct rec_msg msgs[REC_MAX];
	u32 nmsgs;
	u32 sig_cpu[REC_MAX];
	u32 sig_relid[REC_MAX];
	u32 nsignals;
	char events[REC_MAX][256];
	u32 nevents;
	u32 backlog;		/* what msg_backlog reports: messages waiting for the slot */
};

static void rec_send_msg(void *ctx, u32 cpu, const void *msg, u32 len)
{
	struct recorder *r = ctx;

	if (r->nmsgs == REC_MAX)
		return;
	r->msgs[r->nmsgs].cpu = cpu;
	r->msgs[r->nmsgs].len = len;
	memcpy(r->msgs[r->nmsgs].data, msg, len);
	r->nmsgs++;
}

static void rec_signal(void *ctx, u32 cpu, u32 relid)
{
	struct recorder *r = ctx;

	if (r->nsignals == REC_MAX)
		return;
	r->sig_cpu[r->nsignals] = cpu;
	r->sig_relid[r->nsignals] = relid;
	r->nsignals++;
}

static void rec_event(void *ctx, const char *name, const char *text)
{
	struct recorder *r = ctx;

	if (r->nevents == REC_MAX)
		return;
	snprintf(r->events[r->nevents++], sizeof(r->events[0]), "%s%s%s", name,
		 *text ? " " : "", text);
	if (getenv("FH_TEST_VERBOSE"))
		printf("#   event: %s %s\n", name, text);
}

static u32 rec_msg_backlog(void *ctx, u32 cpu)
{
	return ((struct recorder *)ctx)->backlog;
}

static const struct host_notifier_ops rec_ops = {
	.send_msg = rec_send_msg,
	.signal = rec_signal,
	.event = rec_event,
	.msg_backlog = rec_msg_backlog,
};

/* The test world: a host, its recorder and the guest's RAM. */
struct world {
	struct vmbus_host h;
	struct recorder r;
	struct guest_mem mem;
	u8 *ram;		/* the guest's view of its RAM */
};

static inline void world_init(struct world *w, u32 cpus)
{
	int fd = memfd_create("test-ram", 0);

	memset(&w->r, 0, sizeof(w->r));
	if (fd < 0 || ftruncate(fd, TEST_RAM_BYTES)) {
		perror("memfd");
		exit(2);
	}
	w->ram = mmap(NULL, TEST_RAM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w->ram == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	guest_mem_init(&w->mem);
	guest_mem_open_fd(&w->mem, fd, TEST_RAM_BYTES);
	host_init(&w->h, &rec_ops, &w->r);
	w->h.mem = &w->mem;
	w->h.guest_cpus = cpus;
}

static inline void world_uninit(struct world *w)
{
	host_uninit(&w->h);
	guest_mem_close(&w->mem);
	munmap(w->ram, TEST_RAM_BYTES);
}

static inline void rec_clear(struct recorder *r)
{
	r->nmsgs = 0;
	r->nsignals = 0;
	r->nevents = 0;
}

static inline u32 msg_type(const struct rec_msg *m)
{
	u32 t;

	memcpy(&t, m->data, sizeof(t));
	return t;
}

/* The i-th recorded message, or NULL. */
static inline const struct rec_msg *rec_at(const struct recorder *r, u32 i)
{
	return i < r->nmsgs ? &r->msgs[i] : NULL;
}

/* Index of the first event starting with prefix ("VERSION_REFUSED version=5.3"), or -1. */
static inline int rec_event_index(const struct recorder *r, const char *prefix)
{
	u32 i;

	for (i = 0; i < r->nevents; i++)
		if (!strncmp(r->events[i], prefix, strlen(prefix)))
			return i;
	return -1;
}

static inline bool rec_has_event(const struct recorder *r, const char *prefix)
{
	return rec_event_index(r, prefix) >= 0;
}

/* The OFFERCHANNEL the host sent for relid into *o; false if it sent none. */
static inline bool offer_of(const struct recorder *r, u32 relid,
			    struct vmbus_channel_offer_channel *o)
{
	u32 i;

	for (i = 0; i < r->nmsgs; i++) {
		if (msg_type(&r->msgs[i]) != CHANNELMSG_OFFERCHANNEL)
			continue;
		memcpy(o, r->msgs[i].data, sizeof(*o));
		if (o->child_relid == relid)
			return true;
	}
	return false;
}

static inline u32 rec_count_events(const struct recorder *r, const char *prefix)
{
	u32 i, n = 0;

	for (i = 0; i < r->nevents; i++)
		n += !strncmp(r->events[i], prefix, strlen(prefix));
	return n;
}

/* ---- the scripted guest ---- */

static inline void post(struct world *w, u32 conn_id, const void *msg, u32 len)
{
	host_handle_message(&w->h, conn_id, HV_POST_MESSAGE_TYPE_VMBUS, msg, len);
}

static inline void guest_contact(struct world *w, u32 version, u32 vcpu)
{
	struct vmbus_channel_initiate_contact m = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = version,
		.target_vcpu = vcpu,
	};

	if (version >= VERSION_WIN10_V5)
		m.msg_sint = VMBUS_MESSAGE_SINT;
	post(w, version >= VERSION_WIN10_V5 ? VMBUS_MESSAGE_CONNECTION_ID_4 :
					     VMBUS_MESSAGE_CONNECTION_ID, &m, sizeof(m));
}

static inline void guest_simple(struct world *w, u32 type)
{
	struct vmbus_channel_message_header m = { .msgtype = type };

	post(w, VMBUS_MESSAGE_CONNECTION_ID, &m, sizeof(m));
}

/* Connects at 5.3 and asks for offers. */
static inline void guest_connect(struct world *w)
{
	guest_contact(w, VERSION_WIN10_V5_3, 0);
	guest_simple(w, CHANNELMSG_REQUESTOFFERS);
}

/*
 * Creates a GPADL over npages consecutive PFNs from first_pfn the way upstream does:
 * one range, 26 PFNs in the header, 28 per body (drivers/hv/channel.c).
 */
/*
 * The GPADL_HEADER of a GPADL over npages PFNs (its first 26 at most); returns how many
 * it carried.  The rest go in GPADL_BODY messages (guest_gpadl).
 */
static inline u32 guest_gpadl_header(struct world *w, u32 relid, u32 id, const u64 *pfns,
				     u32 npages)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8);
	struct vmbus_channel_gpadl_header *hdr = (void *)buf;
	struct vmbus_gpa_range *range = (void *)(buf + sizeof(*hdr));
	u32 n = npages < VMBUS_GPADL_HEADER_MAX_PFNS ? npages : VMBUS_GPADL_HEADER_MAX_PFNS;

	memset(buf, 0, sizeof(buf));
	hdr->header.msgtype = CHANNELMSG_GPADL_HEADER;
	hdr->child_relid = relid;
	hdr->gpadl = id;
	hdr->rangecount = 1;
	hdr->range_buflen = sizeof(*range) + npages * 8;
	range->byte_count = npages * GUEST_PAGE_SIZE;
	range->byte_offset = 0;
	memcpy(range->pfn_array, pfns, n * 8);
	post(w, 1, buf, sizeof(*hdr) + sizeof(*range) + n * 8);
	return n;
}

static inline void guest_gpadl(struct world *w, u32 relid, u32 id, const u64 *pfns, u32 npages)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8);
	struct vmbus_channel_gpadl_body *body = (void *)buf;
	u32 n = guest_gpadl_header(w, relid, id, pfns, npages);
	u32 done, msgno = 1;

	for (done = n; done < npages; done += n) {
		n = npages - done < VMBUS_GPADL_BODY_MAX_PFNS ? npages - done :
								 VMBUS_GPADL_BODY_MAX_PFNS;
		memset(buf, 0, sizeof(buf));
		body->header.msgtype = CHANNELMSG_GPADL_BODY;
		body->msgnumber = msgno++;
		body->gpadl = id;
		memcpy(body->pfn, pfns + done, n * 8);
		post(w, 1, buf, sizeof(*body) + n * 8);
	}
}

static inline void guest_gpadl_range(struct world *w, u32 relid, u32 id, u64 first, u32 npages)
{
	u64 *pfns = calloc(npages, sizeof(*pfns));
	u32 i;

	for (i = 0; i < npages; i++)
		pfns[i] = first + i;
	guest_gpadl(w, relid, id, pfns, npages);
	free(pfns);
}

static inline void guest_open(struct world *w, u32 relid, u32 gpadl, u32 downstream, u32 vp)
{
	struct vmbus_channel_open_channel m = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL,
		.child_relid = relid,
		.openid = relid,
		.ringbuffer_gpadlhandle = gpadl,
		.target_vp = vp,
		.downstream_ringbuffer_pageoffset = downstream,
	};

	post(w, 1, &m, sizeof(m));
}

/* The last message of a type, or NULL. */
static inline const struct rec_msg *rec_last(const struct recorder *r, u32 type)
{
	u32 i;

	for (i = r->nmsgs; i-- > 0;)
		if (msg_type(&r->msgs[i]) == type)
			return &r->msgs[i];
	return NULL;
}

/*
 * The guest's rings of a channel opened on npages from first_pfn with downstream
 * pages: out = guest->host (the guest produces), in = host->guest.
 */
static inline void guest_rings(struct world *w, u64 first_pfn, u32 npages, u32 downstream,
			       struct hvis_ring *out, struct hvis_ring *in)
{
	u8 *base = w->ram + first_pfn * GUEST_PAGE_SIZE;

	hvis_ring_init(out, base, base + GUEST_PAGE_SIZE, (downstream - 1) * GUEST_PAGE_SIZE, true);
	hvis_ring_init(in, base + downstream * GUEST_PAGE_SIZE,
		       base + (downstream + 1) * GUEST_PAGE_SIZE,
		       (npages - downstream - 1) * GUEST_PAGE_SIZE, true);
}

/*
 * Takes the next packet the host wrote to the guest's inbound ring into pkt (at most
 * cap bytes, descriptor included) and frees its ring space.  Its length; <= 0: none.
 */
static inline int guest_read_packet(struct hvis_ring *in, u8 *pkt, u32 cap)
{
	int len = hvis_ring_peek(in, pkt, cap, NULL);

	if (len <= 0)
		return len;
	hvis_ring_advance(in, len);
	hvis_ring_commit_read(in, NULL);
	return len;
}

/* The descriptor of a packet guest_read_packet took. */
static inline struct vmpacket_descriptor packet_desc(const u8 *pkt)
{
	struct vmpacket_descriptor d;

	memcpy(&d, pkt, sizeof(d));
	return d;
}

/* Copies the payload (after offset8) of a packet of len bytes into buf, zero-filled. */
static inline void packet_payload(const u8 *pkt, int len, void *buf, u32 buflen)
{
	u32 off = packet_desc(pkt).offset8 * 8;

	memset(buf, 0, buflen);
	if ((u32)len > off)
		memcpy(buf, pkt + off, min(buflen, (u32)len - off));
}

#endif /* _HVIS_FAKEHOST_TEST_H */
