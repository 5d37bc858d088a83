#!/bin/bash
# kexec, kdump and the panic log, in one chain of three kernels:
# 1. The first kernel drives an hvis disk and NIC, then `kexec -e`s the same kernel and
#    initramfs (read back from the hvis disk).  On the way out hvis_vmbus UNLOADs (the
#    transport's shutdown), so the host has no channel left when the link detaches.
# 2. The second kernel (crashkernel= reserved) connects, its disk and NIC work; it loads
#    a crash kernel with `kexec -p`.  `ctl nmi` (QMP inject-nmi) panics it; without
#    crash_kexec_post_notifiers the crash kernel starts before any panic notifier, so
#    no UNLOAD is sent: the host still holds the old channels and GPADLs.
# 3. The crash kernel's hvis_vmbus attaches again (the host keeps the VMBus state, as
#    Hyper-V's SynIC does), its INITIATE_CONTACT makes the host reset the old connection
#    (as OpenVMM's vmbus_server: channels released, then the contact answered), the disk
#    works and the start of /proc/vmcore (an ELF core header) lands on the hvis disk,
#    where the host finds it.
# 4. The last kernel's NMI panic (the crash kernel's; in make check, which stops after
#    step 1, the second kernel's, with no crash kernel loaded): its panic notifier
#    UNLOADs by polling, its kmsg dumper hands the host the log page, and `ctl crash-log`
#    shows the panic line.
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/storvsc_lib.sh"
source "$(dirname "$0")/net_lib.sh"

VM_SMP=2
VM_QMP=1
export HVIS_GUEST_KMODS="sd_mod"
export HVIS_GUEST_TOOLS="kexec ip"
FH_DEVICES="heartbeat,shutdown,scsi,nic"
IMG=$(disk_image kexec.img 64M)
FH_ARGS=(--disks "0:0:0=$IMG")
INITRD_OFF_MB=16
CORE_OFF_MB=56
net_setup
vm_start "$KVER"
kernel=$(kernel_image "$KVER")
ksize=$(stat -c %s "$kernel")
isize=$(stat -c %s "$VM_DIR/initrd.gz")
[ $((isize >> 20)) -lt $((CORE_OFF_MB - INITRD_OFF_MB)) ] || fail "initramfs of $isize bytes does not fit the disk layout"
# The disk holds the next kernel at 0 and the initramfs at 16 MiB.
dd if="$kernel" of="$IMG" conv=notrunc status=none || fail "writing the kernel to $IMG"
dd if="$VM_DIR/initrd.gz" of="$IMG" bs=1M seek=$INITRD_OFF_MB conv=notrunc status=none ||
	fail "writing the initramfs to $IMG"

# bring_up BOOT [nic] [read]: bus and disk of this kernel, the NIC up, the kernel and
# initramfs read back from the disk to /tmp.
bring_up() {
	local sd boot=$1
	shift
	vm_load_vmbus
	storvsc_wait_bound 1
	sd=$(wait_guest_disk 0 0 0)
	assert_eq "$sd" sda "boot $boot: LUN 0:0:0 is sda"
	if [[ " $* " == *" read "* ]]; then
		assert_guest "boot $boot: kernel and initramfs read from the hvis disk" \
			"head -c $ksize /dev/sda >/tmp/vmlinuz && dd if=/dev/sda bs=1M skip=$INITRD_OFF_MB 2>/dev/null | head -c $isize >/tmp/initrd"
		assert_eq "$(guest 'md5sum </tmp/vmlinuz')" "$(md5sum <"$kernel")" "boot $boot: the kernel read back"
	fi
	if [[ " $* " == *" nic "* ]]; then
		wait_driver_bound hvis_netvsc
		net_guest_up
	fi
}

# Sends CMD to the agent without waiting: the kernel it runs in does not come back.
guest_detach() {
	printf '%s %s\n' "detach.$RANDOM" "$(echo "$1" | base64 -w0)" >&"$AGENT_FD"
}

