/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synthvid_msg.h: pure checks of synthetic video packets (include/hvis/synthvid_proto.h)
 * in both directions: what the host sends (hvis_video uses them) and what the guest
 * sends (the fake host's video backend).  No kernel API: built into hvis_video.ko, the
 * fake host, the unit tests and the fuzzer.  Each check returns a negative errno and
 * sets *why to the field that is wrong; nothing here reads past len.
 */
#ifndef _HVIS_SYNTHVID_MSG_H
#define _HVIS_SYNTHVID_MSG_H

#include "../include/hvis/synthvid_proto.h"

/*
 * Checks the framing of one in-band packet of len bytes: a pipe header of type
 * PIPE_MSG_DATA and a video header.  Returns the video message type and points
 * *payload / *plen at what follows the headers.  The headers' size fields are not
 * trusted (Linux and Hyper-V fill them differently); len is.
 */
int synthvid_frame(const void *pkt, u32 len, const u8 **payload, u32 *plen, const char **why);

/*
 * Checks a message the host sent: a type a host sends, a payload as long as its
 * struct, and for RESOLUTION_RESPONSE a count of 1..64 whose list fits, a default
 * index inside it and no zero width or height.  0 or -errno.
 */
int synthvid_check_from_host(u32 type, const u8 *payload, u32 plen, const char **why);

/*
 * Checks a message the guest sent: a type a guest sends, a payload as long as its
 * struct, SITUATION_UPDATE with one to 255 outputs whose first is 32 bpp, non-zero
 * and with a pitch that holds its width, POINTER_SHAPE within 96x96 with its pixels
 * present when complete, DIRT with its rectangles present and not inverted.
 */
int synthvid_check_from_guest(u32 type, const u8 *payload, u32 plen, const char **why);

/*
 * Writes the two headers for a message of type with plen payload bytes (already at
 * buf + SYNTHVID_HDRS), as Linux does (both sizes count the video header).  Returns
 * the packet's length.
 */
u32 synthvid_put_headers(void *buf, u32 type, u32 plen);

/* The type's name for logs ("VERSION_REQUEST"), "unknown" otherwise. */
const char *synthvid_type_name(u32 type);

#endif /* _HVIS_SYNTHVID_MSG_H */
