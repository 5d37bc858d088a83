// SPDX-License-Identifier: GPL-2.0-only
/*
 * transport_fakehost.c: the fake-host transport, module hvis_vmbus_fakehost.  A PCI
 * driver for QEMU's ivshmem-doorbell device whose shared memory (BAR2) holds the hvis
 * link (include/hvis/link.h): per-CPU SynIC pages, a post-message queue, a signal
 * bitmap and the reference counter, served by tools/fakehost.  A VRAM region at the
 * end of BAR2, when the host offers one, is the MMIO pool of hvis_vmbus_allocate_mmio().
 *
 * For tests only.  The module has no MODULE_DEVICE_TABLE, so no modalias names it and
 * udev never loads it: on a real guest an ivshmem device belongs to whoever its host
 * set it up for.  Loaded by hand, it still touches a device's BAR2 only after the
 * header's magic and version say it is an hvis link.
 *
 * BAR0 registers (QEMU docs/specs/ivshmem-spec.rst): 0 IntrMask, 4 IntrStatus,
 * 8 IVPosition, 12 Doorbell (write (peer << 16) | vector).  MSI-X vector N is SINT 2
 * of guest CPU N.  QEMU drops the device's MSI-X writes unless bus mastering is on.
 */
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <hvis/link.h>
#include "transport.h"

#define FH_NAME			"hvis_fakehost"
#define IVSHMEM_VENDOR		0x1af4
#define IVSHMEM_DEVICE		0x1110
#define IVSHMEM_REG_DOORBELL	12
#define IVSHMEM_BAR_REGS	0
#define IVSHMEM_BAR_SHM		2

struct fh_vector {
	struct fakehost *fh;
	unsigned int cpu;
	int irq;
	bool requested;
};

struct fakehost {
	struct pci_dev *pdev;
	void __iomem *regs;
	u8 *shm;
	struct hvis_link_header *hdr;
	const u64 *ref_time;		/* the header's, 8-byte aligned */
	struct hvis_link_msgq_ctl *msgq_ctl;
	struct hv_input_post_message *slots;
	u32 nslots;
	u32 tail;			/* ours; the shared copy is only published */
	unsigned long *signal_bits;
	u32 signal_nbits;
	u8 *synic;
	u32 synic_stride;
	unsigned int ncpus;		/* CPUs 0..ncpus-1 have a vector */
	spinlock_t post_lock;
	struct fh_vector *vecs;
	struct hlist_node cpuhp_node;	/* in fh_cpuhp_state's instances */
	struct resource vram;		/* the MMIO pool; vram.end == 0 without VRAM */
};

/* CPU hotplug: a vector follows its CPU back online (fh_cpu_online). */
static enum cpuhp_state fh_cpuhp_state;

static void fh_ring(struct fakehost *fh, enum hvis_link_host_vector vec)
{
	writel((HVIS_LINK_HOST_PEER << 16) | vec, fh->regs + IVSHMEM_REG_DOORBELL);
}

static int fh_post_msg(void *priv, u32 conn_id, u32 msg_type, const void *payload, u32 len)
{
	struct fakehost *fh = priv;
	struct hv_input_post_message *slot;
	unsigned long flags;
	u32 head;

	if (len > HV_MESSAGE_PAYLOAD_BYTES)
		return -EINVAL;
	spin_lock_irqsave(&fh->post_lock, flags);
	head = READ_ONCE(fh->msgq_ctl->head);
	/* A full queue is HV_STATUS_INSUFFICIENT_BUFFERS on Hyper-V: try again. */
	if (fh->tail - head >= fh->nslots) {
		spin_unlock_irqrestore(&fh->post_lock, flags);
		return -EAGAIN;
	}
	slot = &fh->slots[fh->tail % fh->nslots];
	slot->connection_id = conn_id;
	slot->reserved = 0;
	slot->message_type = msg_type;
	slot->payload_size = len;
	memcpy(slot->payload, payload, len);
	/* The slot is written before the host can see the new tail. */
	virt_wmb();
	fh->tail++;
	WRITE_ONCE(fh->msgq_ctl->tail, fh->tail);
	spin_unlock_irqrestore(&fh->post_lock, flags);
	fh_ring(fh, HVIS_LINK_HVEC_POST_MESSAGE);
	return 0;
}

static void fh_signal_event(void *priv, u32 conn_id)
{
	struct fakehost *fh = priv;

	if (conn_id >= fh->signal_nbits) {
		dev_err_ratelimited(&fh->pdev->dev, "connection id %u beyond the signal bitmap\n",
				    conn_id);
		return;
	}
	set_bit(conn_id, fh->signal_bits);
	fh_ring(fh, HVIS_LINK_HVEC_SIGNAL_EVENT);
}

