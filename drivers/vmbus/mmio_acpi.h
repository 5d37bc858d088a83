/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmio_acpi.h: the Hyper-V transport's MMIO pool, read from the VMBus ACPI device's
 * _CRS (mmio_acpi.c).  Kept apart from core.h: transport_hyperv.c includes the
 * kernel's Hyper-V headers and cannot include core.h.
 */
#ifndef _HVIS_VMBUS_MMIO_ACPI_H
#define _HVIS_VMBUS_MMIO_ACPI_H

#include <linux/ioport.h>
#include "mmio_ranges.h"

struct device;

/**
 * struct hvis_mmio_acpi - the pool the transport hands to mmio.c
 * @res: the windows as private resources, linked by ->sibling in start order; not
 *	in iomem_resource.  Only the first @count are used.
 * @count: number of windows; 0 when the firmware describes none.
 * @fb: the firmware framebuffer's range, a busy child of @res[0] named "fb_range"
 *	so that allocations keep clear of it; NULL when nothing is reserved.
 */
struct hvis_mmio_acpi {
	struct resource res[MMIO_RANGES_MAX];
	u32 count;
	struct resource *fb;
};

/*
 * Fills @pool from the ACPI companion of @dev (the VMBus device) or its nearest
 * ancestor below the root that has address windows, then reserves the firmware
 * framebuffer.  -ENODEV when @dev has no ACPI companion or its _CRS cannot be
 * read; an empty pool is not an error.  Process context.
 */
int hvis_mmio_acpi_build(struct device *dev, struct hvis_mmio_acpi *pool);

/* Drops the framebuffer reservation; every allocation must be freed by then. */
void hvis_mmio_acpi_release(struct hvis_mmio_acpi *pool);

/* The first window for transport.h's mmio_pool, or NULL when there is none. */
static inline struct resource *hvis_mmio_acpi_first(struct hvis_mmio_acpi *pool)
{
	return pool->count ? &pool->res[0] : NULL;
}

#endif /* _HVIS_VMBUS_MMIO_ACPI_H */
