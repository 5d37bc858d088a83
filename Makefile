# SPDX-License-Identifier: GPL-2.0-only
# hvis: build, test and demo entry points.  `make help` lists the targets.
#
#   make                  modules for the newest installed kernel, plus the userspace tools
#   make KVER=<version>   modules for another installed kernel (headers in /lib/modules/<v>/build)
#   make W=1 / C=2        passed to Kbuild (extra warnings / sparse)
#   make check            installs what is missing, builds, runs unit and QEMU tests (tiered:
#                         every QEMU test on the newest kernel, a marked set on the others)
#   make check-all        the same over the whole kernel matrix (every test on every kernel)
#   make e2e KVERS="..."  QEMU tests on the given kernels (default: newest 6.1 and 6.12)
#   make e2e T=t_boot     one QEMU test
#   make deb              build/deb/hvis-dkms_<v>_all.deb, hvis-tools_<v>_<arch>.deb, hvis-fakehost
#   make dkms-install     (in a guest, as root) DKMS-install hvis for every kernel with headers
#   make dkms-remove      (in a guest, as root) undo dkms-install
#   make check-install    debootstrap a Debian 12 guest, install the .debs with apt, boot it
#   make debug-kernel     a guest kernel with KASAN, UBSAN, lockdep, kmemleak (built once, cached
#                         outside the clone) and hvis against it; run tests on it with
#                         make e2e KVERS=debug-6.12 T=t_boot (DEBUG_SERIES=6.1 for 6.1)
#   make hostile          the hostile campaign and churn on the debug kernel (hours)

SHELL := /bin/bash
TOP := $(CURDIR)
KVER ?= $(shell $(TOP)/scripts/kvers.sh newest)
KVERS ?= $(shell $(TOP)/scripts/kvers.sh test)
KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V)) \
	$(if $(HVIS_DEBUG),HVIS_DEBUG=$(HVIS_DEBUG))

.PHONY: all modules modules-all tools unit fuzz fuzz-smoke fuzz-coverage lint e2e selftest check check-all demo vm bench deps \
	debug-kernel hostile churn \
	deb dkms-conf dkms-install dkms-remove check-install clean help

all: modules tools

modules:
	@$(TOP)/scripts/build-modules.sh $(KVER) $(KBUILD_ARGS)

# Modules for every kernel the QEMU tests run on.
modules-all:
	@set -e; for k in $(KVERS); do $(TOP)/scripts/build-modules.sh $$k $(KBUILD_ARGS); done

