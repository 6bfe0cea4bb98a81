"""How well the device hears, clean and in street noise: prints the figures.

    .venv/bin/python -m bench.hearing_bench [--lang en ko] [--engines whisper vosk]
                                            [--levels clean 20 10 5] [--no-device]
                                            [--device-recognizers auto pocketsphinx]

For every recogniser that has a model for the language, over the whole
hearing set (:mod:`bench.hearing_set`: every question, every voice, every
noise level), it prints per noise level:

* **WER**: word error rate of the transcript against the question's words;
* **intent**: the share of utterances whose transcript reaches the right
  skill (what the user cares about), over all questions and over the
  held-out ones alone;
* **RTF**: decoding time over audio time (all of it: while "held" and after);
* **finish**: median time from the last audio chunk to the transcript, the
  recogniser's share of release-to-first-audio;
* **peak RSS** of the process that ran that engine (each engine runs in a
  child process of its own, so one engine's memory is not another's).

Then, unless ``--no-device``, release-to-first-audio for "what time is it" on
the whole fake device (paced microphone, the default config) at each level,
once per ``--device-recognizers`` value, in the same run so that the figures
compare.

A measurement, not a test: nothing is asserted.  Audio goes to the engines in
100 ms chunks, as the microphone delivers it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from typing import Any

from rapidfuzz.distance import Levenshtein

from bench.hearing_set import LEVELS, QUESTIONS, VOICES, mix, speak, utterances
from device.language import Language
from device.speech.base import RecognizerSettings, normalise
from hardware.ports import MIC_RATE

CHUNK = MIC_RATE // 10


def _level_name(level: float | None) -> str:
    return "clean" if level is None else f"{level:g} dB"


def _registry() -> Any:
    from device.skills.registry import default_registry
    from device.vision.pipeline import VisionPipeline

    # With eyes, so the look skills' phrases are in the grammar; VisionPipeline
    # loads no model until it looks, and nothing here looks.
    return default_registry(eyes=VisionPipeline())


def intent_of(registry: Any, text: str, language: Language) -> str:
    """The skill a transcript reaches: what the device would do with it."""
    if not text.strip():
        return "(nothing)"  # the device cancels: no answer at all
    found = registry.match(text, language)
    return "fallback" if found is None else str(found.name)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    ref, hyp = normalise(reference).split(), normalise(hypothesis).split()
    return int(Levenshtein.distance(ref, hyp)), len(ref)


def run_engine(
    engine: str, language: Language, levels: tuple[float | None, ...], front_end: tuple[int, int]
) -> dict[str, Any]:
    """Decode the whole set with one engine (in this process); the raw rows.

    ``front_end`` is (noise suppression 0..4, auto gain 0..31 dBFS); (0, 0) is off.
    """
    from device.assistant import recognizer_settings
    from device.speech.base import Recognizer
    from device.speech.frontend import CleanedRecognizer
    from device.speech.registry import open_recognizer

    registry = _registry()
    recognizer: Recognizer = open_recognizer(engine, recognizer_settings(registry, language))
    if any(front_end):
        suppression, gain = front_end
        recognizer = CleanedRecognizer(recognizer, noise_suppression=suppression, auto_gain=gain)
    rows = []
    try:
        for u in utterances(language, levels):
            started = time.perf_counter()
            stream = recognizer.start()
            for i in range(0, len(u.audio), CHUNK):
                stream.feed(u.audio[i : i + CHUNK])
            fed = time.perf_counter()
            text = stream.finish().text
            done = time.perf_counter()
            errors, words = word_errors(u.question.text, text)
            rows.append(
                {
                    "level": u.level,
                    "voice": u.voice,
                    "question": u.question.text,
                    "expected": u.question.intent,
                    "held_out": u.question.held_out,
                    "heard": text,
                    "intent": intent_of(registry, text, language),
                    "errors": errors,
                    "words": words,
                    "audio_s": len(u.audio) / MIC_RATE,
                    "decode_s": done - started,
                    "finish_ms": (done - fed) * 1000,
                }
            )
    finally:
        recognizer.close()
    return {"engine": recognizer.name, "rows": rows}


def _child(
    engine: str, language: Language, levels: list[str], front_end: tuple[int, int]
) -> tuple[dict[str, Any], float]:
    """Run one engine in a child process; its result and its peak RSS in MB."""
    fe = f"--fe={front_end[0]},{front_end[1]}"
    args = [sys.executable, "-m", "bench.hearing_bench", "--child", engine, language, fe, *levels]
    done = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} ({language}) failed with exit status {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    # The child measures itself (ru_maxrss of RUSAGE_SELF): a fresh interpreter,
    # so it counts only that engine and what any device process loads anyway.
    return result, float(result["peak_rss_mb"])


def summarise(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_level: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_level[_level_name(r["level"])].append(r)
    out = {}
    for level, rs in by_level.items():
        held = [r for r in rs if r["held_out"]]
        out[level] = {
            "n": len(rs),
            "wer": sum(r["errors"] for r in rs) / max(1, sum(r["words"] for r in rs)),
            "intent": sum(r["intent"] == r["expected"] for r in rs) / len(rs),
            "intent_held_out": sum(r["intent"] == r["expected"] for r in held) / max(1, len(held)),
            "rtf": sum(r["decode_s"] for r in rs) / sum(r["audio_s"] for r in rs),
            "finish_ms": statistics.median(r["finish_ms"] for r in rs),
            "by_voice": {
                v: sum(r["intent"] == r["expected"] for r in rs if r["voice"] == v)
                / sum(1 for r in rs if r["voice"] == v)
                for v in dict.fromkeys(r["voice"] for r in rs)
            },
        }
    return out


def device_first_audio(
    levels: tuple[float | None, ...], runs: int, recognizer: str
) -> dict[str, float]:
    """Median release-to-first-audio of "what time is it" on the fake device, per level."""
    from device.ask import hold_and_speak
    from device.assistant import open_device
    from device.config import Config

    cfg = Config().with_overrides(fake={"paced": True}, speech={"recognizer": recognizer})
    out = {}
    with open_device(cfg, backend="fake") as device:
        speech = speak("piper", "What time is it?")
        hold_and_speak(device, mix(speech, None, key="warm-up"))
        for level in levels:
            spans = []
            for k in range(runs):
                rec = hold_and_speak(device, mix(speech, level, key=("device", level, k)))
                if "release_to_first_audio" in rec.timings_ms:
                    spans.append(rec.timings_ms["release_to_first_audio"])
            out[_level_name(level)] = statistics.median(spans) if spans else float("nan")
    return out


def _parse_levels(names: list[str]) -> tuple[float | None, ...]:
    return tuple(None if n == "clean" else float(n) for n in names)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        engine, language, fe, *level_names = sys.argv[2:]  # as _child passes them
        suppression, gain = map(int, fe.removeprefix("--fe=").split(","))
        front_end = (suppression, gain)
        levels = _parse_levels(level_names)
        result = run_engine(engine, language, levels, front_end)  # type: ignore[arg-type]
        import resource

        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result, ensure_ascii=False))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", nargs="+", default=["en", "ko"], choices=["en", "ko"])
    ap.add_argument("--engines", nargs="+", default=None, help="default: every one with a model")
    ap.add_argument("--levels", nargs="+", default=[_level_name(x).split()[0] for x in LEVELS])
    ap.add_argument("--no-device", action="store_true")
    ap.add_argument("--runs", type=int, default=5, help="device turns per level")
    ap.add_argument(
        "--device-recognizers",
        nargs="+",
        default=["auto", "pocketsphinx"],
        help="speech.recognizer values to time the device with, side by side",
    )
    ap.add_argument("--dump", help="write every utterance's result to this JSON file")
    ap.add_argument(
        "--front-end",
        nargs=2,
        type=int,
        default=[0, 0],
        metavar=("SUPPRESSION", "GAIN"),
        help="WebRTC noise suppression 0..4 and auto gain 0..31 dBFS (0 0: off)",
    )
    args = ap.parse_args()
    from bench.device_bench import machine
    from device.speech.registry import RECOGNIZERS

    print(f"machine: {machine()}")
    dump: dict[str, Any] = {}
    for language in args.lang:
        n_q = len(QUESTIONS[language])
        voices = ", ".join(v for v, _, _ in VOICES[language])
        held = sum(q.held_out for q in QUESTIONS[language])
        print(f"\n{language}: {n_q} questions ({held} held out) x voices {voices}")
        names = args.engines or [n for n, s in RECOGNIZERS.items() if language in s.languages]
        for name in names:
            if not RECOGNIZERS[name].has_model(RecognizerSettings(language=language)):
                print(f"  {name}: no {language} model on this machine, not run")
                continue
            try:
                result, peak = _child(name, language, args.levels, tuple(args.front_end))
            except RuntimeError as exc:
                print(f"  {name}: not run ({exc})")
                continue
            dump[f"{name}-{language}"] = result["rows"]
            fe = args.front_end
            front = f", front end: suppression {fe[0]}, gain {fe[1]} dBFS" if any(fe) else ""
            print(f"  {result['engine']} (peak RSS {peak:.0f} MB{front})")
            print("    level     n    WER   intent  held-out   RTF   finish ms  intent by voice")
            for level, s in summarise(result["rows"]).items():
                voices = "  ".join(f"{v} {share:.0%}" for v, share in s["by_voice"].items())
                print(
                    f"    {level:7} {s['n']:4.0f} {s['wer']:6.1%} {s['intent']:7.1%} "
                    f"{s['intent_held_out']:8.1%} {s['rtf']:6.2f} {s['finish_ms']:9.0f}  {voices}"
                )
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            json.dump(dump, f, ensure_ascii=False, indent=1)
    if not args.no_device and "en" in args.lang:
        levels = _parse_levels(args.levels)
        print(f"\nrelease to first audio, 'what time is it', en, paced, median of {args.runs}:")
        for recognizer in args.device_recognizers:
            figures = device_first_audio(levels, args.runs, recognizer)
            row = "  ".join(f"{level} {ms:4.0f} ms" for level, ms in figures.items())
            print(f"  speech.recognizer = {recognizer!r}: {row}")


if __name__ == "__main__":
    main()
