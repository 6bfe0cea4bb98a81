"""systemd notify: readiness and watchdog pings over a real AF_UNIX socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from device.assistant import Engines
from device.config import Config
from device.earcons import earcon
from device.service import Notifier, Watchdog
from device.states import Earcon
from hardware.pcm import read_wav

from .conftest import DeviceFactory


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(30)
    yield sock
    sock.close()


def _messages(sock: socket.socket, until: str, timeout: float) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            break
        if any(until in m for m in got):
            break
    return got


def test_without_systemd_everything_is_a_no_op() -> None:
    n = Notifier(environ={})
    assert not n.enabled and n.watchdog_interval is None
    assert n.send("READY=1") is False


def test_watchdog_pings_only_while_healthy(notify_socket: socket.socket) -> None:
    n = Notifier(environ={"NOTIFY_SOCKET": notify_socket.getsockname(), "WATCHDOG_USEC": "200000"})
    assert n.watchdog_interval == pytest.approx(0.2)
    healthy = threading.Event()
    healthy.set()
    refused = threading.Event()  # set once a check has answered "unhealthy"

    def check(timeout: float) -> bool:
        if not healthy.is_set():
            refused.set()
            return False
        return True

    dog = Watchdog(n, check)
    dog.start()
    try:
        assert "WATCHDOG=1" in _messages(notify_socket, "WATCHDOG=1", 2.0)
        healthy.clear()
        # Wait on the watchdog itself, not a sleep: once it has seen the loop
        # unhealthy, any ping still in the socket was sent before.
        assert refused.wait(5)
        _messages(notify_socket, "never", 0.05)
        assert _messages(notify_socket, "WATCHDOG=1", 0.6) == []
    finally:
        dog.stop()


def test_companion_run_reports_ready_and_stops_cleanly(
    notify_socket: socket.socket, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "NOTIFY_SOCKET": notify_socket.getsockname(),
        "WATCHDOG_USEC": "2000000",
        "COMPANION_HARDWARE": "fake",
    }
    exe = Path(sys.executable).with_name("companion")
    proc = subprocess.Popen([str(exe), "run"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        got = _messages(notify_socket, "READY=1", 60)
        assert any(m.startswith("READY=1") and "fake hardware" in m for m in got), got
        assert "WATCHDOG=1" in _messages(notify_socket, "WATCHDOG=1", 5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert "STOPPING=1" in _messages(notify_socket, "STOPPING=1", 5)
    finally:
        if proc.poll() is None:
            proc.kill()


def _run_until(
    env: dict[str, str], marker: str, timeout: float = 180
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``companion -v run`` until ``marker`` is logged, then SIGTERM; its log lines."""
    exe = Path(sys.executable).with_name("companion")
    proc = subprocess.Popen(
        [str(exe), "-v", "run"], env=env, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line.rstrip())
            if marker in line:
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        seen.wait(timeout)
        proc.send_signal(signal.SIGTERM)
        # Generous: the CI machine may be busy with other work.
        proc.wait(timeout=120)
        reader.join(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert seen.is_set(), f"{marker!r} never logged:\n" + "\n".join(lines)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, "", "\n".join(lines))
    return done, lines


def _device_env(tmp_path: Path, config: str) -> dict[str, str]:
    (tmp_path / "companion.toml").write_text(config)
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    return {
        **env,
        "COMPANION_CONFIG": str(tmp_path / "companion.toml"),
        "STATE_DIRECTORY": str(tmp_path / "state"),
    }


def test_scripted_questions_are_answered_and_the_volume_is_remembered(tmp_path: Path) -> None:
    config = """
[device]
hardware = "fake"
[vision]
warm_up = false
[fake]
paced = false
earpiece_wav = "{wav}"
questions = {questions}
"""
    env = _device_env(
        tmp_path,
        config.format(
            wav=tmp_path / "ear.wav", questions='["What time is it?", "Turn the volume up."]'
        ),
    )
    done, lines = _run_until(env, "scripted questions done")
    assert done.returncode == 0, done.stderr
    turns = [line for line in lines if " turn " in line]
    assert any("heard 'what time is it'" in t and "time:" in t for t in turns), turns
    assert any("louder:" in t for t in turns), turns
    saved = json.loads((tmp_path / "state" / "state.json").read_text())
    assert saved == {"volume": pytest.approx(0.95)}

    # The earpiece heard the ready earcon before anything else.
    track, _ = read_wav(tmp_path / "ear.wav")
    ready = np.trim_zeros(earcon(Earcon.READY, 22050), "f")
    start = int(np.flatnonzero(track)[0])
    assert np.array_equal(track[start : start + len(ready)], ready)

    # Restarted (a power pull would do the same): it starts from the saved volume.
    env = _device_env(
        tmp_path, config.format(wav=tmp_path / "ear2.wav", questions='["Turn the volume up."]')
    )
    done, lines = _run_until(env, "scripted questions done")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "state" / "state.json").read_text()) == {"volume": 1.0}


