// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_gpadl.c: the fake host's GPADL handling: multi-message GPADLs, bad
 * PFNs and lengths, teardown, guest RAM layout on q35, and OPENCHANNEL with a bad
 * GPADL.
 */
#include "fakehost_test.h"

static void setup(struct world *w)
{
	world_init(w, 2);
	host_add_device(&w->h, &dev_echo_ops, NULL, 0);
	host_add_device(&w->h, &dev_echo_ops, NULL, 0);
	guest_connect(w);
	rec_clear(&w->r);
}

static bool created(const struct world *w, u32 relid, u32 gpadl, u32 *status)
{
	const struct rec_msg *m = rec_last(&w->r, CHANNELMSG_GPADL_CREATED);
	struct vmbus_channel_gpadl_created c;

	if (!m)
		return false;
	memcpy(&c, m->data, sizeof(c));
	*status = c.creation_status;
	return c.child_relid == relid && c.gpadl == gpadl;
}

static void test_multi_message_gpadl_is_created(void)
{
	struct world w;
	u32 status = 1;

	setup(&w);
	/* 60 pages: 26 in the header, 28 in body 1, 6 in body 2. */
	guest_gpadl_range(&w, 1, 0xe1e10, 100, 60);
	tap_check(w.r.nmsgs == 1 && created(&w, 1, 0xe1e10, &status) && status == 0,
		  "60-page GPADL over 3 messages: one GPADL_CREATED, status 0");
	tap_check(rec_has_event(&w.r, "GPADL_CREATED gpadl=0xe1e10 relid=1 pages=60"),
		  "60-page GPADL: GPADL_CREATED event with pages=60");
	rec_clear(&w.r);
	guest_gpadl_range(&w, 2, 0xe1e11, 200, 26);
	tap_check(w.r.nmsgs == 1 && created(&w, 2, 0xe1e11, &status) && status == 0,
		  "26-page GPADL fits the header alone");
	world_uninit(&w);
}

static void test_gpadl_with_a_pfn_beyond_ram_fails(void)
{
	u64 pfns[40];
	struct world w;
	u32 status = 0, i;

	setup(&w);
	for (i = 0; i < 40; i++)
		pfns[i] = 10 + i;
	pfns[33] = TEST_RAM_BYTES / GUEST_PAGE_SIZE;	/* first page past RAM */
	guest_gpadl(&w, 1, 0x100, pfns, 40);
	tap_check(w.r.nmsgs == 1 && created(&w, 1, 0x100, &status) && status != 0,
		  "bad PFN: GPADL_CREATED with non-zero status");
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=pfn"), "bad PFN: GUEST_ERROR what=pfn");
	rec_clear(&w.r);
	guest_open(&w, 1, 0x100, 4, 0);
	tap_check(rec_has_event(&w.r, "GUEST_ERROR what=ringbuffer_gpadlhandle"),
		  "bad PFN: the failed GPADL does not exist afterwards");
	world_uninit(&w);
}

