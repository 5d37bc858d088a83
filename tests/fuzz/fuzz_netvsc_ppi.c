// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_netvsc_ppi.c: libFuzzer target for the per-packet info and RSC checks of
 * lib/netvsc_msg.c (rndis_ppis_parse, rndis_packet_build_ppis, rsc_chain_add).  The
 * first byte picks what runs:
 *   0, 1: a PACKET (from the host / from the guest) through rndis_msg_check,
 *         rndis_packet_parse and rndis_ppis_parse; what passes must hold values that
 *         obey every rule the parser promises;
 *   2:    PPI values from the input built into a PACKET, then parsed back (host
 *         direction): the same values must come back, or a named refusal;
 *   3:    a sequence of received fragments (u16 data_len, u8 flag, u16 pkt_id each)
 *         through rsc_chain_add with max 8 fragments, 16000 bytes: a finished chain
 *         never exceeds either;
 *   4:    the host's RSC fragments (rndis_rsc_build) of the rest of the input, with
 *         PPIs and a section size from its first 18 bytes, read back through the
 *         guest's checks and rsc_chain_add: the same bytes, the chain done exactly
 *         at the last fragment.
 * The seed corpus (seeds/fuzz_netvsc_ppi, from seeds/netvsc_ppi_seeds.py) reaches
 * every PPI type and every RSC step.
 */
#include <stdlib.h>
#include "netvsc_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("CSUM", "LSO", "VLAN", "HASH", "PKTINFO", "RSC_SINGLE", "RSC_MORE", "RSC_DONE",
	   "RSC_BUILD")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static void count_present(u32 present)
{
	unsigned int i;

	for (i = 0; i < 5; i++)
		if (present & (1u << i))
			fuzz_hit(i);
}

/* What a parsed PPI set from @from must satisfy. */
static void check_ppis(const struct rndis_pkt_ppis *p, enum netvsc_dir from, u32 data_len)
{
	u32 tho;

	if (p->present & ~0x1fu)
		abort();
	if (from == NETVSC_FROM_HOST && p->present & RNDIS_PPIS_LSO)
		abort();
	if (from == NETVSC_FROM_GUEST && p->present & RNDIS_PPIS_PKTINFO)
		abort();
	if (p->present & RNDIS_PPIS_VLAN && p->vlan >> 16)
		abort();
	if (p->present & RNDIS_PPIS_LSO) {
		tho = (p->lso & NDIS_LSO2_THO_MASK) >> NDIS_LSO2_THO_SHIFT;
		if (!(p->lso & NDIS_LSO2_TYPE_V2) || !(p->lso & NDIS_LSO2_MSS_MASK) ||
		    tho + 20 > data_len)
			abort();
	}
	if (from == NETVSC_FROM_GUEST && p->present & RNDIS_PPIS_CSUM &&
	    p->csum & (NDIS_CSUM_TX_TCP | NDIS_CSUM_TX_UDP)) {
		tho = (p->csum & NDIS_CSUM_TX_THO_MASK) >> NDIS_CSUM_TX_THO_SHIFT;
		if (tho + 8 > data_len || !(p->csum & (NDIS_CSUM_TX_IS_IPV4 | NDIS_CSUM_TX_IS_IPV6)))
			abort();
	}
	if (p->present & RNDIS_PPIS_PKTINFO && p->id.ver != RNDIS_PKTINFO_ID_V1)
		abort();
	if (data_len < 14 && !(p->present & RNDIS_PPIS_PKTINFO && p->id.flag & RNDIS_PKTINFO_SUBALLOC))
		abort();
}

static void packet(const u8 *msg, u32 len, enum netvsc_dir from)
{
	struct rndis_packet_view v;
	struct rndis_pkt_ppis p;
	const char *why = NULL;
	u32 type, msg_len;
	int rc;

	if (rndis_msg_check(msg, len, from, &type, &msg_len, &why) || type != RNDIS_MSG_PACKET)
		return;
	if (rndis_packet_parse(msg, msg_len, 65535, &v, &why))
		return;
	rc = rndis_ppis_parse(msg, &v, from, &p, &why);
	if (rc) {
		if (rc != -EINVAL || !why)
			abort();
		return;
	}
	check_ppis(&p, from, v.data_len);
	count_present(p.present);
}

