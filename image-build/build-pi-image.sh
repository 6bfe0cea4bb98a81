#!/bin/bash
# Build the Pocket Companion SD image: Raspberry Pi OS Lite (arm64) plus our
# pi-gen stage, with a pinned pi-gen.
#
#   sudo image-build/build-pi-image.sh [--ssh-key FILE] [--work DIR]
#
# Needs a Debian or Raspberry Pi OS machine with network access to GitHub and
# Raspberry Pi's archive, pi-gen's own dependencies (its "depends" file lists
# them; on an x86 host also qemu-user-static and binfmt-support), and ~20 GB.
# The image lands in WORK/deploy (default WORK: ./pi-gen-work).
set -euo pipefail

# pi-gen's arm64 Raspberry Pi OS bookworm release of 2026-06-18
# (tag 2026-06-18-raspios-bookworm-arm64 on branch bookworm-arm64).
PI_GEN_REPO=https://github.com/RPi-Distro/pi-gen
PI_GEN_COMMIT=d7a31c6aa09f4b867902c51da2b45807c0a1709e
# Raspberry Pi OS bookworm ships Python 3.11: the wheels are fetched for it.
TARGET_PYTHON=3.11

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$PWD/pi-gen-work
SSH_KEY=""
while [ $# -gt 0 ]; do
    case $1 in
        --ssh-key) SSH_KEY=$(realpath "$2"); shift 2 ;;
        --work) WORK=$(realpath -m "$2"); shift 2 ;;
        *) echo "usage: $0 [--ssh-key FILE] [--work DIR]" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "build-pi-image: run as root (pi-gen needs it)" >&2; exit 1; }
if [ -n "$SSH_KEY" ] && ! ssh-keygen -l -f "$SSH_KEY" >/dev/null; then
    echo "build-pi-image: $SSH_KEY is not an SSH public key" >&2
    exit 1
fi
mkdir -p "$WORK"

# pi-gen, at exactly the pinned commit.
if [ ! -d "$WORK/pi-gen/.git" ]; then
    git clone --quiet --no-checkout "$PI_GEN_REPO" "$WORK/pi-gen"
fi
git -C "$WORK/pi-gen" fetch --quiet origin "$PI_GEN_COMMIT"
git -C "$WORK/pi-gen" checkout --quiet --force "$PI_GEN_COMMIT"

"$HERE/make-wheelhouse.sh" "$WORK/wheelhouse" "$TARGET_PYTHON"

# Our settings, then what only this run knows.  Exported variables reach the
# stage's scripts (pi-gen sources this file).
{
    cat "$HERE/pi-gen.config"
    echo "STAGE_LIST=\"\$STAGE_LIST $HERE/stage-companion\""
    echo "FIRST_USER_PASS=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
    echo "WORK_DIR=$WORK/build"
    echo "DEPLOY_DIR=$WORK/deploy"
    echo "export COMPANION_WHEELHOUSE=$WORK/wheelhouse"
    echo "export COMPANION_SSH_KEY=$SSH_KEY"
} >"$WORK/config"

(cd "$WORK/pi-gen" && ./build.sh -c "$WORK/config")
echo "build-pi-image: image in $WORK/deploy:"
ls -l "$WORK/deploy"
