#!/bin/bash
# Crash dump with Debian's kdump-tools to the hvis root disk, as a user sets it up.
#
#   1. The kdump variant of the install test's root fs (kdump-tools, makedumpfile,
#      kexec-tools; tests/install/mkrootfs-variant.sh) on an ext4 disk image.  In a chroot,
#      kdump-tools' kernel hook makes its crash-kernel initramfs
#      (/var/lib/kdump/initrd.img-KVER) before hvis is installed, as on a machine that had
#      kdump already: it holds no hvis module.  `apt-get install` of hvis-dkms and
#      hvis-tools: the package's postinst makes that image again, now with hvis_vmbus,
#      hvis_storvsc and sd_mod (and the harness's hvis_vmbus_fakehost, listed in
#      /etc/initramfs-tools/modules, which kdump-tools copies).  The guest panics on an
#      unknown NMI (kernel.unknown_nmi_panic=1 in /etc/sysctl.d, a user's setting; on
#      Hyper-V it is how Debug-VM -InjectNonMaskableInterrupt gets a dump).
#   2. Boot from the hvis disk with crashkernel=256M (the harness boots Debian's kernel
#      directly, so the command line comes from QEMU, not from a boot loader).
#      kdump-tools.service loads the crash kernel: `kdump-config status` says "ready to
#      kdump".
#   3. `ctl nmi` (QMP inject-nmi): the kernel panics and kexecs the crash kernel with
#      kdump-tools' command line (systemd.unit=kdump-tools-dump.service, nr_cpus=1,
#      reset_devices).  No UNLOAD came (no crash_kexec_post_notifiers): the crash kernel's
#      hvis_vmbus attaches to a host that still has the old channels and GPADLs, and its
#      INITIATE_CONTACT makes the host reset them.  Its initramfs mounts the root fs from
#      the hvis disk; kdump-config savecore runs makedumpfile into /var/crash/<stamp>/ and
#      reboots.
#   4. After the reboot (a real one: QEMU without -no-reboot) the test finds the dump as a
#      user would: one /var/crash/<stamp>/ with dump.<stamp> (makedumpfile's flattened
#      format, "-F -c -d 31" by default) and dmesg.<stamp>; `makedumpfile -R` turns it
#      into a kdump-compressed file that `file` names, whose kernel log (read back out of
#      the dump by makedumpfile --dump-dmesg) holds the NMI panic line.
# Needs root (chroot, loop mount).  Prints phase times.
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/lib.sh"

FH_DEVICES="heartbeat,shutdown"
VM_QMP=1
VM_REBOOT=1
DISK_APPEND="crashkernel=256M"
# The normal kernel, its crash kernel, then the normal kernel again, all under TCG.  The
# first boot also loads the crash kernel before basic.target (kdump-tools.service): on a
# loaded 2-core machine its agent came up after 111 to 248 s of uptime.
VM_BOOT_TIMEOUT=600
VM_FIRST_BOOT_TIMEOUT=300
# Smallest dump accepted: the kernel's own pages, compressed, come to far more.
MIN_DUMP_MB=8

[ "$(id -u)" = 0 ] || skip "needs root (chroot, loop mount)"
for c in mkfs.ext4 dpkg-deb; do
	command -v $c >/dev/null || skip "$c missing (make deps)"
done

install_run_dir kdump
KDUMP_INITRD=/var/lib/kdump/initrd.img-$KVER

# kdump_initrd_modules: the .ko files in kdump-tools' crash-kernel initramfs (chroot).
kdump_initrd_modules() {
	in_disk lsinitramfs "$KDUMP_INITRD" | grep -oE '[^/]+\.ko(\.[a-z]+)?$' | sed 's/\.ko.*//' | sort -u | tr '\n' ' '
}

step "build packages"
"$HVIS_TOP/scripts/mkdeb.sh" --guest-only "$RUN/debs" >/dev/null 2>"$RUN/mkdeb.log" ||
	fail "make deb: $(tail -n 5 "$RUN/mkdeb.log")"

step "root fs (kdump variant, cached)"
ROOTFS=$("$HVIS_TOP/tests/install/mkrootfs-variant.sh" "$KVER" kdump) || fail "mkrootfs-variant.sh $KVER kdump failed"
note "root fs: $ROOTFS"

step "disk image, kdump-tools' initramfs before hvis (chroot)"
disk_create "$ROOTFS" "$IMG"
disk_mount "$IMG"
harness_install
mkdir -p "$DISK_MNT/root/debs"
cp -a "$RUN/debs/." "$DISK_MNT/root/debs/"
echo 'kernel.unknown_nmi_panic = 1' >"$DISK_MNT/etc/sysctl.d/90-nmi-panic.conf"
assert_match "$(in_disk sh -c '. /etc/default/kdump-tools; echo "USE_KDUMP=$USE_KDUMP"')" '^USE_KDUMP=1$' \
	"kdump-tools is enabled (USE_KDUMP=1, the package's default)"
