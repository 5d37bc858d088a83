// SPDX-License-Identifier: GPL-2.0-only
/*
 * link.c: the ivshmem server and SynIC page access (see link.h).
 *
 * Server protocol (QEMU docs/specs/ivshmem-spec.rst): every message is a
 * little-endian int64, some with a file descriptor (SCM_RIGHTS).  To a new client:
 * the protocol version 0; the client's peer id; -1 with the shared-memory fd; then
 * for each peer (the host, peer 0, and the client itself) one (peer id, eventfd)
 * message per vector.  The guest rings peer 0's eventfd N by writing (0 << 16) | N to
 * its doorbell; our write to the guest's eventfd N raises its MSI-X vector N.
 *
 * SynIC rules (TLFS; include/hyperv/hvgdk_mini.h): a message slot is free when its
 * message_type is HVMSG_NONE; a host that finds it busy sets the PENDING flag and
 * delivers when the guest signals end of message.  Event flags: one bit per relid in
 * the SINT's 256-byte row (drivers/hv/hyperv_vmbus.h, connection.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "link.h"
#include "refclock.h"

#define LINK_QUEUE_MAX		4096u
#define IVSHMEM_PROTOCOL_VERSION 0

static u64 *ref_slot(struct link *l)
{
	return (u64 *)(l->shm + offsetof(struct hvis_link_header, ref_time));
}

static void shm_reset(struct link *l)
{
	struct hvis_link_header *h = l->hdr;

	/* No reference-counter store races with the rewrite. */
	refclock_publish(NULL);
	memset(l->shm, 0, l->bar_bytes);
	h->magic = HVIS_LINK_MAGIC;
	h->version = HVIS_LINK_VERSION;
	h->bar_bytes = l->bar_bytes;
	if (l->vram_bytes) {
		h->vram_off = HVIS_LINK_VRAM_OFF;
		h->vram_bytes = l->vram_bytes;
	}
	h->msgq_ctl_off = HVIS_LINK_MSGQ_CTL_OFF;
	h->msgq_off = HVIS_LINK_MSGQ_OFF;
	h->msgq_slots = HVIS_LINK_MSGQ_SLOTS;
	h->signal_off = HVIS_LINK_SIGNAL_OFF;
	h->signal_bytes = HVIS_LINK_SIGNAL_BYTES;
	h->synic_off = HVIS_LINK_SYNIC_OFF;
	h->synic_stride = HVIS_LINK_SYNIC_STRIDE;
	h->max_cpus = l->max_cpus;
	h->host_vectors = HVIS_LINK_HOST_VECTORS;
	h->guest_state = HVIS_LINK_GUEST_DETACHED;
	h->ref_period_us = HVIS_LINK_REF_PERIOD_US;
	/* A new VM: its reference counter starts at 0. */
	refclock_publish(ref_slot(l));
	/* Everything above is in place before the guest can see READY. */
	hvis_store_release(&h->host_state, HVIS_LINK_HOST_READY);
	l->head = 0;
	l->attached = false;
	l->generation = 0;
	l->guest_cpus = 0;
}

/* BAR2's size: a PCI BAR is a power of two, so the VRAM rounds it up. */
static u32 bar_size(u32 vram_bytes)
{
	u32 need = HVIS_LINK_VRAM_OFF + vram_bytes, bar = HVIS_LINK_VRAM_OFF;

	if (!vram_bytes)
		return HVIS_LINK_BAR2_BYTES;
	while (bar < need)
		bar <<= 1;
	return bar;
}

