#!/bin/bash
# mkrootfs.sh KVER: a Debian 12 root file system for the install test, cached.
#
# debootstrap (minbase) plus systemd, udev, initramfs-tools, the kernel image and headers
# for KVER, and dkms, all installed with apt from the mirrors this machine's own apt
# sources name (read at run time through `apt-get indextargets`; no host name is written
# into the tree).  The result is a directory, <cache>/install/rootfs-<KVER>-<key>/, where
# <cache> is outside the clone (scripts/cache-dir.sh: $HVIS_CACHE, else /var/cache/hvis),
# so fresh clones share it, and <key> hashes the package list, the apt sources and this
# script, so a change to any of them builds a new one; older ones for the same kernel are
# removed.  Prints the path.
#
# hvis itself is NOT in this image: tests/install/t_dkms_install.sh installs its .debs
# into a copy of it.  Needs root (debootstrap, chroot).
set -euo pipefail

KVER=${1:?usage: mkrootfs.sh KVER}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$("$TOP/scripts/cache-dir.sh" install)
SUITE=bookworm
BASE_PACKAGES=systemd-sysv,udev,kmod,initramfs-tools,zstd,procps
APT_PACKAGES=("linux-image-$KVER" "linux-headers-$KVER" dkms openssl)

log() { echo "mkrootfs: $*" >&2; }

[ "$(id -u)" = 0 ] || { log "needs root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || { log "debootstrap missing (make deps)"; exit 1; }

# "deb URI SUITE main" lines for the Debian suites this machine's apt knows about.
sources() {
	apt-get indextargets --format '$(ORIGIN)|$(REPO_URI)|$(RELEASE)|$(COMPONENT)' 'Identifier: Packages' |
		awk -F'|' -v s="$SUITE" '$1 ~ /^Debian/ && $4 == "main" &&
			($3 == s || index($3, s "-") == 1) { print "deb " $2 " " $3 " main" }' | sort -u
}
SOURCES=$(sources)
MIRROR=$(awk -v s="$SUITE" '$3 == s { print $2; exit }' <<<"$SOURCES")
[ -n "$MIRROR" ] || { log "no apt source for $SUITE on this machine"; exit 1; }
if [[ $KVER == *bpo* || $KVER == *+deb12* ]] && ! grep -q -- "$SUITE-backports" <<<"$SOURCES"; then
	log "kernel $KVER comes from $SUITE-backports, which this machine's apt does not list"
	exit 1
fi

key=$(printf '%s\n' "$KVER" "$BASE_PACKAGES" "${APT_PACKAGES[*]}" "$SOURCES" |
	cat - "$0" | sha256sum | cut -c1-12)
ROOT=$CACHE/rootfs-$KVER-$key
if [ -e "$ROOT/.complete" ]; then
	echo "$ROOT"
	exit 0
fi

mkdir -p "$CACHE"
for old in "$CACHE/rootfs-$KVER-"*; do
	[ -e "$old" ] && [ "$old" != "$ROOT" ] && { log "removing stale $old"; rm -rf "$old"; }
done
rm -rf "$ROOT" "$ROOT.tmp"
TMP=$ROOT.tmp
MOUNTS=()
cleanup() {
	local m
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

t0=$SECONDS
log "debootstrap $SUITE into $TMP (from $MIRROR)"
debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$TMP" "$MIRROR" \
	>"$CACHE/debootstrap-$KVER.log" 2>&1 ||
	{ log "debootstrap failed; see $CACHE/debootstrap-$KVER.log"; tail -n 20 "$CACHE/debootstrap-$KVER.log" >&2; exit 1; }
log "debootstrap done in $((SECONDS - t0))s"

echo "$SOURCES" >"$TMP/etc/apt/sources.list"
# Nothing starts services inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$TMP/usr/sbin/policy-rc.d"
chmod 755 "$TMP/usr/sbin/policy-rc.d"
for m in proc sys dev dev/pts; do
	mount --bind "/$m" "$TMP/$m"
	MOUNTS+=("$TMP/$m")
done

t1=$SECONDS
log "apt-get install ${APT_PACKAGES[*]}"
chroot "$TMP" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c '
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"' sh "${APT_PACKAGES[@]}" \
	>"$CACHE/apt-$KVER.log" 2>&1 ||
	{ log "apt-get failed; see $CACHE/apt-$KVER.log"; tail -n 20 "$CACHE/apt-$KVER.log" >&2; exit 1; }
log "apt-get done in $((SECONDS - t1))s"
chroot "$TMP" apt-get clean
[ -e "$TMP/boot/initrd.img-$KVER" ] || { log "no initrd.img-$KVER in the root fs"; exit 1; }
cleanup
MOUNTS=()
rm -f "$TMP/usr/sbin/policy-rc.d"
touch "$TMP/.complete"
mv "$TMP" "$ROOT"
log "root fs ready in $((SECONDS - t0))s: $(du -sm "$ROOT" | cut -f1) MiB"
echo "$ROOT"
