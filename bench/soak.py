"""Soak the device: many press cycles of every kind, and what they leave behind.

    .venv/bin/python -m bench.soak [--cycles 1000] [--seed 0] [--paced] [--run]

Builds the device as ``companion run --hardware fake`` does (``open_device``
with the default config, fake hardware, the real engines and models) and
drives its talk button with a random mix of cycles: questions (time, the
scene, a scene question and its follow-up, help, nonsense), double presses,
single taps, barge-ins (a second question while the first answer plays),
taps during an answer, and holds with no speech, with random gaps between
them.  After every cycle it waits for the device to be idle and takes every
finished turn.

It prints how many turns were asked and how each ended, and the process's
RSS, threads and open file descriptors after the warm-up and at the end.
Targets (issue 10): every turn answered or deliberately dropped (a tap, a
cancel, an interruption), RSS growth under 5 %, no thread or fd growth.
``tests/e2e/test_soak.py`` runs 100 cycles of it in the suite.

With ``--run`` the same mix drives ``companion -v run`` in a process of its
own, through its ``[fake] questions`` script (:mod:`bench.soak_run`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from device.ask import (
    press_speak_release,
    synthesised_question,
    wait_until_speaking,
)
from device.assistant import Device, open_device
from device.config import Config
from device.states import Phase
from device.turns import TurnRecord
from hardware.ports import MIC_RATE, Pcm

QUESTIONS = (
    "What time is it?",
    "What do you see?",
    "Is there a dog?",
    "What colour is it?",
    "What can you do?",
    "The weather is lovely in Paris today.",
    "How many people are there?",
    "When did you last see a bicycle?",
)
#: How a turn may end without a fault: an answer, or a deliberate drop.
DELIBERATE = frozenset({"answered", "interrupted", "cancelled", "ignored tap"})
IDLE_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Resources:
    rss_mb: float
    threads: int
    fds: int

    @staticmethod
    def thread_names(pid: int | str = "self") -> list[str]:
        """The names of the process's threads (for telling what came or went)."""
        task = Path("/proc") / str(pid) / "task"
        return sorted((t / "comm").read_text().strip() for t in task.iterdir())

    @classmethod
    def now(cls, pid: int | str = "self") -> Resources:
        proc = Path("/proc") / str(pid)
        rss_kb = 0
        for line in (proc / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
        return cls(rss_kb / 1024, len(os.listdir(proc / "task")), len(os.listdir(proc / "fd")))


@dataclass
class SoakReport:
    cycles: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    faults: list[str] = field(default_factory=list)
    """Turns that ended in an error or no outcome; cycles the device did not come back from."""
    start: Resources | None = None
    end: Resources | None = None
    rss_trend: list[float] = field(default_factory=list)
    """RSS in MB every tenth of the run, for the trend."""

    @property
    def rss_growth_pct(self) -> float | None:
        """RSS growth from the first half of the run to the second, each the
        median of its samples (the start and every tenth): one sample's
        allocator noise (+-6 % here over 100 cycles) is not a trend, a leak is."""
        if self.start is None:
            return None
        samples = [self.start.rss_mb, *self.rss_trend]
        if len(samples) < 2:
            return None
        half = len(samples) // 2
        first, second = statistics.median(samples[:half]), statistics.median(samples[half:])
        return 100 * (second - first) / first

    @property
    def turns(self) -> int:
        return sum(self.outcomes.values())

    def as_json(self) -> dict[str, object]:
        # Not dataclasses.asdict: it rebuilds a Counter from (key, value)
        # pairs, which counts the pairs.
        return {
            "cycles": dict(self.cycles),
            "outcomes": dict(self.outcomes),
            "faults": self.faults,
            "start": dataclasses.asdict(self.start) if self.start else None,
            "end": dataclasses.asdict(self.end) if self.end else None,
            "rss_trend": self.rss_trend,
            "rss_growth_pct": self.rss_growth_pct,
        }


class Soak:
    def __init__(self, device: Device, rng: random.Random) -> None:
        self.device = device
        self.rng = rng
        self.fake = device.hardware.scripted()
        self.questions: list[Pcm] = [synthesised_question(device, q) for q in QUESTIONS]
        self.kinds: list[tuple[str, float, Callable[[], None]]] = [
            ("question", 0.45, self._question),
            ("double press", 0.1, self.fake.presser.double_press),
            ("tap", 0.1, self.fake.presser.tap),
            ("barge-in", 0.1, self._barge_in),
            ("tap during the answer", 0.1, self._tap_during_answer),
            ("hold with no speech", 0.15, self._silence),
        ]

    def warm_up(self, report: SoakReport) -> None:
        """Every question, then every kind of cycle, once each."""
        for question in self.questions:
            self.cycle(
                report, kind=("question", lambda q=question: press_speak_release(self.device, q))
            )
        for name, _, run in self.kinds:
            self.cycle(report, kind=(name, run))

    def _pick(self) -> Pcm:
        return self.questions[self.rng.randrange(len(self.questions))]

    def _question(self) -> None:
        press_speak_release(self.device, self._pick())

    def _barge_in(self) -> None:
        press_speak_release(self.device, self._pick())
        wait_until_speaking(self.device, 30)
        time.sleep(self.rng.uniform(0.0, 0.4))
        press_speak_release(self.device, self._pick())

    def _tap_during_answer(self) -> None:
        press_speak_release(self.device, self._pick())
        wait_until_speaking(self.device, 30)
        time.sleep(self.rng.uniform(0.0, 0.3))
        self.fake.presser.tap()

    def _silence(self) -> None:
        hold_and_speak_silence = np.zeros(int(MIC_RATE * self.rng.uniform(0.6, 1.5)), np.int16)
        press_speak_release(self.device, hold_and_speak_silence)

    def cycle(
        self, report: SoakReport, *, kind: tuple[str, Callable[[], None]] | None = None
    ) -> None:
        """One cycle, of ``kind`` (name, action) or a random one."""
        if kind is None:
            name, _, run = self.rng.choices(self.kinds, weights=[k[1] for k in self.kinds])[0]
        else:
            name, run = kind
        report.cycles[name] += 1
        run()
        if name in ("tap", "double press", "tap during the answer"):
            # The double-press window must pass before "idle" means the turn is over.
            time.sleep(self.device.cfg.button.double_window + 0.05)
        idle = self.device.runtime.wait_until(lambda v: v.state.phase is Phase.IDLE, IDLE_TIMEOUT_S)
        if not idle:
            report.faults.append(f"not idle {IDLE_TIMEOUT_S:.0f} s after a {name}")
        for rec in self._finished():
            outcome = rec.outcome or "(none)"
            report.outcomes[outcome] += 1
            if outcome not in DELIBERATE or rec.is_error:
                report.faults.append(f"{name}: turn {rec.turn} {outcome} {rec.answer!r}")
        # The fake earpiece records everything it played, for the tests and
        # the demo's WAV: that is the fake's memory, not the device's.
        self.fake.earpiece.clear()
        time.sleep(self.rng.uniform(0.0, 0.3))

    def _finished(self) -> list[TurnRecord]:
        out = []
        while True:
            try:
                out.append(self.device.next_turn(0.05))
            except TimeoutError:
                return out


def soak(
    device: Device,
    cycles: int,
    *,
    seed: int = 0,
    warm_up: int = 10,
    progress: Callable[[int, SoakReport], None] | None = None,
) -> SoakReport:
    """Run ``cycles`` random cycles (after ``warm_up`` uncounted ones);
    ``progress`` is told after every tenth of them."""
    runner = Soak(device, random.Random(seed))
    scratch = SoakReport()
    # Every question and every kind of cycle once, then ``warm_up`` random
    # ones: the vision models load on the first look, the voice's buffers
    # grow to the longest answer, and that is not a leak.
    runner.warm_up(scratch)
    for _ in range(warm_up):
        runner.cycle(scratch)
    report = SoakReport(start=Resources.now())
    report.faults.extend(scratch.faults)
    for n in range(cycles):
        runner.cycle(report)
        if (n + 1) % max(1, cycles // 10) == 0:
            report.rss_trend.append(round(Resources.now().rss_mb, 1))
            if progress is not None:
                progress(n + 1, report)
    report.end = Resources.now()
    return report


def print_report(report: SoakReport, seconds: float) -> None:
    print(
        f"{sum(report.cycles.values())} cycles in {seconds:.0f} s: "
        + ", ".join(f"{n} {k}" for k, n in report.cycles.most_common())
    )
    print(
        f"{report.turns} turns: " + ", ".join(f"{n} {k}" for k, n in report.outcomes.most_common())
    )
    print(f"faults: {len(report.faults)}" + "".join(f"\n  {f}" for f in report.faults[:20]))
    if report.start is None or report.end is None:
        print("no resource figures: the run did not get through its warm-up and its end")
        return
    s, e = report.start, report.end
    growth = 100 * (e.rss_mb - s.rss_mb) / s.rss_mb
    trend = report.rss_growth_pct
    print(
        f"RSS {s.rss_mb:.0f} -> {e.rss_mb:.0f} MB ({growth:+.1f} %; first half to second, "
        f"medians: {trend:+.1f} %); threads {s.threads} -> {e.threads}; fds {s.fds} -> {e.fds}"
    )
    print(f"RSS every tenth: {', '.join(f'{r:.0f}' for r in report.rss_trend)} MB")


def _progress(done: int, report: SoakReport) -> None:
    print(
        f"  {done} cycles: {report.turns} turns, {len(report.faults)} faults, "
        f"RSS {report.rss_trend[-1]:.0f} MB",
        flush=True,
    )


def main() -> None:
    from bench.device_bench import machine
    from device.heap import limit_malloc_arenas

    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--paced", action="store_true", help="the microphone in real time")
    ap.add_argument("--json", action="store_true", help="also print the report as one JSON line")
    ap.add_argument(
        "--run",
        action="store_true",
        help="drive `companion -v run` in its own process, through [fake] questions",
    )
    ap.add_argument("--log", type=Path, help="with --run: write companion's log here")
    ap.add_argument(
        "--no-state", action="store_true", help="with --run: no state directory (memory in RAM)"
    )
    args = ap.parse_args()
    print(f"machine: {machine()}")
    if args.run:
        from bench.soak_run import soak_companion_run

        t0 = time.monotonic()
        report = soak_companion_run(
            args.cycles, seed=args.seed, log_file=args.log, state=not args.no_state
        )
        print_report(report, time.monotonic() - t0)
        if args.json:
            print(json.dumps(report.as_json()))
        return
    limit_malloc_arenas()  # as `companion` does
    cfg = Config().with_overrides(device={"hardware": "fake"}, fake={"paced": args.paced})
    t0 = time.monotonic()
    with open_device(cfg, backend="fake") as device:
        report = soak(device, args.cycles, seed=args.seed, progress=_progress)
    print_report(report, time.monotonic() - t0)
    if args.json:
        print(json.dumps(report.as_json()))


if __name__ == "__main__":
    main()
