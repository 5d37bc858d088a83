// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_kvp_pool.c: unit tests of tools/kvpd/kvp_pool.c, the KVP pool files, in a
 * temporary directory: set/get/delete/enumerate, and the size bound: a pool holds at
 * most KVP_POOL_MAX_RECORDS records, a new key beyond it gets -ENOSPC while existing
 * keys can still be changed and deleted, and the file stops growing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "../../tools/kvpd/kvp_pool.h"

static int set(int pool, const char *k, const char *v)
{
	return kvp_pool_set(pool, k, strlen(k) + 1, v, strlen(v) + 1);
}

static long pool_bytes(int pool)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "%s/.kvp_pool_%d", kvp_pool_dir(), pool);
	return stat(path, &st) ? -1 : (long)st.st_size;
}

int main(void)
{
	char dir[] = "/tmp/hvis-kvp-pool-XXXXXX", key[64], val[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	char k2[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	int i, rc, fails = 0;

	if (!mkdtemp(dir))
		return 1;
	setenv("HVIS_KVP_DIR", dir, 1);
	tap_check(kvp_pool_init() == 0, "pool files created in %s", dir);
	tap_check(set(0, "Key", "Value") == 0, "set");
	tap_check(kvp_pool_get(0, "Key", 4, val, sizeof(val)) == 0 && !strcmp(val, "Value"), "get");
	tap_check(set(0, "Key", "Other") == 0 && kvp_pool_get(0, "Key", 4, val, sizeof(val)) == 0 &&
		  !strcmp(val, "Other") && pool_bytes(0) == (long)sizeof(struct kvp_pool_record),
		  "set of an existing key replaces its value (one record)");
	tap_check(kvp_pool_delete(0, "Key", 4) == 0 && kvp_pool_get(0, "Key", 4, val, sizeof(val)) == -ENOENT,
		  "delete");

	/*
	 * Fill pool 0 to one short of the bound with distinct keys, written as one file
	 * (each set rewrites the whole file), then the last one through kvp_pool_set.
	 */
	{
		static struct kvp_pool_record rec[KVP_POOL_MAX_RECORDS];
		FILE *f;

		for (i = 0; i < KVP_POOL_MAX_RECORDS - 1; i++) {
			snprintf(rec[i].key, sizeof(rec[i].key), "key%d", i);
			strcpy(rec[i].value, "v");
		}
		snprintf(k2, sizeof(k2), "%s/.kvp_pool_0", dir);
		f = fopen(k2, "w");
		fails = !f || fwrite(rec, sizeof(rec[0]), KVP_POOL_MAX_RECORDS - 1, f) !=
			      KVP_POOL_MAX_RECORDS - 1;
		if (f)
			fclose(f);
		snprintf(key, sizeof(key), "key%d", KVP_POOL_MAX_RECORDS - 1);
		fails += set(0, key, "v") != 0;
	}
	tap_check(!fails && pool_bytes(0) == (long)KVP_POOL_MAX_RECORDS * (long)sizeof(struct kvp_pool_record),
		  "%d distinct keys fit (%ld bytes)", KVP_POOL_MAX_RECORDS, pool_bytes(0));
	rc = set(0, "one-too-many", "v");
	tap_check(rc == -ENOSPC, "key %d is refused with -ENOSPC (got %d)", KVP_POOL_MAX_RECORDS + 1, rc);
	for (i = 0, fails = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "more%d", i);
		fails += set(0, key, "v") != -ENOSPC;
	}
	tap_check(!fails && pool_bytes(0) == (long)KVP_POOL_MAX_RECORDS * (long)sizeof(struct kvp_pool_record),
		  "100 more new keys refused; the file did not grow");
	tap_check(kvp_pool_get(0, "one-too-many", 13, val, sizeof(val)) == -ENOENT, "the refused key is absent");
	tap_check(set(0, "key7", "changed") == 0 && kvp_pool_get(0, "key7", 5, val, sizeof(val)) == 0 &&
		  !strcmp(val, "changed"), "an existing key can still be changed in a full pool");
	snprintf(key, sizeof(key), "key%d", KVP_POOL_MAX_RECORDS - 1);
	tap_check(kvp_pool_enumerate(0, KVP_POOL_MAX_RECORDS - 1, k2, sizeof(k2), val, sizeof(val)) == 0 &&
		  !strcmp(k2, key), "nothing lost: the last record is %s", k2);
	tap_check(kvp_pool_delete(0, "key0", 5) == 0 && set(0, "one-too-many", "v") == 0,
		  "after a delete a new key fits again");
	tap_check(set(1, "other-pool", "v") == 0, "the bound is per pool: pool 1 still takes keys");

	for (i = 0; i < KVP_POOL_COUNT; i++) {
		snprintf(key, sizeof(key), "%s/.kvp_pool_%d", dir, i);
		unlink(key);
	}
	rmdir(dir);
	return tap_done();
}
