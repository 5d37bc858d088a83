/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * device.h: the contract between the VMBus host state machine and a device backend
 * (echo, heartbeat, shutdown, ...): one small vtable per device class.
 */
#ifndef _FH_DEVICE_H
#define _FH_DEVICE_H

#include "hvis/vmbus_proto.h"

struct host_channel;
struct host_device;

/*
 * struct host_device_ops - what a device class does on the host side
 * @name:	short class name, used on the command line and in events ("echo")
 * @class_id:	the offer's if_type
 * @create:	(optional) allocate dev->priv when the device is configured
 * @destroy:	(optional) free it when the device is removed
 * @fill_offer:	(optional) set class-specific offer fields (flags, user_def)
 * @open:	the guest opened a channel of the device; its rings are mapped.  A
 *		non-zero return fails the open (OPENCHANNEL_RESULT carries an error).
 * @packets:	the guest signalled the channel: drain the inbound ring, retry
 *		blocked sends
 * @close:	the channel closed (guest close, rescind or reset); rings go away after
 * @tick:	(optional) called about every heartbeat period for each open channel
 * @status:	(optional) one line of class-specific state for `ctl status`
 * @pump:	(optional) sends one message the host may send at any time and the guest
 *		handles without a change a user would see (pump.c, the hostile campaign);
 *		0, or non-zero when it cannot now (not ready, an answer awaited, ring full)
 * @subchannels_on_request: subchannels are not offered when the primary opens; the
 *		backend offers them when the guest asks (host_offer_subchannels_n), and
 *		they are rescinded when the guest closes the primary, as Hyper-V does for
 *		storvsc's CREATE_SUB_CHANNELS
 * @transient:	the device stands for one connection (hvsock): when the guest's VMBus
 *		starts over (host_reset) it is removed, not offered again
 * @monitored:	its channels are offered with a monitor id by default, as Hyper-V
 *		offers storage and network channels (vmbus_monitor.c)
 */
struct host_device_ops {
	const char *name;
	struct hvis_guid class_id;
	int (*create)(struct host_device *dev);
	void (*destroy)(struct host_device *dev);
	void (*fill_offer)(struct host_device *dev, struct vmbus_channel_offer *offer);
	int (*open)(struct host_channel *ch);
	void (*packets)(struct host_channel *ch);
	void (*close)(struct host_channel *ch);
	void (*tick)(struct host_channel *ch, u64 now_ms);
	void (*status)(struct host_device *dev, char *buf, size_t len);
	int (*pump)(struct host_channel *ch);
	bool subchannels_on_request;
	bool transient;
	bool monitored;
};

/* The backends (dev_*.c). */
extern const struct host_device_ops dev_echo_ops;
extern const struct host_device_ops dev_heartbeat_ops;
extern const struct host_device_ops dev_shutdown_ops;
extern const struct host_device_ops dev_dm_ops;
extern const struct host_device_ops dev_timesync_ops;
extern const struct host_device_ops dev_kvp_ops;
extern const struct host_device_ops dev_vss_ops;
extern const struct host_device_ops dev_fcopy_ops;
extern const struct host_device_ops dev_nic_ops;
extern const struct host_device_ops dev_scsi_ops;
extern const struct host_device_ops dev_ide_ops;
extern const struct host_device_ops dev_fc_ops;
extern const struct host_device_ops dev_kbd_ops;
extern const struct host_device_ops dev_mouse_ops;
extern const struct host_device_ops dev_video_ops;
extern const struct host_device_ops dev_hvsock_ops;

/* Looks a class up by name; NULL if unknown. */
const struct host_device_ops *device_ops_by_name(const char *name);

/* Names of all classes, comma separated, for usage messages. */
const char *device_class_names(void);

/* The instance GUID Hyper-V always offers this class with, or NULL if it has none. */
const struct hvis_guid *device_fixed_instance(const struct host_device_ops *ops);

#endif /* _FH_DEVICE_H */
