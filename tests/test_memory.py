"""The visual memory: what it keeps, how it survives kills, how it is bounded."""

from __future__ import annotations

import os
import random
import signal
import stat
import time
from pathlib import Path

import numpy as np
import pytest

from device.memory import IMAGES, LOG_FILE, MAX_IMAGES, Look, Thing, VisualMemory
from device.vision.light import ColourShare, LightReading, SceneLight
from device.vision.pipeline import SceneReport
from device.vision.types import Detection, TextLine

LIGHT = SceneLight(LightReading(0.5, 0.8, "fairly bright", False), (ColourShare("grey", 1.0),))
DARK = SceneLight(LightReading(0.01, 0.02, "very dark", True), ())
LEFT, AHEAD = (0.05, 0.35, 0.25, 0.68), (0.4, 0.2, 0.6, 0.9)


def report(*labels: str, text: str = "") -> SceneReport:
    objects = tuple(
        Detection(label, 0.9, LEFT if n % 2 else AHEAD) for n, label in enumerate(labels)
    )
    texts = (TextLine(text, 0.9, AHEAD),) if text else ()
    return SceneReport(LIGHT, objects=objects, texts=texts, blur=500.0)


class Clock:
    def __init__(self, start: float = 1_764_662_400.0) -> None:  # 2025-12-02 08:00 UTC
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_a_look_is_remembered_with_where_and_when(tmp_path: Path) -> None:
    clock = Clock()
    memory = VisualMemory(tmp_path, clock=clock)
    memory.remember(report("bicycle", "dog", text="EXIT"))
    clock.now += 600
    memory.remember(report("cup"))
    look, thing = memory.last_seen(["dog"]) or pytest.fail("the dog was forgotten")
    assert look.at == pytest.approx(clock.now - 600)
    assert thing == Thing("dog", "left", "")
    assert look.texts == ("EXIT",)
    assert memory.last_seen(["horse"]) is None
    assert [len(x.things) for x in memory.looks()] == [2, 1]
    # Another process (the next start) reads the same looks back.
    again = VisualMemory(tmp_path, clock=clock)
    assert again.looks() == memory.looks()


def test_the_newest_sighting_wins_and_too_dark_looks_are_not_kept(tmp_path: Path) -> None:
    clock = Clock()
    memory = VisualMemory(tmp_path, clock=clock)
    memory.remember(report("dog"))
    clock.now += 60
    memory.remember(report("cat", "dog"))
    memory.remember(SceneReport(DARK))
    found = memory.last_seen(["dog"])
    assert found is not None and found[0].at == clock.now
    assert len(memory.looks()) == 2


def test_looks_between_times_end_before_the_end(tmp_path: Path) -> None:
    clock = Clock()
    memory = VisualMemory(None, clock=clock)
    for _ in range(3):
        memory.remember(report("dog"))
        clock.now += 100
    start = clock.now - 300
    assert len(memory.looks(since=start, until=start + 200)) == 2  # 0 and 100, not 200


def test_a_look_cut_short_loses_only_itself(tmp_path: Path) -> None:
    memory = VisualMemory(tmp_path, clock=Clock())
    memory.remember(report("dog"))
    with open(tmp_path / LOG_FILE, "ab") as f:
        f.write(b'{"t":1764662400.0,"o":[["cat","left",""]')  # a kill mid-write
    after = VisualMemory(tmp_path, clock=Clock())
    assert [t.label for x in after.looks() for t in x.things] == ["dog"]
    after.remember(report("horse"))
    # The next look was not glued to the torn one: both survive a restart.
    labels = [t.label for x in VisualMemory(tmp_path, clock=Clock()).looks() for t in x.things]
    assert labels == ["dog", "horse"]


def test_a_damaged_line_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    memory = VisualMemory(tmp_path, clock=Clock())
    for label in ("dog", "cat", "bird"):
        memory.remember(report(label))
    path = tmp_path / LOG_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"cat", b"cow")  # a flipped byte: the CRC no longer matches
    path.write_bytes(b"".join(lines))
    labels = [t.label for x in VisualMemory(tmp_path, clock=Clock()).looks() for t in x.things]
    assert labels == ["dog", "bird"]


def test_something_that_is_not_a_file_is_set_aside(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / LOG_FILE)  # reading a FIFO would hang the start
    memory = VisualMemory(tmp_path, clock=Clock())
    memory.remember(report("dog"))
    assert stat.S_ISREG(os.lstat(tmp_path / LOG_FILE).st_mode)
    assert (tmp_path / (LOG_FILE + ".corrupt")).exists()


def test_size_is_bounded_and_the_newest_looks_are_kept(tmp_path: Path) -> None:
    clock = Clock()
    memory = VisualMemory(tmp_path, max_bytes=20_000, clock=clock)
    for _ in range(2_000):
        memory.remember(report("person", "car", "dog"))
        clock.now += 1
    assert (tmp_path / LOG_FILE).stat().st_size <= 20_000
    looks = VisualMemory(tmp_path, max_bytes=20_000, clock=clock).looks()
    assert looks and looks[-1].at == clock.now - 1
    assert not list(tmp_path.glob(".looks-*"))


