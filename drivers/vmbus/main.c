// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: module init and exit of hvis_vmbus.  Brings the pieces up in order (the
 * connection state, debugfs, the bus, then the Hyper-V transport, which attaches to
 * the bus core when its device shows up) and takes them down in reverse.  The
 * fake-host transport is a module of its own (hvis_vmbus_fakehost, loaded only on
 * request: docs/fakehost-link.md).
 */
#include <linux/module.h>
#include "core.h"

static int __init hvis_vmbus_init(void)
{
	int ret;

	ret = hvis_connection_init();
	if (ret)
		return ret;
	hvis_debugfs_init();
	ret = hvis_bus_init();
	if (ret)
		goto err_uninit_debugfs;
	hvis_crash_init();
	ret = hvis_transport_hyperv_init();
	if (ret)
		goto err_uninit_crash;
	return 0;

err_uninit_crash:
	hvis_crash_uninit();
	hvis_bus_uninit();
err_uninit_debugfs:
	hvis_debugfs_uninit();
	hvis_connection_uninit();
	return ret;
}

static void __exit hvis_vmbus_exit(void)
{
	hvis_transport_hyperv_uninit();
	hvis_crash_uninit();
	hvis_bus_uninit();
	hvis_debugfs_uninit();
	hvis_connection_uninit();
}

module_init(hvis_vmbus_init);
module_exit(hvis_vmbus_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvis VMBus bus core with the Hyper-V transport");
