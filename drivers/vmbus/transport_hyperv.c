// SPDX-License-Identifier: GPL-2.0-only
/*
 * transport_hyperv.c: the Hyper-V transport.  The SynIC of each CPU is set up through
 * its MSRs (message page SIMP, event-flags page SIEFP, SINT 2 -> the kernel's
 * HYPERVISOR_CALLBACK_VECTOR, SCONTROL), messages go out with HvPostMessage and events
 * with the HvSignalEvent fast hypercall.  It binds to the ACPI "VMBUS" device (a
 * platform driver matched by ACPI id) and builds the MMIO pool of
 * hvis_vmbus_allocate_mmio() from that device's _CRS (mmio_acpi.c).
 *
 * Facts from the Hyper-V TLFS (MSR numbers and bit layouts, hypercall codes and
 * statuses; include/asm-generic/hyperv-tlfs.h) and drivers/hv/hv.c upstream.  It uses
 * the kernel's own built-in Hyper-V support (hypercall page, per-CPU input page, VP
 * indices, the callback-vector hook), which exists only on x86 kernels with
 * CONFIG_HYPERV; elsewhere this transport registers nothing.
 *
 * This file includes the kernel's Hyper-V headers and therefore not core.h (both
 * define struct hv_message and friends): it talks to the core through transport.h.
 */
#include <linux/module.h>
#include "transport.h"

#if IS_ENABLED(CONFIG_X86) && IS_ENABLED(CONFIG_HYPERV) && IS_ENABLED(CONFIG_ACPI)

#include <linux/acpi.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/irq_vectors.h>
#include <asm/mshyperv.h>
#include "compat.h"
#include "mmio_acpi.h"

/* TLFS synthetic MSRs. */
#define HVIS_MSR_SCONTROL	0x40000080
#define HVIS_MSR_SIEFP		0x40000082
#define HVIS_MSR_SIMP		0x40000083
#define HVIS_MSR_EOM		0x40000084
#define HVIS_MSR_SINT0		0x40000090
#define HVIS_SINT_VMBUS		2
#define HVIS_MSR_ENABLE		BIT_ULL(0)	/* SIMP, SIEFP, SCONTROL */
#define HVIS_SINT_VECTOR_MASK	0xffULL
#define HVIS_SINT_MASKED	BIT_ULL(16)
#define HVIS_SINT_AUTO_EOI	BIT_ULL(17)
#define HVIS_PAGE_MASK		(~0xfffULL)
#define HVIS_AEOI_DEPRECATED	BIT(9)		/* CPUID 0x40000004 EAX (TLFS) */

/* TLFS hypercalls and statuses. */
#define HVIS_HVCALL_POST_MESSAGE	0x005c
#define HVIS_HVCALL_SIGNAL_EVENT	0x005d
#define HVIS_HV_STATUS_SUCCESS		0x0
#define HVIS_HV_STATUS_INSUFFICIENT_MEMORY 0xb
#define HVIS_HV_STATUS_INVALID_CONNECTION_ID 0x12
#define HVIS_HV_STATUS_INSUFFICIENT_BUFFERS 0x13
#define HVIS_HV_PAYLOAD_BYTES		240

/* HvPostMessage input (TLFS; drivers/hv/hyperv_vmbus.h hv_input_post_message). */
struct hvis_hv_post_input {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u8 payload[HVIS_HV_PAYLOAD_BYTES];
} __packed;

struct hvis_hv {
	struct device *dev;
	void **msg_pages;	/* per CPU; NULL where the SynIC is not ours */
	void **event_pages;
	int cpuhp_state;	/* hv_cpu_online/offline */
	struct hvis_mmio_acpi mmio;
};

/* Only one VMBus ACPI device exists; the interrupt hook has no context argument. */
static struct hvis_hv *hv_active;

