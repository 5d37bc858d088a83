/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpadl.h: one guest physical address descriptor list as the host collects it from
 * GPADL_HEADER and GPADL_BODY messages, and its validation into a flat page list.
 */
#ifndef _FH_GPADL_H
#define _FH_GPADL_H

#include "hvis/vmbus_proto.h"
#include "guest_mem.h"

enum host_gpadl_state {
	GPADL_IN_PROGRESS,	/* header seen; waiting for body messages with the rest */
	GPADL_CREATED,		/* all ranges arrived and checked; GPADL_CREATED(0) sent */
	GPADL_TEARING_DOWN,	/* guest asked for teardown while an open channel uses it;
				 * GPADL_TORNDOWN goes out when that channel closes */
};

struct host_gpadl {
	struct host_gpadl *next;
	u32 id;			/* guest-chosen handle */
	u32 relid;		/* channel it was created for */
	enum host_gpadl_state state;
	u16 rangecount;
	u16 range_buflen;	/* bytes of ranges across header and bodies */
	u32 received;		/* of range_buflen */
	u8 *ranges;		/* range_buflen bytes as sent */
	u64 *pfns;		/* flat page list once complete */
	u32 npages;
	u32 in_use;		/* open channels using it */
};

/*
 * Starts a GPADL from a GPADL_HEADER message of len bytes.  Returns 0, or -EINVAL
 * with *why naming the bad field.
 */
int gpadl_begin(struct host_gpadl *g, const void *msg, u32 len, const char **why);

/* Adds a GPADL_BODY message's PFN bytes.  0, or -EINVAL with *why. */
int gpadl_add_body(struct host_gpadl *g, const void *msg, u32 len, const char **why);

static inline bool gpadl_complete(const struct host_gpadl *g)
{
	return g->received == g->range_buflen;
}

/*
 * Parses the complete ranges into pfns[] and checks each page is guest RAM (mem may
 * be NULL: no page is).  0, or -EINVAL with *why.
 */
int gpadl_finish(struct host_gpadl *g, const struct guest_mem *mem, const char **why);

void gpadl_free(struct host_gpadl *g);

#endif /* _FH_GPADL_H */
