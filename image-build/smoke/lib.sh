# shellcheck shell=bash
# Shared helpers for the QEMU smoke-image scripts (base.sh, assemble.sh,
# boot.sh).  Sourced, never run.  Nothing here may change what a built base
# rootfs contains: base.sh's cache key covers base.sh and the package list
# only, so anything that affects the rootfs belongs in base.sh itself.

# The calling script's name, for messages ("base.sh: ...").
SMOKE_PROG=${0##*/}

# All diagnostics go to stderr: stdout is kept for the one result line a
# caller may want to capture (base.sh prints the tarball path there).
log() {
	printf '%s: %s\n' "$SMOKE_PROG" "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

# need_tool TOOL DEBIAN_PACKAGE
# Fail early with the fix spelled out, instead of half-way through a
# 20-minute build with "command not found".
need_tool() {
	command -v "$1" >/dev/null 2>&1 || die "missing tool $1: apt install $2"
}

# need_tools TOOL:DEBIAN_PACKAGE ...
# Check every tool at once and name all the missing packages in one install
# line: finding them one failed run at a time cost a 10-minute build each.
need_tools() {
	local pair tool missing=""
	for pair in "$@"; do
		tool=${pair%%:*}
		command -v "$tool" >/dev/null 2>&1 || case " $missing " in
			*" ${pair#*:} "*) ;;
			*) missing="$missing ${pair#*:}" ;;
			esac
	done
	[ -z "$missing" ] || die "missing tools: apt install$missing"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root ($1)"
}

# Step timing.  step_begin NAME ... step_end prints "step NAME: N s" so the
# slow parts of an emulated build are visible in every log.  One step at a
# time: the steps of these scripts are sequential.
_smoke_step_name=
_smoke_step_t0=0
step_begin() {
	_smoke_step_name=$1
	_smoke_step_t0=$(date +%s)
	log "step $_smoke_step_name ..."
}

step_end() {
	log "step $_smoke_step_name: $(($(date +%s) - _smoke_step_t0)) s"
}

# Size helpers.  Partitions are aligned to 4 MiB (the erase-block size many
# SD cards report), so everything is counted in MiB.
MIB=$((1024 * 1024))

# round_up_4mib BYTES -> MiB, rounded up to a multiple of 4
round_up_4mib() {
	local mib=$((($1 + MIB - 1) / MIB))
	echo $(((mib + 3) / 4 * 4))
}
