"""Talking to systemd: readiness, watchdog pings and stopping (``Type=notify``).

The sd_notify protocol is one datagram per message to the AF_UNIX socket named
in ``$NOTIFY_SOCKET`` (a leading "@" means the abstract namespace).  It is a
few lines, so no dependency: without ``$NOTIFY_SOCKET`` (a laptop, a test)
every call is a no-op.

The watchdog is only pinged while the device is healthy: the pinger asks the
runtime loop to prove it is alive (it must process a no-op within the
interval), so a wedged loop stops the pings and systemd restarts the service.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Notifier:
    """Sends sd_notify messages, if systemd asked for them."""

    def __init__(self, *, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self._address = "\0" + address[1:] if address.startswith("@") else address
        usec = env.get("WATCHDOG_USEC", "")
        self.watchdog_interval = int(usec) / 1e6 if usec.isdigit() and int(usec) > 0 else None
        """Seconds between the pings systemd expects, or None."""

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def send(self, message: str) -> bool:
        """Send one message ("READY=1", ...); False if not under systemd or it failed."""
        if not self._address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                # Never wait for the listener: a full queue (a manager that
                # stopped reading) must not hang the watchdog, or a stop.
                sock.setblocking(False)
                sock.connect(self._address)
                sock.send(message.encode())
        except OSError as exc:
            log.warning("sd_notify %r failed: %s", message, exc)
            return False
        return True

    def ready(self, status: str) -> None:
        self.send(f"READY=1\nSTATUS={status}")

    def stopping(self) -> None:
        self.send("STOPPING=1")


class Watchdog:
    """Pings systemd at half its interval while ``healthy(timeout)`` says so."""

    def __init__(self, notifier: Notifier, healthy: Callable[[float], bool]) -> None:
        self._notifier = notifier
        self._healthy = healthy
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        interval = self._notifier.watchdog_interval
        if interval is None:
            return
        self._thread = threading.Thread(
            target=self._run, args=(interval / 2,), name="companion-watchdog", daemon=True
        )
        self._thread.start()

    def _run(self, period: float) -> None:
        while not self._stop.wait(period):
            if self._healthy(period):
                self._notifier.send("WATCHDOG=1")
            else:
                log.error("runtime loop did not answer within %.1f s; not pinging systemd", period)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
