/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * types.h: the few type and barrier names that the shared wire-format headers and the
 * pure protocol code (lib/) use, mapped onto the kernel's or onto C11's.
 *
 * Everything in include/hvis/ and lib/ is compiled three ways: into the kernel modules,
 * into the fake host and into the userspace unit tests and fuzzers.  Hyper-V is
 * little-endian only (x86_64, arm64), so wire fields are plain fixed-width integers.
 */
#ifndef _HVIS_TYPES_H
#define _HVIS_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <asm/barrier.h>

/*
 * The ring is shared with another VM (the host), so its ordering needs the virt_*
 * barriers even on a uniprocessor guest; each name maps 1:1 onto the kernel's.
 */
#define hvis_load_acquire(p)	smp_load_acquire(p)	/* pairs with the peer's release */
#define hvis_store_release(p, v) smp_store_release(p, v)	/* pairs with the peer's acquire */
#define hvis_read_once(x)	READ_ONCE(x)
#define hvis_write_once(x, v)	WRITE_ONCE(x, v)
#define hvis_mb()		virt_mb()	/* full barrier between data and indices */
#define hvis_rmb()		virt_rmb()	/* read barrier before re-reading an index */
#define hvis_wmb()		virt_wmb()	/* write barrier before publishing an index */
#else
#include "types_user.h"
#endif

/* A GUID exactly as it travels on the wire: the 16 bytes in memory order. */
struct hvis_guid {
	u8 b[16];
} __packed;
static_assert(sizeof(struct hvis_guid) == 16, "hvis_guid");

/*
 * Wire GUIDs are written as their 16 bytes in memory order: the first three groups
 * of the textual form little-endian, as Windows stores them (include/linux/uuid.h
 * GUID_INIT).  Each definition carries its textual form in a comment, and
 * tests/unit/test_guids.c checks the two agree.
 */

#endif /* _HVIS_TYPES_H */
