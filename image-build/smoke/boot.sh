#!/usr/bin/env bash
# boot.sh IMAGE SERIAL_LOG TIMEOUT_SECONDS [-- KERNEL_ARGS...]
#
# Boots a smoke image (assemble.sh) in QEMU full-system emulation of an
# arm64 "virt" board and watches its serial console:
#   exit 0    a line matches $SMOKE_PASS (default: SMOKE-PASS)
#   exit 1    a line matches $SMOKE_FAIL (default: SMOKE-FAIL|Kernel panic),
#             or QEMU stopped before either matched
#   exit 124  TIMEOUT_SECONDS passed without a match (like timeout(1))
# Whatever happens, QEMU is killed before the script exits.
#
# The patterns are extended regular expressions (awk), matched per line.
# Note that the kernel echoes its command line to the console: a
# KERNEL_ARGS word that itself matches a pattern would match there.
set -euo pipefail

SMOKE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$SMOKE_DIR/lib.sh"

SMOKE_PASS=${SMOKE_PASS:-SMOKE-PASS}
SMOKE_FAIL=${SMOKE_FAIL:-SMOKE-FAIL|Kernel panic}
export SMOKE_PASS SMOKE_FAIL

usage() {
	echo "usage: $SMOKE_PROG IMAGE SERIAL_LOG TIMEOUT_SECONDS [-- KERNEL_ARGS...]" >&2
	exit 2
}

QEMU_PID=

# Runs on every exit (pass, fail, timeout, error, Ctrl-C): never leave a
# QEMU behind, it would hold the image and burn a CPU per vCPU.
cleanup() {
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill -TERM "$QEMU_PID" 2>/dev/null || true
		# QEMU exits on SIGTERM at once; SIGKILL only if it hangs.
		local tries=10
		while [ "$tries" -gt 0 ] && kill -0 "$QEMU_PID" 2>/dev/null; do
			sleep 0.5
			tries=$((tries - 1))
		done
		kill -KILL "$QEMU_PID" 2>/dev/null || true
	fi
	if [ -n "$QEMU_PID" ]; then
		wait "$QEMU_PID" 2>/dev/null || true
	fi
}

# First line of the log that matches either pattern: "PASS" or "FAIL",
# nothing if none yet.  Scanning in line order means a failure printed
# before the pass marker wins even if both arrive within one poll.
# ENVIRON, not awk -v: -v would interpret backslashes in the patterns.
first_verdict() {
	awk '
		$0 ~ ENVIRON["SMOKE_FAIL"] { print "FAIL"; exit }
		$0 ~ ENVIRON["SMOKE_PASS"] { print "PASS"; exit }
	' "$1"
}

show_tail() {
	log "last 40 lines of $1:"
	# The console log has CRLF line ends and may hold control sequences.
	tail -n 40 "$1" | tr -d '\r' >&2
}

main() {
	[ $# -ge 3 ] || usage
	local image=$1 log_file=$2 timeout=$3
	shift 3
	if [ $# -gt 0 ]; then
		[ "$1" = -- ] || usage
		shift
	fi
	case "$timeout" in '' | *[!0-9]*) usage ;; esac
	[ -f "$image" ] || die "no image $image"
	[ -f "$image.vmlinuz" ] || die "no kernel $image.vmlinuz (made by assemble.sh)"
	[ -f "$image.initrd" ] || die "no initrd $image.initrd (made by assemble.sh)"
	need_tool qemu-system-aarch64 qemu-system-arm
	need_tool awk mawk

	local append="root=LABEL=rootfs console=ttyAMA0"
	if [ $# -gt 0 ]; then
		append="$append $*"
	fi

	trap cleanup EXIT
	# A signal must end the script (running the EXIT trap), not just
	# interrupt the sleep in the poll loop.
	trap 'exit 130' INT
	trap 'exit 143' TERM

	: >"$log_file"
	local t0
	t0=$(date +%s)
	# -nic none: without it the default NIC wants efi-virtio.rom, which
	#   qemu-system-arm does not ship here, and QEMU refuses to start.
	# -serial file: + -display none + -monitor none: the console goes to the
	#   log and QEMU needs no terminal (works without stdin, in CI).
	# -no-reboot: a panic or a poweroff ends QEMU instead of rebooting into
	#   the same failure until the timeout.
	# The disk is virtio (virtio-blk-pci on virt); the initramfs of base.sh
	#   carries exactly those drivers.
	qemu-system-aarch64 \
		-M virt -cpu cortex-a72 -smp 2 -m 2048 \
		-nic none -display none -monitor none -no-reboot \
		-serial "file:$log_file" \
		-kernel "$image.vmlinuz" -initrd "$image.initrd" \
		-drive "file=$image,format=raw,if=virtio" \
		-append "$append" \
		</dev/null >&2 &
	QEMU_PID=$!
	log "qemu pid $QEMU_PID, console: $log_file, timeout ${timeout}s"
	log "kernel args: $append"

	# Poll once a second: cheap next to an emulated boot, and the reported
	# time to the match is within a second.
	local verdict elapsed
	while :; do
		verdict=$(first_verdict "$log_file")
		elapsed=$(($(date +%s) - t0))
		case "$verdict" in
		PASS)
			log "PASS after ${elapsed}s: $(grep -a -m1 -E "$SMOKE_PASS" "$log_file" | tr -d '\r')"
			return 0
			;;
		FAIL)
			log "FAIL after ${elapsed}s: $(grep -a -m1 -E "$SMOKE_FAIL" "$log_file" | tr -d '\r')"
			show_tail "$log_file"
			return 1
			;;
		esac
		if ! kill -0 "$QEMU_PID" 2>/dev/null; then
			# Let the last output reach the log, then look once more.
			sleep 1
			verdict=$(first_verdict "$log_file")
			if [ "$verdict" = PASS ]; then
				log "PASS after ${elapsed}s (QEMU already exited)"
				return 0
			fi
			local rc=0
			wait "$QEMU_PID" || rc=$?
			QEMU_PID=
			log "FAIL after ${elapsed}s: QEMU exited (status $rc) without a verdict (its own messages are above)"
			show_tail "$log_file"
			return 1
		fi
		if [ "$elapsed" -ge "$timeout" ]; then
			log "TIMEOUT after ${elapsed}s: no line matched '$SMOKE_PASS'"
			show_tail "$log_file"
			return 124
		fi
		sleep 1
	done
}

main "$@"
