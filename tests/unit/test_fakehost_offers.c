// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_offers.c: what the fake host puts in its offers (the fixed instance
 * GUIDs Hyper-V gives its integration services, distinct instances for a class
 * offered twice, a chosen instance, monitor allocation), how it takes the
 * RELID_RELEASED messages upstream's guest sends after UNLOAD, and how `reoffer` mends
 * what a garbled rescind left (a device released unasked, a rescind never seen).
 */
#include "fakehost_test.h"
#include "guid.h"
#include "pump.h"

#define BUS_PUMP_GPADL_TEST	0xf0000000u	/* pump.c's BUS_PUMP_GPADL */

/* The instance GUID text of the offer for relid, or "" if there is none. */
static const char *offered_instance(const struct recorder *r, u32 relid)
{
	static char text[GUID_TEXT_LEN];
	struct vmbus_channel_offer_channel o;
	u32 i;

	text[0] = '\0';
	for (i = 0; i < r->nmsgs; i++) {
		if (msg_type(&r->msgs[i]) != CHANNELMSG_OFFERCHANNEL)
			continue;
		memcpy(&o, r->msgs[i].data, sizeof(o));
		if (o.child_relid == relid)
			guid_to_text(&o.offer.if_instance, text);
	}
	return text;
}

static void test_ics_are_offered_with_hyperv_instances(void)
{
	static const struct {
		const struct host_device_ops *ops;
		const char *instance;
	} want[] = {
		{ &dev_heartbeat_ops, "fd149e91-82e0-4a7d-afa6-2a4166cbd7c0" },
		{ &dev_shutdown_ops, "b6650ff7-33bc-4840-8048-e0676786f393" },
		{ &dev_timesync_ops, "2dd1ce17-079e-403c-b352-a1921ee207ee" },
		{ &dev_kvp_ops, "242ff919-07db-4180-9c2e-b86cb68c8c55" },
		{ &dev_vss_ops, "2450ee40-33bf-4fbd-892e-9fb06e9214cf" },
		{ &dev_fcopy_ops, "eb765408-105f-49b6-b4aa-c123b64d17d4" },
	};
	struct world w;
	u32 i;

	world_init(&w, 1);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		host_add_device(&w.h, want[i].ops, NULL, 0);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	guest_connect(&w);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		tap_check(!strcmp(offered_instance(&w.r, i + 1), want[i].instance),
			  "%s is offered as instance %s (got %s)", want[i].ops->name,
			  want[i].instance, offered_instance(&w.r, i + 1));
	tap_check(!strcmp(offered_instance(&w.r, 7), "00000007-6876-6973-805c-1d0a2b409137"),
		  "echo (no Hyper-V instance) keeps its generated one (got %s)",
		  offered_instance(&w.r, 7));
	world_uninit(&w);
}

static void test_a_class_offered_twice_gets_distinct_instances(void)
{
	struct hvis_guid chosen;
	struct world w;
	char a[GUID_TEXT_LEN], b[GUID_TEXT_LEN];

	world_init(&w, 1);
	host_add_device(&w.h, &dev_heartbeat_ops, NULL, 0);
	host_add_device(&w.h, &dev_heartbeat_ops, NULL, 0);
	guest_connect(&w);
	strcpy(a, offered_instance(&w.r, 1));
	strcpy(b, offered_instance(&w.r, 2));
	tap_check(!strcmp(a, "fd149e91-82e0-4a7d-afa6-2a4166cbd7c0") && *b && strcmp(a, b),
		  "two heartbeats: the first has Hyper-V's instance, the second another (%s, %s)",
		  a, b);

	/* A device given the fixed GUID of another class's ... */
	guid_from_text("b6650ff7-33bc-4840-8048-e0676786f393", &chosen);
	tap_check(host_add_device(&w.h, &dev_echo_ops, &chosen, 0) != NULL,
		  "an echo device may be given the shutdown IC's instance");
	tap_check(!strcmp(offered_instance(&w.r, 3), "b6650ff7-33bc-4840-8048-e0676786f393"),
		  "it is offered with the chosen instance");
	/* ... leaves that class its own default. */
	host_add_device(&w.h, &dev_shutdown_ops, NULL, 0);
	strcpy(a, offered_instance(&w.r, 4));
	tap_check(*a && strcmp(a, "b6650ff7-33bc-4840-8048-e0676786f393"),
		  "a shutdown IC added then does not reuse the taken instance (got %s)", a);
	tap_check(host_add_device(&w.h, &dev_kvp_ops, &chosen, 0) == NULL,
		  "a chosen instance that is already configured is refused");
	world_uninit(&w);
}

