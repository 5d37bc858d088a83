// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_kexec.c: what the fake host does for a kernel that follows another
 * (docs/fakehost-ctl.md, "kexec and kdump"): a new INITIATE_CONTACT while the old
 * connection still has an open channel and GPADLs resets it first, as OpenVMM's
 * vmbus_server does, and the guest's panic report in the link header (crash_log.c).
 */
#include "fakehost_test.h"
#include "crash_log.h"

#define RING_PFN	64u
#define RING_PAGES	8u
#define GPADL_ID	0xe1e10u

static void open_echo(struct world *w)
{
	guest_gpadl_range(w, 1, GPADL_ID, RING_PFN, RING_PAGES);
	guest_open(w, 1, GPADL_ID, RING_PAGES / 2, 0);
}

static void test_contact_while_connected_resets_the_old_connection(void)
{
	const struct rec_msg *m;
	struct vmbus_channel_version_response resp;
	struct world w;

	world_init(&w, 2);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	guest_connect(&w);
	open_echo(&w);
	tap_check(w.h.channels && w.h.channels->state == CHAN_OPEN && w.h.gpadls,
		  "contact: the old kernel's channel is open on a GPADL");
	rec_clear(&w.r);
	guest_contact(&w, VERSION_WIN10_V5_3, 1);
	tap_check(rec_has_event(&w.r, "VMBUS_RESET reason=initiate_contact"),
		  "contact: VMBUS_RESET reason=initiate_contact");
	tap_check(!w.h.channels && !w.h.gpadls, "contact: channels and GPADLs are gone");
	m = rec_last(&w.r, CHANNELMSG_VERSION_RESPONSE);
	tap_check(m != NULL, "contact: answered");
	if (m) {
		memcpy(&resp, m->data, sizeof(resp));
		tap_check(resp.version_supported && m->cpu == 1 && w.h.state == HOST_CONNECTED,
			  "contact: accepted on the new kernel's CPU, connected");
	}
	tap_check(rec_event_index(&w.r, "VMBUS_RESET") < rec_event_index(&w.r, "VERSION_NEGOTIATED"),
		  "contact: the reset comes before the answer");
	rec_clear(&w.r);
	guest_simple(&w, CHANNELMSG_REQUESTOFFERS);
	tap_check(rec_has_event(&w.r, "OFFER_SENT relid=1 class=echo"),
		  "contact: the device is offered again as relid 1");
	rec_clear(&w.r);
	open_echo(&w);
	tap_check(rec_has_event(&w.r, "GPADL_CREATED") && !rec_has_event(&w.r, "GUEST_ERROR"),
		  "contact: the old GPADL handle is free for the new kernel");
	tap_check(w.h.channels && w.h.channels->state == CHAN_OPEN, "contact: the channel opens again");
	world_uninit(&w);
}

static void report(struct hvis_link_header *hdr, u64 gpa, u64 len, u64 ctl)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->crash_p[3] = gpa;
	hdr->crash_p[4] = len;
	hdr->crash_ctl = ctl;
}

static void test_crash_report(void)
{
	static const char text[] = "Kernel panic - not syncing: NMI: Not continuing\n";
	static struct hvis_link_header hdr;
	static struct crash_log cl;
	struct event_log ev;
	struct world w;
	const u64 ctl = HVIS_LINK_CRASH_NOTIFY | HVIS_LINK_CRASH_NOTIFY_MSG;
	const u64 gpa = 20 * GUEST_PAGE_SIZE + 128;

	world_init(&w, 1);
	events_init(&ev, NULL, EVENTS_KEEP_DEFAULT);
	memcpy(w.ram + gpa, text, sizeof(text) - 1);

	memset(&hdr, 0, sizeof(hdr));
	tap_check(!crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && !cl.reports,
		  "crash: nothing without CRASH_NOTIFY");
	report(&hdr, gpa, sizeof(text) - 1, ctl);
	tap_check(crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && cl.reports == 1,
		  "crash: a report is taken");
	tap_check(cl.len == sizeof(text) - 1 && !strcmp(cl.text, text) && hdr.crash_ctl == 0,
		  "crash: the log text is kept and crash_ctl cleared");
	tap_check(events_find(&ev, "CRASH_NOTIFY", 0) != 0, "crash: CRASH_NOTIFY event");
	tap_check(!crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && cl.reports == 1,
		  "crash: a report is taken once");

	rec_clear(&w.r);
	report(&hdr, 20 * GUEST_PAGE_SIZE, HVIS_LINK_CRASH_LOG_MAX + 1, ctl);
	tap_check(crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && cl.len == 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=crash_p3"),
		  "crash: a log longer than a page is refused, naming crash_p3");
	rec_clear(&w.r);
	report(&hdr, gpa, GUEST_PAGE_SIZE - 64, ctl);
	tap_check(crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && cl.len == 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=crash_p3"),
		  "crash: a log crossing its page is refused");
	rec_clear(&w.r);
	report(&hdr, TEST_RAM_BYTES, 16, ctl);
	tap_check(crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && cl.len == 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=crash_p3"),
		  "crash: a log outside guest RAM is refused");
	report(&hdr, 0, 0, HVIS_LINK_CRASH_NOTIFY);
	tap_check(crash_log_check(&cl, &hdr, &w.mem, &w.h, &ev) && cl.len == 0 && cl.reports == 5,
		  "crash: a report without a message has no text");
	events_uninit(&ev);
	world_uninit(&w);
}

int main(void)
{
	test_contact_while_connected_resets_the_old_connection();
	test_crash_report();
	return tap_done();
}
