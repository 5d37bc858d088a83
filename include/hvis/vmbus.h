/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmbus.h: the API that hvis class drivers (ICs, balloon, storvsc, netvsc, hvsock)
 * use to bind to VMBus devices and talk over their channels.  Implemented by
 * hvis_vmbus.ko (drivers/vmbus); class drivers include nothing else from it.
 */
#ifndef _HVIS_VMBUS_H
#define _HVIS_VMBUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>
#include "vmbus_proto.h"
#include "ring_proto.h"

struct hvis_channel;

/* Match entry: a class GUID (as guid_t, i.e. wire byte order). */
struct hvis_device_id {
	guid_t guid;
	unsigned long driver_data;
};

struct hvis_device {
	struct device dev;
	guid_t class_id;		/* offer if_type */
	guid_t instance_id;		/* offer if_instance; the sysfs name */
	struct hvis_channel *channel;	/* primary channel */
};

#define to_hvis_device(d) container_of(d, struct hvis_device, dev)

struct hvis_driver {
	const char *name;
	const struct hvis_device_id *id_table;
	/*
	 * Hyper-V sockets: the driver takes every offer with
	 * VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER, whatever its class (a service id), and no
	 * other driver takes those (drivers/hv/vmbus_drv.c vmbus_match, is_hvsock_channel).
	 */
	bool hvsock;
	int (*probe)(struct hvis_device *dev, const struct hvis_device_id *id);
	void (*remove)(struct hvis_device *dev);
	void (*shutdown)(struct hvis_device *dev);
	struct device_driver driver;
	/* Class GUIDs added through the driver's new_id file (bus.c; the core's). */
	struct list_head dynids;
	spinlock_t dynids_lock;		/* the dynids list */
};

#define to_hvis_driver(d) container_of(d, struct hvis_driver, driver)

int __hvis_driver_register(struct hvis_driver *drv, struct module *owner, const char *mod_name);
#define hvis_driver_register(drv) __hvis_driver_register(drv, THIS_MODULE, KBUILD_MODNAME)
void hvis_driver_unregister(struct hvis_driver *drv);

#define module_hvis_driver(__drv) \
	module_driver(__drv, hvis_driver_register, hvis_driver_unregister)

static inline void hvis_set_drvdata(struct hvis_device *dev, void *data)
{
	dev_set_drvdata(&dev->dev, data);
}

static inline void *hvis_get_drvdata(struct hvis_device *dev)
{
	return dev_get_drvdata(&dev->dev);
}

/*
 * Channel callback: runs in softirq (tasklet) context on the channel's target CPU
 * with the inbound ring's interrupts masked; it should drain with
 * hvis_channel_recv*() until -EAGAIN.  The core unmasks and calls it again if
 * packets arrived meanwhile.
 */
typedef void (*hvis_channel_callback)(void *context);

/*
 * Opens the channel: allocates both rings (sizes in bytes of payload, page multiples),
 * creates their GPADL, sends OPENCHANNEL and waits for the host's result.  May sleep.
 * Returns 0, -ENODEV if the channel was rescinded, -ETIMEDOUT, or -EIO if the host
 * refused.
 */
int hvis_channel_open(struct hvis_channel *ch, u32 send_ring_bytes, u32 recv_ring_bytes,
		      const void *userdata, u32 userdata_len,
		      hvis_channel_callback callback, void *context);

/*
 * The largest inbound packet (descriptor included) the driver takes; call before
 * hvis_channel_open.  The channel's copy buffer is allocated at open with this size
 * (default, or 0: the largest packet the inbound ring can hold).  A bigger packet
 * from the host is skipped with a rate-limited error and counted (in_dropped), and
 * the receive call returns -ENOBUFS for it.
 */
void hvis_channel_set_max_packet(struct hvis_channel *ch, u32 bytes);

