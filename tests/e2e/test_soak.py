"""100 random press cycles on ``companion run`` itself: nothing lost, nothing leaks.

``bench.soak --run`` writes the cycles as a ``[fake] questions`` script,
runs ``companion -v run`` with it in a process of its own (as systemd runs
it), and reads the turns from its log and its RSS, threads and open files
from ``/proc``.  The long run (1,000 cycles) and its figures are in the README.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.soak import DELIBERATE


def test_100_random_cycles_end_every_turn_and_leak_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--run", "--cycles", "100", "--seed", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["faults"] == []
    assert set(report["outcomes"]) <= DELIBERATE
    assert sum(report["outcomes"].values()) >= 100
    assert len(report["cycles"]) >= 5  # every kind of cycle came up
    start, end = report["start"], report["end"]
    # No growth.  (A native pool thread of the engines comes and goes: 19 or
    # 18 at rest, so one fewer at the end is not a fault; one more would be.)
    assert end["threads"] <= start["threads"] and end["fds"] <= start["fds"], report
    # The 5 % target is the 1,000-cycle bench's.  Over 100 cycles the
    # allocator alone moved the halves' medians by up to 5.1 % in our runs
    # (raw start to end: 6.6 %), so the suite's bound is 10 %: it catches a
    # leak of half a megabyte a cycle or more, and does not flicker.
    assert report["rss_growth_pct"] < 10, report["rss_trend"]
