"""The Microphone and Earpiece contracts, run against every audio backend that loads here.

Backends: the fakes (WAV in, recording out) and the real sounddevice adapters
over ALSA's file plugin (see ``conftest.alsa_loopback``).  Each backend comes
as a small "rig": the port plus a way to feed it speech or hear what it played.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from hardware.errors import (
    AudioDeviceError,
    AudioFormatError,
    BackendUnavailable,
    DeviceClosed,
)
from hardware.fake.audio import RecordingEarpiece, WavMicrophone
from hardware.pcm import read_wav, write_wav
from hardware.ports import MIC_RATE, Earpiece, Microphone, Pcm
from tests.hardware.alsa import (
    PipeLoopback,
    alsa_file_config_text,
    write_alsa_file_config,
)

REPO = Path(__file__).parents[2]
EAR_RATE = 22_050


def noise(seconds: float, rate: int, *, seed: int = 0) -> Pcm:
    """Loud random speech stand-in whose first sample is non-zero (to find it in output)."""
    pcm = np.random.default_rng(seed).integers(-20000, 20000, round(seconds * rate), dtype=np.int16)
    pcm[pcm == 0] = 1
    return pcm


def read_samples(mic: Microphone, count: int, *, timeout: float = 5.0) -> Pcm:
    """Read chunks until at least ``count`` samples came; fail on a timeout."""
    chunks: list[Pcm] = []
    got = 0
    deadline = time.monotonic() + timeout
    while got < count:
        chunk = mic.read(max(0.0, deadline - time.monotonic()))
        assert chunk is not None, f"microphone stalled after {got} of {count} samples"
        chunks.append(chunk)
        got += chunk.size
    return np.concatenate(chunks)


def strip_leading_zeros(pcm: Pcm) -> Pcm:
    loud = np.flatnonzero(pcm)
    return pcm[loud[0] :] if loud.size else pcm[:0]


def read_speech(mic: Microphone, speech: Pcm, *, timeout: float = 5.0) -> Pcm:
    """Read until ``speech.size`` samples from the first non-silent one; return those.

    The real microphone may deliver a little silence first (the loopback's
    clock ran before the stream started), as a real one would.
    """
    chunks: list[Pcm] = []
    deadline = time.monotonic() + timeout
    while True:
        heard = strip_leading_zeros(np.concatenate(chunks)) if chunks else speech[:0]
        if heard.size >= speech.size:
            return heard[: speech.size]
        chunk = mic.read(max(0.0, deadline - time.monotonic()))
        assert chunk is not None, f"microphone stalled after {heard.size} samples of speech"
        chunks.append(chunk)


# ------------------------------------------------------------------ rigs


@dataclass
class MicRig:
    mic: Microphone
    feed: Callable[[Pcm], None]
    """Make ``pcm`` the next thing the microphone hears."""


@dataclass
class EarRig:
    ear: Earpiece
    heard: Callable[[], Pcm]
    """Everything that reached the listener so far, as one track."""
    settle_s: float
    """How long output lags ``wait_done()`` (the loopback's pipe)."""


def _fake_mic() -> MicRig:
    mic = WavMicrophone(paced=False)
    return MicRig(mic, mic.queue_utterance)


def _sounddevice_mic(loopback: PipeLoopback) -> MicRig:
    from hardware.pi.audio import SoundDeviceMicrophone

    loopback.discard_capture()
    try:
        mic = SoundDeviceMicrophone(device=loopback.device)
    except BackendUnavailable as exc:
        pytest.skip(str(exc))

    def feed(pcm: Pcm) -> None:
        loopback.discard_capture()
        loopback.feed(pcm)

    return MicRig(mic, feed)


def _fake_ear() -> EarRig:
    ear = RecordingEarpiece(sample_rate=EAR_RATE, paced=True)
    return EarRig(ear, ear.track, 0.0)


def _sounddevice_ear(loopback: PipeLoopback) -> EarRig:
    from hardware.pi.audio import SoundDeviceEarpiece

    loopback.clear_played()
    try:
        ear = SoundDeviceEarpiece(device=loopback.device, sample_rate=EAR_RATE)
    except BackendUnavailable as exc:
        pytest.skip(str(exc))
    # The drain reads the 4 KiB pipe in real time: ~0.1 s behind PortAudio.
    return EarRig(ear, loopback.played, 0.35)


@pytest.fixture(params=["fake", "sounddevice"])
def mic_rig(request: pytest.FixtureRequest) -> Iterator[MicRig]:
    if request.param == "fake":
        rig = _fake_mic()
    else:
        rig = _sounddevice_mic(request.getfixturevalue("alsa_loopback"))
    yield rig
    rig.mic.close()


@pytest.fixture(params=["fake", "sounddevice"])
def ear_rig(request: pytest.FixtureRequest) -> Iterator[EarRig]:
    if request.param == "fake":
        rig = _fake_ear()
    else:
        rig = _sounddevice_ear(request.getfixturevalue("alsa_loopback"))
    yield rig
    rig.ear.close()


# ------------------------------------------------------- Microphone contract


def test_mic_delivers_16k_int16_mono_chunks(mic_rig: MicRig) -> None:
    mic = mic_rig.mic
    assert isinstance(mic, Microphone)
    assert mic.sample_rate == MIC_RATE
    mic_rig.feed(noise(0.3, MIC_RATE))
    mic.start()
    chunk = mic.read(2.0)
    assert chunk is not None
    assert chunk.dtype == np.int16 and chunk.ndim == 1 and 0 < chunk.size <= MIC_RATE


def test_mic_audio_read_is_the_audio_fed_bit_exact(mic_rig: MicRig) -> None:
    speech = noise(0.7, MIC_RATE, seed=1)
    mic_rig.feed(speech)
    mic_rig.mic.start()
    np.testing.assert_array_equal(read_speech(mic_rig.mic, speech), speech)


def test_mic_restarts_with_new_audio(mic_rig: MicRig) -> None:
    first, second = noise(0.3, MIC_RATE, seed=2), noise(0.3, MIC_RATE, seed=3)
    mic_rig.feed(first)
    mic_rig.mic.start()
    np.testing.assert_array_equal(read_speech(mic_rig.mic, first), first)
    mic_rig.mic.stop()
    mic_rig.feed(second)
    mic_rig.mic.start()
    np.testing.assert_array_equal(read_speech(mic_rig.mic, second), second)


def test_mic_stop_drops_unread_audio(mic_rig: MicRig) -> None:
    mic = mic_rig.mic
    mic_rig.feed(noise(1.0, MIC_RATE, seed=4))
    mic.start()
    assert mic.read(2.0) is not None
    time.sleep(0.25)  # let a paced stream queue up more blocks
    mic.stop()
    assert mic.read(0.2) is None


def test_mic_read_times_out_with_none_when_stopped(mic_rig: MicRig) -> None:
    mic_rig.feed(noise(0.3, MIC_RATE))
    t0 = time.monotonic()
    assert mic_rig.mic.read(0.2) is None  # never started: nothing is captured
    assert 0.15 <= time.monotonic() - t0 < 2.0


def test_mic_close_is_idempotent_and_use_after_close_raises(mic_rig: MicRig) -> None:
    mic = mic_rig.mic
    mic.start()
    mic.close()
    mic.close()
    with pytest.raises(DeviceClosed):
        mic.start()
    with pytest.raises(DeviceClosed):
        mic.read(0.1)


def test_mic_close_wakes_a_blocked_reader(mic_rig: MicRig) -> None:
    mic = mic_rig.mic
    outcome: list[BaseException] = []

    def reader() -> None:
        try:
            mic.read(5.0)
        except DeviceClosed as exc:
            outcome.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.1)
    mic.close()
    thread.join(2.0)
    assert not thread.is_alive() and outcome


