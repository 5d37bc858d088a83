// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c: hvis-fakehost's command line and event loop.  `serve` runs one epoll loop
 * over the ivshmem server socket, QEMU's connection, the host doorbell eventfds and
 * the control socket and the disk I/O engine's completions (disk_io.c), and ticks the
 * devices; it glues the link (link.c) to the VMBus
 * state machine (vmbus_host.c) through a notifier.  `ctl` is the control client.
 */
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fakehost.h"
#include "guid.h"
#include "dev_nic.h"
#include "storvsp.h"
#include "disk_io.h"
#include "fd_watch.h"
#include "hvsock.h"
#include "migrate.h"
#include "hostile.h"
#include "pump.h"

#define TICK_MS		50	/* device ticks (heartbeat, IC negotiation, nudges) */
#define RETRY_MS	5	/* retry of queued SynIC messages */
#define HOLD_US		200	/* --hold-us: a busy storage ring stays masked this long */

enum { TAG_LISTEN = 1, TAG_QEMU, TAG_DOORBELL, TAG_CTL, TAG_DISKIO };

static volatile sig_atomic_t stop;

u64 fh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the notifier: state machine -> link and event log ---- */

static void nt_send_now(void *ctx, u32 cpu, const void *msg, u32 len)
{
	struct fakehost *fh = ctx;
	struct vmbus_channel_message_header hdr;
	int ret = link_send(&fh->link, cpu, msg, len, (u8)len);

	if (ret) {
		memset(&hdr, 0, sizeof(hdr));
		memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
		events_addf(&fh->ev, "MESSAGE_DROPPED", "msgtype=%u cpu=%u reason=%s", hdr.msgtype,
			    cpu, ret == -ENOSPC ? "queue_full" : "guest_not_attached");
	}
}

/* Every channel message passes the hostile mode (hostile.c), which may change it. */
static void nt_send_msg(void *ctx, u32 cpu, const void *msg, u32 len)
{
	hostile_msg(ctx, cpu, msg, len, nt_send_now);
}

static void nt_signal(void *ctx, u32 cpu, u32 relid)
{
	struct fakehost *fh = ctx;

	link_signal(&fh->link, cpu, relid);
}

static void nt_event(void *ctx, const char *name, const char *text)
{
	struct fakehost *fh = ctx;
	u64 seq = events_add(&fh->ev, name, text);

	if (fh->verbose)
		fprintf(stderr, "fakehost: %llu %s %s\n", (unsigned long long)seq, name, text);
}

static u32 nt_msg_backlog(void *ctx, u32 cpu)
{
	struct fakehost *fh = ctx;

	return cpu < HVIS_LINK_MAX_CPUS ? fh->link.queue[cpu].len : 0;
}

static const struct host_notifier_ops notifier = {
	.send_msg = nt_send_msg,
	.signal = nt_signal,
	.event = nt_event,
	.msg_backlog = nt_msg_backlog,
};

static void on_new_event(void *ctx)
{
	struct fakehost *fh = ctx;

	if (fh->waiters)
		ctl_check_waiters(fh, fh_now_ms());
}

/* ---- the link ---- */

static void epoll_add(struct fakehost *fh, int fd, u32 tag, u32 events)
{
	struct epoll_event e = { .events = events, .data.u64 = ((u64)tag << 32) | (u32)fd };

	if (epoll_ctl(fh->epfd, EPOLL_CTL_ADD, fd, &e))
		fprintf(stderr, "fakehost: epoll_ctl: %s\n", strerror(errno));
}

