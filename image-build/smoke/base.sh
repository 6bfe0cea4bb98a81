#!/usr/bin/env bash
# base.sh OUT_DIR
#
# Builds the cached base root filesystem of the QEMU smoke image: a real
# arm64 Debian bookworm system (minbase + systemd + the device's package
# list + the Debian arm64 kernel and the Raspberry Pi firmware), bootstrapped
# on this x86_64 host with mmdebstrap under qemu-user emulation.  The result
# is OUT_DIR/base-<key>.tar, a tar of the rootfs (pax format with xattrs;
# extract as root with `tar -xpf F --xattrs --xattrs-include='*'
# --numeric-owner`).  Its path is the last line on stdout.
#
# <key> is the first 12 hex digits of sha256(base.sh + 00-packages): the
# build takes minutes under emulation (about 5 here; 20+ without the
# initramfs and eatmydata tricks below), so a tarball whose inputs have not
# changed is reused ("cached").  Anything that changes what the rootfs
# contains must therefore live in this file or in the package list.
#
# What happens next (not here): another script copies the rootfs, runs the
# project's install script in it, writes /etc/fstab, then assemble.sh makes
# the disk image and boot.sh boots it.
#
# Internally mmdebstrap re-runs this script as its customize hooks
# (`base.sh --hook STEP ROOT`), so that each step is a plain bash function
# with its own timing instead of a shell one-liner in a quoted option.
set -euo pipefail

SMOKE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$SMOKE_DIR/lib.sh"

SELF="$SMOKE_DIR/${BASH_SOURCE[0]##*/}"
PACKAGES_FILE="$SMOKE_DIR/../stage-companion/00-companion/00-packages"

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security

# What the first apt run installs on top of minbase.  systemd-sysv is the
# init, udev populates /dev/disk/by-label for root=LABEL=rootfs, python3-venv
# and ca-certificates are what the project's install script builds the app's
# venv with.  zstd: the initramfs compressor (see hook_initramfs_config).
BASE_INCLUDE=systemd-sysv,udev,python3-venv,ca-certificates,zstd

# The kernel comes in two apt runs, in this order, on purpose: with the
# kernel installed before (or in the same run as) initramfs-tools and
# raspi-firmware, the initramfs is generated twice, and each generation took
# ~16 minutes under qemu-user with the default MODULES=most.  Installing the
# tools first lets the kernel's postinst generate it once, after the
# smaller configuration below is in place.
FIRMWARE_PKGS=(initramfs-tools raspi-firmware firmware-brcm80211)
KERNEL_PKGS=(linux-image-arm64)

# The only modules the initramfs needs: those to find and mount the root
# filesystem on QEMU's `-M virt` (virtio disk on PCI or MMIO, ext4).  With
# MODULES=list only these and their dependencies are copied and depmod'ed,
# instead of ~3000 modules under emulation.  Names that are built into the
# kernel are skipped by mkinitramfs.  This initramfs is for the smoke image
# only: the real Raspberry Pi image is built by pi-gen with its own kernel.
INITRAMFS_MODULES=(
	virtio_pci virtio_mmio virtio_blk virtio_scsi sd_mod
	ext4 crc32c_generic libcrc32c
)

usage() {
	echo "usage: $SMOKE_PROG OUT_DIR" >&2
	exit 2
}

# --- hooks: run by mmdebstrap inside its temporary chroot, ROOT is $1 -------

# apt-get inside the chroot.  --force-confold keeps the config files this
# script wrote before the package that owns them was installed (the
# raspi-firmware defaults); --no-install-recommends keeps apparmor & co. off
# the image.  (pi-gen installs 00-packages with recommends; the device needs
# none of them, and mmdebstrap's --include takes none either.)
chroot_apt_install() {
	local root=$1
	shift
	chroot "$root" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confold "$@"
}

