# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC1007
# lib.sh: the host side of the QEMU harness, sourced by tests/e2e/t_*.sh and friends.
#
#   vm_start KVER [QEMU-ARGS...]   start the fake host, then QEMU; returns once the
#                                  guest agent answers.  Knobs (set before the call):
#       FH_DEVICES="heartbeat,shutdown,echo"   devices the fake host offers
#       FH_VERSIONS="5.3,..."                  host's VMBus versions (fake host default if unset)
#       FH_ARGS=(...)                          more `hvis-fakehost serve` arguments
#       FH_PREFIX=(...) QEMU_PREFIX=(...)      run the fake host / QEMU under this command
#                                              (net_lib.sh: `ip netns exec NS`)
#       VM_NO_FAKEHOST=1                       no fake host and no ivshmem device
#       VM_REBOOT=1                            a guest reboot reboots (no -no-reboot)
#       VM_APPEND="..."                        more kernel command line
#       VM_DEBUG_APPEND="..."                  a debug kernel's own (default panic_on_warn=1)
#       VM_S4=1                                advertise ACPI S4 (hibernation); by default
#                                              the guest has none, as a Hyper-V VM without
#                                              hibernation enabled
#       VM_KERNEL=/path VM_INITRD=/path        boot these instead of /boot/vmlinuz-KVER and
#                                              the harness initramfs (tests/install: a disk guest)
#       VM_NO_KERNEL=1                         no -kernel/-initrd/-append: QEMU's firmware boots
#                                              from what QEMU-ARGS give it (a UEFI guest:
#                                              tests/install/t_secure_boot.sh)
#       VM_QMP=1                               QEMU gets a QMP socket ($VM_DIR/qmp.sock, server,
#                                              no wait) and the fake host --qmp with its path
#       VM_SMP=2                               guest vCPUs: QEMU -smp and the fake host's --cpus
#                                              (its --vectors and ivshmem vectors= are
#                                              max(4, VM_SMP))
#       VM_MAXCPUS=N                           CPUs that may be plugged in later (QEMU
#                                              -smp VM_SMP,maxcpus=N, one core per socket;
#                                              the fake host serves N: --cpus, vectors)
#       HVIS_GUEST_TOOLS="fio lsscsi udev ..." host programs copied into the initramfs with
#                                              their libraries (tests/qemu/mkinitramfs.sh)
#       HVIS_GUEST_KMODS="sd_mod sg ..."       more of the kernel's modules in the initramfs
#     QEMU-ARGS after KVER are appended to QEMU's command line as given (a test's own
#     disks: vm_start "$KVER" -drive file=...,if=none,id=d -device virtio-blk-pci,drive=d).
#   guest [-t SECS] CMD...         run CMD in the guest's shell; prints its output,
#                                  returns its exit status (124 on timeout)
#   guest_until SECS CMD...        rerun CMD in the guest until it succeeds
#   memtotal_mb                    the guest's MemTotal in MiB ($GUEST_MEMTOTAL_MB: the
#                                  same as guest shell text, for commands that poll it)
#   fh CMD...                      hvis-fakehost ctl --ctl $VM_DIR/ctl.sock CMD...
#   fh_since                       the number of the host's newest event (for
#                                  `fh wait-event NAME --since N`: events after it)
#   qmp CMD-JSON                   one QMP command to QEMU (VM_QMP=1); prints QEMU's answer
#                                  line, fails on an error answer
#   vm_wait_exit SECS              wait for QEMU to exit; returns its exit status
#   vm_stop                        stop everything (also run at exit)
#   note / fail / skip / assert_*  diagnostics and verdicts
#   by_tier CHECK ALL              CHECK in make check's tier, else ALL (a campaign's
#                                  length: short in make check, whole in check-all)
#
# A test is one bash script: it sources this file, runs, and exits 0 (pass), 77 (skip)
# or anything else (fail).  tests/e2e/run.sh turns that into TAP.  On a failure the
# last lines of the serial log and of the fake host's event log are printed as `# `
# diagnostics and the whole run directory is kept under build/logs/.

HVIS_TOP=${HVIS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FAKEHOST=${FAKEHOST:-$HVIS_TOP/tools/fakehost/hvis-fakehost}
QEMU=${QEMU:-qemu-system-x86_64}
VM_MEM_BYTES=${VM_MEM_BYTES:-$((1024 * 1024 * 1024))}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-120}
# A normal boot takes under 15 s; a first boot still silent after this is retried.
VM_FIRST_BOOT_TIMEOUT=${VM_FIRST_BOOT_TIMEOUT:-60}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-60}
# Kernel messages that fail any test when they show up in the serial log.
BAD_KERNEL_LINES='WARNING:|BUG:|Oops|Call Trace|Kernel panic|general protection fault|UBSAN:|KASAN:|refcount_t:|list_(add|del) corruption|INFO: task .* blocked'

