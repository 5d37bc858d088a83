// SPDX-License-Identifier: GPL-2.0-only
/*
 * storvsp_ctl.c: the storage controllers' disks and their control (docs/fakehost-ctl.md
 * `### disk`): `--disks C:T:L=PATH[:ro],...` at start-up; `ctl disk add|remove|resize|
 * list|stats|bad`.  Hot-add and hot-remove tell a connected guest with ENUMERATE_BUS on
 * the controller's primary channel; removing a disk completes its requests in flight
 * with an error first (scsi_disk_close).  `disk bad` arms one hostile completion, offer
 * or properties answer on a controller.
 */
#include <stdlib.h>
#include "storvsp_dev.h"
#include "disk_io.h"

static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -1;
}

static struct host_device *controller(struct vmbus_host *h, u32 c)
{
	struct host_device *d;

	for (d = h->devices; d; d = d->next)
		if (stor_is_storage(d) && !c--)
			return d;
	return NULL;
}

/* "C:T:L" -> numbers; false if malformed. */
static bool parse_ctl(const char *s, u32 *c, u32 *t, u32 *l)
{
	char tail;

	return sscanf(s, "%u:%u:%u%c", c, t, l, &tail) == 3;
}

static bool parse_u32(const char *s, u32 *v)
{
	char *end;
	unsigned long x = strtoul(s, &end, 10);

	if (end == s || *end || x > 0xffffffffu)
		return false;
	*v = (u32)x;
	return true;
}

/* "4096", "10M", "1G": bytes; false if malformed. */
static bool parse_size(const char *s, u64 *v)
{
	char *end;
	unsigned long long x = strtoull(s, &end, 10);
	u32 shift = 0;

	if (end == s)
		return false;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || x > (~0ull >> shift))
		return false;
	*v = (u64)x << shift;
	return true;
}

static bool lun_ok(const struct stor_dev *sd, u32 t, u32 l)
{
	switch (sd->kind) {
	case STOR_SCSI:
		return t < VSTOR_SCSI_MAX_TARGETS && l < VSTOR_SCSI_MAX_LUNS;
	case STOR_FC:
		return t < VSTOR_FC_MAX_TARGETS && l < VSTOR_FC_MAX_LUNS;
	case STOR_IDE:
		return (int)t == sd->ide_target && l < VSTOR_IDE_MAX_LUNS;
	}
	return false;
}

/* Opens PATH as LUN C:T:L; 0 or -1 with err. */
static int disk_add(struct vmbus_host *h, u32 c, u32 t, u32 l, const char *path, bool ro,
		    const char *serial, u64 wwn, char *err, size_t errlen)
{
	struct host_device *dev = controller(h, c);
	struct scsi_disk_cfg cfg = { .path = path, .read_only = ro, .serial = serial, .wwn = wwn };
	struct stor_dev *sd;
	struct stor_lun *lun;
	u8 seed[18];
	char why[200] = "";

	if (!dev)
		return fail(err, errlen, "no storage controller %s", "C");
	sd = stor_of_dev(dev);
	if (!lun_ok(sd, t, l)) {
		snprintf(err, errlen, "%u:%u:%u: target/lun out of range for %s", c, t, l,
			 dev->ops->name);
		return -1;
	}
	if (stor_find_lun(sd, t, l)) {
		snprintf(err, errlen, "%u:%u:%u is in use", c, t, l);
		return -1;
	}
	/* The derived serial and WWN come from (controller instance, T, L). */
	memcpy(seed, dev->instance.b, 16);
	seed[16] = (u8)t;
	seed[17] = (u8)l;
	cfg.seed = seed;
	cfg.seed_len = sizeof(seed);
	if (disk_io_init()) {
		snprintf(err, errlen, "disk I/O engine failed to start");
		return -1;
	}
	lun = calloc(1, sizeof(*lun));
	if (!lun)
		return fail(err, errlen, "%s", "out of memory");
	lun->disk = scsi_disk_open(&cfg, why, sizeof(why));
	if (!lun->disk) {
		free(lun);
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	lun->target = (u8)t;
	lun->lun = (u8)l;
	lun->next = sd->luns;
	sd->luns = lun;
	host_event(h, "DISK_ADDED", "c=%u t=%u l=%u bytes=%llu ro=%d", c, t, l,
		   (unsigned long long)scsi_disk_bytes(lun->disk), ro);
	stor_enumerate(sd);
	return 0;
}

int storvsp_add_disks(struct vmbus_host *h, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return fail(err, errlen, "%s", "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *ro;
		u32 c, t, l;
		size_t n;

		if (!eq) {
			ret = fail(err, errlen, "bad --disks entry '%s' (C:T:L=PATH[:ro])", tok);
			break;
		}
		*eq++ = '\0';
		n = strlen(eq);
		ro = n > 3 && !strcmp(eq + n - 3, ":ro") ? eq + n - 3 : NULL;
		if (ro)
			*ro = '\0';
		if (!parse_ctl(tok, &c, &t, &l)) {
			ret = fail(err, errlen, "bad --disks address '%s' (C:T:L)", tok);
			break;
		}
		ret = disk_add(h, c, t, l, eq, ro != NULL, NULL, 0, err, errlen);
	}
	free(copy);
	return ret;
}

static int cmd_add(struct vmbus_host *h, int argc, char **argv, char *err, size_t errlen)
{
	const char *serial = NULL;
	unsigned long long wwn = 0;
	bool ro = false;
	u32 c, t, l;
	int i;

	if (argc < 4 || !parse_ctl(argv[2], &c, &t, &l))
		return fail(err, errlen, "%s", "usage: disk add C:T:L PATH [ro] [serial=S] [wwn=0xHEX]");
	for (i = 4; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "ro")) {
			ro = true;
		} else if (!strncmp(argv[i], "serial=", 7) && argv[i][7] &&
			   strlen(argv[i] + 7) <= 20) {
			serial = argv[i] + 7;
		} else if (!strncmp(argv[i], "wwn=0x", 6) && strlen(argv[i] + 6) == 16) {
			wwn = strtoull(argv[i] + 6, &end, 16);
			if (*end || !wwn)
				return fail(err, errlen, "bad %s (wwn=0x<16 hex digits>)", argv[i]);
		} else {
			return fail(err, errlen, "bad argument '%s' (ro, serial=S up to 20, wwn=0x<16 hex digits>)",
				    argv[i]);
		}
	}
	return disk_add(h, c, t, l, argv[3], ro, serial, wwn, err, errlen);
}

