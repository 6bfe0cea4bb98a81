"""100 random press cycles on the whole fake device: nothing lost, nothing leaks.

The long run (1,000 cycles) is ``bench/soak.py``; its figures are in the README.
"""

from __future__ import annotations

from bench.soak import DELIBERATE, soak
from device.assistant import Engines

from .conftest import DeviceFactory


def test_100_random_cycles_end_every_turn_and_leak_nothing(
    engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    report = soak(device, 100, seed=1, warm_up=5)
    assert report.faults == []
    assert set(report.outcomes) <= DELIBERATE and report.turns >= 100
    assert len(report.cycles) >= 5  # every kind of cycle came up
    assert report.start is not None and report.end is not None
    assert report.end.threads == report.start.threads
    assert report.end.fds == report.start.fds
    assert report.end.rss_mb < report.start.rss_mb * 1.05
