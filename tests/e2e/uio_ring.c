// SPDX-License-Identifier: GPL-2.0-only
/*
 * uio_ring.c: drives a VMBus channel through uio_hv_generic the way DPDK's netvsc PMD
 * does, against the fake host's echo device: open /dev/uioN, mmap map 0 (the txrx
 * rings), write in-band packets into the tx ring, signal with write(fd, 1), wait for
 * the interrupt with read(fd) (poll, with a timeout), take the echo from the rx ring
 * and compare it.  Every index and descriptor the host wrote is checked before use.
 * Then: write(fd, 0) must show in the channel's in_mask, write(fd, 1) must clear it,
 * and channels/<relid>/ring must map the same memory as map 0.
 *
 *   uio_ring DEVICE-GUID COUNT    prints "ok packets=N bytes=B wraps=W", exits 0
 *
 * With --sub RELID COUNT, the same echo runs through the subchannel RELID instead:
 * its ring is mapped from channels/RELID/ring (uio_hv_generic maps only the primary's
 * rings as map 0), the host is signalled and the interrupt taken through /dev/uioN as
 * for the primary; prints "ok sub=RELID packets=N bytes=B wraps=W".
 *
 * With --buffers instead of COUNT (a NIC's device): maps 3 and 4, the receive and send
 * buffers, are mapped whole at offset N * page size, as DPDK's vmbus bus driver maps
 * them; a pattern written to every page reads back; prints "ok recv=NAME SIZE
 * send=NAME SIZE".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hvis/ring_proto.h>

#define TRAILER	8u	/* the u64 after each packet (include/linux/hyperv.h) */

struct ring {
	struct hv_ring_buffer_header *hdr;
	uint8_t *data;
	uint32_t size;
};

static char sysdir[512];

static void die(const char *what)
{
	fprintf(stderr, "uio_ring: %s\n", what);
	exit(1);
}

static long read_num(const char *path, int base)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		fprintf(stderr, "uio_ring: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return strtol(buf, NULL, base);
}

/* The only entry of @dir other than . and .. that starts with @prefix. */
static void first_entry(const char *dir, const char *prefix, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "uio_ring: no %s\n", dir);
		exit(1);
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && !strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(out, len, "%s", e->d_name);
			closedir(d);
			return;
		}
	fprintf(stderr, "uio_ring: nothing in %s\n", dir);
	exit(1);
}

static void copy_in(struct ring *r, uint32_t at, const void *src, uint32_t len)
{
	uint32_t first = len < r->size - at ? len : r->size - at;

	memcpy(r->data + at, src, first);
	memcpy(r->data, (const uint8_t *)src + first, len - first);
}

static void copy_out(struct ring *r, uint32_t at, void *dst, uint32_t len)
{
	uint32_t first = len < r->size - at ? len : r->size - at;

	memcpy(dst, r->data + at, first);
	memcpy((uint8_t *)dst + first, r->data, len - first);
}

static int index_ok(const struct ring *r, uint32_t i)
{
	return i < r->size && !(i & 7);
}

/* Puts one in-band packet (descriptor, payload padded to 8, trailer) into tx. */
static int send_pkt(struct ring *tx, const void *buf, uint32_t len, uint64_t id, int *wrapped)
{
	uint32_t w = tx->hdr->write_index;
	uint32_t rd = __atomic_load_n(&tx->hdr->read_index, __ATOMIC_ACQUIRE);
	uint32_t plen = sizeof(struct vmpacket_descriptor) + ((len + 7) & ~7u);
	struct vmpacket_descriptor d = {
		.type = VM_PKT_DATA_INBAND, .offset8 = 2, .len8 = plen / 8, .trans_id = id,
	};
	uint64_t trailer = (uint64_t)w << 32;
	static const uint8_t zero[8];
	uint32_t space;

	if (!index_ok(tx, w) || !index_ok(tx, rd))
		die("bad tx ring index");
	space = rd > w ? rd - w : tx->size - w + rd;
	if (space <= plen + TRAILER)
		return -EAGAIN;
	copy_in(tx, w, &d, sizeof(d));
	copy_in(tx, (w + sizeof(d)) % tx->size, buf, len);
	copy_in(tx, (w + sizeof(d) + len) % tx->size, zero, plen - sizeof(d) - len);
	copy_in(tx, (w + plen) % tx->size, &trailer, TRAILER);
	*wrapped = w + plen + TRAILER >= tx->size;
	__atomic_store_n(&tx->hdr->write_index, (w + plen + TRAILER) % tx->size, __ATOMIC_RELEASE);
	return 0;
}