static void service_link(struct fakehost *fh)
{
	struct link *l = &fh->link;
	struct hv_input_post_message m;
	u32 w;
	int ret;

	link_drain_doorbells(l);
	switch (link_check_attach(l)) {
	case LINK_NEW_ATTACH:
		host_reset(&fh->host, "guest_attach");
		fh->host.guest_cpus = l->guest_cpus;
		fh->host.vram_gpa = link_vram_gpa(l);
		events_addf(&fh->ev, "GUEST_ATTACHED", "generation=%u cpus=%u", l->generation,
			    l->guest_cpus);
		break;
	case LINK_REATTACH:
		/*
		 * A kernel that attached without its predecessor detaching (kdump, a reset
		 * after a panic): like Hyper-V's SynIC, the link keeps the VMBus state; the
		 * new INITIATE_CONTACT resets it (vmbus_chan_msg.c), or UNLOAD already did.
		 */
		fh->host.guest_cpus = l->guest_cpus;
		fh->host.vram_gpa = link_vram_gpa(l);
		events_addf(&fh->ev, "GUEST_ATTACHED", "generation=%u cpus=%u reattach=1",
			    l->generation, l->guest_cpus);
		break;
	case LINK_NEW_DETACH:
		host_reset(&fh->host, "guest_detach");
		events_addf(&fh->ev, "GUEST_DETACHED", "generation=%u", l->generation);
		break;
	case LINK_UNCHANGED:
		break;
	}
	if (l->attached)
		crash_log_check(&fh->crash, l->hdr, &fh->mem, &fh->host, &fh->ev);
	while ((ret = link_next_message(l, &m)) != 0) {
		if (ret < 0) {
			host_guest_error(&fh->host, "msgq_tail", "tail=%u", l->msgq->tail);
			continue;
		}
		host_handle_message(&fh->host, m.connection_id, m.message_type, m.payload,
				    m.payload_size);
	}
	for (w = 0; w < link_signal_words(); w++) {
		u64 bits = link_take_signals(l, w);

		while (bits) {
			u32 b = __builtin_ctzll(bits);

			bits &= bits - 1;
			host_handle_signal(&fh->host, w * 64 + b);
		}
	}
	link_retry(l);
	/* A slot freed (EOM) makes room for the bus's pump. */
	pump_run(&fh->host);
}

static void qemu_connected(struct fakehost *fh)
{
	int ret = link_accept(&fh->link);

	if (ret == -EBUSY) {
		events_add(&fh->ev, "QEMU_REJECTED", "reason=busy");
		return;
	}
	if (ret) {
		events_addf(&fh->ev, "QEMU_HANDSHAKE_FAILED", "error=%d", ret);
		return;
	}
	host_reset(&fh->host, "qemu_connected");
	fh->host.vm_gen++;
	guest_mem_close(&fh->mem);
	ret = guest_mem_open(&fh->mem, fh->ram_path, fh->ram_size);
	if (ret)
		events_addf(&fh->ev, "RAM_ERROR", "path=%s error=%d", fh->ram_path, ret);
	epoll_add(fh, fh->link.client_fd, TAG_QEMU, EPOLLIN | EPOLLRDHUP);
	events_addf(&fh->ev, "QEMU_CONNECTED", "peer=%u vectors=%u", HVIS_LINK_GUEST_PEER,
		    fh->link.nvectors);
}

