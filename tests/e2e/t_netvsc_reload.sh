#!/bin/bash
# Synthetic NIC: 20 unload/reload cycles of hvis_netvsc under traffic, on the TAP wire
# (tests/e2e/net_lib.sh), with no kernel memory growth.  The namespace pings the guest
# every 10 ms for the whole run, so frames arrive while the device attaches and
# detaches; each round brings eth0 up again, waits for a first reply and sends 20 pings
# that must all come back.  Kernel memory: assert_reload_no_leak (tests/qemu/lib.sh), as
# t_storvsc's reload check.  Each attach asks for its subchannel again: no offer may be
# refused.  t_netvsc keeps a 5-cycle check in `make check`.
# tier: all
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/net_lib.sh"

FH_DEVICES="heartbeat,shutdown,nic"

net_setup
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_netvsc
net_guest_up
assert_eq "$(guest 'ethtool -l eth0' | sed -n 's/^Combined:[[:space:]]*//p' | tail -n 1)" 2 \
	"2 channels (a subchannel to ask for at each attach)"

ns ping -q -i 0.01 "$NET_GUEST4" >/dev/null 2>&1 &
HVIS_CLEANUP_CMDS+=("kill $!")

reload_cmd() { # rounds
	echo "for r in \$(seq $1); do
		rmmod hvis_netvsc || { echo round \$r: rmmod failed; exit 1; }
		modprobe hvis_netvsc || { echo round \$r: modprobe failed; exit 1; }
		i=0; until [ -e /sys/class/net/eth0 ]; do i=\$((i + 1)); [ \$i -lt 100 ] || { echo round \$r: no eth0; exit 1; }; sleep 0.2; done
		ip link set eth0 up && ip addr add $NET_GUEST4/24 dev eth0 || { echo round \$r: eth0 not configured; exit 1; }
		i=0; until ping -c 1 -W 1 $NET_HOST4 >/dev/null; do i=\$((i + 1)); [ \$i -lt 20 ] || { echo round \$r: no first reply; exit 1; }; done
		ping -q -c 20 -i 0.02 -W 2 $NET_HOST4 >/tmp/p.log || { echo round \$r: pings lost; cat /tmp/p.log; exit 1; }
		[ \$(ethtool -S eth0 | sed -n 's/^ *subchannel_refused: //p') = 0 ] || { echo round \$r: subchannel refused; exit 1; }
	done"
}

assert_reload_no_leak reload_cmd unload/reload
note "ok: each round under a ping every 10 ms, its own 20 pings with no loss"
assert_eq "$(ethtool_ch=$(guest 'ethtool -l eth0'); sed -n 's/^Combined:[[:space:]]*//p' <<<"$ethtool_ch" | tail -n 1)" 2 \
	"still 2 channels after 20 reloads"
assert_eq "$(grep -cw NIC_SUBCHANNEL "$VM_DIR/events.log")" 21 "21 attaches, each asked for its subchannel"
assert_match "$(fh nic status)" " bad=0( |$)" "the host saw no bad message across the reloads"
dm=$(guest 'dmesg | grep -i netvsc')
assert_no_match "$dm" "subchannel offer refused|granted [0-9]+ subchannels but offered|failed|leaked|unhandled|no answer" \
	"no netvsc complaint in the guest log"
assert_kernel_clean