# ---------------------------------------------------------- Earpiece contract


def test_earpiece_plays_exactly_what_it_was_given(ear_rig: EarRig) -> None:
    ear = ear_rig.ear
    assert isinstance(ear, Earpiece)
    assert ear.sample_rate == EAR_RATE
    tone = noise(0.4, EAR_RATE, seed=5)
    t0 = time.monotonic()
    ear.play(tone)
    assert ear.is_playing
    assert ear.wait_done(5.0)
    assert time.monotonic() - t0 >= 0.25  # playback takes (roughly) real time
    assert not ear.is_playing
    time.sleep(ear_rig.settle_s)
    heard = strip_leading_zeros(ear_rig.heard())  # ALSA primes the output with zeros
    np.testing.assert_array_equal(heard[: tone.size], tone)
    assert not heard[tone.size :].any()  # silence after the end, not stale samples


def test_earpiece_queues_pieces_in_order(ear_rig: EarRig) -> None:
    a, b = noise(0.15, EAR_RATE, seed=6), noise(0.15, EAR_RATE, seed=7)
    ear_rig.ear.play(a)
    ear_rig.ear.play(b)
    assert ear_rig.ear.wait_done(5.0)
    time.sleep(ear_rig.settle_s)
    heard = strip_leading_zeros(ear_rig.heard())
    np.testing.assert_array_equal(heard[: a.size + b.size], np.concatenate([a, b]))


