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
#include <asm/barrier.h>

#define hvis_load_acquire(p)	smp_load_acquire(p)
#define hvis_store_release(p, v) smp_store_release(p, v)
#define hvis_read_once(x)	READ_ONCE(x)
#define hvis_write_once(x, v)	WRITE_ONCE(x, v)
#define hvis_mb()		virt_mb()
#define hvis_rmb()		virt_rmb()
#define hvis_wmb()		virt_wmb()
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include <assert.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef __packed
#define __packed __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x) __attribute__((aligned(x)))
#endif
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#endif

#define hvis_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define hvis_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define hvis_read_once(x)	(*(const volatile __typeof__(x) *)&(x))
#define hvis_write_once(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define hvis_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define hvis_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define hvis_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#endif

/* A GUID exactly as it travels on the wire: the 16 bytes in memory order. */
struct hvis_guid {
	u8 b[16];
} __packed;
static_assert(sizeof(struct hvis_guid) == 16, "hvis_guid");

/*
 * Builds a wire GUID from its textual form a-b-c-d-e; the first three groups are
 * stored little-endian, as Windows GUIDs are (compare include/linux/uuid.h GUID_INIT).
 */
#define HVIS_GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)			\
	{ { (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, \
	    (b) & 0xff, ((b) >> 8) & 0xff, (c) & 0xff, ((c) >> 8) & 0xff,	\
	    (d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } }

#endif /* _HVIS_TYPES_H */
