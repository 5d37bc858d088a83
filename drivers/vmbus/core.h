/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core.h: hvis_vmbus's internal objects (connection, channel, device) and the
 * functions its files call across each other.  Class drivers never see this.
 */
#ifndef _HVIS_VMBUS_CORE_H
#define _HVIS_VMBUS_CORE_H

#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvis/vmbus.h>
#include "compat.h"
#include "ring.h"
#include "transport.h"

/* The CPU that talks to the host: INITIATE_CONTACT's target (drivers/hv/hyperv_vmbus.h). */
#define HVIS_CONNECT_CPU	0

/* How long the core waits for any host response. */
#define HVIS_RESPONSE_TIMEOUT	(5 * HZ)

/* Matches any relid / key in a waiter. */
#define HVIS_ANY		0xffffffffu

/*
 * Channel states, numbered as upstream's enum vmbus_channel_state so that the sysfs
 * "state" attribute reads the same (include/linux/hyperv.h).
 */
enum hvis_chan_state {
	HVIS_CHAN_OFFER = 0,	/* being set up from the offer */
	HVIS_CHAN_OPENING = 1,	/* OPENCHANNEL sent, waiting for the result */
	HVIS_CHAN_CLOSED = 2,	/* offered and ready to open (upstream CHANNEL_OPEN_STATE) */
	HVIS_CHAN_OPENED = 3,	/* rings live */
};

struct hvis_vmbus_device;

struct hvis_channel {
	struct kobject kobj;			/* channels/<relid>; its release frees us */
	struct vmbus_channel_offer_channel offer;	/* validated copy */
	u32 relid;
	u32 conn_id;				/* event connection id to signal */
	u16 subchannel_index;
	struct hvis_vmbus_device *vdev;		/* device reference held while we live */
	struct hvis_channel *primary;		/* NULL for a primary channel */
	struct list_head sc_list;		/* primary: its subchannels, under sc_lock */
	struct mutex sc_lock;			/* after chan_mutex, before lock */
	struct list_head sc_node;
	hvis_subchannel_callback sc_callback;	/* primary: driver's subchannel callback */
	bool kobj_added;
	bool release_on_close;			/* rescinded while open: release at close */
	bool released;				/* taken out of the relid map */
	struct work_struct release_work;

	struct mutex lock;			/* open, close, retarget */
	enum hvis_chan_state state;		/* changed under lock + both spinlocks */
	bool rescinded;				/* READ_ONCE/WRITE_ONCE */
	bool broken;				/* host broke the ring rules */
	unsigned int target_cpu;

	void *ring_mem;
	size_t ring_mem_bytes;
	bool ring_mem_vmalloc;
	bool ring_kept;				/* hvis_channel_keep_ring: kept over close */
	u32 ring_kept_send;			/* its outbound data bytes */
	bool ring_sysfs;			/* channels/<relid>/ring shown; under lock */
	u32 ring_gpadl;
	struct hvis_ring out;
	struct hvis_ring in;
	spinlock_t out_lock;			/* producer side: out, out stats, state */
	spinlock_t in_lock;			/* consumer side: in, pkt_buf, state */
	u8 *pkt_buf;				/* inbound packets are copied here first */
	u32 pkt_buf_size;			/* fixed at open */
	u32 max_pkt;				/* driver's largest inbound packet; 0: ring's */

	hvis_channel_callback callback;
	void *context;
	hvis_channel_callback rescind_callback;	/* open subchannel rescinded; under lock */
	bool drain_later;			/* the driver reads outside the callback */
	bool read_direct;			/* callback without masking (hvsock) */
	struct tasklet_struct tasklet;
	/*
	 * Bytes the driver may still read in this tasklet run (U32_MAX outside one): a
	 * host that refills the ring as fast as the driver reads it must not keep the
	 * CPU in softirq for good.  Past it, receives find the ring empty and the tasklet
	 * runs again later, as softirq work the scheduler can defer to ksoftirqd.
	 */
	u32 run_budget;
	u64 budget_yields;			/* runs that stopped at run_budget */

	struct hvis_ring_stats out_stats;	/* signals = intr_out_empty */
	struct hvis_ring_stats in_stats;	/* signals = intr_in_full */
	u64 events;				/* guest -> host doorbells (signal-event) */
	u64 monitor_triggers;			/* guest -> host signals by monitor bit */
	bool monitored;				/* signal through the monitor page */
	u8 monitor_grp;				/* its trigger group and bit there */
	u8 monitor_bit;
	u64 interrupts;				/* host -> guest events */
	u64 out_full_first;
	u64 in_dropped;
	bool out_full;
	bool signal_owed;			/* a no-signal send skipped one; out_lock */

	struct dentry *debugfs_dir;
};

/* The core's wrapper around the class drivers' struct hvis_device. */
struct hvis_vmbus_device {
	struct hvis_device hdev;
	const char *driver_override;
	struct kobject *channels_kobj;
};

#define to_hvis_vmbus_device(d) container_of(d, struct hvis_vmbus_device, hdev)

/* A guest request waiting for the host's response. */
struct hvis_waiter {
	struct list_head node;
	u32 resp_type;		/* CHANNELMSG_* answer expected */
	u32 relid;		/* match, or HVIS_ANY */
	u32 key;		/* openid / gpadl to match, or HVIS_ANY */
	u32 chan_relid;		/* channel whose rescind cancels us, or HVIS_ANY */
	struct completion done;
	int status;		/* 0, or -ENODEV when cancelled by a rescind */
	u32 resp_len;
	u8 resp[HV_MESSAGE_PAYLOAD_BYTES];
};

