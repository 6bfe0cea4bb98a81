"""Benchmark the device loop: prints the figures the README reports.

    .venv/bin/python bench/device_bench.py [--runs 10] [--idle-seconds 10] [--skip-demo]
                                           [--scene-questions]

* ``release_to_first_audio`` for "what time is it" in English: the median of
  ``--runs`` turns on the fake device with the *paced* microphone (audio
  arrives in real time, as from a person), measured from the button release
  to the first sample of the spoken answer reaching the earpiece queue.
* the same for scene questions ("is there a dog?", "what colour is the
  truck?", "who is there?") beside "what do you see", in the same run;
* CPU while idle, waiting for a press: process CPU time over wall time.
* Peak RSS of ``companion demo`` in English, on the Zero profile, and in
  Korean (a child process each; ru_maxrss).

No figure here is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from device.ask import hold_and_speak
from device.assistant import open_device
from device.config import Config
from device.heap import limit_malloc_arenas
from hardware.pcm import resample
from hardware.ports import MIC_RATE


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _median_turns(question_text: str, runs: int, **vision: object) -> dict[str, list[float]]:
    cfg = Config().with_overrides(device={"language": "en"}, fake={"paced": True}, vision=vision)
    with open_device(cfg, backend="fake") as device:
        synth = device.engines.synthesizer
        speech = [resample(p, synth.sample_rate, MIC_RATE) for p in synth.sentences(question_text)]
        pad = np.zeros(MIC_RATE // 5, np.int16)
        question = np.concatenate([pad, *speech, pad])
        hold_and_speak(device, question)  # warm-up: first-call allocations
        records = [hold_and_speak(device, question) for _ in range(runs)]
        # Heard right: reaching the skill the words themselves reach (Whisper
        # writes "color" for the voice's "colour", and either is right).
        asked = device.registry.match(question_text, "en")
    spans: dict[str, list[float]] = {"heard": []}
    for r in records:
        spans["heard"].append(float(asked is not None and r.intent == asked.name))
        for k, v in r.timings_ms.items():
            spans.setdefault(k, []).append(v)
    return spans


def _print_spans(title: str, spans: dict[str, list[float]]) -> None:
    print(title)
    for k in (
        "release_to_first_audio",
        "recognise_after_release",
        "skill",
        "synthesis_to_first_audio",
    ):
        v = spans.get(k, [])
        if v:
            print(
                f"  {k:26} median {statistics.median(v):6.0f} ms  "
                f"min {min(v):6.0f}  max {max(v):6.0f}"
            )
    print(f"  heard right: {sum(spans['heard']):.0f} of {len(spans['heard'])}")


#: Scene questions (issue 9), timed beside "what do you see" (target: at most 1.2x).
SCENE_QUESTIONS = ("Is there a dog?", "What colour is the truck?", "Who is there?")


def bench_scene_questions(runs: int) -> None:
    """Release to first audio of scene questions and "what do you see", in one run."""
    for question in ("What do you see?", *SCENE_QUESTIONS):
        _print_spans(
            f"{question!r}, en, paced mic, speculative look on press, {runs} runs:",
            _median_turns(question, runs),
        )


def bench_latency(runs: int, idle_s: float) -> None:
    _print_spans(
        f"'what time is it', en, paced mic, {runs} runs:", _median_turns("What time is it?", runs)
    )
    bench_scene_questions(runs)
    for speculate in (False, True):
        _print_spans(
            f"'what do you see', en, paced mic, speculative look on press "
            f"{'on' if speculate else 'off'}, {runs} runs:",
            _median_turns("What do you see?", runs, speculate=speculate),
        )

    cfg = Config().with_overrides(fake={"paced": True})
    with open_device(cfg, backend="fake"):
        time.sleep(1.0)  # let start-up threads settle
        cpu0, wall0 = time.process_time(), time.monotonic()
        time.sleep(idle_s)
        cpu = time.process_time() - cpu0
        wall = time.monotonic() - wall0
    print(
        f"idle CPU (waiting for a press, fake hardware): "
        f"{100 * cpu / wall:.2f}% of one core over {wall:.0f} s"
    )


def bench_demo_rss(
    config: Path | None = None, *, arenas: int | None = None, language: str = "en"
) -> None:
    """Peak RSS of the demo; ``arenas`` caps glibc's malloc arenas for it."""
    exe = Path(sys.executable).with_name("companion")
    args = [
        str(exe),
        *(["--config", str(config)] if config else []),
        "demo",
        "--lang",
        language,
        "--out-dir",
        "/tmp/companion-bench",
    ]
    # Run the demo from a small launcher process: a child's ru_maxrss counts
    # the pages it inherited at fork, so forking from this (large) benchmark
    # process would report this process's size, not the demo's.
    launcher = (
        "import resource, subprocess, sys\n"
        f"subprocess.run({args!r}, check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    env = dict(os.environ)
    if arenas is not None:
        env["MALLOC_ARENA_MAX"] = str(arenas)  # glibc's own tunable, read at start
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-S", "-c", launcher], check=True, capture_output=True, text=True, env=env
    )
    peak_mb = int(out.stdout.split()[-1]) / 1024
    profile = f" --config {config.name}" if config else ""
    cap = f"MALLOC_ARENA_MAX={arenas} " if arenas is not None else ""
    print(
        f"peak RSS of `{cap}companion{profile} demo --lang {language}`: {peak_mb:.0f} MB "
        f"(demo took {time.monotonic() - t0:.0f} s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--idle-seconds", type=float, default=10.0)
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument(
        "--scene-questions", action="store_true", help="only the scene questions beside 'see'"
    )
    args = ap.parse_args()
    limit_malloc_arenas()  # as `companion` does, before any thread starts
    print(f"machine: {machine()}")
    if args.scene_questions:
        bench_scene_questions(args.runs)
        return
    bench_latency(args.runs, args.idle_seconds)
    if not args.skip_demo:
        zero = Path(__file__).parents[1] / "device" / "profiles" / "pi-zero-2w.toml"
        # None: what `companion` does (one arena); 16: glibc's default on 2 cores.
        for arenas in (None, 16):
            bench_demo_rss(arenas=arenas)
            bench_demo_rss(zero, arenas=arenas)
        bench_demo_rss(language="ko")


if __name__ == "__main__":
    main()
