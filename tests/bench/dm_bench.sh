#!/bin/bash
# dm_bench.sh [KVER]: Dynamic Memory speed (a benchmark, not a test).
#
# One guest (TCG, booted with mem=768M from a 2 GiB RAM file the fake host serves) with
# three memory devices: hvis Dynamic Memory, a virtio-mem device (1 GiB) and a
# virtio-balloon.  It times, from the host's request to the guest's MemTotal showing
# the change (polled in the guest):
#   - DM hot-add of 1 GiB (`ctl memory set 1792M`)   vs  virtio-mem plug of 1 GiB;
#   - DM balloon of 512 MiB (`ctl memory set 1280M`) vs  virtio-mem unplug of 512 MiB
#     and virtio-balloon inflate of 512 MiB.
# The fake host's own figure (request sent to response received, ms= in its event
# log) is printed next to the DM rows.  Without virtio_mem/virtio_balloon modules for
# KVER only the DM rows are printed.  The guest boots with 768 MiB, not 1 GiB: from 1 GiB,
# the last block of a 1 GiB hot-add (1920-2048 MiB, the top of q35's low RAM) fails with
# add_memory -EEXIST, something in the guest's resource map already claims it.
source "$(dirname "$0")/../qemu/lib.sh"

VM_MEM_BYTES=$((2048 * 1024 * 1024))
VM_APPEND="mem=768M memhp_default_state=online hvis.noautoload"
FH_DEVICES=heartbeat,shutdown,dm
QMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hvis-qmp.XXXXXX")
QMP=$QMP_DIR/qmp.sock
trap '_rc=$?; rm -rf "$QMP_DIR"; (exit $_rc); _lib_exit' EXIT

virtio=
if modinfo -k "$KVER" virtio_mem >/dev/null 2>&1 && modinfo -k "$KVER" virtio_balloon >/dev/null 2>&1; then
	virtio=1
	export HVIS_GUEST_KMODS="virtio_pci virtio_mem virtio_balloon"
fi
qargs=(-qmp "unix:$QMP,server=on,wait=off")
[ -n "$virtio" ] && qargs+=(-m "$((VM_MEM_BYTES >> 20))M,slots=2,maxmem=4G"
	-object memory-backend-ram,id=vmem0,size=1G
	-device virtio-mem-pci,id=vmem,memdev=vmem0,block-size=2M,requested-size=0
	-device virtio-balloon-pci,id=vballoon)
vm_start "$KVER" "${qargs[@]}"

# qmp CMD-JSON: one QMP command; prints the answer.
qmp() {
	python3 - "$QMP" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for cmd in ('{"execute": "qmp_capabilities"}', sys.argv[2]):
    f.write(cmd + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            break
print(json.dumps(r))
sys.exit(1 if "error" in r else 0)
PY
}
memtotal_mb() { guest "awk '/^MemTotal/ { print int(\$2 / 1024) }' /proc/meminfo"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# until_mem OP MB: waits in the guest until MemTotal OP MB (-ge / -le); prints nothing.
until_mem() {
	guest -t 300 "while ! [ \$(awk '/^MemTotal/ { print int(\$2 / 1024) }' /proc/meminfo) $1 $2 ]; do sleep 0.02; done" ||
		fail "MemTotal never $1 $2 MiB"
}
since() { fh events | tail -n 1 | awk '{ print $1 }'; }
rows=()
row() { rows+=("$(printf '  %-44s %8s ms   %s' "$1" "$2" "$3")"); }

assert_fh "dm config" dm config startup=768M policy=fixed target=768M
vm_load_vmbus
assert_guest "modprobe hvis_balloon" modprobe hvis_balloon
wait_driver_bound hvis_balloon >/dev/null
fh wait-event DM_CAPABILITIES --timeout 30 >/dev/null || fail "no DM_CAPABILITIES"

m0=$(memtotal_mb)
s=$(since) t0=$(now_ms)
fh memory set 1792M >/dev/null || fail "memory set 1792M"
until_mem -ge $((m0 + 1020))
t=$(($(now_ms) - t0))
ev=$(fh wait-event DM_HOT_ADD_DONE --since "$s" --timeout 60) || fail "no DM_HOT_ADD_DONE"
row "DM hot-add 1 GiB, request to online" "$t" "host: $(grep -oE 'pages=[0-9]+ requested=[0-9]+ result=[0-9]+ ms=[0-9]+' <<<"$ev")"

m1=$(memtotal_mb)
s=$(since) t0=$(now_ms)
fh memory set 1280M >/dev/null || fail "memory set 1280M"
until_mem -le $((m1 - 510))
t=$(($(now_ms) - t0))
ev=$(fh wait-event DM_BALLOON_DONE --since "$s" --timeout 60) || fail "no DM_BALLOON_DONE"
row "DM balloon 512 MiB out" "$t" "host: $(grep -oE 'pages=[0-9]+ requested=[0-9]+ partial=[0-9]+ messages=[0-9]+ ms=[0-9]+' <<<"$ev")"

if [ -n "$virtio" ]; then
	# Only one driver may own the kernel's online-page callback: hvis_balloon gives it
	# back when it is removed (returning its ballooned pages; hot-added memory stays).
	assert_guest "rmmod hvis_balloon" rmmod hvis_balloon
	assert_guest "modprobe virtio_mem virtio_balloon" 'modprobe virtio_pci; modprobe virtio_mem && modprobe virtio_balloon'
	guest_until 30 'ls -d /sys/bus/virtio/drivers/virtio_mem/virtio*' || fail "virtio_mem did not bind: $(guest 'dmesg | grep virtio_mem | tail -n 3')"
	sleep 2
	m2=$(memtotal_mb) t0=$(now_ms)
	qmp '{"execute": "qom-set", "arguments": {"path": "/machine/peripheral/vmem", "property": "requested-size", "value": 1073741824}}' >/dev/null ||
		fail "qom-set requested-size 1G"
	until_mem -ge $((m2 + 1020))
	row "virtio-mem plug 1 GiB, request to online" "$(($(now_ms) - t0))" ""
	m3=$(memtotal_mb) t0=$(now_ms)
	qmp '{"execute": "qom-set", "arguments": {"path": "/machine/peripheral/vmem", "property": "requested-size", "value": 536870912}}' >/dev/null ||
		fail "qom-set requested-size 512M"
	until_mem -le $((m3 - 510))
	row "virtio-mem unplug 512 MiB" "$(($(now_ms) - t0))" ""
	m4=$(memtotal_mb) t0=$(now_ms)
	# The balloon's target is the VM's size as QEMU sees it: -m minus 512 MiB.
	qmp "{\"execute\": \"balloon\", \"arguments\": {\"value\": $((VM_MEM_BYTES - 536870912))}}" >/dev/null ||
		fail "QMP balloon"
	until_mem -le $((m4 - 510))
	row "virtio-balloon inflate 512 MiB" "$(($(now_ms) - t0))" ""
else
	rows+=("  virtio-mem / virtio-balloon: no virtio_mem or virtio_balloon module for $KVER")
fi

echo
echo "Dynamic Memory benchmark, kernel $KVER, TCG; times from the host's request until the guest's MemTotal shows it (guest polling, agent round trip included)"
printf '%s\n' "${rows[@]}"