static struct hv_message_page *fh_msg_page(void *priv, unsigned int cpu)
{
	struct fakehost *fh = priv;

	if (cpu >= fh->ncpus)
		return NULL;
	return (struct hv_message_page *)(fh->synic + (size_t)cpu * fh->synic_stride);
}

static struct hv_event_flags_page *fh_event_page(void *priv, unsigned int cpu)
{
	struct fakehost *fh = priv;

	if (cpu >= fh->ncpus)
		return NULL;
	return (struct hv_event_flags_page *)(fh->synic + (size_t)cpu * fh->synic_stride +
					      HV_HYP_PAGE_SIZE);
}

static void fh_eom(void *priv, unsigned int cpu)
{
	fh_ring(priv, HVIS_LINK_HVEC_EOM);
}

static u32 fh_vp_index(void *priv, unsigned int cpu)
{
	return cpu;
}

/* The counter the host publishes in the link header (docs/fakehost-link.md). */
static u64 fh_ref_counter(void *priv)
{
	struct fakehost *fh = priv;

	return READ_ONCE(*fh->ref_time);
}

static struct resource *fh_mmio_pool(void *priv)
{
	struct fakehost *fh = priv;

	return fh->vram.end ? &fh->vram : NULL;
}

/* The panic log, as hv_kmsg_dump writes the crash MSRs; any doorbell makes the host look. */
static void fh_crash_report(void *priv, u64 gpa, u32 len)
{
	struct fakehost *fh = priv;
	struct hvis_link_header *h = fh->hdr;

	WRITE_ONCE(h->crash_p[0], 0);
	WRITE_ONCE(h->crash_p[1], 0);
	WRITE_ONCE(h->crash_p[2], 0);
	WRITE_ONCE(h->crash_p[3], gpa);
	WRITE_ONCE(h->crash_p[4], len);
	/* The parameters are visible before the control word... */
	virt_wmb();
	WRITE_ONCE(h->crash_ctl, HVIS_LINK_CRASH_NOTIFY | HVIS_LINK_CRASH_NOTIFY_MSG);
	/* ... and the control word before the doorbell. */
	virt_mb();
	fh_ring(fh, HVIS_LINK_HVEC_ATTACH);
}

static const struct hvis_transport_ops fh_ops = {
	.name = "fakehost",
	.post_msg = fh_post_msg,
	.signal_event = fh_signal_event,
	.msg_page = fh_msg_page,
	.event_page = fh_event_page,
	.eom = fh_eom,
	.vp_index = fh_vp_index,
	.ref_counter = fh_ref_counter,
	.mmio_pool = fh_mmio_pool,
	.crash_report = fh_crash_report,
	/* The pool is inside BAR2, which pci_request_regions() gave us. */
	.mmio_claim_iomem = false,
};

static irqreturn_t fh_irq(int irq, void *data)
{
	struct fh_vector *v = data;

	hvis_vmbus_isr(v->cpu);
	return IRQ_HANDLED;
}

static bool in_bar(u32 bar_bytes, u64 off, u64 size, u64 align)
{
	return !(off & (align - 1)) && off <= bar_bytes && size <= bar_bytes - off;
}

/*
 * Where the link proper ends: at the VRAM region when the host offers one (1 MiB
 * aligned, inside bar_bytes), else at bar_bytes.  0 when the VRAM fields are bad.
 */
static u32 fh_link_bytes(const struct hvis_link_header *h, u32 bar_bytes)
{
	u32 off = READ_ONCE(h->vram_off), bytes = READ_ONCE(h->vram_bytes);

	if (!off && !bytes)
		return bar_bytes;
	if (!bytes || off < sizeof(*h) || (off & (HVIS_LINK_VRAM_ALIGN - 1)) ||
	    off > bar_bytes || bytes > bar_bytes - off)
		return 0;
	return off;
}

