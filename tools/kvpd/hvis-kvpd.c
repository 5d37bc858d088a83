// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-kvpd: the KVP daemon.  It registers on /dev/vmbus/hv_kvp (REGISTER1, reads the
 * driver version), then answers the host's requests that hvis_kvp hands it, one
 * whole struct hv_kvp_msg at a time: pool operations on the pool files, the AUTO
 * pool's intrinsic items, and a NIC's IP settings.  Protocol and behaviour follow
 * tools/hv/hv_kvp_daemon.c and drivers/hv/hv_kvp.c; failures of pool operations are
 * answered HV_S_CONT as upstream's daemon does, unknown MACs HV_E_FAIL, unknown
 * adapters of SET_IP_INFO HV_GUID_NOTFOUND.
 *
 *   hvis-kvpd [-n] [-d]     -n: stay in the foreground, log to stderr too; -d: debug
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "kvp_ifcfg.h"
#include "kvp_ip.h"
#include "kvp_pool.h"

#define KVP_DEV		"/dev/vmbus/hv_kvp"
#define SET_IFCONFIG	"/usr/lib/hvis/hvis-set-ifconfig"

static bool debug;
static char drv_version[64] = "unknown";

static void logmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && !debug)
		return;
	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* ---- intrinsic items of the AUTO pool (hv_kvp_daemon.c kvp_get_os_info) ---- */

static const char *const auto_keys[] = {
	"FullyQualifiedDomainName", "IntegrationServicesVersion", "NetworkAddressIPv4",
	"NetworkAddressIPv6", "OSBuildNumber", "OSName", "OSMajorVersion", "OSMinorVersion",
	"OSVersion", "ProcessorArchitecture",
};

/* NAME or VERSION_ID from /etc/os-release, unquoted; false if absent. */
static bool os_release(const char *field, char *out, size_t len)
{
	FILE *f = fopen("/etc/os-release", "r");
	char line[512];
	size_t fl = strlen(field);
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *v = line + fl + 1, *e;

		if (strncmp(line, field, fl) || line[fl] != '=')
			continue;
		if (*v == '"' || *v == '\'')
			v++;
		e = v + strcspn(v, "\"'\n");
		*e = '\0';
		snprintf(out, len, "%s", v);
		found = true;
	}
	fclose(f);
	return found;
}

/* Every non-loopback address of one family, ';'-separated. */
static void addresses(int family, char *out, size_t len)
{
	struct ifaddrs *ifa, *i;
	size_t used = 0;

	out[0] = '\0';
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		char a[INET6_ADDRSTRLEN];
		const void *p;

		if (!i->ifa_addr || i->ifa_addr->sa_family != family || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		p = family == AF_INET ? (const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr
				      : (const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (!inet_ntop(family, p, a, sizeof(a)))
			continue;
		used += snprintf(out + used, used < len ? len - used : 0, "%s%s", used ? ";" : "", a);
	}
	freeifaddrs(ifa);
	if (used >= len)
		out[len - 1] = '\0';
}

static int auto_item(unsigned int index, char *key, size_t kcap, char *value, size_t vcap)
{
	struct utsname u;
	char buf[256];

	if (index >= sizeof(auto_keys) / sizeof(auto_keys[0]))
		return -ENOENT;
	uname(&u);
	snprintf(key, kcap, "%s", auto_keys[index]);
	switch (index) {
	case 0:
		gethostname(buf, sizeof(buf));
		buf[sizeof(buf) - 1] = '\0';
		snprintf(value, vcap, "%s", buf);
		break;
	case 1:
		snprintf(value, vcap, "%s", drv_version);
		break;
	case 2:
		addresses(AF_INET, value, vcap);
		break;
	case 3:
		addresses(AF_INET6, value, vcap);
		break;
	case 4:
		snprintf(value, vcap, "%s", u.release);
		break;
	case 5:
		if (!os_release("NAME", value, vcap))
			snprintf(value, vcap, "%s", u.sysname);
		break;
	case 6:
	case 7:
		if (!os_release("VERSION_ID", buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "%s", u.release);
		if (index == 6) {
			snprintf(value, vcap, "%.*s", (int)strcspn(buf, "."), buf);
		} else {
			char *dot = strchr(buf, '.');

			snprintf(value, vcap, "%.*s", dot ? (int)strcspn(dot + 1, ".-") : 0,
				 dot ? dot + 1 : "");
		}
		break;
	case 8:		/* the host wants x.y.z: the release up to its first '-' */
		snprintf(value, vcap, "%.*s", (int)strcspn(u.release, "-"), u.release);
		break;
	default:
		snprintf(value, vcap, "%s", u.machine);
		break;
	}
	return 0;
}

/* ---- IP settings ---- */

/*
 * The interface whose sysfs attribute @attr (a path under /sys/class/net/<if>/) reads as
 * something @same accepts for @want; false if none.
 */
static bool if_by_attr(const char *attr, const char *want,
		       bool (*same)(const char *have, const char *want),
		       char *ifname, size_t len)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		char path[300], have[128] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/%s", e->d_name, attr);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(have, sizeof(have), f)) {
			have[strcspn(have, "\n")] = '\0';
			found = same(have, want);
		}
		fclose(f);
		if (found)
			snprintf(ifname, len, "%.*s", IFNAMSIZ - 1, e->d_name);
	}
	closedir(d);
	return found;
}

