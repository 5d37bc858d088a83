// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpadl.c: Guest Physical Address Descriptor Lists: describing a guest buffer to the
 * host (GPADL_HEADER + GPADL_BODY messages, wait GPADL_CREATED) and taking it back
 * (GPADL_TEARDOWN, wait GPADL_TORNDOWN).
 *
 * Message layout from include/linux/hyperv.h and drivers/hv/channel.c upstream: one
 * gpa_range {byte_count = size, byte_offset = 0}, PFNs in 4 KiB Hyper-V pages, as many
 * as fit in the header message, the rest in body messages; range_buflen = 8 + 8 * n.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "core.h"

#define HV_PAGE_SHIFT	12

/* The Hyper-V (4 KiB) frame number of the byte at @addr, linear or vmalloc memory. */
static u64 hv_pfn(void *addr)
{
	phys_addr_t pa;

	if (is_vmalloc_addr(addr))
		pa = page_to_phys(vmalloc_to_page(addr)) + offset_in_page(addr);
	else
		pa = virt_to_phys(addr);
	return pa >> HV_PAGE_SHIFT;
}

static int post_body_msgs(u32 gpadl, const u64 *pfns, u32 count)
{
	union {
		struct vmbus_channel_gpadl_body body;
		u8 raw[HV_MESSAGE_PAYLOAD_BYTES];
	} m;
	u32 n;
	int ret;

	while (count) {
		n = min_t(u32, count, VMBUS_GPADL_BODY_MAX_PFNS);
		memset(&m, 0, sizeof(m));
		m.body.header.msgtype = CHANNELMSG_GPADL_BODY;
		/* drivers/hv/channel.c leaves msgnumber zero; the host orders by arrival. */
		m.body.msgnumber = 0;
		m.body.gpadl = gpadl;
		memcpy(m.raw + sizeof(m.body), pfns, n * sizeof(u64));
		ret = hvis_connection_post(&m, sizeof(m.body) + n * sizeof(u64));
		if (ret)
			return ret;
		pfns += n;
		count -= n;
	}
	return 0;
}

/**
 * hvis_gpadl_create - describe a buffer to the host
 * @ch: the channel the GPADL belongs to
 * @buf: page-aligned, from the page allocator, kmalloc or vmalloc
 * @size: bytes, a multiple of 4 KiB
 * @gpadl: the handle, on success
 *
 * Returns 0, -EINVAL, -ENOMEM, -ENODEV (rescinded), -ETIMEDOUT or -EIO (the host
 * refused).  On -ETIMEDOUT the host may still map the buffer later: the caller tears
 * the handle down before it frees the memory.  May sleep.
 */
int hvis_gpadl_create(struct hvis_channel *ch, void *buf, u32 size, u32 *gpadl)
{
	union {
		struct vmbus_channel_gpadl_header hdr;
		u8 raw[HV_MESSAGE_PAYLOAD_BYTES];
	} m;
	struct vmbus_channel_gpadl_created created;
	struct vmbus_gpa_range range;
	u32 i, count, in_hdr, handle;
	struct hvis_waiter w;
	u64 *pfns;
	int ret;

	if (!buf || !size || (size & (HV_HYP_PAGE_SIZE - 1)) || offset_in_page(buf))
		return -EINVAL;
	count = size >> HV_PAGE_SHIFT;
	/* range_buflen is 16 bits wide. */
	if (sizeof(range) + (size_t)count * sizeof(u64) > U16_MAX)
		return -EINVAL;
	if (READ_ONCE(ch->rescinded))
		return -ENODEV;
	pfns = kvmalloc_array(count, sizeof(u64), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		pfns[i] = hv_pfn((u8 *)buf + ((size_t)i << HV_PAGE_SHIFT));

	handle = (u32)atomic_inc_return(&hvis_conn.next_gpadl) - 1;
	in_hdr = min_t(u32, count, VMBUS_GPADL_HEADER_MAX_PFNS);
	memset(&m, 0, sizeof(m));
	m.hdr.header.msgtype = CHANNELMSG_GPADL_HEADER;
	m.hdr.child_relid = ch->relid;
	m.hdr.gpadl = handle;
	m.hdr.range_buflen = sizeof(range) + count * sizeof(u64);
	m.hdr.rangecount = 1;
	range.byte_count = size;
	range.byte_offset = 0;
	memcpy(m.raw + sizeof(m.hdr), &range, sizeof(range));
	memcpy(m.raw + sizeof(m.hdr) + sizeof(range), pfns, in_hdr * sizeof(u64));

	hvis_connection_waiter_init(&w, CHANNELMSG_GPADL_CREATED, ch->relid, handle, ch->relid);
	hvis_connection_waiter_add(&w);
	ret = hvis_connection_post(&m, sizeof(m.hdr) + sizeof(range) + in_hdr * sizeof(u64));
	if (!ret)
		ret = post_body_msgs(handle, pfns + in_hdr, count - in_hdr);
	kvfree(pfns);
	if (ret) {
		hvis_connection_waiter_wait(&w, 0);
		return ret;
	}
	ret = hvis_connection_waiter_wait(&w, HVIS_RESPONSE_TIMEOUT);
	if (ret) {
		if (ret == -ETIMEDOUT)
			*gpadl = handle;
		return ret;
	}
	memcpy(&created, w.resp, sizeof(created));
	if (created.creation_status) {
		pr_err_ratelimited("relid %u: host refused GPADL %#x: status %#x\n", ch->relid,
				   handle, created.creation_status);
		return -EIO;
	}
	*gpadl = handle;
	return 0;
}

/**
 * hvis_gpadl_teardown - take a buffer back from the host
 * @ch: the channel the GPADL was created on
 * @gpadl: its handle
 *
 * Returns 0 when the host confirmed (or the channel was rescinded, when the host
 * drops its GPADLs itself): the memory may be freed.  Otherwise the host may still
 * use the memory and the caller must leak it.  May sleep.
 */
int hvis_gpadl_teardown(struct hvis_channel *ch, u32 gpadl)
{
	struct vmbus_channel_gpadl_teardown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN,
		.child_relid = ch->relid,
		.gpadl = gpadl,
	};
	struct hvis_waiter w;
	int ret;

	if (READ_ONCE(ch->rescinded))
		return 0;
	hvis_connection_waiter_init(&w, CHANNELMSG_GPADL_TORNDOWN, HVIS_ANY, gpadl, ch->relid);
	hvis_connection_waiter_add(&w);
	ret = hvis_connection_post(&msg, sizeof(msg));
	if (ret) {
		hvis_connection_waiter_wait(&w, 0);
		return ret;
	}
	ret = hvis_connection_waiter_wait(&w, HVIS_RESPONSE_TIMEOUT);
	if (ret == -ENODEV)	/* rescinded meanwhile */
		return 0;
	return ret;
}

int hvis_channel_gpadl_create(struct hvis_channel *ch, void *buf, u32 size, u32 *gpadl)
{
	int ret = hvis_gpadl_create(ch, buf, size, gpadl);

	/* A handle the host may still create is torn down here, for the caller. */
	if (ret == -ETIMEDOUT && hvis_gpadl_teardown(ch, *gpadl))
		pr_err("relid %u: GPADL %#x in limbo; its memory must not be reused\n",
		       ch->relid, *gpadl);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_gpadl_create);

int hvis_channel_gpadl_teardown(struct hvis_channel *ch, u32 gpadl)
{
	return hvis_gpadl_teardown(ch, gpadl);
}
EXPORT_SYMBOL_GPL(hvis_channel_gpadl_teardown);
