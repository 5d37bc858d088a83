// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsock_bridge.c: Hyper-V sockets between the guest and unix sockets on the host, in
 * one directory (default `<dir of --ctl>/hvsock`, mode 0700):
 *
 *   - host -> guest: `ctl hvsock expose PORT` makes the host listen on DIR/PORT; each
 *     program that connects there gets a new channel offered to the guest with
 *     if_type = the service id of guest port PORT, if_instance = a host service id
 *     with a fresh host port, user_def[0] = 1 (hyperv_transport.c: conn_from_host);
 *   - guest -> host: a guest connect to (CID 2, port P) sends TL_CONNECT_REQUEST; the
 *     host connects to DIR/P.listen (a program listening there: socat
 *     UNIX-LISTEN:DIR/P.listen) and, if that worked, offers the channel with
 *     if_type = the host service id, if_instance = the guest's endpoint id,
 *     user_def[0] = 0, then answers TL_CONNECT_RESULT status 0; if nothing listens,
 *     the result carries an error status and nothing is offered.
 *
 * Each connection is a transient device (dev_hvsock.c) with one channel.  When it
 * closes, the bridge rescinds the channel and the device goes; the guest's
 * RELID_RELEASED frees the relid for reuse.  Unix paths go through /proc/self/fd of the
 * directory, so a long DIR fits in sun_path and no link in DIR is followed.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "hvsock.h"
#include "fd_watch.h"

#define HVS_LISTEN_BACKLOG	128

struct hvs_listener {
	struct hvs_listener *next;
	struct hvs_bridge *b;
	u32 port;
	int fd;
};

struct hvs_bridge {
	struct vmbus_host *h;
	char dir[256];
	int dirfd;
	struct hvs_listener *listeners;
	struct hvs_conn *conns;
	u32 next_id;
	u32 next_port;		/* next ephemeral host port */
};

static struct hvs_bridge *bridge_of(struct vmbus_host *h)
{
	return h->hvsock;
}

/* A sockaddr_un for NAME in the bridge's directory, through the directory's fd. */
static socklen_t dir_addr(const struct hvs_bridge *b, const char *name, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "/proc/self/fd/%d/%s", b->dirfd, name);
	return (socklen_t)sizeof(*a);
}

/* ---- connections ---- */

static struct hvs_conn *conn_new(struct hvs_bridge *b, bool from_host, u32 guest_port,
				 u32 host_port, int fd)
{
	struct hvs_conn *c = calloc(1, sizeof(*c)), **pp;

	if (!c)
		return NULL;
	c->host = b->h;
	c->id = ++b->next_id;
	c->from_host = from_host;
	c->guest_port = guest_port;
	c->host_port = host_port;
	c->fd = fd;
	c->state = HVS_OFFERED;
	for (pp = &b->conns; *pp; pp = &(*pp)->next)
		;
	*pp = c;
	return c;
}

