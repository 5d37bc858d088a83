/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring.h: one direction of a VMBus ring buffer, as pure logic over shared memory.
 *
 * No locking, no signalling and no allocation here: the caller serialises producers
 * (and consumers) of one ring, and acts on the "signal the peer" answers.  Every index
 * and length that the peer controls is validated before use; a ring whose peer broke
 * the rules answers -EIO from then on and must be closed.
 *
 * Rules (include/linux/hyperv.h, drivers/hv/ring_buffer.c):
 *  - indices are byte offsets into the data area, multiples of 8, below its size;
 *  - read == write means empty, so a producer never fills the ring completely;
 *  - each packet is 8-byte aligned and followed by an 8-byte trailer that holds the
 *    write index before the packet in its upper 32 bits;
 *  - the producer signals only when the ring goes empty -> non-empty and the
 *    consumer's interrupt_mask is clear;
 *  - the consumer signals after reading only when free space crosses the producer's
 *    pending_send_sz (and the producer set the feature bit).
 */
#ifndef _HVIS_RING_H
#define _HVIS_RING_H

#include "../include/hvis/ring_proto.h"

struct hvis_ring {
	struct hv_ring_buffer_header *hdr;
	u8 *data;		/* data_size bytes; need not follow hdr */
	u32 data_size;		/* multiple of 8, at least 16 */
	u32 priv_read_index;	/* consumer: read position not yet committed */
	bool broken;		/* the peer broke the ring's rules */
};

struct hvis_kvec {
	const void *base;
	u32 len;
};

/* Counters a caller may keep per ring; the ring code only increments them. */
struct hvis_ring_stats {
	u64 packets;
	u64 bytes;
	u64 full_events;	/* a write found no room */
	u64 signals;		/* answers of "signal the peer" */
};

/* Sets up the view.  init_header zeroes the indices and sets the feature bit. */
int hvis_ring_init(struct hvis_ring *r, void *hdr, void *data, u32 data_size, bool init_header);

/* Bytes a consumer may read / a producer may write now, from the shared indices. */
u32 hvis_ring_bytes_to_read(const struct hvis_ring *r);
u32 hvis_ring_bytes_to_write(const struct hvis_ring *r);

/* Size a packet with this payload length takes in the ring, trailer included. */
static inline u32 hvis_ring_packet_bytes(u32 payload_len)
{
	return ((sizeof(struct vmpacket_descriptor) + payload_len + 7) & ~7u) +
		VMBUS_PKT_TRAILER_BYTES;
}

/*
 * Producer: writes one packet made of a descriptor built from type/flags/trans_id and
 * the payload vectors.  Returns 0 and sets *signal when the peer must be signalled,
 * -EAGAIN when the ring lacks room (nothing written), -EINVAL for a packet too large
 * for any ring of this size, -EIO when the ring is broken.
 */
int hvis_ring_write_packet(struct hvis_ring *r, u16 type, u16 flags, u64 trans_id,
			   const struct hvis_kvec *vec, unsigned int nvec, bool *signal,
			   struct hvis_ring_stats *stats);

/* Producer: writes raw bytes that already hold a full descriptor (len8 is checked). */
int hvis_ring_write_raw(struct hvis_ring *r, const struct hvis_kvec *vec,
			unsigned int nvec, bool *signal, struct hvis_ring_stats *stats);

/* Producer: asks to be signalled once this many bytes are free (0 clears). */
void hvis_ring_set_pending_send(struct hvis_ring *r, u32 bytes);

/*
 * Consumer: copies the next packet (descriptor, payload and padding, no trailer) into
 * buf and validates its descriptor against what the ring holds.  Returns the packet
 * length, -EAGAIN when empty, -ENOBUFS when buflen is too small (*needed set, the
 * descriptor alone copied if buflen holds it; the packet stays), -EIO when the peer
 * wrote an impossible packet (the ring is broken).  The copy's offset8/len8 are the
 * validated ones; parse only the copy.
 */
int hvis_ring_peek(struct hvis_ring *r, void *buf, u32 buflen, u32 *needed);

/* Consumer: steps past the packet hvis_ring_peek returned (len from peek). */
void hvis_ring_advance(struct hvis_ring *r, u32 pkt_len);

/*
 * Consumer: publishes the read position.  Returns true when the producer waits for
 * room (pending_send_sz) and this read made enough.
 */
bool hvis_ring_commit_read(struct hvis_ring *r, struct hvis_ring_stats *stats);

/* Consumer: masks the peer's interrupts while draining ... */
void hvis_ring_begin_read(struct hvis_ring *r);
/* ... and unmasks them; returns the bytes that arrived meanwhile (drain again if > 0). */
u32 hvis_ring_end_read(struct hvis_ring *r);

#endif /* _HVIS_RING_H */