def test_looks_past_the_retention_are_forgotten(tmp_path: Path) -> None:
    clock = Clock()
    memory = VisualMemory(tmp_path, retention_days=1, clock=clock)
    memory.remember(report("dog"))
    clock.now += 2 * 86400
    memory.remember(report("cat"))
    assert memory.last_seen(["dog"]) is None
    reopened = VisualMemory(tmp_path, retention_days=1, clock=clock)
    assert [t.label for x in reopened.looks() for t in x.things] == ["cat"]
    assert b"dog" not in (tmp_path / LOG_FILE).read_bytes()  # gone from the card too


def test_forget_erases_the_disk_too(tmp_path: Path) -> None:
    memory = VisualMemory(tmp_path, keep_images=True, clock=Clock())
    frame = np.full((480, 640, 3), 128, dtype=np.uint8)
    memory.remember(report("dog"), frame)
    assert list((tmp_path / IMAGES).glob("*.jpg"))
    memory.forget()
    assert memory.looks() == [] and VisualMemory(tmp_path, clock=Clock()).looks() == []
    assert not list((tmp_path / IMAGES).glob("*.jpg"))


def test_no_image_is_kept_unless_asked_and_images_are_bounded(tmp_path: Path) -> None:
    frame = np.full((48, 64, 3), 200, dtype=np.uint8)
    plain = VisualMemory(tmp_path / "plain", clock=Clock())
    plain.remember(report("dog"), frame)
    assert not (tmp_path / "plain" / IMAGES).exists()
    clock = Clock()
    keeping = VisualMemory(tmp_path / "keep", keep_images=True, clock=clock)
    for _ in range(MAX_IMAGES + 5):
        keeping.remember(report("dog"), frame)
        clock.now += 1
    assert len(list((tmp_path / "keep" / IMAGES).glob("*.jpg"))) == MAX_IMAGES


def test_an_unwritable_directory_is_logged_not_raised(tmp_path: Path) -> None:
    memory = VisualMemory(tmp_path, clock=Clock())
    (tmp_path / LOG_FILE).unlink(missing_ok=True)
    (tmp_path / LOG_FILE).mkdir()  # appending now fails with an OSError
    memory.remember(report("dog"))  # must not raise
    assert memory.last_seen(["dog"]) is not None  # still answers from RAM


def test_a_line_round_trips() -> None:
    look = Look(1.5, (Thing("dog", "left", "close"),), ("EXIT",))
    assert Look.from_line(look.to_line()) == look
    assert Look.from_line(look.to_line()[:-1]) is None  # no newline: cut short


def _write_forever(directory: Path) -> None:
    memory = VisualMemory(directory, max_bytes=30_000)
    while True:
        memory.remember(report("person", "car", "bicycle", text="STOP"))


@pytest.mark.parametrize("seed", [0])
def test_kill_9_during_writes_loses_at_most_the_look_being_written(
    tmp_path: Path, seed: int
) -> None:
    """50 kills at random moments of appends and trims: every start reads a
    whole log, and no more than one look is lost per kill."""
    rng = random.Random(seed)
    kept = 0
    for _ in range(50):
        before = len(VisualMemory(tmp_path, max_bytes=30_000).looks())
        pid = os.fork()
        if pid == 0:  # the child writes until it is killed
            try:
                _write_forever(tmp_path)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.005, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        path = tmp_path / LOG_FILE
        data = path.read_bytes() if path.exists() else b""
        whole = data[: data.rfind(b"\n") + 1]
        lines = whole.splitlines(keepends=True)
        # Every whole line is an intact look; only an unfinished tail may be torn.
        assert all(Look.from_line(line.decode()) is not None for line in lines)
        after = VisualMemory(tmp_path, max_bytes=30_000).looks()
        # A trim may drop the oldest (by design); otherwise nothing is lost.
        assert len(after) >= min(before, 100)
        kept = len(after)
    assert kept > 0
    assert not list(tmp_path.glob(".looks-*"))  # stale temporaries are cleaned at open


def test_a_memory_in_ram_is_bounded_like_one_on_disk() -> None:
    clock = Clock()
    memory = VisualMemory(None, max_bytes=20_000, clock=clock)
    for _ in range(2_000):
        memory.remember(report("person", "car", "dog"))
        clock.now += 1
    looks = memory.looks()
    assert sum(len(x.to_line()) for x in looks) <= 20_000
    assert looks[-1].at == clock.now - 1  # the newest kept


def test_a_log_bigger_than_the_cap_is_shrunk_at_open(tmp_path: Path) -> None:
    clock = Clock()
    big = VisualMemory(tmp_path, max_bytes=200_000, clock=clock)
    for _ in range(1_000):
        big.remember(report("person", "car", "dog"))
        clock.now += 1
    assert (tmp_path / LOG_FILE).stat().st_size > 50_000
    small = VisualMemory(tmp_path, max_bytes=20_000, clock=clock)  # the setting lowered
    assert (tmp_path / LOG_FILE).stat().st_size <= 20_000
    assert small.looks() and small.looks()[-1].at == clock.now - 1
