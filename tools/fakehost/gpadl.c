// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpadl.c: GPADL collection and validation (see gpadl.h).  Message layout:
 * include/linux/hyperv.h (vmbus_channel_gpadl_header/body, gpa_range) and
 * drivers/hv/channel.c (create_gpadl_header: one range, PFNs split over a header and
 * body messages, range_buflen = sizeof(gpa_range) + 8 * pages).
 */
#include <stdlib.h>
#include "gpadl.h"

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

int gpadl_begin(struct host_gpadl *g, const void *msg, u32 len, const char **why)
{
	const struct vmbus_channel_gpadl_header *h = msg;
	u32 bytes;

	if (len < sizeof(*h) + sizeof(struct vmbus_gpa_range))
		return bad(why, "payload_size");
	bytes = len - sizeof(*h);
	if (h->rangecount == 0)
		return bad(why, "rangecount");
	if (h->range_buflen < (u32)h->rangecount * (sizeof(struct vmbus_gpa_range) + 8) ||
	    (h->range_buflen & 7))
		return bad(why, "range_buflen");
	if (bytes > h->range_buflen || (bytes & 7))
		return bad(why, "range_buflen");
	g->id = h->gpadl;
	g->relid = h->child_relid;
	g->state = GPADL_IN_PROGRESS;
	g->rangecount = h->rangecount;
	g->range_buflen = h->range_buflen;
	g->ranges = malloc(h->range_buflen);
	if (!g->ranges)
		return bad(why, "range_buflen (host out of memory)");
	memcpy(g->ranges, (const u8 *)msg + sizeof(*h), bytes);
	g->received = bytes;
	return 0;
}

int gpadl_add_body(struct host_gpadl *g, const void *msg, u32 len, const char **why)
{
	const struct vmbus_channel_gpadl_body *b = msg;
	u32 bytes;

	if (len <= sizeof(*b))
		return bad(why, "payload_size");
	bytes = len - sizeof(*b);
	if (bytes & 7)
		return bad(why, "payload_size");
	if (g->state != GPADL_IN_PROGRESS || bytes > (u32)g->range_buflen - g->received)
		return bad(why, "range_buflen (body beyond the header's length)");
	memcpy(g->ranges + g->received, (const u8 *)msg + sizeof(*b), bytes);
	g->received += bytes;
	return 0;
}

int gpadl_finish(struct host_gpadl *g, const struct guest_mem *mem, const char **why)
{
	u32 off = 0, total = 0, i, p;
	struct vmbus_gpa_range r;

	/* First pass: the ranges must tile range_buflen exactly. */
	for (i = 0; i < g->rangecount; i++) {
		u32 pages;

		if (g->range_buflen - off < sizeof(r))
			return bad(why, "rangecount");
		memcpy(&r, g->ranges + off, sizeof(r));
		if (r.byte_count == 0)
			return bad(why, "byte_count");
		if (r.byte_offset >= GUEST_PAGE_SIZE)
			return bad(why, "byte_offset");
		pages = (u32)(((u64)r.byte_offset + r.byte_count + GUEST_PAGE_SIZE - 1) /
			      GUEST_PAGE_SIZE);
		off += sizeof(r);
		if ((u64)pages * 8 > g->range_buflen - off)
			return bad(why, "byte_count");
		off += pages * 8;
		total += pages;
	}
	if (off != g->range_buflen)
		return bad(why, "range_buflen");
	g->pfns = calloc(total, sizeof(*g->pfns));
	if (!g->pfns)
		return bad(why, "range_buflen (host out of memory)");
	off = 0;
	g->npages = 0;
	for (i = 0; i < g->rangecount; i++) {
		u32 pages;

		memcpy(&r, g->ranges + off, sizeof(r));
		off += sizeof(r);
		pages = (u32)(((u64)r.byte_offset + r.byte_count + GUEST_PAGE_SIZE - 1) /
			      GUEST_PAGE_SIZE);
		for (p = 0; p < pages; p++, off += 8) {
			u64 pfn, foff;

			memcpy(&pfn, g->ranges + off, 8);
			if (!mem || !guest_mem_pfn_offset(mem, pfn, &foff))
				return bad(why, "pfn");
			g->pfns[g->npages++] = pfn;
		}
	}
	return 0;
}

void gpadl_free(struct host_gpadl *g)
{
	if (!g)
		return;
	free(g->ranges);
	free(g->pfns);
	free(g);
}
