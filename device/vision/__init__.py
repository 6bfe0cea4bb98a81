"""What the camera frame says without a model: light level and colours.

Pure functions on BGR ``uint8`` frames (see :data:`hardware.ports.Frame`); the
object detector that comes later lives beside this and reuses it.
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
