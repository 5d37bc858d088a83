#!/bin/bash
# The SET_IP_INFO hook: /usr/lib/hvis/hvis-set-ifconfig applies the ifcfg file that
# hvis-kvpd writes (DEVICE, IPADDR, NETMASK, GATEWAY, IPV6ADDR, IPV6NETMASK,
# IPV6_DEFAULTGW, DNS, ';'-separated lists) with ip(8) (the harness guest has no network
# manager whose file it would write: tests/unit/test_set_ifconfig.sh checks those): the
# interface ends up with exactly the host's IPv4 and IPv6 addresses, default routes and
# DNS servers; a file with bad values, a key given twice (a second DEVICE= line, what
# a newline in a host string used to make) or a DEVICE other than the file's
# interface (ifcfg-<if>) is refused and changes nothing, on that NIC or on lo.  (The full path
# host -> hvis-kvpd -> hook needs a netvsc NIC, which the fake host does not offer;
# t_kvp covers the daemon's side.)
source "$(dirname "$0")/../qemu/lib.sh"

HOOK=$HVIS_TOP/tools/kvpd/hvis-set-ifconfig
FH_DEVICES="heartbeat"
export HVIS_GUEST_KMODS="dummy"
vm_start "$KVER"
guest "mkdir -p /usr/lib/hvis /var/lib/hyperv && echo $(base64 -w0 "$HOOK") | base64 -d >/usr/lib/hvis/hvis-set-ifconfig && chmod 755 /usr/lib/hvis/hvis-set-ifconfig"
assert_guest "a dummy NIC with an old address" 'modprobe dummy; { [ -e /sys/class/net/dummy0 ] || ip link add dummy0 type dummy; } &&
	ip addr add 198.51.100.7/24 dev dummy0'

assert_guest "the hook applies two IPv4 and two IPv6 addresses, two gateways and three DNS servers" 'printf "%s\n" DEVICE=dummy0 BOOTPROTO=none \
	"IPADDR=192.0.2.20;192.0.2.21" "NETMASK=255.255.255.0;255.255.0.0" GATEWAY=192.0.2.1 \
	"IPV6ADDR=2001:db8::20;2001:db8:1::21" "IPV6NETMASK=64;56" IPV6_DEFAULTGW=2001:db8::1 \
	"DNS=192.0.2.53;192.0.2.54;2001:db8::53" >/var/lib/hyperv/ifcfg-dummy0 &&
	/usr/lib/hvis/hvis-set-ifconfig /var/lib/hyperv/ifcfg-dummy0'
addrs=$(guest 'ip -4 -o addr show dev dummy0 | awk "{ print \$4 }" | sort | tr "\n" " "')
assert_eq "$addrs" "192.0.2.20/24 192.0.2.21/16 " "dummy0 has exactly the host's addresses (the old one is gone)"
addrs=$(guest 'ip -6 -o addr show dev dummy0 scope global | awk "{ print \$4 }" | sort | tr "\n" " "')
assert_eq "$addrs" "2001:db8:1::21/56 2001:db8::20/64 " "dummy0 has the host's IPv6 addresses with their prefixes"
assert_match "$(guest 'ip link show dev dummy0')" 'UP' "dummy0 is up"
assert_match "$(guest 'ip -4 route show default')" '^default via 192\.0\.2\.1 dev dummy0' "default route via the gateway"
assert_match "$(guest 'ip -6 route show default')" '^default via 2001:db8::1 dev dummy0' "IPv6 default route via its gateway"
assert_eq "$(guest 'grep ^nameserver /etc/resolv.conf | tr "\n" " "')" \
	"nameserver 192.0.2.53 nameserver 192.0.2.54 nameserver 2001:db8::53 " "resolv.conf lists the DNS servers"

# Bad files: refused with a message, nothing changes.
before=$(guest 'ip -o addr; ip route; cat /etc/resolv.conf')
# hook_on FILE LINE...: writes the lines to FILE, runs the hook on it; its output and rc=N.
hook_on() {
	local f=$1 q='' l
	shift
	for l in "$@"; do q="$q '$l'"; done
	guest "printf '%s\n'$q >$f && /usr/lib/hvis/hvis-set-ifconfig $f 2>&1; echo rc=\$?"
}
refused() { # what output regex
	assert_match "$2" 'rc=1$' "refused: $1"
	assert_match "$2" "hvis-set-ifconfig: .*($3)" "$1: $(head -n1 <<<"$2")"
}
# Bad values: the bad line replaces the good one of its key.
for bad in 'IPADDR=192.0.2.30$(reboot)' 'IPADDR=999.1.1.1' 'NETMASK=255.0.255.0' 'GATEWAY=gw.example' \
	'IPV6ADDR=2001:db8::1::2' 'IPV6NETMASK=129'; do
	good=()
	for l in DEVICE=dummy0 IPADDR=192.0.2.30 NETMASK=24 IPV6ADDR=2001:db8::30 IPV6NETMASK=64; do
		[ "${l%%=*}" = "${bad%%=*}" ] || good+=("$l")
	done
	out=$(hook_on /tmp/ifcfg-dummy0 "${good[@]}" "$bad")
	refused "$bad" "$out" "${bad%%=*}|not an address|not a mask|not an IPv6 address|not a prefix length"
	assert_no_match "$out" 'given twice' "$bad: refused for its value"
done
# A key given twice: a second DEVICE= line is what a newline in a host string made.
out=$(hook_on /tmp/ifcfg-dummy0 DEVICE=dummy0 IPADDR=192.0.2.30 NETMASK=24 DEVICE=lo)
refused "a second DEVICE=lo line" "$out" 'DEVICE given twice'
out=$(hook_on /tmp/ifcfg-dummy0 DEVICE=dummy0 IPADDR=192.0.2.30 IPADDR=192.0.2.31)
refused "a second IPADDR line" "$out" 'IPADDR given twice'
# DEVICE must be the interface the file is named for.
out=$(hook_on /tmp/ifcfg-dummy0 DEVICE=lo IPADDR=192.0.2.30 NETMASK=24)
refused "DEVICE=lo in ifcfg-dummy0" "$out" "DEVICE=lo is not the file's interface dummy0"
out=$(hook_on /tmp/ifcfg-nosuch0 DEVICE=nosuch0 IPADDR=192.0.2.30)
refused "an unknown interface" "$out" 'no interface nosuch0'
out=$(hook_on /tmp/bad DEVICE=dummy0 IPADDR=192.0.2.30)
refused "a file not named ifcfg-<if>" "$out" 'must be named ifcfg-<interface>'
out=$(hook_on /tmp/ifcfg-dummy0 DEVICE=dummy0 'IPADDR 192.0.2.30')
refused "a line without =" "$out" 'malformed line'
assert_eq "$(guest 'ip -o addr; ip route; cat /etc/resolv.conf')" "$before" \
	"the refused files changed nothing on any interface"
assert_kernel_clean