def test_earpiece_stop_cuts_playback_short(ear_rig: EarRig) -> None:
    ear = ear_rig.ear
    ear.play(noise(3.0, EAR_RATE, seed=8))
    time.sleep(0.3)
    ear.stop()
    t0 = time.monotonic()
    assert ear.wait_done(2.0) is False
    assert time.monotonic() - t0 < 0.5  # stop() wakes the waiter; no need to time out
    time.sleep(1.0)  # long enough to hear it if playback had gone on
    assert not ear.is_playing
    loud = np.flatnonzero(ear_rig.heard())
    heard_s = (loud[-1] - loud[0] + 1) / EAR_RATE
    assert 0.1 < heard_s < 0.9  # about 0.3 s, plus the device's output latency


def test_earpiece_plays_again_after_stop(ear_rig: EarRig) -> None:
    ear = ear_rig.ear
    ear.play(noise(2.0, EAR_RATE, seed=9))
    ear.stop()
    ear.play(noise(0.1, EAR_RATE, seed=10))
    assert ear.wait_done(5.0)


def test_earpiece_wait_done_times_out(ear_rig: EarRig) -> None:
    ear = ear_rig.ear
    ear.play(noise(2.0, EAR_RATE))
    t0 = time.monotonic()
    assert ear.wait_done(0.2) is False
    assert 0.15 <= time.monotonic() - t0 < 1.0
    assert ear.is_playing
    ear.stop()


def test_earpiece_rejects_non_int16_audio(ear_rig: EarRig) -> None:
    with pytest.raises(AudioFormatError):
        ear_rig.ear.play(np.zeros(100, dtype=np.float32))  # type: ignore[arg-type]
    with pytest.raises(AudioFormatError):
        ear_rig.ear.play(np.zeros((100, 2), dtype=np.int16))


def test_earpiece_close_is_idempotent_and_use_after_close_raises(ear_rig: EarRig) -> None:
    ear = ear_rig.ear
    ear.play(noise(2.0, EAR_RATE))
    t0 = time.monotonic()
    ear.close()
    ear.close()
    assert time.monotonic() - t0 < 1.0  # close does not wait for playback
    with pytest.raises(DeviceClosed):
        ear.play(noise(0.1, EAR_RATE))
    with pytest.raises(DeviceClosed):
        ear.wait_done(0.1)


# ------------------------------------------------- sounddevice adapters only


def test_sounddevice_mic_keeps_the_newest_audio_when_not_read(
    alsa_loopback: PipeLoopback, caplog: pytest.LogCaptureFixture
) -> None:
    from hardware.pi.audio import SoundDeviceMicrophone

    alsa_loopback.discard_capture()
    # Twenty blocks, each filled with its own number, so we can tell which survived.
    numbered = np.repeat(np.arange(1, 21, dtype=np.int16), 1600)
    with SoundDeviceMicrophone(device=alsa_loopback.device, max_queued_s=0.3) as mic:
        alsa_loopback.feed(numbered)
        mic.start()
        time.sleep(1.0)  # nobody reads: the three-block queue overflows
        blocks = [mic.read(1.0) for _ in range(3)]
        dropped = mic.dropped_blocks
    numbers = [int(b[0]) if b is not None else -1 for b in blocks]
    assert dropped >= 3
    # The newest audio survives, in order: later blocks than the first ones fed.
    assert numbers[0] >= 4 and numbers == list(range(numbers[0], numbers[0] + 3)), numbers
    warnings = [r for r in caplog.records if "not being read fast enough" in r.getMessage()]
    assert len(warnings) == 1