/* MACs match in any case, with ':' or '-' between the bytes. */
static bool same_mac(const char *addr, const char *mac)
{
	size_t i;

	if (strlen(addr) != strlen(mac))
		return false;
	for (i = 0; addr[i]; i++) {
		char a = (char)toupper((unsigned char)addr[i]);
		char b = (char)toupper((unsigned char)mac[i]);

		if (a != b && !(a == ':' && b == '-'))
			return false;
	}
	return true;
}

static bool same_text_nocase(const char *have, const char *want)
{
	return !strcasecmp(have, want);
}

/* The interface whose MAC (any case, ':' or '-') is @mac; false if none. */
static bool if_by_mac(const char *mac, char *ifname, size_t len)
{
	return if_by_attr("address", mac, same_mac, ifname, len);
}

static void append(char *dst, size_t cap, const char *s)
{
	size_t used = strlen(dst);

	snprintf(dst + used, cap - used, "%s%s", used ? ";" : "", s);
}

/* Fills the daemon's (UTF-8) form of the IP settings of @ifname. */
static void get_ip_info(const char *ifname, struct hv_kvp_ipaddr_value *v)
{
	char ip[2048] = "", mask[2048] = "", gw[1024] = "", dns[2048] = "", line[512];
	struct ifaddrs *ifa, *i;
	FILE *f;

	if (!getifaddrs(&ifa)) {
		for (i = ifa; i; i = i->ifa_next) {
			char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
			int fam;

			if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
				continue;
			fam = i->ifa_addr->sa_family;
			if (fam == AF_INET) {
				inet_ntop(fam, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a,
					  sizeof(a));
				inet_ntop(fam, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, m,
					  sizeof(m));
			} else if (fam == AF_INET6) {
				const unsigned char *b;
				int bits = 0, k;

				inet_ntop(fam, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a,
					  sizeof(a));
				b = ((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr;
				for (k = 0; k < 16; k++)
					bits += __builtin_popcount(b[k]);
				snprintf(m, sizeof(m), "%d", bits);
			} else {
				continue;
			}
			append(ip, sizeof(ip), a);
			append(mask, sizeof(mask), m);
		}
		freeifaddrs(ifa);
	}
	/* IPv4 default gateways of the interface (/proc/net/route, hex little-endian). */
	f = fopen("/proc/net/route", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned int dest, gate;
		struct in_addr g;

		if (sscanf(line, "%63s %x %x", name, &dest, &gate) == 3 && !strcmp(name, ifname) &&
		    dest == 0 && gate) {
			g.s_addr = gate;
			append(gw, sizeof(gw), inet_ntoa(g));
		}
	}
	if (f)
		fclose(f);
	f = fopen("/etc/resolv.conf", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char a[INET6_ADDRSTRLEN + 1];

		if (sscanf(line, "nameserver %46s", a) == 1)
			append(dns, sizeof(dns), a);
	}
	if (f)
		fclose(f);
	snprintf((char *)v->ip_addr, sizeof(v->ip_addr), "%s", ip);
	snprintf((char *)v->sub_net, sizeof(v->sub_net), "%s", mask);
	snprintf((char *)v->gate_way, sizeof(v->gate_way), "%s", gw);
	snprintf((char *)v->dns_addr, sizeof(v->dns_addr), "%s", dns);
	v->addr_family = ADDR_FAMILY_IPV4 | (strchr(ip, ':') ? ADDR_FAMILY_IPV6 : 0);
	v->dhcp_enabled = 0;
}

/* The interface whose VMBus device instance (device_id, "{guid}") is @id. */
static bool if_by_device_id(const char *id, char *ifname, size_t len)
{
	return if_by_attr("device/device_id", id, same_text_nocase, ifname, len);
}

/* An interface name the hook accepts as a value: [0-9A-Za-z._-] only. */
static bool plain_ifname(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* Runs the hook on @path without a shell; its exit status, or -1. */
static int run_hook(const char *path)
{
	char *const argv[] = { (char *)SET_IFCONFIG, (char *)path, NULL };
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		execv(SET_IFCONFIG, argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Writes ifcfg-<if> (upstream's key names, IPv4 and IPv6 apart: kvp_ifcfg.h) and runs
 * the hook that applies it and makes it persistent.  The lists are checked again here
 * (hvis_kvp_ip_check), whatever kernel passed them on: only addresses and masks reach
 * the file, so no host string can add a line to it.
 */
static unsigned int set_ip_info(struct hv_kvp_ipaddr_value *v)
{
	const char *id = (const char *)v->adapter_id, *why;
	char ifname[IFNAMSIZ], path[300];
	FILE *f;
	int fd, rc;

	why = hvis_kvp_ip_check(v);
	if (why) {
		logmsg(LOG_ERR, "SET_IP_INFO refused: %s", why);
		return HV_INVALIDARG;
	}
	if (!if_by_device_id(id, ifname, sizeof(ifname))) {
		logmsg(LOG_ERR, "SET_IP_INFO: no interface for adapter %s", id);
		return HV_GUID_NOTFOUND;
	}
	if (!plain_ifname(ifname)) {
		logmsg(LOG_ERR, "SET_IP_INFO refused: interface name of adapter %s has unusual characters",
		       id);
		return HV_E_FAIL;
	}
	snprintf(path, sizeof(path), "%s/ifcfg-%s", kvp_pool_dir(), ifname);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		logmsg(LOG_ERR, "SET_IP_INFO: cannot write %s: %m", path);
		if (fd >= 0)
			close(fd);
		return HV_E_FAIL;
	}
	if (kvp_ifcfg_write(f, ifname, v)) {
		logmsg(LOG_ERR, "SET_IP_INFO: writing %s failed", path);
		fclose(f);
		return HV_E_FAIL;
	}
	if (fclose(f)) {
		logmsg(LOG_ERR, "SET_IP_INFO: writing %s failed: %m", path);
		return HV_E_FAIL;
	}
	rc = run_hook(path);
	if (rc) {
		logmsg(LOG_ERR, "SET_IP_INFO: %s %s exited with %d", SET_IFCONFIG, path, rc);
		return HV_E_FAIL;
	}
	logmsg(LOG_INFO, "SET_IP_INFO: applied %s to %s", (const char *)v->ip_addr, ifname);
	return HV_S_OK;
}

/* ---- one request ---- */

/* A full pool, logged at most once a minute (a host may keep trying). */
static void log_pool_full(u8 pool)
{
	static time_t last;
	static unsigned long quiet;
	time_t now = time(NULL);

	if (last && now - last < 60) {
		quiet++;
		return;
	}
	logmsg(LOG_WARNING, "pool %u is full (%d records): the host's new key refused (%lu more refusals not logged)",
	       pool, KVP_POOL_MAX_RECORDS, quiet);
	last = now;
	quiet = 0;
}

static void handle(struct hv_kvp_msg *m)
{
	u8 op = m->kvp_hdr.operation, pool = m->kvp_hdr.pool;
	struct hv_kvp_exchg_msg_value *d;
	unsigned int status = HV_S_OK;
	char ifname[IFNAMSIZ];
	int rc = 0;

	switch (op) {
	case KVP_OP_SET:
		d = &m->body.kvp_set.data;
		rc = kvp_pool_set(pool, (char *)d->key, d->key_size, (char *)d->value,
				  d->value_size);
		break;
	case KVP_OP_GET:
		d = &m->body.kvp_get.data;
		rc = kvp_pool_get(pool, (char *)d->key, d->key_size, (char *)d->value,
				  sizeof(d->value));
		break;
	case KVP_OP_DELETE:
		rc = kvp_pool_delete(pool, (char *)m->body.kvp_delete.key,
				     m->body.kvp_delete.key_size);
		break;
	case KVP_OP_ENUMERATE:
		d = &m->body.kvp_enum_data.data;
		if (pool == KVP_POOL_AUTO)
			rc = auto_item(m->body.kvp_enum_data.index, (char *)d->key,
				       sizeof(d->key), (char *)d->value, sizeof(d->value));
		else
			rc = kvp_pool_enumerate(pool, m->body.kvp_enum_data.index, (char *)d->key,
						sizeof(d->key), (char *)d->value,
						sizeof(d->value));
		break;
	case KVP_OP_GET_IP_INFO:
		if (!if_by_mac((char *)m->body.kvp_ip_val.adapter_id, ifname, sizeof(ifname))) {
			logmsg(LOG_ERR, "GET_IP_INFO: no interface with MAC %s",
			       (char *)m->body.kvp_ip_val.adapter_id);
			status = HV_E_FAIL;
			break;
		}
		get_ip_info(ifname, &m->body.kvp_ip_val);
		break;
	case KVP_OP_SET_IP_INFO:
		status = set_ip_info(&m->body.kvp_ip_val);
		break;
	default:
		logmsg(LOG_ERR, "unknown operation %u from the kernel", op);
		status = HV_E_FAIL;
	}
	if (rc) {
		/* Upstream's daemon answers HV_S_CONT for a failed pool operation. */
		if (rc == -ENOSPC && op == KVP_OP_SET)
			log_pool_full(pool);
		else if (rc != -ENOENT)
			logmsg(LOG_ERR, "op %u on pool %u failed: %s", op, pool, strerror(-rc));
		status = HV_S_CONT;
	}
	logmsg(LOG_DEBUG, "op %u pool %u -> %#x", op, pool, status);
	m->error = (int)status;
}

static int open_and_register(void)
{
	struct hv_kvp_msg m;
	int fd;

	fd = open(KVP_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		logmsg(LOG_ERR, "open %s failed: %m", KVP_DEV);
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_REGISTER1;
	if (write(fd, &m, sizeof(m)) != sizeof(m)) {
		logmsg(LOG_ERR, "registration on %s failed: %m", KVP_DEV);
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static struct hv_kvp_msg m;
	bool foreground = false, registered = false;
	int fd, opt;

	while ((opt = getopt(argc, argv, "ndh")) != -1) {
		if (opt == 'n') {
			foreground = true;
		} else if (opt == 'd') {
			debug = true;
		} else {
			fprintf(stderr, "usage: hvis-kvpd [-n] [-d]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	openlog("hvis-kvpd", foreground ? LOG_PERROR : 0, LOG_DAEMON);
	if (!foreground && daemon(1, 0)) {
		logmsg(LOG_ERR, "daemon() failed: %m");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	logmsg(LOG_INFO, "KVP starting; pid is:%d", getpid());
	if (kvp_pool_init()) {
		logmsg(LOG_ERR, "cannot create the pool files in %s: %m", kvp_pool_dir());
		return 1;
	}
	fd = open_and_register();
	if (fd < 0)
		return 1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg(LOG_ERR, "poll failed: %m");
			return 1;
		}
		n = read(fd, &m, sizeof(m));
		if (n != sizeof(m)) {
			/* As upstream: a short read (e.g. after hibernation) means reopen. */
			logmsg(LOG_ERR, "read from %s returned %zd (%m); reopening", KVP_DEV, n);
			close(fd);
			registered = false;
			sleep(1);
			fd = open_and_register();
			if (fd < 0)
				return 1;
			continue;
		}
		if (!registered) {
			if (m.kvp_hdr.operation != KVP_OP_REGISTER1) {
				logmsg(LOG_ERR, "kernel answered registration with op %u",
				       m.kvp_hdr.operation);
				return 1;
			}
			snprintf(drv_version, sizeof(drv_version), "%.*s",
				 (int)sizeof(drv_version) - 1,
				 (char *)m.body.kvp_register.version);
			logmsg(LOG_INFO, "KVP LIC Version: %s", drv_version);
			registered = true;
			continue;
		}
		handle(&m);
		if (write(fd, &m, sizeof(m)) != sizeof(m))
			logmsg(LOG_ERR, "answer to the kernel failed: %m");
	}
}
