"""The languages the device speaks, and the words it says in each.

``Language`` is defined here and only here: the config, the recognisers, the
skills and the scene sentences all import it, so adding a language starts
with this one line (then its one file of tables, ``device/language/<code>.py``:
what it says and the requests it understands, listed in ``tongues.py``; then
its engines; see the README).
"""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["en", "ko"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
#: How each language is named in English (error messages, logs, doctor).
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "ko": "Korean"}
