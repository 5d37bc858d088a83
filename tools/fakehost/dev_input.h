/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_input.h: what `ctl key` and `ctl mouse` (input_ctl.c) ask of the keyboard
 * (dev_kbd.c) and mouse (dev_mouse.c) backends.
 */
#ifndef _FH_DEV_INPUT_H
#define _FH_DEV_INPUT_H

#include "vmbus_host.h"
#include "kbd_keys.h"

/* The open primary channel of the first device of class @ops, or NULL. */
struct host_channel *input_channel(struct vmbus_host *h, const struct host_device_ops *ops);

/*
 * Sends @n keystrokes.  0, -ENOTCONN (no keyboard, or the guest has not been
 * accepted yet) or -EAGAIN (the ring filled; the strokes sent so far stay sent).
 */
int dev_kbd_type(struct vmbus_host *h, const struct kbd_stroke *s, unsigned int n);

/*
 * Sends one message the guest must refuse: "unknown-type" (type 9), "early-response"
 * (a second PROTOCOL_RESPONSE), "e0-e1" (a keystroke with both prefixes).  0,
 * -EINVAL (unknown @what), -ENOTCONN, -EAGAIN.
 */
int dev_kbd_bad(struct vmbus_host *h, const char *what);

/* Sends one input report: absolute @x, @y (0..32767), @buttons (bit 0 left, 1 right,
 * 2 middle).  0, -ENOTCONN (no mouse, or the guest has not acknowledged the device
 * info), -EAGAIN. */
int dev_mouse_move(struct vmbus_host *h, u16 x, u16 y, u8 buttons);

/*
 * Sends one message the guest must refuse: "big-report" (an input report over
 * HVIS_SYNTHHID_MAX_REPORT), "short-report" (a report header claiming more than the
 * message holds), "pipe-size" (a pipe header longer than its packet).  Return as
 * dev_kbd_bad.
 */
int dev_mouse_bad(struct vmbus_host *h, const char *what);

/* input_ctl.c: `ctl key` and `ctl mouse`; 0, or -1 with the reason in @err. */
int input_ctl_key(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		  size_t errlen);
int input_ctl_mouse(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		    size_t errlen);

#endif /* _FH_DEV_INPUT_H */
