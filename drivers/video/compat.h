/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.h: hvis_video's kernel API differences, each decided by a header probe in
 * compat/Kbuild.include.  No other file of the driver tests a kernel version.
 */
#ifndef _HVIS_VIDEO_COMPAT_H
#define _HVIS_VIDEO_COMPAT_H

#include <drm/drm_fb_helper.h>

/*
 * fbdev emulation for a shmem-GEM driver: drm_fbdev_shmem_setup() from 6.11,
 * drm_fbdev_generic_setup() (drm_fb_helper.h) before.
 */
#ifdef HVIS_COMPAT_FBDEV_SHMEM
#include <drm/drm_fbdev_shmem.h>
#define hvis_fbdev_setup(dev, bpp)	drm_fbdev_shmem_setup(dev, bpp)
#else
#define hvis_fbdev_setup(dev, bpp)	drm_fbdev_generic_setup(dev, bpp)
#endif

#endif /* _HVIS_VIDEO_COMPAT_H */
