// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring.c: one direction of a VMBus ring buffer (see ring.h for the rules), shared by
 * hvis_vmbus.ko, the fake host and the unit tests and fuzzers.
 *
 * Layout and signalling rules: include/linux/hyperv.h (struct hv_ring_buffer) and
 * drivers/hv/ring_buffer.c (hv_signal_on_write, hv_pkt_iter_close) in upstream Linux.
 */
#include "ring.h"

static bool index_ok(const struct hvis_ring *r, u32 idx)
{
	return idx < r->data_size && !(idx & 7);
}

static int mark_broken(struct hvis_ring *r)
{
	r->broken = true;
	return -EIO;
}

int hvis_ring_init(struct hvis_ring *r, void *hdr, void *data, u32 data_size, bool init_header)
{
	if (!hdr || !data || data_size < 2 * sizeof(struct vmpacket_descriptor) ||
	    (data_size & 7))
		return -EINVAL;
	r->hdr = hdr;
	r->data = data;
	r->data_size = data_size;
	r->broken = false;
	if (init_header) {
		memset(hdr, 0, sizeof(*r->hdr));
		r->hdr->feature_bits = HV_RING_FEAT_PENDING_SEND_SZ;
	}
	r->priv_read_index = hvis_read_once(r->hdr->read_index);
	if (!index_ok(r, r->priv_read_index))
		return mark_broken(r);
	return 0;
}

/* Free bytes between a producer at w and a consumer at rd (indices already validated). */
static u32 free_bytes(const struct hvis_ring *r, u32 w, u32 rd)
{
	return rd > w ? rd - w : r->data_size - (w - rd);
}

u32 hvis_ring_bytes_to_read(const struct hvis_ring *r)
{
	u32 w = hvis_read_once(r->hdr->write_index);

	if (r->broken || !index_ok(r, w))
		return 0;
	return r->data_size - free_bytes(r, w, r->priv_read_index);
}

u32 hvis_ring_bytes_to_write(const struct hvis_ring *r)
{
	u32 w = hvis_read_once(r->hdr->write_index);
	u32 rd = hvis_read_once(r->hdr->read_index);

	if (r->broken || !index_ok(r, w) || !index_ok(r, rd))
		return 0;
	return free_bytes(r, w, rd);
}

/* Copies len bytes to data offset off, wrapping at the end; returns the next offset. */
static u32 copy_to_ring(struct hvis_ring *r, u32 off, const void *src, u32 len)
{
	u32 first = min(len, r->data_size - off);

	memcpy(r->data + off, src, first);
	if (len > first)
		memcpy(r->data, (const u8 *)src + first, len - first);
	off += len;
	if (off >= r->data_size)
		off -= r->data_size;
	return off;
}

static void copy_from_ring(const struct hvis_ring *r, u32 off, void *dst, u32 len)
{
	u32 first = min(len, r->data_size - off);

	memcpy(dst, r->data + off, first);
	if (len > first)
		memcpy((u8 *)dst + first, r->data, len - first);
}

/*
 * Writes an optional descriptor and the vectors as one packet of pkt_len bytes (a
 * multiple of 8, padding included) plus the trailer.
 */
static int write_packet(struct hvis_ring *r, const struct vmpacket_descriptor *desc,
			const struct hvis_kvec *vec, unsigned int nvec, u32 pkt_len,
			bool *signal, struct hvis_ring_stats *stats)
{
	static const u8 zeros[8];
	u32 total = pkt_len + VMBUS_PKT_TRAILER_BYTES;
	u32 w, rd, off, used = 0;
	u64 trailer;
	unsigned int i;

	*signal = false;
	if (r->broken)
		return -EIO;
	if (total >= r->data_size)
		return -EINVAL;
	w = hvis_read_once(r->hdr->write_index);
	rd = hvis_read_once(r->hdr->read_index);
	if (!index_ok(r, w) || !index_ok(r, rd))
		return mark_broken(r);
	/* Never fill the ring completely: read == write must keep meaning empty. */
	if (free_bytes(r, w, rd) <= total) {
		if (stats)
			stats->full_events++;
		return -EAGAIN;
	}

	off = w;
	if (desc) {
		off = copy_to_ring(r, off, desc, sizeof(*desc));
		used = sizeof(*desc);
	}
	for (i = 0; i < nvec; i++) {
		off = copy_to_ring(r, off, vec[i].base, vec[i].len);
		used += vec[i].len;
	}
	if (pkt_len > used)
		off = copy_to_ring(r, off, zeros, pkt_len - used);
	trailer = (u64)w << 32;
	off = copy_to_ring(r, off, &trailer, sizeof(trailer));

	/* The packet must be visible before the index that publishes it. */
	hvis_mb();
	hvis_write_once(r->hdr->write_index, off);

	if (stats) {
		stats->packets++;
		stats->bytes += pkt_len;
	}

	/* Signal only on empty -> non-empty, and only if the consumer listens. */
	hvis_mb();
	if (hvis_read_once(r->hdr->interrupt_mask))
		return 0;
	hvis_rmb();
	if (w == hvis_read_once(r->hdr->read_index)) {
		*signal = true;
		if (stats)
			stats->signals++;
	}
	return 0;
}

static u32 vec_bytes(const struct hvis_kvec *vec, unsigned int nvec)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < nvec; i++)
		sum += vec[i].len;
	return sum > 0xffff0000u ? 0xffff0000u : (u32)sum;
}

