// SPDX-License-Identifier: GPL-2.0-only
/*
 * input_ctl.c: the console's input commands of the control socket: `key TEXT|KEYNAME...`
 * types into the guest through the synthetic keyboard (dev_kbd.c, kbd_keys.c), `mouse X Y
 * [BUTTONS]` moves and clicks through the synthetic mouse (dev_mouse.c); `--bad WHAT`
 * sends a message the guest must refuse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_input.h"
#include "ctl_reply.h"

/* What a failed send means to the person at the control socket. */
static int send_err(char *err, size_t errlen, const char *dev, int ret)
{
	if (ret == -ENOTCONN)
		return ctl_errf(err, errlen,
				 "no %s channel ready (the guest has not finished the protocol)", dev);
	if (ret == -EAGAIN)
		return ctl_errf(err, errlen, "the %s ring is full", dev);
	return ctl_errf(err, errlen, "sending to the %s failed: %s", dev, strerror(-ret));
}

static bool parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && !*end && *v <= max;
}

int input_ctl_key(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		  size_t errlen)
{
	static struct kbd_stroke strokes[KBD_MAX_STROKES];
	int n, ret;

	if (argc == 3 && !strcmp(argv[1], "--bad")) {
		ret = dev_kbd_bad(h, argv[2]);
		if (ret == -EINVAL)
			return ctl_errf(err, errlen,
					 "usage: key --bad unknown-type|early-response|e0-e1");
		return ret ? send_err(err, errlen, "keyboard", ret) : 0;
	}
	if (argc < 2)
		return ctl_errf(err, errlen, "usage: key TEXT|KEYNAME... | key --bad WHAT");
	n = kbd_keys_parse(argc - 1, argv + 1, strokes, KBD_MAX_STROKES, err, errlen);
	if (n < 0)
		return -1;
	ret = dev_kbd_type(h, strokes, n);
	if (ret)
		return send_err(err, errlen, "keyboard", ret);
	fprintf(out, "keystrokes=%d\n", n);
	return 0;
}

int input_ctl_mouse(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		    size_t errlen)
{
	unsigned long x, y, buttons = 0;
	int ret;

	(void)out;
	if (argc == 3 && !strcmp(argv[1], "--bad")) {
		ret = dev_mouse_bad(h, argv[2]);
		if (ret == -EINVAL)
			return ctl_errf(err, errlen,
					 "usage: mouse --bad big-report|short-report|pipe-size");
		return ret ? send_err(err, errlen, "mouse", ret) : 0;
	}
	if (argc < 3 || argc > 4 || !parse_num(argv[1], 32767, &x) ||
	    !parse_num(argv[2], 32767, &y) || (argc == 4 && !parse_num(argv[3], 7, &buttons)))
		return ctl_errf(err, errlen,
				 "usage: mouse X Y [BUTTONS] (X, Y 0..32767; BUTTONS bits: 1 left, 2 right, 4 middle)");
	ret = dev_mouse_move(h, (u16)x, (u16)y, (u8)buttons);
	return ret ? send_err(err, errlen, "mouse", ret) : 0;
}
