#!/bin/bash
# Static IP injection survives a reboot, on a Debian 12 guest whose network is managed by
# ifupdown, and on one managed by NetworkManager (tests/install/mkrootfs-variant.sh
# variants ifupdown and networkmanager).  For each: the variant's root fs on an ext4 disk,
# `apt-get install` of hvis-dkms and hvis-tools in a chroot (DKMS builds the modules once),
# then boot from the hvis disk with a synthetic NIC (fake host nic@MAC; its responder
# answers ARP, ping and UDP echo at 192.0.2.1).  The host sends SET_IP_INFO for the NIC's VMBus
# instance with two IPv4 addresses, one IPv6 address, a gateway and a DNS server of each
# family; the guest has them live (addresses, default routes, a UDP echo from the gateway), and the
# file that variant's manager reads exists (interfaces.d/hvis-<if>, or the keyfile, 0600,
# with NetworkManager's active connection being it).  Then the guest reboots (`systemctl
# reboot`: QEMU restarts, same fake host) and, with no further host action, has the same
# addresses, routes and DNS servers after boot, set by its own manager.  STATIC_IP_VARIANTS
# picks the variants (default "ifupdown networkmanager"; "networkd" adds a guest with
# systemd-networkd enabled and no D-Bus).  Prints phase times.  Needs root
# (chroot, loop mounts).
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/lib.sh"

MAC=00:15:5d:12:34:56
FH_DEVICES="heartbeat,shutdown,kvp,nic@$MAC"
# networkd (the base root fs with iproute2 and systemd-networkd enabled) only on request.
VARIANTS=${STATIC_IP_VARIANTS:-ifupdown networkmanager}

[ "$(id -u)" = 0 ] || skip "needs root (chroot, loop mount)"
for c in debootstrap mkfs.ext4 dpkg-deb; do
	command -v $c >/dev/null || skip "$c missing (make deps)"
done

install_run_dir static-ip

step "build packages"
"$HVIS_TOP/scripts/mkdeb.sh" --guest-only "$RUN/debs" >/dev/null 2>"$RUN/mkdeb.log" ||
	fail "make deb: $(tail -n 5 "$RUN/mkdeb.log")"

# What the host injects, and what the guest must show for it.
IPS="192.0.2.77;2001:db8:77::77;198.51.100.78"
MASKS="255.255.255.0;64;24"
GWS="192.0.2.1;2001:db8:77::1"
DNSS="192.0.2.53;2001:db8:77::53"
WANT_ADDRS="192.0.2.77/24 198.51.100.78/24 2001:db8:77::77/64"

# check_config IF WHEN: the injected settings are live on IF.
check_config() {
	local ifname=$1 when=$2 a out
	out=$(guest "ip -o addr show dev $ifname scope global")
	for a in $WANT_ADDRS; do
		assert_match "$out" " $(sed 's/[.]/\\./g' <<<"$a") " "$when: $ifname has $a"
	done
	assert_eq "$(grep -c ' inet' <<<"$out")" 3 "$when: $ifname has exactly the three injected global addresses"
	assert_match "$(guest 'ip -4 route show default')" "^default via 192\.0\.2\.1 dev $ifname" \
		"$when: IPv4 default route via 192.0.2.1"
	assert_match "$(guest 'ip -6 route show default')" "^default via 2001:db8:77::1 dev $ifname" \
		"$when: IPv6 default route via 2001:db8:77::1"
	out=$(guest 'grep ^nameserver /etc/resolv.conf')
	assert_match "$out" 'nameserver 192\.0\.2\.53' "$when: resolv.conf has the IPv4 DNS server"
	assert_match "$out" 'nameserver 2001:db8:77::53' "$when: resolv.conf has the IPv6 DNS server"
	# (No ping in a minimal Debian: bash's /dev/udp to the responder's UDP echo port.)
	assert_guest "$when: the gateway 192.0.2.1 answers a UDP echo" \
		"bash -c 'exec 3<>/dev/udp/192.0.2.1/7 && echo hvis-echo >&3 && timeout 5 head -n 1 <&3' | grep -qx hvis-echo"
}