def test_scripted_steps_press_tap_barge_in_and_play_a_wav(tmp_path: Path) -> None:
    """Every kind of ``[fake] questions`` step, through ``companion run`` itself."""
    from device.ask import say_to_file

    wav = say_to_file(Config(), "What time is it?", tmp_path / "question.wav")
    steps = [
        "(double press)",
        "(tap)",
        "(hold 0.8)",
        "What can you do?",
        "(while answering) Turn the volume up.",
        "(note halfway)",
        "(wait 0.2)",
        str(wav),
    ]
    env = _device_env(
        tmp_path,
        '[device]\nhardware = "fake"\n[vision]\nwarm_up = false\n'
        f"[fake]\npaced = false\nquestions = {json.dumps(steps)}\n",
    )
    done, lines = _run_until(env, "scripted questions done")
    assert done.returncode == 0, done.stderr
    turns = [line.split("companion: ", 1)[-1] for line in lines if " turn " in line]
    outcomes = [t.split(";")[0].split(" ", 2)[2] for t in turns]
    assert outcomes == [
        "answered",  # the double press: a description
        "ignored tap",
        "cancelled",
        "interrupted",  # the help answer, cut by the next question
        "answered",
        "answered",  # the WAV
    ], turns
    assert "see:" in turns[0] and "help:" in turns[3] and "louder:" in turns[4]
    assert "heard 'what time is it'" in turns[5] and "time:" in turns[5]
    assert any("script note: halfway" in line for line in lines), lines
    assert any("scripted questions done: 8 asked" in line for line in lines), lines


def test_a_bad_config_file_is_spoken_and_the_device_runs_on_defaults(tmp_path: Path) -> None:
    env = _device_env(tmp_path, '[device]\nlangauge = "ko"\n')
    env["COMPANION_HARDWARE"] = "fake"
    done, lines = _run_until(env, "turn 1 error")
    assert done.returncode == 0, done.stderr
    assert any("running on the default settings" in line for line in lines), lines
    said = next(line for line in lines if "announced:" in line)
    assert "mistake in companion.toml" in said and "'device.language'" in said
    assert str(tmp_path) not in said  # the path is for the log, not the ear


def test_an_absent_config_file_is_not_an_error(tmp_path: Path) -> None:
    env = _device_env(tmp_path, "")
    (tmp_path / "companion.toml").unlink()
    env["COMPANION_HARDWARE"] = "fake"
    done, lines = _run_until(env, "press the talk button")
    assert done.returncode == 0, done.stderr
    assert any("not found: using the default settings" in line for line in lines), lines
    assert not any("ERROR" in line for line in lines), lines


def test_a_config_naming_a_missing_model_falls_back_to_the_defaults(tmp_path: Path) -> None:
    """It parses, but the device cannot open with it: still the file's mistake (issue 12)."""
    missing = tmp_path / "no-such-model"
    env = _device_env(
        tmp_path, f'[speech]\nvosk_model_dir = "{missing}"\n[vision]\nwarm_up = false\n'
    )
    env["COMPANION_HARDWARE"] = "fake"
    done, lines = _run_until(env, "turn 1 error")
    assert done.returncode == 0, done.stderr
    assert any("running on the default settings" in line for line in lines), lines
    said = next(line for line in lines if "announced:" in line)
    assert "mistake in companion.toml" in said and "no-such-model" in said, said
    assert not any("Traceback" in line for line in lines), lines


