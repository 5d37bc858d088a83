# kdump-initrds.sh: a piece of hvis-dkms's postinst and postrm (scripts/mkdeb.sh puts it
# where they say @INCLUDE kdump-initrds.sh@; a removed package's files are gone by the
# time its postrm runs, so it cannot be a file the scripts call).
#
# kdump-tools keeps an initramfs of its own for the crash kernel of each kernel
# (/var/lib/kdump/initrd.img-<kernel>, made by its kernel hook from a copy of
# /etc/initramfs-tools), which update-initramfs leaves alone.  One made before hvis was
# installed has no hvis modules, so a crash kernel could not reach a root disk on
# hvis_storvsc to write the dump: each one that exists is made again by the same hook.
# It takes effect when kdump-tools next loads the crash kernel (the next boot).
kdump_initrds() {
	kd_hook=/etc/kernel/postinst.d/kdump-tools
	[ -x "$kd_hook" ] || return 0
	for kd_img in /var/lib/kdump/initrd.img-*; do
		if [ -L "$kd_img" ] || [ ! -f "$kd_img" ]; then
			continue
		fi
		kd_kver=${kd_img#/var/lib/kdump/initrd.img-}
		[ -d "/lib/modules/$kd_kver" ] || continue
		"$kd_hook" "$kd_kver" ||
			echo "hvis-dkms: kdump-tools' initramfs for $kd_kver was not rebuilt" >&2
	done
}
