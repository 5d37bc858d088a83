/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link.h: the fake-host link, version 2.  This is the layout of the shared memory
 * (BAR2) of QEMU's ivshmem-doorbell device through which the fakehost transport
 * (drivers/vmbus/transport_fakehost.c) and tools/fakehost talk; it stands in for the
 * hypervisor's SynIC and its post-message and signal-event hypercalls.
 * docs/fakehost-link.md describes it in prose.
 *
 *   offset    size               contents
 *   0x00000   4 KiB              struct hvis_link_header
 *   0x01000   4 KiB              struct hvis_link_msgq_ctl (post-message queue indices)
 *   0x02000   64 x 256 B         post-message slots (struct hv_input_post_message)
 *   0x06000   4 KiB              signal-event bitmap, one bit per connection id
 *   0x08000   32 x 8 KiB         per guest CPU: SynIC message page, event-flags page
 *   0x48000                      end of the link proper (512 KiB without VRAM)
 *   vram_off  vram_bytes         VRAM (optional): the synthetic video device's
 *                                framebuffer memory, handed out by the guest's
 *                                hvis_vmbus_allocate_mmio(); BAR2 then grows to the
 *                                next power of two that holds it
 *
 * Doorbells (guest to host): the guest writes (host peer id << 16) | vector to BAR0
 * register 12 (QEMU docs/specs/ivshmem-spec.rst).  Host vectors are HVIS_LINK_HVEC_*.
 * Interrupts (host to guest): MSI-X vector N of the guest's device is "SynIC SINT 2
 * on guest CPU N"; the host writes the message or event bit first, then fires it.
 */
#ifndef _HVIS_LINK_H
#define _HVIS_LINK_H

#include "types.h"
#include "vmbus_proto.h"

#define HVIS_LINK_MAGIC		0x4b4e494c53495648ull	/* "HVISLINK" little-endian */
/* 2: the header carries the reference counter (ref_time, ref_period_us). */
#define HVIS_LINK_VERSION	2u

/* How often the host refreshes the header's ref_time. */
#define HVIS_LINK_REF_PERIOD_US	1000u

#define HVIS_LINK_BAR2_BYTES	0x80000u	/* the link proper; BAR2 without VRAM */
/* VRAM starts at 1 MiB, the alignment upstream's video drivers ask for. */
#define HVIS_LINK_VRAM_OFF	0x100000u
#define HVIS_LINK_VRAM_ALIGN	0x100000u
#define HVIS_LINK_MSGQ_CTL_OFF	0x01000u
#define HVIS_LINK_MSGQ_OFF	0x02000u
#define HVIS_LINK_MSGQ_SLOTS	64u
#define HVIS_LINK_SIGNAL_OFF	0x06000u
#define HVIS_LINK_SIGNAL_BYTES	(VMBUS_MAX_CHANNEL_RELIDS / 8)
#define HVIS_LINK_SYNIC_OFF	0x08000u
#define HVIS_LINK_MAX_CPUS	32u
#define HVIS_LINK_SYNIC_STRIDE	(2 * HV_HYP_PAGE_SIZE)
#define HVIS_LINK_END		(HVIS_LINK_SYNIC_OFF + HVIS_LINK_MAX_CPUS * HVIS_LINK_SYNIC_STRIDE)
static_assert(HVIS_LINK_END <= HVIS_LINK_BAR2_BYTES, "link layout fits BAR2");
static_assert(HVIS_LINK_MSGQ_OFF + HVIS_LINK_MSGQ_SLOTS * 256 <= HVIS_LINK_SIGNAL_OFF, "msgq");

/* Host doorbell vectors: what the guest rings. */
enum hvis_link_host_vector {
	HVIS_LINK_HVEC_POST_MESSAGE = 0,	/* a new slot in the post-message queue */
	HVIS_LINK_HVEC_SIGNAL_EVENT = 1,	/* bits set in the signal-event bitmap */
	HVIS_LINK_HVEC_EOM = 2,			/* guest freed a slot that had PENDING set */
	HVIS_LINK_HVEC_ATTACH = 3,		/* guest_state changed */
	HVIS_LINK_HOST_VECTORS = 4,
};

/* The ivshmem peer id of the host (the server) and the fixed one it gives the guest. */
#define HVIS_LINK_HOST_PEER	0u
#define HVIS_LINK_GUEST_PEER	1u

enum hvis_link_guest_state {
	HVIS_LINK_GUEST_DETACHED = 0,	/* no driver bound; host must not touch the SynIC pages */
	HVIS_LINK_GUEST_ATTACHED = 1,	/* driver bound; SynIC pages live */
};