# wait_ready: the KVP daemon runs and the host's KVP channel is negotiated.
wait_ready() {
	guest_until 120 "systemctl is-active -q hvis-kvpd" ||
		fail "hvis-kvpd is not active: $(guest 'systemctl status --no-pager hvis-kvpd 2>&1 | tail -n 5' | tr '\n' '|')"
	wait_for 90 "the host's KVP channel is negotiated" fh kvp get 0 NoSuchKey
}

run_variant() { # variant
	local v=$1 rootfs ifname inst out file
	step "$v: root fs (cached)"
	rootfs=$("$HVIS_TOP/tests/install/mkrootfs-variant.sh" "$KVER" "$v") || fail "mkrootfs-variant.sh $KVER $v failed"
	step "$v: disk image, apt install (chroot, DKMS build)"
	disk_create "$rootfs" "$IMG"
	disk_mount "$IMG"
	harness_install
	if [ "$v" = networkd ]; then
		in_disk systemctl enable systemd-networkd >/dev/null 2>&1 || fail "$v: cannot enable systemd-networkd"
	fi
	mkdir -p "$DISK_MNT/root/debs"
	cp -a "$RUN/debs/." "$DISK_MNT/root/debs/"
	in_disk sh -c 'apt-get install -y /root/debs/hvis-dkms_*.deb /root/debs/hvis-tools_*.deb' \
		>"$RUN/apt-$v.log" 2>&1 || { tail -n 30 "$RUN/apt-$v.log" | sed 's/^/# /'; fail "$v: apt-get install failed"; }
	cp "$DISK_MNT/boot/initrd.img-$KVER" "$RUN/initrd"
	disk_umount

	step "$v: boot (root on the hvis disk)"
	VM_REBOOT=1 disk_boot "$KVER" "$IMG" "$RUN/initrd" hvis
	wait_ready
	inst=$(fh list | awk '$2 == "nic" { print $4 }')
	[ -n "$inst" ] || fail "the fake host lists no nic device: $(fh list)"
	guest_until 60 "grep -qix $MAC /sys/class/net/*/address" || fail "no interface with MAC $MAC: $(guest 'ip -br link')"
	ifname=$(guest "for i in /sys/class/net/*; do [ \"\$(cat \$i/address)\" = $MAC ] && echo \${i##*/}; done")
	note "$v: the synthetic NIC is $ifname"
	case $v in
	ifupdown)
		file=/etc/network/interfaces.d/hvis-$ifname
		assert_guest "$v: /etc/network/interfaces sources interfaces.d" \
			"grep -Eq '^(source /etc/network/interfaces.d/\\*|source-directory /etc/network/interfaces.d)' /etc/network/interfaces"
		assert_guest "$v: NetworkManager and systemd-networkd not running" \
			'! command -v nmcli && ! systemctl is-active -q systemd-networkd'
		;;
	networkmanager)
		file=/etc/NetworkManager/system-connections/hvis-$ifname.nmconnection
		guest_until 60 '[ "$(nmcli -t -f RUNNING general)" = running ]' ||
			fail "$v: NetworkManager is not running: $(guest 'systemctl status --no-pager NetworkManager 2>&1 | tail -n 5' | tr '\n' '|')"
		note "$v: devices before: $(guest 'nmcli -t device' | tr '\n' ' ')"
		;;
	networkd)
		file=/etc/systemd/network/10-hvis-$ifname.network
		guest_until 60 'systemctl is-active -q systemd-networkd' || fail "$v: systemd-networkd is not active"
		;;
	esac
	assert_guest "$v: no hvis configuration before the injection" "[ ! -e $file ]"

	step "$v: inject (SET_IP_INFO), check live"
	out=$(fh kvp setip "{$inst}" "$IPS" "$MASKS" "$GWS" "$DNSS" 2>&1)
	note "$v: $out"
	assert_match "$out" 'status=0( |$)' "$v: SET_IP_INFO with two IPv4 and one IPv6 address accepted"
	note "$v: hook: $(guest 'journalctl -b -o cat -u hvis-kvpd | grep -i -e set-ifconfig -e SET_IP_INFO' | tr '\n' '|')"
	assert_guest "$v: $file exists" "[ -f $file ] && [ ! -L $file ]"
	note "$v: $file:"
	note "$(guest "cat $file")"
	[ "$v" = networkmanager ] &&
		assert_eq "$(guest "stat -c %a $file")" 600 "$v: the keyfile is 0600"
	check_config "$ifname" "$v, live"
	[ "$v" = networkmanager ] &&
		assert_eq "$(guest "nmcli -g GENERAL.CONNECTION device show $ifname")" "hvis-$ifname" \
			"$v: NetworkManager's active connection on $ifname is hvis-$ifname"

	step "$v: reboot (systemctl reboot)"
	local setips
	setips=$(grep -c 'op=setip' "$VM_DIR/events.log")
	guest 'systemctl reboot' >/dev/null 2>&1 || true
	# (A Debian boot under TCG: as disk_boot's limit, not the harness initramfs's.)
	VM_BOOT_TIMEOUT=400 vm_wait_ready 2 ||
		fail "$v: the guest did not come back within 400 s of systemctl reboot"
	note "$v: guest back after the reboot"
	step "$v: after the reboot, no host action"
	wait_ready
	guest_until 120 "ip -o addr show dev $ifname | grep -q ' 2001:db8:77::77/64 ' && ip -6 route show default | grep -q 2001:db8:77::1 && ip -o addr show dev $ifname | grep -q ' 198.51.100.78/24 '" ||
		fail "$v: the injected addresses did not come back: $(guest "ip -o addr show dev $ifname; ip route; ip -6 route" | tr '\n' '|')"
	check_config "$ifname" "$v, after reboot"
	assert_guest "$v: $file still there" "[ -f $file ]"
	[ "$v" = networkmanager ] &&
		assert_eq "$(guest "nmcli -g GENERAL.CONNECTION device show $ifname")" "hvis-$ifname" \
			"$v, after reboot: NetworkManager brought hvis-$ifname up by itself"
	# networkd's own state file for the link (networkctl would need D-Bus, which this
	# root fs, like a minimal networkd system, lacks).
	if [ "$v" = networkd ]; then
		links="/run/systemd/netif/links/\$(cat /sys/class/net/$ifname/ifindex)"
		# networkd may still be at "configuring" for a while after the addresses are set.
		guest_until 60 "grep -qx ADMIN_STATE=configured $links" ||
			fail "$v, after reboot: networkd never configured $ifname: $(guest "cat $links")"
		note "ok: $v, after reboot: networkd configured $ifname"
		st=$(guest "cat $links")
		assert_match "$st" "^NETWORK_FILE=/etc/systemd/network/10-hvis-$ifname.network$" \
			"$v, after reboot: from hvis's file"
	fi
	[ "$v" = ifupdown ] &&
		assert_match "$(guest 'cat /run/network/ifstate.* /run/network/ifstate 2>/dev/null')" "$ifname" \
			"$v, after reboot: ifupdown brought $ifname up (ifstate)"
	assert_eq "$(grep -c 'op=setip' "$VM_DIR/events.log")" "$setips" "$v: the host sent no SET_IP_INFO after the reboot"
	assert_eq "$(guest "journalctl -b -u hvis-kvpd | grep -c SET_IP_INFO")" 0 \
		"$v: no SET_IP_INFO reached this boot's hvis-kvpd"

	step "$v: shutdown"
	assert_fh "fh shutdown" shutdown
	vm_wait_exit 180 || fail "$v: guest did not power off within 180 s of ctl shutdown (status $?)"
	assert_kernel_clean
	vm_stop
	rm -f "$IMG"
}

for v in $VARIANTS; do
	run_variant "$v"
done
step_report