static void roundtrip(const u8 *in, u32 len)
{
	struct rndis_pkt_ppis p, back;
	struct rndis_packet_view v;
	const char *why = NULL;
	u32 hdr, type, msg_len, frame;
	u8 *out;
	int rc;

	memset(&p, 0, sizeof(p));
	if (len < 24)
		return;
	memcpy(&p.present, in, 4);
	p.present &= 0x1f & ~RNDIS_PPIS_LSO;
	memcpy(&p.csum, in + 4, 4);
	memcpy(&p.vlan, in + 8, 4);
	memcpy(&p.hash, in + 12, 4);
	memcpy(&p.id, in + 16, 4);
	memcpy(&frame, in + 20, 4);
	frame = 14 + frame % 2000;
	out = calloc(1, 4096);
	if (!out)
		return;
	hdr = rndis_packet_build_ppis(out, 4096, frame, &p);
	if (!hdr || hdr != RNDIS_PACKET_HDR_BYTES + rndis_ppis_size(&p))
		abort();
	if (rndis_msg_check(out, hdr + frame, NETVSC_FROM_HOST, &type, &msg_len, &why) ||
	    rndis_packet_parse(out, msg_len, 65535, &v, &why))
		abort();
	rc = rndis_ppis_parse(out, &v, NETVSC_FROM_HOST, &back, &why);
	if (!rc) {
		if (back.present != p.present ||
		    (p.present & RNDIS_PPIS_CSUM && back.csum != p.csum) ||
		    (p.present & RNDIS_PPIS_VLAN && back.vlan != p.vlan) ||
		    (p.present & RNDIS_PPIS_HASH && back.hash != p.hash))
			abort();
		count_present(back.present);
	} else if (!why) {
		abort();
	}
	free(out);
}

static void rsc(const u8 *in, u32 len)
{
	struct rsc_chain c = { 0 };
	struct rndis_pkt_ppis p;
	const char *why = NULL;
	u16 dl;
	int rc;

	for (; len >= 5; in += 5, len -= 5) {
		memset(&p, 0, sizeof(p));
		memcpy(&dl, in, 2);
		p.id.flag = in[2];
		memcpy(&p.id.pkt_id, in + 3, 2);
		p.id.ver = RNDIS_PKTINFO_ID_V1;
		if (p.id.flag)
			p.present = RNDIS_PPIS_PKTINFO;
		why = NULL;
		rc = rsc_chain_add(&c, &p, dl, 8, 16000, &why);
		if (rc < 0) {
			if (!why || c.open || c.frags)
				abort();
			continue;
		}
		if (rc > RSC_DONE || c.frags > 8 || c.bytes > 16000)
			abort();
		if (rc == RSC_DONE && (c.open || !c.frags))
			abort();
		if (rc == RSC_MORE && !c.open)
			abort();
		fuzz_hit(5 + rc);
	}
}

static void rsc_build(const u8 *in, u32 len)
{
	static u8 out[64 * 160 + 0x10000], joined[0x10000];
	struct rndis_pkt_ppis p = { 0 }, got;
	struct rsc_chain c = { 0 };
	struct rndis_packet_view v;
	const char *why = NULL;
	u32 lens[64], n, i, at = 0, done = 0, type, mlen;
	u16 section;
	int step = -1;

	if (len < 18)
		return;
	memcpy(&p.present, in, 4);
	p.present &= RNDIS_PPIS_CSUM | RNDIS_PPIS_VLAN | RNDIS_PPIS_HASH;
	memcpy(&p.csum, in + 4, 4);
	memcpy(&p.vlan, in + 8, 4);
	p.vlan &= 0xffff;
	memcpy(&p.hash, in + 12, 4);
	memcpy(&section, in + 16, 2);
	n = rndis_rsc_build(out, sizeof(out), lens, 64, in + 18, len - 18, &p, section, section);
	for (i = 0; i < n; i++) {
		if (lens[i] > section ||
		    rndis_msg_check(out + at, lens[i], NETVSC_FROM_HOST, &type, &mlen, &why) ||
		    rndis_packet_parse(out + at, mlen, 65535, &v, &why) ||
		    rndis_ppis_parse(out + at, &v, NETVSC_FROM_HOST, &got, &why))
			abort();
		step = rsc_chain_add(&c, &got, v.data_len, 64, 0x10000, &why);
		if (step < 0 || (step == RSC_DONE) != (i == n - 1))
			abort();
		memcpy(joined + done, out + at + v.data_off, v.data_len);
		done += v.data_len;
		at += lens[i];
	}
	if (n) {
		if (done != len - 18 || memcmp(joined, in + 18, done))
			abort();
		fuzz_hit(8);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u8 sel, *msg;
	u32 len;

	if (!size || size > 0x10000)
		return 0;
	sel = in[0] % 5;
	len = (u32)size - 1;
	msg = malloc(len ? len : 1);
	if (!msg)
		return 0;
	memcpy(msg, in + 1, len);
	switch (sel) {
	case 0:
	case 1:
		packet(msg, len, sel ? NETVSC_FROM_GUEST : NETVSC_FROM_HOST);
		break;
	case 2:
		roundtrip(msg, len);
		break;
	case 3:
		rsc(msg, len);
		break;
	case 4:
		rsc_build(msg, len);
		break;
	}
	free(msg);
	return 0;
}
