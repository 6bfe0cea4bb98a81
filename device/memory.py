"""Visual memory: a compact record of every look, kept on the data partition.

"When did you last see a bicycle?" and "what did I see this morning?" are
answered from it.  Each look is one line of a log file (``looks.log`` in
the state directory): when, each thing seen (class, side, nearness) and the
text read, as compact JSON followed by its CRC-32.  About 100 bytes a look,
so 10,000 looks take about 1 MB (``bench/memory_bench.py`` measures it).
No image is kept unless ``memory.keep_images`` is on.

Power-loss and kill -9 safety, without a database:

* a look is appended with one ``write`` and then ``fdatasync``;
* a line whose CRC does not match, or that has no newline (a write cut
  short), is not a look: at open, a torn tail is cut off, so the next look
  does not join it and only the look being written is lost;
* trimming (too big, or past ``retention_days``) writes a new file beside
  the old one and renames it over it, so a kill leaves the old file or the
  new one; temporary files left by such a kill are removed at open.

One process owns the directory (the service); its threads share one
:class:`VisualMemory` through its lock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import sys
import threading
import time
import typing
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import cv2

from device.atomic import replace_file
from device.vision.grouping import Nearness, Side, nearness, side_of
from device.vision.pipeline import SceneReport
from hardware.ports import Frame

log = logging.getLogger(__name__)

LOG_FILE: Final = "looks.log"
IMAGES: Final = "images"
_TEMP_PREFIX: Final = ".looks-"
#: Trimming keeps this share of ``max_bytes``, so it is not redone every look.
_TRIM_TO: Final = 0.75
#: The most images kept when ``keep_images`` is on; the oldest go first.
MAX_IMAGES: Final = 200
_IMAGE_SIDE: Final = 480


#: Every side and nearness, each one string object (see ``Look.from_line``).
_SIDES: Final[dict[str, Side]] = {s: s for s in typing.get_args(Side)}
_NEARNESS: Final[dict[str, Nearness]] = {n: n for n in typing.get_args(Nearness)}


@dataclass(frozen=True, slots=True)
class Thing:
    label: str
    side: Side
    near: Nearness


@dataclass(frozen=True, slots=True)
class Look:
    """One remembered look."""

    at: float
    """Wall-clock time, epoch seconds."""
    things: tuple[Thing, ...]
    texts: tuple[str, ...] = ()

    def to_line(self) -> str:
        record = {
            "t": round(self.at, 1),
            "o": [[t.label, t.side, t.near] for t in self.things],
            **({"x": list(self.texts)} if self.texts else {}),
        }
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        return f"{body}\t{zlib.crc32(body.encode()):08x}\n"

    @classmethod
    def from_line(cls, line: str) -> Look | None:
        """The look on one line, or None if the line is not a whole, intact one."""
        body, tab, crc = line.rstrip("\n").rpartition("\t")
        if not tab or not line.endswith("\n"):
            return None
        try:
            if int(crc, 16) != zlib.crc32(body.encode()):
                return None
            data = json.loads(body)
            # Interned: the same few labels repeat in every look, and 10,000
            # looks of fresh strings took 7.6 MB of RAM instead of about 3.
            # A side or nearness the device never writes makes the line no look.
            things = tuple(
                Thing(sys.intern(str(a)), _SIDES[b], _NEARNESS[c]) for a, b, c in data["o"]
            )
            texts = tuple(str(x) for x in data.get("x", ()))
            return cls(float(data["t"]), things, texts)
        except (ValueError, TypeError, KeyError, RecursionError, AttributeError):
            return None


def look_of(report: SceneReport, at: float) -> Look:
    things = tuple(Thing(o.label, side_of(o.box), nearness(o.box)) for o in report.objects)
    return Look(at, things, tuple(t.text for t in report.texts))


class VisualMemory:
    """Every look, remembered; in a directory, or in RAM only (``directory=None``)."""

    def __init__(
        self,
        directory: Path | None,
        *,
        retention_days: float = 30.0,
        max_bytes: int = 5_000_000,
        keep_images: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.retention_s = retention_days * 86400.0
        self.max_bytes = max_bytes
        self.keep_images = keep_images
        self._clock = clock
        self._lock = threading.Lock()
        self._looks: list[Look] = []
        self._bytes = 0
        if directory is not None:
            self._open(directory)

    # ------------------------------------------------------------------ writing

    def remember(self, report: SceneReport, frame: Frame | None = None) -> None:
        """Keep one look (and its image, if ``keep_images``).  A failing
        disk is logged, never raised: a look must not fail because of it."""
        if report.too_dark:
            return
        look = look_of(report, self._clock())
        with self._lock:
            self._looks.append(look)
            if self.directory is None:
                self._bytes += len(look.to_line().encode())
                self._drop_old_in_ram()
                return
            try:
                self._append(look.to_line().encode())
                if self.keep_images and frame is not None:
                    self._keep_image(frame, look.at)
            except OSError as exc:
                log.warning("could not remember a look in %s: %s", self.directory, exc)

    def forget(self) -> None:
        """Erase every look and image, on disk too."""
        with self._lock:
            self._looks.clear()
            self._bytes = 0
            if self.directory is None:
                return
            self._rewrite([])
            images = self.directory / IMAGES
            for image in images.glob("*.jpg") if images.is_dir() else ():
                with contextlib.suppress(OSError):
                    image.unlink()

    # ------------------------------------------------------------------ asking

    def looks(self, *, since: float = 0.0, until: float | None = None) -> list[Look]:
        """The looks kept from ``since`` up to (not at) ``until`` (epoch
        seconds), oldest first: the morning ends as 12:00 begins."""
        oldest = max(since, self._clock() - self.retention_s)
        with self._lock:
            return [
                look
                for look in self._looks
                if look.at >= oldest and (until is None or look.at < until)
            ]

    def last_seen(self, labels: Iterable[str]) -> tuple[Look, Thing] | None:
        """The newest look holding one of ``labels``, and that thing (the nearest of them)."""
        wanted = set(labels)
        oldest = self._clock() - self.retention_s
        with self._lock:
            for look in reversed(self._looks):
                if look.at < oldest:
                    break
                found = [t for t in look.things if t.label in wanted]
                if found:
                    order: dict[Nearness, int] = {"close": 0, "": 1, "far": 2}
                    return look, min(found, key=lambda t: order[t.near])
        return None

    # ---------------------------------------------------------------- internals

    @property
    def _path(self) -> Path:
        assert self.directory is not None
        return self.directory / LOG_FILE

    def _open(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for stale in [
                *directory.glob(_TEMP_PREFIX + "*"),
                *directory.glob(f"{IMAGES}/{_TEMP_PREFIX}*"),
            ]:
                stale.unlink()  # a trim or image write that was killed
            data, on_disk = self._read_tail()
        except OSError as exc:
            log.warning("visual memory in %s is unreadable (%s); starting empty", directory, exc)
            return
        whole = data[: data.rfind(b"\n") + 1]
        if len(whole) != len(data):
            # A look cut short by a kill or a power cut: cut it off, or the
            # next look would be appended to it and lost with it.
            with contextlib.suppress(OSError), open(self._path, "r+b") as f:
                f.truncate(len(whole))
        lines = whole.decode("utf-8", errors="replace").splitlines(keepends=True)
        read = [(look, len(line.encode())) for line in lines if (look := Look.from_line(line))]
        if len(read) < len(lines):
            log.warning("%s: %d damaged looks skipped", self._path, len(lines) - len(read))
        self._looks, self._bytes = self._within_bounds(
            [look for look, _ in read], [n for _, n in read]
        )
        # Damaged lines, looks past the retention, or a file longer than the
        # tail that was read: the file is made what was kept.
        if self._bytes != on_disk and on_disk:
            with contextlib.suppress(OSError):
                self._rewrite(self._looks)

    def _read_tail(self) -> tuple[bytes, int]:
        """The log's bytes, at most ``max_bytes`` of its end, and the file's
        size; anything that is not a regular file (a FIFO would hang the
        start) is set aside."""
        try:
            st = os.lstat(self._path)
        except FileNotFoundError:
            return b"", 0
        if not stat.S_ISREG(st.st_mode):
            log.warning("%s is not a regular file; setting it aside", self._path)
            self._path.replace(self._path.with_name(LOG_FILE + ".corrupt"))
            return b"", 0
        with open(self._path, "rb") as f:
            if st.st_size <= self.max_bytes:
                return f.read(), st.st_size
            f.seek(st.st_size - self.max_bytes)
            tail = f.read()
        # Started mid-line: the first (partial) line is not a look.  The
        # rewrite after opening makes the file what was kept.
        return tail[tail.find(b"\n") + 1 :], st.st_size

    def _append(self, line: bytes) -> None:
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fdatasync(fd)
        finally:
            os.close(fd)
        self._bytes += len(line)
        if self._bytes > self.max_bytes:
            self._rewrite(self._within_bounds(self._looks)[0])

    def _rewrite(self, looks: Sequence[Look]) -> None:
        """Replace the log with ``looks``, atomically (see the module docstring)."""
        assert self.directory is not None
        data = "".join(look.to_line() for look in looks).encode()
        replace_file(self._path, data, prefix=_TEMP_PREFIX)
        self._looks = list(looks)
        self._bytes = len(data)

    def _drop_old_in_ram(self) -> None:
        """The same bounds as on disk, checked as cheaply: only when passed."""
        oldest = self._clock() - self.retention_s
        if (self._looks and self._looks[0].at < oldest) or self._bytes > self.max_bytes:
            self._looks, self._bytes = self._within_bounds(self._looks)

    def _within_bounds(
        self, looks: Sequence[Look], sizes: Sequence[int] | None = None
    ) -> tuple[list[Look], int]:
        """The newest of ``looks`` within the retention, and if their lines pass
        ``max_bytes``, only those that fit in ``_TRIM_TO`` of it (so a trim is
        not redone at the next look); with the size of their lines (given, or
        measured by writing each line again)."""
        oldest = self._clock() - self.retention_s
        if sizes is None:
            sizes = [len(look.to_line().encode()) for look in looks]
        sized = [(look, n) for look, n in zip(looks, sizes, strict=True) if look.at >= oldest]
        total = sum(n for _, n in sized)
        budget = int(self.max_bytes * _TRIM_TO) if total > self.max_bytes else total
        kept: list[Look] = []
        size = 0
        for look, n in reversed(sized):
            if size + n > budget:
                break
            kept.append(look)
            size += n
        kept.reverse()
        return kept, size

    def _keep_image(self, frame: Frame, at: float) -> None:
        assert self.directory is not None
        images = self.directory / IMAGES
        images.mkdir(exist_ok=True)
        h, w = frame.shape[:2]
        scale = min(1.0, _IMAGE_SIDE / max(h, w))
        small = cv2.resize(frame, (round(w * scale), round(h * scale))) if scale < 1 else frame
        ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
        if not ok:
            return
        replace_file(images / f"{int(at * 1000)}.jpg", jpeg.tobytes(), prefix=_TEMP_PREFIX)
        kept = sorted(images.glob("*.jpg"))
        for old in kept[: max(0, len(kept) - MAX_IMAGES)]:
            old.unlink()
