"""Questions about what the camera sees, with the true answers: the evaluation set.

    .venv/bin/python -m bench.scene_questions [--lang en ko] [--show]

Each case is a photo of ``device/scenes``, a question as a wearer would ask
it, and the truth *about the photo* (what is really there, as a person
looking at it sees it), not about what the detector finds: a question the
detector cannot answer counts as wrong.  Written before the skills that
answer them, so nothing here was fitted to the answers.

The truth, per photo (sides are the thirds of the frame the object's centre
is in, as the device says them):

* dog.jpg: a dog on the left, a bicycle ahead, a truck on the right.
* person.jpg: a person ahead, a dog on the left, a horse on the right.
* horses.jpg: five horses (one behind another), no people.
* eagle.jpg: a bird ahead.
* giraffe.jpg: a giraffe ahead, a zebra on the right.
* scream.jpg: Munch's painting: a person ahead, on a bridge.
* astronaut.jpg: a person (an astronaut) ahead.
* camera.jpg: a person (a cameraman) on the left.
* chelsea.jpg: a cat ahead, filling the view.
* coffee.jpg: a cup ahead, on a saucer on a table.

In every photo something is close ahead, so every "is the way clear"
answer is "no"; the set has no clear case (a weakness of the set).

Scoring (the script prints it): an answer is **right** when the question
reached the right skill and the skill's facts (``Answer.details``) match the
truth: found or not, the side, the count, clear or not.  Separately, an
answer **claims an unseen object** when it names a thing the detector did
not report in that look: the answers must come from the pipeline's data,
never from a guess, so this must be 0.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Literal

from device.language import Language

Kind = Literal["find", "where", "count", "clear"]


@dataclass(frozen=True)
class Case:
    photo: str
    language: Language
    question: str
    kind: Kind
    label: str | None = None
    """The COCO class asked about (``find``, ``where``, ``count``)."""
    present: bool | None = None
    side: str | None = None
    count: int | None = None
    clear: bool | None = None


def _find(photo: str, lang: Language, q: str, label: str, present: bool) -> Case:
    return Case(photo, lang, q, "find", label, present=present)


def _where(photo: str, lang: Language, q: str, label: str, side: str) -> Case:
    return Case(photo, lang, q, "where", label, present=True, side=side)


def _count(photo: str, lang: Language, q: str, label: str, n: int) -> Case:
    return Case(photo, lang, q, "count", label, count=n)


def _clear(photo: str, lang: Language, q: str, clear: bool) -> Case:
    return Case(photo, lang, q, "clear", clear=clear)


CASES: tuple[Case, ...] = (
    # --- English --------------------------------------------------------
    _find("dog.jpg", "en", "Is there a dog?", "dog", True),
    _find("dog.jpg", "en", "Is there a cat?", "cat", False),
    _find("dog.jpg", "en", "Do you see a bike?", "bicycle", True),
    _find("dog.jpg", "en", "Are there any people?", "person", False),
    _where("dog.jpg", "en", "Where is the dog?", "dog", "left"),
    _where("dog.jpg", "en", "Where's the truck?", "truck", "right"),
    _where("dog.jpg", "en", "Where is the bicycle?", "bicycle", "ahead"),
    _clear("dog.jpg", "en", "Is the way ahead clear?", False),
    _count("dog.jpg", "en", "How many dogs are there?", "dog", 1),
    _find("person.jpg", "en", "Is there a horse?", "horse", True),
    _find("person.jpg", "en", "Can you see a car?", "car", False),
    _where("person.jpg", "en", "Where is the dog?", "dog", "left"),
    _where("person.jpg", "en", "Where is the horse?", "horse", "right"),
    _where("person.jpg", "en", "Where is the person?", "person", "ahead"),
    _count("person.jpg", "en", "How many people are there?", "person", 1),
    _clear("person.jpg", "en", "Is the path clear?", False),
    _find("horses.jpg", "en", "Are there any horses?", "horse", True),
    _find("horses.jpg", "en", "Is there a person?", "person", False),
    _count("horses.jpg", "en", "How many horses can you see?", "horse", 5),
    _clear("horses.jpg", "en", "Is anything in my way?", False),
    _find("eagle.jpg", "en", "Is there a bird?", "bird", True),
    _find("eagle.jpg", "en", "Is there a dog?", "dog", False),
    _where("eagle.jpg", "en", "Where is the bird?", "bird", "ahead"),
    _find("giraffe.jpg", "en", "Is there a zebra?", "zebra", True),
    _where("giraffe.jpg", "en", "Where is the zebra?", "zebra", "right"),
    _find("giraffe.jpg", "en", "Is there a horse?", "horse", False),
    _count("giraffe.jpg", "en", "How many giraffes are there?", "giraffe", 1),
    _find("scream.jpg", "en", "Is there a person?", "person", True),
    _clear("scream.jpg", "en", "Is the way ahead clear?", False),
    _find("astronaut.jpg", "en", "Is there a person?", "person", True),
    _find("astronaut.jpg", "en", "Is there a dog?", "dog", False),
    _where("astronaut.jpg", "en", "Where is the person?", "person", "ahead"),
    _find("camera.jpg", "en", "Is there anyone here?", "person", True),
    _where("camera.jpg", "en", "Where is the man?", "person", "left"),
    _find("camera.jpg", "en", "Is there a car?", "car", False),
    _find("chelsea.jpg", "en", "Is there a cat?", "cat", True),
    _find("chelsea.jpg", "en", "Is there a dog?", "dog", False),
    _find("coffee.jpg", "en", "Is there a cup?", "cup", True),
    _where("coffee.jpg", "en", "Where is the cup?", "cup", "ahead"),
    _find("coffee.jpg", "en", "Are there any people?", "person", False),
    _count("coffee.jpg", "en", "How many cups are there?", "cup", 1),
    # --- Korean ---------------------------------------------------------
    _find("dog.jpg", "ko", "개 있어?", "dog", True),
    _find("dog.jpg", "ko", "고양이 있어?", "cat", False),
    _find("dog.jpg", "ko", "자전거 보여?", "bicycle", True),
    _where("dog.jpg", "ko", "개 어디 있어?", "dog", "left"),
    _where("dog.jpg", "ko", "트럭 어디 있어?", "truck", "right"),
    _clear("dog.jpg", "ko", "앞에 길 막혀 있어?", False),
    _count("dog.jpg", "ko", "개 몇 마리 있어?", "dog", 1),
    _find("person.jpg", "ko", "말 있어?", "horse", True),
    _find("person.jpg", "ko", "자동차 있어?", "car", False),
    _where("person.jpg", "ko", "말 어디 있어?", "horse", "right"),
    _where("person.jpg", "ko", "사람 어디 있어?", "person", "ahead"),
    _count("person.jpg", "ko", "사람 몇 명 있어?", "person", 1),
    _count("horses.jpg", "ko", "말 몇 마리 있어?", "horse", 5),
    _find("horses.jpg", "ko", "사람 있어?", "person", False),
    _find("eagle.jpg", "ko", "새 보여?", "bird", True),
    _where("eagle.jpg", "ko", "새 어디 있어?", "bird", "ahead"),
    _find("giraffe.jpg", "ko", "얼룩말 있어?", "zebra", True),
    _find("giraffe.jpg", "ko", "말 있어?", "horse", False),
    _find("scream.jpg", "ko", "사람 있어?", "person", True),
    _find("astronaut.jpg", "ko", "사람 보여?", "person", True),
    _where("camera.jpg", "ko", "사람 어디 있어?", "person", "left"),
    _find("chelsea.jpg", "ko", "고양이 있어?", "cat", True),
    _find("chelsea.jpg", "ko", "강아지 있어?", "dog", False),
    _find("coffee.jpg", "ko", "컵 있어?", "cup", True),
    _clear("coffee.jpg", "ko", "지나갈 수 있어?", False),
)


@dataclass(frozen=True)
class Verdict:
    case: Case
    intent: str
    text: str
    right: bool
    unseen: tuple[str, ...]
    """Things the answer claims that the detector did not report."""


def judge(
    case: Case, intent: str, text: str, details: dict[str, object], seen: set[str]
) -> Verdict:
    """Whether an answer is right by ``case``'s truth, and what it claims unseen."""
    facts = details
    kind_intent = {"find": "find", "where": "find", "count": "count", "clear": "clear"}
    right = intent == kind_intent[case.kind]
    if right and case.kind in ("find", "where"):
        right = facts.get("found") == case.present
        if case.side is not None:
            right = right and facts.get("side") == case.side
    elif right and case.kind == "count":
        right = facts.get("count") == case.count
    elif right and case.kind == "clear":
        right = facts.get("clear") == case.clear
    claimed = facts.get("claimed", ())
    unseen = tuple(x for x in claimed if x not in seen) if isinstance(claimed, list | tuple) else ()
    return Verdict(case, intent, text, right, unseen)


