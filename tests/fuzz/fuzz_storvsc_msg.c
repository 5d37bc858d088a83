// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_storvsc_msg.c: libFuzzer target for the guest's checks of what a VSTOR host
 * sends (lib/storvsc_msg.c).  Input: the transaction id (8 bytes), the data length of
 * the request it answers (4 bytes), then the packet, copied into a buffer of exactly
 * its size so ASan sees any read past it.  A packet is sorted as the channel callback
 * does; a completion goes through the control-answer, properties and I/O checks and,
 * if it passes, the SCSI-level action for the CDB opcode in the input.  Whatever
 * passes must hold: data within the request, at most 20 bytes of sense, a 4 KiB
 * multiple of at most the cap for the transfer size.  The seed corpus
 * (seeds/fuzz_storvsc_msg, from seeds/storvsc_seeds.py) reaches every kind.
 */
#include <stdlib.h>
#include "storvsc_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("ENUMERATE_BUS", "REMOVE_DEVICE", "FCHBA_DATA", "control answer", "properties",
	   "COMPLETE_IO", "COMPLETE_IO with sense")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static void completion(const struct vstor_packet *p, u32 req_len, u64 tid)
{
	struct vstor_io_result r;
	const char *why = NULL;
	u32 bytes, sub;
	int rc;

	if (!vstor_ctl_check(p, &why))
		fuzz_hit(3);
	rc = vstor_props_xfer(&p->props, VSTOR_XFER_CAP, &bytes, &why);
	if (rc >= 0 && (bytes % VSTOR_PAGE_SIZE || bytes > VSTOR_XFER_CAP || !bytes))
		abort();
	if (rc >= 0 && !vstor_props_channels(&p->props, &sub, &why)) {
		if (sub > VSTOR_MAX_CHANNEL_CNT)
			abort();
		fuzz_hit(4);
	}
	if (vstor_io_check(p, req_len, &r, &why))
		return;
	if (r.data_len > req_len || r.sense_len > VSTOR_SENSE_MAX)
		abort();
	if (vstor_io_action(&r, (u8)tid, p->srb.sense_data, tid & 0x100) > VSTOR_ACT_FAKE_SUCCESS)
		abort();
	fuzz_hit(r.sense_len ? 6 : 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct vstor_packet p;
	const char *why = NULL;
	u8 asc, ascq;
	u32 req_len;
	u64 tid;
	u8 *buf;
	int kind;

	if (size < 12)
		return 0;
	memcpy(&tid, in, 8);
	memcpy(&req_len, in + 8, 4);
	in += 12;
	size -= 12;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, in, size);
	kind = vstor_rx_classify(buf, (u32)size, tid, &why);
	if (kind >= 0 && kind != VSTOR_RX_COMPLETION && tid)
		abort();
	if (kind == VSTOR_RX_COMPLETION) {
		if (size < sizeof(p))
			abort();
		memcpy(&p, buf, sizeof(p));
		completion(&p, req_len, tid);
		vstor_sense_asc(p.srb.sense_data, VSTOR_SENSE_MAX, &asc, &ascq);
	} else if (kind == VSTOR_RX_ENUMERATE) {
		fuzz_hit(0);
	} else if (kind == VSTOR_RX_REMOVE) {
		fuzz_hit(1);
	} else if (kind == VSTOR_RX_FCHBA) {
		if (size < sizeof(p))
			abort();
		fuzz_hit(2);
	}
	vstor_op_name(kind >= 0 ? buf[0] : 0);
	free(buf);
	return 0;
}
