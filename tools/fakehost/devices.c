// SPDX-License-Identifier: GPL-2.0-only
/*
 * devices.c: the table of device backends, by class name, and the fixed instance
 * GUIDs Hyper-V offers some of them with (include/hvis/vmbus_proto.h).
 */
#include "device.h"

static const struct host_device_ops *const all_devices[] = {
	&dev_heartbeat_ops,
	&dev_shutdown_ops,
	&dev_timesync_ops,
	&dev_kvp_ops,
	&dev_vss_ops,
	&dev_fcopy_ops,
	&dev_echo_ops,
	&dev_dm_ops,
	&dev_nic_ops,
	&dev_scsi_ops,
	&dev_ide_ops,
	&dev_fc_ops,
	&dev_kbd_ops,
	&dev_mouse_ops,
	&dev_video_ops,
};

const struct host_device_ops *device_ops_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_devices); i++)
		if (!strcmp(all_devices[i]->name, name))
			return all_devices[i];
	return NULL;
}

const char *device_class_names(void)
{
	return "heartbeat,shutdown,timesync,kvp,vss,fcopy,echo,dm,nic,scsi,ide,fc,kbd,mouse,video";
}

/* The classes Hyper-V offers with a fixed instance GUID, and that GUID. */
static const struct {
	const struct host_device_ops *ops;
	struct hvis_guid instance;
} fixed_instances[] = {
	{ &dev_heartbeat_ops, HV_HEARTBEAT_INSTANCE },
	{ &dev_shutdown_ops, HV_SHUTDOWN_INSTANCE },
	{ &dev_timesync_ops, HV_TS_INSTANCE },
	{ &dev_kvp_ops, HV_KVP_INSTANCE },
	{ &dev_vss_ops, HV_VSS_INSTANCE },
	{ &dev_fcopy_ops, HV_FCOPY_INSTANCE },
};

const struct hvis_guid *device_fixed_instance(const struct host_device_ops *ops)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fixed_instances); i++)
		if (fixed_instances[i].ops == ops)
			return &fixed_instances[i].instance;
	return NULL;
}