TEST_NAME=${TEST_NAME:-$(basename "${0%.sh}")}
# The tier tests/e2e/run.sh runs in: check (make check) or all (make check-all, make e2e,
# and a test run by hand).
HVIS_E2E_TIER=${HVIS_E2E_TIER:-all}
by_tier() { if [ "$HVIS_E2E_TIER" = check ]; then echo "$1"; else echo "$2"; fi; }
# The kernel under test: the first argument, else $KVER, else the newest installed.
KVER=${KVER:-}
case "${1:-}" in [0-9]* | debug-*) KVER=$1 ;; esac
[ -n "$KVER" ] || KVER=$("$HVIS_TOP/scripts/kvers.sh" newest)
# KVER=debug-6.12 (or debug-6.1): the sanitizer kernel scripts/debug-kernel.sh cached.
# KVER becomes its release and HVIS_KROOT the cache directory that holds its boot/ and
# lib/modules/ (mkinitramfs.sh and build-modules.sh look there too).  Its guests get
# panic_on_warn=1 (VM_DEBUG_APPEND), and longer boot timeouts: KASAN slows TCG down.
if [[ $KVER == debug-* ]]; then
	_dbgk=$("$HVIS_TOP/scripts/debug-kernel.sh" --resolve "$KVER" 2>&1) || { echo "# $_dbgk"; exit 1; }
	read -r KVER HVIS_KROOT <<<"$_dbgk"
	export HVIS_KROOT
	VM_DEBUG_APPEND=${VM_DEBUG_APPEND-panic_on_warn=1}
	VM_FIRST_BOOT_TIMEOUT=$((VM_FIRST_BOOT_TIMEOUT * 3)) VM_BOOT_TIMEOUT=$((VM_BOOT_TIMEOUT * 3))
	GUEST_TIMEOUT=$((GUEST_TIMEOUT * 3))
fi
# kernel_image KVER: the kernel a guest of KVER boots.
kernel_image() { echo "${HVIS_KROOT:-}/boot/vmlinuz-$1"; }
VM_DIR= VM_KVER= VM_ID= VM_RAM= QEMU_PID= FH_PID= AGENT_PID= AGENT_FD= AGENT_SEQ=0
AGENT_GROW_FD= AGENT_NAP_FD=
VM_EXITED= VM_STATUS= VM_BOOT_SECS=
TEST_FAILED=

note() { printf '%s\n' "$*" | sed 's/^/# /'; }

# Runs and echoes a host-side command: `run_note fh list`.
run_note() {
	note "\$ $*"
	"$@"
}

_dump_tail() { # file lines label
	[ -s "$1" ] || return 0
	note "---- last $2 lines of $3 ----"
	tail -n "$2" "$1" | tr -d '\r' | sed 's/^/#   /'
}

vm_dump_logs() {
	[ -n "$VM_DIR" ] || return 0
	_dump_tail "$VM_DIR/serial.log" 40 "serial log"
	_dump_tail "$VM_DIR/events.log" 25 "fake host events"
	_dump_tail "$VM_DIR/fakehost.log" 15 "fake host output"
	_dump_tail "$VM_DIR/qemu.log" 10 "qemu output"
}

fail() {
	TEST_FAILED=1
	note "FAIL: $*"
	vm_dump_logs
	# Again after the logs: a CI excerpt shows the end of the output only.
	[ -z "$VM_DIR" ] || note "FAIL (as above): $*"
	exit 1
}

skip() {
	note "SKIP: $*"
	exit 77
}

assert_eq() { # actual expected what
	[ "$1" == "$2" ] || fail "$3: got '$1', expected '$2'"
	note "ok: $3 = $2"
}

assert_match() { # string extended-regex what
	grep -Eq -- "$2" <<<"$1" || fail "$3: '$2' not found in: $(head -c 400 <<<"$1")"
	note "ok: $3"
}

assert_no_match() { # string extended-regex what
	! grep -Eq -- "$2" <<<"$1" || fail "$3: unexpected '$(grep -Em1 -- "$2" <<<"$1")'"
	note "ok: $3"
}

assert_ge() { # actual minimum what
	[ "$1" -ge "$2" ] 2>/dev/null || fail "$3: got '$1', expected at least $2"
	note "ok: $3 = $1 (>= $2)"
}

# assert_guest WHAT CMD...: CMD succeeds in the guest.
assert_guest() {
	local what=$1 out
	shift
	out=$(guest "$@") || fail "$what: guest \`$*\` failed: $(head -c 600 <<<"$out")"
	note "ok: $what"
}

