#!/usr/bin/env bash
# assemble.sh ROOTFS_DIR IMAGE
#
# Turns a (customised) rootfs directory into a raw disk image laid out like
# the device's SD card, in about ten seconds, with no loop devices and no
# mounting (neither is available in containers or CI, and both need
# cleanup when a build dies half-way):
#
#   0 - 4 MiB     MBR (dos) partition table, rest unused (alignment)
#   p1  256 MiB   FAT32 "bootfs"  <- ROOTFS_DIR/boot/firmware/  (mtools)
#   p2  N MiB     ext4  "rootfs"  <- ROOTFS_DIR minus boot/firmware/*
#                                    (mkfs.ext4 -d)
#   256 MiB       unpartitioned: the device's first boot creates its small
#                 writable data partition (p3) here
#
# Each filesystem is made in its own file and then dd'd into place.  The
# kernel and initrd are copied out to IMAGE.vmlinuz and IMAGE.initrd: QEMU
# -M virt boots them directly (boot.sh), there is no bootloader for it on
# the disk.
set -euo pipefail

SMOKE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$SMOKE_DIR/lib.sh"

# Layout, in MiB.  4 MiB alignment matches pi-gen and the erase-block size
# of common SD cards.
ALIGN_MIB=4
BOOT_MIB=256
FREE_TAIL_MIB=256
# Room for the ext4 metadata and for the files the image's first boots
# write, on top of the content: +25% + 64 MiB, rounded up to 4 MiB.
ROOT_EXTRA_PERCENT=25
ROOT_EXTRA_MIB=64

usage() {
	echo "usage: $SMOKE_PROG ROOTFS_DIR IMAGE" >&2
	exit 2
}

# newest VERSION of ROOT/boot/PREFIX-VERSION (the rootfs normally has one
# kernel; if an upgrade left two, boot the newest like the device would)
newest_in_boot() {
	local root=$1 prefix=$2 f
	# sort -V orders kernel versions correctly (6.1.0-9 < 6.1.0-10)
	f=$(find "$root/boot" -maxdepth 1 -name "$prefix-*" \( -type f -o -type l \) |
		sort -V | tail -n 1)
	[ -n "$f" ] || die "no $root/boot/$prefix-* in the rootfs (did base.sh install the kernel?)"
	echo "$f"
}

