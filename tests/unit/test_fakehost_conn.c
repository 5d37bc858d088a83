// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_conn.c: the fake host's connection handling: version negotiation
 * (accept, fallback, refusal, connection ids), offers, unload, and how it treats
 * unknown, short and misdirected guest messages.
 */
#include "fakehost_test.h"

static void add_std_devices(struct world *w)
{
	host_add_device(&w->h, &dev_heartbeat_ops, NULL, 0);
	host_add_device(&w->h, &dev_shutdown_ops, NULL, 0);
	host_add_device(&w->h, &dev_echo_ops, NULL, 0);
}

static void test_version_5_3_is_accepted_on_connection_4(void)
{
	struct world w;
	const struct rec_msg *m;
	struct vmbus_channel_version_response resp;

	world_init(&w, 2);
	guest_contact(&w, VERSION_WIN10_V5_3, 1);
	m = rec_at(&w.r, 0);
	tap_check(w.r.nmsgs == 1 && m && msg_type(m) == CHANNELMSG_VERSION_RESPONSE,
		  "5.3: one VERSION_RESPONSE");
	memcpy(&resp, m->data, sizeof(resp));
	tap_check(resp.version_supported == 1 && resp.msg_conn_id == VMBUS_MESSAGE_CONNECTION_ID,
		  "5.3: supported, msg_conn_id 1");
	tap_check(m->cpu == 1, "5.3: the response goes to target_vcpu");
	tap_check(w.h.state == HOST_CONNECTED && w.h.version == VERSION_WIN10_V5_3,
		  "5.3: host connected at 5.3");
	tap_check(rec_has_event(&w.r, "VERSION_NEGOTIATED version=5.3"),
		  "5.3: VERSION_NEGOTIATED event");
	world_uninit(&w);
}

static void test_version_fallback_to_2_4(void)
{
	static const u32 guest_order[] = {
		VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1, VERSION_WIN10_V5,
		VERSION_WIN10_V4_1, VERSION_WIN10, VERSION_WIN8_1, VERSION_WIN8,
	};
	struct vmbus_channel_version_response resp;
	u32 v[HOST_MAX_VERSIONS], n, i, refused = 0;
	struct world w;

	world_init(&w, 2);
	tap_check(!host_parse_versions("2.4", v, &n) && n == 1 && v[0] == VERSION_WIN8,
		  "fallback: parse \"2.4\"");
	host_set_versions(&w.h, v, n);
	for (i = 0; i < ARRAY_SIZE(guest_order); i++) {
		rec_clear(&w.r);
		guest_contact(&w, guest_order[i], 0);
		if (w.r.nmsgs != 1)
			break;
		memcpy(&resp, w.r.msgs[0].data, sizeof(resp));
		if (!resp.version_supported)
			refused++;
		else
			break;
	}
	tap_check(refused == 7 && i == 7, "fallback: 7 newer versions refused before 2.4");
	tap_check(w.h.state == HOST_CONNECTED && w.h.version == VERSION_WIN8,
		  "fallback: connected at 2.4");
	world_uninit(&w);
}

static void test_version_refusal_logs_and_stays_disconnected(void)
{
	struct vmbus_channel_version_response resp;
	struct world w;
	u32 v[HOST_MAX_VERSIONS], n;

	world_init(&w, 1);
	host_parse_versions("5.3,5.2", v, &n);
	host_set_versions(&w.h, v, n);
	guest_contact(&w, VERSION_WIN10, 0);
	memcpy(&resp, w.r.msgs[0].data, sizeof(resp));
	tap_check(w.r.nmsgs == 1 && resp.version_supported == 0, "refusal: version_supported 0");
	tap_check(rec_has_event(&w.r, "VERSION_REFUSED version=4.0"),
		  "refusal: VERSION_REFUSED event");
	tap_check(w.h.state == HOST_DISCONNECTED, "refusal: still disconnected");
	rec_clear(&w.r);
	guest_simple(&w, CHANNELMSG_REQUESTOFFERS);
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=state"),
		  "refusal: REQUESTOFFERS before a version is a GUEST_ERROR");
	world_uninit(&w);
}

