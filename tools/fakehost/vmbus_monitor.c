// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_monitor.c: monitored notification, the host's side.  The guest names two
 * monitor pages in INITIATE_CONTACT (monitor_page1: host to guest, monitor_page2:
 * guest to host).  A channel offered with monitor_allocated and monitorid N does not
 * ring the doorbell: upstream's guest sets bit N % 32 of trigger_group[N / 32].pending
 * in the second page (drivers/hv/channel.c vmbus_setevent), and Hyper-V finds it when
 * it looks, at most the slot's latency later.  Here:
 *
 *   offer          write latency[grp][bit] (100 ns units) and parameter[grp][bit]
 *                  (connection id) into both pages, as the host owns those fields
 *                  (include/linux/hyperv.h struct hv_monitor_page; the guest's sysfs
 *                  client_/server_monitor_latency and _conn_id read them back)
 *   scan           every monitor_latency_us while a monitored channel is open: take
 *                  each group's pending bits (atomic exchange with 0) and treat each
 *                  bit as its channel's signal (the backend's packets())
 *   nothing open   no scan is scheduled: the loop sleeps as before
 *
 * Which classes get a monitor: the backends that set ops->monitored (storage and
 * network, which Hyper-V offers monitored), unless --no-monitor or the device's
 * +nomonitor says otherwise; +monitor asks for one on any class.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "vmbus_host_priv.h"

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

void host_monitor_reset(struct vmbus_host *h)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (h->monitor_pages[i])
			guest_mem_unmap(h->monitor_pages[i], 1);
		h->monitor_pages[i] = NULL;
	}
	h->monitor_next_ns = 0;
}

static struct hv_monitor_page *map_page(struct vmbus_host *h, u64 gpa, const char *what)
{
	u64 pfn = gpa / GUEST_PAGE_SIZE;
	void *p;

	if (!h->mem || h->mem->fd < 0)
		return NULL;
	p = gpa % GUEST_PAGE_SIZE ? NULL : guest_mem_map(h->mem, &pfn, 1);
	if (!p)
		host_guest_error(h, what, "msg=INITIATE_CONTACT %s=%#llx (not a guest RAM page)",
				 what, (unsigned long long)gpa);
	return p;
}

void host_monitor_connect(struct vmbus_host *h, u64 page1_gpa, u64 page2_gpa)
{
	host_monitor_reset(h);
	h->monitor_pages[0] = map_page(h, page1_gpa, "monitor_page1");
	h->monitor_pages[1] = map_page(h, page2_gpa, "monitor_page2");
}

bool host_monitor_wanted(const struct vmbus_host *h, const struct host_device *dev)
{
	if (dev->monitor)
		return true;
	if (dev->no_monitor || h->no_monitor)
		return false;
	/* Without the guest's page to scan, a monitored channel would never be heard. */
	if (h->mem && h->mem->fd >= 0 && !h->monitor_pages[1])
		return false;
	return dev->ops->monitored;
}

static u16 latency_100ns(const struct vmbus_host *h)
{
	u64 v = (u64)h->monitor_latency_us * 10;

	return v > 0xffff ? 0xffff : (u16)v;
}

void host_monitor_offered(struct vmbus_host *h, const struct host_channel *ch)
{
	u32 grp = (u32)ch->monitor_id / VMBUS_MONITOR_PER_GROUP;
	u32 bit = (u32)ch->monitor_id % VMBUS_MONITOR_PER_GROUP;
	struct hv_monitor_parameter prm = { .connection_id = ch->conn_id };
	u16 lat = latency_100ns(h);
	int i;

	if (ch->monitor_id < 0 || ch->monitor_id > (int)VMBUS_MAX_MONITOR_ID)
		return;
	for (i = 0; i < 2; i++) {
		struct hv_monitor_page *mp = h->monitor_pages[i];

		if (!mp)
			continue;
		memcpy(&mp->latency[grp][bit], &lat, sizeof(lat));
		memcpy(&mp->parameter[grp][bit], &prm, sizeof(prm));
	}
}

/* True if some open channel has a monitor id (a scan has something to find). */
static bool monitored_open(const struct vmbus_host *h)
{
	const struct host_channel *ch;

	if (!h->monitor_pages[1])
		return false;
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->monitor_id >= 0 && ch->state == CHAN_OPEN)
			return true;
	return false;
}

s64 host_monitor_next_ns(struct vmbus_host *h)
{
	u64 now;

	if (!monitored_open(h)) {
		h->monitor_next_ns = 0;
		return -1;
	}
	now = mono_ns();
	if (!h->monitor_next_ns)
		h->monitor_next_ns = now + (u64)h->monitor_latency_us * 1000;
	return h->monitor_next_ns > now ? (s64)(h->monitor_next_ns - now) : 0;
}

static struct host_channel *channel_by_monitor_id(struct vmbus_host *h, int id)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->monitor_id == id)
			return ch;
	return NULL;
}

void host_monitor_service(struct vmbus_host *h)
{
	struct hv_monitor_page *mp = h->monitor_pages[1];
	u32 pending[VMBUS_MONITOR_GROUPS];
	bool found = false;
	u64 now;
	u32 g;

	if (!h->monitor_next_ns || !mp)
		return;
	now = mono_ns();
	if (now < h->monitor_next_ns)
		return;
	h->monitor_next_ns = now + (u64)h->monitor_latency_us * 1000;
	h->monitor_scans++;
	/* Take every group's bits first: a backend's packets() may change the channels. */
	for (g = 0; g < VMBUS_MONITOR_GROUPS; g++) {
		u32 *p = (u32 *)((u8 *)mp + offsetof(struct hv_monitor_page, trigger_group) +
				 g * sizeof(struct hv_monitor_trigger_group) +
				 offsetof(struct hv_monitor_trigger_group, pending));

		pending[g] = __atomic_load_n(p, __ATOMIC_RELAXED) ?
			     __atomic_exchange_n(p, 0, __ATOMIC_ACQ_REL) : 0;
		found |= pending[g] != 0;
	}
	if (!found)
		return;
	h->monitor_wakeups++;
	for (g = 0; g < VMBUS_MONITOR_GROUPS; g++) {
		while (pending[g]) {
			u32 b = (u32)__builtin_ctz(pending[g]);
			struct host_channel *ch;

			pending[g] &= pending[g] - 1;
			ch = channel_by_monitor_id(h, (int)(g * VMBUS_MONITOR_PER_GROUP + b));
			/* A bit of a slot nobody holds or of a closed channel: nothing to do. */
			if (!ch || ch->state != CHAN_OPEN || !ch->dev)
				continue;
			ch->stats.monitor_in++;
			ch->dev->ops->packets(ch);
		}
	}
}

void host_monitor_status(const struct vmbus_host *h, char *buf, size_t len)
{
	snprintf(buf, len, "monitor default=%s latency_us=%u page1=%s page2=%s scans=%llu wakeups=%llu",
		 h->no_monitor ? "off" : "on", h->monitor_latency_us,
		 h->monitor_pages[0] ? "mapped" : "none", h->monitor_pages[1] ? "mapped" : "none",
		 (unsigned long long)h->monitor_scans, (unsigned long long)h->monitor_wakeups);
}
