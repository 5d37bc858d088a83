// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu_hotplug.c: channels and CPU hotplug.  While a transport is attached, a CPU
 * going offline first hands every channel that interrupts it to another CPU
 * (MODIFYCHANNEL, channel_mgmt.c), so no channel is left with an interrupt nobody
 * takes.  If a channel cannot move (a host below VMBus 4.1, the host refusing, the
 * CPU that receives VMBus messages), the CPU stays online and the log says why.
 * Upstream refuses to offline any CPU that still has channels and leaves moving them
 * to the user (drivers/hv/hv.c hv_synic_cleanup); hvis moves them itself.
 *
 * A CPU that comes online gets nothing here: the transports give it its SynIC pages
 * or its interrupt vector (their own hotplug states, registered before this one, so
 * that this one is torn down first), and channels move to it only when asked
 * (sysfs channels/<relid>/cpu), as upstream.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/slab.h>
#include "core.h"

static int hvis_cpuhp_state = -1;

/* The usable CPU other than @gone with the fewest channels; nr_cpu_ids if none. */
static unsigned int pick_other_cpu(unsigned int gone, const unsigned int *load)
{
	unsigned int cpu, best = nr_cpu_ids;

	for_each_online_cpu(cpu) {
		if (cpu == gone || !hvis_connection_cpu_ok(cpu))
			continue;
		if (best == nr_cpu_ids || load[cpu] < load[best])
			best = cpu;
	}
	return best;
}

static int hvis_cpu_offline(unsigned int gone)
{
	struct hvis_channel *ch;
	unsigned int *load, relid, to, moved = 0;
	int ret = 0;

	if (gone == HVIS_CONNECT_CPU) {
		pr_notice("CPU %u receives the VMBus messages and stays online\n", gone);
		return -EBUSY;
	}
	load = kcalloc(nr_cpu_ids, sizeof(*load), GFP_KERNEL);
	if (!load)
		return -ENOMEM;
	mutex_lock(&hvis_conn.chan_mutex);
	for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS; relid++) {
		ch = hvis_channel_mgmt_get(relid);
		if (ch && READ_ONCE(ch->target_cpu) < nr_cpu_ids)
			load[READ_ONCE(ch->target_cpu)]++;
	}
	for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS && !ret; relid++) {
		ch = hvis_channel_mgmt_get(relid);
		if (!ch || READ_ONCE(ch->target_cpu) != gone)
			continue;
		to = pick_other_cpu(gone, load);
		ret = to < nr_cpu_ids ? hvis_channel_mgmt_retarget(ch, to) : -ENOSPC;
		if (ret == -ENODEV) {
			/* Rescinded meanwhile: it needs no CPU any more. */
			ret = 0;
			continue;
		}
		if (ret) {
			pr_notice("CPU %u stays online: channel %u cannot move (%s, error %d)\n",
				  gone, relid, ret == -EOPNOTSUPP ?
				  "the host's VMBus version has no MODIFYCHANNEL" :
				  "no other CPU or the host refused", ret);
			break;
		}
		load[to]++;
		moved++;
		/*
		 * Events the host flagged on the old CPU before it took the change: one
		 * pass of the channel's callback picks them up.
		 */
		if (READ_ONCE(ch->state) == HVIS_CHAN_OPENED)
			tasklet_schedule(&ch->tasklet);
	}
	mutex_unlock(&hvis_conn.chan_mutex);
	kfree(load);
	if (moved && !ret)
		pr_info("CPU %u going offline: %u channel(s) moved to other CPUs\n", gone, moved);
	return ret ? -EBUSY : 0;
}

int hvis_cpu_hotplug_start(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hvis_vmbus:channels", NULL,
					hvis_cpu_offline);
	if (ret < 0)
		return ret;
	hvis_cpuhp_state = ret;
	return 0;
}

void hvis_cpu_hotplug_stop(void)
{
	if (hvis_cpuhp_state < 0)
		return;
	cpuhp_remove_state_nocalls(hvis_cpuhp_state);
	hvis_cpuhp_state = -1;
}