static void test_initiate_contact_on_wrong_connection_id_is_dropped(void)
{
	struct vmbus_channel_initiate_contact m = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = VERSION_WIN10_V5_3,
		.msg_sint = VMBUS_MESSAGE_SINT,
	};
	struct world w;

	world_init(&w, 1);
	post(&w, VMBUS_MESSAGE_CONNECTION_ID, &m, sizeof(m));
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=connection_id"),
		  "5.3 on connection 1: dropped with GUEST_ERROR what=connection_id");
	tap_check(w.h.state == HOST_DISCONNECTED, "5.3 on connection 1: not connected");
	m.vmbus_version_requested = VERSION_WIN10;
	rec_clear(&w.r);
	post(&w, VMBUS_MESSAGE_CONNECTION_ID_4, &m, sizeof(m));
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=connection_id"),
		  "4.0 on connection 4: dropped");
	world_uninit(&w);
}

static void test_offers_follow_requestoffers(void)
{
	static const struct hvis_guid classes[] = { HV_HEARTBEAT_GUID, HV_SHUTDOWN_GUID,
						    HVIS_ECHO_GUID };
	struct vmbus_channel_offer_channel o;
	struct world w;
	bool ok = true;
	u32 i;

	world_init(&w, 2);
	add_std_devices(&w);
	guest_contact(&w, VERSION_WIN10_V5_3, 1);
	rec_clear(&w.r);
	tap_check(w.r.nmsgs == 0, "offers: none before REQUESTOFFERS");
	guest_simple(&w, CHANNELMSG_REQUESTOFFERS);
	tap_check(w.r.nmsgs == 4, "offers: three offers and ALLOFFERS_DELIVERED");
	for (i = 0; i < 3 && i < w.r.nmsgs; i++) {
		memcpy(&o, w.r.msgs[i].data, sizeof(o));
		ok &= msg_type(&w.r.msgs[i]) == CHANNELMSG_OFFERCHANNEL &&
		      w.r.msgs[i].len == sizeof(o) && o.child_relid == i + 1 &&
		      o.connection_id == o.child_relid && o.offer.sub_channel_index == 0 &&
		      !memcmp(&o.offer.if_type, &classes[i], 16) && w.r.msgs[i].cpu == 1;
	}
	tap_check(ok, "offers: relids 1..3, connection_id = relid, class ids, full size, to cpu 1");
	tap_check(w.r.nmsgs == 4 && msg_type(&w.r.msgs[3]) == CHANNELMSG_ALLOFFERS_DELIVERED,
		  "offers: ALLOFFERS_DELIVERED last");
	tap_check(rec_count_events(&w.r, "OFFER_SENT") == 3 &&
		  rec_has_event(&w.r, "OFFER_SENT relid=1 class=heartbeat") &&
		  rec_has_event(&w.r, "ALLOFFERS_DELIVERED"), "offers: events");
	rec_clear(&w.r);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	memcpy(&o, w.r.msgs[0].data, sizeof(o));
	tap_check(w.r.nmsgs == 1 && msg_type(&w.r.msgs[0]) == CHANNELMSG_OFFERCHANNEL &&
		  o.child_relid == 4, "offers: a device added later is offered at once as relid 4");
	world_uninit(&w);
}

static void test_unknown_message_is_dropped_with_an_error(void)
{
	struct vmbus_channel_message_header m = { .msgtype = 99 };
	struct world w;

	world_init(&w, 1);
	guest_connect(&w);
	rec_clear(&w.r);
	post(&w, 1, &m, sizeof(m));
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=msgtype msgtype=99"),
		  "unknown msgtype 99: dropped, GUEST_ERROR what=msgtype");
	rec_clear(&w.r);
	m.msgtype = CHANNELMSG_OFFERCHANNEL;
	post(&w, 1, &m, sizeof(m));
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=msgtype"),
		  "host-to-guest type from the guest: dropped");
	rec_clear(&w.r);
	host_handle_message(&w.h, 1, 7, &m, sizeof(m));
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=message_type"),
		  "post-message type 7: dropped, what=message_type");
	world_uninit(&w);
}

