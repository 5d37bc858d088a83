#!/bin/bash
# Secure Boot: a Debian 12 guest booted by UEFI firmware with Secure Boot enforced loads the
# hvis modules DKMS signed with its MOK, and refuses a module signed with another key and
# an unsigned one.
#
#   1. `make deb`; the root fs variant "secureboot" (tests/install/mkrootfs-variant.sh: the
#      install test's root fs plus Debian's signed shim and GRUB, mokutil, keyutils) on an
#      ext4 disk image; in a chroot, `apt-get install ./hvis-dkms ./hvis-tools`: DKMS makes
#      its MOK (/var/lib/dkms/mok.{key,pub}), signs the modules with it, update-initramfs
#      puts them in the initramfs.  Two copies of hvis_balloon (a module nothing loads
#      here) are made beside them: one without its signature, one signed with a throw-away
#      key (the kernel headers' scripts/sign-file).
#   2. An ESP (vfat, on virtio-blk): Debian's signed shim as \EFI\BOOT\BOOTX64.EFI, Debian's
#      signed GRUB beside it, a grub.cfg (\EFI\debian, GRUB's prefix), Debian's signed
#      kernel and the disk's initramfs; root=UUID= of the disk image, which the fake host
#      serves as an hvis SCSI disk (the firmware cannot read it, the initramfs can).
#   3. OVMF's secure-boot firmware (SMM, secure pflash) with a copy of its varstore that has
#      Microsoft's keys enrolled and Secure Boot on (OVMF_VARS_4M.ms.fd), plus the DKMS
#      certificate in shim's MokList (virt-fw-vars --add-mok): the firmware checks shim
#      (Microsoft's CA), shim checks GRUB and the kernel (Debian's CA), the kernel checks
#      modules against the MOK that shim hands it (MokListRT).
#   4. In the booted guest: Secure Boot on (mokutil, the kernel's log), the kernel locked
#      down (integrity), the DKMS certificate enrolled and loaded into a kernel keyring, the
#      root fs on the hvis disk through the DKMS-signed hvis_vmbus(_fakehost) and
#      hvis_storvsc loaded from the initramfs, no module taint; insmod of the DKMS-signed
#      hvis_balloon works, of the other-key and the unsigned copies fails, and neither loads.
# Needs root (chroot, loop mounts) and the firmware tools (make deps).  Prints phase times.
# tier: all
source "$(dirname "$0")/../qemu/lib.sh"
source "$(dirname "$0")/lib.sh"

FH_DEVICES="heartbeat,shutdown"
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
# shim's vendor GUID: MokList's namespace and the owner of the entries mokutil writes
# (shim's include/guid.h, SHIM_LOCK_GUID).
SHIM_GUID=605dab50-e046-4300-abb6-3dd810dd8b23
# The module the refusal checks load: nothing in this guest loads it by itself.
PROBE=hvis_balloon

[ "$(id -u)" = 0 ] || skip "needs root (chroot, loop mount)"
for f in "$OVMF_CODE" "$OVMF_VARS"; do
	[ -r "$f" ] || skip "$f missing (make deps: ovmf)"
done
for c in virt-fw-vars mkfs.vfat mcopy mmd mkfs.ext4 dpkg-deb openssl; do
	command -v $c >/dev/null || skip "$c missing (make deps)"
done

install_run_dir sb

step "build packages"
"$HVIS_TOP/scripts/mkdeb.sh" --guest-only "$RUN/debs" >/dev/null 2>"$RUN/mkdeb.log" || fail "make deb: $(tail -n 5 "$RUN/mkdeb.log")"

step "root fs (cached variant secureboot)"
ROOTFS=$("$HVIS_TOP/tests/install/mkrootfs-variant.sh" "$KVER" secureboot) || fail "mkrootfs-variant.sh $KVER secureboot failed"
note "root fs: $ROOTFS"