static int hv_post_msg(void *priv, u32 conn_id, u32 msg_type, const void *payload, u32 len)
{
	struct hvis_hv_post_input *in;
	unsigned long flags;
	u64 status;

	if (len > HVIS_HV_PAYLOAD_BYTES)
		return -EINVAL;
	if (!hyperv_pcpu_input_arg)
		return -ENODEV;
	local_irq_save(flags);
	in = *this_cpu_ptr(hyperv_pcpu_input_arg);
	in->connection_id = conn_id;
	in->reserved = 0;
	in->message_type = msg_type;
	in->payload_size = len;
	memcpy(in->payload, payload, len);
	status = hv_do_hypercall(HVIS_HVCALL_POST_MESSAGE, in, NULL) & 0xffff;
	local_irq_restore(flags);

	switch (status) {
	case HVIS_HV_STATUS_SUCCESS:
		return 0;
	case HVIS_HV_STATUS_INSUFFICIENT_BUFFERS:
	case HVIS_HV_STATUS_INSUFFICIENT_MEMORY:
		/* Upstream retries these too (drivers/hv/connection.c vmbus_post_msg). */
		return -EAGAIN;
	case HVIS_HV_STATUS_INVALID_CONNECTION_ID:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static void hv_signal_event(void *priv, u32 conn_id)
{
	/* Input: connection id, flag number 0 (TLFS HvSignalEvent). */
	hv_do_fast_hypercall8(HVIS_HVCALL_SIGNAL_EVENT, conn_id);
}

static struct hv_message_page *hv_msg_page(void *priv, unsigned int cpu)
{
	struct hvis_hv *hv = priv;

	return cpu < nr_cpu_ids ? hv->msg_pages[cpu] : NULL;
}

static struct hv_event_flags_page *hv_event_page(void *priv, unsigned int cpu)
{
	struct hvis_hv *hv = priv;

	return cpu < nr_cpu_ids ? hv->event_pages[cpu] : NULL;
}

static void hv_eom_local(void *unused)
{
	wrmsrl(HVIS_MSR_EOM, 0);
}

static void hv_eom(void *priv, unsigned int cpu)
{
	/* The EOM MSR belongs to the CPU whose slot was freed. */
	if (cpu == raw_smp_processor_id())
		hv_eom_local(NULL);
	else
		smp_call_function_single(cpu, hv_eom_local, NULL, 0);
}

static u32 hv_vp(void *priv, unsigned int cpu)
{
	return hv_vp_index ? hv_vp_index[cpu] : cpu;
}

/* The kernel's Hyper-V reference counter: TSC page or HV_X64_MSR_TIME_REF_COUNT. */
static u64 hv_ref_counter(void *priv)
{
	return hv_read_reference_counter();
}

static struct resource *hv_mmio_pool(void *priv)
{
	struct hvis_hv *hv = priv;

	return hvis_mmio_acpi_first(&hv->mmio);
}

static const struct hvis_transport_ops hv_ops = {
	.name = "hyperv",
	.post_msg = hv_post_msg,
	.signal_event = hv_signal_event,
	.msg_page = hv_msg_page,
	.event_page = hv_event_page,
	.eom = hv_eom,
	.vp_index = hv_vp,
	.ref_counter = hv_ref_counter,
	.mmio_pool = hv_mmio_pool,
	/* The windows are bus space nobody owns: claim allocations in iomem too. */
	.mmio_claim_iomem = true,
};

static void hv_callback(void)
{
	hvis_vmbus_isr(smp_processor_id());
}

static void hv_synic_enable(void *data)
{
	struct hvis_hv *hv = data;
	unsigned int cpu = smp_processor_id();
	u64 v;

	if (!hv->msg_pages[cpu] || !hv->event_pages[cpu])
		return;
	rdmsrl(HVIS_MSR_SIMP, v);
	wrmsrl(HVIS_MSR_SIMP, (v & ~HVIS_PAGE_MASK & ~HVIS_MSR_ENABLE) |
	       (virt_to_phys(hv->msg_pages[cpu]) & HVIS_PAGE_MASK) | HVIS_MSR_ENABLE);
	rdmsrl(HVIS_MSR_SIEFP, v);
	wrmsrl(HVIS_MSR_SIEFP, (v & ~HVIS_PAGE_MASK & ~HVIS_MSR_ENABLE) |
	       (virt_to_phys(hv->event_pages[cpu]) & HVIS_PAGE_MASK) | HVIS_MSR_ENABLE);
	rdmsrl(HVIS_MSR_SINT0 + HVIS_SINT_VMBUS, v);
	v &= ~(HVIS_SINT_VECTOR_MASK | HVIS_SINT_MASKED | HVIS_SINT_AUTO_EOI);
	v |= HYPERVISOR_CALLBACK_VECTOR;
	if (!(ms_hyperv.hints & HVIS_AEOI_DEPRECATED))
		v |= HVIS_SINT_AUTO_EOI;
	wrmsrl(HVIS_MSR_SINT0 + HVIS_SINT_VMBUS, v);
	rdmsrl(HVIS_MSR_SCONTROL, v);
	wrmsrl(HVIS_MSR_SCONTROL, v | HVIS_MSR_ENABLE);
}

static void hv_synic_disable(void *data)
{
	struct hvis_hv *hv = data;
	unsigned int cpu = smp_processor_id();
	u64 v;

	if (!hv->msg_pages[cpu] || !hv->event_pages[cpu])
		return;
	rdmsrl(HVIS_MSR_SINT0 + HVIS_SINT_VMBUS, v);
	wrmsrl(HVIS_MSR_SINT0 + HVIS_SINT_VMBUS, v | HVIS_SINT_MASKED);
	rdmsrl(HVIS_MSR_SIMP, v);
	wrmsrl(HVIS_MSR_SIMP, v & ~HVIS_MSR_ENABLE);
	rdmsrl(HVIS_MSR_SIEFP, v);
	wrmsrl(HVIS_MSR_SIEFP, v & ~HVIS_MSR_ENABLE);
	/* SCONTROL stays on: the kernel's stimer may use other SINTs. */
}

/*
 * CPU hotplug (runs on @cpu).  A CPU coming online gets its message and event pages
 * (kept when it goes offline again) and its SynIC enabled; one going offline has its
 * SINT masked after the core moved its channels away (cpu_hotplug.c, a later state).
 */
static int hv_cpu_online(unsigned int cpu)
{
	struct hvis_hv *hv = hv_active;

	if (!hv->msg_pages[cpu])
		hv->msg_pages[cpu] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!hv->event_pages[cpu])
		hv->event_pages[cpu] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!hv->msg_pages[cpu] || !hv->event_pages[cpu])
		return -ENOMEM;
	hv_synic_enable(hv);
	return 0;
}

