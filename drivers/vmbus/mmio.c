// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio.c: MMIO space for class drivers (the analogue of upstream's vmbus_allocate_mmio
 * and vmbus_free_mmio in drivers/hv/vmbus_drv.c).  The transport names the ranges
 * (transport.h, mmio_pool): on Hyper-V the windows of the VMBus ACPI device's _CRS, on
 * the fake host the link's VRAM region.  An allocation is a busy child of its range
 * (the "shadow" that keeps two drivers apart) and, where the transport asks for it, a
 * claim in iomem_resource as well.  On Hyper-V the firmware framebuffer's range is a
 * busy child of the lowest window (mmio_acpi.c), so allocations keep clear of it.
 */
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <hvis/vmbus.h>
#include "core.h"
#include "transport.h"

static DEFINE_MUTEX(mmio_lock);

/* Tries [start, start + size) inside @node; 0 and *res on success. */
static int mmio_take(const struct hvis_transport_ops *ops, struct resource *node,
		     resource_size_t start, resource_size_t size, const char *name,
		     struct resource **res)
{
	struct resource *shadow, *claim;

	shadow = __request_region(node, start, size, name, IORESOURCE_BUSY);
	if (!shadow)
		return -EBUSY;
	if (!ops->mmio_claim_iomem) {
		*res = shadow;
		return 0;
	}
	claim = __request_region(&iomem_resource, start, size, name, IORESOURCE_EXCLUSIVE);
	if (!claim) {
		__release_region(node, start, size);
		return -EBUSY;
	}
	*res = claim;
	return 0;
}

int hvis_vmbus_allocate_mmio(struct resource **res, struct hvis_device *dev,
			     resource_size_t min, resource_size_t max,
			     resource_size_t size, resource_size_t align)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	const char *name = dev_name(&dev->dev);
	resource_size_t start, last;
	struct resource *node;
	int ret = -ENXIO;

	if (!size || !align || (align & (align - 1)) || max < min)
		return -EINVAL;
	if (!ops || !ops->mmio_pool)
		return -ENXIO;
	mutex_lock(&mmio_lock);
	for (node = ops->mmio_pool(hvis_conn.priv); node; node = node->sibling) {
		if (node->end < min || node->start > max)
			continue;
		last = min_t(resource_size_t, node->end, max);
		start = ALIGN(max_t(resource_size_t, node->start, min), align);
		/* start >= node->start keeps "start + size - 1" from wrapping past it. */
		for (; start >= node->start && start <= last && size - 1 <= last - start;
		     start += align) {
			if (!mmio_take(ops, node, start, size, name, res)) {
				ret = 0;
				goto out;
			}
		}
	}
out:
	mutex_unlock(&mmio_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvis_vmbus_allocate_mmio);

void hvis_vmbus_free_mmio(resource_size_t start, resource_size_t size)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	struct resource *node;

	if (!ops || !ops->mmio_pool)
		return;
	mutex_lock(&mmio_lock);
	for (node = ops->mmio_pool(hvis_conn.priv); node; node = node->sibling) {
		if (start >= node->start && size - 1 <= node->end - start) {
			__release_region(node, start, size);
			if (ops->mmio_claim_iomem)
				__release_region(&iomem_resource, start, size);
			break;
		}
	}
	mutex_unlock(&mmio_lock);
}
EXPORT_SYMBOL_GPL(hvis_vmbus_free_mmio);

u32 hvis_channel_mmio_megabytes(struct hvis_channel *ch)
{
	return ch->offer.offer.mmio_megabytes;
}
EXPORT_SYMBOL_GPL(hvis_channel_mmio_megabytes);
