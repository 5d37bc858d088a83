/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvp_pool.h: the KVP pool files, shared by hvis-kvpd and the hvis-kvp CLI.  One file
 * per pool, /var/lib/hyperv/.kvp_pool_<N>, a flat array of records of a 512-byte key
 * and a 2048-byte value, NUL-terminated UTF-8, no header; every access holds an fcntl
 * lock on the whole file and re-reads it, so the daemon, the CLI and other tools can
 * share the files (tools/hv/hv_kvp_daemon.c).
 */
#ifndef _KVP_POOL_H
#define _KVP_POOL_H

#include <stddef.h>
#include "hvis/kvp_abi.h"

/*
 * Most records one pool holds (2.5 MiB of file): a SET of a new key beyond it fails
 * with -ENOSPC, so a host that sets endless distinct keys cannot fill the guest's
 * disk or memory (the whole file is read, and on a change rewritten, on each
 * operation).  Upstream's hv_kvp_daemon has no limit.
 */
#define KVP_POOL_MAX_RECORDS	1024

/* Directory of the pool files; KVP_POOL_DIR unless $HVIS_KVP_DIR is set (tests). */
const char *kvp_pool_dir(void);

/* Creates the directory and empty pool files (mode 0644). 0 or -errno. */
int kvp_pool_init(void);

/*
 * The operations; each locks, re-reads and (for changes) rewrites the pool file.
 * Sizes include the NUL, as on the daemon device.  0, -ENOENT (no such key or index),
 * -EINVAL (bad size or pool), -ENOSPC (a new key in a full pool) or another -errno.
 */
int kvp_pool_set(int pool, const char *key, size_t key_size, const char *value,
		 size_t value_size);
int kvp_pool_get(int pool, const char *key, size_t key_size, char *value, size_t value_cap);
int kvp_pool_delete(int pool, const char *key, size_t key_size);
int kvp_pool_enumerate(int pool, unsigned int index, char *key, size_t key_cap, char *value,
		       size_t value_cap);

#endif /* _KVP_POOL_H */