/*
 * For drivers that read in NAPI (or other deferred context) rather than in the
 * callback.  With drain_later on (set it before hvis_channel_open), the core masks the
 * host's interrupts before calling the callback and leaves them masked; the driver
 * reads until -EAGAIN and then calls hvis_channel_read_done(), which unmasks and
 * returns true if packets arrived meanwhile (read again).  As drivers/hv's
 * hv_begin_read / hv_end_read for upstream netvsc.
 */
void hvis_channel_set_drain_later(struct hvis_channel *ch, bool on);
bool hvis_channel_read_done(struct hvis_channel *ch);

/* Closes the channel (CLOSECHANNEL, GPADL teardown, frees rings).  May sleep. */
void hvis_channel_close(struct hvis_channel *ch);

/*
 * Sends one in-band packet (VM_PKT_DATA_INBAND, or type for completions).  Returns 0,
 * -EAGAIN if the outbound ring is full, -ENODEV if rescinded, -EIO if broken.
 * Safe from any context.
 */
int hvis_channel_send(struct hvis_channel *ch, const void *buf, u32 len, u64 trans_id,
		      enum vmbus_packet_type type, u16 flags);

/*
 * Receives the next packet's payload (data after the descriptor's offset8) into buf.
 * Returns the payload length and sets *trans_id, -EAGAIN if none, -ENOBUFS if buflen
 * (or the channel's max packet) is too small (the packet is dropped and counted; *trans_id
 * is still the dropped packet's, so a driver can fail the request it answered), -EIO
 * if the ring is broken.
 */
int hvis_channel_recv(struct hvis_channel *ch, void *buf, u32 buflen, u64 *trans_id);

/*
 * Receives the next whole packet (descriptor included) into buf, for drivers that
 * parse transfer-page or GPA-direct packets.  Same returns as hvis_channel_recv.
 */
int hvis_channel_recv_raw(struct hvis_channel *ch, void *buf, u32 buflen);

/*
 * Sends one VM_PKT_DATA_USING_GPA_DIRECT packet (COMPLETION_REQUESTED): one range of
 * @range_bytes bytes (struct vmbus_gpa_range and its PFNs, 4 KiB units) and @len
 * bytes of in-band payload.  Same returns as hvis_channel_send.
 */
int hvis_channel_send_gpa_direct(struct hvis_channel *ch, const struct vmbus_gpa_range *range,
				 u32 range_bytes, const void *buf, u32 len, u64 trans_id);

/*
 * As hvis_channel_send_gpa_direct with @range_cnt ranges packed in @range_bytes (each
 * range's struct vmbus_gpa_range directly followed by its PFNs): a scatter list, as
 * netvsc's page-buffer sends (upstream vmbus_sendpacket_pagebuffer).
 */
int hvis_channel_send_gpa_ranges(struct hvis_channel *ch, const struct vmbus_gpa_range *ranges,
				 u32 range_cnt, u32 range_bytes, const void *buf, u32 len,
				 u64 trans_id);

/*
 * Batched sends (a block driver's queue_rq before the batch's last request, a NIC's
 * xmit while the stack has more frames): as hvis_channel_send /
 * hvis_channel_send_gpa_direct / hvis_channel_send_gpa_ranges, but the host is never signalled
 * here.  When the ring's rules call for a signal (the write found the ring empty and
 * the host listening) it is owed, and goes out with the channel's next signalling
 * send, or with hvis_channel_kick(), which signals only if one is owed.  The caller
 * must send or kick after its last no-signal send, or the host may sleep on packets.
 */
int hvis_channel_send_nosignal(struct hvis_channel *ch, const void *buf, u32 len, u64 trans_id,
			       enum vmbus_packet_type type, u16 flags);
int hvis_channel_send_gpa_direct_nosignal(struct hvis_channel *ch,
					  const struct vmbus_gpa_range *range, u32 range_bytes,
					  const void *buf, u32 len, u64 trans_id);
int hvis_channel_send_gpa_ranges_nosignal(struct hvis_channel *ch,
					  const struct vmbus_gpa_range *ranges, u32 range_cnt,
					  u32 range_bytes, const void *buf, u32 len, u64 trans_id);
