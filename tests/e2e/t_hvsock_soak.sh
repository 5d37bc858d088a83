#!/bin/bash
# Hyper-V sockets, the long campaign (check-all): 1 GiB each way checked by sha256, 100
# concurrent connections moving 1 MiB each, and 10,000 connect/close cycles with no
# growth of the guest's kernel memory or of the fake host's RSS.  docs/hvsock.md, "Tests".
# tier: all
source "$(dirname "$0")/../qemu/lib.sh"

BYTES=${BYTES:-$((1 << 30))}	# each way
CYCLES=${CYCLES:-10000}
HOST_PIDS=()
HVIS_CLEANUP_CMDS+=('for p in "${HOST_PIDS[@]}"; do kill "$p"; done')

# The fake host keeps a window of its newest events in memory (about 10 per cycle); a
# small one fills during the warm-up, so that the RSS readings see the server's own
# per-connection state, not the window growing to its default 200,000 lines.
FH_ARGS=(--events-keep 1000)
fh_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$FH_PID/status"; }

# The cycles run in one guest process (vsock_cycles.c): a socat per cycle would measure
# process start-up under TCG (0.4 s each), not hvsock.
CYCLER=$HVIS_TOP/build/guest-tools/vsock_cycles
mkdir -p "$(dirname "$CYCLER")"
cc -O2 -Wall -Wextra -Werror -o "$CYCLER" "$(dirname "$0")/vsock_cycles.c" ||
	fail "cannot build vsock_cycles"
export HVIS_GUEST_TOOLS="${HVIS_GUEST_TOOLS:-} $CYCLER"
vm_start "$KVER"
vm_load_vmbus
assert_guest "modprobe hvis_sock" modprobe hvis_sock
HS=$VM_DIR/hvsock

# ---- BYTES each way, sha256 on both ends ----
t0=$SECONDS
socat -u UNIX-LISTEN:"$HS/5101.listen" - | sha256sum | cut -d' ' -f1 >"$VM_DIR/g2h.sum" &
HOST_PIDS+=($!)
head -c "$BYTES" /dev/urandom | tee >(sha256sum | cut -d' ' -f1 >"$VM_DIR/h2g.sum") |
	socat -u - UNIX-LISTEN:"$HS/5102.listen" &
HOST_PIDS+=($!)
wait_for 10 "host services listen" test -S "$HS/5101.listen" -a -S "$HS/5102.listen"
assert_guest "guest sends $BYTES bytes" -t 1800 "rm -f /tmp/f; mkfifo /tmp/f
	sha256sum </tmp/f | cut -d' ' -f1 >/tmp/g2h.sum &
	head -c $BYTES /dev/urandom | tee /tmp/f | socat -u - VSOCK-CONNECT:2:5101; wait"
wait_for 60 "host has the guest's sum" test -s "$VM_DIR/g2h.sum"
assert_eq "$(cat "$VM_DIR/g2h.sum")" "$(guest cat /tmp/g2h.sum)" "sha256 of $BYTES bytes guest -> host"
got=$(guest -t 1800 "socat -u VSOCK-CONNECT:2:5102 - | sha256sum | cut -d' ' -f1")
wait_for 30 "host has its own sum" test -s "$VM_DIR/h2g.sum"
assert_eq "$got" "$(cat "$VM_DIR/h2g.sum")" "sha256 of $BYTES bytes host -> guest"
note "both ways: $((SECONDS - t0)) s"

# ---- 100 concurrent connections, 1 MiB each, counted by the host ----
socat UNIX-LISTEN:"$HS/5103.listen",fork,backlog=128 EXEC:'wc -c' &
HOST_PIDS+=($!)
wait_for 10 "counting service listens" test -S "$HS/5103.listen"
t1=$SECONDS
assert_guest "100 clients of 1 MiB each" -t 600 'rm -f /tmp/n*; i=0
	while [ $i -lt 100 ]; do
		head -c 1048576 /dev/zero | socat - VSOCK-CONNECT:2:5103 >/tmp/n$i 2>&1 &
		i=$((i + 1))
	done; wait
	i=0; while [ $i -lt 100 ]; do [ "$(tr -d " " </tmp/n$i)" = 1048576 ] || { cat /tmp/n$i; exit 1; }; i=$((i + 1)); done'
note "ok: 100 concurrent connections of 1 MiB each counted exactly ($((SECONDS - t1)) s)"

# ---- connect/close cycles, memory on both sides ----
socat UNIX-LISTEN:"$HS/5104.listen",fork,backlog=128 EXEC:cat &
HOST_PIDS+=($!)
wait_for 10 "echo service listens" test -S "$HS/5104.listen"
cycle() { # N: N connect/echo/close cycles in the guest, one process
	guest -t $(($1 / 5 + 120)) "$CYCLER 5104 $1"
}
cycle 200 || fail "warm-up cycles failed"
k0=$(guest_kmem)
r0=$(fh_rss_kb)
t2=$SECONDS
out=$(cycle "$CYCLES") || fail "connect/close cycles: $out"
note "ok: $CYCLES connect/echo/close cycles ($((SECONDS - t2)) s)"
wait_for 30 "every connection closed on the host" sh -c "! \"$FAKEHOST\" ctl --ctl \"$VM_DIR/ctl.sock\" hvsock | grep -q '^conn '"
k1=$(guest_kmem)
r1=$(fh_rss_kb)
assert_kmem_flat "$k0" "$k1" "guest after $CYCLES cycles"
note "fake host RSS: $r0 -> $r1 kB"
[ $((r1 - r0)) -lt 1024 ] || fail "fake host RSS grew by $((r1 - r0)) kB over $CYCLES cycles"
note "ok: fake host RSS grew less than 1 MiB"
assert_kernel_clean
