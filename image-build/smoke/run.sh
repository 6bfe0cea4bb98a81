#!/bin/bash
# The whole smoke path in one command: build, assemble, boot in QEMU, check.
#
#   sudo image-build/smoke/run.sh [OUT_DIR]        (default OUT_DIR: out/smoke)
#
# 1. base.sh: an arm64 Debian bookworm root with the stage's package list and
#    a kernel (cached by content; ~5 min the first time).
# 2. install-companion.sh: the same install script the pi-gen stage runs.
# 3. The smoke-only parts: a boot-partition companion.toml selecting fake
#    hardware with two scripted questions, and two check units.
# 4. assemble.sh, then boot.sh: the first boot makes the data partition,
#    starts companion.service, which must report READY over sd_notify and
#    answer the scripted press; smoke-check prints SMOKE-PASS or SMOKE-FAIL.
# 5. The power is pulled (QEMU killed, no shutdown) and the image booted
#    again: it must come up the same, remembering the volume it was given.
#
# Not the shipped image: Debian's kernel has no Pi camera drivers.  What it
# proves is the install script, the service, first boot and power pulls.
set -euo pipefail

SMOKE_DIR=$(cd "$(dirname "$0")" && pwd)
IMAGE_BUILD=$(dirname "$SMOKE_DIR")
REPO=$(dirname "$IMAGE_BUILD")
OUT=$(realpath -m "${1:-$REPO/out/smoke}")
CACHE=${COMPANION_SMOKE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pocket-companion-smoke}
BOOT_TIMEOUT=${COMPANION_SMOKE_TIMEOUT:-1800}
GUEST=$SMOKE_DIR/guest

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$SMOKE_DIR/lib.sh"
need_root "it builds a root filesystem with real owners"
# Every step's tools (base.sh, assemble.sh, boot.sh and this script), at once.
need_tools ssh-keygen:openssh-client mcopy:mtools partx:util-linux \
	mmdebstrap:mmdebstrap arch-test:arch-test update-binfmts:binfmt-support \
	qemu-aarch64-static:qemu-user-static sha256sum:coreutils \
	sfdisk:fdisk mkfs.vfat:dosfstools mkfs.ext4:e2fsprogs debugfs:e2fsprogs \
	e2fsck:e2fsprogs qemu-system-aarch64:qemu-system-arm awk:mawk
t_start=$(date +%s)
mkdir -p "$OUT" "$CACHE"

step_begin base
base_tar=$("$SMOKE_DIR/base.sh" "$CACHE" | tail -n 1)
step_end

step_begin wheelhouse
"$IMAGE_BUILD/make-wheelhouse.sh" "$OUT/wheelhouse" 3.11 >&2
step_end

step_begin install
root=$OUT/root
rm -rf "$root"
mkdir -p "$root"
tar -xpf "$base_tar" -C "$root" --xattrs --xattrs-include='*' --numeric-owner
# pi-gen's stage1 writes this fstab (with PARTUUIDs); Debian's base has none.
# The labels are assemble.sh's.  install-companion.sh makes both read-only.
printf '%s\n' "proc /proc proc defaults 0 0" \
    "LABEL=bootfs /boot/firmware vfat defaults 0 2" \
    "LABEL=rootfs / ext4 defaults,noatime 0 1" >"$root/etc/fstab"
"$IMAGE_BUILD/install-companion.sh" "$root" "$OUT/wheelhouse"
step_end

step_begin smoke-parts
install -m 0644 "$GUEST/companion.toml" "$root/boot/firmware/companion.toml"
install -m 0755 "$GUEST/smoke-check" "$root/usr/local/sbin/smoke-check"
install -m 0644 "$GUEST/smoke-before.service" "$GUEST/smoke-check.service" "$root/etc/systemd/system/"
systemctl --root="$root" --quiet enable smoke-before.service smoke-check.service
# The units against the real target tree: every ExecStart= exists there.
systemd-analyze verify --root="$root" /etc/systemd/system/companion.service \
    /etc/systemd/system/companion-data.service /etc/systemd/system/companion-boot-setup.service \
    2>&1 | grep -i companion && die "systemd-analyze verify found problems in the units"
step_end

step_begin assemble
"$SMOKE_DIR/assemble.sh" "$root" "$OUT/smoke.img"
step_end

# The kernel command line a Raspberry Pi's cmdline.txt would hold, for QEMU's
# virt board: the root by label, the serial console.
boot_and_check() {
    local log=$1
    rm -f "$log"
    step_begin "boot ($(basename "$log" .log))"
    "$SMOKE_DIR/boot.sh" "$OUT/smoke.img" "$log" "$BOOT_TIMEOUT" -- fsck.repair=yes
    step_end
    grep -E "SMOKE|companion" "$log" | tail -n 40 >&2
}

boot_and_check "$OUT/serial-boot1.log"
# boot.sh killed QEMU the moment SMOKE-PASS appeared: no shutdown, as when a
# pocket device's battery is pulled.  Boot again and check it all again,
# this time with an SSH key and Wi-Fi settings dropped onto the boot
# partition, as a user would from a PC: SSH must come up with a host key made
# on the device.
rm -f "$OUT/smoke_key" "$OUT/smoke_key.pub"
ssh-keygen -q -t ed25519 -N "" -C smoke -f "$OUT/smoke_key"
boot_offset=$(($(partx -g -o START -n 1 "$OUT/smoke.img") * 512))
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$OUT/smoke.img@@$boot_offset" "$OUT/smoke_key.pub" ::/ssh_authorized_keys
# And Wi-Fi settings (the smoke image has no NetworkManager: the check is that
# they reach /run, where NetworkManager reads them, with owner-only access).
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$OUT/smoke.img@@$boot_offset" "$GUEST/wifi.nmconnection" ::/wifi.nmconnection
boot_and_check "$OUT/serial-boot2.log"
grep -q "SMOKE ssh.service: active" "$OUT/serial-boot2.log" \
    || die "the second boot did not turn SSH on with the boot partition's key"
grep -q 'SMOKE state before: {"volume": 0.95}' "$OUT/serial-boot2.log" \
    || die "the second boot did not remember the volume set in the first"
grep -q 'SMOKE state after: {"volume": 1.0}' "$OUT/serial-boot2.log" \
    || die "the second boot's scripted question did not change the volume"
log "remembered across the power pull: $(grep -o 'SMOKE state before: .*' "$OUT/serial-boot2.log")"
log "smoke path passed in $(($(date +%s) - t_start)) s; serial logs in $OUT"