/* Checks the rest of an hvis link header; returns what is wrong, or NULL. */
static const char *fh_validate(struct fakehost *fh, u32 bar_bytes)
{
	const struct hvis_link_header *h = fh->hdr;
	u32 slots = READ_ONCE(h->msgq_slots);
	u32 sig_off = READ_ONCE(h->signal_off), sig_bytes = READ_ONCE(h->signal_bytes);
	u32 synic_off = READ_ONCE(h->synic_off), stride = READ_ONCE(h->synic_stride);
	u32 max_cpus = READ_ONCE(h->max_cpus);
	u32 msgq_off = READ_ONCE(h->msgq_off), ctl_off = READ_ONCE(h->msgq_ctl_off);

	if (READ_ONCE(h->host_state) != HVIS_LINK_HOST_READY)
		return "host_state (host not ready)";
	if (!in_bar(bar_bytes, ctl_off, sizeof(struct hvis_link_msgq_ctl), 64))
		return "msgq_ctl_off";
	if (!slots || slots > 0x10000 ||
	    !in_bar(bar_bytes, msgq_off, (u64)slots * sizeof(struct hv_input_post_message), 8))
		return "msgq_off/msgq_slots";
	if (sig_bytes < sizeof(unsigned long) || (sig_bytes % sizeof(unsigned long)) ||
	    !in_bar(bar_bytes, sig_off, sig_bytes, sizeof(unsigned long)))
		return "signal_off/signal_bytes";
	if (!max_cpus || max_cpus > HVIS_LINK_MAX_CPUS)
		return "max_cpus";
	if (stride < 2 * HV_HYP_PAGE_SIZE ||
	    !in_bar(bar_bytes, synic_off, (u64)max_cpus * stride, HV_HYP_PAGE_SIZE) ||
	    (stride & (HV_HYP_PAGE_SIZE - 1)))
		return "synic_off/synic_stride";
	if (READ_ONCE(h->host_vectors) < HVIS_LINK_HOST_VECTORS)
		return "host_vectors";

	/* Keep our own copies: the host cannot move things under us later. */
	fh->msgq_ctl = (struct hvis_link_msgq_ctl *)(fh->shm + ctl_off);
	fh->slots = (struct hv_input_post_message *)(fh->shm + msgq_off);
	fh->nslots = slots;
	fh->signal_bits = (unsigned long *)(fh->shm + sig_off);
	fh->signal_nbits = sig_bytes * 8;
	fh->synic = fh->shm + synic_off;
	fh->synic_stride = stride;
	fh->ncpus = max_cpus;
	fh->ref_time = (const u64 *)(fh->shm + offsetof(struct hvis_link_header, ref_time));
	return NULL;
}

/*
 * Is BAR2 an hvis link of our version?  Reads the magic and the version through a
 * mapping of the header alone and nothing more.  Another user's shared memory is
 * left alone with one line.
 */
static int fh_check_link(struct pci_dev *pdev, resource_size_t shm_len, u32 *bar_bytes)
{
	struct hvis_link_header *h;
	u64 magic = 0;
	u32 version = 0;

	if (shm_len >= sizeof(*h)) {
		h = memremap(pci_resource_start(pdev, IVSHMEM_BAR_SHM), sizeof(*h), MEMREMAP_WB);
		if (!h)
			return -ENOMEM;
		magic = READ_ONCE(h->magic);
		version = READ_ONCE(h->version);
		*bar_bytes = READ_ONCE(h->bar_bytes);
		memunmap(h);
	}
	if (magic != HVIS_LINK_MAGIC) {
		dev_notice(&pdev->dev, "ivshmem device is not an hvis fake-host link (BAR2 of %pa bytes, magic %#llx): left alone\n",
			   &shm_len, magic);
		return -ENODEV;
	}
	if (version != HVIS_LINK_VERSION) {
		dev_notice(&pdev->dev, "hvis fake-host link version %u, this driver speaks version %u: left alone\n",
			   version, HVIS_LINK_VERSION);
		return -ENODEV;
	}
	return 0;
}

static void fh_free_irqs(struct fakehost *fh)
{
	unsigned int i;

	for (i = 0; i < fh->ncpus; i++) {
		if (!fh->vecs[i].requested)
			continue;
		irq_update_affinity_hint(fh->vecs[i].irq, NULL);
		free_irq(fh->vecs[i].irq, &fh->vecs[i]);
		fh->vecs[i].requested = false;
	}
}