@pytest.mark.parametrize("after_ready_s", [1.0, 2.2])
def test_sigterm_during_a_turn_stops_cleanly(
    notify_socket: socket.socket, tmp_path: Path, after_ready_s: float
) -> None:
    """Issue 12: SIGTERM mid-turn aborted the process (exit 134) in 2 of 12 tries.

    ``systemctl restart`` and power-off send it whatever the device is doing:
    the workers must stop before the engines close, and the exit be 0.
    """
    env = _device_env(
        tmp_path,
        '[device]\nhardware = "fake"\n[vision]\nwarm_up = false\n'
        '[fake]\npaced = true\nquestions = ["What do you see?", "What time is it?"]\n',
    )
    env.update(NOTIFY_SOCKET=notify_socket.getsockname(), WATCHDOG_USEC="2000000")
    exe = Path(sys.executable).with_name("companion")
    proc = subprocess.Popen([str(exe), "-v", "run"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert any(m.startswith("READY=1") for m in _messages(notify_socket, "READY=1", 90))
        time.sleep(after_ready_s)  # the scripted finger is holding, or the answer is coming
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        assert "STOPPING=1" in _messages(notify_socket, "STOPPING=1", 5)
        assert "Traceback" not in err and "terminate called" not in err, err[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_wedged_loop_stops_the_watchdog_pings_and_a_freed_one_resumes_them(
    notify_socket: socket.socket, engines_en: Engines, make_device: DeviceFactory
) -> None:
    """The real runtime's health check, not a stand-in: the loop blocked in a
    callback must stop the pings, so systemd restarts a wedged device."""
    device = make_device(engines_en)
    release = threading.Event()
    device.runtime.on_turn = lambda rec: release.wait(30)  # wedges the loop thread
    notifier = Notifier(
        environ={"NOTIFY_SOCKET": notify_socket.getsockname(), "WATCHDOG_USEC": "400000"}
    )
    dog = Watchdog(notifier, device.runtime.is_alive)
    dog.start()
    try:
        assert "WATCHDOG=1" in _messages(notify_socket, "WATCHDOG=1", 3.0)
        assert device.hardware.fake is not None
        device.hardware.fake.presser.tap()  # its finished turn reaches on_turn: stuck
        time.sleep(1.5)
        _messages(notify_socket, "never", 0.05)  # drop pings sent before it stuck
        assert _messages(notify_socket, "WATCHDOG=1", 1.5) == []
        release.set()
        assert "WATCHDOG=1" in _messages(notify_socket, "WATCHDOG=1", 3.0)
    finally:
        release.set()
        dog.stop()


def test_sigstop_past_the_watchdog_then_sigcont_the_device_answers(
    notify_socket: socket.socket, tmp_path: Path
) -> None:
    """Stopped past the watchdog interval, pings stop (systemd would restart it);
    continued, it pings again and answers its questions."""
    env = _device_env(
        tmp_path,
        '[device]\nhardware = "fake"\n[vision]\nwarm_up = false\n'
        '[fake]\npaced = false\nquestions = ["What time is it?"]\n',
    )
    env.update(NOTIFY_SOCKET=notify_socket.getsockname(), WATCHDOG_USEC="1000000")
    exe = Path(sys.executable).with_name("companion")
    proc = subprocess.Popen([str(exe), "-v", "run"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert any(m.startswith("READY=1") for m in _messages(notify_socket, "READY=1", 90))
        proc.send_signal(signal.SIGSTOP)
        _messages(notify_socket, "never", 0.1)
        assert _messages(notify_socket, "WATCHDOG=1", 2.5) == []  # past the 1 s interval
        proc.send_signal(signal.SIGCONT)
        assert "WATCHDOG=1" in _messages(notify_socket, "WATCHDOG=1", 5)
        time.sleep(15)  # the scripted question is asked and answered
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        assert "heard 'what time is it'" in err, err[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_companion_run_in_a_terminal_prints_a_line_per_turn_without_v(tmp_path: Path) -> None:
    """Without -v a terminal still shows the device working (the journal is unchanged)."""
    import pty

    env = _device_env(
        tmp_path,
        '[device]\nhardware = "fake"\n[vision]\nwarm_up = false\n'
        '[fake]\npaced = false\nquestions = ["What time is it?"]\n',
    )
    primary, secondary = pty.openpty()
    exe = Path(sys.executable).with_name("companion")
    proc = subprocess.Popen([str(exe), "run"], env=env, stderr=secondary)
    os.close(secondary)
    seen = b""
    try:
        deadline = time.monotonic() + 180
        while b"scripted questions done" not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(primary, 4096)
            except OSError:  # the process ended and the terminal closed
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(primary)
    text = seen.decode(errors="replace")
    assert "press the talk button" in text, text
    assert "turn 1 answered; heard 'what time is it'; time:" in text, text
