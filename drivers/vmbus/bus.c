// SPDX-License-Identifier: GPL-2.0-only
/*
 * bus.c: the "vmbus" bus type: matching drivers to devices by class GUID (the
 * driver's table, the GUIDs given to its new_id file, or driver_override),
 * probe/remove/shutdown, the MODALIAS uevent, and driver registration for class
 * drivers.
 *
 * MODALIAS is "vmbus:" and the 16 class GUID bytes in wire order as 32 hex digits,
 * as drivers/hv/vmbus_drv.c writes it, so upstream-style aliases match.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "compat.h"
#include "core.h"

/* What probe gets when driver_override bound a driver whose table lacks the class. */
static const struct hvis_device_id null_id;

static const struct hvis_device_id *match_id(const struct hvis_device_id *id,
					     const guid_t *class)
{
	if (!id)
		return NULL;
	for (; !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, class))
			return id;
	return NULL;
}

/*
 * Dynamic ids: a class GUID written to /sys/bus/vmbus/drivers/<name>/new_id binds that
 * class to the driver, remove_id forgets it (drivers/hv/vmbus_drv.c new_id_store,
 * remove_id_store: a GUID in the text form guid_parse takes; -EEXIST for one already
 * added, -ENODEV for removing one that is not).
 */
struct hvis_dynid {
	struct list_head node;
	struct hvis_device_id id;
};

static const struct hvis_device_id *match_dynid(struct hvis_driver *drv, const guid_t *class)
{
	const struct hvis_device_id *id = NULL;
	struct hvis_dynid *d;

	spin_lock(&drv->dynids_lock);
	list_for_each_entry(d, &drv->dynids, node) {
		if (guid_equal(&d->id.guid, class)) {
			id = &d->id;
			break;
		}
	}
	spin_unlock(&drv->dynids_lock);
	return id;
}

static ssize_t new_id_store(struct device_driver *driver, const char *buf, size_t count)
{
	struct hvis_driver *drv = to_hvis_driver(driver);
	struct hvis_dynid *d, *new;
	guid_t guid;
	int ret;

	ret = guid_parse(buf, &guid);
	if (ret)
		return ret;
	if (guid_is_null(&guid))
		return -EINVAL;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->id.guid = guid;
	spin_lock(&drv->dynids_lock);
	list_for_each_entry(d, &drv->dynids, node) {
		if (guid_equal(&d->id.guid, &guid)) {
			spin_unlock(&drv->dynids_lock);
			kfree(new);
			return -EEXIST;
		}
	}
	list_add_tail(&new->node, &drv->dynids);
	spin_unlock(&drv->dynids_lock);
	/* Binds the devices of that class that have no driver yet. */
	ret = driver_attach(driver);
	return ret ? ret : count;
}
static DRIVER_ATTR_WO(new_id);

static ssize_t remove_id_store(struct device_driver *driver, const char *buf, size_t count)
{
	struct hvis_driver *drv = to_hvis_driver(driver);
	struct hvis_dynid *d, *n;
	ssize_t ret = -ENODEV;
	guid_t guid;

	if (guid_parse(buf, &guid))
		return -EINVAL;
	spin_lock(&drv->dynids_lock);
	list_for_each_entry_safe(d, n, &drv->dynids, node) {
		if (guid_equal(&d->id.guid, &guid)) {
			list_del(&d->node);
			kfree(d);
			ret = count;
			break;
		}
	}
	spin_unlock(&drv->dynids_lock);
	return ret;
}
static DRIVER_ATTR_WO(remove_id);

static struct attribute *hvis_drv_attrs[] = {
	&driver_attr_new_id.attr,
	&driver_attr_remove_id.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvis_drv);

static void free_dynids(struct hvis_driver *drv)
{
	struct hvis_dynid *d, *n;

	spin_lock(&drv->dynids_lock);
	list_for_each_entry_safe(d, n, &drv->dynids, node) {
		list_del(&d->node);
		kfree(d);
	}
	spin_unlock(&drv->dynids_lock);
}

/* A Hyper-V socket's offer (drivers/hv/vmbus_drv.c is_hvsock_channel). */
static bool is_hvsock(const struct hvis_vmbus_device *vdev)
{
	return vdev->hdev.channel->offer.offer.chn_flags & VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER;
}

