#!/bin/bash
# tap_lib.sh: what the shell unit tests share (sourced, not run).  A scratch directory in
# $tmp, removed at exit; check NAME COMMAND... prints one TAP point for the command's
# status; tap_end prints the plan and fails if a point did.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
check() {	# check NAME COMMAND...
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fail=$((fail + 1)); fi
}
tap_end() {
	echo "1..$n"
	[ $fail = 0 ]
}
