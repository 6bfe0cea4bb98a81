"""What the device remembers across power-offs: today, the earpiece volume.

A pocket device is switched off by pulling its power, at any moment, including
in the middle of a write.  So the state file is only ever replaced whole: the
new contents go to a temporary file in the same directory, which is flushed
to the card (fsync), renamed over the old file (atomic on POSIX filesystems),
and the directory is flushed so the rename itself is on the card.  After a
power pull at any point the file is the old version or the new one, never a
torn mix.  A file that still cannot be read (a failing card) is set aside as
``state.json.corrupt`` and the device starts from its configured defaults.

On the image the directory is ``/var/lib/companion``: systemd passes it as
``$STATE_DIRECTORY`` (``StateDirectory=companion``), and it is the one small
writable partition on a read-only card (see README, "Power pulls").
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from device.atomic import replace_file

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
#: The temporaries of atomic saves (``device.atomic``); one left behind was cut short.
TEMP_PREFIX = ".state-"
#: The state is a few bytes; a file this big is not one.
MAX_STATE_BYTES = 65_536


@dataclass(frozen=True)
class SavedState:
    volume: float | None = None
    """Earpiece volume the user last chose with "louder"/"quieter"."""


def state_directory(environ: dict[str, str] | None = None) -> Path | None:
    """Where to keep state: systemd's ``$STATE_DIRECTORY``, else ``$COMPANION_STATE_DIR``.

    ``None`` (a laptop demo, a test) means nothing is remembered.
    """
    env = os.environ if environ is None else environ
    # systemd may pass several directories, colon-separated; ours is the first.
    value = env.get("STATE_DIRECTORY", "").split(":")[0] or env.get("COMPANION_STATE_DIR", "")
    return Path(value) if value else None


class StateStore:
    """Loads and atomically saves :class:`SavedState` in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / STATE_FILE
        self._lock = threading.Lock()
        self._pending: SavedState | None = None
        self._pending_lock = threading.Lock()
        self._writer: threading.Thread | None = None

    def load(self) -> SavedState:
        """The saved state; defaults if there is none, or if what is there is
        not a small, whole state file (that is set aside, not trusted).  Left-over
        temporaries of writes that were killed are removed first."""
        self._remove_stale_temporaries()
        try:
            st = os.lstat(self.path)
            if not stat.S_ISREG(st.st_mode):  # reading a FIFO would hang the start
                raise ValueError("it is not a regular file")
            if st.st_size > MAX_STATE_BYTES:
                raise ValueError(f"{st.st_size} bytes is too big for the state")
            data = json.loads(self.path.read_text(encoding="utf-8"))
            volume = data.get("volume")
            if volume is not None and not (isinstance(volume, int | float) and 0 < volume <= 1):
                raise ValueError(f"volume {volume!r} is out of range")
            return SavedState(volume=None if volume is None else float(volume))
        except FileNotFoundError:
            return SavedState()
        except (OSError, ValueError, AttributeError, RecursionError) as exc:
            # ValueError covers bad JSON and bad UTF-8; AttributeError a non-object;
            # RecursionError JSON nested thousands deep.
            log.warning("%s is unreadable (%s); setting it aside, using defaults", self.path, exc)
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_name(STATE_FILE + ".corrupt"))
            return SavedState()

    def _remove_stale_temporaries(self) -> None:
        for stale in self.directory.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                stale.unlink()
                log.info("removed %s, left by a write that was cut short", stale)

    def save(self, state: SavedState) -> None:
        """Replace the state file atomically; a failure is logged, never raised.

        Losing a volume change is better than a device that stops answering
        because its card went read-only.
        """
        with self._lock:
            self._save_locked(state)

    def _save_locked(self, state: SavedState) -> None:
        try:
            self._write(json.dumps(asdict(state)).encode())
        except OSError as exc:
            log.error("could not save %s: %s", self.path, exc)

    def _write(self, payload: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        replace_file(self.path, payload, prefix=TEMP_PREFIX)

    def save_in_background(self, state: SavedState) -> None:
        """Save without holding up the caller (an fsync on an SD card can take tens of ms).

        Writers may run in any order, so each writes the newest state asked
        for; one that finds nothing pending has nothing to do.
        """
        with self._pending_lock:
            self._pending = state
        self._writer = threading.Thread(target=self._save_pending, name="state-save", daemon=True)
        self._writer.start()

    def _save_pending(self) -> None:
        with self._lock:
            with self._pending_lock:
                state, self._pending = self._pending, None
            if state is not None:
                self._save_locked(state)

    def wait(self, timeout: float = 5.0) -> None:
        """Wait for a background save (called on shutdown so a change is not lost)."""
        if self._writer is not None:
            self._writer.join(timeout)