static int hv_cpu_offline(unsigned int cpu)
{
	hv_synic_disable(hv_active);
	return 0;
}

static void hv_free_pages(struct hvis_hv *hv)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)hv->msg_pages[cpu]);
		free_page((unsigned long)hv->event_pages[cpu]);
	}
	kfree(hv->msg_pages);
	kfree(hv->event_pages);
}

static int hv_probe(struct platform_device *pdev)
{
	struct hvis_hv *hv;
	int ret;

	if (!hv_is_hyperv_initialized() || !(ms_hyperv.features & HV_MSR_SYNIC_AVAILABLE) ||
	    !hyperv_pcpu_input_arg) {
		dev_err(&pdev->dev, "Hyper-V SynIC or hypercall page not available\n");
		return -ENODEV;
	}
	if (hv_active)
		return -EBUSY;
	hv = devm_kzalloc(&pdev->dev, sizeof(*hv), GFP_KERNEL);
	if (!hv)
		return -ENOMEM;
	hv->dev = &pdev->dev;
	ret = hvis_mmio_acpi_build(&pdev->dev, &hv->mmio);
	if (ret)
		return ret;
	hv->msg_pages = kcalloc(nr_cpu_ids, sizeof(void *), GFP_KERNEL);
	hv->event_pages = kcalloc(nr_cpu_ids, sizeof(void *), GFP_KERNEL);
	if (!hv->msg_pages || !hv->event_pages) {
		ret = -ENOMEM;
		goto err_free_pages;
	}
	hv_active = hv;
	hv_setup_vmbus_handler(hv_callback);
	/* Each CPU online now, and each that comes online later, gets its SynIC. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvis_vmbus/hyperv:online", hv_cpu_online,
				hv_cpu_offline);
	if (ret < 0)
		goto err_remove_handler;
	hv->cpuhp_state = ret;

	platform_set_drvdata(pdev, hv);
	ret = hvis_vmbus_attach(&hv_ops, hv, &pdev->dev);
	if (ret)
		goto err_disable_synic;
	return 0;

err_disable_synic:
	cpuhp_remove_state(hv->cpuhp_state);
err_remove_handler:
	hv_remove_vmbus_handler();
	hv_active = NULL;
err_free_pages:
	hv_free_pages(hv);
	hvis_mmio_acpi_release(&hv->mmio);
	return ret;
}

static void hv_remove(struct platform_device *pdev)
{
	struct hvis_hv *hv = platform_get_drvdata(pdev);

	hvis_vmbus_detach(&hv_ops);
	cpuhp_remove_state(hv->cpuhp_state);
	hv_remove_vmbus_handler();
	hv_active = NULL;
	hv_free_pages(hv);
	hvis_mmio_acpi_release(&hv->mmio);
}

/*
 * Reboot, power-off or kexec (device_shutdown(), after our VMBus children): UNLOAD,
 * then SynIC off on every CPU, as upstream's hv_kexec_handler (drivers/hv/vmbus_drv.c),
 * which runs from machine_ops.shutdown where a module cannot hook in.
 */
static void hv_shutdown(struct platform_device *pdev)
{
	struct hvis_hv *hv = platform_get_drvdata(pdev);

	hvis_vmbus_shutdown(&hv_ops);
	on_each_cpu(hv_synic_disable, hv, 1);
}

static const struct acpi_device_id hv_acpi_ids[] = {
	{ "VMBUS", 0 },
	{ "VMBus", 0 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, hv_acpi_ids);

static struct platform_driver hv_driver = {
	.probe = hv_probe,
	.HVIS_PLATFORM_REMOVE = hv_remove,
	.shutdown = hv_shutdown,
	.driver = {
		.name = "hvis_hyperv",
		.acpi_match_table = hv_acpi_ids,
	},
};

int hvis_transport_hyperv_init(void)
{
	return platform_driver_register(&hv_driver);
}

void hvis_transport_hyperv_uninit(void)
{
	platform_driver_unregister(&hv_driver);
}

#else /* no Hyper-V support in this kernel */

int hvis_transport_hyperv_init(void)
{
	return 0;
}

void hvis_transport_hyperv_uninit(void)
{
}

#endif
