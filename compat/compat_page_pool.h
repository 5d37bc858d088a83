/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat_page_pool.h: the page pool's allocation and recycling API, from the header the
 * target kernel has it in (<net/page_pool/helpers.h> from 6.6 on, decided by a header
 * probe in compat/Kbuild.include).  Apart from compat.h, no other file tests a kernel
 * version; this one is separate so that only hvis_netvsc pulls the page pool in.
 */
#ifndef _HVIS_COMPAT_PAGE_POOL_H
#define _HVIS_COMPAT_PAGE_POOL_H

#ifdef HVIS_COMPAT_PAGE_POOL_HELPERS
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

#endif /* _HVIS_COMPAT_PAGE_POOL_H */