static void test_gpadl_with_bad_lengths_fails(void)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	struct vmbus_channel_gpadl_header *h = (void *)buf;
	struct vmbus_gpa_range *r = (void *)(buf + sizeof(*h));
	struct world w;
	u32 status = 0;

	setup(&w);
	h->header.msgtype = CHANNELMSG_GPADL_HEADER;
	h->child_relid = 1;
	h->gpadl = 0x200;
	h->rangecount = 1;
	h->range_buflen = 8 + 2 * 8;		/* says 2 pages ... */
	r->byte_count = 3 * GUEST_PAGE_SIZE;	/* ... but the range spans 3 */
	r->pfn_array[0] = 1;
	r->pfn_array[1] = 2;
	post(&w, 1, buf, sizeof(*h) + 8 + 16);
	tap_check(created(&w, 1, 0x200, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=byte_count"),
		  "byte_count beyond range_buflen: fails, what=byte_count");
	rec_clear(&w.r);
	h->gpadl = 0x201;
	h->range_buflen = 8 + 8;
	post(&w, 1, buf, sizeof(*h) + 8 + 16);
	tap_check(created(&w, 1, 0x201, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=range_buflen"),
		  "header carries more than range_buflen: fails");
	rec_clear(&w.r);
	h->gpadl = 0x202;
	h->rangecount = 0;
	post(&w, 1, buf, sizeof(*h) + 8 + 8);
	tap_check(created(&w, 1, 0x202, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=rangecount"), "rangecount 0: fails");
	rec_clear(&w.r);
	h->gpadl = 0x203;
	h->rangecount = 1;
	h->child_relid = 77;
	post(&w, 1, buf, sizeof(*h) + 8 + 8);
	tap_check(created(&w, 77, 0x203, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=child_relid"), "unknown relid: fails");
	world_uninit(&w);
}

static void test_gpadl_body_for_unknown_gpadl_is_an_error(void)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	struct vmbus_channel_gpadl_body *b = (void *)buf;
	struct world w;

	setup(&w);
	b->header.msgtype = CHANNELMSG_GPADL_BODY;
	b->gpadl = 0x999;
	b->pfn[0] = 5;
	post(&w, 1, buf, sizeof(*b) + 8);
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=gpadl"),
		  "body of an unknown GPADL: dropped, what=gpadl");
	world_uninit(&w);
}

static void test_gpadl_teardown(void)
{
	struct vmbus_channel_gpadl_teardown t = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN,
		.child_relid = 1,
		.gpadl = 0x300,
	};
	struct vmbus_channel_gpadl_torndown d;
	struct world w;

	setup(&w);
	guest_gpadl_range(&w, 1, 0x300, 50, 30);
	rec_clear(&w.r);
	post(&w, 1, &t, sizeof(t));
	memcpy(&d, w.r.msgs[0].data, sizeof(d));
	tap_check(w.r.nmsgs == 1 && msg_type(&w.r.msgs[0]) == CHANNELMSG_GPADL_TORNDOWN &&
		  d.gpadl == 0x300, "teardown: GPADL_TORNDOWN with the handle");
	tap_check(rec_has_event(&w.r, "GPADL_TORNDOWN gpadl=0x300"), "teardown: event");
	rec_clear(&w.r);
	post(&w, 1, &t, sizeof(t));
	tap_check(w.r.nmsgs == 0 && rec_has_event(&w.r, "GUEST_ERROR what=gpadl"),
		  "teardown of an unknown GPADL: no answer, what=gpadl");
	world_uninit(&w);
}

static bool open_status(const struct world *w, u32 relid, u32 *status)
{
	const struct rec_msg *m = rec_last(&w->r, CHANNELMSG_OPENCHANNEL_RESULT);
	struct vmbus_channel_open_result r;

	if (!m)
		return false;
	memcpy(&r, m->data, sizeof(r));
	*status = r.status;
	return r.child_relid == relid && r.openid == relid;
}

static void test_open_with_a_bad_gpadl_fails(void)
{
	struct world w;
	u32 status = 0;

	setup(&w);
	guest_open(&w, 1, 0x4242, 4, 0);
	tap_check(open_status(&w, 1, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=ringbuffer_gpadlhandle"),
		  "open with a GPADL never created: non-zero status");
	guest_gpadl_range(&w, 2, 0x500, 300, 8);
	rec_clear(&w.r);
	guest_open(&w, 1, 0x500, 4, 0);
	tap_check(open_status(&w, 1, &status) && status != 0,
		  "open with another channel's GPADL: non-zero status");
	guest_gpadl_range(&w, 1, 0x501, 400, 8);
	rec_clear(&w.r);
	guest_open(&w, 1, 0x501, 7, 0);
	tap_check(open_status(&w, 1, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=downstream_ringbuffer_pageoffset"),
		  "open with the split past the GPADL: non-zero status");
	rec_clear(&w.r);
	guest_open(&w, 1, 0x501, 4, 5);
	tap_check(open_status(&w, 1, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=target_vp"),
		  "open on a CPU the guest lacks: non-zero status");
	rec_clear(&w.r);
	guest_open(&w, 1, 0x501, 4, 1);
	tap_check(open_status(&w, 1, &status) && status == 0 &&
		  rec_has_event(&w.r, "CHANNEL_OPENED relid=1 class=echo sub=0 cpu=1"),
		  "then a good open succeeds");
	rec_clear(&w.r);
	guest_open(&w, 1, 0x501, 4, 1);
	tap_check(open_status(&w, 1, &status) && status != 0 &&
		  rec_has_event(&w.r, "GUEST_ERROR what=state"), "opening it twice fails");
	world_uninit(&w);
}

static void test_q35_ram_layout(void)
{
	struct guest_mem m;
	u64 off = 0;

	guest_mem_init(&m);
	/* 3 GiB of RAM: 2 GiB below the PCI hole, 1 GiB from 4 GiB (hw/i386/pc_q35.c). */
	m.fd = 0;
	m.size = 3ull << 30;
	m.lowmem = 2ull << 30;
	tap_check(guest_mem_pfn_offset(&m, (2ull << 30) / 4096 - 1, &off) &&
		  off == (2ull << 30) - 4096, "q35: last page below 2 GiB maps 1:1");
	tap_check(!guest_mem_pfn_offset(&m, (2ull << 30) / 4096, &off) &&
		  !guest_mem_pfn_offset(&m, (4ull << 30) / 4096 - 1, &off),
		  "q35: the PCI hole is not RAM");
	tap_check(guest_mem_pfn_offset(&m, (4ull << 30) / 4096, &off) && off == 2ull << 30,
		  "q35: 4 GiB is file offset lowmem");
	tap_check(guest_mem_pfn_offset(&m, (5ull << 30) / 4096 - 1, &off) &&
		  off == (3ull << 30) - 4096 &&
		  !guest_mem_pfn_offset(&m, (5ull << 30) / 4096, &off),
		  "q35: RAM ends at 4 GiB + 1 GiB");
	tap_check(!guest_mem_pfn_offset(&m, ~0ull, &off), "q35: absurd PFN refused");
}

int main(void)
{
	test_multi_message_gpadl_is_created();
	test_gpadl_with_a_pfn_beyond_ram_fails();
	test_gpadl_with_bad_lengths_fails();
	test_gpadl_body_for_unknown_gpadl_is_an_error();
	test_gpadl_teardown();
	test_open_with_a_bad_gpadl_fails();
	test_q35_ram_layout();
	return tap_done();
}