# assert_fh WHAT CMD...: the fake host's control command succeeds.
assert_fh() {
	local what=$1 out
	shift
	out=$(fh "$@" 2>&1) || fail "$what: fh $* failed: $out"
	note "ok: $what"
}

# The serial log holds no kernel warning, oops or panic.
assert_kernel_clean() {
	[ -n "$VM_DIR" ] || return 0
	local bad
	bad=$(tr -d '\r' <"$VM_DIR/serial.log" | grep -E "$BAD_KERNEL_LINES" | head -n 5 || true)
	[ -z "$bad" ] || fail "kernel complained: $bad"
	note "ok: no WARNING/BUG/Oops/panic in the kernel log"
}

# wait_for SECS WHAT CMD...: reruns a host-side CMD until it succeeds.
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || fail "$what: not within ${secs}s"
		sleep 0.2
	done
	note "ok: $what"
}

# The fake host's control client.
fh() {
	"$FAKEHOST" ctl --ctl "$VM_DIR/ctl.sock" "$@"
}

fh_since() { fh events | tail -n 1 | awk '{ print $1 }'; }

# qmp CMD-JSON: one command on QEMU's QMP socket (VM_QMP=1), e.g.
# qmp '{"execute":"query-status"}'.  QEMU takes one QMP client at a time: each call
# connects, leaves the greeting, negotiates capabilities, sends CMD-JSON and prints the
# first "return" or "error" line.  Returns 1 on an "error" answer or no answer in 10 s.
qmp() {
	local out
	[ -S "$VM_DIR/qmp.sock" ] || { echo "qmp: no $VM_DIR/qmp.sock (VM_QMP=1)" >&2; return 125; }
	out=$(printf '%s\n%s\n' '{"execute":"qmp_capabilities"}' "$1" |
		socat -t 10 -T 10 - "UNIX-CONNECT:$VM_DIR/qmp.sock" 2>&1 |
		grep -E '"(return|error)"' | sed -n 2p)
	echo "$out"
	[ -n "$out" ] && ! grep -q '"error"' <<<"$out"
}

_vm_alive() {
	[ -n "$QEMU_PID" ] && [ -z "$VM_EXITED" ] && kill -0 "$QEMU_PID" 2>/dev/null
}

# The transcript's watchers, opened with it (_agent_watch) and closed with the VM: a read
# descriptor on agent.out, and a FIFO nobody writes, whose read with a timeout is a sleep
# without a fork.  guest() reads the transcript through the descriptor and waits on the
# FIFO: it starts no program at all (each fork cost about 8 ms beside two TCG vCPUs on
# this 2-core machine, and a call used to start eight).
_agent_watch() {
	_agent_unwatch
	rm -f "$VM_DIR/agent.nap"
	mkfifo "$VM_DIR/agent.nap"
	exec {AGENT_NAP_FD}<>"$VM_DIR/agent.nap" {AGENT_GROW_FD}<"$VM_DIR/agent.out"
}

_agent_unwatch() {
	[ -n "$AGENT_NAP_FD" ] && exec {AGENT_NAP_FD}>&-
	[ -n "$AGENT_GROW_FD" ] && exec {AGENT_GROW_FD}<&-
	AGENT_NAP_FD= AGENT_GROW_FD=
}

