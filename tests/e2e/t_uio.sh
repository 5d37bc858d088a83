#!/bin/bash
# uio_hv_generic (hvis_uio): a device handed to user space the ways upstream documents.
# (1) The file copy device moves from hvis_fcopy to uio_hv_generic through new_id, and
# upstream's own tools/hv/hv_fcopy_uio_daemon.c (built unchanged from Debian's
# linux-source-6.12) receives a file from the fake host: sha256 and mode as the daemon
# makes them.  (2) The echo device moves through driver_override, and uio_ring.c drives
# its rings as DPDK does (mmap map 0, packets in the tx ring, write(fd, 1) to signal,
# read(fd) for the interrupt, the echo from the rx ring; the mask in in_mask; the
# channels/<relid>/ring file).  The maps' names and sizes are upstream's, and unbinding
# gives the device back to the hvis driver.  (3) The NIC, through new_id, has maps 3
# and 4, its receive and send buffers, named after GPADLs the host holds for its
# channel, mappable whole from user space; unbinding tears the GPADLs down.  (4) An echo
# device offered with two subchannels to uio_hv_generic: each subchannel gets its ring
# file, and packets echo through it.  docs/uio.md.
# kernels: all
source "$(dirname "$0")/../qemu/lib.sh"

FCOPY=eb765408-105f-49b6-b4aa-c123b64d17d4	# HV_FCOPY_INSTANCE (the daemon's path)
FCOPY_CLASS=34d14be3-dee4-41c8-9ae7-6b174977c192
NIC_CLASS=f8615163-df3e-46c5-913f-f2d2f965ed0e
ECHO_CLASS=6876697a-6563-686f-8e5c-1d0a2b409137
MIB=${UIO_FCOPY_MIB:-4}
PACKETS=${UIO_PACKETS:-2000}
TOOLS=$HVIS_TOP/build/guest-tools
mkdir -p "$TOOLS"

# Upstream's daemon, from the linux-source-6.12 tarball, extracted once per version.
TARBALL=/usr/src/linux-source-6.12.tar.xz
[ -f "$TARBALL" ] || fail "$TARBALL missing (scripts/install-deps.sh installs linux-source-6.12)"
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null) ||
	fail "cannot tell the linux-source-6.12 version"
SRC=${XDG_CACHE_HOME:-$HOME/.cache}/hvis/linux-source-$srcver/tools/hv
if [ ! -f "$SRC/vmbus_bufring.h" ]; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvis-hvsrc.XXXXXX")
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=3 --wildcards \
		'*/tools/hv/hv_fcopy_uio_daemon.c' '*/tools/hv/vmbus_bufring.c' \
		'*/tools/hv/vmbus_bufring.h' || fail "cannot extract tools/hv from $TARBALL"
	mkdir -p "$SRC"
	mv "$tmp"/* "$SRC"/ && rm -rf "$tmp"
fi
# CFLAGS of upstream's tools/hv/Makefile.
cc -O2 -Wall -g -D_GNU_SOURCE -Wno-address-of-packed-member -o "$TOOLS/hv_fcopy_uio_daemon" \
	"$SRC/hv_fcopy_uio_daemon.c" "$SRC/vmbus_bufring.c" || fail "cannot build hv_fcopy_uio_daemon"
cc -O2 -Wall -Wextra -Werror -I"$HVIS_TOP/include" -I"$HVIS_TOP/lib" -o "$TOOLS/uio_ring" \
	"$(dirname "$0")/uio_ring.c" || fail "cannot build uio_ring"
export HVIS_GUEST_TOOLS="${HVIS_GUEST_TOOLS:-} $TOOLS/hv_fcopy_uio_daemon $TOOLS/uio_ring"

FH_DEVICES="fcopy,echo,nic"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_fcopy
wait_driver_bound hvis_echo
ECHO=$(guest 'basename /sys/bus/vmbus/drivers/hvis_echo/*-*')
assert_guest "modprobe hvis_uio" modprobe hvis_uio
assert_eq "$(guest 'ls /sys/bus/vmbus/drivers/uio_hv_generic | grep -c -- -')" 0 \
	"uio_hv_generic binds nothing by itself"
assert_guest "new_id and remove_id exist" \
	'[ -e /sys/bus/vmbus/drivers/uio_hv_generic/new_id ] && [ -e /sys/bus/vmbus/drivers/uio_hv_generic/remove_id ]'

# ---- (1) file copy through upstream's uio daemon ----
guest "echo -n $FCOPY > /sys/bus/vmbus/drivers/hvis_fcopy/unbind"
assert_guest "new_id takes the fcopy class" \
	"echo $FCOPY_CLASS > /sys/bus/vmbus/drivers/uio_hv_generic/new_id"
assert_guest "the fcopy device is bound to uio_hv_generic" \
	"[ \$(basename \$(readlink /sys/bus/vmbus/devices/$FCOPY/driver)) = uio_hv_generic ]"
assert_match "$(guest "echo $FCOPY_CLASS > /sys/bus/vmbus/drivers/uio_hv_generic/new_id 2>&1; echo rc=\$?")" \
	'rc=1' "a second new_id of the same class is refused"
maps=$(guest "cd /sys/bus/vmbus/devices/$FCOPY/uio/uio*/maps && for m in map*; do echo \$m \$(cat \$m/name) \$(cat \$m/size); done")
note "$maps"
# Upstream: fcopy's rings are 16 KiB of data plus a 4 KiB header each (0x5000 * 2).
assert_match "$maps" 'map0 txrx_rings 0x0*a000( |$)' "map 0: txrx_rings, both fcopy rings"
assert_match "$maps" 'map1 int_page 0x0*1000( |$)' "map 1: int_page"
assert_match "$maps" 'map2 monitor_page 0x0*1000( |$)' "map 2: monitor_page"
assert_no_match "$maps" 'map3' "no receive/send buffers for a class other than the NIC"
relid=$(guest "ls /sys/bus/vmbus/devices/$FCOPY/channels")
assert_eq "$(guest "stat -c '%s %a' /sys/bus/vmbus/devices/$FCOPY/channels/$relid/ring")" \
	"40960 600" "channels/$relid/ring: the ring block's size, mode 0600"