void hvs_bridge_conn_gone(struct hvs_conn *c)
{
	struct hvs_bridge *b = bridge_of(c->host);
	struct hvs_conn **pp;

	if (!b)
		return;
	for (pp = &b->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

/* Offers c's channel; false (c freed, fd closed) if the host cannot. */
static bool conn_offer(struct hvs_bridge *b, struct hvs_conn *c, u32 open_ms)
{
	struct host_channel *ch;

	c->dev = host_add_device_priv(b->h, &dev_hvsock_ops, &c->if_instance, 0, c);
	ch = c->dev ? host_device_channel(b->h, c->dev) : NULL;
	if (!ch) {
		if (c->dev) {
			host_remove_device(b->h, c->dev);	/* frees c */
			return false;
		}
		hvs_conn_end(c, "offer_failed", true);
		hvs_bridge_conn_gone(c);
		free(c);
		return false;
	}
	c->relid = ch->relid;
	c->deadline_ms = b->h->now_ms + open_ms;
	c->deadline_why = "open_timeout";
	host_event(b->h, "HVSOCK_OFFERED", "conn=%u relid=%u from=%s guest_port=%u host_port=%u",
		   c->id, c->relid, c->from_host ? "host" : "guest", c->guest_port, c->host_port);
	return true;
}

static bool host_port_in_use(const struct hvs_bridge *b, u32 port)
{
	const struct hvs_conn *c;

	for (c = b->conns; c; c = c->next)
		if (c->from_host && c->host_port == port)
			return true;
	return false;
}

static u32 ephemeral_port(struct hvs_bridge *b)
{
	u32 p;

	do {
		p = b->next_port++;
		if (b->next_port < HVS_EPHEMERAL_PORT_BASE)
			b->next_port = HVS_EPHEMERAL_PORT_BASE;
	} while (host_port_in_use(b, p));
	return p;
}

/* A host-initiated connection to guest port `port` over `fd` (-1: none, hostile tests). */
static struct hvs_conn *connect_to_guest(struct hvs_bridge *b, u32 port, int fd,
					 const struct hvis_guid *if_type)
{
	struct hvs_conn *c;

	if (b->h->state != HOST_OFFERS_SENT) {
		host_event(b->h, "HVSOCK_REFUSED", "from=host guest_port=%u reason=guest_not_ready",
			   port);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	c = conn_new(b, true, port, ephemeral_port(b), fd);
	if (!c) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (if_type)
		c->if_type = *if_type;
	else
		hvs_port_to_guid(port, &c->if_type);
	hvs_port_to_guid(c->host_port, &c->if_instance);
	return conn_offer(b, c, HVS_OPEN_FROM_HOST_MS) ? c : NULL;
}

static void listener_ready(void *ctx, int fd)
{
	struct hvs_listener *l = ctx;
	int cfd, n = 0;

	while (n++ < 32) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0)
			return;
		connect_to_guest(l->b, l->port, cfd, NULL);
	}
}

/* TL_CONNECT_REQUEST: connect to DIR/<port>.listen, then offer.  Returns the status. */
static u32 tl_connect(struct vmbus_host *h, const struct vmbus_channel_tl_connect_request *req)
{
	struct hvs_bridge *b = bridge_of(h);
	u32 gport, hport;
	struct sockaddr_un a;
	struct hvs_conn *c;
	struct stat st;
	char name[32];
	const char *why = NULL;
	int fd;

	if (!hvs_guid_to_port(&req->guest_endpoint_id, &gport)) {
		host_guest_error(h, "guest_endpoint_id", "msg=TL_CONNECT_REQUEST (not a vsock service id)");
		return HVS_STATUS_FAIL;
	}
	if (!hvs_guid_to_port(&req->host_service_id, &hport)) {
		host_guest_error(h, "host_service_id", "msg=TL_CONNECT_REQUEST (not a vsock service id)");
		return HVS_STATUS_FAIL;
	}
	if (h->state != HOST_OFFERS_SENT) {
		host_guest_error(h, "state", "msg=TL_CONNECT_REQUEST before the offers were delivered");
		return HVS_STATUS_FAIL;
	}
	snprintf(name, sizeof(name), "%u.listen", hport);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		why = "socket";
	else if (fstatat(b->dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		why = "no_listener";
	else if (!S_ISSOCK(st.st_mode))
		why = "not_a_socket";
	else if (connect(fd, (struct sockaddr *)&a, dir_addr(b, name, &a)))
		why = errno == EAGAIN ? "backlog_full" : "no_listener";
	if (why) {
		host_event(h, "HVSOCK_REFUSED", "from=guest guest_port=%u host_port=%u reason=%s",
			   gport, hport, why);
		if (fd >= 0)
			close(fd);
		return HVS_STATUS_FAIL;
	}
	c = conn_new(b, false, gport, hport, fd);
	if (!c) {
		close(fd);
		return HVS_STATUS_FAIL;
	}
	c->if_type = req->host_service_id;
	c->if_instance = req->guest_endpoint_id;
	return conn_offer(b, c, HVS_OPEN_FROM_GUEST_MS) ? 0 : HVS_STATUS_FAIL;
}

/* ---- the directory and the exposed ports ---- */

int hvs_bridge_init(struct vmbus_host *h, const char *dir)
{
	struct hvs_bridge *b;
	struct stat st;
	int fd;

	if (strlen(dir) >= sizeof(b->dir))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		return -EPERM;		/* someone else's, or open to others */
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	b->h = h;
	b->dirfd = fd;
	b->next_port = HVS_EPHEMERAL_PORT_BASE;
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	h->hvsock = b;
	h->tl_connect = tl_connect;
	return 0;
}

static void listener_close(struct hvs_bridge *b, struct hvs_listener *l)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", l->port);
	fd_watch_del(l->fd);
	close(l->fd);
	unlinkat(b->dirfd, name, 0);
	free(l);
}

void hvs_bridge_uninit(struct vmbus_host *h)
{
	struct hvs_bridge *b = bridge_of(h);
	struct hvs_listener *l;

	if (!b)
		return;
	while ((l = b->listeners)) {
		b->listeners = l->next;
		listener_close(b, l);
	}
	close(b->dirfd);
	h->hvsock = NULL;
	h->tl_connect = NULL;
	free(b);
}

int hvs_bridge_expose(struct vmbus_host *h, u32 port)
{
	struct hvs_bridge *b = bridge_of(h);
	struct hvs_listener *l;
	struct sockaddr_un a;
	struct stat st;
	char name[16];
	int fd, ret;

	if (!b)
		return -ENODEV;
	for (l = b->listeners; l; l = l->next)
		if (l->port == port)
			return -EEXIST;
	snprintf(name, sizeof(name), "%u", port);
	/* a socket left by an earlier run goes; anything else stays and fails the bind */
	if (!fstatat(b->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISSOCK(st.st_mode))
		unlinkat(b->dirfd, name, 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	l = calloc(1, sizeof(*l));
	if (!l || bind(fd, (struct sockaddr *)&a, dir_addr(b, name, &a)) ||
	    listen(fd, HVS_LISTEN_BACKLOG)) {
		ret = l ? -errno : -ENOMEM;
		free(l);
		close(fd);
		return ret;
	}
	l->b = b;
	l->port = port;
	l->fd = fd;
	ret = fd_watch_add(fd, listener_ready, l);
	if (ret) {
		free(l);
		close(fd);
		unlinkat(b->dirfd, name, 0);
		return ret;
	}
	l->next = b->listeners;
	b->listeners = l;
	host_event(h, "HVSOCK_EXPOSED", "guest_port=%u path=%s/%s", port, b->dir, name);
	return 0;
}

int hvs_bridge_unexpose(struct vmbus_host *h, u32 port)
{
	struct hvs_bridge *b = bridge_of(h);
	struct hvs_listener **pp, *l;

	if (!b)
		return -ENODEV;
	for (pp = &b->listeners; (l = *pp); pp = &l->next) {
		if (l->port == port) {
			*pp = l->next;
			listener_close(b, l);
			return 0;
		}
	}
	return -ENOENT;
}

u32 hvs_bridge_offer_raw(struct vmbus_host *h, const struct hvis_guid *if_type)
{
	struct hvs_bridge *b = bridge_of(h);
	struct hvs_conn *c;
	u32 port = 0;

	if (!b)
		return 0;
	memcpy(&port, if_type->b, sizeof(port));
	c = connect_to_guest(b, port, -1, if_type);
	return c ? c->relid : 0;
}

/* ---- the loop's part ---- */

void hvs_bridge_service(struct vmbus_host *h, u64 now_ms)
{
	struct hvs_bridge *b = bridge_of(h);
	struct hvs_conn *c;

	if (!b)
		return;
again:
	for (c = b->conns; c; c = c->next) {
		if (c->state != HVS_CLOSED && c->deadline_ms && now_ms >= c->deadline_ms) {
			hvs_conn_end(c, c->deadline_why ? c->deadline_why : "timeout", true);
		}
		if (c->state == HVS_CLOSED && c->dev) {
			/* rescinds the channel; the device's destroy frees c */
			host_remove_device(h, c->dev);
			goto again;
		}
	}
}

struct hvs_conn *hvs_bridge_conns(struct vmbus_host *h)
{
	struct hvs_bridge *b = bridge_of(h);

	return b ? b->conns : NULL;
}

const char *hvs_bridge_dir(struct vmbus_host *h)
{
	struct hvs_bridge *b = bridge_of(h);

	return b ? b->dir : NULL;
}

void hvs_bridge_print(struct vmbus_host *h, FILE *out)
{
	struct hvs_bridge *b = bridge_of(h);
	const struct hvs_listener *l;
	const struct hvs_conn *c;

	if (!b) {
		fprintf(out, "dir=none\n");
		return;
	}
	fprintf(out, "dir=%s\n", b->dir);
	for (l = b->listeners; l; l = l->next)
		fprintf(out, "expose guest_port=%u path=%s/%u\n", l->port, b->dir, l->port);
	for (c = b->conns; c; c = c->next)
		fprintf(out, "conn id=%u relid=%u from=%s guest_port=%u host_port=%u state=%s to_guest=%llu from_guest=%llu packets_to_guest=%llu packets_from_guest=%llu injected=%u\n",
			c->id, c->relid, c->from_host ? "host" : "guest", c->guest_port,
			c->host_port, hvs_state_name(c->state),
			(unsigned long long)c->bytes_to_guest,
			(unsigned long long)c->bytes_from_guest,
			(unsigned long long)c->packets_to_guest,
			(unsigned long long)c->packets_from_guest, c->injected);
}
