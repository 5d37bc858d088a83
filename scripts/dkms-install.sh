#!/bin/bash
# dkms-install.sh install | remove: hvis through DKMS without a .deb, on the machine it
# runs on (`make dkms-install`, `make dkms-remove`).  Meant for a guest, never for the
# machine that runs the QEMU tests.  As root.
#
#   install  copies the module sources to /usr/src/hvis-<version>/ (with the generated
#            dkms.conf), installs the blacklist (/lib/modprobe.d/hvis.conf) and the
#            initramfs-tools hook, then does what the package's postinst does: dkms add,
#            dkms install for every kernel that has headers, update-initramfs.
#   remove   every hvis version DKMS knows: dkms remove --all, its /usr/src copy; then the
#            blacklist and the hook, and update-initramfs.
# Both refuse when the hvis-dkms package is installed: apt owns hvis then.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
FILES=(/lib/modprobe.d/hvis.conf /usr/share/initramfs-tools/hooks/hvis)

[ "$(id -u)" = 0 ] || { echo "dkms-install: run as root" >&2; exit 1; }
command -v dkms >/dev/null || { echo "dkms-install: dkms is not installed (apt install dkms)" >&2; exit 1; }
if dpkg-query -W -f='${Status}' hvis-dkms 2>/dev/null | grep -q 'ok installed'; then
	echo "dkms-install: the hvis-dkms package is installed; use apt (apt remove hvis-dkms)" >&2
	exit 1
fi

case "${1:-}" in
install)
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	version=$("$TOP/scripts/mkdeb.sh" --dkms-root "$stage")
	if dkms status -m hvis -v "$version" 2>/dev/null | grep -q .; then
		dkms remove -m hvis -v "$version" --all
	fi
	rm -rf "/usr/src/hvis-$version"
	cp -a "$stage/usr/src/hvis-$version" /usr/src/
	for f in "${FILES[@]}"; do install -D -m "$(stat -c %a "$stage$f")" "$stage$f" "$f"; done
	sh "$stage/DEBIAN/postinst" configure
	echo "dkms-install: hvis $version installed"
	dkms status -m hvis
	;;
remove)
	for v in $(dkms status -m hvis 2>/dev/null | sed -n 's|^hvis/\([^,:]*\).*|\1|p' | sort -u); do
		dkms remove -m hvis -v "$v" --all || true
		rm -rf "/usr/src/hvis-$v"
		echo "dkms-install: hvis $v removed"
	done
	rm -f "${FILES[@]}"
	command -v update-initramfs >/dev/null && update-initramfs -u -k all
	;;
*)
	echo "usage: $0 install | remove" >&2
	exit 2
	;;
esac
