"""``companion``: the command line.

Every failure the user can cause or meet (bad config key, missing model,
unreadable WAV, absent camera) ends as one line on stderr and a non-zero exit;
tracebacks are for bugs only, and ``--debug`` shows them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from device import __version__
from device.config import Config, board_profile, load_config
from device.errors import CompanionError, ConfigError
from device.heap import limit_malloc_arenas
from device.language import LANGUAGES
from hardware.errors import HardwareError
from hardware.select import BACKENDS, default_backend

log = logging.getLogger("companion")

EXIT_USAGE = 2
EXIT_FAILED = 1
#: 128 + SIGPIPE, what a shell reports for a command whose reader went away.
EXIT_BROKEN_PIPE = 141


#: A config file that may be absent (the image points it at the boot partition).
CONFIG_ENV = "COMPANION_CONFIG"


def _config_file(args: argparse.Namespace) -> Path | None:
    """``--config`` (must exist), else ``$COMPANION_CONFIG`` (defaults if absent), else none."""
    if args.config is not None:
        return Path(args.config)
    env = os.environ.get(CONFIG_ENV, "")
    if not env:
        return None
    if not Path(env).exists():
        log.info("%s not found: using the default settings", env)
        return None
    return Path(env)


def _config(
    args: argparse.Namespace, base: Config | None = None, *, profile: Path | None = None
) -> Config:
    """The config file over ``profile`` (or ``base``), with the command line's overrides."""
    cfg = load_config(_config_file(args), base=profile) if base is None else base
    device: dict[str, Any] = {}
    if getattr(args, "lang", None):
        device["language"] = args.lang
    # Precedence: --hardware, then $COMPANION_HARDWARE, then the config file.
    if getattr(args, "hardware", None):
        device["hardware"] = args.hardware
    elif "COMPANION_HARDWARE" in os.environ:
        device["hardware"] = default_backend()
    fake: dict[str, Any] = {}
    if getattr(args, "camera", None):
        fake["camera"] = str(args.camera)
    if getattr(args, "unpaced", False):
        fake["paced"] = False
    return cfg.with_overrides(device=device, fake=fake)


