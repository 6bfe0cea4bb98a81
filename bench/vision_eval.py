"""Evaluate the object detector on real labelled photos: found vs expected.

    .venv/bin/python bench/vision_eval.py

The photos are darknet's classic samples (device/scenes/, from Debian's
darknet package), whose contents are well known.  For each photo this prints
the classes found at the detector's reporting threshold against the classes
expected; "invented" lists classes at or above the threshold that are not in
the photo.  A figure, not a test: tests/vision/test_detector.py holds the
assertions.
"""

from __future__ import annotations

from pathlib import Path

from device.vision.detector import ObjectDetector
from device.vision.grouping import merge_same_object
from hardware.fake.camera import read_image

SCENES = Path(__file__).parents[1] / "device" / "scenes"
EXPECTED: dict[str, set[str]] = {
    "dog.jpg": {"dog", "bicycle", "truck"},
    "person.jpg": {"person", "dog", "horse"},
    "horses.jpg": {"horse"},
    "eagle.jpg": {"bird"},
    "giraffe.jpg": {"giraffe", "zebra"},
    "scream.jpg": set(),  # a painting: a person is arguable, nothing is fine
}


def main() -> None:
    detector = ObjectDetector()
    total_missing = total_invented = total_unsure = 0
    print(f"{'photo':12} {'expected':24} {'found':40} missing  invented (said as 'maybe')")
    for name, expected in EXPECTED.items():
        detections = detector.detect(read_image(SCENES / name))
        found = {d.label for d in detections}
        missing = expected - found
        invented = found - expected
        # Invented labels that the composer only says as an alternative name
        # for a real object ("a vehicle, maybe a car or a truck").
        alternatives = {a for _, alts in merge_same_object(detections) for a in alts}
        unsure = invented & (
            alternatives | {best.label for best, alts in merge_same_object(detections) if alts}
        )
        total_missing += len(missing)
        total_invented += len(invented - unsure)
        total_unsure += len(unsure)
        scores = ", ".join(f"{d.label} {d.score:.2f}" for d in detections)
        print(
            f"{name:12} {','.join(sorted(expected)) or '-':24} {scores:40} "
            f"{','.join(sorted(missing)) or '-':8} {','.join(sorted(invented)) or '-'}"
            f"{' (' + ','.join(sorted(unsure)) + ')' if unsure else ''}"
        )
    print(
        f"\nmissing {total_missing}, invented outright {total_invented}, "
        f"invented only as an alternative name for a real object {total_unsure}"
    )


if __name__ == "__main__":
    main()
