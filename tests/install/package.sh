#!/bin/bash
# package.sh [KVER...]: the packaging checks that need no VM, as TAP (`make check`'s
# "package" stage).  Builds the .debs (scripts/mkdeb.sh), runs lintian on them, looks
# inside them, and checks that the generated dkms.conf names exactly the modules that
# scripts/build-modules.sh built for each kernel.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
source scripts/tap.sh
KVERS=("$@")
[ ${#KVERS[@]} -gt 0 ] || read -ra KVERS <<<"$(scripts/kvers.sh test)"
OUT=$TOP/build/deb
log=$(mktemp)
trap 'rm -f "$log"' EXIT

scripts/mkdeb.sh "$OUT" >"$log" 2>&1
point $? "make deb: $(cd "$OUT" && ls *.deb 2>/dev/null | tr '\n' ' ')" "$log"
V=$(scripts/version.sh)
dkms_deb=$OUT/hvis-dkms_${V}_all.deb
tools_deb=$OUT/hvis-tools_${V}_$(dpkg --print-architecture).deb

if command -v lintian >/dev/null; then
	# Errors fail; warnings (e.g. a new tool without its man page yet) are shown.
	lintian --pedantic --fail-on error "$OUT"/*.deb >"$log" 2>&1
	rc=$?
	grep -v '^running with root' "$log" >"$log.x"
	mv "$log.x" "$log"
	point $rc "lintian: no error ($(grep -c '^W:' "$log") warnings, $(grep -c '^[IP]:' "$log") info/pedantic)" "$log"
	[ $rc = 0 ] && grep '^[WIP]:' "$log" | sed 's/^/# lintian: /'
else
	echo "ok $((n += 1)) - lintian # SKIP lintian not installed"
fi

dpkg-deb -c "$dkms_deb" >"$log" 2>&1
c=$(cat "$log")
rc=0
for f in "./usr/src/hvis-$V/dkms.conf" "./usr/src/hvis-$V/Kbuild" ./lib/modprobe.d/hvis.conf \
	./usr/share/initramfs-tools/hooks/hvis; do
	grep -qF " $f" <<<"$c" || { echo "missing $f" >>"$log"; rc=1; }
done
grep -q "/usr/src/hvis-$V/drivers/test/" <<<"$c" && { echo "ships drivers/test" >>"$log"; rc=1; }
point $rc "hvis-dkms holds dkms.conf, Kbuild, the blacklist and the initramfs hook, not drivers/test" "$log"

dpkg-deb -c "$tools_deb" >"$log" 2>&1
grep -q ' ./usr/bin/lsvmbus$' "$log" && grep -q ' ./usr/share/man/man8/lsvmbus.8.gz$' "$log" &&
	! grep -q 'fakehost' "$log"
point $? "hvis-tools holds lsvmbus and its man page, no fake host" "$log"

# Every program a shipped systemd unit starts is in the package, executable.
rc=0 units=0
while read -r exe; do
	units=$((units + 1))
	grep -qE "^-rwx.* \.$exe\$" "$log" || { echo "a unit starts $exe, which hvis-tools lacks" >>"$log"; rc=1; }
done < <(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$TOP"/packaging/systemd/*.service)
[ "$units" -gt 0 ] || rc=1
point $rc "hvis-tools holds the $units daemons its systemd units start" "$log"

# The in-tree modules that need hv_vmbus are all blacklisted.
for k in "${KVERS[@]}"; do
	missing=$(awk '/hv_vmbus/ { f = $1; sub(/:$/, "", f); sub(/.*\//, "", f); sub(/\.ko.*/, "", f);
		gsub(/-/, "_", f); print f }' "/lib/modules/$k/modules.dep" | sort -u |
		while read -r m; do grep -qx "blacklist $m" packaging/dkms/hvis.modprobe.conf || echo "$m"; done)
	echo "not blacklisted: $missing" >"$log"
	[ -z "$missing" ]
	point $? "every in-tree module of $k that needs hv_vmbus is blacklisted" "$log"
done

for k in "${KVERS[@]}"; do
	scripts/dkms-conf.sh --check "$k" >"$log" 2>&1
	point $? "dkms.conf names the modules built for $k" "$log"
done

# Nothing the package ships binds a PCI device by alias: the fake-host transport
# (hvis_vmbus_fakehost, 1af4:1110 ivshmem) is loaded only on request, so a real guest's
# ivshmem device for something else stays with its own driver.
for k in "${KVERS[@]}"; do
	: >"$log"
	rc=0 mods=0
	while read -r dir mod; do
		ko=build/$k/src/$dir/$mod.ko
		[ -f "$ko" ] || { echo "$ko not built" >>"$log"; rc=1; continue; }
		mods=$((mods + 1))
		modinfo -F alias "$ko" | grep -i '^pci:' | sed "s|^|$mod: |" >>"$log"
	done < <(scripts/dkms-conf.sh --modules)
	[ -s "$log" ] && rc=1
	grep -qx 'drivers/vmbus hvis_vmbus_fakehost' <(scripts/dkms-conf.sh --modules) ||
		{ echo "hvis_vmbus_fakehost is not a shipped module" >>"$log"; rc=1; }
	point $rc "the $mods shipped modules built for $k have no PCI alias (fake-host transport opt-in)" "$log"
done
tap_end
