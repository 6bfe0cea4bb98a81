"""The device's eyes: what is in a camera frame, as data (no words).

``pipeline`` runs the stages (light and colour, objects, faces, text) and
returns a :class:`~device.vision.pipeline.SceneReport`; ``grouping`` holds the
geometry facts (sides, nearness, one object under two names).  Turning a
report into sentences is the language layer's job (``device.language.scene``).
Re-exported here: the model-free light and colour measures on BGR ``uint8``
frames (see :data:`hardware.ports.Frame`).
"""

from device.vision.light import (
    COLOUR_NAMES,
    ColourName,
    ColourShare,
    LightReading,
    LightWord,
    SceneLight,
    colour_name,
    dominant_colours,
    is_too_dark,
    measure,
    measure_light,
    thumbnail,
)

__all__ = [
    "COLOUR_NAMES",
    "ColourName",
    "ColourShare",
    "LightReading",
    "LightWord",
    "SceneLight",
    "colour_name",
    "dominant_colours",
    "is_too_dark",
    "measure",
    "measure_light",
    "thumbnail",
]
