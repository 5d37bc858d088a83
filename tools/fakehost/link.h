/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * link.h: the host end of the hvis link (include/hvis/link.h): the ivshmem server
 * QEMU connects to, the shared memory it hands out, and access to the guest's SynIC
 * pages, post-message queue and signal bitmap inside it.
 */
#ifndef _FH_LINK_H
#define _FH_LINK_H

#include "hvis/link.h"

struct link_msg {
	struct link_msg *next;
	struct hv_message m;
};

struct link_queue {
	struct link_msg *head, *tail;
	u32 len;
};

struct link {
	const char *sock_path;
	int listen_fd;
	int client_fd;			/* QEMU, or -1 */
	int shm_fd;
	u8 *shm;
	u32 bar_bytes;			/* the memfd: the link, then the VRAM if any */
	u32 vram_bytes;			/* at HVIS_LINK_VRAM_OFF; 0: none */
	struct hvis_link_header *hdr;
	struct hvis_link_msgq_ctl *msgq;
	struct hv_input_post_message *slots;
	u64 *signal;
	u8 *synic;
	int host_efd[HVIS_LINK_HOST_VECTORS];	/* peer 0: what the guest rings */
	int guest_efd[HVIS_LINK_MAX_CPUS];	/* peer 1: MSI-X vector N = guest CPU N */
	u32 nvectors;			/* guest vectors (QEMU's vectors=) */
	u32 max_cpus;			/* CPUs served (<= nvectors): the header's max_cpus */
	u32 head;			/* post-message queue: next slot to consume */
	bool attached;			/* guest_state is ATTACHED and we took it in */
	u32 generation;			/* guest_generation we took in */
	u32 guest_cpus;			/* CPUs the guest serves, <= max_cpus */
	struct link_queue queue[HVIS_LINK_MAX_CPUS];	/* messages waiting for a free slot */
	u64 delivered, queued, dropped, interrupts;
};

enum link_attach_change {
	LINK_UNCHANGED,
	LINK_NEW_ATTACH,	/* the guest's driver attached (again): a new VMBus */
	LINK_NEW_DETACH,	/* the guest's driver detached */
	LINK_REATTACH,		/* a new attach without a detach: a kernel after a crash */
};

/* The largest VRAM the link serves (BAR2 stays within 256 MiB). */
#define HVIS_LINK_VRAM_MAX	(128u << 20)

/*
 * Creates the shared memory (with vram_bytes of VRAM, a multiple of 1 MiB, or none)
 * and listens on sock_path.  0 or -errno.
 */
int link_init(struct link *l, const char *sock_path, u32 vectors, u32 cpus, u32 vram_bytes);

/* The guest-physical address of the VRAM, once the guest said where BAR2 is; else 0. */
u64 link_vram_gpa(const struct link *l);
void link_uninit(struct link *l);

/* Accepts a QEMU and does the ivshmem handshake; a second QEMU is turned away. */
int link_accept(struct link *l);
/* QEMU went away: close its fds and reset the shared memory. */
void link_disconnect(struct link *l);

/* Clears the doorbell eventfds. */
void link_drain_doorbells(struct link *l);
/* Looks at guest_state and guest_generation. */
enum link_attach_change link_check_attach(struct link *l);

/*
 * Takes the next post-message slot into *out.  1 if it did, 0 if the queue is empty,
 * -EIO if the guest broke the queue indices (the queue is then skipped forward).
 */
int link_next_message(struct link *l, struct hv_input_post_message *out);

/* Takes and clears signal-bitmap word i (64 connection ids). */
u64 link_take_signals(struct link *l, u32 word);
static inline u32 link_signal_words(void)
{
	return HVIS_LINK_SIGNAL_BYTES / 8;
}

/*
 * Delivers a message to SINT 2 of guest CPU cpu, or queues it while the slot is
 * busy.  payload_size is what the SynIC header says (normally len).  Returns 0, or
 * -ENOSPC / -ENOTCONN when it was dropped.
 */
int link_send(struct link *l, u32 cpu, const void *msg, u32 len, u8 payload_size);
/* Retries queued messages (EOM, or the poll timer). */
void link_retry(struct link *l);
bool link_has_pending(const struct link *l);
/* Drops every queued message. */
void link_flush(struct link *l);

/* Sets relid's bit in cpu's SINT 2 event flags and interrupts cpu. */
int link_signal(struct link *l, u32 cpu, u32 relid);

#endif /* _FH_LINK_H */
