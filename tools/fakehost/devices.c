// SPDX-License-Identifier: GPL-2.0-only
/*
 * devices.c: the table of device backends, by class name.
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
	return "heartbeat,shutdown,timesync,kvp,vss,fcopy,echo,dm,nic";
}
