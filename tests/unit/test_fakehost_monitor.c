// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_monitor.c: monitored notification on the fake host
 * (tools/fakehost/vmbus_monitor.c): which offers carry a monitor id, what the host
 * writes into the guest's monitor pages, and the scan that turns a trigger bit into
 * the channel's signal.
 */
#include <stddef.h>
#include "fakehost_test.h"

#define MON1_PFN	100	/* monitor_page1: host to guest */
#define MON2_PFN	101	/* monitor_page2: guest to host */
#define RING_PFN	512

static struct host_device_ops monitored_echo;	/* the echo backend with .monitored */

static void contact_with_monitor_pages(struct world *w)
{
	struct vmbus_channel_initiate_contact m = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = VERSION_WIN10_V5_3,
		.msg_sint = VMBUS_MESSAGE_SINT,
		.monitor_page1 = (u64)MON1_PFN * GUEST_PAGE_SIZE,
		.monitor_page2 = (u64)MON2_PFN * GUEST_PAGE_SIZE,
	};

	post(w, VMBUS_MESSAGE_CONNECTION_ID_4, &m, sizeof(m));
	guest_simple(w, CHANNELMSG_REQUESTOFFERS);
}

static struct hv_monitor_page *guest_page(struct world *w, u32 pfn)
{
	return (struct hv_monitor_page *)(w->ram + (u64)pfn * GUEST_PAGE_SIZE);
}

static u32 *pending_of(struct world *w, u32 grp)
{
	return (u32 *)((u8 *)guest_page(w, MON2_PFN) +
		       offsetof(struct hv_monitor_page, trigger_group) +
		       grp * sizeof(struct hv_monitor_trigger_group));
}

static void test_which_offers_are_monitored(void)
{
	struct vmbus_channel_offer_channel o;
	struct hv_monitor_page *mp;
	struct world w;
	u16 lat;
	u32 conn;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	host_add_device(&w.h, &monitored_echo, NULL, 0);
	host_add_device_flags(&w.h, &monitored_echo, NULL, 0, HOST_DEV_NO_MONITOR);
	host_add_device_flags(&w.h, &dev_echo_ops, NULL, 0, HOST_DEV_MONITOR);
	contact_with_monitor_pages(&w);
	tap_check(offer_of(&w.r, 1, &o) && !o.monitor_allocated,
		  "a class that is not monitored is offered without a monitor");
	tap_check(offer_of(&w.r, 2, &o) && o.monitor_allocated == 1 && o.monitorid == 0,
		  "a monitored class (storage, network) gets monitorid 0 by default");
	tap_check(offer_of(&w.r, 3, &o) && !o.monitor_allocated,
		  "+nomonitor: a monitored class is offered without one");
	tap_check(offer_of(&w.r, 4, &o) && o.monitor_allocated == 1 && o.monitorid == 1,
		  "+monitor: any class gets one (monitorid 1)");
	mp = guest_page(&w, MON2_PFN);
	memcpy(&lat, &mp->latency[0][1], sizeof(lat));
	memcpy(&conn, &mp->parameter[0][1].connection_id, sizeof(conn));
	tap_check(lat == HOST_MONITOR_LATENCY_US * 10 && conn == 4,
		  "the guest's page: slot 1's latency is %u us in 100 ns units, its connection id relid 4 (got %u, %u)",
		  HOST_MONITOR_LATENCY_US, lat, conn);
	mp = guest_page(&w, MON1_PFN);
	memcpy(&lat, &mp->latency[0][0], sizeof(lat));
	tap_check(lat == HOST_MONITOR_LATENCY_US * 10, "the host's page carries the latency too");
	world_uninit(&w);

	world_init(&w, 1);
	w.h.no_monitor = true;
	host_add_device(&w.h, &monitored_echo, NULL, 0);
	host_add_device_flags(&w.h, &dev_echo_ops, NULL, 0, HOST_DEV_MONITOR);
	contact_with_monitor_pages(&w);
	tap_check(offer_of(&w.r, 1, &o) && !o.monitor_allocated,
		  "--no-monitor: a monitored class is offered without one");
	tap_check(offer_of(&w.r, 2, &o) && o.monitor_allocated == 1,
		  "--no-monitor: +monitor still gets one");
	world_uninit(&w);
}

