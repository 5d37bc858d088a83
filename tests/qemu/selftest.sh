#!/bin/bash
# selftest.sh [KVER]: the harness checks itself, before any hvis module is involved.
# A guest boots this kernel from our initramfs, the agent relays output and exit
# status faithfully, and `poweroff -f` in the guest makes QEMU exit 0.
source "$(dirname "$0")/lib.sh"

VM_NO_FAKEHOST=1 vm_start "$KVER"

assert_eq "$(guest uname -r)" "$KVER" "guest uname -r"

out=$(guest 'printf "a b\nc"; echo err >&2; exit 3')
rc=$?
assert_eq "$rc" 3 "agent relays the exit status"
assert_eq "$out" $'a b\ncerr' "agent relays stdout and stderr"

# The script reaches the guest byte for byte: backslashes, quotes, %, tabs, blanks at
# either end of a line, several lines.
script=$'  printf \'%s|\' \'a\\b\\n\' "c%sd" \'\te \'\t\n\necho "x\\ty"  '
out=$(guest "cat <<'EOF'
$script
EOF")
assert_eq "$out" "$script" "the agent gets the script exactly"
assert_eq "$(guest "$script")" $'a\\b\\n|c%sd|\te |x\\ty' "the agent runs it as written"

n=$(guest 'seq 1 20000' | wc -l)
assert_eq "$n" 20000 "agent relays 20000 lines"

guest -t 2 'sleep 5'
assert_eq "$?" 124 "a command that outlives its timeout reports 124"
guest_until 10 true || fail "agent answers again after a timeout"
assert_eq "$(guest echo again)" again "agent answers again after a timeout"

assert_guest "debugfs is mounted" 'grep -q " /sys/kernel/debug debugfs" /proc/mounts'
assert_guest "busybox modprobe finds the module tree" "[ -d /lib/modules/$KVER ]"

t0=$SECONDS
vm_poweroff
rc=$?
assert_eq "$rc" 0 "QEMU exit status after guest poweroff -f"
note "power-off took $((SECONDS - t0))s"
assert_kernel_clean
