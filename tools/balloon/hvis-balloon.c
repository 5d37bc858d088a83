// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-balloon: shows the guest's Dynamic Memory state from hvis_balloon's sysfs
 * (/sys/bus/vmbus/drivers/hvis_balloon/<device>/dynamic_memory/).
 *
 *   hvis-balloon status     one "key: value" line per figure (sizes in MiB), the same
 *                           figures the fake host's `ctl dm status` shows
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define DRV "/sys/bus/vmbus/drivers/hvis_balloon"

static const char *const keys[] = {
	"state", "protocol_version", "capabilities", "startup_mb", "assigned_mb", "floor_mb",
	"hot_added_mb", "ballooned_mb", "hot_added_pages", "ballooned_pages", "status_reports",
};

static int show(const char *dev)
{
	char path[512], val[256];
	unsigned int i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), DRV "/%s/dynamic_memory/%s", dev, keys[i]);
		f = fopen(path, "r");
		if (!f || !fgets(val, sizeof(val), f)) {
			fprintf(stderr, "hvis-balloon: cannot read %s\n", path);
			if (f)
				fclose(f);
			return 1;
		}
		fclose(f);
		val[strcspn(val, "\n")] = '\0';
		printf("%-17s %s\n", keys[i], val);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dirent *e;
	DIR *d;
	int rc = 1;

	if (argc != 2 || strcmp(argv[1], "status")) {
		fprintf(stderr, "usage: hvis-balloon status\n");
		return 2;
	}
	d = opendir(DRV);
	if (!d) {
		fprintf(stderr, "hvis-balloon: hvis_balloon is not loaded (%s)\n", DRV);
		return 1;
	}
	while ((e = readdir(d))) {
		/* Devices are named by their instance GUID. */
		if (strlen(e->d_name) == 36 && e->d_name[8] == '-') {
			rc = show(e->d_name);
			break;
		}
	}
	closedir(d);
	if (rc)
		fprintf(stderr, "hvis-balloon: no Dynamic Memory device bound\n");
	return rc;
}
