// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_pool.c: KVP pool files (see kvp_pool.h).  On-disk format from
 * tools/hv/hv_kvp_daemon.c: records of key[HV_KVP_EXCHANGE_MAX_KEY_SIZE] and
 * value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE], whole-file write lock while in use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kvp_pool.h"

const char *kvp_pool_dir(void)
{
	const char *d = getenv("HVIS_KVP_DIR");

	return d && *d ? d : KVP_POOL_DIR;
}

static void pool_path(int pool, char *buf, size_t len)
{
	snprintf(buf, len, "%s/.kvp_pool_%d", kvp_pool_dir(), pool);
}

int kvp_pool_init(void)
{
	char path[256];
	int pool, fd;

	if (mkdir(kvp_pool_dir(), 0755) && errno != EEXIST)
		return -errno;
	for (pool = 0; pool < KVP_POOL_COUNT; pool++) {
		pool_path(pool, path, sizeof(path));
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

/* An open, locked pool file and its records. */
struct pool_file {
	int fd;
	struct kvp_pool_record *rec;
	size_t n;
};

static int pool_open(int pool, struct pool_file *pf)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[256];
	struct stat st;
	ssize_t got;

	if (pool < 0 || pool >= KVP_POOL_COUNT)
		return -EINVAL;
	pool_path(pool, path, sizeof(path));
	pf->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (pf->fd < 0)
		return -errno;
	while (fcntl(pf->fd, F_SETLKW, &fl)) {
		if (errno != EINTR)
			goto err;
	}
	if (fstat(pf->fd, &st))
		goto err;
	pf->n = st.st_size / sizeof(struct kvp_pool_record);
	pf->rec = calloc(pf->n + 1, sizeof(struct kvp_pool_record));
	if (!pf->rec)
		goto err;
	got = pread(pf->fd, pf->rec, pf->n * sizeof(struct kvp_pool_record), 0);
	if (got < 0)
		goto err_free;
	pf->n = got / sizeof(struct kvp_pool_record);
	return 0;

err_free:
	free(pf->rec);
err:
	got = -errno;
	close(pf->fd);
	return (int)got;
}

/* Writes the records back (on a change) and unlocks. */
static int pool_close(struct pool_file *pf, bool write)
{
	size_t len = pf->n * sizeof(struct kvp_pool_record);
	int rc = 0;

	if (write) {
		if (pwrite(pf->fd, pf->rec, len, 0) != (ssize_t)len || ftruncate(pf->fd, len) ||
		    fsync(pf->fd))
			rc = -errno ? -errno : -EIO;
	}
	free(pf->rec);
	close(pf->fd);	/* drops the lock */
	return rc;
}

static ssize_t pool_find(const struct pool_file *pf, const char *key)
{
	size_t i;

	for (i = 0; i < pf->n; i++)
		if (!strncmp(pf->rec[i].key, key, HV_KVP_EXCHANGE_MAX_KEY_SIZE))
			return (ssize_t)i;
	return -1;
}

/* key_size / value_size include the NUL and must match the strings. */
static bool sizes_ok(const char *key, size_t key_size, const char *value, size_t value_size)
{
	if (key_size < 2 || key_size > HV_KVP_EXCHANGE_MAX_KEY_SIZE ||
	    strnlen(key, key_size) != key_size - 1)
		return false;
	if (value && (value_size < 1 || value_size > HV_KVP_EXCHANGE_MAX_VALUE_SIZE ||
		      strnlen(value, value_size) != value_size - 1))
		return false;
	return true;
}

int kvp_pool_set(int pool, const char *key, size_t key_size, const char *value,
		 size_t value_size)
{
	struct pool_file pf;
	ssize_t i;
	int rc;

	if (!sizes_ok(key, key_size, value, value_size))
		return -EINVAL;
	rc = pool_open(pool, &pf);
	if (rc)
		return rc;
	i = pool_find(&pf, key);
	if (i < 0 && pf.n >= KVP_POOL_MAX_RECORDS) {
		pool_close(&pf, false);
		return -ENOSPC;
	}
	if (i < 0) {
		i = (ssize_t)pf.n++;	/* pool_open left room for one more */
		memset(&pf.rec[i], 0, sizeof(pf.rec[i]));
		memcpy(pf.rec[i].key, key, key_size);
	}
	memset(pf.rec[i].value, 0, sizeof(pf.rec[i].value));
	memcpy(pf.rec[i].value, value, value_size);
	return pool_close(&pf, true);
}

int kvp_pool_get(int pool, const char *key, size_t key_size, char *value, size_t value_cap)
{
	struct pool_file pf;
	ssize_t i;
	int rc;

	if (!sizes_ok(key, key_size, NULL, 0))
		return -EINVAL;
	rc = pool_open(pool, &pf);
	if (rc)
		return rc;
	i = pool_find(&pf, key);
	if (i >= 0)
		snprintf(value, value_cap, "%.*s", HV_KVP_EXCHANGE_MAX_VALUE_SIZE,
			 pf.rec[i].value);
	pool_close(&pf, false);
	return i >= 0 ? 0 : -ENOENT;
}

int kvp_pool_delete(int pool, const char *key, size_t key_size)
{
	struct pool_file pf;
	ssize_t i;
	int rc;

	if (!sizes_ok(key, key_size, NULL, 0))
		return -EINVAL;
	rc = pool_open(pool, &pf);
	if (rc)
		return rc;
	i = pool_find(&pf, key);
	if (i < 0) {
		pool_close(&pf, false);
		return -ENOENT;
	}
	memmove(&pf.rec[i], &pf.rec[i + 1], (pf.n - i - 1) * sizeof(pf.rec[0]));
	pf.n--;
	return pool_close(&pf, true);
}

int kvp_pool_enumerate(int pool, unsigned int index, char *key, size_t key_cap, char *value,
		       size_t value_cap)
{
	struct pool_file pf;
	int rc;

	rc = pool_open(pool, &pf);
	if (rc)
		return rc;
	if (index < pf.n) {
		snprintf(key, key_cap, "%.*s", HV_KVP_EXCHANGE_MAX_KEY_SIZE, pf.rec[index].key);
		snprintf(value, value_cap, "%.*s", HV_KVP_EXCHANGE_MAX_VALUE_SIZE,
			 pf.rec[index].value);
	}
	pool_close(&pf, false);
	return index < pf.n ? 0 : -ENOENT;
}
