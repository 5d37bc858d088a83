// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-kvp: the guest administrator's view of the KVP pools.  Items set here go to
 * the guest pool (1), which the host reads; other pools can be listed and read.
 *
 *   hvis-kvp set KEY VALUE | get KEY | delete KEY     (guest pool)
 *   hvis-kvp list [POOL]                              (default: every pool file)
 *   -p POOL before the command picks another pool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kvp_pool.h"

static int usage(void)
{
	fprintf(stderr, "usage: hvis-kvp [-p POOL] set KEY VALUE | get KEY | delete KEY | list [POOL]\n");
	return 2;
}

static int list(int pool)
{
	static char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE], value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	unsigned int i;

	for (i = 0; !kvp_pool_enumerate(pool, i, key, sizeof(key), value, sizeof(value)); i++)
		printf("%d %s=%s\n", pool, key, value);
	return 0;
}

int main(int argc, char **argv)
{
	static char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
	int pool = KVP_POOL_GUEST, opt, rc;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		if (opt != 'p')
			return usage();
		pool = atoi(optarg);
		if (pool < 0 || pool >= KVP_POOL_COUNT) {
			fprintf(stderr, "hvis-kvp: no pool %s (0-4)\n", optarg);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage();
	if (!strcmp(argv[0], "list")) {
		if (argc > 1)
			return list(atoi(argv[1]));
		for (pool = 0; pool < KVP_POOL_COUNT; pool++)
			list(pool);
		return 0;
	}
	if (argc < 2)
		return usage();
	if (!strcmp(argv[0], "set") && argc == 3) {
		rc = kvp_pool_set(pool, argv[1], strlen(argv[1]) + 1, argv[2], strlen(argv[2]) + 1);
	} else if (!strcmp(argv[0], "get") && argc == 2) {
		rc = kvp_pool_get(pool, argv[1], strlen(argv[1]) + 1, value, sizeof(value));
		if (!rc)
			printf("%s\n", value);
	} else if (!strcmp(argv[0], "delete") && argc == 2) {
		rc = kvp_pool_delete(pool, argv[1], strlen(argv[1]) + 1);
	} else {
		return usage();
	}
	if (rc) {
		fprintf(stderr, "hvis-kvp: %s %s: %s\n", argv[0], argv[1],
			rc == -EINVAL ? "key or value too long (key < 512, value < 2048 bytes)"
				      : strerror(-rc));
		return 1;
	}
	return 0;
}
