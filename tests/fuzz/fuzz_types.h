/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_types.h: per-message-type counters for the fuzz targets.  A target lists its
 * message types with FUZZ_TYPES("GET", "SET", ...) and calls fuzz_hit(i) when an input
 * of type i passes its checks (the deepest path).  When the run ends (libFuzzer
 * exits after -runs), the counts go to stderr as one line
 *   fuzz types: GET=812 SET=1204 ...
 * and, if FUZZ_REQUIRE_TYPES is set (the smoke run sets it), a type that no input
 * reached fails the run: the seed corpus must reach every message type.
 */
#ifndef _HVIS_FUZZ_TYPES_H
#define _HVIS_FUZZ_TYPES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FUZZ_TYPES(...) \
	static const char *const fuzz_type_names[] = { __VA_ARGS__ }; \
	static unsigned long fuzz_type_hits[sizeof(fuzz_type_names) / sizeof(fuzz_type_names[0])]; \
	static void fuzz_hit(unsigned int i) \
	{ \
		if (i < sizeof(fuzz_type_hits) / sizeof(fuzz_type_hits[0])) \
			fuzz_type_hits[i]++; \
	} \
	__attribute__((destructor)) static void fuzz_types_report(void) \
	{ \
		unsigned int i, n = sizeof(fuzz_type_hits) / sizeof(fuzz_type_hits[0]), zero = 0; \
		fprintf(stderr, "fuzz types:"); \
		for (i = 0; i < n; i++) { \
			fprintf(stderr, " %s=%lu", fuzz_type_names[i], fuzz_type_hits[i]); \
			zero += !fuzz_type_hits[i]; \
		} \
		fprintf(stderr, "\n"); \
		if (zero && getenv("FUZZ_REQUIRE_TYPES")) { \
			fprintf(stderr, "fuzz types: %u message type(s) never reached\n", zero); \
			_exit(3); \
		} \
	}

#endif /* _HVIS_FUZZ_TYPES_H */
