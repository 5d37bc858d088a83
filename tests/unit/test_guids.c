// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_guids.c: every class GUID in include/hvis/vmbus_proto.h, written there as wire
 * bytes, must print as the textual GUID that upstream's include/linux/hyperv.h gives
 * (first three groups little-endian), and every fixed instance GUID as the text its
 * source gives; the modalias the bus reports for a class must be the one the class
 * driver's MODULE_ALIAS names.
 */
#include <stdio.h>
#include "tap.h"
#include <hvis/vmbus_proto.h>

static void guid_text(const struct hvis_guid *g, char *out)
{
	const u8 *b = g->b;

	sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6],
		b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static void modalias(const struct hvis_guid *g, char *out)
{
	int i;

	out += sprintf(out, "vmbus:");
	for (i = 0; i < 16; i++)
		out += sprintf(out, "%02x", g->b[i]);
}

struct known {
	const char *name;
	struct hvis_guid guid;
	const char *text;
	const char *alias;	/* MODULE_ALIAS of hvis's driver, or NULL */
	const char *source;	/* the driver that must declare it */
};

/* True if the source file declares MODULE_ALIAS("alias"). */
static bool declares_alias(const char *source, const char *alias)
{
	char path[256], line[512], want[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", HVIS_TOP, source);
	snprintf(want, sizeof(want), "MODULE_ALIAS(\"%s\");", alias);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, want) != NULL;
	fclose(f);
	return found;
}

static const struct known known[] = {
	{ "heartbeat", HV_HEARTBEAT_GUID, "57164f39-9115-4e78-ab55-382f3bd5422d",
	  "vmbus:394f16571591784eab55382f3bd5422d", "drivers/ic/heartbeat.c" },
	{ "shutdown", HV_SHUTDOWN_GUID, "0e0b6031-5213-4934-818b-38d90ced39db",
	  "vmbus:31600b0e13523449818b38d90ced39db", "drivers/ic/shutdown.c" },
	{ "timesync", HV_TS_GUID, "9527e630-d0ae-497b-adce-e80ab0175caf", NULL, NULL },
	{ "kvp", HV_KVP_GUID, "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6", NULL, NULL },
	{ "vss", HV_VSS_GUID, "35fa2e29-ea23-4236-96ae-3a6ebacba440", NULL, NULL },
	{ "fcopy", HV_FCOPY_GUID, "34d14be3-dee4-41c8-9ae7-6b174977c192", NULL, NULL },
	{ "dm", HV_DM_GUID, "525074dc-8985-46e2-8057-a307dc18a502", NULL, NULL },
	{ "scsi", HV_SCSI_GUID, "ba6163d9-04a1-4d29-b605-72e2ffb1dc7f", NULL, NULL },
	{ "nic", HV_NIC_GUID, "f8615163-df3e-46c5-913f-f2d2f965ed0e", NULL, NULL },
	{ "ide", HV_IDE_GUID, "32412632-86cb-44a2-9b5c-50d1417354f5", NULL, NULL },
	{ "synthfc", HV_SYNTHFC_GUID, "2f9bcc4a-0069-4af3-b76b-6fd0be528cda", NULL, NULL },
	{ "heartbeat instance", HV_HEARTBEAT_INSTANCE, "fd149e91-82e0-4a7d-afa6-2a4166cbd7c0",
	  NULL, NULL },
	{ "shutdown instance", HV_SHUTDOWN_INSTANCE, "b6650ff7-33bc-4840-8048-e0676786f393",
	  NULL, NULL },
	{ "timesync instance", HV_TS_INSTANCE, "2dd1ce17-079e-403c-b352-a1921ee207ee", NULL, NULL },
	{ "kvp instance", HV_KVP_INSTANCE, "242ff919-07db-4180-9c2e-b86cb68c8c55", NULL, NULL },
	{ "vss instance", HV_VSS_INSTANCE, "2450ee40-33bf-4fbd-892e-9fb06e9214cf", NULL, NULL },
	{ "fcopy instance", HV_FCOPY_INSTANCE, "eb765408-105f-49b6-b4aa-c123b64d17d4", NULL, NULL },
	{ "echo", HVIS_ECHO_GUID, "6876697a-6563-686f-8e5c-1d0a2b409137",
	  "vmbus:7a69766863656f688e5c1d0a2b409137", "drivers/test/hvis_echo.c" },
	{ "kbd", HV_KBD_GUID, "f912ad6d-2b17-48ea-bd65-f927a61c7684",
	  "vmbus:6dad12f9172bea48bd65f927a61c7684", "drivers/input/kbd.c" },
	{ "mouse", HV_MOUSE_GUID, "cfa8b69e-5b4a-4cc0-b98b-8ba1a1f3f95a",
	  "vmbus:9eb6a8cf4a5bc04cb98b8ba1a1f3f95a", "drivers/input/mouse.c" },
};

int main(void)
{
	char text[64], alias[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		guid_text(&known[i].guid, text);
		tap_check(strcmp(text, known[i].text) == 0, "%s GUID bytes print as %s (got %s)",
			  known[i].name, known[i].text, text);
		if (!known[i].alias)
			continue;
		modalias(&known[i].guid, alias);
		tap_check(strcmp(alias, known[i].alias) == 0, "%s modalias is %s", known[i].name,
			  known[i].alias);
		tap_check(declares_alias(known[i].source, alias), "%s declares MODULE_ALIAS(\"%s\")",
			  known[i].source, alias);
	}
	return tap_done();
}