static void qemu_event(struct fakehost *fh)
{
	char buf[64];
	ssize_t n = recv(fh->link.client_fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
		return;		/* QEMU does not talk to the server; ignore it if it does */
	epoll_ctl(fh->epfd, EPOLL_CTL_DEL, fh->link.client_fd, NULL);
	host_reset(&fh->host, "qemu_disconnected");
	link_disconnect(&fh->link);
	guest_mem_close(&fh->mem);
	events_add(&fh->ev, "QEMU_DISCONNECTED", "");
}

/* ---- serve ---- */

/*
 * epoll for timeout_ms, or less when a held ring (host_hold_next_ns) or the monitor
 * scan (host_monitor_next_ns) is due first.
 */
static int wait_events(struct fakehost *fh, struct epoll_event *evs, int max, int timeout_ms)
{
	s64 ns = (s64)timeout_ms * 1000000;
	s64 hold = host_hold_next_ns(&fh->host);
	s64 mon = host_monitor_next_ns(&fh->host);
	struct timespec ts;

	if (hold >= 0 && hold < ns)
		ns = hold;
	if (mon >= 0 && mon < ns)
		ns = mon;
	ts.tv_sec = ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	return epoll_pwait2(fh->epfd, evs, max, &ts, NULL);
}

static void on_signal(int sig)
{
	stop = 1;
}

static int add_devices(struct fakehost *fh, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	int ret = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *plus, *at, *colon;
		struct hvis_guid inst, *instp = NULL;
		const struct host_device_ops *ops;
		struct host_device *dev;
		u32 subs = 0, flags = 0;
		char err[300];

		/* TYPE=GUID: the device's instance GUID instead of the default. */
		if (eq) {
			*eq++ = '\0';
			if (guid_from_text(eq, &inst)) {
				fprintf(stderr, "hvis-fakehost: bad instance GUID '%s' for %s\n",
					eq, tok);
				ret = -EINVAL;
				break;
			}
			instp = &inst;
		}
		/* TYPE+monitor / TYPE+nomonitor: offered with / without a monitor. */
		plus = strchr(tok, '+');
		if (plus) {
			*plus++ = '\0';
			if (!strcmp(plus, "monitor")) {
				flags |= HOST_DEV_MONITOR;
			} else if (!strcmp(plus, "nomonitor")) {
				flags |= HOST_DEV_NO_MONITOR;
			} else {
				fprintf(stderr, "hvis-fakehost: bad device flag '+%s' (have +monitor, +nomonitor)\n",
					plus);
				ret = -EINVAL;
				break;
			}
		}
		/* nic@MAC: the NIC's MAC address (its colons are not a subchannel count). */
		at = strchr(tok, '@');
		if (at)
			*at++ = '\0';
		colon = strchr(tok, ':');
		if (colon) {
			*colon = '\0';
			subs = strtoul(colon + 1, NULL, 10);
		}
		ops = device_ops_by_name(tok);
		if (ops && migrate_check_device(&fh->host, tok, err, sizeof(err))) {
			fprintf(stderr, "hvis-fakehost: --devices %s: %s\n", tok, err);
			ret = -EINVAL;
			break;
		}
		dev = ops && subs <= 64 ? host_add_device_flags(&fh->host, ops, instp, subs, flags) :
					    NULL;
		if (!dev || (at && dev_nic_set_mac(dev, at))) {
			fprintf(stderr, "hvis-fakehost: bad device '%s%s%s%s%s' (have %s; nic@00:15:5d:00:00:10; kvp=GUID once per GUID)\n",
				tok, at ? "@" : "", at ? at : "", eq ? "=" : "", eq ? eq : "",
				device_class_names());
			ret = -EINVAL;
			break;
		}
	}
	free(copy);
	return ret;
}

/*
 * --hostile, --hostile-log, --hostile-replay: the log defaults to hostile.log next to
 * the events log (buf holds that path for the process's life).
 */