# make_bootfs FILE SRC_DIR
# FAT32 from a directory, with mtools instead of a mount.  MTOOLS_SKIP_CHECK
# keeps mtools from refusing an image whose geometry it does not recognise.
make_bootfs() {
	local file=$1 src=$2
	rm -f "$file"
	# Quiet unless it fails: it always warns that a lowercase label "might
	# not work", but "bootfs" is the label pi-gen and the device use.
	local out
	out=$(mkfs.vfat -F 32 -n bootfs -C "$file" $((BOOT_MIB * 1024)) 2>&1) ||
		die "mkfs.vfat failed: $out"
	local -a entries=()
	local e
	while IFS= read -r -d '' e; do
		entries+=("$e")
	done < <(find "$src" -mindepth 1 -maxdepth 1 -print0)
	if [ ${#entries[@]} -gt 0 ]; then
		# -s recursive, -p keep attributes, -m keep mtimes, -Q stop at the
		# first error instead of skipping a file silently
		MTOOLS_SKIP_CHECK=1 mcopy -s -p -m -Q -i "$file" "${entries[@]}" ::/
	else
		log "warning: $src is empty; bootfs will be empty"
	fi
}

# make_rootfs FILE ROOTFS_DIR
# ext4 filled by mkfs.ext4 -d, which (run as root) keeps owners, modes,
# xattrs (file capabilities) and hard links.  boot/firmware's content goes
# to the FAT partition instead, so it is removed again from the new
# filesystem with debugfs: cheaper than a staging copy of the whole rootfs,
# and it leaves the rootfs directory untouched.  The empty directory stays
# as the mount point of bootfs.
make_rootfs() {
	local file=$1 root=$2
	local content_kib fw_kib files mib
	content_kib=$(du -sk --one-file-system "$root" | cut -f1)
	fw_kib=$(du -sk "$root/boot/firmware" | cut -f1)
	content_kib=$((content_kib - fw_kib))
	mib=$(round_up_4mib $((content_kib * 1024 * (100 + ROOT_EXTRA_PERCENT) / 100 + ROOT_EXTRA_MIB * MIB)))
	# Enough inodes for the files plus the same margin: the default
	# bytes-per-inode ratio can run short on a rootfs of many small files.
	files=$(find "$root" -xdev | wc -l)
	ROOT_MIB=$mib
	rm -f "$file"
	truncate -s "${mib}M" "$file"
	mkfs.ext4 -q -F -L rootfs -N $((files * (100 + ROOT_EXTRA_PERCENT) / 100 + 4096)) \
		-d "$root" "$file"

	# debugfs commands to delete boot/firmware/*: files first, then the
	# directories deepest first (find -depth).
	local cmds="$file.debugfs" rel
	while IFS= read -r -d '' rel; do
		case "$rel" in
		*'"'* | *$'\n'*) die "unsupported file name in boot/firmware: $rel" ;;
		esac
		if [ -d "$root/$rel" ] && [ ! -L "$root/$rel" ]; then
			printf 'rmdir "/%s"\n' "$rel"
		else
			printf 'rm "/%s"\n' "$rel"
		fi
	done < <(cd "$root" && find boot/firmware -mindepth 1 -depth -print0) >"$cmds"
	if [ -s "$cmds" ]; then
		debugfs -w -f "$cmds" "$file" >/dev/null 2>"$cmds.err" ||
			die "debugfs failed: $(cat "$cmds.err")"
		# debugfs reports a failed command on stderr but still exits 0
		if grep -v '^debugfs ' "$cmds.err" | grep -q .; then
			die "debugfs: $(cat "$cmds.err")"
		fi
	fi
	rm -f "$cmds" "$cmds.err"
	# Proves the debugfs surgery left a consistent filesystem (-n: check
	# only).  Exit 0 means clean.
	e2fsck -fn "$file" >/dev/null 2>&1 || die "e2fsck found errors in $file after the build"
}

main() {
	[ $# -eq 2 ] || usage
	local root=$1 image=$2
	[ -d "$root" ] || die "not a directory: $root"
	[ -d "$root/boot/firmware" ] || die "no $root/boot/firmware (not a base.sh rootfs?)"
	[ -d "$(dirname "$image")" ] || die "directory of $image does not exist"
	# As root mkfs.ext4 -d copies the owners; as a user every file of the
	# image would belong to that user.
	need_root "mkfs.ext4 -d must preserve file ownership"
	need_tool sfdisk fdisk
	need_tool mkfs.vfat dosfstools
	need_tool mcopy mtools
	need_tool mkfs.ext4 e2fsprogs
	need_tool debugfs e2fsprogs
	need_tool e2fsck e2fsprogs
	# mkfs.ext4 -d copies whatever it finds, including a /proc or /dev
	# that a chroot step left mounted inside the rootfs.
	local abs_root mounted
	abs_root=$(cd "$root" && pwd -P)
	mounted=$(awk -v r="$abs_root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts)
	[ -z "$mounted" ] || die "still mounted inside the rootfs, unmount first: $(echo "$mounted" | tr '\n' ' ')"

	local t0
	t0=$(date +%s)
	local work
	work=$(mktemp -d "${image}.parts.XXXXXX")
	# shellcheck disable=SC2064  # expand now
	trap "rm -rf '$work'" EXIT

	local vmlinuz initrd
	vmlinuz=$(newest_in_boot "$root" vmlinuz)
	initrd=$(newest_in_boot "$root" initrd.img)

	step_begin "bootfs (FAT32, $BOOT_MIB MiB)"
	make_bootfs "$work/bootfs.img" "$root/boot/firmware"
	step_end

	step_begin "rootfs (ext4)"
	ROOT_MIB=0
	make_rootfs "$work/rootfs.img" "$root"
	step_end

	step_begin "disk image"
	local p1_start=$ALIGN_MIB
	local p2_start=$((p1_start + BOOT_MIB))
	local total_mib=$((p2_start + ROOT_MIB + FREE_TAIL_MIB))
	rm -f "$image"
	# Sparse: the free tail and the filesystems' unused blocks take no
	# disk space on the build machine.
	truncate -s "${total_mib}M" "$image"
	# sfdisk works on a plain file.  Sizes in sectors of 512 bytes.
	# Type c = FAT32 LBA (what the Pi's boot ROM looks for), 83 = Linux.
	local spm=$((MIB / 512))
	sfdisk --quiet --no-reread --no-tell-kernel "$image" <<-EOF
		label: dos
		unit: sectors

		start=$((p1_start * spm)), size=$((BOOT_MIB * spm)), type=c
		start=$((p2_start * spm)), size=$((ROOT_MIB * spm)), type=83
	EOF
	dd if="$work/bootfs.img" of="$image" bs=1M seek="$p1_start" conv=notrunc,sparse status=none
	dd if="$work/rootfs.img" of="$image" bs=1M seek="$p2_start" conv=notrunc,sparse status=none
	step_end

	cp "$vmlinuz" "$image.vmlinuz"
	cp "$initrd" "$image.initrd"

	log "partitions: p1 bootfs ${p1_start}+${BOOT_MIB} MiB, p2 rootfs ${p2_start}+${ROOT_MIB} MiB, free tail ${FREE_TAIL_MIB} MiB"
	log "image: $image, $total_mib MiB ($(du -h "$image" | cut -f1) on disk, sparse)"
	log "kernel: $image.vmlinuz (${vmlinuz##*/}), initrd: $image.initrd (${initrd##*/})"
	log "assemble total: $(($(date +%s) - t0)) s"
}

main "$@"
