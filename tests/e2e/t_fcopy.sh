#!/bin/bash
# Host-to-guest file copy: `ctl copy-file` delivers a file byte for byte (sha256)
# through hvis_fcopy and hvis-fcopyd and reports the throughput; an existing file is
# not overwritten unless the host asks; a cancelled copy leaves nothing behind; bad
# host input (a chunk past the end of the data, an oversized chunk, a path that
# escapes with "..", a name that is not valid UTF-16) gets an error back and changes
# nothing; Debian's hv_fcopy_daemon works against the same device.  FCOPY_MIB sets the size
# of the big file in MiB (default 100: about 14 s of copying under TCG).
source "$(dirname "$0")/../qemu/lib.sh"

MIB=${FCOPY_MIB:-100}
FH_DEVICES="heartbeat,shutdown,fcopy"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_fcopy
assert_guest "/dev/vmbus/hv_fcopy exists" '[ -c /dev/vmbus/hv_fcopy ]'

HOSTDIR=$(mktemp -d)
trap 'rm -rf "$HOSTDIR"' EXIT
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$HOSTDIR/big"
head -c 100000 /dev/urandom >"$HOSTDIR/small"
printf 'version two\n' >"$HOSTDIR/v2"
copy() { fh copy-file "$@" 2>&1; }
status_of() { sed -n 's/.* status=\([^ ]*\).*/\1/p' <<<"$1"; }
gsha() { guest -t 120 "sha256sum '$1' | cut -d' ' -f1"; }
hsha() { sha256sum "$1" | cut -d' ' -f1; }
no_leftovers() { # what dir
	assert_eq "$(guest "ls -A '$2' | grep -c hvis-fcopy")" 0 "$1: no temporary file left in $2"
}

r=$(copy "$HOSTDIR/small" /tmp/in/small)
assert_eq "$(status_of "$r")" 0x80004005 "a copy before any daemon registered fails"
guest 'mkdir -p /tmp/in; hvis-fcopyd -n >/tmp/fcopyd.log 2>&1 &'
guest_until 20 'dmesg | grep -q "FCopy: daemon registered"' || fail "hvis-fcopyd did not register"
note "ok: hvis-fcopyd registered"

# The big file, byte for byte, with its throughput.
r=$(copy "$HOSTDIR/big" /tmp/in/big)
note "$r"
assert_eq "$(status_of "$r")" 0 "copy of a $MIB MiB file succeeds"
ms=$(sed -n 's/.* ms=\([0-9]*\).*/\1/p' <<<"$r")
note "throughput: $MIB MiB in $ms ms = $(awk -v m="$MIB" -v t="$ms" 'BEGIN { printf "%.2f", m * 1000 / (t ? t : 1) }') MiB/s"
assert_eq "$(gsha /tmp/in/big)" "$(hsha "$HOSTDIR/big")" "guest sha256 equals the host's ($MIB MiB)"
guest 'rm -f /tmp/in/big'
no_leftovers "after the copy" /tmp/in

# No overwrite unless asked.
assert_eq "$(status_of "$(copy "$HOSTDIR/small" /tmp/in/file)")" 0 "copy of a new file"
r=$(copy "$HOSTDIR/v2" /tmp/in/file)
assert_eq "$(status_of "$r")" 0x80070050 "a second copy without --overwrite: HV_ERROR_ALREADY_EXISTS"
assert_eq "$(gsha /tmp/in/file)" "$(hsha "$HOSTDIR/small")" "the existing file is unchanged"
r=$(copy "$HOSTDIR/v2" /tmp/in/file --overwrite)
assert_eq "$(status_of "$r")" 0 "with --overwrite it is replaced"
assert_eq "$(guest 'cat /tmp/in/file')" "version two" "the guest file has the new content"

# A cancelled copy leaves nothing.
r=$(copy "$HOSTDIR/small" /tmp/in/cancelled --cancel-after 40000)
assert_match "$r" 'status=0 bytes=[0-9]+ .*cancelled=1' "the host cancelled after 40000 bytes"
assert_guest "no partial file after CANCEL_FCOPY" '[ ! -e /tmp/in/cancelled ]'
no_leftovers "after the cancel" /tmp/in
assert_match "$(guest 'cat /tmp/fcopyd.log')" 'partial data removed' "the daemon logs the clean-up"

# Bad host input.
guest 'dmesg -c >/dev/null'
before=$(guest 'ls -lA /tmp/in /etc | md5sum')
r=$(copy --bad offset-past-end "$HOSTDIR/small" /tmp/in/holes)
assert_eq "$(status_of "$r")" 0x80070057 "a chunk past the end of the data: E_INVALIDARG"
r=$(copy --bad big-chunk "$HOSTDIR/small" /tmp/in/big-chunk)
assert_eq "$(status_of "$r")" 0x80070057 "a chunk larger than 6144 bytes: E_INVALIDARG"
assert_match "$(guest dmesg)" 'FCopy: host request refused \(op 1\): chunk larger than 6144 bytes' \
	"the driver logs the oversized chunk"
r=$(copy "$HOSTDIR/small" /tmp/in/../../etc/evil)
assert_eq "$(status_of "$r")" 0x80070057 "a path with '..': E_INVALIDARG"
assert_match "$(guest 'cat /tmp/fcopyd.log')" "unsafe path '/tmp/in/\.\./\.\./etc' \+ 'evil' refused" \
	"the daemon logs the unsafe path"
assert_match "$(guest 'cat /tmp/fcopyd.log')" 'WRITE_TO_FILE at 6144\+[0-9]+ refused' \
	"the daemon logs the chunk past the end"
r=$(copy --bad bad-name "$HOSTDIR/small" /tmp/in/name)
assert_eq "$(status_of "$r")" 0x80070057 "a file name that is not valid UTF-16: E_INVALIDARG"
assert_match "$(guest dmesg)" 'FCopy: host request refused \(op 0\): name is not NUL-terminated UTF-16' \
	"the driver logs the bad name"
assert_eq "$(guest 'ls -lA /tmp/in /etc | md5sum')" "$before" "bad input changed nothing in /tmp/in or /etc"

# Debian's hv_fcopy_daemon (hyperv-daemons, the pre-6.10 ABI) on the same device.
if [ -x /usr/sbin/hv_fcopy_daemon ]; then
	guest 'kill $(pidof hvis-fcopyd); sleep 0.5; dmesg -c >/dev/null; /usr/sbin/hv_fcopy_daemon -n >/tmp/hvfcopy.log 2>&1 &'
	guest_until 20 'dmesg | grep -q "FCopy: daemon registered (version 1)"' ||
		fail "hv_fcopy_daemon did not register"
	note "ok: Debian hv_fcopy_daemon registered"
	r=$(copy "$HOSTDIR/small" "/tmp/in/d$(printf '\xc3\xa9')bian")
	assert_eq "$(status_of "$r")" 0 "hv_fcopy_daemon: copy to a non-ASCII name succeeds"
	assert_eq "$(gsha "/tmp/in/d$(printf '\xc3\xa9')bian")" "$(hsha "$HOSTDIR/small")" \
		"hv_fcopy_daemon: the file arrives whole under its UTF-8 name"
	r=$(copy "$HOSTDIR/v2" "/tmp/in/d$(printf '\xc3\xa9')bian")
	assert_eq "$(status_of "$r")" 0x80070050 "hv_fcopy_daemon: no overwrite unless asked"
else
	note "skip: /usr/sbin/hv_fcopy_daemon not installed (hyperv-daemons)"
fi
assert_kernel_clean
