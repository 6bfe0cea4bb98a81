"""systemd notify: readiness and watchdog pings over a real AF_UNIX socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from device.service import Notifier, Watchdog


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
    healthy = [True]
    dog = Watchdog(n, lambda timeout: healthy[0])
    dog.start()
    try:
        assert "WATCHDOG=1" in _messages(notify_socket, "WATCHDOG=1", 2.0)
        healthy[0] = False
        time.sleep(0.3)  # let a ping already in flight arrive
        _messages(notify_socket, "never", 0.3)
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
