"""The runtime's workers: one thread per kind, jobs in order, results only as events."""

from __future__ import annotations

import queue
import threading

import numpy as np
import pytest

from device import states as st
from device.speech.base import Transcript
from device.workers import ListenControl, Measured, Playback, Worker, listen
from hardware.fake.audio import RecordingEarpiece, WavMicrophone
from hardware.ports import MIC_RATE, Pcm


def test_a_worker_runs_every_job_on_one_thread_in_order() -> None:
    errors: list[tuple[int, Exception]] = []
    worker = Worker("test", on_error=lambda turn, exc: errors.append((turn, exc)))
    seen: list[tuple[int, int]] = []
    done = threading.Event()
    for n in range(20):
        worker.submit(n, lambda n=n: seen.append((n, threading.get_ident())))
    worker.submit(99, done.set)
    assert done.wait(5)
    assert [n for n, _ in seen] == list(range(20))
    assert len({ident for _, ident in seen}) == 1
    assert worker.close(5) and not errors


def test_a_failing_job_is_reported_and_the_worker_goes_on() -> None:
    errors: list[tuple[int, Exception]] = []
    worker = Worker("test", on_error=lambda turn, exc: errors.append((turn, exc)))
    done = threading.Event()

    def boom() -> None:
        raise RuntimeError("the model fell over")

    worker.submit(7, boom)
    worker.submit(8, done.set)
    assert done.wait(5)
    assert [(turn, str(exc)) for turn, exc in errors] == [(7, "the model fell over")]
    assert worker.close(5)


def test_closing_drops_jobs_that_have_not_started() -> None:
    worker = Worker("test", on_error=lambda turn, exc: None)
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        ran.append(1)

    worker.submit(1, slow)
    assert started.wait(5)
    for n in range(2, 6):
        worker.submit(n, lambda n=n: ran.append(n))
    threading.Timer(0.05, release.set).start()
    assert worker.close(5)
    assert ran == [1]


def test_a_cancelled_playback_queues_nothing() -> None:
    ear = RecordingEarpiece(sample_rate=16_000, paced=True)
    playback = Playback(ear)
    assert playback.play(np.full(1600, 1000, np.int16))
    playback.cancel()
    assert playback.cancelled
    assert not playback.play(np.full(1600, 1000, np.int16))
    assert len(ear.played) == 1 and ear.played[0].cut


class _Counting:
    """A recogniser that 'hears' how many samples it was fed (a test double of the port)."""

    language = "en"
    name = "counting"

    def __init__(self) -> None:
        self.cancelled = 0

    def start(self) -> _Counting:
        self.fed = 0
        return self

    def feed(self, pcm: Pcm) -> None:
        self.fed += len(pcm)

    def finish(self) -> Transcript:
        return Transcript(f"{self.fed} samples", 1.0, False, self.name)

    def cancel(self) -> None:
        self.cancelled += 1

    def close(self) -> None:
        pass


@pytest.mark.parametrize("keep", [True, False])
def test_listening_posts_heard_only_when_the_words_are_kept(keep: bool) -> None:
    mic = WavMicrophone(paced=False)
    mic.queue_utterance(np.full(MIC_RATE // 2, 500, np.int16))
    recognizer = _Counting()
    control = ListenControl()
    events: queue.SimpleQueue[object] = queue.SimpleQueue()
    job = threading.Thread(
        target=listen,
        args=(3,),
        kwargs={"mic": mic, "recognizer": recognizer, "control": control, "post": events.put},
    )
    job.start()
    assert mic.wait_drained(5)
    control.stop(keep=keep)
    job.join(5)
    posted = []
    while not events.empty():
        posted.append(events.get())
    if keep:
        assert isinstance(posted[0], Measured) and "audio_in" in posted[0].marks
        heard = posted[-1]
        assert isinstance(heard, st.Heard) and heard.turn == 3
        assert int(heard.text.split()[0]) >= MIC_RATE // 2
    else:
        assert posted == [] and recognizer.cancelled == 1