static int setup_hostile(const char *events_path, const char *arg, const char *log,
			 const char *replay, char *buf, size_t len)
{
	const char *slash = strrchr(events_path, '/');
	char err[300], opts[300], *first, *tok, *save = NULL;
	struct hostile_opts o = { .irq = -1 };
	double rate;
	u64 seed;

	if (!log) {
		snprintf(buf, len, "%.*shostile.log", slash ? (int)(slash - events_path + 1) : 0,
			 events_path);
		log = buf;
	}
	hostile_set_log(log);
	if (arg && replay) {
		fprintf(stderr, "hvis-fakehost: --hostile and --hostile-replay exclude each other\n");
		return -EINVAL;
	}
	if (replay && hostile_replay_load(replay, err, sizeof(err))) {
		fprintf(stderr, "hvis-fakehost: --hostile-replay %s\n", err);
		return -EINVAL;
	}
	if (!arg)
		return 0;
	/* "SEED[,RATE] [only=...] [with=...]": the options after spaces, as in `ctl hostile on`. */
	snprintf(opts, sizeof(opts), "%s", arg);
	first = strtok_r(opts, " ", &save);
	if (!first || hostile_parse(first, &seed, &rate)) {
		fprintf(stderr, "hvis-fakehost: bad --hostile %s (SEED[,RATE], RATE in (0,1])\n", arg);
		return -EINVAL;
	}
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (hostile_parse_option(tok, &o)) {
			fprintf(stderr, "hvis-fakehost: bad --hostile option %s (only=CLASS,... with=KIND,... skip=KIND,... irq=RATE)\n",
				tok);
			return -EINVAL;
		}
	}
	hostile_apply_opts(&o);
	if (hostile_start(seed, rate)) {
		fprintf(stderr, "hvis-fakehost: %s: %s\n", log, strerror(errno));
		return -EIO;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvis-fakehost serve --link SOCK --ram FILE --ram-size BYTES\n"
		"                           --cpus N --vectors V --ctl CTLSOCK\n"
		"                           --events FILE [--events-keep LINES] [--versions 5.3,...,2.4]\n"
		"                           [--devices heartbeat,shutdown,echo[:SUBCHANNELS],nic[@MAC],TYPE[+[no]monitor][=INSTANCE-GUID]]\n"
		"                           [--disks C:T:L=PATH[:ro],...] (scsi[:N],ide,fc devices)\n"
		"                           [--heartbeat-ms N] [--poll-us N] [--hold-us N] [--tap N=IFNAME]...\n"
		"                           [--no-monitor] [--monitor-latency-us N]\n"
		"                           [--tap-vlan N:VID=IFNAME]...\n"
		"                           [--nic-channels N] [--qmp QMPSOCK] [--cpu-features F1,F2,...]\n"
		"                           [--nested] [--vram-mb N] [--hvsock-dir DIR] [--foreground] [-v]\n"
		"                           [--hostile 'SEED[,RATE] [only=..] [with=..]'] [--hostile-log FILE] [--hostile-replay LOG]\n"
		"       hvis-fakehost ctl [--ctl CTLSOCK] COMMAND [ARGS...]   (default: $HVIS_FAKEHOST_CTL)\n"
		"       hvis-fakehost classes   (prints the device classes --devices takes)\n"
		"Commands: status list offer rescind shutdown reboot heartbeat events wait-event\n"
		"          echo-stats inject versions memory dm nic disk migrate hostile (docs/fakehost-ctl.md)\n");
}