static int fh_setup_irqs(struct fakehost *fh)
{
	struct pci_dev *pdev = fh->pdev;
	int nvec = pci_msix_vec_count(pdev);
	unsigned int i;
	int ret;

	if (nvec <= 0) {
		dev_err(&pdev->dev, "no MSI-X vectors (use ivshmem-doorbell with vectors=N)\n");
		return -ENODEV;
	}
	/*
	 * One vector for each CPU the host serves, online or not yet: a CPU plugged in
	 * later finds its vector there (fh_cpu_online).
	 */
	nvec = min3((unsigned int)nvec, nr_cpu_ids, fh->ncpus);
	ret = pci_alloc_irq_vectors(pdev, 1, nvec, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	fh->ncpus = ret;
	fh->vecs = kcalloc(fh->ncpus, sizeof(*fh->vecs), GFP_KERNEL);
	if (!fh->vecs) {
		ret = -ENOMEM;
		goto err_free_vectors;
	}
	for (i = 0; i < fh->ncpus; i++) {
		fh->vecs[i].fh = fh;
		fh->vecs[i].cpu = i;
		fh->vecs[i].irq = pci_irq_vector(pdev, i);
		ret = request_irq(fh->vecs[i].irq, fh_irq, 0, FH_NAME, &fh->vecs[i]);
		if (ret)
			goto err_free_irqs;
		fh->vecs[i].requested = true;
		/* Vector N is CPU N's SINT 2: deliver it there. */
		if (cpu_online(i))
			irq_set_affinity_and_hint(fh->vecs[i].irq, cpumask_of(i));
	}
	return 0;

err_free_irqs:
	fh_free_irqs(fh);
	kfree(fh->vecs);
	fh->vecs = NULL;
err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

/*
 * A CPU came (back) online: its vector is delivered to it again.  Offlining it moved
 * the vector to another CPU, where hvis_vmbus_isr() still reads this CPU's pages.
 */
static int fh_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct fakehost *fh = hlist_entry_safe(node, struct fakehost, cpuhp_node);

	if (cpu < fh->ncpus && fh->vecs[cpu].requested)
		irq_set_affinity_and_hint(fh->vecs[cpu].irq, cpumask_of(cpu));
	return 0;
}

static void fh_link_set(struct fakehost *fh, bool attached)
{
	struct hvis_link_header *h = fh->hdr;

	if (attached) {
		WRITE_ONCE(h->guest_bar_gpa, pci_resource_start(fh->pdev, IVSHMEM_BAR_SHM));
		WRITE_ONCE(h->guest_cpus, fh->ncpus);
		WRITE_ONCE(h->guest_generation, READ_ONCE(h->guest_generation) + 1);
	}
	/* guest_bar_gpa, guest_cpus and the generation are visible before the state. */
	virt_wmb();
	WRITE_ONCE(h->guest_state, attached ? HVIS_LINK_GUEST_ATTACHED : HVIS_LINK_GUEST_DETACHED);
	/* ... and the state before the doorbell. */
	virt_mb();
	fh_ring(fh, HVIS_LINK_HVEC_ATTACH);
}

static int fh_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	resource_size_t shm_len, shm_start;
	struct hvis_link_header *h;
	u32 bar_bytes, link_bytes;
	struct fakehost *fh;
	const char *bad;
	unsigned int cpu;
	int ret;

	fh = kzalloc(sizeof(*fh), GFP_KERNEL);
	if (!fh)
		return -ENOMEM;
	fh->pdev = pdev;
	spin_lock_init(&fh->post_lock);
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free_fh;
	ret = pci_request_regions(pdev, FH_NAME);
	if (ret)
		goto err_disable_device;
	fh->regs = pci_iomap(pdev, IVSHMEM_BAR_REGS, 0);
	if (!fh->regs) {
		ret = -ENOMEM;
		goto err_release_regions;
	}
	shm_len = pci_resource_len(pdev, IVSHMEM_BAR_SHM);
	ret = fh_check_link(pdev, shm_len, &bar_bytes);
	if (ret)
		goto err_unmap_regs;
	if (bar_bytes < sizeof(struct hvis_link_header) || bar_bytes > shm_len) {
		dev_err(&pdev->dev, "hvis link header: bad bar_bytes %u (BAR2 has %pa)\n",
			bar_bytes, &shm_len);
		ret = -ENODEV;
		goto err_unmap_regs;
	}
	shm_start = pci_resource_start(pdev, IVSHMEM_BAR_SHM);
	h = memremap(shm_start, sizeof(*h), MEMREMAP_WB);
	if (!h) {
		ret = -ENOMEM;
		goto err_unmap_regs;
	}
	link_bytes = fh_link_bytes(h, bar_bytes);
	if (link_bytes && link_bytes < bar_bytes) {
		fh->vram.name = "hvis fake-host VRAM";
		fh->vram.flags = IORESOURCE_MEM;
		fh->vram.start = shm_start + READ_ONCE(h->vram_off);
		fh->vram.end = fh->vram.start + READ_ONCE(h->vram_bytes) - 1;
	}
	memunmap(h);
	if (!link_bytes) {
		dev_err(&pdev->dev, "hvis link header: bad vram_off/vram_bytes\n");
		ret = -ENODEV;
		goto err_unmap_regs;
	}
	/* The VRAM is its users' to map: ours is the link proper. */
	fh->shm = memremap(shm_start, link_bytes, MEMREMAP_WB);
	if (!fh->shm) {
		ret = -ENOMEM;
		goto err_unmap_regs;
	}
	fh->hdr = (struct hvis_link_header *)fh->shm;
	bad = fh_validate(fh, link_bytes);
	if (bad) {
		dev_err(&pdev->dev, "hvis link header: bad %s\n", bad);
		ret = -ENODEV;
		goto err_unmap_shm;
	}
	/* Without bus mastering QEMU silently drops the device's MSI-X writes. */
	pci_set_master(pdev);
	ret = fh_setup_irqs(fh);
	if (ret)
		goto err_clear_master;
	/* Messages left over from an earlier attach are not ours. */
	for (cpu = 0; cpu < fh->ncpus; cpu++) {
		memset(fh_msg_page(fh, cpu), 0, HV_HYP_PAGE_SIZE);
		memset(fh_event_page(fh, cpu), 0, HV_HYP_PAGE_SIZE);
	}
	fh->tail = READ_ONCE(fh->msgq_ctl->tail);
	pci_set_drvdata(pdev, fh);
	/* Before the core's own hotplug state (attach), so torn down after it. */
	cpuhp_state_add_instance_nocalls(fh_cpuhp_state, &fh->cpuhp_node);
	fh_link_set(fh, true);
	ret = hvis_vmbus_attach(&fh_ops, fh, &pdev->dev);
	if (ret)
		goto err_detach_link;
	dev_info(&pdev->dev, "fake-host link attached, %u CPU%s\n", fh->ncpus,
		 fh->ncpus == 1 ? "" : "s");
	return 0;

err_detach_link:
	fh_link_set(fh, false);
	cpuhp_state_remove_instance_nocalls(fh_cpuhp_state, &fh->cpuhp_node);
	fh_free_irqs(fh);
	kfree(fh->vecs);
	pci_free_irq_vectors(pdev);
err_clear_master:
	pci_clear_master(pdev);
err_unmap_shm:
	memunmap(fh->shm);
err_unmap_regs:
	pci_iounmap(pdev, fh->regs);
err_release_regions:
	pci_release_regions(pdev);
err_disable_device:
	pci_disable_device(pdev);
err_free_fh:
	kfree(fh);
	return ret;
}

