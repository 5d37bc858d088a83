// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-memcheck MIB STOPFILE [MIB_PER_S]: a test workload for Dynamic Memory.
 *
 * Maps MIB MiB of anonymous memory, one MiB at a time, and writes a pattern into every
 * 8-byte word (derived from the word's index and a pass number); then keeps verifying
 * the whole buffer and rewriting it with the next pass's pattern until STOPFILE
 * exists.  Prints "filled MIB" once the first fill is done, and on exit
 * "passes=N errors=E"; the exit status is 0 only when no word ever read back wrong.
 * With MIB_PER_S the first fill goes no faster than that: a workload that grows over
 * time, whose committed memory grows with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_WORDS	(1u << 17)	/* 1 MiB */

static uint64_t pattern(uint64_t i, uint64_t pass)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ (pass * 0xc2b2ae3d27d4eb4full);

	return x ^ (x >> 29);
}

/* Checks chunk c against pass's pattern and rewrites it with the next; bad words. */
static uint64_t check_chunk(uint64_t *w, uint64_t c, uint64_t pass, int rewrite)
{
	uint64_t i, base = c * CHUNK_WORDS, bad = 0;

	for (i = 0; i < CHUNK_WORDS; i++) {
		if (w[i] != pattern(base + i, pass) && bad++ < 3)
			printf("bad word %llu pass %llu: %#llx\n", (unsigned long long)(base + i),
			       (unsigned long long)pass, (unsigned long long)w[i]);
		if (rewrite)
			w[i] = pattern(base + i, pass + 1);
	}
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t c, i, pass = 0, errors = 0;
	unsigned long mib, rate = 0;
	uint64_t **chunk;

	if (argc == 4)
		rate = strtoul(argv[3], NULL, 10);
	if (argc < 3 || argc > 4 || !(mib = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: hvis-memcheck MIB STOPFILE [MIB_PER_S]\n");
		return 2;
	}
	chunk = calloc(mib, sizeof(*chunk));
	if (!chunk) {
		perror("calloc");
		return 2;
	}
	for (c = 0; c < mib; c++) {
		chunk[c] = mmap(NULL, CHUNK_WORDS * 8, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (chunk[c] == MAP_FAILED) {
			printf("mmap failed after %llu MiB\n", (unsigned long long)c);
			return 2;
		}
		for (i = 0; i < CHUNK_WORDS; i++)
			chunk[c][i] = pattern(c * CHUNK_WORDS + i, 0);
		if (rate)
			usleep(1000000 / rate);
	}
	printf("filled %lu\n", mib);
	fflush(stdout);
	while (access(argv[2], F_OK)) {
		for (c = 0; c < mib; c++)
			errors += check_chunk(chunk[c], c, pass, 1);
		pass++;
		fflush(stdout);
	}
	for (c = 0; c < mib; c++)
		errors += check_chunk(chunk[c], c, pass, 0);
	printf("passes=%llu errors=%llu\n", (unsigned long long)pass, (unsigned long long)errors);
	return errors ? 1 : 0;
}
