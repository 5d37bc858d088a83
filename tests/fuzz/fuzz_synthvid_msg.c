// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_synthvid_msg.c: libFuzzer target for the synthetic video checks
 * (lib/synthvid_msg.c).  Input: one byte, whose low bit says who sent the packet (0 the
 * host, as hvis_video sees it; 1 the guest, as the fake host sees it), then the packet,
 * copied into a buffer of exactly its size so ASan sees any read past it.  Whatever
 * passes must hold: a resolution list of 1..64 entries inside the packet with its
 * default inside the list, dirty rectangles inside the packet.  The seed corpus
 * (fuzz_seeds.c) reaches every message type of both directions.
 */
#include <stdlib.h>
#include "synthvid_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("VERSION_RESPONSE", "VRAM_LOCATION_ACK", "SITUATION_UPDATE_ACK", "FEATURE_CHANGE",
	   "RESOLUTION_RESPONSE", "VERSION_REQUEST", "VRAM_LOCATION", "SITUATION_UPDATE",
	   "POINTER_POSITION", "POINTER_SHAPE", "DIRT", "RESOLUTION_REQUEST")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static int type_index(int type, int from_guest)
{
	static const int host[] = { SYNTHVID_VERSION_RESPONSE, SYNTHVID_VRAM_LOCATION_ACK,
				    SYNTHVID_SITUATION_UPDATE_ACK, SYNTHVID_FEATURE_CHANGE,
				    SYNTHVID_RESOLUTION_RESPONSE };
	static const int guest[] = { SYNTHVID_VERSION_REQUEST, SYNTHVID_VRAM_LOCATION,
				     SYNTHVID_SITUATION_UPDATE, SYNTHVID_POINTER_POSITION,
				     SYNTHVID_POINTER_SHAPE, SYNTHVID_DIRT,
				     SYNTHVID_RESOLUTION_REQUEST };
	unsigned int i;

	for (i = 0; !from_guest && i < sizeof(host) / sizeof(host[0]); i++)
		if (host[i] == type)
			return (int)i;
	for (i = 0; from_guest && i < sizeof(guest) / sizeof(guest[0]); i++)
		if (guest[i] == type)
			return (int)(5 + i);
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	const char *why = NULL;
	const u8 *payload;
	int from_guest, type, rc;
	u8 *pkt;
	u32 plen;

	if (size < 1 || size > 65536)
		return 0;
	from_guest = in[0] & 1;
	pkt = malloc(size - 1 ? size - 1 : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, in + 1, size - 1);
	type = synthvid_frame(pkt, (u32)(size - 1), &payload, &plen, &why);
	if (type < 0)
		goto out;
	rc = from_guest ? synthvid_check_from_guest((u32)type, payload, plen, &why) :
			  synthvid_check_from_host((u32)type, payload, plen, &why);
	if (rc)
		goto out;
	if (!from_guest && type == SYNTHVID_RESOLUTION_RESPONSE &&
	    (!payload[128] || payload[128] > 64 || payload[129] >= payload[128] ||
	     plen < 131u + 4u * payload[128]))
		abort();
	if (from_guest && type == SYNTHVID_DIRT && plen < 2u + 16u * payload[1])
		abort();
	fuzz_hit((unsigned int)type_index(type, from_guest));
	(void)synthvid_type_name((u32)type);
out:
	free(pkt);
	return 0;
}