def test_sounddevice_unknown_device_is_a_one_line_audio_device_error(
    alsa_loopback: PipeLoopback,
) -> None:
    from hardware.pi.audio import SoundDeviceEarpiece, SoundDeviceMicrophone

    for port in (SoundDeviceMicrophone, SoundDeviceEarpiece):
        with pytest.raises(AudioDeviceError) as info:
            port(device="no-such-card")
        assert "no-such-card" in str(info.value) and "\n" not in str(info.value)


def test_no_sound_card_at_all_is_said_in_plain_words() -> None:
    """PortAudio's "Error querying device -1" means ALSA found no card."""
    import subprocess
    import sys

    probe = (
        "from hardware.pi.audio import SoundDeviceEarpiece, SoundDeviceMicrophone\n"
        "for part in (SoundDeviceMicrophone, SoundDeviceEarpiece):\n"
        "    try:\n"
        "        part().close()\n"
        "        print('opened')\n"
        "    except Exception as exc:\n"
        "        print(exc)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALSA_")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    lines = done.stdout.strip().splitlines()
    if "opened" in lines:
        pytest.skip("this machine has a sound card, so there is no missing one to report")
    mic, ear = lines
    assert mic.startswith("microphone default cannot be opened: there is no input sound device")
    assert ear.startswith("earpiece default cannot be opened at 22050 Hz: there is no output")
    assert "querying device -1" not in done.stdout


def test_sounddevice_adapters_fail_fast_without_the_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hardware.pi.audio import SoundDeviceEarpiece, SoundDeviceMicrophone

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # "import sounddevice" now fails
    for port in (SoundDeviceMicrophone, SoundDeviceEarpiece):
        with pytest.raises(BackendUnavailable, match="sounddevice"):
            port()


# ------------------------------------------------------ fake microphone only


def test_fake_mic_paced_takes_real_time_unpaced_does_not() -> None:
    speech = noise(1.0, MIC_RATE)
    for paced, check in ((True, lambda s: s >= 0.9), (False, lambda s: s < 0.3)):
        with WavMicrophone(paced=paced) as mic:
            mic.queue_utterance(speech)
            t0 = time.monotonic()
            mic.start()
            got = read_samples(mic, speech.size)
            elapsed = time.monotonic() - t0
        np.testing.assert_array_equal(got, speech)
        assert check(elapsed), f"paced={paced}: {elapsed:.2f} s for 1 s of speech"


def test_fake_mic_gives_silence_after_speech_forever_in_real_time() -> None:
    with WavMicrophone(paced=False, chunk_ms=100) as mic:
        mic.queue_utterance(noise(0.25, MIC_RATE))
        mic.start()
        t0 = time.monotonic()
        chunks = [mic.read(1.0) for _ in range(3)]  # the speech: at once
        t1 = time.monotonic()
        chunks += [mic.read(1.0) for _ in range(3)]  # silence: one per 100 ms
        t2 = time.monotonic()
    assert all(c is not None and c.size == 1600 for c in chunks)
    flat = np.concatenate([c for c in chunks if c is not None])
    assert flat[:4000].all() and not flat[4000:].any()
    assert t1 - t0 < 0.05 and 0.25 <= t2 - t1 < 1.0, (t1 - t0, t2 - t1)


