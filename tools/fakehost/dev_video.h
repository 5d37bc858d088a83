/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_video.h: the synthetic video backend's control commands (`ctl screen`,
 * `ctl screenshot FILE.png`) and the PNG writer they use.
 */
#ifndef _FH_DEV_VIDEO_H
#define _FH_DEV_VIDEO_H

#include <stdio.h>
#include "vmbus_host.h"

int dev_video_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		  size_t errlen);

/*
 * video_png.c: writes w x h pixels of XRGB8888 (little-endian: B, G, R, X bytes), rows
 * pitch bytes apart, as an 8-bit RGB PNG.  0 or -errno.
 */
int video_write_png(const char *path, const u8 *pixels, u32 w, u32 h, u32 pitch);

#endif /* _FH_DEV_VIDEO_H */