static void test_scan_turns_a_trigger_into_the_signal(void)
{
	static const char text[] = "monitored";
	struct hvis_ring out, in;
	struct host_channel *ch;
	struct hvis_kvec v = { text, sizeof(text) };
	u8 pkt[256];
	bool sig = false;
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &monitored_echo, NULL, 0);
	contact_with_monitor_pages(&w);
	tap_check(host_monitor_next_ns(&w.h) == -1, "no monitored channel open: no scan scheduled");
	guest_rings(&w, RING_PFN, 8, 4, &out, &in);
	guest_gpadl_range(&w, 1, 0xe1e10, RING_PFN, 8);
	guest_open(&w, 1, 0xe1e10, 4, 0);
	ch = host_channel_by_relid(&w.h, 1);
	tap_check(ch && ch->state == CHAN_OPEN && ch->monitor_id == 0, "the monitored echo opens");
	tap_check(host_monitor_next_ns(&w.h) >= 0, "a monitored channel is open: a scan is due");

	/* Not due yet: nothing is read. */
	w.h.monitor_next_ns = ~0ull >> 1;
	host_monitor_service(&w.h);
	tap_check(w.h.monitor_scans == 0, "before the latency has passed, no scan");

	/* The guest writes a packet and sets its trigger bit instead of the doorbell. */
	hvis_ring_write_packet(&out, VM_PKT_DATA_INBAND, 0, 7, &v, 1, &sig, NULL);
	__atomic_or_fetch(pending_of(&w, 0), 1u, __ATOMIC_SEQ_CST);
	*pending_of(&w, 1) = 1u << 5;	/* slot 37: nobody holds it */
	w.h.monitor_next_ns = 1;
	host_monitor_service(&w.h);
	tap_check(w.h.monitor_scans == 1 && w.h.monitor_wakeups == 1, "one scan, one wake-up");
	tap_check(*pending_of(&w, 0) == 0 && *pending_of(&w, 1) == 0,
		  "the scan cleared the trigger bits, the stray one too");
	tap_check(ch->stats.monitor_in == 1 && ch->stats.signals_in == 0,
		  "counted as a monitor trigger, not a doorbell");
	tap_check(guest_read_packet(&in, pkt, sizeof(pkt)) > 0 &&
		  !memcmp(pkt + sizeof(struct vmpacket_descriptor), text, sizeof(text)),
		  "the echo answered the packet the trigger announced");

	/* An empty scan finds nothing and wakes nobody. */
	w.h.monitor_next_ns = 1;
	host_monitor_service(&w.h);
	tap_check(w.h.monitor_scans == 2 && w.h.monitor_wakeups == 1 && ch->stats.monitor_in == 1,
		  "an empty scan is no wake-up");

	host_reset(&w.h, "test");
	tap_check(!w.h.monitor_pages[0] && !w.h.monitor_pages[1] &&
		  host_monitor_next_ns(&w.h) == -1, "after a reset the pages are unmapped, no scan");
	world_uninit(&w);
}

static void test_bad_monitor_page_costs_the_monitor(void)
{
	struct vmbus_channel_initiate_contact m = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = VERSION_WIN10_V5_3,
		.msg_sint = VMBUS_MESSAGE_SINT,
		.monitor_page1 = (u64)MON1_PFN * GUEST_PAGE_SIZE,
		.monitor_page2 = TEST_RAM_BYTES + 12345,
	};
	struct vmbus_channel_offer_channel o;
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &monitored_echo, NULL, 0);
	post(&w, VMBUS_MESSAGE_CONNECTION_ID_4, &m, sizeof(m));
	guest_simple(&w, CHANNELMSG_REQUESTOFFERS);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=monitor_page2"),
		  "a monitor_page2 outside RAM is a GUEST_ERROR");
	tap_check(offer_of(&w.r, 1, &o) && !o.monitor_allocated,
		  "without the guest's page to scan, the channel is offered without a monitor");
	world_uninit(&w);
}

int main(void)
{
	monitored_echo = dev_echo_ops;
	monitored_echo.monitored = true;
	test_which_offers_are_monitored();
	test_scan_turns_a_trigger_into_the_signal();
	test_bad_monitor_page_costs_the_monitor();
	return tap_done();
}
