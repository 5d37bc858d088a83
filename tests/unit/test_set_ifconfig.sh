#!/bin/bash
# test_set_ifconfig.sh: the SET_IP_INFO hook's files, without a VM.  tools/kvpd/
# hvis-set-ifconfig --root DIR --manager M writes the file manager M reads under DIR and
# prints the commands it would run; this checks what each manager gets for an IPv4 + IPv6
# set with two IPv4 addresses, that the files are replaced whole with the manager's mode,
# and that bad values, a symbolic link at the target and a directory others may write are
# refused with nothing written.  HOOK_SH names the shell (default sh; the harness guest's is
# busybox sh).  Prints TAP.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HOOK=$TOP/tools/kvpd/hvis-set-ifconfig
source "$TOP/tests/unit/tap_lib.sh"
has() { grep -qxF -- "$2" "$1"; }	# has FILE LINE: FILE holds exactly that line
same() {	# same FILE EXPECTED: FILE's lines other than comments are EXPECTED
	local have
	have=$(grep -v '^#' "$1")
	[ "$have" = "$2" ] && return 0
	printf '# have:\n%s\n# want:\n%s\n' "$have" "$2" | sed 's/^/# /'
	return 1
}

R=$tmp/root
mkdir -p "$R/etc/NetworkManager/system-connections" "$R/etc/systemd/network" "$R/etc/network/interfaces.d"
chmod -R go-w "$R"
NM=$R/etc/NetworkManager/system-connections/hvis-eth0.nmconnection
ND=$R/etc/systemd/network/10-hvis-eth0.network
IFD=$R/etc/network/interfaces.d/hvis-eth0

# ifcfg LINE...: the ifcfg file hvis-kvpd would write for eth0.
ifcfg() { printf '%s\n' DEVICE=eth0 "$@" >"$tmp/ifcfg-eth0"; }
# hook MANAGER: runs the hook on it; output in $out, status in $rc.
hook() { out=$(${HOOK_SH:-sh} "$HOOK" --root "$R" --manager "$1" "$tmp/ifcfg-eth0" 2>&1); rc=$?; }

SET=(BOOTPROTO=none "IPADDR=192.0.2.77;192.0.2.78" "NETMASK=255.255.255.0;16" "GATEWAY=192.0.2.1"
	"IPV6ADDR=2001:db8::77" "IPV6NETMASK=64" "IPV6_DEFAULTGW=2001:db8::1" "DNS=192.0.2.53;2001:db8::53")
ifcfg "${SET[@]}"

hook nm
check "NetworkManager: the hook succeeds" test "$rc" = 0
check "NetworkManager: keyfile mode 0600 (NM ignores others)" test "$(stat -c %a "$NM" 2>/dev/null)" = 600
check "NetworkManager: keyfile" same "$NM" "[connection]
id=hvis-eth0
uuid=$(printf 'hvis-set-ifconfig eth0' | md5sum | sed 's/^\(........\)\(....\)\(....\)\(....\)\(............\).*/\1-\2-\3-\4-\5/')
type=ethernet
interface-name=eth0
autoconnect=true
autoconnect-priority=100

[ethernet]

[ipv4]
method=manual
address1=192.0.2.77/24
address2=192.0.2.78/16
gateway=192.0.2.1
dns=192.0.2.53;

[ipv6]
method=manual
address1=2001:db8::77/64
gateway=2001:db8::1
dns=2001:db8::53;"
check "NetworkManager: loaded and brought up with nmcli" \
	test "$(grep '^+ ' <<<"$out")" = "+ nmcli connection load /etc/NetworkManager/system-connections/hvis-eth0.nmconnection
+ nmcli -w 60 connection up id hvis-eth0"
check "NetworkManager: no ip(8) command, no resolv.conf" eval '! grep -q "^+ ip " <<<"$out" && [ ! -e "$R/etc/resolv.conf" ]'

hook networkd
check "networkd: the hook succeeds" test "$rc" = 0
check "networkd: .network file" same "$ND" "[Match]
Name=eth0

