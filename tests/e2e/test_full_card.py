"""The data partition fills up while the device runs (issue 10).

A real full filesystem, not a write made to fail: a 1 MB tmpfs mounted in a
user and mount namespace of its own (``unshare -rm``, no root needed), or
directly when the test runs as root with the right to mount.  Where neither
is allowed (a container that forbids both), the test is skipped and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: Runs inside the namespace, with the tmpfs mounted on argv[1].
DEVICE_ON_A_FULL_CARD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    from device.ask import hold_and_speak, synthesised_question
    from device.assistant import open_device
    from device.config import Config
    from device.saved_settings import StateStore

    data = Path(sys.argv[1])
    store = StateStore(data)
    cfg = Config().with_overrides(device={"hardware": "fake"}, fake={"paced": False})
    out = {}

    def state():
        return json.loads((data / "state.json").read_text())

    with open_device(cfg, backend="fake", camera_required=False, store=store) as device:
        def ask(text):
            rec = hold_and_speak(device, synthesised_question(device, text))
            store.wait()
            return [rec.intent, rec.answer, rec.is_error]

        out["up"] = ask("Turn the volume up.")
        out["saved_before"] = state()
        # Fill the card to the last block (unbuffered: a buffer would fail at close).
        with open(data / "filler", "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\\0" * 4096)
            except OSError as exc:
                out["filled"] = exc.strerror
        out["down_when_full"] = ask("Turn the volume down.")
        out["see_when_full"] = ask("What do you see?")
        out["time_when_full"] = ask("What time is it?")
        out["state_when_full"] = state()
        out["temporaries"] = sorted(p.name for p in data.glob(".state-*"))
        (data / "filler").unlink()
        out["down_again"] = ask("Turn the volume down.")
        out["saved_after"] = state()
        out["remembered"] = ask("When did you last see a dog?")
    print(json.dumps(out))
    """
)


def _mount_command(mountpoint: Path) -> list[str] | None:
    """How to run a shell with a 1 MB tmpfs on ``mountpoint``, if this machine allows one."""
    mount = f"mount -t tmpfs -o size=1m tmpfs {mountpoint}"
    tries = []
    if shutil.which("unshare"):
        tries.append(["unshare", "-rm", "sh", "-c"])
        if os.geteuid() == 0:
            tries.append(["unshare", "-m", "sh", "-c"])
    for prefix in tries:
        probe = subprocess.run([*prefix, mount], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return prefix
    return None


def test_a_full_data_partition_keeps_the_old_state_and_the_device_answering(
    tmp_path: Path,
) -> None:
    card = tmp_path / "card"
    card.mkdir()
    prefix = _mount_command(card)
    if prefix is None:
        pytest.skip("this machine allows no tmpfs mount (no user namespaces, no CAP_SYS_ADMIN)")
    script = tmp_path / "device_on_a_full_card.py"
    script.write_text(DEVICE_ON_A_FULL_CARD)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    mount = f"mount -t tmpfs -o size=1m tmpfs {card}"
    shell = f'{mount} && exec "$0" "$1" "$2"'
    done = subprocess.run(
        [*prefix, shell, sys.executable, str(script), str(card)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["filled"] == "No space left on device"
    assert out["up"][0] == "louder"
    # Full: the answer is still given (the volume goes down now), the save is
    # refused whole, so the card keeps the last good state and no temporary.
    assert out["down_when_full"][0] == "quieter" and not out["down_when_full"][2]
    assert out["state_when_full"] == out["saved_before"]
    assert out["temporaries"] == []
    assert out["see_when_full"][0] == "see" and not out["see_when_full"][2]
    assert out["time_when_full"][0] == "time" and not out["time_when_full"][2]
    assert "could not save" in done.stderr and "No space left on device" in done.stderr
    # Space again: the next change is saved.
    assert out["saved_after"]["volume"] < out["saved_before"]["volume"]
    assert out["remembered"][0] == "memory" and "dog" in out["remembered"][1]
