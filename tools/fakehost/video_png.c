// SPDX-License-Identifier: GPL-2.0-only
/*
 * video_png.c: the screenshot writer of `ctl screenshot` (dev_video.c), through
 * libpng: XRGB8888 framebuffer rows to an 8-bit RGB PNG.
 */
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <unistd.h>
#include "dev_video.h"

int video_write_png(const char *path, const u8 *pixels, u32 w, u32 h, u32 pitch)
{
	png_structp png = NULL;
	png_infop info = NULL;
	u8 *volatile row = NULL;
	volatile int ret = -EIO;
	FILE *f;
	u32 x, y;

	f = fopen(path, "wb");
	if (!f)
		return -errno;
	row = malloc((size_t)w * 3);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png)
		info = png_create_info_struct(png);
	if (!row || !png || !info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, f);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		const u8 *src = pixels + (size_t)y * pitch;

		for (x = 0; x < w; x++) {
			row[x * 3] = src[x * 4 + 2];
			row[x * 3 + 1] = src[x * 4 + 1];
			row[x * 3 + 2] = src[x * 4];
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	ret = 0;
out:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	free(row);
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		unlink(path);
	return ret;
}
