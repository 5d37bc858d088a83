#!/bin/bash
# Console video: hvis_video drives the synthetic video device with its VRAM in the
# link's shared region.  fbcon sits on fb0 of the hvis DRM device; a pattern the guest
# writes into /dev/fb0 comes back pixel for pixel in `ctl screenshot`'s PNG; modetest
# switches to 800x600 and both `ctl screen` and the guest's DRM state say so, and
# fbcon's mode returns when it exits; bad host answers (a resolution list of 65, a
# VRAM ack naming another address) are refused naming the field; unload/reload and
# rescind/re-offer leave no memory behind.
# kernels: all
source "$(dirname "$0")/../qemu/lib.sh"

FH_DEVICES=heartbeat,shutdown,video
# Exported: mkinitramfs.sh, a child of vm_start, copies the tools it names.
export HVIS_GUEST_TOOLS="${HVIS_GUEST_TOOLS:-} modetest"
W=1024 H=768 BANDS=8
vm_start "$KVER"
vm_load_vmbus
assert_guest "modprobe hvis_video" modprobe hvis_video
wait_driver_bound hvis_video

# fbcon on fb0, fb0 on the hvis device.
assert_guest "fb0 belongs to hvis_video" \
	'[ "$(basename $(readlink /sys/class/graphics/fb0/device/driver))" = hvis_video ]'
assert_guest "fbcon is bound to a frame buffer" \
	'grep -l "frame buffer" /sys/class/vtconsole/vtcon*/name | while read f; do [ "$(cat ${f%name}bind)" = 1 ] && echo y; done | grep -q y'
note "guest fb0: $(guest 'cat /proc/fb; cat /sys/class/graphics/fb0/virtual_size /sys/class/graphics/fb0/stride' | tr '\n' ' ')"
screen() { fh screen; }
wait_for 20 "host shows ${W}x${H}" eval '[ "$(kv "$(screen)" width)" = $W ] && [ "$(kv "$(screen)" height)" = $H ]'
s=$(screen)
note "host: $s"
assert_match "$s" "state=ready version=3\.5 active=1 .*depth=32 pitch=$((W * 4)) vram_gpa=0x[0-9a-f]+ vram_bytes=8388608" "host screen state"
assert_match "$(guest dmesg | grep hvis_video)" "4 mode\(s\) up to 1280x1024, 1024x768 preferred, 8 MiB VRAM" "guest took the host's resolution list"

# The pattern: BANDS horizontal bands; in band b pixel x is (B, G, R, X) =
# (10 + 60 * (x % 4), 5 + 30 * b, 255 - 30 * b, 0), written with dd into /dev/fb0.
# Each write() spans 16 lines: the fbdev helper turns a write() of exactly one whole
# line into an empty damage rectangle (drm_fb_helper.c
# drm_fb_helper_memory_range_to_clip: x2 = (end % line_length) * 8 / bpp = 0), so
# with bs = pitch (4096 at 1024x768) no damage reaches the driver and nothing is copied
# to the VRAM, on 6.1 and 6.12 alike.
guest 'echo 0 > /sys/class/graphics/fbcon/cursor_blink' || true
dirt0=$(kv "$(screen)" dirt_msgs)
assert_guest "pattern written to /dev/fb0" "
	set -e; rm -f /tmp/pat
	b=0; while [ \$b -lt $BANDS ]; do
		u=''; k=0; while [ \$k -lt 4 ]; do
			u=\"\$u\$(printf '\\\\%03o\\\\%03o\\\\%03o\\\\000' \$((10 + 60 * k)) \$((5 + 30 * b)) \$((255 - 30 * b)))\"
			k=\$((k + 1))
		done
		printf \"\$u\" > /tmp/row; i=16
		while [ \$i -lt $((W * 4)) ]; do cat /tmp/row /tmp/row > /tmp/row2; mv /tmp/row2 /tmp/row; i=\$((i * 2)); done
		r=0; while [ \$r -lt $((H / BANDS)) ]; do cat /tmp/row; r=\$((r + 1)); done >> /tmp/pat
		b=\$((b + 1))
	done
	[ \$(wc -c < /tmp/pat) = $((W * H * 4)) ]
	dd if=/tmp/pat of=/dev/fb0 bs=$((W * 4 * 16)) 2>/dev/null"
