#!/bin/bash
# Build the project's wheel and fetch every dependency for the device.
#
#   image-build/make-wheelhouse.sh OUT_DIR [PYTHON_VERSION]
#
# The device is arm64 (aarch64) Linux; PYTHON_VERSION is its Python (3.11 on
# Raspberry Pi OS and Debian bookworm).  pip picks wheels for that platform
# from PyPI, so the target never builds anything: install-companion.sh then
# installs from OUT_DIR with --no-index.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUT_DIR [PYTHON_VERSION]" >&2
    exit 2
fi
OUT=$1
PY=${2:-3.11}
PIP=(python3 -m pip --disable-pip-version-check --quiet)
if [ -x "$REPO/.venv/bin/python" ]; then PIP=("$REPO/.venv/bin/python" "${PIP[@]:1}"); fi

mkdir -p "$OUT"
rm -f "$OUT"/pocket_companion-*.whl
# setuptools builds in the source tree's build/ and does not empty it first:
# a module deleted since the last build would still ship.
rm -rf "$REPO/build"
"${PIP[@]}" wheel --no-deps --wheel-dir "$OUT" "$REPO"

# srt (vosk's subtitle helper) ships only as a source package.  It is pure
# Python, so a wheel built here is the same one the device would build.
"${PIP[@]}" wheel --no-deps --wheel-dir "$OUT" srt

wheels=("$OUT"/pocket_companion-*.whl)
wheel=${wheels[0]}
"${PIP[@]}" download --dest "$OUT" --find-links "$OUT" --only-binary=:all: \
    --platform manylinux_2_28_aarch64 --platform manylinux_2_17_aarch64 \
    --platform manylinux2014_aarch64 --platform linux_aarch64 \
    --python-version "$PY" --implementation cp \
    "${wheel}[ko]"
count=$(find "$OUT" -name '*.whl' | wc -l)
echo "$OUT: $count wheels, $(du -sh "$OUT" | cut -f1)"
