// SPDX-License-Identifier: GPL-2.0-only
/*
 * modeset.c: hvis_video's DRM side: one simple display pipe (XRGB8888, linear) with a
 * shadow-buffered plane, a virtual connector whose modes come from the host's
 * resolution list, and the blit of damaged rectangles into the VRAM followed by a DIRT
 * message.  Enabling the pipe hides the host's pointer and sends a situation update
 * with the mode and pitch, as drivers/gpu/drm/hyperv/hyperv_drm_modeset.c does.
 */
#include <linux/iosys-map.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_format_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_modes.h>
#include <drm/drm_probe_helper.h>
#include "video.h"

static void video_blit(struct hvis_video *hv, struct drm_framebuffer *fb,
		       const struct iosys_map *src, struct drm_rect *rect)
{
	struct iosys_map dst = IOSYS_MAP_INIT_VADDR(hv->vram);
	int idx;

	if (!drm_dev_enter(&hv->drm, &idx))
		return;
	iosys_map_incr(&dst, drm_fb_clip_offset(fb->pitches[0], fb->format, rect));
	drm_fb_memcpy(&dst, fb->pitches, src, fb, rect);
	drm_dev_exit(idx);
}

/* The host's resolutions, and the preferred one marked. */
static int video_get_modes(struct drm_connector *connector)
{
	struct hvis_video *hv = to_hvis_video(connector->dev);
	struct drm_display_mode *mode;
	unsigned int i;
	int count = 0;

	for (i = 0; i < hv->nmodes; i++) {
		mode = drm_cvt_mode(connector->dev, hv->modes[i].width, hv->modes[i].height, 60,
				    false, false, false);
		if (!mode)
			continue;
		if (hv->modes[i].width == hv->preferred_w &&
		    hv->modes[i].height == hv->preferred_h)
			mode->type |= DRM_MODE_TYPE_PREFERRED;
		drm_mode_probed_add(connector, mode);
		count++;
	}
	return count;
}

static const struct drm_connector_helper_funcs video_connector_helper_funcs = {
	.get_modes = video_get_modes,
};

static const struct drm_connector_funcs video_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

static void video_pipe_enable(struct drm_simple_display_pipe *pipe,
			      struct drm_crtc_state *crtc_state,
			      struct drm_plane_state *plane_state)
{
	struct hvis_video *hv = to_hvis_video(pipe->crtc.dev);
	struct drm_shadow_plane_state *shadow = to_drm_shadow_plane_state(plane_state);
	struct drm_framebuffer *fb = plane_state->fb;
	struct drm_rect all = DRM_RECT_INIT(0, 0, fb->width, fb->height);

	hvis_video_hide_pointer(hv);
	hvis_video_situation(hv, true, crtc_state->mode.hdisplay, crtc_state->mode.vdisplay,
			     fb->pitches[0]);
	video_blit(hv, fb, &shadow->data[0], &all);
	hvis_video_dirt(hv, &all);
}

static void video_pipe_disable(struct drm_simple_display_pipe *pipe)
{
	struct hvis_video *hv = to_hvis_video(pipe->crtc.dev);

	hvis_video_situation(hv, false, 0, 0, 0);
}

static int video_pipe_check(struct drm_simple_display_pipe *pipe,
			    struct drm_plane_state *plane_state,
			    struct drm_crtc_state *crtc_state)
{
	struct hvis_video *hv = to_hvis_video(pipe->crtc.dev);
	struct drm_framebuffer *fb = plane_state->fb;

	if (!fb)
		return 0;
	if (fb->format->format != DRM_FORMAT_XRGB8888)
		return -EINVAL;
	if ((u64)fb->pitches[0] * fb->height > hv->fb_size)
		return -EINVAL;
	return 0;
}

static void video_pipe_update(struct drm_simple_display_pipe *pipe,
			      struct drm_plane_state *old_state)
{
	struct hvis_video *hv = to_hvis_video(pipe->crtc.dev);
	struct drm_plane_state *state = pipe->plane.state;
	struct drm_shadow_plane_state *shadow = to_drm_shadow_plane_state(state);
	struct drm_rect rect;

	if (!state->fb || !state->visible)
		return;
	if (drm_atomic_helper_damage_merged(old_state, state, &rect)) {
		video_blit(hv, state->fb, &shadow->data[0], &rect);
		hvis_video_dirt(hv, &rect);
	}
}

static const struct drm_simple_display_pipe_funcs video_pipe_funcs = {
	.enable = video_pipe_enable,
	.disable = video_pipe_disable,
	.check = video_pipe_check,
	.update = video_pipe_update,
	DRM_GEM_SIMPLE_DISPLAY_PIPE_SHADOW_PLANE_FUNCS,
};

static const u32 video_formats[] = { DRM_FORMAT_XRGB8888 };
static const u64 video_modifiers[] = { DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_INVALID };

/* A mode fits when its lines of 4-byte pixels fit the VRAM. */
static enum drm_mode_status video_mode_valid(struct drm_device *dev,
					     const struct drm_display_mode *mode)
{
	struct hvis_video *hv = to_hvis_video(dev);

	if ((u64)mode->hdisplay * 4 * mode->vdisplay > hv->fb_size)
		return MODE_MEM;
	return MODE_OK;
}

static const struct drm_mode_config_funcs video_mode_config_funcs = {
	.fb_create = drm_gem_fb_create_with_dirty,
	.mode_valid = video_mode_valid,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

int hvis_video_modeset_init(struct hvis_video *hv)
{
	struct drm_device *dev = &hv->drm;
	int ret;

	ret = drmm_mode_config_init(dev);
	if (ret)
		return ret;
	dev->mode_config.min_width = 0;
	dev->mode_config.min_height = 0;
	dev->mode_config.max_width = hv->width_max;
	dev->mode_config.max_height = hv->height_max;
	dev->mode_config.preferred_depth = SYNTHVID_DEPTH_WIN8 - 8;
	dev->mode_config.funcs = &video_mode_config_funcs;

	drm_connector_helper_add(&hv->connector, &video_connector_helper_funcs);
	ret = drm_connector_init(dev, &hv->connector, &video_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	ret = drm_simple_display_pipe_init(dev, &hv->pipe, &video_pipe_funcs, video_formats,
					   ARRAY_SIZE(video_formats), video_modifiers,
					   &hv->connector);
	if (ret)
		return ret;
	drm_plane_enable_fb_damage_clips(&hv->pipe.plane);
	drm_mode_config_reset(dev);
	return 0;
}
