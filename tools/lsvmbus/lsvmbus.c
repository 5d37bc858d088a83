// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvmbus.c: lists the devices on a VMBus by reading sysfs only, so it works the same
 * on hvis and on the in-tree hv_vmbus.  Attribute names and meanings are upstream's
 * (Documentation/ABI/stable/sysfs-bus-vmbus); the class descriptions follow
 * tools/hv/lsvmbus.
 *
 *   lsvmbus            one line per device: relid, class GUID, class name
 *   lsvmbus -v         adds the device GUID, sysfs path and each channel's CPU and ring state
 *   lsvmbus -vv        adds each channel's signalling statistics
 *   lsvmbus --json     the same data for scripts
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHANNELS 256

struct channel {
	unsigned int relid;
	long cpu, subchannel_id;
	long long read_avail, write_avail, in_mask, out_mask;
	long long events, interrupts, intr_in_full, intr_out_empty;
	long long out_full_first, out_full_total;
};

struct device {
	char name[256];			/* the sysfs directory name: instance GUID */
	unsigned int id;		/* primary relid */
	char class_id[64];
	char device_id[64];
	struct channel ch[MAX_CHANNELS];
	int nch;
};

static const struct {
	const char *guid;
	const char *desc;
} classes[] = {
	{ "0e0b6031-5213-4934-818b-38d90ced39db", "[Operating system shutdown]" },
	{ "9527e630-d0ae-497b-adce-e80ab0175caf", "[Time Synchronization]" },
	{ "57164f39-9115-4e78-ab55-382f3bd5422d", "[Heartbeat]" },
	{ "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6", "[Data Exchange]" },
	{ "35fa2e29-ea23-4236-96ae-3a6ebacba440", "[Backup (volume checkpoint)]" },
	{ "34d14be3-dee4-41c8-9ae7-6b174977c192", "[Guest services]" },
	{ "525074dc-8985-46e2-8057-a307dc18a502", "[Dynamic Memory]" },
	{ "cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a", "Synthetic mouse" },
	{ "f912ad6d-2b17-48ea-bd65-f927a61c7684", "Synthetic keyboard" },
	{ "da0a7802-e377-4aac-8e77-0558eb1073f8", "Synthetic framebuffer adapter" },
	{ "f8615163-df3e-46c5-913f-f2d2f965ed0e", "Synthetic network adapter" },
	{ "32412632-86cb-44a2-9b5c-50d1417354f5", "Synthetic IDE Controller" },
	{ "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f", "Synthetic SCSI Controller" },
	{ "2f9bcc4a-0069-4af3-b76b-6fd0be528cda", "Synthetic fiber channel adapter" },
	{ "8c2eaf3d-32a7-4b09-ab99-bd1f1c86b501", "Synthetic RDMA adapter" },
	{ "44c4f61d-4444-4400-9d52-802e27ede19f", "PCI Express pass-through" },
	{ "276aacf4-ac15-426c-98dd-7521ad3f01fe", "[Reserved system device]" },
	{ "f8e65716-3cb3-4a06-9a60-1889c5cccab5", "[Reserved system device]" },
	{ "3375baf4-9e15-4b30-b765-67acb10d607b", "[Reserved system device]" },
	{ "6876697a-6563-686f-8e5c-1d0a2b409137", "[hvis echo test device]" },
};

static const char *describe(const char *class_id)
{
	char bare[64];
	size_t i, n;

	/* class_id reads "{guid}" in sysfs. */
	n = strlen(class_id);
	if (n >= 2 && class_id[0] == '{' && class_id[n - 1] == '}') {
		snprintf(bare, sizeof(bare), "%.*s", (int)(n - 2), class_id + 1);
		class_id = bare;
	}
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcasecmp(classes[i].guid, class_id) == 0)
			return classes[i].desc;
	return "Unknown";
}

