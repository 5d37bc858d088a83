#!/bin/bash
# demo.sh: what `make demo` shows a person, step by step, in a few minutes: a QEMU guest
# with every device hvis drives (tests/qemu/fullvm.sh) meets the fake host, and each device
# does its job once: heartbeat, time sync, KVP, the NIC on a TAP wire, a SCSI disk, a
# Dynamic Memory resize, a file copied in, a VSS freeze/thaw, the console (when the fake
# host has it), and a shutdown.  KVER picks the kernel (default: the newest installed).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
say() { printf '    %s\n' "$@"; }
indent() { sed 's/^/    | /'; }

step "1. Installing what is missing (Debian packages, the 6.1 and 6.12 kernels)"
scripts/install-deps.sh --if-missing
KVER=${KVER:-$(scripts/kvers.sh newest)}

step "2. Building the modules for $KVER and the userspace tools"
log=build/demo-build.log
mkdir -p build
if ! { scripts/build-modules.sh "$KVER" && make --no-print-directory tools; } >"$log" 2>&1; then
	tail -n 30 "$log" | indent
	say "the build failed; the whole log is in $log"
	exit 1
fi
say "modules: $(cd "build/$KVER/src" && find drivers -name '*.ko' -printf '%f ' | sort)"
say "tools:   $(ls tools/*/hvis-fakehost tools/*/lsvmbus 2>/dev/null | tr '\n' ' ')"

step "3. Booting a QEMU guest ($KVER, TCG) against the fake host, with every device hvis drives"
say "The fake host (tools/fakehost/hvis-fakehost) plays Hyper-V's part: it serves the" \
	"guest's ivshmem-doorbell PCI device and offers the VMBus devices; the NIC is wired to a" \
	"TAP device in a network namespace of its own, the SCSI disk is a file.  The guest boots" \
	"a small busybox initramfs and loads hvis_vmbus; udev-style modalias loading binds the rest."
set +e # lib.sh reports failures itself (fail), with the logs
source tests/qemu/lib.sh
source tests/e2e/net_lib.sh
source tests/qemu/fullvm.sh
fullvm_start "$KVER"
say "offered: $FULLVM_DEVICES" "bound:   $FULLVM_DRIVERS"
has() { [[ ,$FULLVM_DEVICES, == *,$1,* ]]; }
run_host() { say "\$ hvis-fakehost ctl $*"; fh "$@" 2>&1 | indent; }
run_guest() { say "guest\$ $*"; guest "$@" 2>&1 | indent; }

step "4. The devices, as the guest sees them and as the host offered them"
run_guest lsvmbus
run_host list

step "5. Heartbeat: the host sends one every second; the guest answers with its sequence number"
run_host heartbeat

if has timesync; then
	step "6. Time sync: a sample from the host; the guest's clock follows the host's"
	run_host timesync
	say "host:  $(date -u '+%F %T')"
	run_guest "date -u '+%F %T'"
fi

if has kvp; then
	step "7. KVP: the host reads the guest's intrinsic items through hvis_kvp and hvis-kvpd"
	run_host kvp enum 2
	say "\$ hvis-fakehost ctl kvp items | grep -E 'FullyQualified|OSName|NetworkAddressIPv4'"
	fh kvp items 2>&1 | grep -E 'FullyQualified|OSName|NetworkAddressIPv4' | indent
fi

if has nic; then
	step "8. The synthetic NIC on a TAP wire: ping from the namespace, the guest's channels"
	say "\$ ip netns exec $NET_NS ping -c 3 $NET_GUEST4"
	ns ping -c 3 -i 0.3 "$NET_GUEST4" 2>&1 | tail -n 2 | indent
	run_guest "ethtool -l $NET_IF | tail -n 5"
	run_host nic status
fi

if has scsi; then
	step "9. The synthetic SCSI disk: a file on the host is /dev/sda in the guest"
	run_guest "cat /sys/block/sda/size /sys/block/sda/device/model; mkfs.ext4 -q /dev/sda && modprobe ext4 && mkdir -p /mnt/d && mount /dev/sda /mnt/d && dd if=/dev/urandom of=/mnt/d/f bs=1M count=8 conv=fsync 2>&1 | tail -n 1"
	run_host disk list
fi

if has dm; then
	step "10. Dynamic Memory: the host grows the guest from 1 GiB to 1.5 GiB by hot-add"
	run_guest "grep MemTotal /proc/meminfo"
	run_host memory set 1536M
	guest_until 60 "[ \$(awk '/^MemTotal/ { print int(\$2 / 1024) }' /proc/meminfo) -gt 1400 ]" >/dev/null
	run_guest "grep MemTotal /proc/meminfo"
fi

if has fcopy; then
	step "11. File copy: the host copies a file into the guest (hvis_fcopy and hvis-fcopyd)"
	run_host copy-file /etc/os-release /tmp/in/os-release
	say "host:  $(sha256sum /etc/os-release | cut -c1-16)"
	run_guest "sha256sum /tmp/in/os-release | cut -c1-16"
fi

if has vss; then
	step "12. VSS: a backup freezes the guest's filesystems, then thaws them"
	run_host vss freeze
	run_host vss thaw
fi

if has kbd && has video; then
	step "13. The console: keys typed into tty1, a screenshot of the guest's screen"
	run_host key "echo hello from the host keyboard > /tmp/typed" Enter
	guest_until 20 '[ -s /tmp/typed ]' >/dev/null
	run_guest "cat /tmp/typed"
	run_host screenshot "$TOP/build/demo-screen.png"
	run_host screen
fi

step "14. The host asks the guest to shut down"
say "\$ hvis-fakehost ctl shutdown"
t0=$SECONDS
fh shutdown | indent
if vm_wait_exit 60; then
	say "QEMU exited with status 0, $((SECONDS - t0)) s after the request.  The guest's console:"
	tr -d '\r' <"$VM_DIR/serial.log" | grep -E 'hvis_shutdown|shutdown|going down|Power down|SIGTERM' | tail -n 8 | indent
else
	say "the guest did not power off within 60 s"
	exit 1
fi
say "" "The fake host's event log (last lines):"
tail -n 12 "$VM_DIR/events.log" | indent

step "Done.  make vm gives you this guest's shell; make check runs the unit and QEMU tests (README.md)."
