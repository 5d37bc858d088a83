/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmbus_host.h: the host side of VMBus as a sans-I/O state machine: connection and
 * version negotiation, offers and rescinds, GPADLs, channel open/close, unload.
 * Guest messages come in through host_handle_message(); everything that goes out
 * (SynIC messages, channel interrupts, events) goes through struct host_notifier_ops,
 * so tests can record it.  The link (link.c) is one implementation, the unit tests'
 * recorder another.
 */
#ifndef _FH_VMBUS_HOST_H
#define _FH_VMBUS_HOST_H

#include "hvis/vmbus_proto.h"
#include "ring.h"
#include "device.h"
#include "gpadl.h"
#include "guest_mem.h"
#include "host_hold.h"

#define HOST_MAX_VERSIONS	16

/* Where the connection with the guest's VMBus driver stands. */
enum host_conn_state {
	HOST_DISCONNECTED,	/* no INITIATE_CONTACT accepted since the last reset or unload */
	HOST_CONNECTED,		/* a version was agreed; no REQUESTOFFERS yet */
	HOST_OFFERS_SENT,	/* REQUESTOFFERS answered: offers and ALLOFFERS_DELIVERED sent;
				 * new devices are offered at once */
};

/* Where one channel stands. */
enum host_chan_state {
	CHAN_OFFERED,		/* OFFERCHANNEL sent; the guest has not opened it */
	CHAN_OPEN,		/* guest sent OPENCHANNEL; rings mapped, device open, result 0 sent */
	CHAN_CLOSED,		/* guest sent CLOSECHANNEL; rings unmapped; it may open again */
	CHAN_REVOKED,		/* host sent RESCIND; device closed; awaiting RELID_RELEASED */
};

/* Counters per channel, from the host's point of view. */
struct host_chan_stats {
	u64 rx_packets;		/* packets read from the guest->host ring */
	u64 rx_bytes;
	u64 tx_packets;		/* packets written to the host->guest ring */
	u64 tx_bytes;
	u64 signals_in;		/* guest signal-event doorbells for this channel */
	u64 interrupts_out;	/* channel interrupts raised in the guest */
	u64 ring_full;		/* writes that found the host->guest ring full */
	u64 dropped;		/* packets the backend could not send and gave up on */
	u64 holds;		/* drains after which the ring stayed masked (hold_us) */
	u64 monitor_in;		/* guest trigger bits found in the monitor page */
};

struct host_channel {
	struct host_channel *next;
	struct vmbus_host *host;
	struct host_device *dev;
	u32 relid;
	u32 conn_id;		/* = relid: the connection id the guest signals */
	u16 sub_index;		/* 0 for the primary */
	enum host_chan_state state;
	u32 target_cpu;
	u32 gpadl;		/* ring GPADL while open */
	u32 ring_pages;		/* pages mapped at ring_base */
	u8 *ring_base;
	struct hvis_ring in;	/* guest -> host: we consume */
	struct hvis_ring out;	/* host -> guest: we produce */
	u8 *pkt_buf;		/* copy of the packet being parsed */
	u32 pkt_buf_len;
	struct host_chan_stats stats;
	bool subs_offered;	/* primary: its subchannels are offered */
	int monitor_id;		/* the offer's monitorid (0..127), or -1: no monitor */
	/*
	 * Held rings (host_chan_read_end): a backend that sets hold_ok lets a busy ring
	 * stay masked after it drains; the host looks again at hold_until_ns.
	 */
	bool hold_ok;
	u32 drained;		/* packets consumed since the last read_commit or _end */
	u32 look_max;		/* most packets one look found since the last read_end */
	u64 hold_until_ns;	/* 0: not held */
	bool hold_recheck;	/* host_hold_service() is reading it */
	/* `ctl echo-freeze`: packets are read and answered, read_index never published */
	bool read_frozen;
	struct host_hold_state hold;	/* host_hold.c's memory */
	u32 hold_idle_max;	/* empty looks a held ring takes before unmasking (NIC) */
	u64 last_end_ns;	/* when the last look ended (0: none yet) */
	void *priv;		/* the backend's, between open and close */
};