enum hvis_link_host_state {
	HVIS_LINK_HOST_NONE = 0,
	HVIS_LINK_HOST_READY = 1,	/* header filled in; host serves the link */
};

/*
 * Written by the host before QEMU starts, except the guest_* fields and ref_time.  The
 * guest checks magic and version before it reads anything else, then the sizes and
 * offsets before it uses them.
 *
 * ref_time is the partition reference counter that Hyper-V gives a guest (TLFS
 * "partition reference counter", drivers/clocksource/hyperv_timer.c): 100 ns units
 * since the host reset the link for this VM, on the host's CLOCK_MONOTONIC, and the
 * host stores it (a 64-bit aligned store) every ref_period_us.  Both sides read this
 * one field, so a reading means the same on both; TimeSync's vmreferencetime is one.
 */
struct hvis_link_header {
	u64 magic;
	u32 version;
	u32 host_state;			/* enum hvis_link_host_state, host writes */
	u32 bar_bytes;
	u32 msgq_ctl_off;
	u32 msgq_off;
	u32 msgq_slots;
	u32 signal_off;
	u32 signal_bytes;
	u32 synic_off;
	u32 synic_stride;
	u32 max_cpus;
	u32 host_vectors;		/* doorbell vectors the host listens on */
	/* guest-written */
	u32 guest_state;		/* enum hvis_link_guest_state */
	u32 guest_generation;		/* bumped on every attach */
	u32 guest_cpus;			/* CPUs whose SynIC pages the guest serves */
	/* host-written, version 2 */
	u32 ref_period_us;		/* how often ref_time is refreshed */
	u64 ref_time;			/* reference counter, 100 ns units; 8-byte aligned */
	/*
	 * Version 2 additions in the once-reserved area, where 0 means "absent", so
	 * old guests and old hosts keep working (docs/fakehost-link.md, Versioning).
	 * host-written: the VRAM region inside BAR2 (both 0: no VRAM); 1 MiB aligned.
	 */
	u32 vram_off;
	u32 vram_bytes;
	/*
	 * guest-written before guest_state: the guest-physical address of BAR2, so
	 * the host can tell which guest addresses are VRAM (0: unknown).
	 */
	u64 guest_bar_gpa;
	/*
	 * guest-written on panic, crash_ctl last: the Hyper-V crash registers
	 * HV_X64_MSR_CRASH_P0..P4 and CRASH_CTL (arch/x86/include/asm/hyperv-tlfs.h;
	 * drivers/hv/hv_common.c hv_kmsg_dump: P3 = GPA of the log page, P4 = its
	 * length, CTL = CRASH_NOTIFY | CRASH_NOTIFY_MSG).  The host clears crash_ctl
	 * once it has read the report.
	 */
	u64 crash_p[5];
	u64 crash_ctl;
	u32 reserved[988];
} __packed;
static_assert(sizeof(struct hvis_link_header) == 4096, "link header");
static_assert(offsetof(struct hvis_link_header, ref_time) == 72, "ref_time is 8-byte aligned");
static_assert(offsetof(struct hvis_link_header, guest_bar_gpa) == 88, "guest_bar_gpa aligned");
static_assert(offsetof(struct hvis_link_header, crash_p) == 96, "crash_p aligned");

/* include/asm-generic/hyperv-tlfs.h: HV_CRASH_CTL_CRASH_NOTIFY(_MSG) */
#define HVIS_LINK_CRASH_NOTIFY		0x8000000000000000ull	/* bit 63 */
#define HVIS_LINK_CRASH_NOTIFY_MSG	0x4000000000000000ull	/* bit 62 */
/* drivers/hv/hv_common.c: the log page is one HV_HYP_PAGE_SIZE page */
#define HVIS_LINK_CRASH_LOG_MAX		4096u

/*
 * Post-message queue: a single-producer (guest) single-consumer (host) ring of slots.
 * tail is written by the guest after it filled slot tail % slots; head by the host
 * after it consumed slot head % slots.  Both count up and wrap at 2^32.  A full queue
 * is HV_STATUS_INSUFFICIENT_BUFFERS to the guest, as a busy hypervisor would answer.
 */
struct hvis_link_msgq_ctl {
	u32 head;
	u32 pad0[15];
	u32 tail;
	u32 pad1[15];
	u8 reserved[4096 - 128];
} __packed;
static_assert(sizeof(struct hvis_link_msgq_ctl) == 4096, "msgq ctl");

#endif /* _HVIS_LINK_H */
