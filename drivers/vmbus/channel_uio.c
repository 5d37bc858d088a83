// SPDX-License-Identifier: GPL-2.0-only
/*
 * channel_uio.c: what a driver that hands a channel to user space needs from the core
 * (hvis_uio, the equivalent of drivers/uio/uio_hv_generic.c): a ring allocated once
 * and kept over close so user space can map it at a fixed address, the inbound
 * interrupt mask, the channels/<relid>/ring mmap, and the connection's interrupt and
 * monitor pages.
 *
 * Facts: drivers/hv/channel.c vmbus_alloc_ring / vmbus_connect_ring (a ring allocated
 * at probe, opened and closed later), drivers/uio/uio_hv_generic.c set_event (write
 * the inbound interrupt_mask, and on unmask signal the host unless the channel is
 * monitored), drivers/hv/vmbus_drv.c hv_create_ring_sysfs (the "ring" attribute is
 * shown only while such a driver owns the channel; its size is the whole ring block).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include "core.h"

int hvis_channel_keep_ring(struct hvis_channel *ch, u32 send_ring_bytes, u32 recv_ring_bytes)
{
	size_t total = 2 * PAGE_SIZE + (size_t)send_ring_bytes + recv_ring_bytes;
	void *mem;
	int ret = 0;

	if (!send_ring_bytes || !recv_ring_bytes || !PAGE_ALIGNED(send_ring_bytes) ||
	    !PAGE_ALIGNED(recv_ring_bytes) || total > U32_MAX)
		return -EINVAL;
	mutex_lock(&ch->lock);
	if (ch->ring_kept || ch->state != HVIS_CHAN_CLOSED) {
		ret = -EBUSY;
		goto out;
	}
	/* Physically contiguous: user space maps it by its physical address. */
	mem = alloc_pages_exact(total, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!mem) {
		ret = -ENOMEM;
		goto out;
	}
	ch->ring_mem = mem;
	ch->ring_mem_bytes = total;
	ch->ring_mem_vmalloc = false;
	ch->ring_kept_send = send_ring_bytes;
	ch->ring_kept = true;
out:
	mutex_unlock(&ch->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_channel_keep_ring);

void *hvis_channel_kept_ring(struct hvis_channel *ch, size_t *bytes)
{
	void *mem = NULL;

	mutex_lock(&ch->lock);
	if (ch->ring_kept && ch->ring_mem) {
		mem = ch->ring_mem;
		*bytes = ch->ring_mem_bytes;
	}
	mutex_unlock(&ch->lock);
	return mem;
}
EXPORT_SYMBOL_GPL(hvis_channel_kept_ring);

/* Lock held.  Frees a kept ring of a closed channel. */
static void free_kept_ring(struct hvis_channel *ch)
{
	if (!ch->ring_kept || ch->state != HVIS_CHAN_CLOSED)
		return;
	/* NULL: the host did not give its GPADL back; leaked (channel.c drop_ring). */
	if (ch->ring_mem)
		free_pages_exact(ch->ring_mem, ch->ring_mem_bytes);
	ch->ring_mem = NULL;
	ch->ring_kept = false;
}

void hvis_channel_free_ring(struct hvis_channel *ch)
{
	mutex_lock(&ch->lock);
	free_kept_ring(ch);
	mutex_unlock(&ch->lock);
}
EXPORT_SYMBOL_GPL(hvis_channel_free_ring);

void hvis_channel_irq_control(struct hvis_channel *ch, bool enable)
{
	mutex_lock(&ch->lock);
	if (ch->state != HVIS_CHAN_OPENED || !ch->ring_mem) {
		mutex_unlock(&ch->lock);
		return;
	}
	WRITE_ONCE(ch->in.hdr->interrupt_mask, !enable);
	/* A monitored channel's host scans; one whose monitorid was refused rings. */
	if (enable && !ch->monitored) {
		/* The host must see the mask before the signal (virt_mb upstream). */
		smp_mb();
		hvis_channel_signal_host(ch);
	}
	mutex_unlock(&ch->lock);
}
EXPORT_SYMBOL_GPL(hvis_channel_irq_control);

int hvis_channel_set_ring_sysfs(struct hvis_channel *ch, bool visible)
{
	mutex_lock(&ch->lock);
	ch->ring_sysfs = visible;
	mutex_unlock(&ch->lock);
	return hvis_sysfs_channel_update(ch);
}
EXPORT_SYMBOL_GPL(hvis_channel_set_ring_sysfs);

/*
 * mmap of channels/<relid>/ring: the whole ring block (outbound header and data,
 * then inbound) of an open channel, page by page, whether the pages are contiguous
 * or vmalloc'ed.
 */
int hvis_channel_ring_mmap(struct hvis_channel *ch, struct vm_area_struct *vma)
{
	unsigned long pages = vma_pages(vma), i;
	size_t ring_pages;
	int ret = 0;

	mutex_lock(&ch->lock);
	if (!ch->ring_sysfs || ch->state != HVIS_CHAN_OPENED || !ch->ring_mem) {
		ret = -ENODEV;
		goto out;
	}
	ring_pages = ch->ring_mem_bytes >> PAGE_SHIFT;
	if (vma->vm_pgoff >= ring_pages || pages > ring_pages - vma->vm_pgoff) {
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < pages && !ret; i++) {
		u8 *addr = (u8 *)ch->ring_mem + ((vma->vm_pgoff + i) << PAGE_SHIFT);
		unsigned long pfn = ch->ring_mem_vmalloc ? vmalloc_to_pfn(addr) :
					  page_to_pfn(virt_to_page(addr));

		ret = remap_pfn_range(vma, vma->vm_start + (i << PAGE_SHIFT), pfn, PAGE_SIZE,
				      vma->vm_page_prot);
	}
out:
	mutex_unlock(&ch->lock);
	return ret;
}

size_t hvis_channel_ring_sysfs_size(struct hvis_channel *ch)
{
	return ch->ring_mem ? ch->ring_mem_bytes : 0;
}

bool hvis_channel_ring_sysfs_visible(struct hvis_channel *ch)
{
	return READ_ONCE(ch->ring_sysfs);
}

/* Bus remove: whatever the last driver left of these goes. */
void hvis_channel_uio_reset(struct hvis_channel *ch)
{
	bool shown;

	mutex_lock(&ch->lock);
	shown = ch->ring_sysfs;
	ch->ring_sysfs = false;
	free_kept_ring(ch);
	mutex_unlock(&ch->lock);
	if (shown)
		hvis_sysfs_channel_update(ch);
}

void *hvis_vmbus_int_page(void)
{
	return hvis_conn.int_page;
}
EXPORT_SYMBOL_GPL(hvis_vmbus_int_page);

void *hvis_vmbus_monitor_page(unsigned int which)
{
	return which < ARRAY_SIZE(hvis_conn.monitor_pages) ? hvis_conn.monitor_pages[which] : NULL;
}
EXPORT_SYMBOL_GPL(hvis_vmbus_monitor_page);