[Network]
Address=192.0.2.77/24
Address=192.0.2.78/16
Address=2001:db8::77/64
Gateway=192.0.2.1
Gateway=2001:db8::1
DNS=192.0.2.53
DNS=2001:db8::53"
check "networkd: reload and reconfigure" test "$(grep '^+ ' <<<"$out")" = "+ networkctl reload
+ networkctl reconfigure eth0"
check "networkd: resolv.conf lists both DNS servers (no systemd-resolved here)" same "$R/etc/resolv.conf" "nameserver 192.0.2.53
nameserver 2001:db8::53"
rm -f "$R/etc/resolv.conf"

hook ifupdown
check "ifupdown: the hook succeeds" test "$rc" = 0
check "ifupdown: interfaces.d/hvis-eth0, one stanza per address" same "$IFD" "auto eth0
allow-hotplug eth0
iface eth0 inet static
	address 192.0.2.77/24
	gateway 192.0.2.1
	dns-nameservers 192.0.2.53 2001:db8::53
iface eth0 inet static
	address 192.0.2.78/16
iface eth0 inet6 static
	address 2001:db8::77/64
	gateway 2001:db8::1"
check "ifupdown: applied live with ip(8), old addresses flushed first" test "$(grep '^+ ' <<<"$out")" = "+ ip link set dev eth0 up
+ ip addr flush dev eth0 scope global
+ ip addr add 192.0.2.77/24 dev eth0
+ ip addr add 192.0.2.78/16 dev eth0
+ ip addr add 2001:db8::77/64 dev eth0
+ ip -4 route replace default via 192.0.2.1 dev eth0
+ ip -6 route replace default via 2001:db8::1 dev eth0"
check "ifupdown: resolv.conf lists both DNS servers" same "$R/etc/resolv.conf" "nameserver 192.0.2.53
nameserver 2001:db8::53"

hook none
check "no manager: live only, said on stderr" eval '[ "$rc" = 0 ] && grep -q "live only" <<<"$out" && grep -q "^+ ip addr add 2001:db8::77/64 dev eth0$" <<<"$out"'

# A second injection replaces each file whole; no temporary file is left.
ifcfg BOOTPROTO=none IPADDR=198.51.100.7 NETMASK=24
for m in nm networkd ifupdown; do hook $m; done
check "a second injection replaces the keyfile (one address, IPv6 back to auto)" \
	eval 'has "$NM" address1=198.51.100.7/24 && ! grep -q "address2\|192.0.2\|2001:db8" "$NM" && has "$NM" method=auto'
check "a second injection replaces the .network file" eval 'has "$ND" Address=198.51.100.7/24 && ! grep -q "192.0.2\|2001:db8" "$ND"'
check "a second injection replaces interfaces.d/hvis-eth0" \
	eval 'has "$IFD" "	address 198.51.100.7/24" && ! grep -q "192.0.2\|2001:db8\|inet6" "$IFD"'
check "no temporary file left" test -z "$(find "$R" -name '.hvis*')"
check "the keyfile is still 0600 after the rename" test "$(stat -c %a "$NM")" = 600

# IPv6 only, addresses in the old IPADDR list, a short mask list, DHCP.
ifcfg BOOTPROTO=none "IPADDR=2001:db8::5;192.0.2.5;192.0.2.6" NETMASK=56 "GATEWAY=fe80::1"
hook nm
check "IPv6 in IPADDR with its prefix; IPv4 addresses without a mask get /24; IPv6 gateway from GATEWAY" \
	eval 'has "$NM" address1=192.0.2.5/24 && has "$NM" address2=192.0.2.6/24 && [ "$(grep -c "^address1=2001:db8::5/56$" "$NM")" = 1 ] && has "$NM" gateway=fe80::1'
ifcfg BOOTPROTO=dhcp IPV6ADDR=2001:db8::9
hook nm
check "BOOTPROTO=dhcp: IPv4 by DHCP, IPv6 static /64" \
	eval 'has "$NM" method=auto && has "$NM" address1=2001:db8::9/64 && [ "$(grep -c ^method=manual "$NM")" = 1 ]'
hook networkd
check "BOOTPROTO=dhcp: networkd DHCP=ipv4" has "$ND" DHCP=ipv4
hook ifupdown
check "BOOTPROTO=dhcp: ifupdown inet dhcp stanza" has "$IFD" "iface eth0 inet dhcp"