static int serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "ram", required_argument, NULL, 'r' },
		{ "ram-size", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "vectors", required_argument, NULL, 'V' },
		{ "ctl", required_argument, NULL, 'C' },
		{ "events", required_argument, NULL, 'e' },
		{ "events-keep", required_argument, NULL, 'K' },
		{ "versions", required_argument, NULL, 'n' },
		{ "devices", required_argument, NULL, 'd' },
		{ "disks", required_argument, NULL, 'D' },
		{ "heartbeat-ms", required_argument, NULL, 'H' },
		{ "poll-us", required_argument, NULL, 'P' },
		{ "hold-us", required_argument, NULL, 'W' },
		{ "nic-channels", required_argument, NULL, 'N' },
		{ "tap", required_argument, NULL, 'T' },
		{ "tap-vlan", required_argument, NULL, 'G' },
		{ "qmp", required_argument, NULL, 'Q' },
		{ "cpu-features", required_argument, NULL, 'F' },
		{ "nested", no_argument, NULL, 'X' },
		{ "hvsock-dir", required_argument, NULL, 'S' },
		{ "vram-mb", required_argument, NULL, 'M' },
		{ "no-monitor", no_argument, NULL, 'm' },
		{ "monitor-latency-us", required_argument, NULL, 'L' },
		{ "hostile", required_argument, NULL, 'Y' },
		{ "hostile-log", required_argument, NULL, 'y' },
		{ "hostile-replay", required_argument, NULL, 'R' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *link_path = NULL, *events_path = NULL, *devices = "heartbeat,shutdown,echo";
	const char *versions = NULL, *disks = NULL, *taps[8], *qmp = NULL, *cpu_features = NULL;
	u32 ntaps = 0, nvlans = 0;
	const char *vlans[64];		/* 8 NICs x 8 VLAN ports */
	bool nested = false;
	const char *hvsock_dir = NULL;
	const char *hostile = NULL, *hostile_log = NULL, *hostile_replay = NULL;
	char hostile_buf[600];
	char hvsock_buf[512];
	char merr[300];
	static struct fakehost fh;
	u32 events_keep = EVENTS_KEEP_DEFAULT;
	u32 mon_lat = HOST_MONITOR_LATENCY_US;
	bool no_monitor = false;
	u32 vram_mb = 8, cpus = 0, vectors = 0, hb_ms = 1000, poll_us = 50, hold_us = HOLD_US, tag, nv;
	u32 v[HOST_MAX_VERSIONS];
	struct epoll_event evs[32];
	u64 next_tick = 0;
	int opt, ret, i;

	memset(&fh, 0, sizeof(fh));
	fh.ctl_fd = -1;
	guest_mem_init(&fh.mem);
	while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': link_path = optarg; break;
		case 'r': fh.ram_path = optarg; break;
		case 's': fh.ram_size = strtoull(optarg, NULL, 0); break;
		case 'c': cpus = strtoul(optarg, NULL, 0); break;
		case 'V': vectors = strtoul(optarg, NULL, 0); break;
		case 'C': fh.ctl_path = optarg; break;
		case 'e': events_path = optarg; break;
		case 'K': events_keep = strtoul(optarg, NULL, 0); break;
		case 'n': versions = optarg; break;
		case 'd': devices = optarg; break;
		case 'D': disks = optarg; break;
		case 'M': vram_mb = strtoul(optarg, NULL, 0); break;
		case 'm': no_monitor = true; break;
		case 'L': mon_lat = strtoul(optarg, NULL, 0); break;
		case 'H': hb_ms = strtoul(optarg, NULL, 0); break;
		case 'P': poll_us = strtoul(optarg, NULL, 0); break;
		case 'W': hold_us = strtoul(optarg, NULL, 0); break;
		case 'N':
			if (dev_nic_set_default_channels(strtoul(optarg, NULL, 0))) {
				fprintf(stderr, "hvis-fakehost: --nic-channels takes 1..8\n");
				return 2;
			}
			break;
		case 'T':
			if (ntaps == ARRAY_SIZE(taps)) {
				fprintf(stderr, "hvis-fakehost: at most %zu --tap\n", ARRAY_SIZE(taps));
				return 2;
			}
			taps[ntaps++] = optarg;
			break;
		case 'G':
			if (nvlans == ARRAY_SIZE(vlans)) {
				fprintf(stderr, "hvis-fakehost: at most %zu --tap-vlan\n", ARRAY_SIZE(vlans));
				return 2;
			}
			vlans[nvlans++] = optarg;
			break;
		case 'Q': qmp = optarg; break;
		case 'F': cpu_features = optarg; break;
		case 'X': nested = true; break;
		case 'S': hvsock_dir = optarg; break;
		case 'Y': hostile = optarg; break;
		case 'y': hostile_log = optarg; break;
		case 'R': hostile_replay = optarg; break;
		case 'f': break;	/* always in the foreground */
		case 'v': fh.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!link_path || !fh.ram_path || !fh.ram_size || !fh.ctl_path || !events_path ||
	    !vectors || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (events_keep < EVENTS_KEEP_MIN) {
		fprintf(stderr, "hvis-fakehost: --events-keep must be at least %u\n", EVENTS_KEEP_MIN);
		return 2;
	}
	/* Guest CPU N is guest vector N: no more CPUs than vectors are served. */
	if (!cpus || cpus > vectors)
		cpus = vectors;
	/* The page holds the latency in 100 ns units, a u16: 1 us .. 6553 us. */
	if (!mon_lat || mon_lat > 6553) {
		fprintf(stderr, "hvis-fakehost: --monitor-latency-us must be 1..6553\n");
		return 2;
	}
	if (vectors > HVIS_LINK_MAX_CPUS || !hb_ms) {
		fprintf(stderr, "hvis-fakehost: --vectors/--cpus must be 1..%u, --heartbeat-ms > 0\n",
			HVIS_LINK_MAX_CPUS);
		return 2;
	}

	if (migrate_setup(qmp, cpu_features, nested, merr, sizeof(merr))) {
		fprintf(stderr, "hvis-fakehost: --cpu-features: %s\n", merr);
		return 2;
	}
	ret = events_init(&fh.ev, events_path, events_keep);
	if (ret) {
		fprintf(stderr, "hvis-fakehost: %s: %s\n", events_path, strerror(-ret));
		return 1;
	}
	fh.ev.on_event = on_new_event;
	fh.ev.ctx = &fh;
	if (setup_hostile(events_path, hostile, hostile_log, hostile_replay, hostile_buf,
			  sizeof(hostile_buf)))
		return 2;
	host_init(&fh.host, &notifier, &fh);
	fh.host.mem = &fh.mem;
	fh.host.heartbeat_ms = hb_ms;
	fh.host.poll_us = poll_us;
	fh.host.hold_us = hold_us;
	fh.host.no_monitor = no_monitor;
	fh.host.monitor_latency_us = mon_lat;
	if (versions) {
		if (host_parse_versions(versions, v, &nv)) {
			fprintf(stderr, "hvis-fakehost: bad --versions %s\n", versions);
			return 2;
		}
		host_set_versions(&fh.host, v, nv);
	}
	if (*devices && add_devices(&fh, devices))
		return 2;
	for (i = 0; i < (int)ntaps; i++) {
		char *end;
		unsigned long n = strtoul(taps[i], &end, 10);

		if (end == taps[i] || *end != '=' || dev_nic_set_tap(&fh.host, (u32)n, end + 1)) {
			fprintf(stderr, "hvis-fakehost: bad --tap %s (N=IFNAME, N a configured nic)\n",
				taps[i]);
			return 2;
		}
	}
	for (i = 0; i < (int)nvlans; i++) {
		char *end, *end2;
		unsigned long n = strtoul(vlans[i], &end, 10), vid = 0;

		if (end != vlans[i] && *end == ':') {
			vid = strtoul(end + 1, &end2, 10);
			end = end2 == end + 1 ? end : end2;
		}
		if (!vid || *end != '=' || dev_nic_add_tap_vlan(&fh.host, (u32)n, (u32)vid, end + 1)) {
			fprintf(stderr, "hvis-fakehost: bad --tap-vlan %s (N:VID=IFNAME, N a configured nic, VID 1..4094, each VID and IFNAME once per nic)\n",
				vlans[i]);
			return 2;
		}
	}
	if (disks) {
		char err[300];

		if (storvsp_add_disks(&fh.host, disks, err, sizeof(err))) {
			fprintf(stderr, "hvis-fakehost: --disks: %s\n", err);
			return 2;
		}
	}
	/* QEMU gets an eventfd for each of its vectors; CPUs beyond --cpus are not served. */
	if (vram_mb > (HVIS_LINK_VRAM_MAX >> 20)) {
		fprintf(stderr, "hvis-fakehost: --vram-mb must be 0..%u\n", HVIS_LINK_VRAM_MAX >> 20);
		return 2;
	}
	ret = link_init(&fh.link, link_path, vectors, cpus, vram_mb << 20);
	fh.host.vram = fh.link.shm ? fh.link.shm + HVIS_LINK_VRAM_OFF : NULL;
	fh.host.vram_bytes = fh.link.vram_bytes;
	if (ret) {
		fprintf(stderr, "hvis-fakehost: link %s: %s\n", link_path, strerror(-ret));
		return 1;
	}
	ret = ctl_listen(&fh);
	if (ret) {
		fprintf(stderr, "hvis-fakehost: ctl %s: %s\n", fh.ctl_path, strerror(-ret));
		return 1;
	}
	if (!hvsock_dir) {
		/* the state directory: where the control socket is */
		const char *slash = strrchr(fh.ctl_path, '/');

		snprintf(hvsock_buf, sizeof(hvsock_buf), "%.*s/hvsock",
			 slash ? (int)(slash - fh.ctl_path) : 1, slash ? fh.ctl_path : ".");
		hvsock_dir = hvsock_buf;
	}
	ret = hvs_bridge_init(&fh.host, hvsock_dir);
	if (ret) {
		fprintf(stderr, "hvis-fakehost: --hvsock-dir %s: %s\n", hvsock_dir, strerror(-ret));
		return 1;
	}

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	fh.epfd = epoll_create1(EPOLL_CLOEXEC);
	epoll_add(&fh, fh.link.listen_fd, TAG_LISTEN, EPOLLIN);
	epoll_add(&fh, fh.ctl_fd, TAG_CTL, EPOLLIN);
	for (i = 0; i < HVIS_LINK_HOST_VECTORS; i++)
		epoll_add(&fh, fh.link.host_efd[i], TAG_DOORBELL, EPOLLIN);
	if (disk_io_fd() >= 0)
		epoll_add(&fh, disk_io_fd(), TAG_DISKIO, EPOLLIN);
	fd_watch_init(fh.epfd);		/* device fds: the NICs' TAP queues */
	{
		char vbuf[128];

		host_format_versions(fh.host.versions, fh.host.nversions, vbuf, sizeof(vbuf));
		events_addf(&fh.ev, "HOST_STARTED", "versions=%s devices=%s cpus=%u vectors=%u",
			    vbuf, devices, cpus, vectors);
	}
	fprintf(stderr, "hvis-fakehost: serving %s (ctl %s)\n", link_path, fh.ctl_path);

	while (!stop) {
		u64 now = fh_now_ms();
		int timeout, n, wt;

		if (now >= next_tick) {
			host_tick(&fh.host, now);
			hostile_tick(&fh.host);
			migrate_tick(&fh.host, now);
			next_tick = now + TICK_MS;
		}
		timeout = (int)(next_tick - now);
		if (link_has_pending(&fh.link) && timeout > RETRY_MS)
			timeout = RETRY_MS;
		wt = ctl_check_waiters(&fh, now);
		if (wt >= 0 && wt < timeout)
			timeout = wt;
		n = wait_events(&fh, evs, ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "hvis-fakehost: epoll_pwait2: %s\n", strerror(errno));
			break;
		}
		fh.host.now_ms = fh_now_ms();
		for (i = 0; i < n; i++) {
			tag = evs[i].data.u64 >> 32;
			switch (tag) {
			case TAG_LISTEN:
				qemu_connected(&fh);
				break;
			case TAG_QEMU:
				qemu_event(&fh);
				break;
			case TAG_DOORBELL:
				service_link(&fh);
				break;
			case TAG_CTL:
				ctl_accept(&fh);
				break;
			case TAG_DISKIO:
				/* completions: done() callbacks run here, on this thread */
				disk_io_reap();
				break;
			case FD_WATCH_TAG:
				fd_watch_dispatch((int)(u32)evs[i].data.u64);
				break;
			}
		}
		host_hold_service(&fh.host);
		host_monitor_service(&fh.host);
		hvs_bridge_service(&fh.host, fh_now_ms());
		/* Poll retry: a message queued for a busy slot, EOM lost or not. */
		if (link_has_pending(&fh.link))
			service_link(&fh);
	}

	events_add(&fh.ev, "HOST_STOPPED", "");
	ctl_close(&fh);
	host_uninit(&fh.host);
	hvs_bridge_uninit(&fh.host);	/* after the connections' devices went */
	disk_io_uninit();	/* after the devices closed their disks */
	link_uninit(&fh.link);
	guest_mem_close(&fh.mem);
	events_uninit(&fh.ev);
	close(fh.epfd);
	return 0;
}

static int ctl_main(int argc, char **argv)
{
	const char *path = NULL;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--ctl")) {
		path = argv[2];
		i = 3;
	} else if (argc > 1 && !strncmp(argv[1], "--ctl=", 6)) {
		path = argv[1] + 6;
		i = 2;
	} else {
		/* make vm prints this for a second terminal */
		path = getenv("HVIS_FAKEHOST_CTL");
	}
	if (!path || i >= argc) {
		usage(stderr);
		return 2;
	}
	return ctl_client(path, argc - i, argv + i);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "serve")) {
		/*
		 * The data paths stage frames of up to 64 KiB in the heap (the NIC's queue,
		 * RSC chains).  glibc would hand the top of the heap back after each free
		 * and fault it in again on the next frame (a quarter of the host's time at
		 * full rate): keep up to 64 MiB of freed heap instead.
		 */
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
		mallopt(M_MMAP_THRESHOLD, 1 << 20);
		return serve(argc - 1, argv + 1);
	}
	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ctl_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "classes")) {
		printf("%s\n", device_class_names());
		return 0;
	}
	usage(argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr);
	return 2;
}