static void test_short_message_is_dropped_with_an_error(void)
{
	struct vmbus_channel_open_channel m = { .header.msgtype = CHANNELMSG_OPENCHANNEL };
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	guest_connect(&w);
	rec_clear(&w.r);
	m.child_relid = 1;
	post(&w, 1, &m, 20);
	tap_check(w.r.nmsgs == 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=payload_size msg=OPENCHANNEL"),
		  "OPENCHANNEL of 20 bytes: dropped, what=payload_size");
	rec_clear(&w.r);
	post(&w, 1, &m, 4);
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=payload_size"),
		  "4-byte message: dropped");
	rec_clear(&w.r);
	post(&w, 1, &m, 241);
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=payload_size"),
		  "241-byte message: dropped");
	world_uninit(&w);
}

static void test_unload_answers_and_resets(void)
{
	struct world w;

	world_init(&w, 1);
	host_add_device(&w.h, &dev_echo_ops, NULL, 0);
	guest_connect(&w);
	rec_clear(&w.r);
	guest_simple(&w, CHANNELMSG_UNLOAD);
	tap_check(w.r.nmsgs == 1 && msg_type(&w.r.msgs[0]) == CHANNELMSG_UNLOAD_RESPONSE,
		  "unload: UNLOAD_RESPONSE");
	tap_check(w.h.state == HOST_DISCONNECTED && !w.h.channels && rec_has_event(&w.r, "UNLOAD"),
		  "unload: disconnected, channels gone, UNLOAD event");
	rec_clear(&w.r);
	guest_connect(&w);
	tap_check(w.r.nmsgs == 3 && msg_type(&w.r.msgs[1]) == CHANNELMSG_OFFERCHANNEL,
		  "unload: reconnect offers the device again");
	world_uninit(&w);
}

static void test_guest_errors_are_rate_limited(void)
{
	struct vmbus_channel_message_header m = { .msgtype = 99 };
	struct world w;
	int i;

	world_init(&w, 1);
	guest_connect(&w);
	rec_clear(&w.r);
	for (i = 0; i < 100; i++)
		post(&w, 1, &m, sizeof(m));
	tap_check(rec_count_events(&w.r, "GUEST_ERROR") == 20, "rate limit: 20 of 100 in a second");
	w.h.now_ms += 1500;
	rec_clear(&w.r);
	post(&w, 1, &m, sizeof(m));
	tap_check(rec_count_events(&w.r, "GUEST_ERROR") == 1 &&
		  strstr(w.r.events[0], "suppressed=80"),
		  "rate limit: the next window reports suppressed=80");
	world_uninit(&w);
}

static void test_versions_parse(void)
{
	u32 v[HOST_MAX_VERSIONS], n;
	char buf[64];

	tap_check(!host_parse_versions("5.3,5.2,5.1,5.0,4.1,4.0,3.0,2.4", v, &n) && n == 8 &&
		  v[0] == VERSION_WIN10_V5_3 && v[7] == VERSION_WIN8,
		  "versions: default list parses");
	host_format_versions(v, n, buf, sizeof(buf));
	tap_check(!strcmp(buf, "5.3,5.2,5.1,5.0,4.1,4.0,3.0,2.4"), "versions: formats back");
	tap_check(host_parse_versions("5", v, &n) && host_parse_versions("", v, &n) &&
		  host_parse_versions("5.3,", v, &n) == 0 && host_parse_versions("5.3;4.0", v, &n),
		  "versions: bad lists refused");
}

int main(void)
{
	test_version_5_3_is_accepted_on_connection_4();
	test_version_fallback_to_2_4();
	test_version_refusal_logs_and_stays_disconnected();
	test_initiate_contact_on_wrong_connection_id_is_dropped();
	test_offers_follow_requestoffers();
	test_unknown_message_is_dropped_with_an_error();
	test_short_message_is_dropped_with_an_error();
	test_unload_answers_and_resets();
	test_guest_errors_are_rate_limited();
	test_versions_parse();
	return tap_done();
}
