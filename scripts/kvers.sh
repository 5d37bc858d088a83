#!/bin/bash
# kvers.sh: names the installed kernels hvis builds and tests against, found at run time.
#
#   kvers.sh newest        the newest kernel that has headers (the default build target)
#   kvers.sh test          the newest 6.1 and the newest 6.12 (the e2e default), space-separated
#   kvers.sh series 6.12   the newest kernel of one series
#
# A kernel counts when /lib/modules/<ver>/build exists; "test" also needs /boot/vmlinuz-<ver>.
# Plain Debian flavours (-amd64) are preferred over -cloud-amd64 and -rt-amd64.
set -euo pipefail

list() {
	local v
	for v in /lib/modules/*/; do
		v=$(basename "$v")
		[ -e "/lib/modules/$v/build/Makefile" ] || continue
		[ "${NEED_IMAGE:-}" ] && { [ -e "/boot/vmlinuz-$v" ] || continue; }
		echo "$v"
	done
}

# Newest of the lines on stdin, plain flavours first.
newest() {
	local all plain
	all=$(cat)
	plain=$(grep -v -e '-cloud-' -e '-rt-' <<<"$all" || true)
	[ -n "$plain" ] && all=$plain
	sort -V <<<"$all" | tail -n 1
}

series() {
	list | { grep -E "^${1//./\\.}\\.[0-9]" || true; } | newest
}

case "${1:-newest}" in
newest) list | newest ;;
series) series "$2" ;;
test)
	NEED_IMAGE=1
	out=()
	for s in 6.1 6.12; do
		v=$(series "$s")
		[ -n "$v" ] && out+=("$v")
	done
	echo "${out[*]}"
	;;
*)
	echo "usage: $0 newest | test | series X.Y" >&2
	exit 2
	;;
esac
