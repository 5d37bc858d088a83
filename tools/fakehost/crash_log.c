// SPDX-License-Identifier: GPL-2.0-only
/*
 * crash_log.c: the guest's panic report and the host's NMI.
 *
 * On panic the guest writes what Hyper-V's crash registers hold into the link header
 * (crash_p[0..4], then crash_ctl; include/hvis/link.h): with CRASH_NOTIFY_MSG, P3 is
 * the guest-physical address of a page of kernel log and P4 its length, as
 * drivers/hv/hv_common.c hv_kmsg_dump writes HV_X64_MSR_CRASH_P3/P4.  The host reads
 * the report on the next doorbell, keeps the text (the last report; it survives the
 * guest's reboot) and clears crash_ctl.  `ctl crash-log [FILE]` prints or saves it;
 * `ctl nmi` injects an NMI through QEMU's QMP (inject-nmi).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "crash_log.h"
#include "ctl_reply.h"
#include "migrate.h"
#include "qmp.h"

static void crash_text(struct crash_log *cl, const struct guest_mem *m, u64 gpa, u64 len,
		       struct vmbus_host *h)
{
	u64 pfn = gpa / GUEST_PAGE_SIZE, off;
	u8 *page;

	cl->len = 0;
	if (!len)
		return;
	/* One page, as the guest's (HV_HYP_PAGE_SIZE) panic page. */
	if (len > HVIS_LINK_CRASH_LOG_MAX || gpa % GUEST_PAGE_SIZE + len > GUEST_PAGE_SIZE ||
	    !guest_mem_pfn_offset(m, pfn, &off)) {
		host_guest_error(h, "crash_p3", "crash_p3=0x%llx crash_p4=%llu",
				 (unsigned long long)gpa, (unsigned long long)len);
		return;
	}
	page = guest_mem_map(m, &pfn, 1);
	if (!page) {
		host_guest_error(h, "crash_p3", "crash_p3=0x%llx: cannot map", (unsigned long long)gpa);
		return;
	}
	memcpy(cl->text, page + gpa % GUEST_PAGE_SIZE, len);
	guest_mem_unmap(page, 1);
	cl->len = (u32)len;
}

bool crash_log_check(struct crash_log *cl, struct hvis_link_header *hdr,
		     const struct guest_mem *m, struct vmbus_host *h, struct event_log *ev)
{
	u64 ctl = hvis_load_acquire(&hdr->crash_ctl);
	unsigned int i;

	if (!(ctl & HVIS_LINK_CRASH_NOTIFY))
		return false;
	for (i = 0; i < 5; i++)
		cl->p[i] = hvis_read_once(hdr->crash_p[i]);
	cl->ctl = ctl;
	cl->reports++;
	if (ctl & HVIS_LINK_CRASH_NOTIFY_MSG)
		crash_text(cl, m, cl->p[3], cl->p[4], h);
	else
		cl->len = 0;
	cl->text[cl->len] = '\0';
	hvis_write_once(hdr->crash_ctl, 0);
	events_addf(ev, "CRASH_NOTIFY", "msg=%d bytes=%u p0=0x%llx p2=0x%llx",
		    !!(ctl & HVIS_LINK_CRASH_NOTIFY_MSG), cl->len, (unsigned long long)cl->p[0],
		    (unsigned long long)cl->p[2]);
	return true;
}

int crash_ctl(struct crash_log *cl, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	char qerr[200];
	FILE *f;

	if (!strcmp(argv[0], "nmi")) {
		if (!migrate_qmp_path())
			return ctl_errf(err, errlen, "nmi needs serve --qmp");
		if (qmp_command(migrate_qmp_path(), "{\"execute\":\"inject-nmi\"}", NULL, 0, qerr,
				sizeof(qerr)))
			return ctl_errf(err, errlen, "inject-nmi: %s", qerr);
		fprintf(out, "nmi injected\n");
		return 0;
	}
	/* crash-log [FILE] */
	if (!cl->reports)
		return ctl_errf(err, errlen, "no crash report from the guest");
	if (argc < 2) {
		fwrite(cl->text, 1, cl->len, out);
		if (cl->len && cl->text[cl->len - 1] != '\n')
			fputc('\n', out);
		return 0;
	}
	f = fopen(argv[1], "w");
	if (!f)
		return ctl_errf(err, errlen, "%s: %s", argv[1], strerror(errno));
	fwrite(cl->text, 1, cl->len, f);
	if (fclose(f))
		return ctl_errf(err, errlen, "%s: %s", argv[1], strerror(errno));
	fprintf(out, "saved %u bytes to %s\n", cl->len, argv[1]);
	return 0;
}
