/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.h: hvis_sock's kernel API differences, each decided by a header probe in
 * compat/Kbuild.include.  No other file of the driver tests a kernel version.
 */
#ifndef _HVIS_HVSOCK_COMPAT_H
#define _HVIS_HVSOCK_COMPAT_H

/*
 * struct vsock_transport's SO_RCVLOWAT hook: notify_set_rcvlowat (6.9 and later),
 * set_rcvlowat before.  hvis_sock refuses SO_RCVLOWAT through either, as hv_sock.
 */
#ifdef HVIS_COMPAT_VSOCK_NOTIFY_RCVLOWAT
#define HVIS_VSOCK_RCVLOWAT_OP	notify_set_rcvlowat
#else
#define HVIS_VSOCK_RCVLOWAT_OP	set_rcvlowat
#endif

#endif /* _HVIS_HVSOCK_COMPAT_H */
