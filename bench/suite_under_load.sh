#!/bin/sh
# Run the whole test suite twice with every core busy, the device's local
# clock starting a minute before midnight, then a minute before noon: the
# suite must not care what time it is or how busy the machine is.  Prints
# each run's summary; exit status 1 if either failed.
#
#   bench/suite_under_load.sh
#
# The hour is set through TZ (a made-up zone whose offset puts local time
# where we want it), not libfaketime: libfaketime 0.9.10 broke nanosleep
# (EINVAL) or hung condition-variable waits here, depending on whether it
# also faked the monotonic clock.
set -eu
cd "$(dirname "$0")/.."
hogs=""
for _ in $(seq "$(nproc)"); do
    yes >/dev/null &
    hogs="$hogs $!"
done
# shellcheck disable=SC2086  # $hogs is a list of process ids
trap 'kill $hogs 2>/dev/null' EXIT
status=0
for local_start in 23:59 11:59; do
    offset=$(.venv/bin/python -c "
import datetime as d
now = d.datetime.now(d.timezone.utc)
h, m = map(int, '$local_start'.split(':'))
ahead = int((now.replace(hour=h, minute=m, second=0, microsecond=0) - now).total_seconds()) % 86400
print(f'{ahead // 3600:02d}:{ahead % 3600 // 60:02d}:{ahead % 60:02d}')")
    log=$(mktemp)
    began=$(date +%s)
    if TZ="LOAD-$offset" .venv/bin/pytest -q -p no:cacheprovider >"$log" 2>&1; then
        result=passed
    else
        result=FAILED
        status=1
    fi
    echo "local clock from $local_start, $(nproc) CPU hogs: $result in $(( $(date +%s) - began )) s: $(tail -n 1 "$log")"
    [ "$result" = passed ] || grep -E "^(FAILED|ERROR)" "$log" | head -20
    rm -f "$log"
done
exit $status