void hvis_channel_kick(struct hvis_channel *ch);

/* Bytes the outbound ring can take now (0 when closed or broken). */
u32 hvis_channel_write_avail(struct hvis_channel *ch);

/*
 * Describes a buffer (page-aligned, page allocator / kmalloc / vmalloc, size a multiple
 * of 4 KiB) to the host, e.g. netvsc's receive and send buffers.  Returns 0 and the
 * handle, -ENODEV, -ETIMEDOUT or -EIO.  Tear it down before freeing the buffer: a
 * non-zero return from teardown means the host may still use it, so leak it.
 * Both may sleep.
 */
int hvis_channel_gpadl_create(struct hvis_channel *ch, void *buf, u32 size, u32 *gpadl);
int hvis_channel_gpadl_teardown(struct hvis_channel *ch, u32 gpadl);

/*
 * Subchannels: the host offers them (same class and instance as the primary,
 * sub_channel_index != 0) after the driver asked through its own protocol.  The
 * callback runs in process context for each new subchannel of @primary; the driver
 * opens it there or later.  hvis_channel_close(primary) closes its subchannels first.
 */
typedef void (*hvis_subchannel_callback)(struct hvis_channel *sc);
void hvis_channel_set_subchannel_callback(struct hvis_channel *primary,
					  hvis_subchannel_callback callback);
u16 hvis_channel_subchannel_index(struct hvis_channel *ch);

/* True once the host rescinded the channel: sends fail with -ENODEV; close it. */
bool hvis_channel_rescinded(struct hvis_channel *ch);

/*
 * Tells the driver that the host rescinded an open subchannel (a primary's rescind
 * removes the device instead).  The host sends nothing more on it, so the driver must
 * fail or resubmit what it had in flight there and close it, which releases its relid.
 * @callback gets the context given to hvis_channel_open; it runs once, in process
 * context with the channel's lock held, before any close of it completes: it must
 * only take note and queue work (no channel call).  Set it before hvis_channel_open;
 * close clears it.
 */
void hvis_channel_set_rescind_callback(struct hvis_channel *ch, hvis_channel_callback callback);

/*
 * Hyper-V sockets (drivers/hv/channel.c vmbus_send_tl_connect_request): asks the host
 * to connect @guest_endpoint (service id of the guest's port) to @host_service.  The
 * host answers with an offer carrying VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER, or with
 * TL_CONNECT_RESULT and a failure status, which goes to the handler set below (process
 * context).  -ENODEV before protocol VERSION_WIN10 or without a host.  May sleep.
 */
int hvis_vmbus_send_tl_connect_request(const guid_t *guest_endpoint, const guid_t *host_service);
typedef void (*hvis_tl_result_handler)(const guid_t *guest_endpoint,
				       const guid_t *host_service, u32 status);
/* Sets (or, with NULL, clears and waits out) the one TL_CONNECT_RESULT handler. */
void hvis_vmbus_set_tl_result_handler(hvis_tl_result_handler handler);

/* The channel's validated offer (its pipe user_def, chn_flags, service ids). */
const struct vmbus_channel_offer *hvis_channel_offer(struct hvis_channel *ch);

/*
 * Direct read mode (upstream HV_CALL_DIRECT, as hv_sock uses): the callback runs on
 * every host signal with the inbound ring's interrupts left unmasked and is not
 * rerun; the driver reads whenever it likes.  Set before hvis_channel_open.
 */
void hvis_channel_set_read_direct(struct hvis_channel *ch, bool on);

/* Bytes waiting in the inbound ring (0 when closed or broken). */
u32 hvis_channel_read_avail(struct hvis_channel *ch);

/*
 * Asks the host to signal once the outbound ring has more than @bytes free (the ring
 * header's pending_send_sz; 0 clears).  The channel must be open.
 */
void hvis_channel_set_pending_send(struct hvis_channel *ch, u32 bytes);