static void fh_remove(struct pci_dev *pdev)
{
	struct fakehost *fh = pci_get_drvdata(pdev);

	hvis_vmbus_detach(&fh_ops);
	fh_link_set(fh, false);
	cpuhp_state_remove_instance_nocalls(fh_cpuhp_state, &fh->cpuhp_node);
	fh_free_irqs(fh);
	kfree(fh->vecs);
	pci_free_irq_vectors(pdev);
	pci_clear_master(pdev);
	memunmap(fh->shm);
	pci_iounmap(pdev, fh->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	kfree(fh);
}

/*
 * Reboot, power-off or kexec: the rings live in guest RAM that the next kernel
 * reuses, so the host must stop writing into them now.  The VMBus devices (our
 * children) have been shut down already.  UNLOAD first, as upstream's
 * hv_kexec_handler; detaching the link then stands for its SynIC cleanup.
 */
static void fh_shutdown(struct pci_dev *pdev)
{
	struct fakehost *fh = pci_get_drvdata(pdev);

	if (!fh)
		return;
	hvis_vmbus_shutdown(&fh_ops);
	fh_link_set(fh, false);
	pci_clear_master(pdev);
}

/* No MODULE_DEVICE_TABLE on purpose: see the top of this file. */
static const struct pci_device_id fh_ids[] = {
	{ PCI_DEVICE(IVSHMEM_VENDOR, IVSHMEM_DEVICE) },
	{ }
};

static struct pci_driver fh_driver = {
	.name = FH_NAME,
	.id_table = fh_ids,
	.probe = fh_probe,
	.remove = fh_remove,
	.shutdown = fh_shutdown,
};

static int __init fh_init(void)
{
	int ret;

	ret = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN, "hvis_vmbus_fakehost:online",
				      fh_cpu_online, NULL);
	if (ret < 0)
		return ret;
	fh_cpuhp_state = ret;
	ret = pci_register_driver(&fh_driver);
	if (ret)
		cpuhp_remove_multi_state(fh_cpuhp_state);
	return ret;
}
module_init(fh_init);

static void __exit fh_exit(void)
{
	pci_unregister_driver(&fh_driver);
	cpuhp_remove_multi_state(fh_cpuhp_state);
}
module_exit(fh_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvis VMBus fake-host transport (ivshmem link; tests only)");
