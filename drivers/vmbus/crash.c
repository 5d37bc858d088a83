// SPDX-License-Identifier: GPL-2.0-only
/*
 * crash.c: what the bus does when the kernel panics.
 *
 * 1. A panic notifier unloads the VMBus connection without sleeping and without
 *    interrupts: it posts CHANNELMSG_UNLOAD and polls the SynIC message slots for
 *    UNLOAD_RESPONSE, so the host forgets the channels whose rings lie in this
 *    kernel's memory before a kdump kernel (or the reboot) starts.  Upstream does the
 *    same from its panic notifier and crash_shutdown hook (drivers/hv/channel_mgmt.c
 *    vmbus_initiate_unload(true), vmbus_wait_for_unload).  An out-of-tree module
 *    cannot hook machine_ops.crash_shutdown, and crash_kexec_post_notifiers is not
 *    exported: panic notifiers run before a kdump kernel only when the command line
 *    has crash_kexec_post_notifiers (Hyper-V guests get it from the kernel's built-in
 *    drivers/hv/hv_common.c).  Without it the kdump kernel finds the old connection
 *    and the host resets it on the new INITIATE_CONTACT.
 * 2. On a transport with a crash_report op (the fake host), a kmsg dumper copies the
 *    newest kernel log into a page and hands the host its address and length, as
 *    upstream's hv_kmsg_dump does with HV_X64_MSR_CRASH_P3/P4 (drivers/hv/hv_common.c).
 *    On Hyper-V the kernel's built-in hv_common.c already does exactly that, so the
 *    Hyper-V transport has no such op.
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kmsg_dump.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include "core.h"
#include "transport.h"

/* drivers/hv/channel_mgmt.c: poll every 10 ms, give up after 100 s. */
#define CRASH_UNLOAD_STEP_MS	10
#define CRASH_UNLOAD_WAIT_MS	100000
#define CRASH_POST_TRIES	100

static atomic_t crash_unload_done;
static void *crash_page;
static const struct hvis_transport_ops *crash_ops;

/* Frees slot 2 of @cpu; true if it held UNLOAD_RESPONSE. */
static bool crash_take_slot(const struct hvis_transport_ops *ops, unsigned int cpu)
{
	const struct vmbus_channel_message_header *hdr;
	struct hv_message copy;

	if (!hvis_msg_take(ops, cpu, &copy))
		return false;
	hdr = (const void *)copy.payload;
	return copy.header.payload_size >= sizeof(*hdr) &&
	       hdr->msgtype == CHANNELMSG_UNLOAD_RESPONSE;
}

static int crash_post_unload(const struct hvis_transport_ops *ops)
{
	struct vmbus_channel_message_header msg = { .msgtype = CHANNELMSG_UNLOAD };
	int i, ret = -EAGAIN;

	for (i = 0; i < CRASH_POST_TRIES && ret == -EAGAIN; i++) {
		ret = ops->post_msg(hvis_conn.priv, READ_ONCE(hvis_conn.msg_conn_id),
				    HV_POST_MESSAGE_TYPE_VMBUS, &msg, sizeof(msg));
		if (ret == -EAGAIN)
			mdelay(1);
	}
	return ret;
}

/*
 * The panic path's UNLOAD: other CPUs are stopped and interrupts are off, so nothing
 * else reads the message slots; every message but UNLOAD_RESPONSE is dropped.
 */
static void crash_unload(void)
{
	const struct hvis_transport_ops *ops = READ_ONCE(hvis_conn.ops);
	unsigned int cpu, waited;
	bool done = false;

	/* Pre-3.0 hosts have no UNLOAD (channel_mgmt.c); only the first caller sends. */
	if (!ops || !READ_ONCE(hvis_conn.connected) ||
	    READ_ONCE(hvis_conn.version) < VERSION_WIN8_1 || atomic_xchg(&crash_unload_done, 1))
		return;
	if (crash_post_unload(ops)) {
		pr_emerg("panic: posting UNLOAD failed\n");
		return;
	}
	for (waited = 0; !done && waited < CRASH_UNLOAD_WAIT_MS; waited += CRASH_UNLOAD_STEP_MS) {
		for_each_present_cpu(cpu)
			done |= crash_take_slot(ops, cpu);
		if (!done)
			mdelay(CRASH_UNLOAD_STEP_MS);
	}
	/* Leave every slot free for the next kernel. */
	for_each_present_cpu(cpu)
		crash_take_slot(ops, cpu);
	WRITE_ONCE(hvis_conn.connected, false);
	if (done)
		pr_emerg("panic: VMBus unloaded\n");
	else
		pr_emerg("panic: continuing although the host did not answer UNLOAD\n");
}

static int crash_panic_notify(struct notifier_block *nb, unsigned long val, void *args)
{
	crash_unload();
	return NOTIFY_DONE;
}

/* Last of the panic notifiers, as upstream's hyperv_panic_vmbus_unload_block. */
static struct notifier_block crash_panic_block = {
	.notifier_call = crash_panic_notify,
	.priority = INT_MIN + 1,
};

static void crash_kmsg_dump(HVIS_KMSG_DUMP_ARGS)
{
	const struct hvis_transport_ops *ops = READ_ONCE(crash_ops);
	enum kmsg_dump_reason why = HVIS_KMSG_DUMP_REASON;
	struct kmsg_dump_iter iter;
	size_t len = 0;

	if (why != KMSG_DUMP_PANIC || !ops || !crash_page)
		return;
	/* Single-threaded by now; a failed read still reports the panic, with no text. */
	kmsg_dump_rewind(&iter);
	kmsg_dump_get_buffer(&iter, false, crash_page, PAGE_SIZE, &len);
	ops->crash_report(hvis_conn.priv, len ? virt_to_phys(crash_page) : 0, len);
}

static struct kmsg_dumper crash_dumper = {
	.dump = crash_kmsg_dump,
};

/* Called by attach with the attach lock held, once the connection is up. */
void hvis_crash_attach(const struct hvis_transport_ops *ops)
{
	atomic_set(&crash_unload_done, 0);
	if (!ops->crash_report)
		return;
	crash_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!crash_page) {
		pr_warn("no page for the panic log: the host gets none\n");
		return;
	}
	WRITE_ONCE(crash_ops, ops);
	if (kmsg_dump_register(&crash_dumper)) {
		WRITE_ONCE(crash_ops, NULL);
		free_page((unsigned long)crash_page);
		crash_page = NULL;
	}
}

/* Called by detach with the attach lock held. */
void hvis_crash_detach(void)
{
	if (!crash_page)
		return;
	kmsg_dump_unregister(&crash_dumper);
	WRITE_ONCE(crash_ops, NULL);
	free_page((unsigned long)crash_page);
	crash_page = NULL;
}

void hvis_crash_init(void)
{
	atomic_notifier_chain_register(&panic_notifier_list, &crash_panic_block);
}

void hvis_crash_uninit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &crash_panic_block);
}