# The fbdev emulation flushes damage from a worker: look again until it arrived.
shot=$VM_DIR/screen.png
for i in $(seq 50); do
	out=$(fh screenshot "$shot" 2>&1) && out=$("$HVIS_TOP/tests/e2e/png_pattern.py" "$shot" $W $H $BANDS)
	[ "$out" = match ] && break
	sleep 0.2
done
if [ "$out" != match ]; then
	cp "$shot" "$VM_DIR/screen.png.log" 2>/dev/null
	fail "screenshot pixels do not match the pattern: $out"
fi
note "ok: screenshot pixels match the pattern"
s=$(screen)
note "host after the pattern: $s"
assert_ge "$(kv "$s" dirt_msgs)" $((dirt0 + 1)) "dirty rectangles reached the host"

# A resolution change through DRM: modetest holds 800x600 while its stdin is open.
conn=$(guest "modetest -M hvis_video -c | awk '/^[0-9]+\t/ { print \$1; exit }'")
[[ $conn =~ ^[0-9]+$ ]] || fail "no connector from modetest -c: $conn"
guest "(sleep 60 | modetest -M hvis_video -s $conn:800x600 > /tmp/modetest.log 2>&1 &) ; true"
wait_for 20 "host shows 800x600" eval '[ "$(kv "$(screen)" width)" = 800 ] && [ "$(kv "$(screen)" height)" = 600 ]'
guest_until 10 'grep -q "mode: \"800x600\"" /sys/kernel/debug/dri/*/state' ||
	fail "guest DRM state has no 800x600 mode: $(guest 'cat /sys/kernel/debug/dri/*/state' | head -20)"
note "ok: guest DRM state shows 800x600"
fh screenshot "$VM_DIR/800.png" >/dev/null || fail "no screenshot at 800x600"
assert_match "$(file "$VM_DIR/800.png")" "800 x 600" "screenshot follows the mode"
guest 'kill $(pidof modetest) $(pidof sleep) 2>/dev/null; true'
wait_for 20 "fbcon's ${W}x${H} is back" eval '[ "$(kv "$(screen)" width)" = $W ]'

relid_of_video() { guest_relid_of hvis_video; }
cycle() { # rescind and re-offer, then unload and reload
	local relid
	relid=$(relid_of_video) || fail "no video device"
	assert_fh "rescind video $relid" rescind "$relid"
	guest_until 15 '[ ! -e /sys/class/graphics/fb0 ]' || fail "fb0 still there after the rescind"
	assert_fh "offer video again" offer video
	wait_driver_bound hvis_video
	guest_until 15 '[ -e /sys/class/graphics/fb0 ]' || fail "no fb0 after the re-offer"
	assert_guest "rmmod hvis_video" rmmod hvis_video
	guest '[ ! -e /sys/class/graphics/fb0 ]' || fail "fb0 still there after rmmod"
	assert_guest "modprobe hvis_video" modprobe hvis_video
	wait_driver_bound hvis_video
}
cycle
mem0=$(guest_kmem)
for i in 1 2 3; do cycle; done
assert_kmem_flat "$mem0" "$(guest_kmem)" "3 rescind/re-offer and reload cycles"

# Bad host answers: a 65-entry resolution list, then a VRAM ack naming another address.
assert_fh "inject a bad resolution list" video-inject bad-resolutions
relid=$(relid_of_video)
fh rescind "$relid" >/dev/null && fh offer video >/dev/null || fail "re-offer for the bad list"
wait_driver_bound hvis_video
assert_match "$(guest dmesg | grep hvis_video)" "RESOLUTION_RESPONSE refused: bad resolution_count" \
	"65-entry list refused naming the field"
assert_match "$(guest dmesg | grep hvis_video | tail -n 1)" "1 mode\(s\) up to 1600x1200" \
	"the refused list leaves the WIN8 default mode"
assert_fh "inject a bad VRAM ack" video-inject bad-ack
relid=$(relid_of_video)
fh rescind "$relid" >/dev/null && fh offer video >/dev/null || fail "re-offer for the bad ack"
guest_until 20 'dmesg | grep -q "bad user_ctx"' || fail "the wrong VRAM ack was not refused"
note "ok: VRAM ack with another address refused naming user_ctx"
guest '[ ! -e /sys/class/graphics/fb0 ]' || fail "fb0 exists although the VRAM was refused"
assert_eq "$(guest echo alive)" alive "guest answers after the refusals"
assert_kernel_clean