/* Takes one packet's payload from rx: its length, 0 if none, or exits on a bad one. */
static int recv_pkt(struct ring *rx, void *buf, uint32_t buflen, uint64_t *id)
{
	uint32_t w = __atomic_load_n(&rx->hdr->write_index, __ATOMIC_ACQUIRE);
	uint32_t rd = rx->hdr->read_index, avail, plen, off;
	struct vmpacket_descriptor d;

	if (!index_ok(rx, w) || !index_ok(rx, rd))
		die("bad rx ring index from the host");
	avail = w >= rd ? w - rd : rx->size - rd + w;
	if (!avail)
		return 0;
	if (avail < sizeof(d) + TRAILER)
		die("rx: less than a descriptor");
	copy_out(rx, rd, &d, sizeof(d));
	plen = d.len8 * 8u;
	off = d.offset8 * 8u;
	if (d.type != VM_PKT_DATA_INBAND || off < sizeof(d) || off > plen ||
	    plen + TRAILER > avail || plen - off > buflen)
		die("rx: bad descriptor from the host");
	copy_out(rx, (rd + off) % rx->size, buf, plen - off);
	*id = d.trans_id;
	__atomic_store_n(&rx->hdr->read_index, (rd + plen + TRAILER) % rx->size, __ATOMIC_RELEASE);
	return plen - off;
}

/* Opens PATH read-write and maps SIZE bytes of it shared; *fd keeps the file open. */
static uint8_t *map_shared(const char *path, size_t size, int *fd, const char *what)
{
	void *m;

	*fd = open(path, O_RDWR);
	if (*fd < 0) {
		fprintf(stderr, "uio_ring: cannot open %s (%s)\n", what, path);
		exit(1);
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "uio_ring: cannot map %s (%s)\n", what, path);
		exit(1);
	}
	return m;
}

static void irq(int fd, int32_t on)
{
	if (write(fd, &on, sizeof(on)) != sizeof(on))
		die("write to the uio device failed");
}

static void wait_irq(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint32_t count;

	if (poll(&p, 1, 10000) != 1)
		die("no interrupt within 10 s");
	if (read(fd, &count, sizeof(count)) != sizeof(count))
		die("read of the uio device failed");
}

/* Maps uio map N (name and size from sysfs) whole and checks a pattern in every page. */
static void check_buffer(const char *uio, int fd, int n, const char *want, char *out,
			 size_t outlen)
{
	char path[512], name[64] = "";
	size_t size, off, page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *m;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%d/name", uio, n);
	f = fopen(path, "r");
	if (!f || !fgets(name, sizeof(name), f))
		die("no name for a buffer map");
	fclose(f);
	name[strcspn(name, "\n")] = 0;
	if (strncmp(name, want, strlen(want)))
		die("a buffer map has an unexpected name");
	snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%d/size", uio, n);
	size = read_num(path, 16);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)n * (off_t)page);
	if (m == MAP_FAILED)
		die("cannot map a buffer map whole");
	for (off = 0; off < size; off += page)
		memcpy(m + off, &off, sizeof(off));
	for (off = 0; off < size; off += page)
		if (memcmp(m + off, &off, sizeof(off)))
			die("a buffer page does not read back what was written");
	munmap(m, size);
	snprintf(out, outlen, "%s %#zx", name, size);
}

static int buffers(const char *uio)
{
	char path[300], recv[100], send[100];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", uio);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("cannot open the uio device");
	check_buffer(uio, fd, 3, "recv:", recv, sizeof(recv));
	check_buffer(uio, fd, 4, "send:", send, sizeof(send));
	printf("ok recv=%s send=%s\n", recv, send);
	return 0;
}

/* Sets tx and rx over a ring block: the outbound ring, then the inbound ring. */
static void rings_of(uint8_t *map, size_t size, struct ring *tx, struct ring *rx)
{
	tx->hdr = (void *)map;
	tx->data = map + HV_RING_HEADER_BYTES;
	tx->size = size / 2 - HV_RING_HEADER_BYTES;
	rx->hdr = (void *)(map + size / 2);
	rx->data = map + size / 2 + HV_RING_HEADER_BYTES;
	rx->size = tx->size;
	__atomic_store_n(&rx->hdr->interrupt_mask, 0, __ATOMIC_SEQ_CST);
}

/*
 * COUNT packets of 1-4095 bytes through tx, each echo taken from rx and compared;
 * returns the wraps of tx, adds the bytes to *bytes.  The host is signalled and the
 * interrupt waited for on the uio fd.
 */