hook_firmware() {
	local root=$1
	log "bootstrap (minbase + base packages + device packages): $(($(date +%s) - SMOKE_BASE_T0)) s"
	step_begin "firmware (${FIRMWARE_PKGS[*]})"
	# Pre-seeded before raspi-firmware is installed so its kernel hook
	# writes a cmdline.txt that finds the root filesystem by label (the
	# label assemble.sh and pi-gen give it) instead of /dev/mmcblk0p2.
	cat >"$root/etc/default/raspi-firmware" <<-'EOF'
		# Written by image-build/smoke/base.sh.
		# Used by /etc/kernel/postinst.d/z50-raspi-firmware to write
		# /boot/firmware/cmdline.txt and config.txt.
		ROOTPART=LABEL=rootfs
	EOF
	chroot_apt_install "$root" "${FIRMWARE_PKGS[@]}"
	step_end
}

hook_initramfs_config() {
	local root=$1
	step_begin "initramfs config"
	local compress=gzip
	# zstd is in BASE_INCLUDE; the check keeps the build working if it is
	# ever dropped.  Bookworm's kernel (6.1) can unpack zstd initramfs.
	if [ -x "$root/usr/bin/zstd" ]; then
		compress=zstd
	fi
	mkdir -p "$root/etc/initramfs-tools/conf.d"
	cat >"$root/etc/initramfs-tools/conf.d/smoke-qemu" <<-EOF
		# Written by image-build/smoke/base.sh: a small initramfs for QEMU
		# -M virt, generated in about a minute under emulation.
		MODULES=list
		COMPRESS=$compress
		COMPRESSLEVEL=1
		# No swap to resume from; skips probing for one.
		RESUME=none
		# There is no /etc/fstab yet to read the root type from; without
		# this the initramfs has no fsck and skips checking the root.
		FSTYPE=ext4
	EOF
	{
		echo "# Written by image-build/smoke/base.sh: QEMU -M virt root disk."
		printf '%s\n' "${INITRAMFS_MODULES[@]}"
	} >"$root/etc/initramfs-tools/modules"
	step_end
}

hook_kernel() {
	local root=$1
	step_begin "kernel (${KERNEL_PKGS[*]}, incl. one initramfs generation)"
	chroot_apt_install "$root" "${KERNEL_PKGS[@]}"
	step_end
	ls "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-* >/dev/null 2>&1 ||
		die "kernel step left no /boot/vmlinuz-* and /boot/initrd.img-*"
	[ -d "$root/boot/firmware" ] || die "raspi-firmware left no /boot/firmware"
}

hook_finish() {
	local root=$1
	step_begin "finish"
	echo companion >"$root/etc/hostname"
	# Debian's convention for a host without a fixed IP: the name must
	# resolve without DNS or sudo and others stall.
	cat >"$root/etc/hosts" <<-'EOF'
		127.0.0.1	localhost
		127.0.1.1	companion
		::1		localhost ip6-localhost ip6-loopback
		ff02::1		ip6-allnodes
		ff02::2		ip6-allrouters
	EOF
	# Empty, not missing: on a read-only root systemd then generates a
	# machine ID per boot and mounts it over the file, which it cannot do
	# without a file to mount over.  (mmdebstrap empties it too; this
	# makes sure.)
	: >"$root/etc/machine-id"
	# The host's resolv.conf leaks in during the build; the device gets
	# its own at run time.
	rm -f "$root/etc/resolv.conf"
	# Keep the tar small.  mmdebstrap also removes the lists and the
	# package cache after the last hook; the install script that runs on a
	# copy of this rootfs must `apt-get update` before installing anything.
	chroot "$root" apt-get clean
	rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
	date +%s >"$SMOKE_BASE_TMP/customized"
	step_end
}

run_hook() {
	[ $# -eq 2 ] || usage
	local step=$1 root=$2
	[ -d "$root" ] || die "hook $step: no chroot directory $root"
	case "$step" in
	firmware) hook_firmware "$root" ;;
	initramfs-config) hook_initramfs_config "$root" ;;
	kernel) hook_kernel "$root" ;;
	finish) hook_finish "$root" ;;
	*) die "unknown hook $step" ;;
	esac
}

# --- main --------------------------------------------------------------------

# One package per line; blank lines and # comments ignored (pi-gen's format).
# Printed comma-separated for mmdebstrap --include.
read_package_list() {
	local line pkg list=
	local -a words
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		# Split on whitespace (read -a does not glob, unlike a bare $line):
		# a line may name several packages, as pi-gen allows.
		read -r -a words <<<"$line"
		for pkg in "${words[@]}"; do
			list="$list${list:+,}$pkg"
		done
	done <"$1"
	echo "$list"
}

