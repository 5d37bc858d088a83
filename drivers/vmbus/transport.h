/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * transport.h: the contract between the VMBus core and a transport.
 *
 * A transport gives the core what Hyper-V's SynIC gives a guest: per-CPU message and
 * event-flags pages for SINT 2, "post message", "signal event", end-of-message, and an
 * interrupt that calls hvis_vmbus_isr() for the CPU whose SINT 2 fired.  Two exist:
 * transport_hyperv.c (MSRs and hypercalls) and transport_fakehost.c (ivshmem link).
 */
#ifndef _HVIS_VMBUS_TRANSPORT_H
#define _HVIS_VMBUS_TRANSPORT_H

#include <linux/types.h>

/*
 * Only declared here: transport_hyperv.c gets their definitions from the kernel's
 * Hyper-V headers (same layout, TLFS), everyone else from include/hvis/vmbus_proto.h.
 */
struct device;
struct resource;
struct hv_message_page;
struct hv_event_flags_page;

/**
 * struct hvis_transport_ops - what a transport does for the core
 * @name: short name for logs ("hyperv", "fakehost").
 * @post_msg: posts one channel message (HvPostMessage).  @conn_id is the message
 *	connection id, @msg_type the HvPostMessage type (1 for VMBus), @len at most
 *	240 (HV_MESSAGE_PAYLOAD_BYTES).  Returns 0, -EAGAIN when the host's queue is full
 *	(the core retries with back-off), -ENOBUFS when the host lacks memory, -EINVAL
 *	for a bad connection id or length.  Never sleeps; any context.
 * @signal_event: signals the host on an event connection id (HvSignalEvent).  Never
 *	sleeps; any context.
 * @msg_page: the SynIC message page of @cpu, or NULL if the transport does not serve
 *	that CPU (no interrupt for it): channels cannot target such a CPU.
 * @event_page: the SynIC event-flags page of @cpu, or NULL as for @msg_page.
 * @eom: tells the host that a message slot of @cpu was freed while its PENDING flag
 *	was set, so it may deliver the next message.  Any context.
 * @vp_index: the hypervisor's virtual-processor index of @cpu (what target_vp means).
 * @ref_counter: (optional) the partition reference counter: 100 ns units, monotonic,
 *	the same counter the host reads when it stamps a TimeSync v4.0 sample
 *	(vmreferencetime; drivers/hv/hv_util.c adj_guesttime).  Never sleeps; any
 *	context.
 * @mmio_pool: (optional) the guest-physical MMIO ranges the core may hand out with
 *	hvis_vmbus_allocate_mmio(): the first of a list of private struct resources
 *	(IORESOURCE_MEM, linked by ->sibling, sorted by start, not overlapping), or
 *	NULL for none.  The ranges stay put while the transport is attached; they are
 *	not in iomem_resource (as upstream's hyperv_mmio list).  Process context.
 * @crash_report: (optional) hands the host the panic log: @gpa is the guest-physical
 *	address of a page holding @len bytes of the kernel log (0 and 0 for none), as
 *	upstream's hv_kmsg_dump writes HV_X64_MSR_CRASH_P3/P4 and CRASH_CTL.  Called
 *	once, from the panic path (other CPUs stopped, interrupts off).  The Hyper-V
 *	transport has none: the kernel's built-in drivers/hv/hv_common.c reports there.
 * @mmio_claim_iomem: the core also claims an allocation in iomem_resource (Hyper-V:
 *	the ranges are unclaimed bus space); false when the transport's own device
 *	already owns the ranges (fake host: inside its BAR2).
 *
 * All callbacks get the @priv the transport gave hvis_vmbus_attach().
 */
struct hvis_transport_ops {
	const char *name;
	int (*post_msg)(void *priv, u32 conn_id, u32 msg_type, const void *payload, u32 len);
	void (*signal_event)(void *priv, u32 conn_id);
	struct hv_message_page *(*msg_page)(void *priv, unsigned int cpu);
	struct hv_event_flags_page *(*event_page)(void *priv, unsigned int cpu);
	void (*eom)(void *priv, unsigned int cpu);
	u32 (*vp_index)(void *priv, unsigned int cpu);
	u64 (*ref_counter)(void *priv);
	struct resource *(*mmio_pool)(void *priv);
	void (*crash_report)(void *priv, u64 gpa, u32 len);
	bool mmio_claim_iomem;
};

/*
 * Core API for transports.  hvis_vmbus_attach() negotiates the protocol, requests the
 * offers and registers the devices; the transport's interrupts must already be live.
 * Only one transport is attached at a time (-EBUSY otherwise).  @parent becomes the
 * parent of every VMBus device.  hvis_vmbus_detach() removes the devices, unloads the
 * connection and returns only when the core no longer touches the transport; call it
 * before the interrupts are freed.  Both may sleep.
 */
int hvis_vmbus_attach(const struct hvis_transport_ops *ops, void *priv, struct device *parent);
void hvis_vmbus_detach(const struct hvis_transport_ops *ops);
/*
 * From the transport device's shutdown (reboot, power-off, kexec): sends UNLOAD and
 * waits for the answer, so the host stops using rings in memory the next kernel
 * reuses, as upstream's hv_kexec_handler does.  The devices stay; nothing talks to
 * the host afterwards.  May sleep.
 */
void hvis_vmbus_shutdown(const struct hvis_transport_ops *ops);

/* Called by the transport from its interrupt for SINT 2 of @cpu (hard-irq context). */
void hvis_vmbus_isr(unsigned int cpu);

/* Transport registration, called by main.c (the fake-host transport is its own module). */
int hvis_transport_hyperv_init(void);
void hvis_transport_hyperv_uninit(void);

#endif /* _HVIS_VMBUS_TRANSPORT_H */