struct hvis_vmbus_conn {
	struct mutex attach_lock;		/* attach, detach */
	const struct hvis_transport_ops *ops;	/* NULL when detached; READ_ONCE */
	void *priv;
	struct device *parent;
	u32 version;
	u32 msg_conn_id;
	bool connected;
	void *int_page;
	void *monitor_pages[2];
	struct tasklet_struct *msg_tasklets;	/* one per possible CPU */
	unsigned int nr_msg_tasklets;

	struct hvis_channel __rcu *channels[VMBUS_MAX_CHANNEL_RELIDS];
	struct mutex chan_mutex;		/* offers, rescinds, the relid map */
	struct list_head waiters;
	spinlock_t waiters_lock;		/* the waiters list */
	struct workqueue_struct *wq;		/* ordered: offers and rescinds */
	/*
	 * Ordered: subchannel offers.  A driver's probe runs on wq (device_add from a
	 * primary's offer) and may wait for the subchannels it asked for, as netvsc's
	 * does; upstream registers devices on a workqueue of their own for the same
	 * reason (drivers/hv/channel_mgmt.c handle_primary_chan_wq, handle_sub_chan_wq).
	 */
	struct workqueue_struct *sub_wq;
	atomic_t next_gpadl;
	atomic_t next_perf_cpu;
};

extern struct hvis_vmbus_conn hvis_conn;

/* connection.c */
int hvis_connection_init(void);
void hvis_connection_uninit(void);
int hvis_connection_post(const void *msg, u32 len);
void hvis_connection_waiter_init(struct hvis_waiter *w, u32 resp_type, u32 relid, u32 key,
				 u32 chan_relid);
void hvis_connection_waiter_add(struct hvis_waiter *w);
int hvis_connection_waiter_wait(struct hvis_waiter *w, unsigned long timeout);
bool hvis_connection_waiter_complete(u32 resp_type, u32 relid, u32 key, const void *msg,
				     u32 len);
void hvis_connection_waiters_cancel(u32 chan_relid);
bool hvis_connection_cpu_ok(unsigned int cpu);

/* crash.c: the panic path's UNLOAD and the panic log (kmsg dumper) */
void hvis_crash_init(void);
void hvis_crash_uninit(void);
void hvis_crash_attach(const struct hvis_transport_ops *ops);
void hvis_crash_detach(void);

/* msg_dispatch.c */
int hvis_msg_dispatch_start(unsigned int nr_cpus);
/*
 * Takes the message in @cpu's SINT 2 slot into @copy: frees the slot and signals EOM
 * when the host has another pending.  False if the slot is empty.  Any context.
 */
bool hvis_msg_take(const struct hvis_transport_ops *ops, unsigned int cpu,
		   struct hv_message *copy);
void hvis_msg_dispatch_stop(void);

/* channel_mgmt.c */
void hvis_channel_mgmt_offer(const struct vmbus_channel_offer_channel *msg);
void hvis_channel_mgmt_rescind_now(u32 relid);
void hvis_channel_mgmt_rescind(u32 relid);
void hvis_channel_mgmt_remove_all(void);
/* Waits for the offers and rescinds queued so far, subchannel offers included. */
void hvis_connection_flush(void);
int hvis_channel_mgmt_retarget(struct hvis_channel *ch, unsigned int cpu);
/* The channel (primary or subchannel) with this relid, or NULL; chan_mutex held. */
struct hvis_channel *hvis_channel_mgmt_get(u32 relid);

/* cpu_hotplug.c: channels leave a CPU that goes offline (while attached). */
int hvis_cpu_hotplug_start(void);
void hvis_cpu_hotplug_stop(void);

/* gpadl.c */
int hvis_gpadl_create(struct hvis_channel *ch, void *buf, u32 size, u32 *gpadl);
int hvis_gpadl_teardown(struct hvis_channel *ch, u32 gpadl);

/* channel.c */
void hvis_channel_init(struct hvis_channel *ch);
void hvis_channel_force_close(struct hvis_channel *ch);
bool hvis_channel_is_open(struct hvis_channel *ch);
void hvis_channel_signal_host(struct hvis_channel *ch);

/* channel_uio.c */
void hvis_channel_uio_reset(struct hvis_channel *ch);
int hvis_channel_ring_mmap(struct hvis_channel *ch, struct vm_area_struct *vma);
size_t hvis_channel_ring_sysfs_size(struct hvis_channel *ch);
bool hvis_channel_ring_sysfs_visible(struct hvis_channel *ch);

/* hvsock.c */
void hvis_hvsock_tl_result(const struct vmbus_channel_tl_connect_result *msg);

/* bus.c */
extern HVIS_BUS_TYPE hvis_bus_type;
int hvis_bus_init(void);
void hvis_bus_uninit(void);

/* sysfs.c */
extern const struct attribute_group *hvis_sysfs_dev_groups[];
extern const struct kobj_type hvis_sysfs_channel_ktype;
int hvis_sysfs_device_add(struct hvis_vmbus_device *vdev);
void hvis_sysfs_device_del(struct hvis_vmbus_device *vdev);
int hvis_sysfs_channel_add(struct hvis_channel *ch);
void hvis_sysfs_channel_del(struct hvis_channel *ch);
int hvis_sysfs_channel_update(struct hvis_channel *ch);

/* debugfs.c */
void hvis_debugfs_init(void);
void hvis_debugfs_uninit(void);
void hvis_debugfs_channel_add(struct hvis_channel *ch);
void hvis_debugfs_channel_del(struct hvis_channel *ch);

#endif /* _HVIS_VMBUS_CORE_H */