def cmd_ask(args: argparse.Namespace) -> int:
    from device.ask import ask

    if args.hardware is None and "COMPANION_HARDWARE" in os.environ:
        # Honoured as by every command: `ask` presses a mock button and plays
        # the WAV into a fake microphone, so only fake hardware can do it.
        chosen = default_backend()
        if chosen != "fake":
            raise ConfigError(
                f"COMPANION_HARDWARE={chosen}: ask plays a WAV into fake hardware only; "
                "unset it or set it to fake"
            )
    cfg = _config(args).with_overrides(device={"hardware": "fake"})
    result = ask(cfg, question=args.question, out=args.out)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"heard:  {result['heard'] or '(nothing)'}")
        print(f"intent: {result['intent'] or '-'}")
        print(f"answer: {result['answer'] or '-'}")
        t = result["timings_ms"].get("release_to_first_audio")
        if t is not None:
            print(f"release to first audio: {t:.0f} ms")
        if result["answer_wav"]:
            print(f"answer audio: {result['answer_wav']}")
    if args.out is not None and not result["answer_wav"]:
        print(
            f"companion: nothing written to {args.out}: the turn ended "
            f"{result['outcome'] or 'without an answer'}, with nothing spoken",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    from device.assistant import make_eyes
    from device.language.scene import describe
    from hardware.fake.camera import read_image

    cfg = _config(args)
    frame = read_image(args.image)
    eyes = make_eyes(cfg)
    eyes.warm_up()  # so timings_ms measures looking, not loading
    report = eyes.look(frame)
    said = describe(report, cfg.device.language, max_words=cfg.vision.max_words)
    if args.json:
        result = {"text": said.text, "detail": said.detail, **report.as_json()}
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(said.text)
        if args.more and said.detail != said.text:
            print(said.detail)
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    from device.ask import transcribe_file

    cfg = _config(args)
    result = transcribe_file(cfg, args.wav)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(result["text"] or "(nothing heard)")
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from device.ask import say_to_file

    cfg = _config(args)
    path = say_to_file(cfg, args.text, args.out)
    print(path)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from device.demo import run_demo

    cfg = _config(args)
    writable_folder(args.out_dir)  # before the demo runs, not after
    return run_demo(cfg, out_dir=args.out_dir)


def writable_folder(folder: Path) -> None:
    """Make ``folder`` if need be and prove a file can be written in it; ConfigError if not."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise ConfigError(f"--out-dir {folder}: cannot write there ({why})") from None


def cmd_doctor(args: argparse.Namespace) -> int:
    from device.doctor import run_doctor

    try:
        cfg, problem = _config(args), None
    except ConfigError as exc:
        # A bad file is what doctor is for: one failed check, and the rest
        # checked on the defaults, as the device itself would run.
        cfg, problem = _config(args, base=Config()), str(exc)
    return run_doctor(
        cfg,
        backend=args.hardware or cfg.device.hardware,
        config_file=_config_file(args),
        config_problem=problem,
    )


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from device.speech.models import default_models_root, fetch_model

    root = Path(args.dest) if args.dest else default_models_root()
    path = fetch_model(args.name, dest_root=root, url=args.url, sha256=args.sha256)
    print(path)
    return 0


def cmd_models_prepare(args: argparse.Namespace) -> int:
    from device.speech.models import default_models_root
    from device.speech.whisper_weights import WEIGHTS, is_installed, model_dir, weights

    root = Path(args.dest) if args.dest else default_models_root()
    names = [args.name] if args.name else [n for n, w in WEIGHTS.items() if w.is_split]
    for name in names:
        w = weights(name.removeprefix("whisper-"))
        if not args.name and not is_installed(w):
            print(f"whisper-{w.name}: not installed ({w.install_hint()}), skipped")
            continue
        print(model_dir(w, root=root))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from device.run import config_problem_speech, run_device

    problem = None
    profile = board_profile()
    if profile is not None:
        log.info("a small board: %s is the base of the settings", profile.name)
    defaults = _config(args, base=load_config(None, base=profile))
    try:
        cfg = _config(args, profile=profile)
    except ConfigError as exc:
        # A device in a pocket cannot show this line: it runs on the defaults
        # and says what is wrong instead of refusing to start.
        log.error("%s; running on the default settings", exc)
        cfg = defaults
        problem = config_problem_speech(str(exc), str(_config_file(args)))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run_device(
        cfg,
        stop=stop,
        config_problem=problem,
        defaults=defaults,
        config_path=str(_config_file(args)),
    )
    # Everything is stopped, joined and saved.  Skip the interpreter's own
    # teardown: it destroys native engine objects (onnxruntime, CTranslate2)
    # in no particular order, and one still referenced by a thread that did
    # not finish in time aborted the process ("terminate called without an
    # active exception", exit 134) on a SIGTERM mid-turn.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _common_options(p: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--config, -v and --debug.  Every command takes them too (users type
    ``companion run --config FILE``); there they default to SUPPRESS, so
    leaving them out keeps what was given before the command."""
    blank: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    p.add_argument("--config", type=Path, help="TOML configuration file", **blank)
    p.add_argument("-v", "--verbose", action="store_true", help="log what the device does", **blank)
    p.add_argument("--debug", action="store_true", help="show tracebacks", **blank)


class _CommandParser(argparse.ArgumentParser):
    """A command's parser: it takes --config, -v and --debug as well."""

    def __init__(self, **kw: Any) -> None:
        common = argparse.ArgumentParser(add_help=False)
        _common_options(common, suppress=True)
        super().__init__(parents=[common], **kw)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="companion",
        description="Pocket Companion: a seeing, "
        "speaking assistant that runs offline on a Raspberry Pi.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common_options(p, suppress=False)
    sub = p.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_CommandParser
    )

    def lang(q: argparse.ArgumentParser) -> None:
        q.add_argument("--lang", choices=LANGUAGES, help="language (default: from config)")

    q = sub.add_parser("demo", help="a scripted scene on fake hardware, with the real engines")
    lang(q)
    q.add_argument("--out-dir", type=Path, default=Path("out"), help="where WAVs go")
    q.add_argument("--unpaced", action="store_true", help="feed audio faster than real time")
    q.set_defaults(func=cmd_demo)

    q = sub.add_parser("run", help="run the device")
    q.add_argument("--hardware", choices=BACKENDS)
    q.set_defaults(func=cmd_run)

    q = sub.add_parser("ask", help="press, play a question WAV, release, print the answer")
    q.add_argument("--hardware", choices=["fake"], help="only fake: ask drives a mock button")
    q.add_argument("--camera", type=Path, help="image, folder or video the camera shows")
    q.add_argument("--question", type=Path, required=True, help="the spoken question (WAV)")
    q.add_argument("--out", type=Path, help="write the spoken answer here (WAV)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.add_argument("--unpaced", action="store_true", help="feed audio faster than real time")
    lang(q)
    q.set_defaults(func=cmd_ask)

    q = sub.add_parser("describe", help="say what the vision models see in an image")
    q.add_argument("image", type=Path)
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.add_argument("--more", action="store_true", help="also print the full detail")
    lang(q)
    q.set_defaults(func=cmd_describe)

    q = sub.add_parser("listen", help="transcribe a WAV with the device's recogniser")
    q.add_argument("wav", type=Path)
    q.add_argument("--json", action="store_true")
    lang(q)
    q.set_defaults(func=cmd_listen)

    q = sub.add_parser("say", help="speak TEXT into a WAV with the device's voice")
    q.add_argument("text")
    q.add_argument("--out", type=Path, required=True)
    lang(q)
    q.set_defaults(func=cmd_say)

    q = sub.add_parser("doctor", help="check camera, audio, GPIO, models and memory")
    q.add_argument("--hardware", choices=BACKENDS)
    q.set_defaults(func=cmd_doctor)

    q = sub.add_parser("models", help="manage downloadable models")
    msub = q.add_subparsers(
        dest="models_command", required=True, metavar="ACTION", parser_class=_CommandParser
    )
    f = msub.add_parser("fetch", help="download and verify a model (needs internet)")
    f.add_argument("name", nargs="?", default="vosk-en", help="model name (default: vosk-en)")
    f.add_argument(
        "--dest", help="models folder (default: $COMPANION_MODELS_DIR or ~/.local/share)"
    )
    f.add_argument("--url", help="override the pinned URL (e.g. a local mirror)")
    f.add_argument("--sha256", help="override the pinned checksum (with --url)")
    f.set_defaults(func=cmd_models_fetch)
    f = msub.add_parser(
        "prepare", help="check the packaged Whisper weights and join split ones (offline)"
    )
    f.add_argument("name", nargs="?", help="e.g. whisper-base (default: every installed split one)")
    f.add_argument(
        "--dest", help="models folder (default: $COMPANION_MODELS_DIR or ~/.local/share)"
    )
    f.set_defaults(func=cmd_models_prepare)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    limit_malloc_arenas()
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "run" and not args.verbose and sys.stderr.isatty():
        # A person watching a terminal sees one line per turn (and the ready
        # line) without -v; the journal of a service is left as it was.
        log.setLevel(logging.INFO)
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler
        return code
    except (CompanionError, HardwareError) as exc:
        if args.debug:
            raise
        print(f"companion: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # `companion describe --json | head`: the reader has what it wanted.
        # Python would print a traceback at exit flushing stdout again, so
        # stdout is pointed at /dev/null first (the Python docs' recipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