step "disk image, apt install (chroot, DKMS build and signing)"
disk_create "$ROOTFS" "$IMG"
disk_mount "$IMG"
harness_install
cp -a "$RUN/debs" "$DISK_MNT/root/debs"
in_disk sh -c 'apt-get install -y /root/debs/hvis-dkms_*.deb /root/debs/hvis-tools_*.deb' \
	>"$RUN/apt.log" 2>&1 || { tail -n 30 "$RUN/apt.log" | sed 's/^/# /'; fail "apt-get install failed"; }
[ -s "$DISK_MNT/var/lib/dkms/mok.pub" ] || fail "DKMS made no MOK (/var/lib/dkms/mok.pub)"
openssl x509 -inform der -in "$DISK_MNT/var/lib/dkms/mok.pub" -out "$RUN/mok.pem" ||
	fail "/var/lib/dkms/mok.pub is not a DER certificate"
MOK_CN=$(openssl x509 -in "$RUN/mok.pem" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= //p')
note "DKMS MOK: CN=$MOK_CN"
assert_eq "$(in_disk modinfo -k "$KVER" -F signer hvis_storvsc)" "$MOK_CN" "hvis_storvsc is signed with the DKMS MOK"

# The two copies of the probe module (step 1).  A signed module ends with its signature,
# a struct module_signature whose last field is the signature's length (big-endian u32)
# and the 28-byte marker (include/linux/module_signature.h); the unsigned copy is the
# module with those cut off.
mod=$(in_disk modinfo -k "$KVER" -n "$PROBE") || fail "modinfo -n $PROBE: $mod"
mkdir -p "$DISK_MNT/root/sb"
case $mod in
*.ko) cp "$DISK_MNT$mod" "$DISK_MNT/root/sb/signed.ko" ;;
*.ko.xz) xz -dc "$DISK_MNT$mod" >"$DISK_MNT/root/sb/signed.ko" ;;
*.ko.zst) zstd -qdc "$DISK_MNT$mod" >"$DISK_MNT/root/sb/signed.ko" ;;
*) fail "$PROBE: unexpected module file $mod" ;;
esac
f=$DISK_MNT/root/sb/signed.ko
size=$(stat -c %s "$f")
[ "$(tail -c 28 "$f")" = "~Module signature appended~" ] || fail "$mod has no appended signature"
siglen=$(od -An -tu1 -j $((size - 32)) -N 4 "$f" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
head -c $((size - 28 - 12 - siglen)) "$f" >"$DISK_MNT/root/sb/unsigned.ko"
cp "$DISK_MNT/root/sb/unsigned.ko" "$DISK_MNT/root/sb/other.ko"
in_disk sh -c "cd /root/sb && openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
	-subj '/CN=hvis test throw-away key/' -outform DER -keyout other.key -out other.der 2>/dev/null &&
	/lib/modules/$KVER/build/scripts/sign-file sha256 other.key other.der other.ko" ||
	fail "signing a copy of $PROBE with a throw-away key failed"
assert_eq "$(in_disk modinfo -F signer /root/sb/unsigned.ko)" "" "the unsigned copy has no signature"
assert_eq "$(in_disk modinfo -F signer /root/sb/other.ko)" "hvis test throw-away key" "the other copy is signed with the throw-away key"
rm -f "$DISK_MNT/root/sb/other.key"

step "ESP and varstore"
for f in /usr/lib/shim/shimx64.efi.signed /usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed \
	"/boot/vmlinuz-$KVER" "/boot/initrd.img-$KVER"; do
	[ -s "$DISK_MNT$f" ] || fail "the root fs has no $f"
done
cat >"$RUN/grub.cfg" <<-EOF
	set default=0
	set timeout=0
	menuentry "Debian $KVER" {
		linux /vmlinuz root=UUID=$DISK_UUID rw console=ttyS0 quiet panic=-1
		initrd /initrd.img
	}
EOF
esp_mb=$((($(stat -c %s "$DISK_MNT/boot/vmlinuz-$KVER") + $(stat -c %s "$DISK_MNT/boot/initrd.img-$KVER")) / 1048576 + 24))
truncate -s "${esp_mb}M" "$RUN/esp.img"
mkfs.vfat -n HVIS-ESP "$RUN/esp.img" >/dev/null || fail "mkfs.vfat failed"
export MTOOLS_SKIP_CHECK=1
mmd -i "$RUN/esp.img" ::/EFI ::/EFI/BOOT ::/EFI/debian &&
	mcopy -i "$RUN/esp.img" "$DISK_MNT/usr/lib/shim/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI &&
	mcopy -i "$RUN/esp.img" "$DISK_MNT/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi &&
	mcopy -i "$RUN/esp.img" "$RUN/grub.cfg" ::/EFI/debian/grub.cfg &&
	mcopy -i "$RUN/esp.img" "$DISK_MNT/boot/vmlinuz-$KVER" ::/vmlinuz &&
	mcopy -i "$RUN/esp.img" "$DISK_MNT/boot/initrd.img-$KVER" ::/initrd.img ||
	fail "filling the ESP failed"
cp "$OVMF_VARS" "$RUN/vars.fd"
virt-fw-vars -i "$RUN/vars.fd" -o "$RUN/vars.fd" --add-mok "$SHIM_GUID" "$RUN/mok.pem" >"$RUN/vars.log" 2>&1 ||
	fail "virt-fw-vars --add-mok failed: $(tail -n 3 "$RUN/vars.log")"
out=$(virt-fw-vars -i "$RUN/vars.fd" --print --verbose 2>&1 | awk '/^name=/ { on = /^name=MokList guid=guid:Shim / } on')
assert_match "$out" "subject CN=$(re "$MOK_CN")\$" "the varstore's MokList (shim's GUID) holds the DKMS certificate"
disk_umount

step "boot under OVMF, Secure Boot on (root on the hvis disk)"
FH_ARGS+=(--disks "0:0:0=$IMG")
FH_DEVICES=$FH_DEVICES,scsi VM_NO_KERNEL=1 VM_BOOT_TIMEOUT=400 VM_FIRST_BOOT_TIMEOUT=240 \
	vm_start "$KVER" -machine smm=on -global driver=cfi.pflash01,property=secure,value=on \
	-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
	-drive "if=pflash,format=raw,unit=1,file=$RUN/vars.fd" \
	-drive "file=$RUN/esp.img,if=virtio,format=raw,readonly=on"
note "guest booted to its agent in ${VM_BOOT_SECS}s"
assert_match "$(tr -d '\r' <"$VM_DIR/serial.log")" "Booting .Debian $(re "$KVER")" "the firmware ran GRUB (serial log)"

step "checks"
assert_eq "$(guest uname -r)" "$KVER" "guest kernel"
assert_match "$(guest mokutil --sb-state 2>&1)" "SecureBoot enabled" "mokutil --sb-state"
assert_match "$(guest cat /sys/kernel/security/lockdown)" '\[integrity\]' "the kernel is locked down (integrity)"
guest 'dmesg >/tmp/boot.dmesg'
out=$(guest cat /tmp/boot.dmesg)
assert_match "$out" "secureboot: Secure boot enabled" "dmesg: Secure boot enabled"
assert_match "$out" "Kernel is locked down from EFI Secure Boot" "dmesg: locked down from EFI Secure Boot"
assert_match "$(guest mokutil --test-key /var/lib/dkms/mok.pub 2>&1)" "is already enrolled" \
	"mokutil: the DKMS certificate is enrolled"
assert_match "$out" "Loaded X\.509 cert '$(re "$MOK_CN")" \
	"dmesg: the kernel loaded the DKMS certificate"
note "$(grep -E 'X\.509|MokList' <<<"$out" | sed 's/^\[[ 0-9.]*\] //')"
keys=$(guest 'for k in .builtin_trusted_keys .secondary_trusted_keys .machine .platform; do
	echo "$k: $(keyctl list %:$k 2>&1 | tr "\n" "|")"; done')
note "keyrings:"
note "$keys"
# shim hands the kernel its MOK list as trusted (MokListTrustedRT): the certificate goes to the
# .machine keyring, which .secondary_trusted_keys (what module signatures are checked
# against) links.
assert_match "$(grep '^\.machine:' <<<"$keys")" "asymmetric: $(re "$MOK_CN"): " "the .machine keyring holds the DKMS certificate"
assert_match "$(grep '^\.secondary_trusted_keys:' <<<"$keys")" "keyring: \.machine\|" ".secondary_trusted_keys links .machine"

assert_eq "$(guest findmnt -n -o SOURCE,FSTYPE /)" "/dev/sda ext4" "root fs (findmnt /)"
out=$(guest 'v=$(readlink -f /sys/block/sda/device/../../..); basename "$(readlink "$v/driver")"')
assert_eq "$out" hvis_storvsc "sda sits on a VMBus SCSI controller bound to hvis_storvsc"
for m in hvis_vmbus hvis_vmbus_fakehost hvis_storvsc; do
	assert_guest "$m is loaded" "[ -d /sys/module/$m ]"
	assert_eq "$(guest modinfo -F signer "$m")" "$MOK_CN" "$m's signer"
done
out=$(guest 'grep -n -m1 -e hvis -e "Vmbus version" /tmp/boot.dmesg | cut -d: -f1; grep -n -m1 "systemd\[1\]" /tmp/boot.dmesg | cut -d: -f1')
[ "$(sed -n 1p <<<"$out")" -lt "$(sed -n 2p <<<"$out")" ] 2>/dev/null ||
	fail "hvis_vmbus did not load in the initramfs (dmesg lines: $(echo $out))"
note "ok: hvis_vmbus loaded from the initramfs (dmesg line $(sed -n 1p <<<"$out") < systemd's $(sed -n 2p <<<"$out"))"
# Taint bit 13 (E): a module without a valid signature was loaded.
assert_eq "$(( $(guest cat /proc/sys/kernel/tainted) >> 13 & 1 ))" 0 "no unsigned-module taint"
assert_guest "$PROBE is not loaded before the probes" "[ ! -d /sys/module/$PROBE ]"

step "module refusals"
for c in other unsigned; do
	out=$(guest "insmod /root/sb/$c.ko 2>&1; echo rc=\$?")
	note "insmod $c.ko: $(tr '\n' ' ' <<<"$out")"
	assert_no_match "$out" 'rc=0$' "insmod of the $c copy of $PROBE fails"
	assert_match "$out" 'Key was rejected by service' "insmod of the $c copy: EKEYREJECTED"
	assert_guest "$PROBE is not loaded after the $c copy" "[ ! -d /sys/module/$PROBE ]"
done
out=$(guest 'dmesg | tail -n 20')
assert_match "$out" "Loading of module with unavailable key is rejected" "dmesg: the other-key copy is rejected"
assert_match "$out" "Loading of unsigned module is rejected" "dmesg: the unsigned copy is rejected"
assert_eq "$(( $(guest cat /proc/sys/kernel/tainted) >> 13 & 1 ))" 0 "still no unsigned-module taint"
out=$(guest "insmod /root/sb/signed.ko 2>&1; echo rc=\$?")
assert_match "$out" 'rc=0$' "insmod of the DKMS-signed $PROBE works: $(tr '\n' ' ' <<<"$out")"
assert_guest "$PROBE is loaded" "[ -d /sys/module/$PROBE ]"
assert_guest "rmmod $PROBE" "rmmod $PROBE"

step "shutdown"
assert_fh "fh shutdown" shutdown
vm_wait_exit 180 || fail "guest did not power off within 180 s of ctl shutdown (status $?)"
note "ok: guest powered off after ctl shutdown"
assert_kernel_clean
vm_stop

step_report
