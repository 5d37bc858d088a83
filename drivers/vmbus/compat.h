/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.h: the few kernel API differences between the kernels hvis_vmbus builds for
 * (6.1 .. 6.12).  Nothing else in drivers/vmbus tests LINUX_VERSION_CODE.
 */
#ifndef _HVIS_VMBUS_COMPAT_H
#define _HVIS_VMBUS_COMPAT_H

#include <linux/version.h>

/* bus_type.uevent takes a const struct device since 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define HVIS_UEVENT_CONST const
#else
#define HVIS_UEVENT_CONST
#endif

/* bus_type.match takes a const struct device_driver since 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define HVIS_MATCH_DRV_CONST const
#else
#define HVIS_MATCH_DRV_CONST
#endif

/* platform_driver.remove returns void since 6.11; before, the void one is .remove_new. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define HVIS_PLATFORM_REMOVE remove
#else
#define HVIS_PLATFORM_REMOVE remove_new
#endif

#endif /* _HVIS_VMBUS_COMPAT_H */
