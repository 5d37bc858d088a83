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
	"stall", "rescind", "revoke", "rndis",
};

/* The classes of only=, in index order (hostile_priv.h HOSTILE_CLASS_*). */
static const char *const class_names[HOSTILE_NCLASS] = {
	"heartbeat", "shutdown", "timesync", "kvp", "vss", "fcopy", "dm", "nic", "scsi",
	"ide", "fc", "kbd", "mouse", "video", "hvsock", "echo", "bus",
};

int hostile_class_index(const char *name)
{
	int i;

	if (!strncmp(name, "chanmsg:", 8))
		return HOSTILE_CLASS_BUS;
	for (i = 0; i < HOSTILE_NCLASS; i++)
		if (!strcmp(class_names[i], name))
			return i;
	return -1;
}

/* A comma list of names[] (count n, from index first) into bits; 0 or -EINVAL. */
static int name_bits(const char *list, const char *const *names, int n, int first, u32 *bits)
{
	char buf[256], *tok, *save = NULL;
	int i;

	if (!*list || strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n && strcmp(names[first + i], tok); i++)
			;
		if (i == n)
			return -EINVAL;
		*bits |= 1u << i;
	}
	return 0;
}

int hostile_parse_opt(const char *arg, u32 *only, u32 *with)
{
	if (!strncmp(arg, "only=", 5))
		return name_bits(arg + 5, class_names, HOSTILE_NCLASS, 0, only);
	if (!strncmp(arg, "with=", 5))
		return name_bits(arg + 5, hostile_kind_names, HK_COUNT - HK_FIRST_OPT,
				 HK_FIRST_OPT, with);
	return -EINVAL;
}

int hostile_parse_irq(const char *arg, double *irq_rate)
{
	char *end;

	if (strncmp(arg, "irq=", 4))
		return 1;
	*irq_rate = strtod(arg + 4, &end);
	if (end == arg + 4 || *end || !(*irq_rate >= 0.0 && *irq_rate <= 1.0))
		return -EINVAL;
	return 0;
}

void hostile_set_irq_rate(double irq_rate)
{
	hs.irq_rate = irq_rate;
}

void hostile_set_focus(u32 only, u32 with)
{
	hs.only = only;
	hs.with = with;
}

/* skip= names the base kinds of packets and messages: truncate (1) to forge. */
#define SKIP_FIRST	HK_TRUNC
#define SKIP_COUNT	(HK_FORGE - HK_TRUNC + 1)

int hostile_parse_skip(const char *arg, u32 *skip)
{
	u32 bits = 0;

	if (strncmp(arg, "skip=", 5))
		return 1;
	if (name_bits(arg + 5, hostile_kind_names, SKIP_COUNT, SKIP_FIRST, &bits))
		return -EINVAL;
	*skip |= bits << SKIP_FIRST;
	return 0;
}

int hostile_parse_option(const char *arg, struct hostile_opts *o)
{
	int ret = hostile_parse_irq(arg, &o->irq);

	if (ret > 0)
		ret = hostile_parse_skip(arg, &o->skip);
	if (ret > 0)
		ret = hostile_parse_opt(arg, &o->only, &o->with);
	return ret;
}

void hostile_apply_opts(const struct hostile_opts *o)
{
	hostile_set_focus(o->only, o->with);
	hs.skip = o->skip;
	hostile_set_irq_rate(o->irq);
}

/* A bit set as a comma list of names (from index first), or dflt when empty. */
static size_t bits_list(char *buf, size_t len, u32 bits, const char *const *names, int n,
			int first, const char *dflt)
{
	size_t o = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < n && o < len; i++)
		if (bits >> i & 1)
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "", names[first + i]);
	if (!o)
		snprintf(buf, len, "%s", dflt);
	return o;
}

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
	int ci = hostile_class_index(cls);

	hs.mutated++;
	hs.kinds[k]++;
	if (ci >= 0)
		(irq ? hs.cls_irq : hs.cls_mut)[ci]++;
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

void hostile_note_tick(u64 n, u32 relid, enum hkind k, u64 rs, const char *field, u64 oldv,
		       u64 newv)
{
	hs.mutated++;
	hs.kinds[k]++;
	hs.cls_mut[HOSTILE_CLASS_BUS]++;
	count_field(field);
	if (hs.log)
		fprintf(hs.log,
			"hostile seed=%llu tick=%llu relid=%u class=bus kind=%s field=%s change=0x%llx->0x%llx rs=%llx\n",
			(unsigned long long)hs.seed, (unsigned long long)n, relid,
			hostile_kind_names[k], field, (unsigned long long)oldv,
			(unsigned long long)newv, (unsigned long long)rs);
}

void hostile_status(char *buf, size_t len)
{
	char only[160], with[64], skip[96];
	size_t o;
	unsigned int i;

	bits_list(only, sizeof(only), hs.only, class_names, HOSTILE_NCLASS, 0, "all");
	bits_list(with, sizeof(with), hs.with, hostile_kind_names, HK_COUNT - HK_FIRST_OPT,
		  HK_FIRST_OPT, "-");
	bits_list(skip, sizeof(skip), hs.skip >> SKIP_FIRST, hostile_kind_names, SKIP_COUNT,
		  SKIP_FIRST, "-");
	o = snprintf(buf, len,
		     "hostile %s seed=%llu rate=%.4f irq_rate=%.4f replay=%s messages=%llu interrupts=%llu mutated=%llu log=%s only=%s with=%s skip=%s\n",
		     hs.on ? "on" : "off", (unsigned long long)hs.seed, hs.rate,
		     hs.irq_rate < 0 ? hs.rate : hs.irq_rate,
		     hs.replay ? "yes" : "no", (unsigned long long)hs.seen,
		     (unsigned long long)hs.irqs_seen, (unsigned long long)hs.mutated,
		     hs.log_path ? hs.log_path : "hostile.log", only, with, skip);
	for (i = 0; i < HOSTILE_NCLASS && o < len; i++)
		o += snprintf(buf + o, len - o, "class %s seen=%llu mutated=%llu irq_mutated=%llu\n",
			      class_names[i], (unsigned long long)hs.cls_seen[i],
			      (unsigned long long)hs.cls_mut[i], (unsigned long long)hs.cls_irq[i]);
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
		static const char *const at[HW_COUNT] = { " msg=", " irq=", " tick=" };
		char *p = NULL;
		int w;

		if (line[0] == '#' || strncmp(line, "hostile seed=", 13))
			continue;
		for (w = 0; w < HW_COUNT && !p; w++)
			p = strstr(line, at[w]);
		if (p)
			p = strchr(p, '=') + 1;
		w--;
		if (sscanf(line, "hostile seed=%llu", &seed) != 1 || !p ||
		    sscanf(p, "%llu", &n) != 1 ||
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
		hs.rep[hs.nrep++] = (struct replay_ent){ n, (u8)w, (u8)k, rs };
		hs.seed = seed;
	}
	fclose(f);
	hs.replay = true;
	memset(hs.rep_pos, 0, sizeof(hs.rep_pos));
	return hostile_open_log();
}
