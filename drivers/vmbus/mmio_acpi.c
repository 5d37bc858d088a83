// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio_acpi.c: the Hyper-V transport's MMIO pool.  The address windows come from the
 * _CRS of the VMBus ACPI device or, when it has none (Hyper-V Generation 1 and QEMU
 * put the device under a bus whose _CRS has them), of its nearest ancestor below the
 * ACPI root that has some.  lib/mmio_ranges.c applies upstream's rules to each
 * window; the result becomes private struct resources that mmio.c allocates from.
 * On a UEFI boot the firmware framebuffer's range is then reserved inside the lowest
 * window.
 *
 * The walk and the reservation follow drivers/hv/vmbus_drv.c (vmbus_acpi_add,
 * vmbus_walk_resources, vmbus_reserve_fb).  Not done yet: the Generation 1
 * reservation (BAR 0 of the emulated PCI video card 1414:5353) and letting a caller
 * overlap the reservation (upstream's fb_overlap_ok).
 */
#include <linux/device.h>

#if IS_ENABLED(CONFIG_ACPI)

#include <linux/acpi.h>
#include <linux/efi.h>
#include <linux/screen_info.h>
#include <linux/slab.h>
#include "mmio_acpi.h"

/* upstream names its windows "hyperv mmio"; ours carry the module's name. */
#define MMIO_ACPI_NAME	"hvis mmio"
#define MMIO_ACPI_FB_MIN	0x100000ULL	/* halve the reservation down to 1 MiB */

struct mmio_acpi_walk {
	struct device *dev;
	struct mmio_ranges ranges;
};

static const char * const mmio_add_why[] = {
	[MMIO_ADD_BAD] = "end before start",
	[MMIO_ADD_OVERLAP] = "overlaps an earlier window",
	[MMIO_ADD_FULL] = "too many windows",
};

/* One _CRS descriptor: only 32- and 64-bit address space windows count. */
static acpi_status mmio_acpi_window(struct acpi_resource *res, void *data)
{
	struct mmio_acpi_walk *w = data;
	struct acpi_resource_address64 addr;
	enum mmio_add_result r;

	if (res->type != ACPI_RESOURCE_TYPE_ADDRESS32 &&
	    res->type != ACPI_RESOURCE_TYPE_ADDRESS64)
		return AE_OK;
	if (ACPI_FAILURE(acpi_resource_to_address64(res, &addr)))
		return AE_OK;
	r = mmio_ranges_add(&w->ranges, addr.address.minimum, addr.address.maximum);
	if (r >= MMIO_ADD_BAD && r < ARRAY_SIZE(mmio_add_why) && mmio_add_why[r])
		dev_warn(w->dev, "_CRS window [%#llx-%#llx] ignored: %s\n",
			 (u64)addr.address.minimum, (u64)addr.address.maximum,
			 mmio_add_why[r]);
	return AE_OK;
}

static acpi_status mmio_acpi_walk(acpi_handle handle, struct mmio_acpi_walk *w)
{
	return acpi_walk_resources(handle, METHOD_NAME__CRS, mmio_acpi_window, w);
}

/* The firmware framebuffer's base as the boot loader gave it (64-bit when flagged). */
static u64 mmio_acpi_lfb_base(void)
{
	u64 base = screen_info.lfb_base;

	if (screen_info.capabilities & VIDEO_CAPABILITY_64BIT_BASE)
		base |= (u64)screen_info.ext_lfb_base << 32;
	return base;
}

static void mmio_acpi_reserve_fb(struct device *dev, struct hvis_mmio_acpi *pool)
{
	u64 start, size;

	if (!efi_enabled(EFI_BOOT) || !pool->count)
		return;
	if (!mmio_ranges_fb(pool->res[0].start, mmio_acpi_lfb_base(), screen_info.lfb_size,
			    &start, &size)) {
		dev_warn(dev, "firmware framebuffer base is 0; nothing reserved\n");
		return;
	}
	/* Halve until it fits, as upstream does, but not below 1 MiB. */
	for (; size >= MMIO_ACPI_FB_MIN; size >>= 1) {
		pool->fb = __request_region(&pool->res[0], start, size, "fb_range", 0);
		if (pool->fb)
			return;
	}
	dev_warn(dev, "firmware framebuffer at %#llx not inside %pR; nothing reserved\n",
		 start, &pool->res[0]);
}

int hvis_mmio_acpi_build(struct device *dev, struct hvis_mmio_acpi *pool)
{
	struct mmio_acpi_walk *w;
	acpi_handle handle, parent, above;
	u32 i;

	memset(pool, 0, sizeof(*pool));
	handle = ACPI_HANDLE(dev);
	if (!handle)
		return -ENODEV;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->dev = dev;
	mmio_ranges_init(&w->ranges);
	if (ACPI_FAILURE(mmio_acpi_walk(handle, w))) {
		dev_err(dev, "cannot read the _CRS of the VMBus ACPI device\n");
		kfree(w);
		return -ENODEV;
	}
	/*
	 * Then each ancestor, nearest first, until one yields windows.  The root is the
	 * one node without a parent, so a parent whose own parent lookup fails is it.
	 */
	while (!w->ranges.count && ACPI_SUCCESS(acpi_get_parent(handle, &parent)) &&
	       ACPI_SUCCESS(acpi_get_parent(parent, &above))) {
		mmio_acpi_walk(parent, w);	/* no _CRS there: look further up */
		handle = parent;
	}

	pool->count = w->ranges.count;
	for (i = 0; i < pool->count; i++) {
		pool->res[i].name = MMIO_ACPI_NAME;
		pool->res[i].flags = IORESOURCE_MEM;
		pool->res[i].start = w->ranges.r[i].start;
		pool->res[i].end = w->ranges.r[i].end;
		if (i + 1 < pool->count)
			pool->res[i].sibling = &pool->res[i + 1];
	}
	kfree(w);

	mmio_acpi_reserve_fb(dev, pool);
	for (i = 0; i < pool->count; i++)
		dev_info(dev, "MMIO window %pR\n", &pool->res[i]);
	if (pool->fb)
		dev_info(dev, "firmware framebuffer reserved: %pR\n", pool->fb);
	if (!pool->count)
		dev_info(dev, "no MMIO windows in ACPI _CRS; MMIO allocations will fail\n");
	return 0;
}

void hvis_mmio_acpi_release(struct hvis_mmio_acpi *pool)
{
	if (pool->fb)
		__release_region(&pool->res[0], pool->fb->start, resource_size(pool->fb));
	pool->fb = NULL;
}

#endif /* CONFIG_ACPI */