static void test_a_rescinded_device_frees_its_instance(void)
{
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_kvp_ops, NULL, 0);
	guest_connect(&w);
	tap_check(host_rescind(&w.h, 1) == 0, "rescind the KVP device");
	rec_clear(&w.r);
	host_add_device(&w.h, &dev_kvp_ops, NULL, 0);
	tap_check(!strcmp(offered_instance(&w.r, 2), "242ff919-07db-4180-9c2e-b86cb68c8c55"),
		  "a KVP device added after the rescind gets Hyper-V's instance again (got %s)",
		  offered_instance(&w.r, 2));
	world_uninit(&w);
}

static void test_monitor_allocation(void)
{
	struct vmbus_channel_offer_channel o;
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	host_add_device_flags(&w.h, &dev_echo_ops, NULL, 1, HOST_DEV_MONITOR);
	host_add_device_flags(&w.h, &dev_heartbeat_ops, NULL, 0, HOST_DEV_MONITOR);
	guest_connect(&w);
	tap_check(offer_of(&w.r, 1, &o) && !o.monitor_allocated && !o.monitorid,
		  "monitor: a plain device is offered without a monitor");
	tap_check(offer_of(&w.r, 2, &o) && o.monitor_allocated == 1 && o.monitorid == 0,
		  "monitor: the first +monitor device gets monitorid 0");
	tap_check(offer_of(&w.r, 3, &o) && o.monitor_allocated == 1 && o.monitorid == 1,
		  "monitor: the next one gets monitorid 1");
	w.r.nmsgs = 0;
	host_rescind(&w.h, 3);
	host_add_device_flags(&w.h, &dev_echo_ops, NULL, 0, HOST_DEV_MONITOR);
	tap_check(offer_of(&w.r, 4, &o) && o.monitor_allocated == 1 && o.monitorid == 2,
		  "monitor: an id is not reused while its rescinded channel awaits RELID_RELEASED");
	world_uninit(&w);
}

static void release(struct world *w, u32 relid)
{
	struct vmbus_channel_relid_released m = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = relid,
	};

	post(w, VMBUS_MESSAGE_CONNECTION_ID, &m, sizeof(m));
}

static void test_relid_released_after_unload_is_accepted(void)
{
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_heartbeat_ops, NULL, 0);
	host_add_device(&w.h, &dev_echo_ops, NULL, 2);
	guest_connect(&w);
	guest_simple(&w, CHANNELMSG_UNLOAD);
	rec_clear(&w.r);
	/* As upstream's vmbus_exit: UNLOAD, then vmbus_free_channels releases each relid. */
	release(&w, 1);
	release(&w, 2);
	tap_check(w.r.nmsgs == 0 && !rec_has_event(&w.r, "GUEST_ERROR"),
		  "unload: RELID_RELEASED of channels live at UNLOAD: no GUEST_ERROR, no answer");
	tap_check(rec_count_events(&w.r, "RELID_RELEASED") == 2 &&
		  rec_has_event(&w.r, "RELID_RELEASED relid=1 after_unload=1") &&
		  rec_has_event(&w.r, "RELID_RELEASED relid=2 after_unload=1"),
		  "unload: each is logged as RELID_RELEASED after_unload=1");
	rec_clear(&w.r);
	release(&w, 1);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR"),
		  "unload: a second release of the same relid is a GUEST_ERROR");
	rec_clear(&w.r);
	release(&w, 9);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR"),
		  "unload: a release of a relid that was never offered is a GUEST_ERROR");
	/* A new connection ends the release phase. */
	guest_connect(&w);
	rec_clear(&w.r);
	release(&w, 9);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=child_relid msg=RELID_RELEASED relid=9"),
		  "connected: RELID_RELEASED of a never-offered relid is a GUEST_ERROR what=child_relid");
	world_uninit(&w);
}

static void test_relid_released_without_unload_is_an_error(void)
{
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_heartbeat_ops, NULL, 0);
	guest_connect(&w);
	host_reset(&w.h, "guest_detach");
	rec_clear(&w.r);
	release(&w, 1);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=state"),
		  "no unload: RELID_RELEASED while disconnected is a GUEST_ERROR what=state");
	world_uninit(&w);
}

/*
 * `pump on bus` (tools/fakehost/pump.c): answers nobody asked for, for a relid no channel
 * has (the top 64 of the range a guest accepts) or a GPADL id from 0xf0000000, while
 * fewer than 4 messages wait for the guest's slot.
 */
