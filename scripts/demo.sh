#!/bin/bash
# demo.sh: what `make demo` shows a person, step by step: a QEMU guest loads the hvis
# modules, connects to the fake host's VMBus, lists its devices, sends heartbeats, and
# powers off when the host asks.  KVER picks the kernel (default: the newest installed).
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

step "3. Booting a QEMU guest ($KVER, TCG) against the fake host"
say "The fake host (tools/fakehost/hvis-fakehost) plays Hyper-V's part: it serves the" \
	"guest's ivshmem-doorbell PCI device and offers three VMBus devices: heartbeat," \
	"shutdown and echo.  The guest boots a small busybox initramfs."
set +e # lib.sh reports failures itself (fail), with the logs
source tests/qemu/lib.sh
vm_start "$KVER"

step "4. Loading hvis_vmbus with its fake-host transport; the class drivers load from the devices' modaliases"
vm_load_vmbus >/dev/null
wait_driver_bound hvis_heartbeat >/dev/null
wait_driver_bound hvis_shutdown >/dev/null
guest 'dmesg | grep -i hvis | grep -v taint' | indent
say "" "Modules in the guest:"
guest 'lsmod | grep hvis' | indent

step "5. The devices, as the guest sees them"
if guest 'command -v lsvmbus' >/dev/null; then
	say "\$ lsvmbus -v   (in the guest)"
	guest lsvmbus -v | indent
else
	guest 'for d in /sys/bus/vmbus/devices/*; do echo "${d##*/} class $(cat $d/class_id) relid $(cat $d/id) driver $(basename $(readlink $d/driver))"; done' | indent
fi
say "" "and as the host offered them (\$ hvis-fakehost ctl list):"
fh list | indent

step "6. Heartbeats: the host sends one every second; the guest's reply carries its sequence number"
for _ in 1 2 3; do
	say "\$ hvis-fakehost ctl heartbeat"
	fh heartbeat | indent
	sleep 1.5
done

step "7. The host asks the guest to shut down"
say "\$ hvis-fakehost ctl shutdown"
t0=$SECONDS
fh shutdown | indent
if vm_wait_exit 30; then
	say "QEMU exited with status 0, $((SECONDS - t0)) s after the request.  The guest's console:"
	tr -d '\r' <"$VM_DIR/serial.log" | grep -E 'hvis_shutdown|shutdown|going down|Power down|SIGTERM' | tail -n 8 | indent
else
	say "the guest did not power off within 30 s"
	exit 1
fi
say "" "The fake host's event log:"
tail -n 12 "$VM_DIR/events.log" | indent

step "Done.  Next: make check runs the unit and QEMU tests (README.md)."
