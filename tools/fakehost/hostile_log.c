// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_log.c: the hostile mode's log (one line per mutation: seed, message or
 * interrupt number, relid, class, kind, field, old->new, the mutation's own seed rs),
 * its counters and `ctl hostile status`, the SEED[,RATE] argument, and the loader of a
 * log for --hostile-replay (docs/hostile.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include "hostile_priv.h"

const char *const hostile_kind_names[HK_COUNT] = {
	"none", "truncate", "extend", "bitflip", "field", "duplicate", "drop", "reorder",
	"replay", "forge", "irq_drop", "irq_dup", "irq_delay",
};

int hostile_parse(const char *arg, u64 *seed, double *rate)
{
	char *end;

	*seed = strtoull(arg, &end, 0);
	if (end == arg || (*end && *end != ','))
		return -EINVAL;
	*rate = 0.05;
	if (*end == ',') {
		*rate = strtod(end + 1, &end);
		if (*end || !(*rate > 0.0 && *rate <= 1.0))
			return -EINVAL;
	}
	return 0;
}

void hostile_set_log(const char *path)
{
	hs.log_path = path;
}

int hostile_open_log(void)
{
	if (hs.log)
		return 0;
	hs.log = fopen(hs.log_path ? hs.log_path : "hostile.log", "w");
	if (!hs.log)
		return -errno;
	setvbuf(hs.log, NULL, _IOLBF, 0);
	return 0;
}

static void count_field(const char *name)
{
	unsigned int i;

	for (i = 0; i < hs.nfields; i++)
		if (!strcmp(hs.fields[i].name, name)) {
			hs.fields[i].count++;
			return;
		}
	if (hs.nfields < FIELD_NAMES) {
		hs.fields[hs.nfields].name = name;
		hs.fields[hs.nfields++].count = 1;
	}
}

/* One log line and the counters. */
void hostile_note(bool irq, u64 n, u32 relid, const char *cls, enum hkind k, u64 rs,
		 const char *field, u64 oldv, u64 newv)
{
	hs.mutated++;
	hs.kinds[k]++;
	if (field)
		count_field(field);
	if (!hs.log)
		return;
	fprintf(hs.log, "hostile seed=%llu %s=%llu relid=%u class=%s kind=%s field=%s",
		(unsigned long long)hs.seed, irq ? "irq" : "msg", (unsigned long long)n, relid,
		cls, hostile_kind_names[k], field ? field : "-");
	if (field)
		fprintf(hs.log, " change=0x%llx->0x%llx", (unsigned long long)oldv,
			(unsigned long long)newv);
	else
		fprintf(hs.log, " change=-");
	fprintf(hs.log, " rs=%llx\n", (unsigned long long)rs);
}

void hostile_status(char *buf, size_t len)
{
	size_t o;
	unsigned int i;

	o = snprintf(buf, len,
		     "hostile %s seed=%llu rate=%.4f replay=%s messages=%llu interrupts=%llu mutated=%llu log=%s\n",
		     hs.on ? "on" : "off", (unsigned long long)hs.seed, hs.rate,
		     hs.replay ? "yes" : "no", (unsigned long long)hs.seen,
		     (unsigned long long)hs.irqs_seen, (unsigned long long)hs.mutated,
		     hs.log_path ? hs.log_path : "hostile.log");
	for (i = 1; i < HK_COUNT && o < len; i++)
		o += snprintf(buf + o, len - o, "kind %s %llu\n", hostile_kind_names[i],
			      (unsigned long long)hs.kinds[i]);
	for (i = 0; i < hs.nfields && o < len; i++)
		o += snprintf(buf + o, len - o, "field %s %llu\n", hs.fields[i].name,
			      (unsigned long long)hs.fields[i].count);
}

static int kind_by_name(const char *s)
{
	int k;

	for (k = 1; k < HK_COUNT; k++)
		if (!strcmp(hostile_kind_names[k], s))
			return k;
	return -1;
}

int hostile_replay_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512], kname[32];
	unsigned long long n, rs, seed;
	struct replay_ent *e;
	size_t cap = 0;
	int k;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p, *q;
		bool irq;

		if (line[0] == '#' || strncmp(line, "hostile seed=", 13))
			continue;
		p = strstr(line, " msg=");
		q = strstr(line, " irq=");
		irq = !p;
		if (sscanf(line, "hostile seed=%llu", &seed) != 1 || (!p && !q) ||
		    sscanf(irq ? q + 5 : p + 5, "%llu", &n) != 1 ||
		    !strstr(line, " kind=") || sscanf(strstr(line, " kind=") + 6, "%31s", kname) != 1 ||
		    !strstr(line, " rs=") || sscanf(strstr(line, " rs=") + 4, "%llx", &rs) != 1 ||
		    (k = kind_by_name(kname)) < 0) {
			snprintf(err, errlen, "%s: bad line: %.80s", path, line);
			fclose(f);
			return -EINVAL;
		}
		if (hs.nrep == cap) {
			cap = cap ? cap * 2 : 256;
			e = realloc(hs.rep, cap * sizeof(*e));
			if (!e) {
				fclose(f);
				return -ENOMEM;
			}
			hs.rep = e;
		}
		/* The interrupt kinds are rechosen from rs; any of them stands for all. */
		hs.rep[hs.nrep++] = (struct replay_ent){ n, irq, (u8)k, rs };
		hs.seed = seed;
	}
	fclose(f);
	hs.replay = true;
	hs.rep_pos[0] = hs.rep_pos[1] = 0;
	return hostile_open_log();
}