static void test_bus_pump(void)
{
	char out[256], err[256], *on[] = { "pump", "on", "bus" }, *off[] = { "pump", "off", "bus" };
	FILE *f = fmemopen(out, sizeof(out), "w");
	u32 i, n0, sent, types = 0, bad = 0, relid;
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_heartbeat_ops, NULL, 0);
	guest_connect(&w);
	n0 = w.r.nmsgs;
	tap_check(pump_ctl(&w.h, 3, on, f, err, sizeof(err)) == 0, "pump on bus");
	sent = w.r.nmsgs - n0;
	tap_check(sent == 64, "pump bus: 64 messages at once (got %u)", sent);
	for (i = n0; i < w.r.nmsgs; i++) {
		u32 t = msg_type(&w.r.msgs[i]);

		/* The first field after the 8-byte header: child_relid, or TORNDOWN's gpadl. */
		memcpy(&relid, w.r.msgs[i].data + 8, 4);
		types |= 1u << t;
		if (t == CHANNELMSG_GPADL_TORNDOWN)
			bad += (relid & 0xffff0000u) != BUS_PUMP_GPADL_TEST;
		else if (t == CHANNELMSG_OPENCHANNEL_RESULT || t == CHANNELMSG_GPADL_CREATED ||
			 t == CHANNELMSG_MODIFYCHANNEL_RESPONSE)
			bad += relid < VMBUS_MAX_CHANNEL_RELIDS - 64 || relid >= VMBUS_MAX_CHANNEL_RELIDS ||
			       host_channel_by_relid(&w.h, relid) != NULL;
		else
			bad++;
	}
	tap_check(!bad && types == (1u << CHANNELMSG_OPENCHANNEL_RESULT |
				    1u << CHANNELMSG_GPADL_CREATED | 1u << CHANNELMSG_GPADL_TORNDOWN |
				    1u << CHANNELMSG_MODIFYCHANNEL_RESPONSE),
		  "pump bus: the four answers, for unused relids and GPADL ids (%u bad)", bad);
	w.r.backlog = 4;
	n0 = w.r.nmsgs;
	pump_run(&w.h);
	tap_check(w.r.nmsgs == n0, "pump bus: nothing while 4 messages wait for the slot");
	tap_check(pump_ctl(&w.h, 3, off, f, err, sizeof(err)) == 0, "pump off bus");
	w.r.backlog = 0;
	pump_run(&w.h);
	tap_check(w.r.nmsgs == n0, "pump off bus: nothing more");
	fclose(f);
	world_uninit(&w);
}

/*
 * A rescind the hostile mode garbled can name a device the host never rescinded; the
 * guest releases it, and `reoffer CLASS` plugs it in again under a new relid.
 */
static void test_a_device_released_unasked_is_offered_again(void)
{
	struct vmbus_channel_offer_channel o;
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_heartbeat_ops, NULL, 0);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	tap_check(host_reoffer_released(&w.h, &dev_heartbeat_ops) == -EAGAIN,
		  "reoffer: nothing before the guest asks for offers");
	guest_connect(&w);
	tap_check(host_reoffer_released(&w.h, &dev_heartbeat_ops) == 0,
		  "reoffer: a device with its channel is left alone");
	rec_clear(&w.r);
	release(&w, 1);
	tap_check(rec_has_event(&w.r, "RELID_RELEASED relid=1 unsolicited=1") &&
		  !host_channel_by_relid(&w.h, 1) && w.h.devices,
		  "reoffer: an unasked release frees the channel, the device stays configured");
	tap_check(host_reoffer_released(&w.h, &dev_echo_ops) == 0,
		  "reoffer: another class's device is not touched");
	rec_clear(&w.r);
	tap_check(host_reoffer_released(&w.h, &dev_heartbeat_ops) == 1 &&
		  offer_of(&w.r, 3, &o) && rec_has_event(&w.r, "REPLUG_OFFERED relid=3 class=heartbeat"),
		  "reoffer: the heartbeat is offered again under a new relid");
	tap_check(host_reoffer_released(&w.h, &dev_heartbeat_ops) == 0,
		  "reoffer: once");
	world_uninit(&w);
}

/* The rescind messages for relid among the recorded messages. */
static unsigned int rescinds_of(const struct recorder *r, u32 relid)
{
	struct vmbus_channel_rescind_offer m;
	unsigned int n = 0;
	u32 i;

	for (i = 0; i < r->nmsgs; i++) {
		if (msg_type(&r->msgs[i]) != CHANNELMSG_RESCIND_CHANNELOFFER)
			continue;
		memcpy(&m, r->msgs[i].data, sizeof(m));
		n += m.child_relid == relid;
	}
	return n;
}

