// SPDX-License-Identifier: GPL-2.0-only
/*
 * refclock.c: the partition reference counter the fake host gives its guest (see
 * refclock.h and docs/fakehost-link.md): 100 ns units of the host's CLOCK_MONOTONIC
 * since the link was last reset, stored into the link header every
 * HVIS_LINK_REF_PERIOD_US by a small thread, so that the guest reads it with one load.
 */
#include <pthread.h>
#include <time.h>
#include "refclock.h"

static pthread_mutex_t rc_lock = PTHREAD_MUTEX_INITIALIZER;
static u64 *rc_slot;		/* the header's ref_time, or NULL */
static u64 rc_epoch_ns;		/* CLOCK_MONOTONIC when the counter was 0 */
static bool rc_epoch_set;
static pthread_t rc_thread;
static bool rc_running;
static bool rc_stop;

static u64 mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (u64)t.tv_sec * 1000000000u + (u64)t.tv_nsec;
}

/* rc_lock held. */
static u64 count_now(void)
{
	if (!rc_epoch_set) {
		rc_epoch_ns = mono_ns();
		rc_epoch_set = true;
	}
	return (mono_ns() - rc_epoch_ns) / 100;
}

static void *rc_main(void *arg)
{
	const struct timespec period = { 0, HVIS_LINK_REF_PERIOD_US * 1000L };
	bool stop;

	for (;;) {
		pthread_mutex_lock(&rc_lock);
		stop = rc_stop;
		if (rc_slot && !stop)
			hvis_store_release(rc_slot, count_now());
		pthread_mutex_unlock(&rc_lock);
		if (stop)
			return NULL;
		nanosleep(&period, NULL);
	}
}

int refclock_publish(u64 *slot)
{
	int ret = 0;

	pthread_mutex_lock(&rc_lock);
	rc_slot = slot;
	if (slot) {
		/* A new link is a new VM: its counter starts at 0. */
		rc_epoch_ns = mono_ns();
		rc_epoch_set = true;
		hvis_store_release(slot, 0);
		if (!rc_running) {
			rc_stop = false;
			ret = -pthread_create(&rc_thread, NULL, rc_main, NULL);
			rc_running = !ret;
		}
	}
	pthread_mutex_unlock(&rc_lock);
	return ret;
}

void refclock_stop(void)
{
	bool join;

	pthread_mutex_lock(&rc_lock);
	rc_slot = NULL;
	rc_stop = true;
	join = rc_running;
	rc_running = false;
	pthread_mutex_unlock(&rc_lock);
	if (join)
		pthread_join(rc_thread, NULL);
}

u64 refclock_read(void)
{
	u64 v;

	pthread_mutex_lock(&rc_lock);
	v = rc_slot ? hvis_load_acquire(rc_slot) : count_now();
	pthread_mutex_unlock(&rc_lock);
	return v;
}