int link_init(struct link *l, const char *sock_path, u32 vectors, u32 cpus, u32 vram_bytes)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->listen_fd = l->client_fd = l->shm_fd = -1;
	for (i = 0; i < HVIS_LINK_HOST_VECTORS; i++)
		l->host_efd[i] = -1;
	for (i = 0; i < HVIS_LINK_MAX_CPUS; i++)
		l->guest_efd[i] = -1;
	if (!vectors || vectors > HVIS_LINK_MAX_CPUS || !cpus || cpus > vectors ||
	    vram_bytes > HVIS_LINK_VRAM_MAX || (vram_bytes & (HVIS_LINK_VRAM_ALIGN - 1)))
		return -EINVAL;
	l->vram_bytes = vram_bytes;
	l->bar_bytes = bar_size(vram_bytes);
	l->nvectors = vectors;
	l->max_cpus = cpus;
	l->sock_path = sock_path;

	l->shm_fd = memfd_create("hvis-link", MFD_CLOEXEC);
	if (l->shm_fd < 0 || ftruncate(l->shm_fd, l->bar_bytes))
		return -errno;
	l->shm = mmap(NULL, l->bar_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		      l->shm_fd, 0);
	if (l->shm == MAP_FAILED) {
		l->shm = NULL;
		return -errno;
	}
	l->hdr = (struct hvis_link_header *)l->shm;
	l->msgq = (struct hvis_link_msgq_ctl *)(l->shm + HVIS_LINK_MSGQ_CTL_OFF);
	l->slots = (struct hv_input_post_message *)(l->shm + HVIS_LINK_MSGQ_OFF);
	l->signal = (u64 *)(l->shm + HVIS_LINK_SIGNAL_OFF);
	l->synic = l->shm + HVIS_LINK_SYNIC_OFF;
	shm_reset(l);
	/* Again, for its answer: the refresh thread starts with the first call. */
	if (refclock_publish(ref_slot(l)))
		return -EAGAIN;

	for (i = 0; i < HVIS_LINK_HOST_VECTORS; i++) {
		l->host_efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (l->host_efd[i] < 0)
			return -errno;
	}

	if (strlen(sock_path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, sock_path);
	unlink(sock_path);
	l->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->listen_fd < 0)
		return -errno;
	if (bind(l->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(l->listen_fd, 4))
		return -errno;
	return 0;
}

static void close_guest_efds(struct link *l)
{
	unsigned int i;

	for (i = 0; i < HVIS_LINK_MAX_CPUS; i++) {
		if (l->guest_efd[i] >= 0)
			close(l->guest_efd[i]);
		l->guest_efd[i] = -1;
	}
}

void link_uninit(struct link *l)
{
	unsigned int i;

	link_disconnect(l);
	refclock_stop();
	for (i = 0; i < HVIS_LINK_HOST_VECTORS; i++)
		if (l->host_efd[i] >= 0)
			close(l->host_efd[i]);
	if (l->listen_fd >= 0) {
		close(l->listen_fd);
		unlink(l->sock_path);
	}
	if (l->shm)
		munmap(l->shm, l->bar_bytes);
	if (l->shm_fd >= 0)
		close(l->shm_fd);
}

/* One protocol message: an int64, with fd attached unless fd < 0. */
static int send_word(int sock, s64 value, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = {};
	struct iovec iov = { &value, sizeof(value) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(value))
		return n < 0 ? -errno : -EIO;
	return 0;
}

static int handshake(struct link *l, int sock)
{
	unsigned int i;
	int ret;

	ret = send_word(sock, IVSHMEM_PROTOCOL_VERSION, -1);
	if (!ret)
		ret = send_word(sock, HVIS_LINK_GUEST_PEER, -1);
	if (!ret)
		ret = send_word(sock, -1, l->shm_fd);
	for (i = 0; !ret && i < HVIS_LINK_HOST_VECTORS; i++)
		ret = send_word(sock, HVIS_LINK_HOST_PEER, l->host_efd[i]);
	for (i = 0; !ret && i < l->nvectors; i++)
		ret = send_word(sock, HVIS_LINK_GUEST_PEER, l->guest_efd[i]);
	return ret;
}