# Every tools/<name>/ with a Makefile (hvis-fakehost, lsvmbus, ...).
tools:
	@set -e; for d in $(wildcard tools/*/Makefile); do $(MAKE) -C $$(dirname $$d); done

# tests/unit's run also runs the tools' own unit tests.
unit:
	@$(MAKE) --no-print-directory -C tests/unit run

# A libFuzzer campaign (FUZZ_SECONDS per target); not part of check.
fuzz:
	@$(MAKE) --no-print-directory -C tests/fuzz fuzz

fuzz-smoke:
	@$(MAKE) --no-print-directory -C tests/fuzz smoke

fuzz-coverage:
	@$(MAKE) --no-print-directory -C tests/fuzz coverage

lint:
	@KVERS="$(KVERS)" scripts/lint.sh

# Harness self-check: a guest boots each kernel, answers the agent and powers off.
selftest:
	@tests/e2e/run.sh -t tests/qemu/selftest.sh $(KVERS)

e2e: modules-all tools
	@tests/e2e/run.sh $(if $(T),-t $(T)) $(KVERS)

# KVERS is passed on only when given: check.sh looks again after installing kernels.
check:
	@$(if $(filter command line environment,$(origin KVERS)),KVERS="$(KVERS)") $(TOP)/scripts/check.sh

# The whole matrix: every e2e test and the install test on every test kernel.
check-all:
	@$(if $(filter command line environment,$(origin KVERS)),KVERS="$(KVERS)") CHECK_TIER=all $(TOP)/scripts/check.sh

demo:
	@$(TOP)/scripts/demo.sh

# A guest with every device, its root shell on this terminal (scripts/vm.sh).
vm:
	@$(TOP)/scripts/vm.sh

bench: modules tools
	@tests/bench/echo_bench.sh $(KVER)
	@tests/bench/dm_bench.sh $(KVER)
	@tests/bench/net_bench.sh $(KVER)
	@tests/bench/storvsc_bench.sh $(KVER)
	@tests/bench/hvsock_bench.sh $(KVER)

deps:
	@$(TOP)/scripts/install-deps.sh

# The sanitizer guest kernel (scripts/debug-kernel.sh, docs/testing.md), then hvis built
# against it.  Not part of make check.
DEBUG_SERIES ?= 6.12
debug-kernel:
	@$(TOP)/scripts/debug-kernel.sh $(DEBUG_SERIES)
	@$(TOP)/scripts/build-modules.sh debug-$(DEBUG_SERIES) $(KBUILD_ARGS)

# The hostile campaign (tests/hostile, docs/hostile.md), on the debug kernel unless
# HOSTILE_KVER names another: per driver HOSTILE_TARGET (a million) mutated messages
# under load (t_campaign), then unplug/plug and reload churn (t_churn).  Hours; not part
# of check.  `make churn` runs the churn alone.
HOSTILE_KVER ?= debug-$(DEBUG_SERIES)
HOSTILE_TESTS := -t tests/hostile/t_campaign.sh -t tests/hostile/t_churn.sh
hostile churn: tools
	@$(if $(filter debug-%,$(HOSTILE_KVER)),$(TOP)/scripts/debug-kernel.sh $(DEBUG_SERIES) &&) \
		$(TOP)/scripts/build-modules.sh $(HOSTILE_KVER) $(KBUILD_ARGS) && \
		E2E_TIMEOUT=$${E2E_TIMEOUT:-86400} tests/e2e/run.sh --tier all \
		$(if $(filter churn,$@),-t tests/hostile/t_churn.sh,$(HOSTILE_TESTS)) $(HOSTILE_KVER)

# Debian packages, from the work tree (version: scripts/version.sh).
deb:
	@$(TOP)/scripts/mkdeb.sh

# Prints the dkms.conf the packages get (generated from drivers/*/Kbuild).
dkms-conf:
	@$(TOP)/scripts/dkms-conf.sh $$($(TOP)/scripts/version.sh)

# For a guest: install or remove hvis through DKMS without the package.
dkms-install:
	@$(TOP)/scripts/dkms-install.sh install

dkms-remove:
	@$(TOP)/scripts/dkms-install.sh remove

# The install test (tests/install): a debootstrapped Debian 12 guest gets the .debs with
# apt and boots against the fake host; then upgrade and removal; then the same guest under
# UEFI firmware with Secure Boot on (t_secure_boot); a static IP the host injects survives
# a reboot under ifupdown and NetworkManager (t_static_ip_persist).  KVERS as for e2e.
check-install: tools
	@E2E_TIMEOUT=$${E2E_TIMEOUT:-2400} tests/e2e/run.sh -t tests/install/t_dkms_install.sh \
		-t tests/install/t_secure_boot.sh -t tests/install/t_static_ip_persist.sh $(KVERS)

clean:
	rm -rf build
	@for d in $(wildcard tools/*/Makefile tests/unit/Makefile tests/fuzz/Makefile); do \
		$(MAKE) -C $$(dirname $$d) clean; done

help:
	@echo "targets: all modules modules-all tools unit fuzz fuzz-smoke fuzz-coverage lint selftest e2e check check-all demo vm bench deps"
	@echo "         debug-kernel (DEBUG_SERIES=6.12|6.1) hostile churn (HOSTILE_KVER=...)"
	@echo "         deb dkms-conf dkms-install dkms-remove check-install clean"
	@echo "KVER=$(KVER)"
	@echo "KVERS=$(KVERS)"
