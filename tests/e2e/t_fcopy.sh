#!/bin/bash
# Host-to-guest file copy: `ctl copy-file` delivers a file byte for byte (sha256)
# through hvis_fcopy and hvis-fcopyd and reports the throughput; an existing file is
# not overwritten unless the host asks; a cancelled copy leaves nothing behind; bad
# host input (a chunk past the end of the data, an oversized chunk, a path that
# escapes with "..", a name that is not valid UTF-16) gets an error back and changes
# nothing; a local user's symbolic links cannot redirect a copy (a path through a
# link is refused with E_ACCESSDENIED and nothing is written at the link's target; a
# directory swapped for a link during a copy does not move the copy); Debian's
# hv_fcopy_daemon works against the same device.  FCOPY_MIB sets the size
# of the big file in MiB (default 100: about 14 s of copying under TCG).
source "$(dirname "$0")/../qemu/lib.sh"

MIB=${FCOPY_MIB:-100}
FH_DEVICES="heartbeat,shutdown,fcopy"
vm_start "$KVER"
vm_load_vmbus
wait_driver_bound hvis_fcopy
assert_guest "/dev/vmbus/hv_fcopy exists" '[ -c /dev/vmbus/hv_fcopy ]'

HOSTDIR=$(mktemp -d)
HVIS_CLEANUP+=("$HOSTDIR")
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

# A local user (uid 1000) who owns a directory on the host's path.
guest 'echo "u:x:1000:1000:u:/home/u:/bin/sh" >>/etc/passwd; echo "u:x:1000:" >>/etc/group
	mkdir -p /home/u /root/.ssh /root/swap && chown 1000:1000 /home/u && chmod 700 /root/.ssh
	echo secret >/root/victim'
asuser() { guest "su -s /bin/sh u -c '$1'"; }
asuser 'ln -s /root/.ssh /home/u/.ssh && ln -s /etc /home/u/etc && mkdir /home/u/d /home/u/d2 &&
	ln -s /root/victim /home/u/d/f'
assert_eq "$(guest 'stat -c %U /home/u/.ssh /home/u/etc /home/u/d/f | sort -u')" u "the user made the links"
before=$(guest 'ls -lAR /root /etc | md5sum')
r=$(copy "$HOSTDIR/small" /home/u/.ssh/authorized_keys)
assert_eq "$(status_of "$r")" 0x80070005 "a copy into ~/.ssh, a link to /root/.ssh: E_ACCESSDENIED"
assert_match "$(guest 'cat /tmp/fcopyd.log')" \
	'START_FILE_COPY refused: /home/u/.ssh has a symbolic link \(or a non-directory\) in its path' \
	"the daemon says why"
assert_guest "nothing written in /root/.ssh" '[ -z "$(ls -A /root/.ssh)" ]'
r=$(copy "$HOSTDIR/small" /home/u/etc/cron.d/evil --create-path)
assert_eq "$(status_of "$r")" 0x80070005 "--create-path through a link to /etc: E_ACCESSDENIED"
assert_guest "nothing made under /etc" '[ ! -e /etc/cron.d ]'
r=$(copy "$HOSTDIR/v2" /home/u/d/f --overwrite)
assert_eq "$(status_of "$r")" 0 "--overwrite of a link named as the file replaces the link itself"
assert_eq "$(guest 'cat /root/victim; [ -L /home/u/d/f ] || cat /home/u/d/f')" "secret
version two" "the link's target is untouched, the file is new"
# The user swaps the directory for a link while the data flows: the file still lands
# in the directory the copy started in.
head -c $((20 * 1024 * 1024)) /dev/urandom >"$HOSTDIR/mid"
guest "su -s /bin/sh u -c 'while [ ! -e /home/u/d2/.x.hvis-fcopy ]; do usleep 2000; done
	mv /home/u/d2 /home/u/d2.old && ln -s /root/swap /home/u/d2 && echo swapped' >/tmp/swap.log 2>&1 &"
r=$(copy "$HOSTDIR/mid" /home/u/d2/x)
assert_eq "$(guest 'cat /tmp/swap.log')" swapped "the user swapped /home/u/d2 for a link to /root/swap during the copy"
assert_eq "$(status_of "$r")" 0 "the copy completes"
assert_eq "$(gsha /home/u/d2.old/x)" "$(hsha "$HOSTDIR/mid")" "the file is in the directory the copy started in"
assert_eq "$(guest 'ls -lAR /root /etc | md5sum')" "$before" "nothing changed in /root or /etc"

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
