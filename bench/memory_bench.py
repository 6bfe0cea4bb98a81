"""How big the visual memory gets and how fast it answers: prints the figures.

    .venv/bin/python -m bench.memory_bench [--looks 10000]

Stores ``--looks`` looks (one a minute, 1 to 6 things each, a sign read in
one look of five: busier than most days) in a temporary state directory,
then prints the log's size, how long a start takes to read it back, and the
median time of the memory questions over the real skill: "when did you last
see X" for a thing seen recently, for one never seen (the whole log is
searched), and "what did I see this morning".  Targets (issue 9): 10,000
looks under 5 MB, a memory question under 50 ms.  A measurement, not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

from bench.device_bench import machine
from device.memory import LOG_FILE, VisualMemory
from device.skills.memory_questions import MemorySkill
from device.turns import TurnContext
from device.vision.light import ColourShare, LightReading, SceneLight
from device.vision.pipeline import SceneReport
from device.vision.types import Detection, TextLine
from hardware.errors import CameraError
from hardware.ports import Frame

LIGHT = SceneLight(LightReading(0.5, 0.8, "fairly bright", False), (ColourShare("grey", 1.0),))
#: Common things on a walk, weighted towards people and vehicles.
STREET = ("person",) * 6 + ("car",) * 3 + ("bicycle", "dog", "bus", "truck", "bench", "cup")


def _look(rng: random.Random) -> SceneReport:
    objects = []
    for _ in range(rng.randint(1, 6)):
        x, y = rng.random() * 0.8, rng.random() * 0.6
        box = (x, y, x + 0.1 + rng.random() * 0.1, y + 0.1 + rng.random() * 0.3)
        objects.append(Detection(rng.choice(STREET), 0.8, box))
    texts = (TextLine("PLATFORM 2 EXIT", 0.9, (0.4, 0.1, 0.6, 0.2)),) if rng.random() < 0.2 else ()
    return SceneReport(LIGHT, objects=tuple(objects), texts=texts, blur=500.0)


def _no_camera() -> Frame:
    raise CameraError("a memory question does not look")


def _median_ms(fn: object, runs: int = 50) -> float:
    assert callable(fn)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--looks", type=int, default=10_000)
    args = ap.parse_args()
    rng = random.Random(0)
    start = datetime(2026, 11, 26, 8, 0)
    now = [start]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        memory = VisualMemory(directory, clock=lambda: now[0].timestamp())
        t0 = time.perf_counter()
        for _ in range(args.looks):
            memory.remember(_look(rng))
            now[0] += timedelta(minutes=1)
        write_s = time.perf_counter() - t0
        size = (directory / LOG_FILE).stat().st_size
        t0 = time.perf_counter()
        reopened = VisualMemory(directory, clock=lambda: now[0].timestamp())
        open_ms = (time.perf_counter() - t0) * 1000
        tracemalloc.start()  # a second read, traced: tracing slows it several times
        VisualMemory(directory, clock=lambda: now[0].timestamp())
        held_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        kept = len(reopened.looks())
        skill = MemorySkill(reopened)
        ctx = TurnContext("en", 0.8, None, camera=_no_camera, clock=lambda: now[0])
        questions = {
            "when did you last see a dog (seen recently)": "when did you last see a dog",
            "have you seen a giraffe (never: the whole log searched)": "have you seen a giraffe",
            "what did I see this morning": "what did i see this morning",
        }
        print(f"machine: {machine()}")
        print(
            f"{args.looks} looks written in {write_s:.1f} s "
            f"({write_s / args.looks * 1000:.2f} ms each, fdatasync included)"
        )
        print(
            f"log on disk: {size / 1e6:.2f} MB ({size / args.looks:.0f} bytes a look); "
            f"{kept} looks kept after reopening (cap {memory.max_bytes / 1e6:.0f} MB)"
        )
        print(
            f"start-up read of the log: {open_ms:.0f} ms; "
            f"reading it peaks at {held_mb:.1f} MB of Python heap"
        )
        for title, question in questions.items():
            ms = _median_ms(lambda q=question: skill.answer(ctx, q))
            print(f"  {title:58} median {ms:6.2f} ms  -> {skill.answer(ctx, question).text}")


if __name__ == "__main__":
    main()
