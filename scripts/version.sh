#!/bin/bash
# version.sh: the hvis version, for dkms.conf and the .deb packages.
#
#   $HVIS_VERSION                  when set (the install test builds an "upgrade" this way)
#   v1.2.3 tag at HEAD          -> 1.2.3
#   3 commits after tag v1.2.3  -> 1.2.3+3.g<hash>
#   no tag                      -> <VERSION file>+git<commit count>.g<hash>
#   no git                      -> the VERSION file
# A tree with uncommitted changes gets ".dirty" appended (not with $HVIS_VERSION).  The
# result is a valid Debian native version and a valid DKMS PACKAGE_VERSION.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${HVIS_VERSION:-}" ]; then
	echo "$HVIS_VERSION"
	exit 0
fi
base=$(tr -d ' \n' <"$TOP/VERSION" 2>/dev/null || true)
base=${base:-0.0.0}
if ! git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	echo "$base"
	exit 0
fi
dirty=
git -C "$TOP" diff --quiet HEAD -- 2>/dev/null || dirty=.dirty
if d=$(git -C "$TOP" describe --tags --long --match 'v[0-9]*' 2>/dev/null); then
	# v1.2.3-N-gHASH
	tag=${d%-*-g*}
	rest=${d#"$tag"-}
	n=${rest%%-*}
	hash=${rest#*-}
	if [ "$n" = 0 ]; then
		v=${tag#v}
		[ -n "$dirty" ] && v+="+0.$hash"
	else
		v=${tag#v}+$n.$hash
	fi
else
	v=$base+git$(git -C "$TOP" rev-list --count HEAD).g$(git -C "$TOP" rev-parse --short=7 HEAD)
fi
echo "$v$dirty"
