"""Configuration: TOML loaded into frozen dataclasses, validated at start-up.

Unknown sections or keys are errors (a typo must fail loudly, as picamera2
does), and so is a value of the wrong type or out of range.  Every error is one
``ConfigError`` line naming the file, the key and what is wrong.

The documented default file is ``device/companion.toml``; it is loaded by the
tests to prove it matches these classes exactly.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import inspect
import stat
import sys
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from device.errors import ConfigError
from device.language import Language
from device.script import parse_script
from hardware.select import BackendName

DEFAULT_CONFIG_PATH = Path(__file__).with_name("companion.toml")
PROFILES_DIR = Path(__file__).with_name("profiles")
#: Below this much RAM the defaults (496 MB peak, README "Measured figures")
#: do not fit, so the Pi Zero 2 W profile (325 MB) is the base of the config.
SMALL_BOARD_MB = 768


@dataclass(frozen=True)
class DeviceConfig:
    language: Language = "en"
    """Language the device listens and answers in."""
    hardware: BackendName = "auto"
    """Hardware backend: "pi", "fake", or "auto" (pi on a Raspberry Pi, else fake)."""


@dataclass(frozen=True)
class ButtonConfig:
    pin: int = 17
    """BCM GPIO number of the talk button (wired to ground, internal pull-up)."""
    bounce_time: float = 0.02
    """Seconds of contact bounce to ignore."""
    hold_time: float = 1.0
    """Seconds before the button reports "held"."""
    tap_max: float = 0.35
    """A press shorter than this is a tap, not speech."""
    double_window: float = 0.45
    """Seconds after a tap in which a second press makes a double press."""
    max_listen: float = 12.0
    """Listening stops by itself after this many seconds."""

    def __post_init__(self) -> None:
        _check_range("button.pin", self.pin, 0, 27)
        _check_range("button.bounce_time", self.bounce_time, 0.0, 0.5)
        _check_range("button.hold_time", self.hold_time, 0.1, 10.0)
        _check_range("button.tap_max", self.tap_max, 0.05, 2.0)
        _check_range("button.double_window", self.double_window, 0.1, 2.0)
        _check_range("button.max_listen", self.max_listen, 1.0, 120.0)


@dataclass(frozen=True)
class LedConfig:
    pin: int = 27
    """BCM GPIO number of the status LED (or vibration motor driver)."""
    pwm: bool = True
    """Drive the LED with PWM so it can pulse; False blinks instead."""

    def __post_init__(self) -> None:
        _check_range("led.pin", self.pin, 0, 27)


@dataclass(frozen=True)
class AudioConfig:
    input_device: str = ""
    """PortAudio input device name or index; "" for the system default."""
    output_device: str = ""
    """PortAudio output device name or index; "" for the system default."""
    output_rate: int = 22050
    """Earpiece sample rate in Hz (Piper's native rate, so no resampling)."""
    volume: float = 0.8
    """Starting earpiece volume, 0.1..1."""

    def __post_init__(self) -> None:
        _check_range("audio.output_rate", self.output_rate, 8000, 48000)
        _check_range("audio.volume", self.volume, 0.1, 1.0)


@dataclass(frozen=True)
class CameraConfig:
    width: int = 1280
    """Frame width in pixels."""
    height: int = 960
    """Frame height in pixels."""

    def __post_init__(self) -> None:
        _check_range("camera.width", self.width, 64, 4608)
        _check_range("camera.height", self.height, 48, 3456)


@dataclass(frozen=True)
class SpeechConfig:
    recognizer: str = "auto"
    """Recogniser: "auto" (Whisper; Vosk when ``vosk_model_dir`` is set), or one
    engine by name: "whisper", "vosk" or "pocketsphinx" (see device.speech.registry)."""
    vosk_model_dir: str = ""
    """English Vosk model directory; "" uses the fetched one if Vosk is named."""
    free_form_fallback: bool = True
    """When the command grammar does not fit, fall back to free-form recognition."""
    english_voice: Literal["piper", "espeak"] = "piper"
    """English voice: "piper" (natural, ~150 MB) or "espeak" (robotic, a few MB)."""
    noise_suppression: int = 0
    """WebRTC noise suppression before any recogniser: 0 (off) to 4 (strongest).

    Whisper's English already cleans its audio at level 1 (measured); this is
    a further front end, which helped Vosk's Korean and hurt PocketSphinx."""
    auto_gain: int = 0
    """WebRTC automatic gain target before recognition, in dBFS: 0 (off) to 31."""

    def __post_init__(self) -> None:
        # A str checked against the registry, not a Literal, so that adding an
        # engine is one registry line; the registry imports no engine.
        from device.speech.registry import check_recognizer_name

        check_recognizer_name(self.recognizer)
        _check_range("speech.noise_suppression", self.noise_suppression, 0, 4)
        _check_range("speech.auto_gain", self.auto_gain, 0, 31)


@dataclass(frozen=True)
class VisionConfig:
    threads: int = 0
    """onnxruntime threads per vision model; 0 uses every core."""
    read_text: bool = True
    """Read signs and labels as part of "what do you see"."""
    faces: bool = True
    """Look at the faces of people in view (expression, rough age)."""
    max_words: int = 25
    """Longest short description, in words ("tell me more" gives all)."""
    warm_up: bool = True
    """Load the vision models at start-up, not at the first question."""
    speculate: bool = True
    """Start looking when the button is pressed, so "what do you see?" is answered on release."""

    def __post_init__(self) -> None:
        _check_range("vision.threads", self.threads, 0, 16)
        _check_range("vision.max_words", self.max_words, 5, 100)


@dataclass(frozen=True)
class MemoryConfig:
    enabled: bool = True
    """Remember what each look saw (time, things, where, text read): "when did you last see..."."""
    retention_days: float = 30.0
    """Looks older than this many days are forgotten."""
    max_mb: float = 5.0
    """The most the memory may take on the data partition, in MB (about 50,000 looks)."""
    keep_images: bool = False
    """Also keep a small JPEG of each look (the newest 200), on the data partition."""

    def __post_init__(self) -> None:
        _check_range("memory.retention_days", self.retention_days, 0.01, 3650)
        _check_range("memory.max_mb", self.max_mb, 0.1, 1000)


@dataclass(frozen=True)
class FakeConfig:
    camera: str = ""
    """Image, folder of images, or video for the fake camera; "" uses a built-in scene."""
    paced: bool = True
    """Deliver fake microphone audio in real time, so latencies are realistic."""
    earpiece_wav: str = ""
    """Where the fake earpiece writes what it played on exit; "" keeps it in memory."""
    earpiece_keep_s: float = 600.0
    """How many seconds of what the fake earpiece played it keeps (for earpiece_wav and
    the demo); older audio is dropped, so a long run stays the same size. 0 keeps all."""
    questions: tuple[str, ...] = ()
    """What a scripted finger does once `companion run` is ready: text to say, .wav files,
    or (double press), (tap), (hold S), (wait S), (note ...), (while answering) STEP."""

    def __post_init__(self) -> None:
        _check_range("fake.earpiece_keep_s", self.earpiece_keep_s, 0, 86400)
        parse_script(self.questions)


@dataclass(frozen=True)
class Config:
    device: DeviceConfig = field(default_factory=DeviceConfig)
    button: ButtonConfig = field(default_factory=ButtonConfig)
    led: LedConfig = field(default_factory=LedConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    vision: VisionConfig = field(default_factory=VisionConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)
    fake: FakeConfig = field(default_factory=FakeConfig)

    def __post_init__(self) -> None:
        if self.button.pin == self.led.pin:
            raise ConfigError(
                f"button.pin and led.pin are both GPIO {self.button.pin}: they need a pin each"
            )

    def with_overrides(self, **sections: dict[str, Any]) -> Config:
        """A copy with some fields replaced, validated like the file (for the CLI)."""
        merged = {name: dataclasses.asdict(getattr(self, name)) for name in _sections()}
        for name, values in sections.items():
            merged.setdefault(name, {}).update(values)
        return _build(merged, source="command line")


def _check_range(key: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{key} = {value!r} is out of range ({low}..{high})")


def _sections() -> dict[str, type[Any]]:
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config)}


def _unknown(kind: str, name: str, known: list[str], source: str) -> ConfigError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
    return ConfigError(f"{source}: unknown {kind} {name!r}{hint}")


def _coerce(key: str, value: object, hint: object, source: str) -> object:
    """Check ``value`` against a field's type; ints are accepted for floats."""
    if typing.get_origin(hint) is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ConfigError(
                f"{source}: {key} = {value!r} must be one of {', '.join(map(repr, allowed))}"
            )
        return value
    if typing.get_origin(hint) is tuple:  # tuple[str, ...]: a TOML array of strings
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: {key} must be a list of strings, not {value!r}")
        return tuple(value)
    expected = hint if isinstance(hint, type) else None
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is not None and type(value) is not expected:
        got = type(value).__name__
        raise ConfigError(f"{source}: {key} must be {expected.__name__}, not {got} ({value!r})")
    return value


def _build(data: dict[str, Any], *, source: str) -> Config:
    sections = _sections()
    built: dict[str, object] = {}
    for name, raw in data.items():
        if name not in sections:
            raise _unknown("section", f"[{name}]", [f"[{s}]" for s in sections], source)
        if not isinstance(raw, dict):
            raise ConfigError(f"{source}: [{name}] must be a table of keys")
        cls = sections[name]
        hints = typing.get_type_hints(cls)
        values: dict[str, object] = {}
        for key, value in raw.items():
            if key not in hints:
                raise _unknown("key", f"{name}.{key}", [f"{name}.{k}" for k in hints], source)
            values[key] = _coerce(f"{name}.{key}", value, hints[key], source)
        try:
            built[name] = cls(**values)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
    try:
        return Config(**built)  # type: ignore[arg-type]
    except ConfigError as exc:  # a rule across sections (two uses of one pin)
        raise ConfigError(f"{source}: {exc}") from None


#: A config file is a few KB; anything this big is not one (and reading it
#: whole would cost the memory a small board does not have).
MAX_CONFIG_BYTES = 1_000_000


def _read_toml(p: Path) -> dict[str, Any]:
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError(f"{p}: not a regular file")  # a FIFO would hang the start
        if st.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{p}: {st.st_size} bytes is too big for a config file")
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read config file ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise ConfigError(f"{p}: a value is out of reach ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{p}: tables or arrays are nested too deeply") from None


def load_config(path: str | Path | None = None, *, base: str | Path | None = None) -> Config:
    """Load and validate ``path`` on top of ``base`` (a profile); ``None`` means defaults.

    A key in ``path`` replaces the same key in ``base``; the rest of ``base`` stays.
    """
    merged: dict[str, Any] = {}
    sources = []
    for layer in (base, path):
        if layer is None:
            continue
        data = _read_toml(Path(layer))
        sources.append(str(layer))
        for name, table in data.items():
            if isinstance(table, dict) and isinstance(merged.get(name), dict):
                merged[name] = {**merged[name], **table}
            else:
                merged[name] = table
    if not sources:
        return Config()
    # A mistake is reported against the file on top (the user's, if given).
    return _build(merged, source=sources[-1])


MEMINFO = Path("/proc/meminfo")


def meminfo_mb(field: str, meminfo: Path = MEMINFO) -> float:
    """One ``/proc/meminfo`` figure ("MemTotal", "MemAvailable") in MB; OSError if absent."""
    for line in meminfo.read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            try:
                return int(value.split()[0]) / 1024
            except (ValueError, IndexError):
                break
    raise OSError(f"cannot read {field} from {meminfo}")


def board_profile(meminfo: Path = MEMINFO) -> Path | None:
    """The profile this board needs under the user's config: the Zero 2 W's on small boards."""
    try:
        total_mb = meminfo_mb("MemTotal", meminfo)
    except OSError:
        return None
    return PROFILES_DIR / "pi-zero-2w.toml" if total_mb < SMALL_BOARD_MB else None


def describe_fields() -> list[tuple[str, object, str]]:
    """``(key, default, docstring)`` for every field, read from this file's source.

    Used to check that the documented default file covers every field.
    """
    tree = ast.parse(inspect.getsource(sys.modules[__name__]))
    docs: dict[tuple[str, str], str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            body = node.body
            for i, stmt in enumerate(body[:-1]):
                nxt = body[i + 1]
                if (
                    isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and isinstance(nxt, ast.Expr)
                    and isinstance(nxt.value, ast.Constant)
                ):
                    docs[(node.name, stmt.target.id)] = str(nxt.value.value)
    out: list[tuple[str, object, str]] = []
    defaults = Config()
    for section, cls in _sections().items():
        for f in dataclasses.fields(cls):
            value = getattr(getattr(defaults, section), f.name)
            out.append((f"{section}.{f.name}", value, docs.get((cls.__name__, f.name), "")))
    return out