/* A configured device: offered on every connection until it is rescinded. */
struct host_device {
	struct host_device *next;
	const struct host_device_ops *ops;
	struct hvis_guid instance;
	u32 subchannels;
	u32 index;		/* configuration order, from 0 */
	bool monitor;		/* +monitor: offered with a monitor whatever the class */
	bool no_monitor;	/* +nomonitor: never offered with one */
	bool replug_pending;	/* rescinded by host_replug: offered again on release */
	u32 replugs;		/* completed host_replug cycles */
	bool pump;		/* `ctl pump on`: ops->pump back to back (pump.c) */
	u32 pump_rate;		/* at most this many a second (0: what the guest absorbs) */
	u64 pump_credit;	/* thousandths of a message the rate allows now (pump.c) */
	u64 pump_refill_ms;	/* when pump_credit was last topped up */
	u64 pumped;		/* pump messages sent */
	void *priv;		/* the backend's, for the device's lifetime */
	struct vmbus_host *host;
};

/*
 * struct host_notifier_ops - every side effect of the state machine
 * @send_msg:	deliver a channel message (len <= 240) to the SynIC message slot of
 *		guest CPU cpu; the implementation queues it while the slot is busy
 * @signal:	set relid's bit in cpu's event flags and interrupt that CPU
 * @event:	log an event: NAME and its key=value text
 * @msg_backlog: (optional) messages queued for cpu's slot, not yet delivered
 */
struct host_notifier_ops {
	void (*send_msg)(void *ctx, u32 cpu, const void *msg, u32 len);
	void (*signal)(void *ctx, u32 cpu, u32 relid);
	void (*event)(void *ctx, const char *name, const char *text);
	u32 (*msg_backlog)(void *ctx, u32 cpu);
};

struct vmbus_host {
	const struct host_notifier_ops *notify;
	void *ctx;
	const struct guest_mem *mem;	/* guest RAM; NULL or fd < 0: none */
	u32 guest_cpus;			/* CPUs that can take messages and interrupts */
	u32 versions[HOST_MAX_VERSIONS];	/* accepted versions, newest first */
	u32 nversions;
	u32 next_versions[HOST_MAX_VERSIONS];	/* `ctl versions`: used from the next reset */
	u32 next_nversions;

	enum host_conn_state state;
	u32 version;			/* agreed version while connected */
	u32 msg_cpu;			/* target_vcpu of INITIATE_CONTACT */
	u32 next_relid;
	bool pumping;			/* some device, or the bus, is pumped (pump.c) */
	bool pump_bus;			/* `ctl pump on bus`: channel messages (pump.c) */
	u64 bus_pumped;
	bool quiesced;			/* guest acknowledged shutdown: the host starts no new
				 * IC or DM request; answers still go out */
	u32 vm_gen;			/* bumped each time QEMU connects: a new VM */
	u32 lose_open_results;		/* `inject lose-open-result`: the next N successful
					 * OPENCHANNEL_RESULTs are never sent */
	struct host_channel *channels;
	struct host_gpadl *gpadls;
	struct host_device *devices;
	u32 ndevices;
	/*
	 * Relids that were live when the guest last unloaded: upstream's guest still
	 * sends RELID_RELEASED for each channel it frees after UNLOAD_RESPONSE
	 * (vmbus_exit: vmbus_disconnect, then vmbus_free_channels), and Hyper-V takes
	 * it.  Cleared by the next INITIATE_CONTACT or reset.
	 */
	u8 unloaded_relids[VMBUS_MAX_CHANNEL_RELIDS / 8];

	/* rate limit of GUEST_ERROR events */
	u64 err_window_start;
	u32 err_in_window;
	u64 err_suppressed;
	u64 now_ms;
	u32 heartbeat_ms;
	u32 poll_us;			/* busy-poll a drained ring this long before unmasking */
	u32 hold_us;			/* a busy ring stays masked this long: 0 never */
	/* The link's VRAM (docs/fakehost-link.md): our mapping, its size, its GPA (0: unknown). */
	u8 *vram;
	u32 vram_bytes;
	u64 vram_gpa;
	/*
	 * Hyper-V sockets (hvsock_bridge.c): answers a valid TL_CONNECT_REQUEST, returns
	 * the TL_CONNECT_RESULT status (0: a channel was offered).  NULL: every request
	 * is refused.
	 */
	u32 (*tl_connect)(struct vmbus_host *h, const struct vmbus_channel_tl_connect_request *req);
	void *hvsock;			/* the bridge's state */
	/*
	 * Monitored notification (vmbus_monitor.c): the guest's two monitor pages from
	 * INITIATE_CONTACT, mapped (NULL: none), the scan period, when the next scan is
	 * due (monotonic ns, 0: no scan pending) and what the scans found.
	 */
	bool no_monitor;		/* --no-monitor: no class is monitored by default */
	u32 monitor_latency_us;
	struct hv_monitor_page *monitor_pages[2];
	u64 monitor_next_ns;
	u64 monitor_scans;		/* scans of the guest's page */
	u64 monitor_wakeups;		/* scans that found at least one trigger */
};