int hvis_ring_write_packet(struct hvis_ring *r, u16 type, u16 flags, u64 trans_id,
			   const struct hvis_kvec *vec, unsigned int nvec, bool *signal,
			   struct hvis_ring_stats *stats)
{
	struct vmpacket_descriptor desc;
	u32 payload = vec_bytes(vec, nvec);
	u32 pkt_len = hvis_ring_packet_bytes(payload) - VMBUS_PKT_TRAILER_BYTES;

	*signal = false;
	if (pkt_len / 8 > 0xffff)
		return -EINVAL;
	desc.type = type;
	desc.offset8 = sizeof(desc) / 8;
	desc.len8 = pkt_len / 8;
	desc.flags = flags;
	desc.trans_id = trans_id;
	return write_packet(r, &desc, vec, nvec, pkt_len, signal, stats);
}

int hvis_ring_write_raw(struct hvis_ring *r, const struct hvis_kvec *vec,
			unsigned int nvec, bool *signal, struct hvis_ring_stats *stats)
{
	struct vmpacket_descriptor desc;
	u32 len = vec_bytes(vec, nvec);
	u32 pkt_len = (len + 7) & ~7u;

	*signal = false;
	if (nvec == 0 || vec[0].len < sizeof(desc))
		return -EINVAL;
	memcpy(&desc, vec[0].base, sizeof(desc));
	if ((u32)desc.len8 * 8 != pkt_len || desc.offset8 * 8u < sizeof(desc) ||
	    desc.offset8 > desc.len8)
		return -EINVAL;
	return write_packet(r, NULL, vec, nvec, pkt_len, signal, stats);
}

void hvis_ring_set_pending_send(struct hvis_ring *r, u32 bytes)
{
	hvis_write_once(r->hdr->pending_send_sz, bytes);
	hvis_mb();
}

int hvis_ring_peek(struct hvis_ring *r, void *buf, u32 buflen, u32 *needed)
{
	struct vmpacket_descriptor desc, *copy = buf;
	u32 w, avail, len, off;

	if (r->broken)
		return -EIO;
	w = hvis_load_acquire(&r->hdr->write_index);
	if (!index_ok(r, w))
		return mark_broken(r);
	avail = r->data_size - free_bytes(r, w, r->priv_read_index);
	if (avail == 0)
		return -EAGAIN;
	/* A producer publishes whole packets only. */
	if (avail < sizeof(desc) + VMBUS_PKT_TRAILER_BYTES)
		return mark_broken(r);

	copy_from_ring(r, r->priv_read_index, &desc, sizeof(desc));
	len = (u32)desc.len8 * 8;
	off = (u32)desc.offset8 * 8;
	if (len < sizeof(desc) || len + VMBUS_PKT_TRAILER_BYTES > avail ||
	    off < sizeof(desc) || off > len)
		return mark_broken(r);
	if (len > buflen) {
		if (needed)
			*needed = len;
		/* The descriptor still reaches the caller: its trans_id names a request. */
		if (buflen >= sizeof(desc))
			memcpy(buf, &desc, sizeof(desc));
		return -ENOBUFS;
	}
	copy_from_ring(r, r->priv_read_index, buf, len);
	/* The peer may have changed the ring since: the copy carries the checked values. */
	copy->len8 = desc.len8;
	copy->offset8 = desc.offset8;
	return (int)len;
}

void hvis_ring_advance(struct hvis_ring *r, u32 pkt_len)
{
	u32 next = r->priv_read_index + pkt_len + VMBUS_PKT_TRAILER_BYTES;

	if (next >= r->data_size)
		next -= r->data_size;
	r->priv_read_index = next;
}

bool hvis_ring_commit_read(struct hvis_ring *r, struct hvis_ring_stats *stats)
{
	u32 old = hvis_read_once(r->hdr->read_index);
	u32 w, free_now, bytes_read, pending;

	if (r->broken || !index_ok(r, old))
		return false;
	bytes_read = r->priv_read_index >= old ? r->priv_read_index - old :
		     r->data_size - (old - r->priv_read_index);
	if (!bytes_read)
		return false;
	/* Finish reading the packets before handing their space back. */
	hvis_mb();
	hvis_write_once(r->hdr->read_index, r->priv_read_index);
	hvis_mb();

	if (!(hvis_read_once(r->hdr->feature_bits) & HV_RING_FEAT_PENDING_SEND_SZ))
		return false;
	pending = hvis_read_once(r->hdr->pending_send_sz);
	if (!pending)
		return false;
	w = hvis_read_once(r->hdr->write_index);
	if (!index_ok(r, w))
		return false;
	free_now = free_bytes(r, w, r->priv_read_index);
	/* Signal only when this read moved free space across the producer's threshold. */
	if (free_now <= pending)
		return false;
	if (free_now >= bytes_read && free_now - bytes_read > pending)
		return false;
	if (stats)
		stats->signals++;
	return true;
}

void hvis_ring_begin_read(struct hvis_ring *r)
{
	hvis_write_once(r->hdr->interrupt_mask, 1);
	hvis_mb();
}

u32 hvis_ring_end_read(struct hvis_ring *r)
{
	hvis_write_once(r->hdr->interrupt_mask, 0);
	hvis_mb();
	return hvis_ring_bytes_to_read(r);
}
