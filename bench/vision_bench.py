"""Benchmark the vision stages: prints the figures the README reports.

    .venv/bin/python bench/vision_bench.py [--runs 10]

For 1 and 2 onnxruntime threads: milliseconds per stage (light, objects,
text) and for the whole describe (all stages plus composing the sentence),
median of --runs looks at each photo set, after a warm-up look.  Then the RSS
that loading every vision model and looking at every sample scene adds.
A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from device.language.scene import describe
from device.vision.pipeline import VisionPipeline
from hardware.fake.camera import read_image

SCENES = Path(__file__).parents[1] / "device" / "scenes"


def text_scene() -> np.ndarray:
    """A street-sign frame with text, rendered here so the text stage has work."""
    frame = np.full((720, 960, 3), 90, np.uint8)
    cv2.rectangle(frame, (300, 200), (660, 330), (40, 140, 40), -1)
    cv2.putText(frame, "EXIT", (360, 300), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 8)
    cv2.putText(frame, "PLATFORM 2", (320, 450), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (20, 20, 20), 4)
    return frame


def bench(threads: int, runs: int) -> None:
    frames = {
        "dog.jpg": read_image(SCENES / "dog.jpg"),
        "person.jpg": read_image(SCENES / "person.jpg"),
        "sign (rendered)": text_scene(),
    }
    eyes = VisionPipeline(threads=threads)
    eyes.warm_up()
    for name, frame in frames.items():
        describe(eyes.look(frame), "en")  # warm-up look
        stages: dict[str, list[float]] = {}
        for _ in range(runs):
            report = eyes.look(frame)
            t = time.perf_counter()
            said = describe(report, "en")
            compose_ms = (time.perf_counter() - t) * 1000
            stage_ms = dict(report.timings_ms)
            total = stage_ms.pop("total") + compose_ms
            timings = {**stage_ms, "compose": compose_ms, "total": total}
            for k, v in timings.items():
                stages.setdefault(k, []).append(v)
        med = {k: statistics.median(v) for k, v in stages.items()}
        parts = "  ".join(f"{k} {v:5.1f}" for k, v in med.items())
        print(f"  threads={threads} {name:16} median ms: {parts}")
        print(f"    said: {said.text}")


def rss_added() -> None:
    code = (
        "import ctypes; ctypes.CDLL('libc.so.6').mallopt(-8, 2)\n"
        "import numpy, cv2, onnxruntime\n"
        "def rss():\n"
        "    for l in open('/proc/self/status'):\n"
        "        if l.startswith('VmRSS'): return int(l.split()[1]) / 1024\n"
        "from pathlib import Path\n"
        "from device.vision.pipeline import VisionPipeline\n"
        "from hardware.fake.camera import read_image\n"
        "base = rss(); eyes = VisionPipeline(); eyes.warm_up(); warm = rss() - base\n"
        f"for f in sorted(Path('{SCENES}').glob('*.jpg')):\n"
        "    eyes.look(read_image(f))\n"
        "print(f'{warm:.0f} {rss() - base:.0f}')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    warm, after = out.stdout.split()
    print(
        f"RSS added by the vision models: {warm} MB loaded, {after} MB after looking at "
        "every sample scene"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    from bench.device_bench import machine

    print(f"machine: {machine()}")
    for threads in (1, 2):
        bench(threads, args.runs)
    rss_added()


if __name__ == "__main__":
    main()
