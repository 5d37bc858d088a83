/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest_mem.h: the guest's RAM as the host sees it: QEMU's memory-backend file, GPA to
 * file offset on q35, PFN checks and mapping a list of guest pages contiguously.
 */
#ifndef _FH_GUEST_MEM_H
#define _FH_GUEST_MEM_H

#include "hvis/types.h"

/* Hyper-V PFNs are in 4 KiB units whatever the guest's page size (include/linux/hyperv.h). */
#define GUEST_PAGE_SIZE		4096u
#define GUEST_4G		0x100000000ull

struct guest_mem {
	int fd;			/* -1: no guest RAM */
	u64 size;		/* bytes of RAM in the file */
	u64 lowmem;		/* RAM below the PCI hole */
};

void guest_mem_init(struct guest_mem *m);

/* Opens the RAM file (or takes fd, which guest_mem_close then closes). */
int guest_mem_open(struct guest_mem *m, const char *path, u64 size);
int guest_mem_open_fd(struct guest_mem *m, int fd, u64 size);
void guest_mem_close(struct guest_mem *m);

/* File offset of the page at pfn; false when the page is not guest RAM. */
bool guest_mem_pfn_offset(const struct guest_mem *m, u64 pfn, u64 *off);

/* Maps n pages as one host range (each MAP_SHARED from the RAM file); NULL on error. */
void *guest_mem_map(const struct guest_mem *m, const u64 *pfns, u32 n);
void guest_mem_unmap(void *addr, u32 n);

#endif /* _FH_GUEST_MEM_H */
