/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * qmp.h: a minimal QMP client (QEMU Machine Protocol over a unix socket) for the
 * host actions that need QEMU itself: stop/cont around a simulated migration and
 * device_add/device_del of the SR-IOV stand-in.
 */
#ifndef _FH_QMP_H
#define _FH_QMP_H

#include <stddef.h>

/*
 * Runs one QMP command (a JSON object, e.g. {"execute":"stop"}) on the socket at
 * path: connect, greeting, qmp_capabilities, the command, its answer, close.  QEMU
 * serves one QMP client at a time, so no connection is kept.  Returns 0 when QEMU
 * answered "return"; -1 with err set ("connect: ...", "timeout", or QEMU's error
 * description) otherwise.  reply (may be NULL) gets QEMU's answer line.
 */
int qmp_command(const char *path, const char *cmd, char *reply, size_t rlen, char *err,
		size_t errlen);

#endif /* _FH_QMP_H */