void host_init(struct vmbus_host *h, const struct host_notifier_ops *notify, void *ctx);
void host_uninit(struct vmbus_host *h);

/* Sets the accepted versions ("5.3,5.2,...").  0 or -EINVAL. */
int host_parse_versions(const char *list, u32 *out, u32 *n);
void host_set_versions(struct vmbus_host *h, const u32 *v, u32 n);
void host_format_versions(const u32 *v, u32 n, char *buf, size_t len);

/*
 * Adds a device; offers it now if the guest already asked for offers.  @instance NULL
 * picks the class's fixed Hyper-V instance GUID if it has one and no configured device
 * uses it, else a generated one.  NULL if @instance is already configured.
 */
struct host_device *host_add_device(struct vmbus_host *h, const struct host_device_ops *ops,
				    const struct hvis_guid *instance, u32 subchannels);

/* The same with HOST_DEV_* flags. */
#define HOST_DEV_MONITOR	1u	/* offer with a monitor allocated, as Hyper-V does for
				 * storage and network devices */
#define HOST_DEV_NO_MONITOR	2u	/* offer without one, even for such a class */
struct host_device *host_add_device_flags(struct vmbus_host *h,
					  const struct host_device_ops *ops,
					  const struct hvis_guid *instance, u32 subchannels,
					  u32 flags);

/*
 * The same with the backend's dev->priv set before create() and the offer (a device
 * made for one connection: its fill_offer needs it).
 */
struct host_device *host_add_device_priv(struct vmbus_host *h,
					 const struct host_device_ops *ops,
					 const struct hvis_guid *instance, u32 flags, void *priv);

/* Rescinds every live channel of dev, then removes it (its destroy runs). */
void host_remove_device(struct vmbus_host *h, struct host_device *dev);

/* dev's primary channel that is not rescinded, or NULL. */
struct host_channel *host_device_channel(struct vmbus_host *h, const struct host_device *dev);

/*
 * Forgets every channel and GPADL as if the guest's VMBus started over (new attach,
 * detach, QEMU gone, UNLOAD): devices are closed, rings unmapped; configured devices
 * stay and are offered again on the next REQUESTOFFERS.
 */
void host_reset(struct vmbus_host *h, const char *why);

/*
 * Handles one post-message slot from the guest: connection id, HvPostMessage type
 * and payload.  Bad input is logged as GUEST_ERROR and dropped.
 */
void host_handle_message(struct vmbus_host *h, u32 conn_id, u32 msg_type,
			 const void *payload, u32 len);

/* The guest signalled connection id conn_id. */
void host_handle_signal(struct vmbus_host *h, u32 conn_id);

/* Calls each open channel's tick. */
void host_tick(struct vmbus_host *h, u64 now_ms);

/*
 * Offers subchannels of an open primary until @count of its device are live (indices
 * after the highest live one); returns how many it offered.  For devices whose ops set
 * subchannels_on_request (storvsc's CREATE_SUB_CHANNELS).
 */
u32 host_offer_subchannels_n(struct vmbus_host *h, struct host_channel *primary, u32 count);
/* Rescinds every live subchannel of dev (the primary stays). */
void host_rescind_subchannels(struct vmbus_host *h, struct host_device *dev);

/* Rescinds a channel (and a primary's subchannels); -ENOENT if no such live relid. */
int host_rescind(struct vmbus_host *h, u32 relid);

/*
 * Unplugs and plugs dev again, as Hyper-V does when a device is removed and added back
 * with its configuration: every live channel is rescinded (subchannels first), the
 * device and its backend state (disk images, TAP) stay, and once the guest releases
 * the primary's relid (RELID_RELEASED) the device is offered again under a new relid
 * (event REPLUG_OFFERED).  -ENOENT: no live primary; -EBUSY: a replug is pending.
 */
