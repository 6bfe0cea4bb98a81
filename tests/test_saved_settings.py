"""The state file: atomic saves that survive a power pull, and loud-but-safe failures."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from device.saved_settings import STATE_FILE, SavedState, StateStore, state_directory


def test_nothing_saved_means_defaults(tmp_path: Path) -> None:
    assert StateStore(tmp_path / "absent").load() == SavedState()


def test_save_then_load_round_trips_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    store.save(SavedState(volume=0.95))
    assert StateStore(tmp_path / "state").load() == SavedState(volume=0.95)
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == [STATE_FILE]


def test_a_torn_or_foreign_file_is_set_aside_not_trusted(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_bytes(b'{"volume": 0.9')  # cut off mid-write
    assert StateStore(tmp_path).load() == SavedState()
    assert (tmp_path / (STATE_FILE + ".corrupt")).exists()
    for bad in ('{"volume": 7}', '["volume"]', '{"volume": "loud"}', "\xff"):
        (tmp_path / STATE_FILE).write_text(bad, encoding="latin-1")
        assert StateStore(tmp_path).load() == SavedState(), bad


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_text("[" * 100_000 + "]" * 100_000),  # RecursionError in json
        lambda p: os.mkfifo(p),  # reading would hang the start, and SIGTERM with it
        lambda p: p.mkdir(),
        lambda p: p.write_text('{"volume": 0.5, "pad": "' + "x" * 100_000 + '"}'),
    ],
    ids=["nested", "fifo", "directory", "huge"],
)
def test_anything_but_a_small_state_file_is_set_aside(
    tmp_path: Path, make: Callable[[Path], object]
) -> None:
    make(tmp_path / STATE_FILE)
    assert StateStore(tmp_path).load() == SavedState()
    assert (tmp_path / (STATE_FILE + ".corrupt")).exists()
    store = StateStore(tmp_path)
    store.save(SavedState(volume=0.7))  # and the next save is a plain file again
    assert StateStore(tmp_path).load() == SavedState(volume=0.7)


def test_temporaries_of_cut_writes_are_removed_at_start(tmp_path: Path) -> None:
    for n in range(27):  # what 50 kills left before
        (tmp_path / f".state-{n}abc").write_text('{"volume": 0.')
    StateStore(tmp_path).load()
    assert not list(tmp_path.glob(".state-*"))


def test_background_saves_land_in_order(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    for step in range(1, 21):
        store.save_in_background(SavedState(volume=step / 20))
    store.wait()
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {"volume": 1.0}


def test_a_full_or_failing_card_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A file where the directory should be fails for root too.
    (tmp_path / "state").write_text("not a directory")
    StateStore(tmp_path / "state").save(SavedState(volume=0.5))
    assert "could not save" in caplog.text


def test_state_directory_prefers_systemds() -> None:
    env = {"STATE_DIRECTORY": "/var/lib/companion:/var/lib/other", "COMPANION_STATE_DIR": "/x"}
    assert state_directory(env) == Path("/var/lib/companion")
    assert state_directory({"COMPANION_STATE_DIR": "/x"}) == Path("/x")
    assert state_directory({}) is None


def test_kill_9_during_saves_leaves_the_old_or_the_new_state(tmp_path: Path) -> None:
    """50 kills at random moments of a stream of saves: every start reads a
    volume that was saved (never a torn file, never the defaults)."""
    import random
    import signal
    import time

    rng = random.Random(1)
    volumes = [round(0.1 + 0.05 * n, 2) for n in range(18)]
    StateStore(tmp_path).save(SavedState(volume=volumes[0]))
    for _ in range(50):
        pid = os.fork()
        if pid == 0:  # the child saves until it is killed
            try:
                store = StateStore(tmp_path)
                n = 0
                while True:
                    store.save(SavedState(volume=volumes[n % len(volumes)]))
                    n += 1
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.002, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        loaded = StateStore(tmp_path).load()
        assert loaded.volume in volumes, loaded
        assert not (tmp_path / (STATE_FILE + ".corrupt")).exists()
        assert not list(tmp_path.glob(".state-*"))  # load removed what the kill left
