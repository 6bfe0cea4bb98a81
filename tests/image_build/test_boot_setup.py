"""``companion-boot-setup``: what the user puts on the FAT boot partition, untrusted.

The script runs here against temporary folders standing in for the boot
partition, the data partition and /run (its ``COMPANION_*_DIR`` settings),
with the real ``ssh-keygen``.  Issue 12's cases: a huge key file, a private
key, an empty host key left by a power pull.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from .test_image_build import FILES, _tool

SCRIPT = FILES / "companion-boot-setup"


class Card:
    def __init__(self, root: Path) -> None:
        self.boot, self.data, self.run = root / "boot", root / "data", root / "run"
        for d in (self.boot, self.data, self.run):
            d.mkdir()

    def setup(self) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "COMPANION_BOOT_DIR": str(self.boot),
            "COMPANION_DATA_DIR": str(self.data),
            "COMPANION_RUN_DIR": str(self.run),
            "COMPANION_DATA_OWNER": str(os.getuid()),
        }
        return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True)

    @property
    def authorized(self) -> Path:
        return self.run / "companion-ssh" / "authorized_keys"

    @property
    def host_key(self) -> Path:
        return self.data / "ssh" / "ssh_host_ed25519_key"

    @property
    def wifi(self) -> Path:
        return self.run / "NetworkManager" / "system-connections" / "companion-wifi.nmconnection"


@pytest.fixture
def card(tmp_path: Path) -> Card:
    return Card(tmp_path)


@pytest.fixture(scope="module")
def user_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = tmp_path_factory.mktemp("keys") / "id_ed25519"
    subprocess.run(
        [_tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True
    )
    return key


WIFI = "[connection]\nid=home\ntype=wifi\n[wifi]\nssid=home\n"


def test_a_public_key_enables_ssh_with_a_fresh_host_key(card: Card, user_key: Path) -> None:
    (card.boot / "ssh_authorized_keys").write_text(user_key.with_suffix(".pub").read_text())
    (card.boot / "wifi.nmconnection").write_text(WIFI)
    done = card.setup()
    assert done.returncode == 0, done.stderr
    assert card.authorized.read_text() == user_key.with_suffix(".pub").read_text()
    assert stat.S_IMODE(card.authorized.stat().st_mode) == 0o644
    assert card.host_key.stat().st_size > 0
    assert stat.S_IMODE(card.wifi.stat().st_mode) == 0o600
    assert "SSH enabled for user pocket (1 key(s))" in done.stdout


def test_a_huge_key_file_is_refused_and_the_wifi_still_set(card: Card) -> None:
    with open(card.boot / "ssh_authorized_keys", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB: it once filled /run
    (card.boot / "wifi.nmconnection").write_text(WIFI)
    done = card.setup()
    assert done.returncode == 0
    assert not card.authorized.exists() and "SSH stays off" in done.stderr
    assert card.wifi.read_text() == WIFI  # one bad file does not skip the next step
    assert not list(card.run.rglob(".companion-*"))  # no partial copy left


def test_a_private_key_is_refused_not_published(card: Card, user_key: Path) -> None:
    (card.boot / "ssh_authorized_keys").write_text(user_key.read_text())
    done = card.setup()
    assert not card.authorized.exists()
    assert "private key" in done.stderr and "SSH stays off" in done.stderr
    # And nothing of it was copied anywhere readable.
    assert not [p for p in card.run.rglob("*") if p.is_file()]


def test_only_public_key_lines_are_kept(card: Card, user_key: Path) -> None:
    public = user_key.with_suffix(".pub").read_text()
    (card.boot / "ssh_authorized_keys").write_text(f"# my laptop\n{public}rm -rf /\n")
    card.setup()
    assert card.authorized.read_text() == public


def test_an_empty_host_key_left_by_a_power_pull_is_made_again(card: Card, user_key: Path) -> None:
    (card.boot / "ssh_authorized_keys").write_text(user_key.with_suffix(".pub").read_text())
    (card.data / "ssh").mkdir(mode=0o700)
    card.host_key.write_bytes(b"")
    done = card.setup()
    assert done.returncode == 0, done.stderr
    assert "made a new SSH host key" in done.stdout
    check = subprocess.run(
        [_tool("ssh-keygen"), "-y", "-f", str(card.host_key)], capture_output=True
    )
    assert check.returncode == 0


def test_a_good_host_key_is_kept(card: Card, user_key: Path) -> None:
    (card.boot / "ssh_authorized_keys").write_text(user_key.with_suffix(".pub").read_text())
    card.setup()
    first = card.host_key.read_bytes()
    card.setup()
    assert card.host_key.read_bytes() == first


def test_no_boot_files_means_ssh_off_and_no_error(card: Card) -> None:
    done = card.setup()
    assert done.returncode == 0 and "SSH stays off" in done.stdout
    assert not card.authorized.exists() and not card.wifi.exists()