# panic_report: an NMI panics the running kernel (none loaded for kdump); the host gets
# an UNLOAD and the panic log, and QEMU exits (panic=-1, -no-reboot).
panic_report() {
	local unloads
	unloads=$(fh_event_count UNLOAD)
	assert_guest "unknown NMIs panic" 'echo 1 >/proc/sys/kernel/unknown_nmi_panic'
	assert_fh "fh nmi" nmi
	fh_wait_event CRASH_NOTIFY 30
	vm_wait_exit 60 >/dev/null || fail "QEMU did not exit after the panic"
	assert_eq "$(fh_event_count UNLOAD)" $((unloads + 1)) "host: the panic notifier's UNLOAD"
	assert_match "$(grep -w CRASH_NOTIFY "$VM_DIR/events.log")" 'msg=1 bytes=[1-9]' "host: a panic log page"
	crash=$(fh crash-log) || fail "fh crash-log: $crash"
	assert_match "$crash" 'Kernel panic - not syncing: NMI' "ctl crash-log shows the panic line"
	assert_match "$(tr -d '\r' <"$VM_DIR/serial.log")" 'panic: VMBus unloaded' "the panic path's UNLOAD was answered"
}

bring_up 1 nic read
cmdline=$(guest 'cat /proc/cmdline')
assert_guest "kexec -l the same kernel with crashkernel=192M" \
	"kexec -l /tmp/vmlinuz --initrd=/tmp/initrd --append='$cmdline crashkernel=192M hvis.boot=2'"
guest_detach 'kexec -e'
vm_wait_ready 2 || fail "the kexec'd kernel did not come up"
assert_match "$(guest 'cat /proc/cmdline')" 'hvis.boot=2' "boot 2 is the kexec'd kernel"

if [ "$HVIS_E2E_TIER" = check ]; then
	bring_up 2 nic
else
	bring_up 2 nic read
fi
ev=$(grep -wE 'UNLOAD|GUEST_DETACHED|GUEST_ATTACHED' "$VM_DIR/events.log" | awk '{print $2}' | tr '\n' ' ')
assert_match "$ev" 'GUEST_ATTACHED UNLOAD GUEST_DETACHED GUEST_ATTACHED' "host: UNLOAD before the link detached, then a new attach"
assert_eq "$(fh_event_count VERSION_NEGOTIATED)" 2 "host: two VMBus connections so far"
if [ "$HVIS_E2E_TIER" = check ]; then
	panic_report
	exit 0
fi

assert_ge "$(guest 'cat /sys/kernel/kexec_crash_size')" 1 "boot 2 reserved crash kernel memory"
assert_guest "kexec -p the crash kernel" \
	"kexec -p /tmp/vmlinuz --initrd=/tmp/initrd --append='$cmdline nr_cpus=1 reset_devices hvis.boot=3'"
assert_guest "unknown NMIs panic" 'echo 1 >/proc/sys/kernel/unknown_nmi_panic'
unloads=$(fh_event_count UNLOAD)
assert_fh "fh nmi" nmi
vm_wait_ready 3 || fail "the crash kernel did not come up"
assert_match "$(guest 'cat /proc/cmdline')" 'hvis.boot=3' "boot 3 is the crash kernel"
assert_eq "$(fh_event_count UNLOAD)" "$unloads" "no UNLOAD before the crash kernel (no crash_kexec_post_notifiers)"

bring_up 3
assert_match "$(grep -w GUEST_ATTACHED "$VM_DIR/events.log" | tail -n 1)" 'reattach=1' \
	"host: the crash kernel attached without a detach"
assert_match "$(grep -w VMBUS_RESET "$VM_DIR/events.log" | tail -n 1)" 'reason=initiate_contact' \
	"host: the new INITIATE_CONTACT reset the old connection"
assert_guest "the start of /proc/vmcore written to the hvis disk" \
	"dd if=/proc/vmcore of=/dev/sda bs=1M seek=$CORE_OFF_MB count=1 conv=fsync 2>/dev/null"
# e_ident: ELF magic, ELFCLASS64, little-endian, EV_CURRENT; e_type ET_CORE (4).
assert_eq "$(dd if="$IMG" bs=1M skip=$CORE_OFF_MB count=1 status=none | head -c 18 | od -An -tx1 | tr -d ' \n')" \
	7f454c460201010000000000000000000400 "host: the dump on the disk is an ELF64 core"
panic_report
