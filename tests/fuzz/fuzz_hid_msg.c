// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_hid_msg.c: libFuzzer target for synthetic HID messages (lib/hid_msg.c).  The
 * first byte picks the direction (bit 0 set: the host parses a guest message) and,
 * for host messages, how far the guest's session has come (bits 1-2: requested,
 * approved, have the device info); the rest is the packet payload.  The message is
 * copied to a buffer of its exact size, so a descriptor or report pointer beyond it
 * is an ASan error; each must also lie inside it by arithmetic.
 */
#include <stdlib.h>
#include "hid_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("PROTOCOL_REQUEST", "PROTOCOL_RESPONSE", "INITIAL_DEVICE_INFO",
	   "INITIAL_DEVICE_INFO_ACK", "INPUT_REPORT")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

/* Every byte a pointer covers is read, so ASan checks the whole range. */
static volatile u8 sink;

static void inside(const u8 *buf, size_t len, const u8 *p, u32 n)
{
	if (p < buf || p + n > buf + len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct hvis_hid_session s = {};
	struct hvis_hid_fault f;
	struct hvis_hid_msg m;
	unsigned int stage;
	size_t len;
	u8 *msg, sum = 0;
	u32 i;

	if (!size)
		return 0;
	len = size - 1;
	msg = malloc(len ? len : 1);
	memcpy(msg, in + 1, len);
	if (hvis_hid_parse(msg, (u32)len, !(in[0] & 1), &m, &f)) {
		if (!f.field || !f.why)
			abort();
		goto out;
	}
	if (m.type >= HVIS_SYNTHHID_MAX)
		abort();
	if (m.type == HVIS_SYNTHHID_INITIAL_DEVICE_INFO) {
		if (!m.rdesc_len || m.rdesc_len > HVIS_HID_MAX_DESCRIPTOR)
			abort();
		inside(msg, len, m.rdesc, m.rdesc_len);
		for (i = 0; i < m.rdesc_len; i++)
			sum += m.rdesc[i];
	}
	if (m.type == HVIS_SYNTHHID_INPUT_REPORT) {
		if (!m.report_len || m.report_len > HVIS_SYNTHHID_MAX_REPORT)
			abort();
		inside(msg, len, m.report, m.report_len);
		for (i = 0; i < m.report_len; i++)
			sum += m.report[i];
	}
	if (!(in[0] & 1)) {
		stage = (in[0] >> 1) & 3;
		hvis_hid_session_request(&s);
		s.answered = s.approved = stage >= 1;
		s.have_info = stage >= 2;
		if (hvis_hid_session_check(&s, &m, &f))
			goto out;
	}
	sink = sum;
	fuzz_hit(m.type);
out:
	free(msg);
	return 0;
}
