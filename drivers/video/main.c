// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: hvis_video, the Hyper-V synthetic video device (HV_SYNTHVID_GUID) as a DRM
 * driver with fbdev console emulation.  Probe: open the channel and negotiate
 * (proto.c), remove firmware framebuffers, take the VRAM from the bus's MMIO space
 * (hvis_vmbus_allocate_mmio: the VMBus ACPI ranges on Hyper-V, the link's VRAM on the
 * fake host), tell the host where it is, then register the DRM device (modeset.c) and
 * its fbdev.  The sequence is drivers/gpu/drm/hyperv/hyperv_drm_drv.c's.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <drm/drm_aperture.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include "compat.h"
#include "video.h"

#define DRIVER_NAME	"hvis_video"

DEFINE_DRM_GEM_FOPS(hvis_video_fops);

static const struct drm_driver hvis_video_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC,
	.name = DRIVER_NAME,
	.desc = "hvis Hyper-V synthetic video",
	.date = "20261205",
	.major = 1,
	.minor = 0,
	.fops = &hvis_video_fops,
	DRM_GEM_SHMEM_DRIVER_OPS,
};

/* The VRAM: the offer's mmio_megabytes (8 MiB if it names none), 1 MiB aligned. */
static int video_setup_vram(struct hvis_video *hv)
{
	u32 mb = hvis_channel_mmio_megabytes(hv->ch);
	int ret;

	hv->fb_size = (size_t)(mb ? mb : SYNTHVID_FB_SIZE_WIN8 >> 20) << 20;
	ret = hvis_vmbus_allocate_mmio(&hv->mem, hv->hdev, 0, (resource_size_t)-1, hv->fb_size,
				       SYNTHVID_VRAM_ALIGN);
	if (ret) {
		dev_err(&hv->hdev->dev, "no MMIO space for %zu bytes of VRAM: %d\n", hv->fb_size,
			ret);
		return ret;
	}
	/* Cached, as the host maps it (hyperv_drm_drv.c hyperv_setup_vram). */
	hv->vram = memremap(hv->mem->start, hv->fb_size, MEMREMAP_WB);
	if (!hv->vram) {
		ret = -ENOMEM;
		goto err_free;
	}
	hv->vram_gpa = hv->mem->start;
	ret = hvis_video_set_vram(hv, hv->vram_gpa);
	if (ret)
		goto err_unmap;
	return 0;

err_unmap:
	memunmap(hv->vram);
err_free:
	hvis_vmbus_free_mmio(hv->mem->start, hv->fb_size);
	return ret;
}

static void video_free_vram(struct hvis_video *hv)
{
	memunmap(hv->vram);
	hvis_vmbus_free_mmio(hv->vram_gpa, hv->fb_size);
}

static int video_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct hvis_video *hv;
	int ret;

	if (drm_firmware_drivers_only())
		return -ENODEV;
	hv = devm_drm_dev_alloc(&hdev->dev, &hvis_video_driver, struct hvis_video, drm);
	if (IS_ERR(hv))
		return PTR_ERR(hv);
	hv->hdev = hdev;
	hv->ch = hdev->channel;
	hvis_set_drvdata(hdev, hv);
	ret = hvis_video_connect(hv);
	if (ret)
		return ret;
	ret = drm_aperture_remove_framebuffers(&hvis_video_driver);
	if (ret)
		goto err_disconnect;
	ret = video_setup_vram(hv);
	if (ret)
		goto err_disconnect;
	ret = hvis_video_modeset_init(hv);
	if (ret)
		goto err_vram;
	ret = drm_dev_register(&hv->drm, 0);
	if (ret)
		goto err_vram;
	hvis_fbdev_setup(&hv->drm, SYNTHVID_DEPTH_WIN8);
	dev_info(&hdev->dev, "%u mode(s) up to %ux%u, %ux%u preferred, %zu MiB VRAM at %#llx\n",
		 hv->nmodes, hv->width_max, hv->height_max, hv->preferred_w, hv->preferred_h,
		 hv->fb_size >> 20, hv->vram_gpa);
	return 0;

err_vram:
	video_free_vram(hv);
err_disconnect:
	hvis_video_disconnect(hv);
	return ret;
}

static void video_remove(struct hvis_device *hdev)
{
	struct hvis_video *hv = hvis_get_drvdata(hdev);

	drm_dev_unplug(&hv->drm);
	drm_atomic_helper_shutdown(&hv->drm);
	hvis_video_disconnect(hv);
	video_free_vram(hv);
}

static void video_shutdown(struct hvis_device *hdev)
{
	struct hvis_video *hv = hvis_get_drvdata(hdev);

	drm_atomic_helper_shutdown(&hv->drm);
}

static const struct hvis_device_id video_ids[] = {
	{ .guid = HV_SYNTHVID_GUID },
	{ }
};

/* udev loads us by the class GUID in wire byte order, as drivers/ic. */
MODULE_ALIAS("vmbus:02780ada77e3ac4a8e770558eb1073f8");

static struct hvis_driver video_driver = {
	.name = DRIVER_NAME,
	.id_table = video_ids,
	.probe = video_probe,
	.remove = video_remove,
	.shutdown = video_shutdown,
};
module_hvis_driver(video_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvis Hyper-V synthetic video (DRM, fbdev console)");
