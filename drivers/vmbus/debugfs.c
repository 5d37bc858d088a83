// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs.c: /sys/kernel/debug/hvis_vmbus/<relid>/stats, the per-channel counters
 * (packets and bytes each way, signals sent: doorbells apart from monitor triggers,
 * interrupts taken, ring-full events).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "core.h"

static struct dentry *hvis_debugfs_root;

static int stats_show(struct seq_file *s, void *unused)
{
	struct hvis_channel *ch = s->private;

	seq_printf(s, "relid: %u\n", ch->relid);
	seq_printf(s, "subchannel: %u\n", ch->subchannel_index);
	seq_printf(s, "state: %d\n", READ_ONCE(ch->state));
	seq_printf(s, "rescinded: %d\n", READ_ONCE(ch->rescinded));
	seq_printf(s, "broken: %d\n", READ_ONCE(ch->broken));
	seq_printf(s, "target_cpu: %u\n", READ_ONCE(ch->target_cpu));
	seq_printf(s, "out_packets: %llu\n", READ_ONCE(ch->out_stats.packets));
	seq_printf(s, "out_bytes: %llu\n", READ_ONCE(ch->out_stats.bytes));
	seq_printf(s, "in_packets: %llu\n", READ_ONCE(ch->in_stats.packets));
	seq_printf(s, "in_bytes: %llu\n", READ_ONCE(ch->in_stats.bytes));
	seq_printf(s, "in_dropped: %llu\n", READ_ONCE(ch->in_dropped));
	seq_printf(s, "budget_yields: %llu\n", READ_ONCE(ch->budget_yields));
	seq_printf(s, "pkt_buf: %u\n", READ_ONCE(ch->pkt_buf_size));
	seq_printf(s, "signals: %llu\n", READ_ONCE(ch->events));
	seq_printf(s, "monitor_triggers: %llu\n", READ_ONCE(ch->monitor_triggers));
	seq_printf(s, "monitored: %d\n", ch->monitored);
	seq_printf(s, "signals_out_empty: %llu\n", READ_ONCE(ch->out_stats.signals));
	seq_printf(s, "signals_in_full: %llu\n", READ_ONCE(ch->in_stats.signals));
	seq_printf(s, "interrupts: %llu\n", READ_ONCE(ch->interrupts));
	seq_printf(s, "out_full_first: %llu\n", READ_ONCE(ch->out_full_first));
	seq_printf(s, "out_full_total: %llu\n", READ_ONCE(ch->out_stats.full_events));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

void hvis_debugfs_channel_add(struct hvis_channel *ch)
{
	char name[16];

	if (IS_ERR_OR_NULL(hvis_debugfs_root) || ch->debugfs_dir)
		return;
	snprintf(name, sizeof(name), "%u", ch->relid);
	ch->debugfs_dir = debugfs_create_dir(name, hvis_debugfs_root);
	debugfs_create_file("stats", 0444, ch->debugfs_dir, ch, &stats_fops);
}

void hvis_debugfs_channel_del(struct hvis_channel *ch)
{
	debugfs_remove_recursive(ch->debugfs_dir);
	ch->debugfs_dir = NULL;
}

void hvis_debugfs_init(void)
{
	hvis_debugfs_root = debugfs_create_dir("hvis_vmbus", NULL);
}

void hvis_debugfs_uninit(void)
{
	debugfs_remove_recursive(hvis_debugfs_root);
	hvis_debugfs_root = NULL;
}
