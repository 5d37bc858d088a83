/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsock.h: the fake host's Hyper-V sockets, shared by dev_hvsock.c (one connection per
 * channel: its state machine and both data directions), hvsock_bridge.c (the unix
 * sockets host programs use, TL_CONNECT_REQUEST, offers and rescinds) and
 * hvsock_ctl.c (`ctl hvsock`, `ctl hvsock-inject`).  docs/hvsock.md, "Fake host".
 */
#ifndef _FH_HVSOCK_H
#define _FH_HVSOCK_H

#include <stdio.h>
#include "vmbus_host.h"
#include "hvis/hvsock_proto.h"

/* How long the guest has to open a connection's channel before the host gives up. */
#define HVS_OPEN_FROM_HOST_MS	2000u	/* OpenVMM hvsock.rs: 2 s for a host connect */
#define HVS_OPEN_FROM_GUEST_MS	5000u	/* and 5 s after a guest's connect request */
/* After both FINs the channel is rescinded; after the host's alone, this long at most. */
#define HVS_FIN_WAIT_MS		(HVS_CLOSE_TIMEOUT_SECS * 1000u)
/* TL_CONNECT_RESULT status of a refused connect: NTSTATUS STATUS_UNSUCCESSFUL */
#define HVS_STATUS_FAIL		0xc0000001u
/* Host ports of host-initiated connections: counted from here, skipping live ones. */
#define HVS_EPHEMERAL_PORT_BASE	0x40000000u

/* Where a connection stands: the rows of dev_hvsock.c's table. */
enum hvs_state {
	HVS_OFFERED,		/* channel offered; the guest has not opened it */
	HVS_OPEN,		/* data flows both ways */
	HVS_GUEST_FIN,		/* the guest sent FIN: host -> guest only */
	HVS_HOST_FIN,		/* we sent FIN: guest -> host only */
	HVS_CLOSED,		/* both FINs, a reset or a timeout: rescinded soon */
	HVS_NR_STATES
};

struct hvs_conn {
	struct hvs_conn *next;
	struct vmbus_host *host;
	struct host_device *dev;
	struct host_channel *ch;	/* while the channel is open */
	u32 relid;			/* of the offer (0: not offered) */
	u32 id;				/* connection number, from 1 */
	bool from_host;			/* a host program connected (offer user_def[0] = 1) */
	u32 guest_port, host_port;
	struct hvis_guid if_type, if_instance;
	enum hvs_state state;
	const char *end_reason;		/* why it closed (HVS_CLOSED) */
	bool reset;			/* closed without FINs */
	int fd;				/* the host program's unix socket, -1: closed */
	bool watched, want_in, want_out;
	bool peer_gone;			/* the host program closed both directions */
	u64 deadline_ms;		/* open or FIN wait; 0: none */
	const char *deadline_why;	/* the close reason when it passes */
	/* guest -> host bytes the unix socket has not taken yet */
	u8 to_host[HVS_MTU_SIZE];
	u32 to_host_off, to_host_len;
	/* one host -> guest packet the ring had no room for: pipe header + payload */
	u8 to_guest[sizeof(struct hvs_pipe_hdr) + HVS_MTU_SIZE];
	u32 to_guest_len;		/* 0: none */
	bool fin_pending;		/* our FIN is due once to_guest went out */
	u64 bytes_to_guest, bytes_from_guest;
	u64 packets_to_guest, packets_from_guest;
	u32 injected;			/* hostile packets `hvsock-inject` sent */
};

/* dev_hvsock.c */
const char *hvs_state_name(enum hvs_state s);
/* Service id <-> port (hyperv_transport.c srv_id_template). */
void hvs_port_to_guid(u32 port, struct hvis_guid *g);
bool hvs_guid_to_port(const struct hvis_guid *g, u32 *port);
/* The host program's socket became readable, writable or hung up. */
void hvs_conn_fd_ready(struct hvs_conn *c);
/* Ends a connection (reason: an event word); the bridge rescinds it. */
void hvs_conn_end(struct hvs_conn *c, const char *reason, bool reset);
/* Sets the epoll interest of the connection's socket (in, out; both off: unwatched). */
void hvs_conn_watch(struct hvs_conn *c, bool in, bool out);
/* Writes a raw pipe packet (header + payload) to the guest; 0 or -errno. */
int hvs_conn_send_raw(struct hvs_conn *c, const void *buf, u32 len);
/* Sends our FIN now (or once the pending packet went out). */
void hvs_conn_send_fin(struct hvs_conn *c);

/* hvsock_bridge.c */
struct hvs_bridge;
/* Creates DIR (0700, not a link) and hooks TL_CONNECT_REQUEST; 0 or -errno. */
int hvs_bridge_init(struct vmbus_host *h, const char *dir);
void hvs_bridge_uninit(struct vmbus_host *h);
/* Rescinds ended connections, enforces timeouts; call once per loop iteration. */
void hvs_bridge_service(struct vmbus_host *h, u64 now_ms);
/* Listens on DIR/PORT for host programs that connect to guest port PORT. */
int hvs_bridge_expose(struct vmbus_host *h, u32 port);
int hvs_bridge_unexpose(struct vmbus_host *h, u32 port);
/* The live connections (in creation order) and the exposed ports. */
struct hvs_conn *hvs_bridge_conns(struct vmbus_host *h);
void hvs_bridge_print(struct vmbus_host *h, FILE *out);
const char *hvs_bridge_dir(struct vmbus_host *h);
/* Offers a host-initiated channel with if_type GUID (hostile tests); its relid or 0. */
u32 hvs_bridge_offer_raw(struct vmbus_host *h, const struct hvis_guid *if_type);
/* dev_hvsock.c calls these */
void hvs_bridge_conn_gone(struct hvs_conn *c);

/* hvsock_ctl.c: `hvsock [list|expose PORT|unexpose PORT]`, `hvsock-inject KIND RELID` */
int hvsock_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
	       size_t errlen);
int hvsock_ctl_inject(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		      size_t errlen);

#endif /* _FH_HVSOCK_H */