# _agent_read VAR: what the transcript gained since the last read, into VAR (the
# descriptor's offset is the open file's, shared with subshells and the caller alike).
_agent_read() {
	local -n _into=$1
	local chunk
	_into=
	while IFS= read -r -d '' -N 65536 -u "$AGENT_GROW_FD" chunk 2>/dev/null || [ -n "$chunk" ]; do
		_into+=$chunk
		[ ${#chunk} -lt 65536 ] && break
		chunk=
	done
}

# 10 ms without a fork.
_agent_nap() {
	read -r -t 0.01 -u "$AGENT_NAP_FD" _ 2>/dev/null || true
}

# guest [-t SECS] CMD...: runs CMD with /bin/sh in the guest.  The agent answers one
# command at a time, so whatever the transcript holds before the command goes out belongs
# to commands already answered (or given up on): it is skipped, and the answer is the
# text between this id's BEGIN and END lines.
guest() {
	local t=$GUEST_TIMEOUT id end line new= got= seen= rest rc
	if [ "${1:-}" = -t ]; then
		t=$2
		shift 2
	fi
	[ -n "$AGENT_FD" ] || { echo "guest: no VM" >&2; return 125; }
	AGENT_SEQ=$((AGENT_SEQ + 1))
	id="$AGENT_SEQ.$RANDOM$RANDOM"
	_agent_read new
	# One line: "=", the script with its backslashes doubled and its newlines as \n (the
	# agent's printf %b undoes both), ".".
	line=${*//\\/\\\\}
	printf '%s =%s.\n' "$id" "${line//$'\n'/\\n}" >&"$AGENT_FD"
	end=$((SECONDS + t))
	while :; do
		_agent_read new
		if [ -n "$new" ]; then
			got+=$new
			# The END line may straddle two reads: look at the new text and a little before.
			seen=$got
			[ ${#got} -le $((${#new} + 64)) ] || seen=${got: -$((${#new} + 64))}
			if [[ $seen == *"@@HVIS-END $id "*"@@"* ]]; then
				break
			fi
		fi
		if [ $SECONDS -ge $end ]; then
			echo "guest: \`$*\` timed out after ${t}s" >&2
			return 124
		fi
		if ! _vm_alive; then
			echo "guest: the VM exited during \`$*\`" >&2
			return 125
		fi
		_agent_nap
	done
	got=${got//$'\r'/}
	rest=${got#*"@@HVIS-BEGIN $id@@"$'\n'}
	rc=${rest#*"@@HVIS-END $id "}
	rc=${rc%%@@*}
	printf '%s' "${rest%"@@HVIS-END $id "*}"
	[[ $rc =~ ^[0-9]+$ ]] || rc=125
	return "$rc"
}

# guest_until SECS CMD...: reruns CMD in the guest (5 times a second) until it succeeds.
guest_until() {
	local secs=$1
	shift
	guest -t $((secs + 10)) "i=0; while [ \$i -lt $((secs * 5)) ]; do { $*; } >/dev/null 2>&1 && exit 0; i=\$((i + 1)); sleep 0.2; done; exit 1"
}

# The newest hvis build for a kernel must exist before a VM can use it.
_vm_initrd() {
	"$HVIS_TOP/tests/qemu/mkinitramfs.sh" "$VM_KVER" "$VM_DIR/initrd.gz" 2>>"$VM_DIR/harness.log" ||
		fail "mkinitramfs failed: $(tail -n 3 "$VM_DIR/harness.log")"
}

_vm_wait_file() { # path secs what
	local end=$((SECONDS + $2))
	until [ -S "$1" ] || [ -e "$1" ]; do
		[ $SECONDS -lt $end ] || fail "$3: $1 did not appear within $2s"
		sleep 0.05
	done
}

# Guest RAM lives in a file both QEMU and the fake host map: /dev/shm when it has room
# for it (containers often give /dev/shm only 64 MiB), else $TMPDIR.
_vm_ram_dir() {
	local d=${HVIS_RAM_DIR:-}
	if [ -z "$d" ]; then
		d=/dev/shm
		[ "$(df -Pk "$d" 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt $((VM_MEM_BYTES / 1024 + 262144)) ] 2>/dev/null ||
			d=${TMPDIR:-/tmp}
	fi
	echo "$d"
}

# _vm_boot SECS: starts QEMU and the agent's connection, waits SECS for the agent.
# On a timeout it stops that QEMU and returns 1 (the fake host waits for the next one).
_vm_boot() {
	local VM_BOOT_TIMEOUT=$1
	VM_EXITED= VM_STATUS=
	"${qemu_cmd[@]}" </dev/null >>"$VM_DIR/qemu.log" 2>&1 &
	QEMU_PID=$!
	# The agent's transcript: socat holds one connection for the VM's whole life.
	_vm_wait_file "$VM_DIR/agent.sock" 10 "qemu agent socket"
	rm -f "$VM_DIR/agent.in"
	mkfifo "$VM_DIR/agent.in"
	: >"$VM_DIR/agent.out"
	socat -b 65536 - "UNIX-CONNECT:$VM_DIR/agent.sock" <"$VM_DIR/agent.in" >>"$VM_DIR/agent.out" 2>>"$VM_DIR/harness.log" &
	AGENT_PID=$!
	exec {AGENT_FD}>"$VM_DIR/agent.in"
	_agent_watch
	vm_wait_ready 1 && return 0
	[ -n "$VM_EXITED" ] && return 1
	exec {AGENT_FD}>&-
	_kill_wait "$QEMU_PID"
	_kill_wait "$AGENT_PID"
	rm -f "$VM_DIR/agent.sock"
	return 1
}

vm_start() {
	VM_KVER=${1:?vm_start KVER}
	shift
	local kernel=${VM_KERNEL:-$(kernel_image "$VM_KVER")} start_ns fh_cmd qemu_cmd
	[ -n "${VM_NO_KERNEL:-}" ] || [ -r "$kernel" ] || fail "cannot read $kernel (run as root, or make deps)"
	VM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hvis-vm.XXXXXX")
	VM_ID=${VM_DIR##*.}
	VM_EXITED= VM_STATUS=
	if [ -n "${VM_NO_KERNEL:-}" ]; then
		:
	elif [ -n "${VM_INITRD:-}" ]; then
		cp "$VM_INITRD" "$VM_DIR/initrd.gz" || fail "cannot read $VM_INITRD"
	else
		_vm_initrd
	fi

	local machine=q35 smp=${VM_SMP:-2} maxcpus=${VM_MAXCPUS:-${VM_SMP:-2}} vectors smp_arg
	vectors=$((maxcpus > 4 ? maxcpus : 4))
	smp_arg=$smp
	local possible=
	if [ "$maxcpus" -gt "$smp" ]; then
		smp_arg="$smp,maxcpus=$maxcpus,sockets=$maxcpus,cores=1,threads=1"
		# QEMU 7.2's MADT marks the absent CPUs disabled but not online-capable, which
		# the kernel does not count as possible CPUs: say how many there may be.
		possible="possible_cpus=$maxcpus"
	fi
	qemu_cmd=()
	if [ -z "${VM_NO_FAKEHOST:-}" ]; then
		[ -x "$FAKEHOST" ] || fail "the fake host is not built: $FAKEHOST (make tools)"
		VM_RAM=$(_vm_ram_dir)/hvis-$VM_ID.ram
		rm -f "$VM_RAM"
		truncate -s "$VM_MEM_BYTES" "$VM_RAM"
		fh_cmd=("$FAKEHOST" serve --link "$VM_DIR/link.sock" --ram "$VM_RAM"
			--ram-size "$VM_MEM_BYTES" --cpus "$maxcpus" --vectors "$vectors" --ctl "$VM_DIR/ctl.sock"
			--events "$VM_DIR/events.log" --devices "${FH_DEVICES:-heartbeat,shutdown,echo}")
		[ -n "${FH_VERSIONS:-}" ] && fh_cmd+=(--versions "$FH_VERSIONS")
		[ -n "${VM_QMP:-}" ] && fh_cmd+=(--qmp "$VM_DIR/qmp.sock")
		fh_cmd+=("${FH_ARGS[@]}")
		echo "${fh_cmd[*]}" >"$VM_DIR/fakehost.cmd"
		fh_cmd=("${FH_PREFIX[@]}" "${fh_cmd[@]}")
		"${fh_cmd[@]}" >"$VM_DIR/fakehost.log" 2>&1 &
		FH_PID=$!
		_vm_wait_file "$VM_DIR/link.sock" 10 "fake host link socket"
		_vm_wait_file "$VM_DIR/ctl.sock" 10 "fake host control socket"
		machine=q35,memory-backend=ram
		qemu_cmd+=(-object "memory-backend-file,id=ram,mem-path=$VM_RAM,share=on,size=$VM_MEM_BYTES"
			-chardev "socket,path=$VM_DIR/link.sock,id=link"
			-device "ivshmem-doorbell,chardev=link,vectors=$vectors")
	fi
	qemu_cmd=("${QEMU_PREFIX[@]}" "$QEMU" -nodefaults -nographic -monitor none -machine "$machine" -m "$((VM_MEM_BYTES >> 20))M" -smp "$smp_arg"
		-nic none "${qemu_cmd[@]}")
	[ -n "${VM_REBOOT:-}" ] || qemu_cmd+=(-no-reboot)
	[ -n "${VM_S4:-}" ] || qemu_cmd+=(-global ICH9-LPC.disable_s4=1)
	[ -n "${VM_QMP:-}" ] && qemu_cmd+=(-qmp "unix:$VM_DIR/qmp.sock,server=on,wait=off")
	qemu_cmd+=(-chardev "file,id=con,path=$VM_DIR/serial.log" -serial chardev:con
		-chardev "socket,id=agent,path=$VM_DIR/agent.sock,server=on,wait=off"
		-serial chardev:agent)
	[ -n "${VM_NO_KERNEL:-}" ] || qemu_cmd+=(-kernel "$kernel" -initrd "$VM_DIR/initrd.gz"
		-append "console=ttyS0 quiet panic=-1 $possible ${VM_DEBUG_APPEND:-} ${VM_APPEND:-}")
	qemu_cmd+=("$@")
	echo "${qemu_cmd[*]}" >"$VM_DIR/qemu.cmd"
	start_ns=$(date +%s%N)
	# Under software emulation on a busy 2-core machine an early-boot kernel stall
	# (soft lockup before /init, before any hvis code runs) has been seen; such a boot
	# is retried once, and the retry is reported.  A guest that stalls twice fails.
	if ! _vm_boot "$VM_FIRST_BOOT_TIMEOUT"; then
		[ -n "$VM_EXITED" ] && fail "QEMU exited before the guest agent started (status $VM_STATUS)"
		mv "$VM_DIR/serial.log" "$VM_DIR/serial.stalled-boot.log"
		note "boot stalled before the agent started (kernel log: $(grep -m1 -aoE 'soft lockup|rcu_preempt self-detected stall|Kernel panic' "$VM_DIR/serial.stalled-boot.log" || echo none)); retrying the boot once"
		_vm_boot "$VM_BOOT_TIMEOUT" || fail "guest agent did not start within ${VM_BOOT_TIMEOUT}s (second boot)"
	fi
	VM_BOOT_SECS=$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	note "guest $VM_KVER up in ${VM_BOOT_SECS}s (vm $VM_ID)"
}

# vm_wait_ready N: waits until the agent has announced itself N times (once per boot).
# UEFI firmware also writes its console to the agent's port and ends with "\n\r": the
# announcement may follow a carriage return.
vm_wait_ready() {
	local n=${1:-1} end=$((SECONDS + VM_BOOT_TIMEOUT))
	while [ "$(grep -ac $'^\r*@@HVIS-READY ' "$VM_DIR/agent.out")" -lt "$n" ]; do
		[ $SECONDS -lt $end ] || return 1
		_vm_alive || return 1
		sleep 0.1
	done
}

# vm_poweroff: `poweroff -f` in the guest, then vm_wait_exit 30.
vm_poweroff() {
	printf '%s %s\n' "poweroff.$RANDOM" "$(echo 'poweroff -f' | base64 -w0)" >&"$AGENT_FD"
	vm_wait_exit 30
}

# vm_wait_exit SECS: waits for QEMU to exit; returns its status, or 124 on timeout.
vm_wait_exit() {
	local end=$((SECONDS + ${1:-60}))
	[ -n "$VM_EXITED" ] && return "$VM_STATUS"
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 124
		sleep 0.1
	done
	VM_STATUS=0
	wait "$QEMU_PID" || VM_STATUS=$?
	VM_EXITED=1
	return "$VM_STATUS"
}

_kill_wait() { # pid
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	local i
	for i in $(seq 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

vm_stop() {
	[ -n "$VM_DIR" ] || return 0
	if [ -z "$VM_EXITED" ] && [ -n "$QEMU_PID" ]; then
		_kill_wait "$QEMU_PID"
		VM_EXITED=1
	fi
	[ -n "$AGENT_FD" ] && exec {AGENT_FD}>&-
	AGENT_FD=
	_agent_unwatch
	_kill_wait "$AGENT_PID"
	_kill_wait "$FH_PID"
	[ -n "$VM_RAM" ] && rm -f "$VM_RAM"
	if [ -n "$TEST_FAILED" ] || [ -n "${HVIS_KEEP_LOGS:-}" ]; then
		local keep=$HVIS_TOP/build/logs/$TEST_NAME-$VM_KVER-$VM_ID
		mkdir -p "$keep"
		cp -a "$VM_DIR"/*.log "$VM_DIR"/*.cmd "$VM_DIR/agent.out" "$keep/" 2>/dev/null || true
		note "logs kept in ${keep#"$HVIS_TOP"/}"
	fi
	rm -rf "$VM_DIR"
	VM_DIR= QEMU_PID= FH_PID= AGENT_PID= VM_RAM=
}

# Host files a test made (disk images), removed at exit whatever the verdict.
HVIS_CLEANUP=()
# Host commands run at exit after the VM stopped (net_lib.sh: deleting its namespace).
HVIS_CLEANUP_CMDS=()
FH_PREFIX=()
QEMU_PREFIX=()

_lib_exit() {
	local rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 77 ] && TEST_FAILED=1
	vm_stop
	[ ${#HVIS_CLEANUP[@]} -eq 0 ] || rm -rf "${HVIS_CLEANUP[@]}"
	local c
	for c in "${HVIS_CLEANUP_CMDS[@]}"; do
		eval "$c" >/dev/null 2>&1 || true
	done
	exit $rc
}
trap _lib_exit EXIT
trap 'exit 130' INT TERM

# Guest helpers shared by the tests.

# Loads the bus driver with its fake-host transport (a module of its own that nothing
# autoloads: docs/fakehost-link.md) and waits until the fake host's devices show up.
vm_load_vmbus() {
	assert_guest "modprobe hvis_vmbus_fakehost" modprobe hvis_vmbus_fakehost
	guest_until 30 '[ -n "$(ls /sys/bus/vmbus/devices 2>/dev/null)" ]' ||
		fail "no devices under /sys/bus/vmbus/devices within 30s"
}

# Prints "<uuid> <class_id>" for each device in the guest's sysfs.
guest_devices() {
	guest 'for d in /sys/bus/vmbus/devices/*; do [ -e "$d/class_id" ] && echo "${d##*/} $(cat $d/class_id)"; done'
}

# The relid of the first guest device whose driver is DRIVER.
guest_relid_of() {
	guest "for d in /sys/bus/vmbus/devices/*; do [ \"\$(basename \$(readlink \$d/driver 2>/dev/null) 2>/dev/null)\" = $1 ] && cat \$d/id && exit 0; done; exit 1"
}

# Waits until the class driver DRIVER is loaded and bound to a device.
wait_driver_bound() { # driver [secs]
	guest_until "${2:-30}" "ls -d /sys/bus/vmbus/drivers/$1/*-* >/dev/null 2>&1" ||
		fail "driver $1 not bound to a device within ${2:-30}s (lsmod: $(guest lsmod | tr '\n' ' '))"
	note "ok: $1 bound"
}

# Host-side events: how many lines of the fake host's event log name EVENT.
fh_event_count() {
	grep -cw -- "$1" "$VM_DIR/events.log" 2>/dev/null || true
}

# fh_wait_event EVENT [SECS]: the fake host logs EVENT within SECS.
fh_wait_event() {
	fh wait-event "$1" --timeout "${2:-30}" >/dev/null 2>&1 ||
		fail "fake host did not log $1 within ${2:-30}s"
	note "ok: fake host logged $1"
}

# The heartbeat sequence number the fake host last received from the guest.
fh_heartbeat_seq() {
	local out
	out=$(fh heartbeat) || return 1
	out=$(grep -oE '(^|[^a-z_])seq=[0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -n 1)
	[ -n "$out" ] && echo "$out"
}

# key=value from text: kv "sent=3 received=3" received -> 3
kv() {
	grep -oE "(^|[^a-z_])$2[=:] *[0-9]+" <<<"$1" | grep -oE '[0-9]+$' | head -n 1
}


# Guest shell text that expands to MemTotal in MiB, and the host-side reading of it.
GUEST_MEMTOTAL_MB="\$(awk '/^MemTotal/ { print int(\$2 / 1024) }' /proc/meminfo)"
memtotal_mb() { guest "echo $GUEST_MEMTOTAL_MB"; }

# guest_kmem: "<slab_kB> <other_kB>" after dropping caches: slab, and the kernel memory
# that neither slab, page cache nor processes' anonymous pages explain (pages the
# kernel allocated directly, such as ring buffers).  Pages on the per-CPU free lists
# (zoneinfo "count") are free but missing from MemFree; freed rings land there first,
# so they count as free here.  Slab caches are shrunk first: SLUB keeps emptied slab
# pages on its per-CPU and partial lists (a churn of short-lived objects, such as one
# device's sysfs nodes per hvsock connection, leaves many), which are free memory the
# allocator has not handed back yet, not objects anyone holds.  Each figure is the
# smallest of three readings 0.5 s apart: memory in flight (khugepaged holding a new
# 2 MiB page while it collapses a process's pages into it, a migration) shows in one
# reading, a leak in all three.
guest_kmem() {
	# The guest's stand-in for udev (rc.sysinit: busybox uevent, which forks a shell per
	# event and asks for a 128 MiB socket buffer) may still be behind after a burst of
	# device churn; its queued events are slab.  Wait until it has read them all, as
	# `udevadm settle` would (at most 300 s).
	guest -t 320 'i=0; while [ $i -lt 600 ] &&
			awk "NR > 1 && \$2 == 15 && \$5 > 0 { q = 1 } END { exit !q }" /proc/net/netlink; do
		sleep 0.5; i=$((i + 1)); done' >/dev/null
	guest 'for i in 1 2 3; do
		sync; echo 3 > /proc/sys/vm/drop_caches
		for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f"; done 2>/dev/null
		pcp=$(awk "/^ +count:/ { s += \$2 } END { print s * 4 }" /proc/zoneinfo)
		awk -v pcp=$pcp "
			/^MemTotal:/ { t = \$2 } /^MemFree:/ { f = \$2 } /^Buffers:/ { b = \$2 }
			/^Cached:/ { c = \$2 } /^Slab:/ { s = \$2 } /^AnonPages:/ { a = \$2 }
			END { print s, t - f - pcp - b - c - s - a }" /proc/meminfo
		[ $i = 3 ] || sleep 0.5
	done | awk "NR == 1 || \$1 < s { s = \$1 } NR == 1 || \$2 < o { o = \$2 } END { print s, o }"'
}

# assert_kmem_flat BEFORE AFTER WHAT: neither figure of guest_kmem grew by 512 kB or more.
assert_kmem_flat() {
	local slab0 other0 slab1 other1
	read -r slab0 other0 <<<"$1"
	read -r slab1 other1 <<<"$2"
	note "$3: slab ${slab0} -> ${slab1} kB, other kernel ${other0} -> ${other1} kB"
	[ $((slab1 - slab0)) -lt 512 ] || fail "$3: slab grew by $((slab1 - slab0)) kB"
	[ $((other1 - other0)) -lt 512 ] || fail "$3: kernel memory grew by $((other1 - other0)) kB"
	note "ok: $3: no growth in slab or other kernel memory beyond 512 kB"
}

# assert_reload_no_leak CMD_FN WHAT [HALF]: a reload campaign's leak check.  CMD_FN N
# prints a guest script that runs N unload/reload rounds (exiting non-zero with a reason
# when a round fails).  It runs 2 rounds (first-load caches settle), reads guest_kmem,
# then HALF rounds (default 9) twice, reading guest_kmem after each half.  A leak grows
# in both halves; a one-time fill does not: on 6.12 a fill of 8-12 MB of non-slab kernel
# memory shows up in some runs in one round between rounds 3 and 20 (24 more rounds
# after it stayed within 400 kB: a cache, not a driver's allocation).  So it fails only
# when slab or the other kernel memory grew by 512 kB or more in both halves: it catches
# a leak of 512/HALF kB or more per round (57 kB with HALF=9).
assert_reload_no_leak() {
	local fn=$1 what=$2 half=${3:-9} t0=$SECONDS out k0 k1 k2
	out=$(guest -t 300 "$("$fn" 2)") || fail "$what rounds 1-2: $out"
	k0=$(guest_kmem)
	out=$(guest -t 600 "$("$fn" "$half")") || fail "$what rounds 3-$((2 + half)): $out"
	k1=$(guest_kmem)
	out=$(guest -t 600 "$("$fn" "$half")") ||
		fail "$what rounds $((3 + half))-$((2 + 2 * half)): $out"
	k2=$(guest_kmem)
	note "ok: $((2 + 2 * half)) $what rounds in $((SECONDS - t0)) s"
	note "kernel memory (slab, other kB) after rounds 2, $((2 + half)), $((2 + 2 * half)): $k0 / $k1 / $k2"
	if _kmem_grew "$k0" "$k1" && _kmem_grew "$k1" "$k2"; then
		fail "$what rounds 3..$((2 + 2 * half)): kernel memory grew by 512 kB or more in both halves: $k0 -> $k1 -> $k2"
	fi
	note "ok: $what rounds 3..$((2 + 2 * half)): no growth of 512 kB or more in both halves (no per-round leak)"
}

# _kmem_grew BEFORE AFTER: true if either figure of guest_kmem grew by 512 kB or more.
_kmem_grew() {
	local s0 o0 s1 o1
	read -r s0 o0 <<<"$1"
	read -r s1 o1 <<<"$2"
	[ $((s1 - s0)) -ge 512 ] || [ $((o1 - o0)) -ge 512 ]
}

# Unloads every hvis module in the guest, dependents first; SECS (default 60) for all of it.
guest_unload_all() { # [SECS]
	guest -t "${1:-60}" 'for pass in 1 2 3 4 5 6; do
		for m in $(awk "/^hvis_/ && \$3 == 0 { print \$1 }" /proc/modules); do rmmod $m; done
	done
	if grep -q ^hvis_ /proc/modules; then cat /proc/modules; exit 1; fi'
}

# What the storage tests (tests/e2e/t_storvsc*.sh, tests/bench/storvsc_bench.sh) put in the
# guest: the tools a user checks a disk with, udev for /dev/disk/by-id, and the kernel's
# SCSI disk, SCSI generic, FC transport and ext4 modules (crc32c_generic: ext4's metadata
# checksums; TCG's CPU has no SSE4.2 for crc32c_intel).  Set before vm_start:
#   HVIS_GUEST_TOOLS=$STORAGE_GUEST_TOOLS HVIS_GUEST_KMODS=$STORAGE_GUEST_KMODS
STORAGE_GUEST_TOOLS="fio sg_inq sg_vpd sg_readcap sg_raw lsscsi lsblk blkdiscard fstrim mkfs.ext4 e2fsck resize2fs blockdev udev"
STORAGE_GUEST_KMODS="sd_mod sg scsi_transport_fc ext4 crc32c_generic"

# Starts Debian's udevd in the guest (HVIS_GUEST_TOOLS has `udev`: only the block and
# persistent-storage rules, so it names disks and loads no modules) and replays the
# block devices already there; /dev/disk/by-id links follow every later add and remove.
guest_start_udev() {
	assert_guest "udevd running, block devices replayed" \
		'/lib/systemd/systemd-udevd --daemon --resolve-names=never &&
		udevadm trigger --action=add --subsystem-match=block && udevadm settle -t 30'
}