/* The hvis_device a channel belongs to, and the channel's relid / target CPU. */
struct hvis_device *hvis_channel_device(struct hvis_channel *ch);
u32 hvis_channel_relid(struct hvis_channel *ch);
unsigned int hvis_channel_target_cpu(struct hvis_channel *ch);

/* The negotiated VMBus protocol version (VMBUS_MAKE_VERSION form). */
u32 hvis_vmbus_protocol_version(void);

/*
 * The partition reference counter (100 ns units, monotonic) that the host also reads:
 * TimeSync v4.0's vmreferencetime is a reading of it.  Hyper-V's reference counter on
 * Hyper-V, the link's published counter on the fake host (docs/fakehost-link.md).
 * 0, or -ENODEV when no transport is attached or it has no such counter.  Any context.
 */
int hvis_vmbus_ref_counter(u64 *ref);

/*
 * MMIO space for a device (upstream vmbus_allocate_mmio / vmbus_free_mmio): a range of
 * @size bytes, aligned to @align (a power of two), inside [@min, @max], taken from
 * the ranges the transport offers: the VMBus ACPI device's _CRS windows on Hyper-V,
 * the link's VRAM region on the fake host.  On success *@res describes it (named after
 * @dev); map it with memremap()/ioremap_cache() and give it back with
 * hvis_vmbus_free_mmio(start, size) before the device goes.  -ENXIO when no range has
 * room, -EINVAL for bad arguments.  May sleep.
 */
int hvis_vmbus_allocate_mmio(struct resource **res, struct hvis_device *dev,
			     resource_size_t min, resource_size_t max,
			     resource_size_t size, resource_size_t align);
void hvis_vmbus_free_mmio(resource_size_t start, resource_size_t size);

/* The offer's mmio_megabytes: MMIO space the host wants the device to have, in MiB. */
u32 hvis_channel_mmio_megabytes(struct hvis_channel *ch);

/*
 * For drivers that hand a device to user space (hvis_uio, as upstream's
 * uio_hv_generic).  hvis_channel_keep_ring allocates the channel's ring block now,
 * physically contiguous (two 4 KiB headers plus the data sizes, as hvis_channel_open
 * takes them), and keeps it over close: a later open must give the same sizes, and
 * hvis_channel_free_ring (channel closed) frees it.  hvis_channel_kept_ring returns it
 * and its size in bytes (NULL if none).  -EINVAL, -EBUSY (open, or one is kept),
 * -ENOMEM.  May sleep.
 */
int hvis_channel_keep_ring(struct hvis_channel *ch, u32 send_ring_bytes, u32 recv_ring_bytes);
void *hvis_channel_kept_ring(struct hvis_channel *ch, size_t *bytes);
void hvis_channel_free_ring(struct hvis_channel *ch);

/*
 * Masks (false) or unmasks (true) the host's interrupts for the channel's inbound ring
 * (its header's interrupt_mask); an unmask also signals the host unless the channel
 * is monitored (drivers/uio/uio_hv_generic.c set_event).  Open channels only; may sleep.
 */
void hvis_channel_irq_control(struct hvis_channel *ch, bool enable);

/*
 * Shows (or hides) channels/<relid>/ring, a binary file whose mmap maps the open
 * channel's ring block (drivers/hv/vmbus_drv.c hv_create_ring_sysfs).  The file's size
 * is the ring block's when it is shown, so show it after the ring exists.  The bus
 * hides it when the driver unbinds.  May sleep.
 */
int hvis_channel_set_ring_sysfs(struct hvis_channel *ch, bool visible);

/*
 * The connection's interrupt page and monitor pages (0: the host's, 1: the guest's),
 * page-allocator pages given to the host in INITIATE_CONTACT; NULL when not connected.
 */
void *hvis_vmbus_int_page(void);
void *hvis_vmbus_monitor_page(unsigned int which);

#endif /* _HVIS_VMBUS_H */