/* A guest connected to a host with a heartbeat (relid 1) and an echo device (relid 2). */
static void connect_heartbeat_and_echo(struct world *w)
{
	world_init(w, 1);
	host_add_device(&w->h, &dev_heartbeat_ops, NULL, 0);
	host_add_device(&w->h, &dev_echo_ops, NULL, 0);
	guest_connect(w);
}

/*
 * A rescind the hostile mode garbled never reached the guest, which keeps the channel;
 * `reoffer CLASS` sends it again, until the guest releases the relid, and the replug
 * then offers the device again.
 */
static void test_a_rescind_the_guest_never_saw_is_sent_again(void)
{
	struct vmbus_channel_offer_channel o;
	struct world w;

	connect_heartbeat_and_echo(&w);
	tap_check(host_rescind_again(&w.h, &dev_echo_ops) == 0,
		  "rescind again: nothing while no channel is rescinded");
	tap_check(host_replug(&w.h, host_channel_by_relid(&w.h, 2)->dev) == 0 &&
		  host_channel_by_relid(&w.h, 2)->state == CHAN_REVOKED,
		  "rescind again: the echo device is being replugged");
	rec_clear(&w.r);
	tap_check(host_rescind_again(&w.h, &dev_heartbeat_ops) == 0 && !w.r.nmsgs,
		  "rescind again: another class's channel gets nothing");
	tap_check(host_rescind_again(&w.h, &dev_echo_ops) == 1 && rescinds_of(&w.r, 2) == 1 &&
		  rec_has_event(&w.r, "RESCIND_RESENT relid=2 class=echo"),
		  "rescind again: the echo channel's rescind goes out again");
	rec_clear(&w.r);
	release(&w, 2);
	tap_check(!host_channel_by_relid(&w.h, 2) && offer_of(&w.r, 3, &o) &&
		  rec_has_event(&w.r, "REPLUG_OFFERED relid=3 class=echo"),
		  "rescind again: once released, the device is offered again");
	rec_clear(&w.r);
	tap_check(host_rescind_again(&w.h, &dev_echo_ops) == 0 && !rescinds_of(&w.r, 2),
		  "rescind again: nothing after the release");
	world_uninit(&w);
}

/*
 * An offer the hostile mode garbled never reached the guest, which then drops every
 * rescind of that relid and never releases it; `lost-offer RELID` offers the device
 * again under a new relid and keeps the old one reserved until a release frees it.
 */
static void test_an_offer_the_guest_never_saw_is_made_again(void)
{
	struct vmbus_channel_offer_channel o;
	struct world w;

	connect_heartbeat_and_echo(&w);
	tap_check(host_offer_lost(&w.h, 2) == -EINVAL,
		  "lost offer: refused while no replug of relid 2 waits");
	tap_check(host_offer_lost(&w.h, 9) == -ENOENT, "lost offer: refused for a relid no channel has");
	tap_check(host_replug(&w.h, host_channel_by_relid(&w.h, 2)->dev) == 0,
		  "lost offer: the echo device is being replugged");
	rec_clear(&w.r);
	tap_check(host_offer_lost(&w.h, 2) == 0 && offer_of(&w.r, 3, &o) &&
		  rec_has_event(&w.r, "OFFER_LOST relid=2 class=echo") &&
		  rec_has_event(&w.r, "REPLUG_OFFERED relid=3 class=echo"),
		  "lost offer: the echo device is offered again under relid 3");
	tap_check(host_channel_by_relid(&w.h, 2) && !host_channel_by_relid(&w.h, 2)->dev &&
		  host_channel_by_relid(&w.h, 3)->dev,
		  "lost offer: relid 2 stays reserved, with no device");
	tap_check(host_offer_lost(&w.h, 2) == -ENOENT && host_offer_lost(&w.h, 3) == -EINVAL,
		  "lost offer: once");
	rec_clear(&w.r);
	release(&w, 2);
	tap_check(!host_channel_by_relid(&w.h, 2) && !rec_has_event(&w.r, "REPLUG_OFFERED"),
		  "lost offer: a late release frees relid 2 and offers nothing more");
	world_uninit(&w);
}

int main(void)
{
	test_ics_are_offered_with_hyperv_instances();
	test_a_class_offered_twice_gets_distinct_instances();
	test_a_rescinded_device_frees_its_instance();
	test_monitor_allocation();
	test_relid_released_after_unload_is_accepted();
	test_relid_released_without_unload_is_an_error();
	test_a_device_released_unasked_is_offered_again();
	test_a_rescind_the_guest_never_saw_is_sent_again();
	test_an_offer_the_guest_never_saw_is_made_again();
	test_bus_pump();
	return tap_done();
}
