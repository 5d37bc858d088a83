#!/bin/bash
# cache-dir.sh [SUBDIR]: prints (and creates) the directory where hvis keeps what is slow
# to make and the same for every clone: the install test's debootstrapped root file
# systems, and later built kernels.  It lives outside the clone, so a fresh clone (CI)
# reuses it; every entry in it is keyed by a hash of what made it.
#
#   $HVIS_CACHE if set; else /var/cache/hvis for root; else ${XDG_CACHE_HOME:-~/.cache}/hvis.
#
# The directory must belong to the caller and not be writable by anyone else: root runs
# chroots from it, so a directory another user could write into is refused.
set -euo pipefail

if [ -n "${HVIS_CACHE:-}" ]; then
	dir=$HVIS_CACHE
elif [ "$(id -u)" = 0 ]; then
	dir=/var/cache/hvis
else
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/hvis
fi
[ -n "${1:-}" ] && dir=$dir/$1
mkdir -p -m 0755 "$dir"
dir=$(cd "$dir" && pwd -P)
# stat: owner uid and octal mode of the directory itself (no link followed: pwd -P).
read -r owner mode < <(stat -c '%u %a' "$dir")
if [ "$owner" != "$(id -u)" ] || [ $((8#$mode & 8#022)) != 0 ]; then
	echo "cache-dir: $dir is not owned by uid $(id -u) or is group/world-writable;" \
		"fix it (chown/chmod go-w) or set HVIS_CACHE" >&2
	exit 1
fi
echo "$dir"
