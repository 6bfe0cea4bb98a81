"""Soak ``companion run --hardware fake`` itself, from outside, as systemd runs it.

    .venv/bin/python -m bench.soak --run [--cycles 1000] [--seed 0]

The same random mix of cycles as :mod:`bench.soak`, written as a
``[fake] questions`` script (:mod:`device.script`): ``companion -v run``
does them with its own scripted finger, and this reads its log.  Every
turn is one log line; ``(note ...)`` steps mark the end of the warm-up and
each tenth of the run, and at each the process's RSS, threads and open
files are read from ``/proc``.  A run ends when the script is done; then
SIGTERM, and the exit code must be 0.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench.soak import DELIBERATE, QUESTIONS, Resources, SoakReport

#: The kinds of cycle and how often each comes, as in ``bench.soak.Soak``.
KINDS = (
    ("question", 0.45),
    ("double press", 0.1),
    ("tap", 0.1),
    ("barge-in", 0.1),
    ("tap during the answer", 0.1),
    ("hold with no speech", 0.15),
)
START = "soak start"
SETTLE_S = 1.0
#: The fake earpiece keeps this much of what it played: a soak for days of
#: answers must measure the device, not the fake's recording (issue 10).
EARPIECE_KEEP_S = 30.0


def cycle_steps(kind: str, rng: random.Random) -> list[str]:
    def question() -> str:
        return rng.choice(QUESTIONS)

    match kind:
        case "question":
            return [question()]
        case "double press":
            return ["(double press)"]
        case "tap":
            return ["(tap)"]
        case "barge-in":
            return [question(), f"(while answering) (wait {rng.uniform(0, 0.4):.2f})", question()]
        case "tap during the answer":
            return [question(), f"(while answering) (wait {rng.uniform(0, 0.3):.2f})", "(tap)"]
        case "hold with no speech":
            return [f"(hold {rng.uniform(0.6, 1.5):.2f})"]
    raise ValueError(kind)


def soak_script(cycles: int, *, seed: int, warm_up: int = 10) -> tuple[list[str], Counter[str]]:
    """The steps (every question and kind once, ``warm_up`` random cycles, a
    start note, then ``cycles`` random cycles with a note every tenth) and the
    counted cycles by kind."""
    rng = random.Random(seed)
    names, weights = [k for k, _ in KINDS], [w for _, w in KINDS]
    steps: list[str] = list(QUESTIONS)
    for name in names:
        steps += cycle_steps(name, rng)
    for _ in range(warm_up):
        steps += cycle_steps(rng.choices(names, weights)[0], rng)
    # Each measure is taken at rest: a moment after the last turn, so a
    # thread that is just finishing (the microphone's, a save) is not counted.
    steps += [f"(wait {SETTLE_S})", f"(note {START})"]
    counted: Counter[str] = Counter()
    for n in range(cycles):
        name = rng.choices(names, weights)[0]
        counted[name] += 1
        steps += cycle_steps(name, rng)
        steps.append(f"(wait {rng.uniform(0, 0.3):.2f})")
        if (n + 1) % max(1, cycles // 10) == 0:
            steps += [f"(wait {SETTLE_S})", f"(note soak {n + 1})"]
    return steps, counted


def _config(steps: list[str]) -> str:
    return (
        '[device]\nhardware = "fake"\n'
        f"[fake]\npaced = false\nearpiece_keep_s = {EARPIECE_KEEP_S}\n"
        f"questions = {json.dumps(steps, ensure_ascii=False)}\n"
    )


def soak_companion_run(
    cycles: int,
    *,
    seed: int = 0,
    timeout_s: float = 86_400,
    log_file: Path | None = None,
    state: bool = True,
) -> SoakReport:
    """Run the soak through ``companion -v run``; the report of its log and /proc.
    ``log_file`` gets every line ``companion`` logged.  With ``state`` the
    device has a state directory, as on the image (the visual memory on disk)."""
    steps, counted = soak_script(cycles, seed=seed)
    report = SoakReport(cycles=counted)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        config = Path(tmp) / "companion.toml"
        config.write_text(_config(steps), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
        env["COMPANION_CONFIG"] = str(config)
        env.pop("STATE_DIRECTORY", None)
        if state:
            env["STATE_DIRECTORY"] = str(Path(tmp) / "state")
        exe = Path(sys.executable).with_name("companion")
        proc = subprocess.Popen(
            [str(exe), "-v", "run"], env=env, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        finished = threading.Event()
        counting = False
        started_threads: list[str] = []
        ended_threads: list[str] = []

        def read() -> None:
            nonlocal counting
            assert proc.stderr is not None
            kept = log_file.open("w", encoding="utf-8") if log_file is not None else None
            for line in proc.stderr:
                if kept is not None:
                    kept.write(line)
                    kept.flush()
                line = line.rstrip()
                if "Traceback" in line:
                    report.faults.append(line)
                elif "scripted questions stopped" in line:
                    report.faults.append(line)
                    finished.set()
                elif "script note: " in line:
                    note = line.split("script note: ", 1)[1]
                    now = Resources.now(proc.pid)
                    if note == START:
                        report.start, counting = now, True
                        started_threads[:] = Resources.thread_names(proc.pid)
                    else:  # the last is the end: the finger is still there, as at the start
                        report.rss_trend.append(round(now.rss_mb, 1))
                        report.end = now
                        ended_threads[:] = Resources.thread_names(proc.pid)
                elif " turn " in line and counting:
                    _count_turn(report, line.split("companion: ", 1)[-1])
                elif "scripted questions done" in line:
                    finished.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            if not finished.wait(timeout_s):
                report.faults.append(f"the script did not finish within {timeout_s:.0f} s")
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=180)
            reader.join(10)
            if code != 0:
                report.faults.append(f"companion run exited {code} after SIGTERM")
            if started_threads != ended_threads:
                gone = Counter(started_threads) - Counter(ended_threads)
                new = Counter(ended_threads) - Counter(started_threads)
                print(f"threads: gone {dict(gone)}, new {dict(new)}")
        finally:
            if proc.poll() is None:
                proc.kill()
    return report


def _count_turn(report: SoakReport, line: str) -> None:
    """One ``turn N OUTCOME[ with an error]; ...`` log line."""
    head = line.split(";")[0]
    outcome = head.split(" ", 2)[2] if head.count(" ") >= 2 else "(none)"
    erred = outcome.endswith(" with an error")
    outcome = outcome.removesuffix(" with an error")
    report.outcomes[outcome] += 1
    if outcome not in DELIBERATE or erred:
        report.faults.append(line)
