"""100 random press cycles on the whole fake device: nothing lost, nothing leaks.

Run as its own process, as ``companion`` runs (one malloc arena, nothing else
in the process), so its RSS is the device's.  The long run (1,000 cycles) is
``bench/soak.py``; its figures are in the README.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.soak import DELIBERATE


def test_100_random_cycles_end_every_turn_and_leak_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--cycles", "100", "--seed", "1", "--json"],
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
    assert end["threads"] == start["threads"] and end["fds"] == start["fds"]
    assert end["rss_mb"] < start["rss_mb"] * 1.05, report["rss_trend"]