# Refusals: nothing written, nothing run.
snapshot() { find "$R" -type f -exec md5sum {} + | sort; }
before=$(snapshot)
refused() {	# refused WHAT MESSAGE-REGEX LINE...: the hook refuses that file for every manager
	local what=$1 re=$2 m ok=0
	shift 2
	ifcfg "$@"
	for m in nm networkd ifupdown none; do
		hook $m
		if [ "$rc" = 0 ] || grep -q '^+ ' <<<"$out" || ! grep -Eq "hvis-set-ifconfig: .*($re)" <<<"$out"; then
			printf '# %s with %s: rc=%s %s\n' "$what" "$m" "$rc" "$out"
			ok=1
		fi
	done
	check "refused: $what" test $ok = 0
}
refused "IPv6 address with two ::" "IPV6ADDR '2001:db8::1::2' is not" IPV6ADDR=2001:db8::1::2
refused "IPv6 address with ':::'" "not an IPv6 address" IPV6ADDR=2001:db8:::2
refused "IPv6 group of five digits" "not an IPv6 address" IPV6ADDR=12345::1
refused "IPv6 address with nine groups" "not an IPv6 address" IPV6ADDR=1:2:3:4:5:6:7:8:9
refused "IPv6 address with a bad IPv4 tail" "not an IPv6 address" IPV6ADDR=::ffff:192.0.2.256
refused "IPv6 prefix 129" "IPV6NETMASK '129'" IPV6ADDR=2001:db8::1 IPV6NETMASK=129
refused "dotted mask for an IPv6 address" "NETMASK '255.255.255.0' is not a mask" IPADDR=2001:db8::1 NETMASK=255.255.255.0
refused "IPv4 prefix 33" "NETMASK '33'" IPADDR=192.0.2.1 NETMASK=33
refused "non-contiguous mask" "NETMASK '255.0.255.0'" IPADDR=192.0.2.1 NETMASK=255.0.255.0
refused "an octet of 256" "IPADDR '192.0.2.256'" IPADDR=192.0.2.256
refused "a leading zero" "IPADDR '192.0.2.01'" IPADDR=192.0.2.01
refused "IPv4 address in IPV6_DEFAULTGW" "IPV6_DEFAULTGW" IPADDR=192.0.2.1 IPV6_DEFAULTGW=192.0.2.254
refused "a host name as DNS server" "DNS 'ns.example'" IPADDR=192.0.2.1 DNS=ns.example
refused "more masks than addresses" "more masks" IPADDR=192.0.2.1 "NETMASK=24;24"
refused "shell characters" "unexpected characters" 'IPADDR=192.0.2.1$(touch /tmp/x)'
refused "a second DEVICE line" "DEVICE given twice" IPADDR=192.0.2.1 DEVICE=lo
refused "no address at all" "no IPADDR or IPV6ADDR" BOOTPROTO=none
check "the refused files changed no file" test "$(snapshot)" = "$before"

# The target a symbolic link: refused, the link and what it points to unchanged.
ifcfg BOOTPROTO=none IPADDR=192.0.2.99
echo precious >"$tmp/outside"
rm -f "$IFD"
ln -s "$tmp/outside" "$IFD"
hook ifupdown
check "a symbolic link at the target is refused" eval '[ "$rc" != 0 ] && grep -q "symbolic link" <<<"$out"'
check "... nothing written through it, the link kept" eval '[ "$(cat "$tmp/outside")" = precious ] && [ -L "$IFD" ]'
check "... and nothing applied" eval '! grep -q "^+ " <<<"$out"'
rm -f "$IFD"
# A directory on the way that others may write, or a linked directory: refused.
chmod o+w "$R/etc/systemd/network"
hook networkd
check "a world-writable directory is refused" eval '[ "$rc" != 0 ] && grep -q "writable by group or others" <<<"$out" && ! grep -q 192.0.2.99 "$ND"'
chmod o-w "$R/etc/systemd/network"
chmod g+w "$R/etc"
hook networkd
check "a group-writable /etc above it is refused" eval '[ "$rc" != 0 ] && grep -q "$R/etc is writable" <<<"$out"'
chmod g-w "$R/etc"
mv "$R/etc/NetworkManager/system-connections" "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$R/etc/NetworkManager/system-connections"
hook nm
check "a linked keyfile directory is refused" eval '[ "$rc" != 0 ] && grep -q "symbolic link" <<<"$out" && ! grep -q 192.0.2.99 "$tmp/elsewhere/hvis-eth0.nmconnection"'

tap_end