def test_fake_mic_reports_when_speech_is_delivered() -> None:
    with WavMicrophone(paced=True, chunk_ms=50) as mic:
        mic.queue_utterance(noise(0.3, MIC_RATE))
        assert mic.speech_remaining_s == pytest.approx(0.3)
        assert mic.wait_drained(0.1) is False  # not started: nothing is heard
        mic.start()
        reader = threading.Thread(target=lambda: [mic.read(1.0) for _ in range(10)])
        reader.start()
        t0 = time.monotonic()
        assert mic.wait_drained(3.0)
        assert 0.2 <= time.monotonic() - t0 < 1.0
        assert mic.speech_remaining_s == 0
        reader.join(3.0)


def test_fake_mic_stop_drops_the_rest_of_the_utterance_but_keeps_the_next() -> None:
    first, second = noise(0.5, MIC_RATE, seed=1), noise(0.2, MIC_RATE, seed=2)
    with WavMicrophone(paced=False) as mic:
        mic.queue_utterance(first)
        mic.queue_utterance(second)
        mic.start()
        mic.read(1.0)
        mic.stop()
        assert mic.speech_remaining_s == pytest.approx(0.2)
        mic.start()
        np.testing.assert_array_equal(read_samples(mic, second.size)[: second.size], second)


def test_fake_mic_reads_and_resamples_wav_files(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "q.wav", noise(0.5, 8000), 8000)
    with WavMicrophone(paced=False) as mic:
        assert mic.queue_utterance(path) == pytest.approx(0.5)
        mic.start()
        got = read_samples(mic, 8000)
    expected, _ = read_wav(path, rate=MIC_RATE)
    np.testing.assert_array_equal(got[:8000], expected)