/* Reads one line of a sysfs file into buf without its newline; 0 or -1. */
static int read_attr(const char *dir, const char *attr, char *buf, size_t len)
{
	char path[512];
	FILE *f;
	char *nl;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

static long long read_num(const char *dir, const char *attr)
{
	char buf[64];

	if (read_attr(dir, attr, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static int by_relid(const void *a, const void *b)
{
	const struct channel *x = a, *y = b;

	return (x->relid > y->relid) - (x->relid < y->relid);
}

static int by_id(const void *a, const void *b)
{
	const struct device *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Channels from channels/<relid>/, or from channel_vp_mapping on older kernels. */
static void read_channels(const char *devdir, struct device *d)
{
	char chdir_path[1100], cdir[1400], map[4096];
	struct dirent *e;
	DIR *dir;

	snprintf(chdir_path, sizeof(chdir_path), "%s/channels", devdir);
	dir = opendir(chdir_path);
	if (dir) {
		while ((e = readdir(dir)) && d->nch < MAX_CHANNELS) {
			struct channel *c = &d->ch[d->nch];
			char *end;

			c->relid = (unsigned int)strtoul(e->d_name, &end, 10);
			if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end)
				continue;
			snprintf(cdir, sizeof(cdir), "%s/%s", chdir_path, e->d_name);
			c->cpu = (long)read_num(cdir, "cpu");
			c->subchannel_id = (long)read_num(cdir, "subchannel_id");
			c->read_avail = read_num(cdir, "read_avail");
			c->write_avail = read_num(cdir, "write_avail");
			c->in_mask = read_num(cdir, "in_mask");
			c->out_mask = read_num(cdir, "out_mask");
			c->events = read_num(cdir, "events");
			c->interrupts = read_num(cdir, "interrupts");
			c->intr_in_full = read_num(cdir, "intr_in_full");
			c->intr_out_empty = read_num(cdir, "intr_out_empty");
			c->out_full_first = read_num(cdir, "out_full_first");
			c->out_full_total = read_num(cdir, "out_full_total");
			d->nch++;
		}
		closedir(dir);
	} else if (read_attr(devdir, "channel_vp_mapping", map, sizeof(map)) == 0) {
		char *p = map;
		unsigned int relid, cpu;
		int used;

		while (d->nch < MAX_CHANNELS && sscanf(p, "%u:%u%n", &relid, &cpu, &used) == 2) {
			memset(&d->ch[d->nch], 0xff, sizeof(d->ch[0]));
			d->ch[d->nch].relid = relid;
			d->ch[d->nch].cpu = cpu;
			d->nch++;
			p += used;
		}
	}
	qsort(d->ch, d->nch, sizeof(d->ch[0]), by_relid);
}

static void print_num(const char *name, long long v, const char *sep)
{
	if (v < 0)
		printf("\"%s\": null%s", name, sep);
	else
		printf("\"%s\": %lld%s", name, v, sep);
}

static void print_json(const struct device *devs, int n, const char *bus)
{
	int i, j;

	printf("[\n");
	for (i = 0; i < n; i++) {
		const struct device *d = &devs[i];

		printf("  {\"id\": %u, \"class_id\": \"%s\", \"class_name\": \"%s\", "
		       "\"device_id\": \"%s\", \"sysfs_path\": \"%s/%s\", \"channels\": [",
		       d->id, d->class_id, describe(d->class_id), d->device_id, bus, d->name);
		for (j = 0; j < d->nch; j++) {
			const struct channel *c = &d->ch[j];

			printf("%s\n    {\"relid\": %u, ", j ? "," : "", c->relid);
			print_num("target_cpu", c->cpu, ", ");
			print_num("subchannel_id", c->subchannel_id, ", ");
			print_num("read_avail", c->read_avail, ", ");
			print_num("write_avail", c->write_avail, ", ");
			print_num("in_mask", c->in_mask, ", ");
			print_num("out_mask", c->out_mask, ", ");
			print_num("events", c->events, ", ");
			print_num("interrupts", c->interrupts, ", ");
			print_num("intr_in_full", c->intr_in_full, ", ");
			print_num("intr_out_empty", c->intr_out_empty, ", ");
			print_num("out_full_first", c->out_full_first, ", ");
			print_num("out_full_total", c->out_full_total, "}");
		}
		printf("%s]}%s\n", d->nch ? "\n  " : "", i + 1 < n ? "," : "");
	}
	printf("]\n");
}

static void print_text(const struct device *devs, int n, const char *bus, int verbose)
{
	int i, j;

	for (i = 0; i < n; i++) {
		const struct device *d = &devs[i];

		printf("VMBUS ID %2u: Class_ID = %s - %s\n", d->id, d->class_id,
		       describe(d->class_id));
		if (verbose < 1)
			continue;
		printf("\tDevice_ID = %s\n", d->device_id);
		printf("\tSysfs path: %s/%s\n", bus, d->name);
		for (j = 0; j < d->nch; j++) {
			const struct channel *c = &d->ch[j];

			printf("\tRel_ID=%u, target_cpu=%ld", c->relid, c->cpu);
			if (c->read_avail >= 0)
				printf(", in: %lld bytes to read (mask %lld), out: %lld bytes free (mask %lld)",
				       c->read_avail, c->in_mask, c->write_avail, c->out_mask);
			printf("\n");
			if (verbose >= 2 && c->events >= 0)
				printf("\t\tevents=%lld interrupts=%lld intr_in_full=%lld intr_out_empty=%lld out_full_first=%lld out_full_total=%lld\n",
				       c->events, c->interrupts, c->intr_in_full, c->intr_out_empty,
				       c->out_full_first, c->out_full_total);
		}
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lsvmbus [-v|-vv] [--json] [--sysfs DIR]\n"
		"Lists the devices on the Hyper-V VMBus, from sysfs.\n"
		"  -v          add device GUID, sysfs path, channels with CPU and ring state\n"
		"  -vv         also each channel's signalling statistics\n"
		"  --json      print JSON for scripts\n"
		"  --sysfs DIR read DIR instead of /sys (for tests)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysfs = "/sys";
	char bus[512], devdir[800], buf[64];
	struct device *devs = NULL;
	int verbose = 0, json = 0, n = 0, opt;
	struct dirent *e;
	DIR *dir;

	while ((opt = getopt_long(argc, argv, "vjh", opts, NULL)) != -1) {
		switch (opt) {
		case 'v': verbose++; break;
		case 'j': json = 1; break;
		case 's': sysfs = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}

	snprintf(bus, sizeof(bus), "%s/bus/vmbus/devices", sysfs);
	dir = opendir(bus);
	if (!dir) {
		fprintf(stderr,
			"lsvmbus: %s: %s\n"
			"lsvmbus: no VMBus here: this is not a Hyper-V guest, or no vmbus driver "
			"(hvis_vmbus or hv_vmbus) is loaded\n", bus, strerror(errno));
		return 1;
	}
	while ((e = readdir(dir))) {
		struct device *d, *grown;

		if (e->d_name[0] == '.')
			continue;
		snprintf(devdir, sizeof(devdir), "%s/%s", bus, e->d_name);
		if (read_attr(devdir, "id", buf, sizeof(buf)))
			continue;
		grown = realloc(devs, (n + 1) * sizeof(*devs));
		if (!grown) {
			fprintf(stderr, "lsvmbus: out of memory\n");
			return 1;
		}
		devs = grown;
		d = &devs[n++];
		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), "%s", e->d_name);
		d->id = (unsigned int)strtoul(buf, NULL, 10);
		if (read_attr(devdir, "class_id", d->class_id, sizeof(d->class_id)))
			strcpy(d->class_id, "?");
		if (read_attr(devdir, "device_id", d->device_id, sizeof(d->device_id)))
			strcpy(d->device_id, "?");
		read_channels(devdir, d);
	}
	closedir(dir);
	if (n)
		qsort(devs, n, sizeof(*devs), by_id);

	if (json)
		print_json(devs, n, bus);
	else
		print_text(devs, n, bus, verbose);
	free(devs);
	return 0;
}