def run(languages: list[Language]) -> list[Verdict]:
    """Ask every case of ``languages`` of the real skills, on the real pipeline."""
    import cv2

    from device.assistant import SCENES
    from device.skills.registry import default_registry
    from device.turns import TurnContext
    from device.vision.pipeline import VisionPipeline

    eyes = VisionPipeline()
    registry = default_registry(eyes=eyes)
    verdicts = []
    for case in CASES:
        if case.language not in languages:
            continue
        frame = cv2.imread(str(SCENES / case.photo))
        seen = {o.label for o in eyes.look(frame).objects}
        # The look just made is the "speculative" one the skills take (eyes.recent).
        ctx = TurnContext(case.language, 0.8, None, camera=lambda f=frame: f)
        answer = registry.respond(ctx, case.question)
        verdicts.append(judge(case, answer.intent, answer.text, dict(answer.details), seen))
    return verdicts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", nargs="+", default=["en", "ko"], choices=["en", "ko"])
    ap.add_argument("--show", action="store_true", help="print every answer")
    args = ap.parse_args()
    verdicts = run(args.lang)
    for language in args.lang:
        vs = [v for v in verdicts if v.case.language == language]
        photos = len({v.case.photo for v in vs})
        right = sum(v.right for v in vs)
        unseen = sum(bool(v.unseen) for v in vs)
        print(
            f"{language}: {right} of {len(vs)} answers right ({right / len(vs):.0%}) "
            f"over {photos} photos; {unseen} claim a thing the detector did not see"
        )
        by_kind: dict[str, list[Verdict]] = {}
        for v in vs:
            by_kind.setdefault(v.case.kind, []).append(v)
        print(
            "  " + ", ".join(f"{k} {sum(x.right for x in g)}/{len(g)}" for k, g in by_kind.items())
        )
        for v in vs:
            if args.show or not v.right or v.unseen:
                mark = "ok " if v.right else "NO "
                print(f"  {mark}{v.case.photo:14} {v.case.question!r} -> [{v.intent}] {v.text}")


if __name__ == "__main__":
    main()