static const struct hvis_device_id *device_id_for(struct hvis_vmbus_device *vdev,
						  const struct hvis_driver *drv)
{
	const struct hvis_device_id *id;

	/* Its class is a service id: only the hvsock driver takes it, whatever it is. */
	if (is_hvsock(vdev))
		return drv->hvsock ? &null_id : NULL;
	if (drv->hvsock)
		return NULL;
	if (vdev->driver_override && strcmp(vdev->driver_override, drv->name))
		return NULL;
	/* new_id's class GUIDs first, then the driver's table (vmbus_drv.c hv_vmbus_get_id). */
	id = match_dynid((struct hvis_driver *)drv, &vdev->hdev.class_id);
	if (!id)
		id = match_id(drv->id_table, &vdev->hdev.class_id);
	if (!id && vdev->driver_override)
		id = &null_id;
	return id;
}

static int hvis_bus_match(struct device *dev, HVIS_MATCH_DRV_CONST struct device_driver *drv)
{
	struct hvis_vmbus_device *vdev = to_hvis_vmbus_device(to_hvis_device(dev));

	return !!device_id_for(vdev, to_hvis_driver(drv));
}

static int hvis_bus_uevent(HVIS_UEVENT_CONST struct device *dev, struct kobj_uevent_env *env)
{
	const struct hvis_device *hdev = container_of(dev, struct hvis_device, dev);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN", (int)sizeof(hdev->class_id),
			      &hdev->class_id);
}

static int hvis_bus_probe(struct device *dev)
{
	struct hvis_vmbus_device *vdev = to_hvis_vmbus_device(to_hvis_device(dev));
	struct hvis_driver *drv = to_hvis_driver(dev->driver);
	const struct hvis_device_id *id = device_id_for(vdev, drv);

	if (!id || !drv->probe)
		return -ENODEV;
	return drv->probe(&vdev->hdev, id);
}

static void hvis_bus_remove(struct device *dev)
{
	struct hvis_vmbus_device *vdev = to_hvis_vmbus_device(to_hvis_device(dev));
	struct hvis_driver *drv = to_hvis_driver(dev->driver);
	struct hvis_channel *pri = vdev->hdev.channel, *sc;

	if (drv->remove)
		drv->remove(&vdev->hdev);
	/* The next driver must find the channels closed (virtio_dev_remove does alike). */
	mutex_lock(&pri->sc_lock);
	list_for_each_entry(sc, &pri->sc_list, sc_node) {
		hvis_channel_force_close(sc);
		hvis_channel_uio_reset(sc);
	}
	mutex_unlock(&pri->sc_lock);
	hvis_channel_force_close(pri);
	hvis_channel_uio_reset(pri);
	hvis_channel_set_subchannel_callback(pri, NULL);
}

static void hvis_bus_shutdown(struct device *dev)
{
	struct hvis_driver *drv;

	if (!dev->driver)
		return;
	drv = to_hvis_driver(dev->driver);
	if (drv->shutdown)
		drv->shutdown(to_hvis_device(dev));
}

HVIS_BUS_TYPE hvis_bus_type = {
	.name = "vmbus",
	.match = hvis_bus_match,
	.uevent = hvis_bus_uevent,
	.probe = hvis_bus_probe,
	.remove = hvis_bus_remove,
	.shutdown = hvis_bus_shutdown,
	.dev_groups = hvis_sysfs_dev_groups,
	.drv_groups = hvis_drv_groups,
};

int __hvis_driver_register(struct hvis_driver *drv, struct module *owner, const char *mod_name)
{
	if (!drv->name)
		return -EINVAL;
	drv->driver.name = drv->name;
	drv->driver.bus = &hvis_bus_type;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	INIT_LIST_HEAD(&drv->dynids);
	spin_lock_init(&drv->dynids_lock);
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvis_driver_register);

void hvis_driver_unregister(struct hvis_driver *drv)
{
	driver_unregister(&drv->driver);
	free_dynids(drv);
}
EXPORT_SYMBOL_GPL(hvis_driver_unregister);

/* True when the in-tree hv_vmbus is loaded: it owns the "vmbus" bus. */
static bool hv_vmbus_loaded(void)
{
	void *sym = __symbol_get("__vmbus_driver_register");

	if (!sym)
		return false;
	__symbol_put("__vmbus_driver_register");
	return true;
}

int hvis_bus_init(void)
{
	int ret;

	if (hv_vmbus_loaded())
		ret = -EEXIST;
	else
		ret = bus_register(&hvis_bus_type);
	if (ret == -EEXIST)
		pr_err("the in-tree hv_vmbus owns the vmbus bus: blacklist hv_vmbus to use hvis\n");
	return ret;
}

void hvis_bus_uninit(void)
{
	bus_unregister(&hvis_bus_type);
}