int host_replug(struct vmbus_host *h, struct host_device *dev);
/* Called for a released primary relid of a device (vmbus_chan_msg.c). */
void host_replug_released(struct vmbus_host *h, struct host_device *dev);
int host_reoffer_released(struct vmbus_host *h, const struct host_device_ops *ops);
/* The rescinds of ops's channels the guest never released, sent again; how many. */
int host_rescind_again(struct vmbus_host *h, const struct host_device_ops *ops);
/* `ctl lost-offer RELID`: a replug whose offer the guest never saw is offered anew. */
int host_offer_lost(struct vmbus_host *h, u32 relid);

struct host_channel *host_channel_by_relid(struct vmbus_host *h, u32 relid);
const char *host_chan_state_name(enum host_chan_state s);
const char *host_conn_state_name(enum host_conn_state s);

/* Sends a raw message to the guest's message CPU (fault injection, the bus's pump). */
void host_send_raw(struct vmbus_host *h, const void *msg, u32 len);

/* Logging helpers for the backends. */
void host_event(struct vmbus_host *h, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A GUEST_ERROR what=<field> event, rate limited. */
void host_guest_error(struct vmbus_host *h, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- host_ring.c: the channel's two rings ---- */

/* Maps the GPADL's pages and sets up both rings; 0 or -EINVAL with *why. */
int host_chan_map_rings(struct host_channel *ch, struct host_gpadl *g, u32 downstream_pages,
			const char **why);
void host_chan_unmap_rings(struct host_channel *ch);

/*
 * Writes one packet to the host->guest ring and interrupts the guest if the ring
 * rules say so.  0, -EAGAIN (no room; nothing written) or another -errno.
 */
int host_chan_send(struct host_channel *ch, u16 type, u16 flags, u64 trans_id,
		   const void *data, u32 len);

/* Writes a packet that already holds its descriptor (len8 must match len). */
int host_chan_send_raw(struct host_channel *ch, const void *pkt, u32 len);

/* Asks the guest to signal once `bytes` are free in the host->guest ring (0 clears). */
void host_chan_want_room(struct host_channel *ch, u32 bytes);

/* True while the host->guest ring holds bytes the guest has not read (false: no ring). */
bool host_chan_out_unread(const struct host_channel *ch);

/* Reading the guest->host ring: begin masks the guest's interrupts ... */
void host_chan_read_begin(struct host_channel *ch);
/* ... peek copies the next packet into ch->pkt_buf (its length, -EAGAIN or -EIO) ... */
int host_chan_peek(struct host_channel *ch);
/* ... consume steps past it ... */
void host_chan_consume(struct host_channel *ch, u32 len);
/* ... publishes the reads and signals a guest waiting for room, leaving the mask set ... */
void host_chan_read_commit(struct host_channel *ch);
/*
 * ... and end publishes the reads, signals a waiting guest, unmasks: true if more came.
 * A held ring (hold_ok, hold_us and host_hold_decide's rule) is not unmasked:
 * host_hold_service() reads it again later.
 */
bool host_chan_read_end(struct host_channel *ch);

/* Nanoseconds until the earliest held ring is due (monotonic), or -1: none held. */
s64 host_hold_next_ns(const struct vmbus_host *h);
/* Reads every held ring that is due, as a signal from the guest would. */
void host_hold_service(struct vmbus_host *h);

/* ---- vmbus_monitor.c: monitored notification ---- */

/* Scan period when --monitor-latency-us is not given. */
#define HOST_MONITOR_LATENCY_US	100

/* INITIATE_CONTACT's monitor pages (guest physical addresses): maps them. */
void host_monitor_connect(struct vmbus_host *h, u64 page1_gpa, u64 page2_gpa);
/* The connection is gone: unmaps the pages, no scan pending. */
void host_monitor_reset(struct vmbus_host *h);
/* Whether dev's channels get a monitor id (its flags, its class, --no-monitor). */
bool host_monitor_wanted(const struct vmbus_host *h, const struct host_device *dev);
/* ch was offered with a monitor id: writes its latency and connection id into its slot. */
void host_monitor_offered(struct vmbus_host *h, const struct host_channel *ch);
/* Nanoseconds until the next scan is due, or -1: no monitored channel is open. */
s64 host_monitor_next_ns(struct vmbus_host *h);
/* Scans the guest's trigger bits if due; each set bit is its channel's signal. */
void host_monitor_service(struct vmbus_host *h);
/* `ctl status`'s "monitor ..." line. */
void host_monitor_status(const struct vmbus_host *h, char *buf, size_t len);

#endif /* _FH_VMBUS_HOST_H */
