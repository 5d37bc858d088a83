#!/bin/bash
# mkrootfs-variant.sh KVER VARIANT: the install test's root fs (mkrootfs.sh) with a few more
# Debian packages, cached beside it.  Prints the path.
#
# A variant is the cached base root fs copied and given the packages its line in the table
# below names, with apt from the same sources, so a variant costs an apt-get install, not a
# second debootstrap, and changing one variant's list rebuilds only that variant.  It lives
# in <cache>/install/variant-<VARIANT>-<KVER>-<key>/, <key> hashing the base's path (itself
# keyed by what made it), the variant's packages and BUILD_REV; older ones of the same
# variant and kernel are removed.  Needs root (chroot).
set -euo pipefail

KVER=${1:?usage: mkrootfs-variant.sh KVER VARIANT}
VARIANT=${2:?usage: mkrootfs-variant.sh KVER VARIANT}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# Bump when the way a variant is made changes (not its package list: that is in the key).
BUILD_REV=1

# VARIANT: packages (apt-get install --no-install-recommends)
variant_packages() {
	case $1 in
	ifupdown) echo ifupdown iproute2 ;;
	networkmanager) echo network-manager iproute2 ;;
	networkd) echo iproute2 ;;	# systemd-networkd is in the base's systemd; the test enables it
	kdump) echo kdump-tools makedumpfile kexec-tools ;;
	# t_secure_boot.sh: Debian-signed shim and GRUB for the guest's ESP, mokutil, keyctl
	secureboot) echo shim-signed grub-efi-amd64-signed mokutil keyutils ;;
	*) return 1 ;;
	esac
}

log() { echo "mkrootfs-variant: $*" >&2; }

PKGS=$(variant_packages "$VARIANT") || { log "unknown variant '$VARIANT'"; exit 1; }
# One build at a time: two tests asking for the same root fs would remove each other's.
LOCKDIR=$("$TOP/scripts/cache-dir.sh" install)
exec 9>"$LOCKDIR/.build.lock"
flock 9
BASE=$("$TOP/tests/install/mkrootfs.sh" "$KVER")
CACHE=$(dirname "$BASE")
key=$(printf '%s\n' "$BASE" "$VARIANT" "$PKGS" "$BUILD_REV" | sha256sum | cut -c1-12)
ROOT=$CACHE/variant-$VARIANT-$KVER-$key
if [ -e "$ROOT/.complete" ]; then
	echo "$ROOT"
	exit 0
fi
for old in "$CACHE/variant-$VARIANT-$KVER-"*; do
	[ -e "$old" ] && [ "$old" != "$ROOT" ] && { log "removing stale $old"; rm -rf "$old"; }
done

TMP=$ROOT.tmp
rm -rf "$TMP"
MOUNTS=()
cleanup() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

t0=$SECONDS
cp -a --reflink=auto "$BASE" "$TMP"
rm -f "$TMP/.complete"
printf '#!/bin/sh\nexit 101\n' >"$TMP/usr/sbin/policy-rc.d"
chmod 755 "$TMP/usr/sbin/policy-rc.d"
for m in proc sys dev dev/pts; do
	mount --bind "/$m" "$TMP/$m"
	MOUNTS+=("$TMP/$m")
done
log "$VARIANT: apt-get install $PKGS"
# shellcheck disable=SC2086 # PKGS is a list of package names
chroot "$TMP" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c '
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" && apt-get clean' \
	sh $PKGS >"$CACHE/apt-$VARIANT-$KVER.log" 2>&1 ||
	{ log "apt-get failed; see $CACHE/apt-$VARIANT-$KVER.log"; tail -n 20 "$CACHE/apt-$VARIANT-$KVER.log" >&2; exit 1; }
cleanup
MOUNTS=()
rm -f "$TMP/usr/sbin/policy-rc.d"
touch "$TMP/.complete"
mv "$TMP" "$ROOT"
log "$VARIANT ready in $((SECONDS - t0))s: $(du -sm "$ROOT" | cut -f1) MiB"
echo "$ROOT"