out=$(in_disk /etc/kernel/postinst.d/kdump-tools "$KVER" 2>&1) ||
	fail "kdump-tools' kernel hook failed: $(tail -n 5 <<<"$out")"
mods=$(kdump_initrd_modules)
note "kdump initramfs before hvis: $(wc -w <<<"$mods") modules"
assert_no_match " $mods" ' hvis_' "kdump-tools' initramfs holds no hvis module before hvis is installed"

step "apt install hvis (chroot, DKMS build)"
in_disk sh -c 'apt-get install -y /root/debs/hvis-dkms_*.deb /root/debs/hvis-tools_*.deb' \
	>"$RUN/apt.log" 2>&1 || { tail -n 30 "$RUN/apt.log" | sed 's/^/# /'; fail "apt-get install failed"; }
assert_match "$(cat "$RUN/apt.log")" "kdump-tools: Generating $(re "$KDUMP_INITRD")" \
	"hvis-dkms's postinst had kdump-tools make its initramfs again"
mods=$(kdump_initrd_modules)
for m in hvis_vmbus hvis_vmbus_fakehost hvis_storvsc sd_mod ext4; do
	assert_match " $mods" " $m " "kdump-tools' initramfs holds $m"
done
assert_no_match " $mods" ' (hv_vmbus|hv_storvsc) ' "kdump-tools' initramfs holds no in-tree hv_vmbus or hv_storvsc"
# kdump-config load makes its image again when /etc/kdump/sysctl.conf differs from the
# copy it keeps from its last load; a machine that had kdump loaded before has that copy.
# Without it the first boot spends minutes in mkinitramfs under TCG (before basic.target)
# and loads an image built in the guest instead of the one the postinst made.
in_disk cp /etc/kdump/sysctl.conf "/var/lib/kdump/latest_sysctls-$KVER"
cksum_pi=$(cksum <"$DISK_MNT$KDUMP_INITRD")
cp "$DISK_MNT/boot/initrd.img-$KVER" "$RUN/initrd"
disk_umount

step "boot (root on the hvis disk, crashkernel=256M)"
disk_boot "$KVER" "$IMG" "$RUN/initrd" hvis
note "guest booted to its agent in ${VM_BOOT_SECS}s"
assert_eq "$(guest findmnt -n -o SOURCE /)" /dev/sda "root fs on the hvis disk"
assert_ge "$(guest cat /sys/kernel/kexec_crash_size)" $((256 << 20)) "crash kernel memory reserved (bytes)"
assert_eq "$(guest sysctl -n kernel.unknown_nmi_panic)" 1 "kernel.unknown_nmi_panic"

step "kdump-tools loads the crash kernel"
guest_until 600 'kdump-config status | grep -q "ready to kdump"' ||
	fail "kdump-config status: $(guest 'kdump-config status; systemctl status --no-pager kdump-tools 2>&1 | tail -n 15' | tr '\n' '|')"
note "$(guest kdump-config status | grep state)"
note "kdump-tools.service: $(guest 'systemctl show -p ActiveEnterTimestampMonotonic,ExecMainStartTimestampMonotonic kdump-tools' | tr '\n' ' ')"
note "crash kernel: $(guest 'cat /var/crash/kexec_cmd')"
out=$(guest "lsinitramfs $KDUMP_INITRD | grep -oE '[^/]+\.ko(\.[a-z]+)?\$'")
for m in hvis_vmbus_fakehost hvis_storvsc sd_mod; do
	assert_match "$out" "^$m\.ko" "the loaded crash initramfs holds $m"
done
assert_eq "$(guest "cksum <$KDUMP_INITRD")" "$cksum_pi" "the loaded crash initramfs is the one hvis-dkms's postinst made"
assert_match "$(guest cat /var/crash/kexec_cmd)" "--initrd=/var/lib/kdump/initrd\.img " "kdump-config loaded kdump-tools' initramfs"
assert_eq "$(guest readlink -f /var/lib/kdump/initrd.img)" "$KDUMP_INITRD" "/var/lib/kdump/initrd.img points at it"
assert_eq "$(guest 'ls /var/crash | grep -c "^2" || true')" 0 "no dump in /var/crash yet"

step "NMI -> crash kernel -> dump -> reboot"
serial_off=$(stat -c %s "$VM_DIR/serial.log")
unloads=$(fh_event_count UNLOAD)
t_nmi=$SECONDS
assert_fh "fh nmi" nmi
# The crash kernel's transport attaches without a detach; its INITIATE_CONTACT resets.
wait_for 300 "host: the crash kernel's hvis_vmbus attached (reattach=1)" \
	eval 'grep -w GUEST_ATTACHED "$VM_DIR/events.log" | grep -q "reattach=1"'