static struct stor_lun *lookup(struct vmbus_host *h, const char *addr, u32 *c, u32 *t, u32 *l,
			       struct stor_dev **sdp)
{
	struct host_device *dev;

	if (!parse_ctl(addr, c, t, l))
		return NULL;
	dev = controller(h, *c);
	if (!dev)
		return NULL;
	*sdp = stor_of_dev(dev);
	return stor_find_lun(*sdp, *t, *l);
}

static int cmd_remove(struct vmbus_host *h, int argc, char **argv, char *err, size_t errlen)
{
	struct stor_dev *sd = NULL;
	struct stor_lun *lun, **pp;
	u32 c, t, l, inflight;

	if (argc != 3)
		return fail(err, errlen, "%s", "usage: disk remove C:T:L");
	lun = lookup(h, argv[2], &c, &t, &l, &sd);
	if (!lun)
		return fail(err, errlen, "no disk %s", argv[2]);
	for (pp = &sd->luns; *pp != lun; pp = &(*pp)->next)
		;
	*pp = lun->next;		/* later requests: INVALID_LUN */
	inflight = lun->inflight;
	scsi_disk_close(lun->disk);	/* completes those in flight with an error */
	free(lun);
	host_event(h, "DISK_REMOVED", "c=%u t=%u l=%u inflight=%u", c, t, l, inflight);
	stor_enumerate(sd);
	return 0;
}

static int cmd_resize(struct vmbus_host *h, int argc, char **argv, char *err, size_t errlen)
{
	struct stor_dev *sd = NULL;
	struct stor_lun *lun;
	u32 c, t, l;
	u64 bytes;
	int ret;

	if (argc != 4)
		return fail(err, errlen, "%s", "usage: disk resize C:T:L SIZE (bytes, K/M/G)");
	lun = lookup(h, argv[2], &c, &t, &l, &sd);
	if (!lun)
		return fail(err, errlen, "no disk %s", argv[2]);
	if (!parse_size(argv[3], &bytes) || bytes % 512)
		return fail(err, errlen, "bad size %s (a multiple of 512; K/M/G)", argv[3]);
	if (bytes < scsi_disk_bytes(lun->disk))
		return fail(err, errlen, "%s: grow only", argv[3]);
	ret = scsi_disk_resize(lun->disk, bytes);
	if (ret) {
		snprintf(err, errlen, "resize %s: %s", argv[2], strerror(-ret));
		return -1;
	}
	host_event(h, "DISK_RESIZED", "c=%u t=%u l=%u bytes=%llu", c, t, l,
		   (unsigned long long)scsi_disk_bytes(lun->disk));
	return 0;
}

