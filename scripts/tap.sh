# SPDX-License-Identifier: GPL-2.0-only
# scripts/tap.sh: TAP output for shell checks, sourced by scripts/lint.sh and
# tests/install/package.sh.  `point RC NAME [LOG]` prints "ok N - NAME" when RC is 0,
# else "not ok N - NAME" and the first 40 lines of LOG as comments; `tap_end` prints the
# plan and returns non-zero if any point failed.
tap_n=0
tap_failed=0

point() { # rc name [log]
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_n - $2"
		[ -n "${3:-}" ] && sed -e 's/^/# /' "$3" | head -40
	fi
	return 0
}

tap_end() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}
