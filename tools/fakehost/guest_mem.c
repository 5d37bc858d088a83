// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_mem.c: guest RAM access (see guest_mem.h).  Layout of q35 RAM in QEMU's
 * memory backend (hw/i386/pc_q35.c): the first `lowmem` bytes sit at GPA 0, the rest
 * at GPA 4 GiB; lowmem is 2 GiB when RAM is at least 2.75 GiB, else all of RAM.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "guest_mem.h"

#define Q35_LOWMEM_SPLIT	0xb0000000ull
#define Q35_LOWMEM_MAX		0x80000000ull

void guest_mem_init(struct guest_mem *m)
{
	m->fd = -1;
	m->size = 0;
	m->lowmem = 0;
}

int guest_mem_open_fd(struct guest_mem *m, int fd, u64 size)
{
	if (fd < 0 || !size || (size & (GUEST_PAGE_SIZE - 1)))
		return -EINVAL;
	m->fd = fd;
	m->size = size;
	m->lowmem = size >= Q35_LOWMEM_SPLIT ? Q35_LOWMEM_MAX : size;
	return 0;
}

int guest_mem_open(struct guest_mem *m, const char *path, u64 size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = guest_mem_open_fd(m, fd, size);
	if (ret)
		close(fd);
	return ret;
}

void guest_mem_close(struct guest_mem *m)
{
	if (m->fd >= 0)
		close(m->fd);
	guest_mem_init(m);
}

bool guest_mem_pfn_offset(const struct guest_mem *m, u64 pfn, u64 *off)
{
	u64 gpa;

	if (m->fd < 0 || pfn >= (1ull << 52) / GUEST_PAGE_SIZE)
		return false;
	gpa = pfn * GUEST_PAGE_SIZE;
	if (gpa < m->lowmem) {
		*off = gpa;
		return true;
	}
	if (gpa >= GUEST_4G && gpa - GUEST_4G < m->size - m->lowmem) {
		*off = m->lowmem + (gpa - GUEST_4G);
		return true;
	}
	return false;
}

void *guest_mem_map(const struct guest_mem *m, const u64 *pfns, u32 n)
{
	size_t len = (size_t)n * GUEST_PAGE_SIZE;
	u8 *base;
	u32 i, run;

	if (!n || sysconf(_SC_PAGESIZE) != GUEST_PAGE_SIZE)
		return NULL;
	/* Reserve the range, then put each run of consecutive pages over it. */
	base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i += run) {
		u64 off, next;

		if (!guest_mem_pfn_offset(m, pfns[i], &off))
			goto err;
		for (run = 1; i + run < n; run++) {
			if (!guest_mem_pfn_offset(m, pfns[i + run], &next) ||
			    next != off + (u64)run * GUEST_PAGE_SIZE)
				break;
		}
		if (mmap(base + (size_t)i * GUEST_PAGE_SIZE, (size_t)run * GUEST_PAGE_SIZE,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, m->fd,
			 (off_t)off) == MAP_FAILED)
			goto err;
	}
	return base;
err:
	munmap(base, len);
	return NULL;
}

void guest_mem_unmap(void *addr, u32 n)
{
	if (addr)
		munmap(addr, (size_t)n * GUEST_PAGE_SIZE);
}