int link_accept(struct link *l)
{
	int sock = accept4(l->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	unsigned int i;
	int ret;

	if (sock < 0)
		return -errno;
	if (l->client_fd >= 0) {
		/* One guest at a time. */
		close(sock);
		return -EBUSY;
	}
	shm_reset(l);
	link_flush(l);
	for (i = 0; i < l->nvectors; i++) {
		l->guest_efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (l->guest_efd[i] < 0) {
			ret = -errno;
			goto err;
		}
	}
	link_drain_doorbells(l);
	ret = handshake(l, sock);
	if (ret)
		goto err;
	l->client_fd = sock;
	return 0;
err:
	close_guest_efds(l);
	close(sock);
	return ret;
}

void link_disconnect(struct link *l)
{
	if (l->client_fd >= 0)
		close(l->client_fd);
	l->client_fd = -1;
	close_guest_efds(l);
	link_flush(l);
	if (l->shm)
		shm_reset(l);
}

void link_drain_doorbells(struct link *l)
{
	unsigned int i;
	u64 v;

	for (i = 0; i < HVIS_LINK_HOST_VECTORS; i++)
		while (read(l->host_efd[i], &v, sizeof(v)) == sizeof(v))
			;
}

enum link_attach_change link_check_attach(struct link *l)
{
	u32 state = hvis_load_acquire(&l->hdr->guest_state);
	u32 gen = hvis_read_once(l->hdr->guest_generation);
	u32 cpus;

	if (state == HVIS_LINK_GUEST_ATTACHED && (!l->attached || gen != l->generation)) {
		bool again = l->attached;

		cpus = hvis_read_once(l->hdr->guest_cpus);
		if (cpus > l->max_cpus)
			cpus = l->max_cpus;
		l->guest_cpus = cpus ? cpus : 1;
		l->attached = true;
		l->generation = gen;
		link_flush(l);
		return again ? LINK_REATTACH : LINK_NEW_ATTACH;
	}
	if (state != HVIS_LINK_GUEST_ATTACHED && l->attached) {
		l->attached = false;
		link_flush(l);
		return LINK_NEW_DETACH;
	}
	return LINK_UNCHANGED;
}

int link_next_message(struct link *l, struct hv_input_post_message *out)
{
	u32 tail = hvis_load_acquire(&l->msgq->tail);

	if (tail == l->head)
		return 0;
	if (tail - l->head > HVIS_LINK_MSGQ_SLOTS) {
		/* The guest moved tail more than a queue ahead: skip what it claims. */
		l->head = tail;
		hvis_store_release(&l->msgq->head, l->head);
		return -EIO;
	}
	memcpy(out, &l->slots[l->head % HVIS_LINK_MSGQ_SLOTS], sizeof(*out));
	l->head++;
	/* The copy is taken before the guest may reuse the slot. */
	hvis_store_release(&l->msgq->head, l->head);
	return 1;
}

u64 link_take_signals(struct link *l, u32 word)
{
	if (word >= link_signal_words() || !hvis_read_once(l->signal[word]))
		return 0;
	return __atomic_exchange_n(&l->signal[word], 0, __ATOMIC_ACQ_REL);
}

static struct hv_message *msg_slot(struct link *l, u32 cpu)
{
	struct hv_message_page *page = (void *)(l->synic + (size_t)cpu * HVIS_LINK_SYNIC_STRIDE);

	return &page->sint_message[VMBUS_MESSAGE_SINT];
}

static void fire(struct link *l, u32 cpu)
{
	u64 one = 1;

	if (cpu < l->nvectors && l->guest_efd[cpu] >= 0 &&
	    write(l->guest_efd[cpu], &one, sizeof(one)) == sizeof(one))
		l->interrupts++;
}

/* Puts m into the slot if it is free; false if it is busy (PENDING then set). */
static bool try_deliver(struct link *l, u32 cpu, const struct hv_message *m, bool more)
{
	struct hv_message *slot = msg_slot(l, cpu);

	if (hvis_load_acquire(&slot->header.message_type) != HVMSG_NONE) {
		__atomic_fetch_or(&slot->header.message_flags, HV_MESSAGE_FLAG_PENDING,
				  __ATOMIC_SEQ_CST);
		/* The guest may have freed the slot before it could see PENDING. */
		if (hvis_load_acquire(&slot->header.message_type) != HVMSG_NONE)
			return false;
	}
	memcpy(slot->payload, m->payload, sizeof(slot->payload));
	slot->header.payload_size = m->header.payload_size;
	slot->header.message_flags = more ? HV_MESSAGE_FLAG_PENDING : 0;
	slot->header.sender = m->header.sender;
	/* Payload and header before the type that hands the slot to the guest. */
	hvis_store_release(&slot->header.message_type, m->header.message_type);
	l->delivered++;
	fire(l, cpu);
	return true;
}

static bool cpu_ok(const struct link *l, u32 cpu)
{
	return l->attached && l->client_fd >= 0 && cpu < l->guest_cpus;
}

int link_send(struct link *l, u32 cpu, const void *msg, u32 len, u8 payload_size)
{
	struct link_queue *q;
	struct link_msg *lm;
	struct hv_message m = {};

	if (!cpu_ok(l, cpu) || len > HV_MESSAGE_PAYLOAD_BYTES) {
		l->dropped++;
		return -ENOTCONN;
	}
	m.header.message_type = HV_POST_MESSAGE_TYPE_VMBUS;
	m.header.payload_size = payload_size;
	m.header.sender = VMBUS_MESSAGE_PORT_ID;
	memcpy(m.payload, msg, len);
	q = &l->queue[cpu];
	if (!q->head && try_deliver(l, cpu, &m, false))
		return 0;
	if (q->len >= LINK_QUEUE_MAX) {
		l->dropped++;
		return -ENOSPC;
	}
	lm = malloc(sizeof(*lm));
	if (!lm) {
		l->dropped++;
		return -ENOSPC;
	}
	lm->next = NULL;
	lm->m = m;
	if (q->tail)
		q->tail->next = lm;
	else
		q->head = lm;
	q->tail = lm;
	q->len++;
	l->queued++;
	/* The busy slot has PENDING set (try_deliver): the guest's EOM brings us back. */
	return 0;
}

void link_retry(struct link *l)
{
	u32 cpu;

	for (cpu = 0; cpu < HVIS_LINK_MAX_CPUS; cpu++) {
		struct link_queue *q = &l->queue[cpu];

		while (q->head && cpu_ok(l, cpu)) {
			struct link_msg *lm = q->head;

			if (!try_deliver(l, cpu, &lm->m, lm->next != NULL))
				break;
			q->head = lm->next;
			if (!q->head)
				q->tail = NULL;
			q->len--;
			free(lm);
		}
	}
}

bool link_has_pending(const struct link *l)
{
	u32 cpu;

	for (cpu = 0; cpu < HVIS_LINK_MAX_CPUS; cpu++)
		if (l->queue[cpu].head)
			return true;
	return false;
}

void link_flush(struct link *l)
{
	u32 cpu;

	for (cpu = 0; cpu < HVIS_LINK_MAX_CPUS; cpu++) {
		struct link_queue *q = &l->queue[cpu];

		while (q->head) {
			struct link_msg *lm = q->head;

			q->head = lm->next;
			free(lm);
		}
		q->tail = NULL;
		q->len = 0;
	}
}

int link_signal(struct link *l, u32 cpu, u32 relid)
{
	struct hv_event_flags_page *page;
	u64 *word;

	if (!cpu_ok(l, cpu) || relid >= HV_EVENT_FLAGS_BITS)
		return -ENOTCONN;
	page = (void *)(l->synic + (size_t)cpu * HVIS_LINK_SYNIC_STRIDE + HV_HYP_PAGE_SIZE);
	word = (u64 *)page->flags[VMBUS_MESSAGE_SINT] + relid / 64;
	__atomic_fetch_or(word, 1ull << (relid % 64), __ATOMIC_SEQ_CST);
	fire(l, cpu);
	return 0;
}

u64 link_vram_gpa(const struct link *l)
{
	u64 bar = hvis_read_once(l->hdr->guest_bar_gpa);

	return l->vram_bytes && bar ? bar + HVIS_LINK_VRAM_OFF : 0;
}