def test_fake_mic_rejects_bad_audio(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really a wave file")
    with WavMicrophone() as mic:
        with pytest.raises(AudioFormatError):
            mic.queue_utterance(bad)
        with pytest.raises(AudioFormatError):
            mic.queue_utterance(tmp_path / "missing.wav")
        with pytest.raises(AudioFormatError):
            mic.queue_utterance(np.zeros(10, np.float64))  # type: ignore[arg-type]
        assert mic.speech_remaining_s == 0


# -------------------------------------------------------- fake earpiece only


def test_fake_earpiece_barge_in_truncates_the_recording(tmp_path: Path) -> None:
    with RecordingEarpiece(sample_rate=EAR_RATE, paced=True) as ear:
        first, second = noise(1.0, EAR_RATE, seed=1), noise(1.0, EAR_RATE, seed=2)
        ear.play(first)
        ear.play(second)
        time.sleep(0.3)
        ear.stop()
        played = ear.played
        assert [p.cut for p in played] == [True, True]
        assert 0.25 * EAR_RATE <= played[0].heard_samples <= 0.6 * EAR_RATE
        assert played[1].heard_samples == 0
        np.testing.assert_array_equal(played[0].heard, first[: played[0].heard_samples])
        assert played[1].started_at == pytest.approx(played[0].started_at + 1.0)
        track, rate = read_wav(ear.save_wav(tmp_path / "heard.wav"))
    assert rate == EAR_RATE
    np.testing.assert_array_equal(track, played[0].heard)


def test_fake_earpiece_timeline_and_first_audio() -> None:
    with RecordingEarpiece(sample_rate=EAR_RATE, paced=True) as ear:
        ear.play(noise(0.1, EAR_RATE))
        assert ear.wait_done(2.0)
        ear.mark()
        time.sleep(0.1)
        lead_in = np.zeros(round(0.2 * EAR_RATE), np.int16)  # a silent pause first
        ear.play(np.concatenate([lead_in, noise(0.1, EAR_RATE)]))
        assert ear.wait_done(2.0)
        second = ear.played[1]
        assert not second.cut
        assert ear.first_audio_at == pytest.approx(second.started_at + 0.2, abs=1e-3)
        track = ear.track()
    # 0.1 s heard, a ~0.1 s gap of silence, then the 0.3 s second piece.
    assert 0.45 * EAR_RATE < track.size < 0.7 * EAR_RATE
    gap = track[round(0.1 * EAR_RATE) : round(0.19 * EAR_RATE)]
    assert not gap.any()


def test_fake_earpiece_unpaced_is_instant_and_cannot_be_cut() -> None:
    with RecordingEarpiece(sample_rate=EAR_RATE, paced=False) as ear:
        ear.play(noise(5.0, EAR_RATE))
        t0 = time.monotonic()
        assert ear.wait_done(1.0)
        assert time.monotonic() - t0 < 0.1
        ear.stop()
        assert ear.played[0].cut is False
        ear.clear()
        assert ear.played == [] and ear.first_audio_at is None


def test_fake_earpiece_keeps_only_the_newest_keep_s_seconds() -> None:
    """A fake device that runs for days must not keep every answer (issue 10)."""
    with RecordingEarpiece(sample_rate=EAR_RATE, paced=False, keep_s=2.5) as ear:
        pieces = [noise(1.0, EAR_RATE, seed=n) for n in range(6)]
        for piece in pieces:
            ear.play(piece)
        kept = ear.played
        assert len(kept) == 2  # 2 s of the 6, the newest: a third would pass 2.5 s
        np.testing.assert_array_equal(kept[0].pcm, pieces[4])
        np.testing.assert_array_equal(kept[1].pcm, pieces[5])
    with RecordingEarpiece(sample_rate=EAR_RATE, paced=True, keep_s=0.1) as ear:
        # Paced, a piece still playing is kept whatever its length: stop() may
        # yet cut it, and what was heard must stay right.
        ear.play(noise(0.3, EAR_RATE, seed=1))
        ear.play(noise(0.3, EAR_RATE, seed=2))
        assert len(ear.played) == 2
        ear.stop()
        assert [p.cut for p in ear.played] == [True, True]
    with pytest.raises(ValueError, match="keep_s"):
        RecordingEarpiece(keep_s=0)


# ------------------------------------------------------------- ALSA config


def test_alsa_config_uses_getenv_or_literal_paths(tmp_path: Path) -> None:
    cfg = write_alsa_file_config(
        tmp_path, capture_path=tmp_path / "in.raw", playback_path=tmp_path / "out.raw"
    )
    text = cfg.path.read_text()
    assert "@func getenv" in text and "type asym" in text and 'slave.pcm "null"' in text
    assert cfg.env["ALSA_CONFIG_PATH"] == f"/usr/share/alsa/alsa.conf:{cfg.path}"
    assert (tmp_path / "in.raw").exists()  # must exist before PortAudio starts
    literal = alsa_file_config_text(
        capture_path=tmp_path / "in.raw", playback_path=tmp_path / "out.raw", literal_paths=True
    )
    assert f'infile "{tmp_path / "in.raw"}"' in literal and "@func" not in literal
    with pytest.raises(ValueError):
        alsa_file_config_text(
            capture_path=Path('/tmp/a"b'), playback_path=tmp_path / "o", literal_paths=True
        )


_REGULAR_FILE_CHECK = """
import os, sys, numpy as np
sys.path.insert(0, sys.argv[1])
from tests.hardware.alsa import write_alsa_file_config, write_capture_file
folder = sys.argv[2]
cfg = write_alsa_file_config(folder, capture_path=folder + "/in.raw",
                             playback_path=folder + "/out.raw", literal_paths=True)
speech = np.arange(1, 4801, dtype=np.int16)
write_capture_file(cfg.capture_path, speech, pad_s=0.5)
os.environ.update(cfg.env)  # before sounddevice is imported: PortAudio reads it once
try:
    import sounddevice as sd
except OSError as exc:
    sys.exit(f"skip: {exc}")
got = sd.rec(16000, samplerate=16000, channels=1, dtype="int16", device=cfg.device,
             blocking=True)[:, 0]
ok = np.array_equal(got[:speech.size], speech) and not got[speech.size:].any()
print("exact" if ok else "differs")
"""


def test_regular_file_capture_in_a_fresh_process(tmp_path: Path) -> None:
    """The plain-file setup with literal paths: write the config, set env, then import."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "ALSA_CONFIG_PATH" and not k.startswith("COMPANION_ALSA")
    }
    proc = subprocess.run(
        [sys.executable, "-c", _REGULAR_FILE_CHECK, str(REPO), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )
    if proc.stderr.startswith("skip:"):
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "exact"
