#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm.sh: `make vm`: a guest you can sit at.  It boots a QEMU guest (KVER, default the
# newest test kernel) against the fake host with every device hvis drives
# (tests/qemu/fullvm.sh), puts a root shell of the guest on this terminal, and prints how
# a second terminal drives the host with `hvis-fakehost ctl`.  Leave the guest's shell with
# Ctrl-] (or power the guest off); the VM, the fake host and the network namespace go away
# with it.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
[ "$(id -u)" = 0 ] || { echo "make vm: needs root (network namespace, TAP device, /boot)" >&2; exit 1; }
[ -t 0 ] || { echo "make vm: needs a terminal on stdin (use make demo for a walk-through)" >&2; exit 1; }

KVER=${KVER:-$(scripts/kvers.sh newest)}
echo "==> building the modules for $KVER and the tools (log: build/vm-build.log)"
mkdir -p build
if ! { scripts/build-modules.sh "$KVER" && make --no-print-directory tools; } >build/vm-build.log 2>&1; then
	tail -n 20 build/vm-build.log
	echo "make vm: the build failed; the whole log is in build/vm-build.log" >&2
	exit 1
fi

set +e # lib.sh reports failures itself
source tests/qemu/lib.sh
source tests/e2e/net_lib.sh
source tests/qemu/fullvm.sh
echo "==> booting $KVER under QEMU (TCG: this takes a minute)"
FULLVM_SHELL=1
fullvm_start "$KVER"

ctl="hvis-fakehost ctl"
cat <<EOF

==> The guest is up.  Devices offered: $FULLVM_DEVICES
    Drivers bound:  $FULLVM_DRIVERS
    Its NIC is $NET_IF ($NET_GUEST4) on a TAP wire to namespace $NET_NS ($NET_HOST4).
    Kernel log: $VM_DIR/serial.log   Host events: $VM_DIR/events.log

    From a second terminal, as root:
      export PATH=$TOP/tools/fakehost:\$PATH HVIS_FAKEHOST_CTL=$VM_DIR/ctl.sock
      $ctl list                       the devices and their channels
      $ctl memory set 1536M           resize the guest's memory (Dynamic Memory)
      $ctl copy-file /etc/hostname /tmp/in/hostname   copy a file in
      $ctl kvp enum 2 ; $ctl kvp items            the guest's intrinsic KVP items (pool 2)
      $ctl vss freeze ; $ctl vss thaw                 a backup's freeze and thaw
      $ctl disk add 0:0:1 FILE       hot-add a disk (an existing file, size a multiple of 512)
      $ctl timesync                   a time-sync sample now
      $ctl key uname -a Enter         type into the console (tty1; synthetic keyboard)
      $ctl mouse 16384 16384 1        move the pointer to the middle and press the left button
      $ctl screenshot /tmp/screen.png the console as a PNG (synthetic video)
      ip netns exec $NET_NS ping $NET_GUEST4          traffic on the wire
      $ctl shutdown                   power the guest off
    (hvis-fakehost --help lists the commands; docs/fakehost-ctl.md explains them.)

==> The guest's root shell follows.  Ctrl-] leaves it (and stops the VM).
EOF
socat -,raw,echo=0,escape=0x1d "UNIX-CONNECT:$FULLVM_SHELL_SOCK" || true
echo
echo "==> stopping the VM"
vm_stop
