"""The scene tuning set is what it claims: other photos than the evaluation's."""

from __future__ import annotations

from pathlib import Path

from bench.scene_questions import CASES, HELD_OUT
from bench.scene_tuning import CASES as TUNING
from bench.scene_tuning import PHOTOS
from device.checksums import sha256_of

SCENES = Path(__file__).parents[1] / "device" / "scenes"


def test_no_tuning_photo_is_an_evaluation_photo() -> None:
    evaluation = {sha256_of(p) for p in SCENES.glob("*.jpg")}
    assert len(evaluation) >= 8
    assert not {p.sha256 for p in PHOTOS} & evaluation
    names = {p.name for p in PHOTOS}
    assert not names & {c.photo for c in (*CASES, *HELD_OUT)}
    assert len(names) == len(PHOTOS)


def test_every_tuning_question_is_about_a_listed_photo_in_both_languages() -> None:
    names = {p.name for p in PHOTOS}
    assert {c.photo for c in TUNING} <= names
    assert {c.language for c in TUNING} == {"en", "ko"}
    asked = [(c.photo, c.language, c.before, c.question) for c in TUNING]
    assert len(asked) == len(set(asked))