static int cmd_list(struct vmbus_host *h, FILE *out)
{
	struct host_device *d;
	struct stor_lun *l;
	char info[512];

	for (d = h->devices; d; d = d->next) {
		if (!stor_is_storage(d))
			continue;
		for (l = stor_of_dev(d)->luns; l; l = l->next) {
			scsi_disk_info(l->disk, info, sizeof(info));
			fprintf(out, "%u:%u:%u %s\n", stor_index(d), l->target, l->lun, info);
		}
	}
	return 0;
}

static int cmd_stats(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		     size_t errlen)
{
	const struct stor_dev *sd;
	struct host_device *dev;
	struct host_channel *ch;
	u32 c, i;

	if (argc != 3 || !parse_u32(argv[2], &c) || !(dev = controller(h, c)))
		return fail(err, errlen, "%s", "usage: disk stats C (a storage controller)");
	sd = dev->priv;
	if (sd && sd->kind == STOR_FC) {
		/* The WWNs FCHBA_DATA carries, as the guest's fc_host shows them. */
		fprintf(out, "fc port_wwn=0x");
		for (i = 0; i < 8; i++)
			fprintf(out, "%02x", sd->port_wwn[i]);
		fprintf(out, " node_wwn=0x");
		for (i = 0; i < 8; i++)
			fprintf(out, "%02x", sd->node_wwn[i]);
		fprintf(out, "\n");
	}
	for (ch = h->channels; ch; ch = ch->next) {
		const struct stor_chan *sc = ch->priv;

		if (ch->dev != dev || ch->state != CHAN_OPEN || !sc)
			continue;
		fprintf(out, "relid=%u sub=%u requests=%llu completions=%llu signals_in=%llu interrupts_out=%llu inflight=%u queued=%u holds=%llu monitor_in=%llu\n",
			ch->relid, ch->sub_index, (unsigned long long)sc->requests,
			(unsigned long long)sc->completions,
			(unsigned long long)ch->stats.signals_in,
			(unsigned long long)ch->stats.interrupts_out, sc->ninflight, sc->nout,
			(unsigned long long)ch->stats.holds, (unsigned long long)ch->stats.monitor_in);
	}
	return 0;
}

static int cmd_bad(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		   size_t errlen)
{
	struct host_device *dev;
	struct stor_dev *sd;
	u32 c, k, after = 0;

	if (argc == 5 && (strncmp(argv[4], "after=", 6) || !parse_u32(argv[4] + 6, &after)))
		return fail(err, errlen, "%s", "usage: disk bad C CASE [after=N]");
	if ((argc != 4 && argc != 5) || !parse_u32(argv[2], &c) || !(dev = controller(h, c)))
		return fail(err, errlen, "%s", "usage: disk bad C CASE [after=N]");
	sd = stor_of_dev(dev);
	for (k = 0; k < STOR_BAD_NCASES; k++)
		if (!strcmp(argv[3], stor_bad_case_name(k)))
			break;
	if (k == STOR_BAD_NCASES)
		return fail(err, errlen, "unknown case %s (unknown-tid dup-completion overlong-data long-sense bad-srb-status unasked-subchannel props-zero-channels props-huge-channels props-zero-xfer props-huge-xfer short-completion huge-completion lost-completion late-completion wild-queue-tid)",
			    argv[3]);
	if (k == STOR_BAD_UNASKED_SUBCHANNEL) {
		if (!sd->primary || sd->state != STOR_S_READY)
			return fail(err, errlen, "%s", "controller not initialized by the guest");
		host_event(h, "DISK_BAD", "c=%u case=%s", c, argv[3]);
		stor_offer_unasked(sd);
	} else {
		sd->armed[k] = true;
		sd->armed_after[k] = after;
	}
	fprintf(out, "armed c=%u case=%s\n", c, argv[3]);
	return 0;
}

int dev_storvsp_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		    size_t errlen)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "add"))
		return cmd_add(h, argc, argv, err, errlen);
	if (!strcmp(sub, "remove"))
		return cmd_remove(h, argc, argv, err, errlen);
	if (!strcmp(sub, "resize"))
		return cmd_resize(h, argc, argv, err, errlen);
	if (!strcmp(sub, "list") && argc == 2)
		return cmd_list(h, out);
	if (!strcmp(sub, "stats"))
		return cmd_stats(h, argc, argv, out, err, errlen);
	if (!strcmp(sub, "bad"))
		return cmd_bad(h, argc, argv, out, err, errlen);
	return fail(err, errlen, "%s", "usage: disk add|remove|resize|list|stats|bad ...");
}