HOSTDIR=$(mktemp -d)
HVIS_CLEANUP+=("$HOSTDIR")
head -c $((MIB * 1024 * 1024 + 12345)) /dev/urandom >"$HOSTDIR/big"
negotiated() { grep -c "IC_NEGOTIATED relid=$relid " "$VM_DIR/events.log" 2>/dev/null; }
renegotiated() { [ "$(negotiated)" -gt "$n0" ]; }
n0=$(negotiated)
guest "syslogd -O /tmp/syslog.log"
guest "mkdir -p /tmp/in; $TOOLS/hv_fcopy_uio_daemon -n >/tmp/uiod.log 2>&1 & echo \$! >/tmp/uiod.pid"
# The daemon's open opens the channel; the host negotiates with the daemon.
end=$((SECONDS + 30))
until renegotiated; do
	[ $SECONDS -lt $end ] || fail "hv_fcopy_uio_daemon did not answer the host's NEGOTIATE within 30 s: $(guest 'cat /tmp/uiod.log /tmp/syslog.log; ps | grep -v "\[" ; dmesg | tail -5')"
	sleep 0.2
done
note "ok: hv_fcopy_uio_daemon answered the host's NEGOTIATE"
t0=$SECONDS
r=$(timeout 120 "$FAKEHOST" ctl --ctl "$VM_DIR/ctl.sock" copy-file "$HOSTDIR/big" /tmp/in/big 2>&1)
note "$r"
[[ $r == *status=0* ]] || note "daemon: $(guest 'cat /tmp/uiod.log /tmp/syslog.log; ls -l /tmp/in; dmesg | tail -5')"
assert_match "$r" 'status=0 ' "the copy through hv_fcopy_uio_daemon succeeds"
assert_eq "$(guest -t 60 "sha256sum /tmp/in/big | cut -d' ' -f1")" \
	"$(sha256sum "$HOSTDIR/big" | cut -d' ' -f1)" "guest sha256 equals the host's ($MIB MiB)"
# hv_fcopy_uio_daemon.c hv_fcopy_start: open(..., 0744) under the guest's umask 022.
assert_eq "$(guest 'stat -c %a /tmp/in/big')" 744 "the file's mode is the daemon's"
note "copy of $MIB MiB took $((SECONDS - t0)) s"
r=$(fh copy-file "$HOSTDIR/big" /tmp/in/big 2>&1)
assert_match "$r" 'status=0x80070050' "no overwrite unless asked (HV_ERROR_ALREADY_EXISTS)"
guest 'kill $(cat /tmp/uiod.pid)'
guest_until 10 "! kill -0 \$(cat /tmp/uiod.pid) 2>/dev/null" || fail "the daemon did not exit"

# Back to hvis_fcopy: both cannot own the device at once.
assert_guest "remove_id forgets the class" \
	"echo $FCOPY_CLASS > /sys/bus/vmbus/drivers/uio_hv_generic/remove_id"
guest "echo -n $FCOPY > /sys/bus/vmbus/drivers/uio_hv_generic/unbind"
guest "echo -n $FCOPY > /sys/bus/vmbus/drivers_probe"
assert_guest "unbound from uio_hv_generic, the device goes back to hvis_fcopy" \
	"[ \$(basename \$(readlink /sys/bus/vmbus/devices/$FCOPY/driver)) = hvis_fcopy ]"
assert_guest "the ring file is gone with uio_hv_generic" \
	"[ ! -e /sys/bus/vmbus/devices/$FCOPY/channels/$relid/ring ]"

# ---- (2) the echo device's rings from user space, as DPDK ----
guest "echo uio_hv_generic > /sys/bus/vmbus/devices/$ECHO/driver_override"
guest "echo -n $ECHO > /sys/bus/vmbus/drivers/hvis_echo/unbind"
guest "echo -n $ECHO > /sys/bus/vmbus/drivers_probe"
assert_guest "driver_override binds the echo device to uio_hv_generic" \
	"[ \$(basename \$(readlink /sys/bus/vmbus/devices/$ECHO/driver)) = uio_hv_generic ]"
# A class upstream does not know: 0x11000 bytes per ring (drivers/hv/channel_mgmt.c).
assert_match "$(guest "cat /sys/bus/vmbus/devices/$ECHO/uio/uio*/maps/map0/size")" '^0x0*22000$' \
	"map 0 of an unknown class: two rings of 0x11000 bytes"
t0=$SECONDS
r=$(guest -t 120 "$TOOLS/uio_ring $ECHO $PACKETS 2>&1")
note "$r ($((SECONDS - t0)) s)"
assert_match "$r" "^ok packets=$PACKETS " "uio_ring: every echo came back intact"
wraps=$(sed -n 's/.* wraps=\([0-9]*\).*/\1/p' <<<"$r")
assert_ge "${wraps:-0}" 1 "the tx ring wrapped around at least once"
assert_ge "$(kv "$(fh echo-stats "$(guest "cat /sys/bus/vmbus/devices/$ECHO/id")")" sent)" \
	"$PACKETS" "packets the host echoed"
guest "echo > /sys/bus/vmbus/devices/$ECHO/driver_override"
guest "echo -n $ECHO > /sys/bus/vmbus/drivers/uio_hv_generic/unbind"
guest "echo -n $ECHO > /sys/bus/vmbus/drivers_probe"
assert_guest "the echo device goes back to hvis_echo" \
	"[ \$(basename \$(readlink /sys/bus/vmbus/devices/$ECHO/driver)) = hvis_echo ]"
# ---- (3) the NIC: receive and send buffers, as DPDK's netvsc PMD finds them ----
NIC=$(guest 'for d in /sys/bus/vmbus/devices/*; do [ "$(cat $d/class_id)" = "{'"$NIC_CLASS"'}" ] && basename $d; done')
[ -n "$NIC" ] || fail "no NIC device on the bus"
guest "echo -n $NIC > /sys/bus/vmbus/drivers/hvis_netvsc/unbind 2>/dev/null; true"
nic_relid=$(guest "cat /sys/bus/vmbus/devices/$NIC/id")
s=$(fh_since)
assert_guest "new_id takes the NIC class" "echo $NIC_CLASS > /sys/bus/vmbus/drivers/uio_hv_generic/new_id"
assert_guest "the NIC is bound to uio_hv_generic" \
	"[ \$(basename \$(readlink /sys/bus/vmbus/devices/$NIC/driver)) = uio_hv_generic ]"
maps=$(guest "cd /sys/bus/vmbus/devices/$NIC/uio/uio*/maps && for m in map*; do echo \$m \$(cat \$m/name) \$(cat \$m/size); done")
note "$maps"
# drivers/uio/uio_hv_generic.c: RECV_BUFFER_SIZE 31 MiB, SEND_BUFFER_SIZE 16 MiB.
assert_match "$maps" 'map3 recv:[0-9]+ 0x0*1f00000( |$)' "map 3: recv:<gpadl>, 31 MiB"
assert_match "$maps" 'map4 send:[0-9]+ 0x0*1000000( |$)' "map 4: send:<gpadl>, 16 MiB"
# The handles in the names are GPADLs the host holds for the NIC's channel, of that size.
for b in recv:7936 send:4096; do
	h=$(sed -n "s/^map[34] ${b%%:*}:\([0-9]*\) .*/\1/p" <<<"$maps")
	ev=$(grep -E "GPADL_CREATED gpadl=$(printf '%#x' "$h") relid=$nic_relid pages=${b#*:}\b" "$VM_DIR/events.log" | tail -n 1)
	[ -n "$ev" ] || fail "the host holds no GPADL $h of ${b#*:} pages for relid $nic_relid: $(grep GPADL "$VM_DIR/events.log" | tail -n 4)"
	note "ok: ${b%%:*}:$h is the host's GPADL $(printf '%#x' "$h") of ${b#*:} pages (relid $nic_relid)"
done
r=$(guest -t 60 "$TOOLS/uio_ring $NIC --buffers 2>&1")
assert_match "$r" '^ok recv=recv:[0-9]+ 0x1f00000 send=send:[0-9]+ 0x1000000' \
	"both buffers map whole from user space and every page reads back"
guest "echo -n $NIC > /sys/bus/vmbus/drivers/uio_hv_generic/unbind"
for h in $(sed -n 's/^map[34] [a-z]*:\([0-9]*\) .*/\1/p' <<<"$maps"); do
	fh wait-event GPADL_TORNDOWN --since "$s" --timeout 10 >/dev/null &&
		grep -q "GPADL_TORNDOWN gpadl=$(printf '%#x' "$h") " "$VM_DIR/events.log" ||
		fail "unbinding did not tear down GPADL $h"
done
note "ok: unbinding tears both buffers' GPADLs down"
assert_guest "remove_id forgets the NIC class" \
	"echo $NIC_CLASS > /sys/bus/vmbus/drivers/uio_hv_generic/remove_id"

# ---- (4) subchannels: rings the host offers while user space holds the device ----
# A second echo device with two subchannels, offered once uio_hv_generic takes the echo
# class: opening /dev/uioN opens its primary, the host then offers the subchannels, and
# uio_hv_generic opens each with 2 MiB rings and a channels/<relid>/ring file
# (upstream's hv_uio_new_channel); uio_ring echoes through each subchannel's ring file,
# signalling and waiting on /dev/uioN.
SUBDEV=6876697a-0000-4000-8000-0000000000e2
assert_guest "rmmod hvis_echo" rmmod hvis_echo
assert_guest "new_id takes the echo class" "echo $ECHO_CLASS > /sys/bus/vmbus/drivers/uio_hv_generic/new_id"
r=$(fh offer echo "$SUBDEV" --subchannels 2) || fail "ctl offer echo --subchannels 2: $r"
guest_until 30 "[ \$(basename \$(readlink /sys/bus/vmbus/devices/$SUBDEV/driver)) = uio_hv_generic ]" ||
	fail "the new echo device did not bind to uio_hv_generic"
prelid=$(guest "cat /sys/bus/vmbus/devices/$SUBDEV/id")
uio=$(guest "ls /sys/bus/vmbus/devices/$SUBDEV/uio")
r=$(guest -t 180 "exec 9<>/dev/$uio
	i=0; while [ \$(ls /sys/bus/vmbus/devices/$SUBDEV/channels | wc -l) -lt 3 ] && [ \$i -lt 100 ]; do sleep 0.2; i=\$((i + 1)); done
	n=0
	for c in \$(ls /sys/bus/vmbus/devices/$SUBDEV/channels); do
		[ \$c = $prelid ] && continue
		stat -c \"ring \$c %s %a\" /sys/bus/vmbus/devices/$SUBDEV/channels/\$c/ring || exit 1
		$TOOLS/uio_ring $SUBDEV --sub \$c 1200 || exit 1
		n=\$((n + 1))
	done
	echo subchannels=\$n" 2>&1) || fail "echo through the subchannels failed: $r"
note "$r"
# hv_uio_new_channel: 2 MiB per ring, both rings in the file.
assert_eq "$(grep -c "^ring [0-9]* $((4 << 20)) 600$" <<<"$r")" 2 "two subchannel ring files of 4 MiB, mode 0600"
# 1200 packets of 1-4095 bytes are about 2.4 MiB: each subchannel's 2 MiB tx ring wraps.
assert_eq "$(grep -cE '^ok sub=[0-9]+ packets=1200 bytes=[0-9]+ wraps=[1-9]' <<<"$r")" 2 \
	"1200 echoes came back intact through each subchannel, its tx ring wrapping"
assert_match "$r" 'subchannels=2' "both subchannels served"
guest "echo -n $SUBDEV > /sys/bus/vmbus/drivers/uio_hv_generic/unbind"
assert_guest "the subchannels' ring files go with the device" \
	"! ls /sys/bus/vmbus/devices/$SUBDEV/channels/*/ring 2>/dev/null | grep -q ."

assert_guest "rmmod hvis_uio" rmmod hvis_uio
assert_kernel_clean
