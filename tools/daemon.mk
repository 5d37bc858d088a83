# SPDX-License-Identifier: GPL-2.0-only
# tools/daemon.mk: the build of a one-file guest daemon, included by its Makefile after
# it sets NAME (its tools/ directory), BINS (hvis-<x> built from hvis-<x>.c) and DEPS.
# `make guest` puts static binaries in $(GUEST_BIN)/$(NAME)/ for the test initramfs;
# `make install` honours DESTDIR and PREFIX (binaries go to $(PREFIX)/sbin, their
# <name>.8 man pages to $(PREFIX)/share/man/man8).
CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE -I../../include
GUEST_BIN ?= ../../build/guest-bin
PREFIX ?= /usr
DESTDIR ?=

all: $(BINS)

hvis-%: hvis-%.c $(DEPS)
	$(CC) $(CFLAGS) -o $@ $<

guest: $(addprefix $(GUEST_BIN)/$(NAME)/,$(BINS))

$(GUEST_BIN)/$(NAME)/hvis-%: hvis-%.c $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/sbin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 644 $(addsuffix .8,$(BINS)) $(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	rm -f $(BINS)

.PHONY: all guest install clean
