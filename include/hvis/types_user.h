/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * types_user.h: the userspace side of types.h, for the fake host, unit tests and
 * fuzzers: fixed-width names, attributes and C11 atomics standing in for the kernel's.
 * Userspace code, so kernel style checks of typedefs and barriers do not apply.
 */
#ifndef _HVIS_TYPES_USER_H
#define _HVIS_TYPES_USER_H

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

#endif /* _HVIS_TYPES_USER_H */