static long echo_loop(int fd, struct ring *tx, struct ring *rx, long count, long *bytes)
{
	static uint8_t out[4096], in[4096];
	long i, wraps = 0;

	for (i = 0; i < count; i++) {
		uint32_t len = 1 + (i * 389) % (sizeof(out) - 1), k;
		uint64_t id;
		int got, wrapped = 0;

		for (k = 0; k < len; k++)
			out[k] = (uint8_t)(i * 7 + k);
		if (send_pkt(tx, out, len, i, &wrapped))
			die("tx ring full with one packet in flight");
		wraps += wrapped;
		irq(fd, 1);	/* unmask, and signal the host */
		while (!(got = recv_pkt(rx, in, sizeof(in), &id)))
			wait_irq(fd);
		if (id != (uint64_t)i || (uint32_t)got < len || memcmp(in, out, len)) {
			fprintf(stderr, "uio_ring: echo %ld differs (id %llu, %d bytes)\n", i,
				(unsigned long long)id, got);
			exit(1);
		}
		*bytes += len;
	}
	return wraps;
}

/* --sub RELID COUNT: the echo through a subchannel's ring file. */
static int sub_echo(const char *uio, const char *relid, long count)
{
	char path[1024];
	long bytes = 0, wraps;
	struct ring tx, rx;
	struct stat st;
	uint8_t *map;
	int fd, rfd;

	snprintf(path, sizeof(path), "%s/channels/%s/ring", sysdir, relid);
	if (stat(path, &st) || st.st_size <= 2 * HV_RING_HEADER_BYTES)
		die("no ring file for that subchannel");
	map = map_shared(path, (size_t)st.st_size, &rfd, "the subchannel's ring file");
	snprintf(path, sizeof(path), "/dev/%s", uio);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("cannot open the uio device");
	rings_of(map, (size_t)st.st_size, &tx, &rx);
	wraps = echo_loop(fd, &tx, &rx, count, &bytes);
	printf("ok sub=%s packets=%ld bytes=%ld wraps=%ld ring=%lld\n", relid, count, bytes, wraps,
	       (long long)st.st_size);
	return 0;
}

int main(int argc, char **argv)
{
	char path[1024], uio[256], relid[256];
	long count, bytes = 0, wraps;
	struct ring tx, rx;
	size_t size;
	uint8_t *map, *ring2;
	int fd, rfd;

	if (argc != 3 && !(argc == 5 && !strcmp(argv[2], "--sub")))
		die("usage: uio_ring DEVICE-GUID COUNT|--buffers|--sub RELID COUNT");
	snprintf(sysdir, sizeof(sysdir), "/sys/bus/vmbus/devices/%s", argv[1]);
	snprintf(path, sizeof(path), "%s/uio", sysdir);
	first_entry(path, "uio", uio, sizeof(uio));
	if (!strcmp(argv[2], "--buffers"))
		return buffers(uio);
	if (!strcmp(argv[2], "--sub"))
		return sub_echo(uio, argv[3], atol(argv[4]));
	count = atol(argv[2]);
	snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map0/size", uio);
	size = read_num(path, 16);
	snprintf(path, sizeof(path), "/dev/%s", uio);
	map = map_shared(path, size, &fd, "the uio device's map 0");
	rings_of(map, size, &tx, &rx);
	wraps = echo_loop(fd, &tx, &rx, count, &bytes);

	/* The mask, as the channel's in_mask shows it. */
	snprintf(path, sizeof(path), "%s/channels", sysdir);
	first_entry(path, "", relid, sizeof(relid));
	snprintf(path, sizeof(path), "%s/channels/%s/in_mask", sysdir, relid);
	irq(fd, 0);
	if (read_num(path, 10) != 1)
		die("in_mask is not 1 after write(fd, 0)");
	irq(fd, 1);
	if (read_num(path, 10) != 0)
		die("in_mask is not 0 after write(fd, 1)");

	/* channels/<relid>/ring maps the same ring block. */
	snprintf(path, sizeof(path), "%s/channels/%s/ring", sysdir, relid);
	ring2 = map_shared(path, size, &rfd, "the channel's ring file");
	if (memcmp(ring2, map, 16) || memcmp(ring2 + size / 2, map + size / 2, 16) ||
	    !tx.hdr->write_index)
		die("the ring file does not show map 0's ring");
	printf("ok packets=%ld bytes=%ld wraps=%ld ring=%zu\n", count, bytes, wraps, size);
	return 0;
}
