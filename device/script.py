"""``[fake] questions``: what a scripted finger does once ``companion run`` is ready.

Each entry is one step:

* any text: hold the talk button, say it in the device's own voice, release;
* a path ending in ``.wav``: the same, with that recording as the voice;
* ``(double press)``, ``(tap)``: the button alone;
* ``(hold 1.5)``: hold for that many seconds saying nothing (a cancel);
* ``(wait 0.5)``: do nothing for that long;
* ``(note some words)``: write "script note: some words" to the log;
* ``(while answering) STEP``: do STEP as soon as the previous answer is heard,
  instead of after its turn has ended (a barge-in, or a tap mid-answer).

This module parses them (the config checks every entry as it loads);
:mod:`device.run` carries them out.  After a step the finger waits until
the device is idle again, for as long as the device makes progress (see
:mod:`device.ask`).  The QEMU smoke image asks its questions this way, and
``bench/soak.py --run`` drives ``companion run`` itself through a thousand
random cycles with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from device.errors import ConfigError

Kind = Literal["say", "wav", "double press", "tap", "hold", "wait", "note"]
_WHILE = "(while answering)"
_ACTION = re.compile(r"\((double press|tap|hold|wait|note)(?:\s+(.*))?\)", re.DOTALL)
#: How long a bare "(hold)" holds, in seconds.
DEFAULT_HOLD_S = 1.0


@dataclass(frozen=True)
class Step:
    kind: Kind
    text: str = ""
    """What is said (``say``), the WAV's path (``wav``), or the note."""
    seconds: float = 0.0
    """How long a ``hold`` or ``wait`` lasts."""
    while_answering: bool = False
    """Start once the previous answer is heard, not after its turn ends."""


def parse_step(entry: str) -> Step:
    """One ``[fake] questions`` entry as a :class:`Step`; ConfigError naming it if malformed."""
    text = entry.strip()
    while_answering = text.startswith(_WHILE)
    if while_answering:
        text = text.removeprefix(_WHILE).strip()
    if not text:
        raise ConfigError(f"fake.questions: {entry!r} has nothing to do")
    if text.lower().endswith(".wav"):
        return Step("wav", text, while_answering=while_answering)
    if not text.startswith("("):
        return Step("say", text, while_answering=while_answering)
    match = _ACTION.fullmatch(text)
    if match is None:
        raise ConfigError(
            f"fake.questions: {entry!r} is not a step: use text, a .wav path, "
            "(double press), (tap), (hold S), (wait S), (note ...) or (while answering) ..."
        )
    kind, arg = match.group(1), (match.group(2) or "").strip()
    if kind == "note":
        return Step("note", arg, while_answering=while_answering)
    if kind in ("hold", "wait"):
        try:
            seconds = float(arg) if arg else DEFAULT_HOLD_S
        except ValueError:
            raise ConfigError(f"fake.questions: {entry!r}: {arg!r} is not seconds") from None
        if not 0 <= seconds <= 600:
            raise ConfigError(f"fake.questions: {entry!r}: seconds must be 0 to 600")
        return Step(kind, seconds=seconds, while_answering=while_answering)  # type: ignore[arg-type]
    if arg:
        raise ConfigError(f"fake.questions: {entry!r}: ({kind}) takes nothing after it")
    return Step(kind, while_answering=while_answering)  # type: ignore[arg-type]


def parse_script(entries: tuple[str, ...]) -> list[Step]:
    """Every entry parsed, and the WAVs checked, before the device opens."""
    steps = [parse_step(e) for e in entries]
    if steps and steps[0].while_answering:
        raise ConfigError("fake.questions: the first step cannot be (while answering)")
    for step in steps:
        if step.kind == "wav" and not Path(step.text).is_file():
            raise ConfigError(f"fake.questions: {step.text} is not a WAV file here")
    return steps