note "time: NMI -> crash kernel attached $((SECONDS - t_nmi))s"
wait_for 120 "host: its INITIATE_CONTACT reset the old connection" \
	eval 'grep -w VMBUS_RESET "$VM_DIR/events.log" | grep -q "reason=initiate_contact"'
t_att=$SECONDS
wait_for 900 "the crash kernel saved the dump (serial console)" \
	eval 'tail -c "+$serial_off" "$VM_DIR/serial.log" | grep -aq "saved vmcore in"'
note "time: crash kernel attached -> vmcore saved $((SECONDS - t_att))s"
t_saved=$SECONDS
vm_wait_ready 2 || fail "the guest did not come back after the dump"
note "time: vmcore saved -> rebooted to the agent $((SECONDS - t_saved))s"
note "time: NMI -> back to the agent $((SECONDS - t_nmi))s"
assert_eq "$(fh_event_count UNLOAD)" "$((unloads + 1))" "host: one UNLOAD since the NMI (the crash kernel's reboot, none from the panic)"
log=$(tail -c "+$serial_off" "$VM_DIR/serial.log" | tr -d '\r')
assert_no_match "$log" 'makedumpfile failed|failed to save' "kdump-tools reported no failure"
# The panic prints its own trace; beyond it neither the crash kernel nor the next boot
# may complain, and after the dump (the reboot and the next boot) nothing at all.
assert_no_match "$log" 'WARNING:|BUG:|Oops|general protection fault|UBSAN:|KASAN:|refcount_t:|list_(add|del) corruption|blocked for more' \
	"no kernel warning, oops or BUG after the NMI"
after=$(sed -n '/saved vmcore in/,$p' <<<"$log" | tail -n +2)
assert_no_match "$after" "$BAD_KERNEL_LINES" "no kernel complaint from the crash kernel's reboot on"

step "the dump, after the reboot"
assert_eq "$(guest findmnt -n -o SOURCE /)" /dev/sda "root fs on the hvis disk"
assert_eq "$(guest 'ls -d /var/crash/2* | wc -l')" 1 "dump directories in /var/crash"
dir=$(guest 'ls -d /var/crash/2*')
assert_match "$dir" '^/var/crash/2[0-9]{11}$' "the dump directory is /var/crash/<stamp>: $dir"
stamp=${dir##*/}
assert_eq "$(guest "ls $dir | sort | tr '\n' ' '")" "dmesg.$stamp dump.$stamp " "files in $dir"
size=$(guest "stat -c %s $dir/dump.$stamp")
assert_ge "$((size >> 20))" "$MIN_DUMP_MB" "dump.$stamp size (MiB)"
assert_eq "$(guest "head -c 12 $dir/dump.$stamp")" makedumpfile "dump.$stamp is in makedumpfile's flattened format"
assert_guest "makedumpfile -R rebuilds the dump file" \
	"makedumpfile -R /var/tmp/vmcore <$dir/dump.$stamp"
out=$(guest 'file -b /var/tmp/vmcore')
note "file: $out"
assert_match "$out" "^Kdump compressed dump v[0-9]+, system Linux, node hvis-guest, release $(re "$KVER"),.* machine x86_64" \
	"file names a kdump-compressed dump of this guest's kernel"
assert_guest "makedumpfile --dump-dmesg reads the kernel log out of the dump" \
	'makedumpfile --dump-dmesg /var/tmp/vmcore /var/tmp/dmesg.fromdump'
assert_guest "the log in the dump holds the NMI panic" \
	'grep -q "Kernel panic - not syncing: NMI" /var/tmp/dmesg.fromdump'
assert_guest "the log in the dump shows hvis_storvsc's controller" 'grep -q "hvis_storvsc .*VSTOR [0-9]" /var/tmp/dmesg.fromdump'
assert_guest "dmesg.$stamp (kdump-tools' copy of the log) holds the NMI panic" \
	"grep -q 'Kernel panic - not syncing: NMI' $dir/dmesg.$stamp"
note "dump: $((size >> 20)) MiB; panic line: $(guest "grep -m1 'Kernel panic' $dir/dmesg.$stamp")"
note "journal boots: $(guest "journalctl --list-boots --no-pager 2>&1 | wc -l")"
guest rm -f /var/tmp/vmcore /var/tmp/dmesg.fromdump >/dev/null

step "shutdown"
assert_fh "fh shutdown" shutdown
vm_wait_exit 180 || fail "guest did not power off within 180 s of ctl shutdown (status $?)"
vm_stop

step_report