# Binfmt support for running arm64 binaries in the chroot.  binfmt_misc is
# not always mounted in containers and CI machines.
setup_binfmt() {
	if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
			die "cannot mount binfmt_misc (needs a privileged root)"
	fi
	# Fails harmlessly if already enabled; the check below is what counts.
	update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
	grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null ||
		die "qemu-aarch64 binfmt handler not enabled: apt install qemu-user-static binfmt-support"
}

main() {
	[ $# -eq 1 ] || usage
	local out_dir=$1
	need_root "mmdebstrap --mode=root"
	need_tool mmdebstrap mmdebstrap
	need_tool arch-test arch-test
	need_tool update-binfmts binfmt-support
	need_tool qemu-aarch64-static qemu-user-static
	need_tool sha256sum coreutils
	[ -f "$PACKAGES_FILE" ] || die "package list not found: $PACKAGES_FILE"

	local key tar
	key=$(cat "$SELF" "$PACKAGES_FILE" | sha256sum | cut -c1-12)
	mkdir -p "$out_dir"
	out_dir=$(cd "$out_dir" && pwd)
	tar="$out_dir/base-$key.tar"
	if [ -s "$tar" ]; then
		log "cached: $tar"
		echo "$tar"
		return 0
	fi

	local packages
	packages=$(read_package_list "$PACKAGES_FILE")
	[ -n "$packages" ] || die "package list is empty: $PACKAGES_FILE"
	log "building $tar"
	log "device packages: $packages"

	local t0
	t0=$(date +%s)
	setup_binfmt

	# Hooks run as separate processes; they get what they need through the
	# environment (mmdebstrap keeps the caller's variables, except TMPDIR).
	SMOKE_BASE_TMP=$(mktemp -d)
	SMOKE_BASE_T0=$t0
	SMOKE_BASE_SELF=$SELF
	export SMOKE_BASE_TMP SMOKE_BASE_T0 SMOKE_BASE_SELF
	# Written under a temporary name and renamed on success, so an
	# interrupted build never looks like a cached one.
	local partial="$out_dir/.base-$key.partial.tar"
	# shellcheck disable=SC2064  # expand now: the trap runs after main returns
	trap "rm -rf '$SMOKE_BASE_TMP' '$partial'" EXIT

	# The hook strings are run by sh with the chroot as $1; single quotes
	# keep the variables for that sh to expand.  Through bash, so that a
	# checkout without the executable bit still works.
	# shellcheck disable=SC2016
	local hook='bash "$SMOKE_BASE_SELF" --hook'
	# The eatmydata hook directory wraps dpkg so its fsync()s are no-ops: a
	# large share of dpkg's time under emulation.  It goes after our hooks
	# so that its customize script (which removes the wrapper) runs last.
	mmdebstrap --mode=root --arch=arm64 --variant=minbase \
		--format=tar \
		--include="$BASE_INCLUDE,$packages" \
		--customize-hook="$hook firmware \"\$1\"" \
		--customize-hook="$hook initramfs-config \"\$1\"" \
		--customize-hook="$hook kernel \"\$1\"" \
		--customize-hook="$hook finish \"\$1\"" \
		--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
		"$SUITE" "$partial" \
		"deb $MIRROR $SUITE main non-free-firmware" \
		"deb $MIRROR $SUITE-updates main non-free-firmware" \
		"deb $SECURITY_MIRROR $SUITE-security main non-free-firmware" \
		>&2

	local t1
	t1=$(date +%s)
	if [ -f "$SMOKE_BASE_TMP/customized" ]; then
		log "step pack tar (mmdebstrap cleanup + tar): $((t1 - $(cat "$SMOKE_BASE_TMP/customized"))) s"
	fi
	mv "$partial" "$tar"
	log "base total: $((t1 - t0)) s, $(du -h "$tar" | cut -f1) $tar"
	echo "$tar"
}

if [ "${1:-}" = --hook ]; then
	shift
	run_hook "$@"
else
	main "$@"
fi
