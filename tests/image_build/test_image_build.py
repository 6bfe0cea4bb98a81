"""The SD image's pieces, checked on the build host: units, scripts, the pi-gen stage.

The whole image (build, boot, a scripted question) is checked by
``image-build/smoke/run.sh`` in QEMU; it takes minutes, so it is not part of
this suite.  These checks take seconds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IMAGE_BUILD = REPO / "image-build"
STAGE = IMAGE_BUILD / "stage-companion"
FILES = STAGE / "00-companion" / "files"
UNITS = sorted(FILES.glob("*.service"))
MAX_EXPOSURE = 2.5


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: `./bootstrap dev` installs it"
    return path


def _shell_scripts() -> list[Path]:
    scripts = [REPO / "bootstrap", REPO / ".ci" / "run"]
    for path in sorted(IMAGE_BUILD.rglob("*")):
        if path.is_file() and path.read_bytes()[:2] == b"#!" and b"sh" in path.read_bytes()[:30]:
            scripts.append(path)
    return scripts


def test_every_shell_script_passes_shellcheck() -> None:
    scripts = _shell_scripts()
    assert IMAGE_BUILD / "install-companion.sh" in scripts and len(scripts) >= 8
    result = subprocess.run(
        [_tool("shellcheck"), "-x", "--source-path=SCRIPTDIR", *map(str, scripts)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def _units_under(tmp_path: Path) -> Path:
    """The units with /opt/companion moved under ``tmp_path``, where the programs exist.

    ``systemd-analyze verify`` checks that ExecStart= is executable; on the
    build host /opt/companion does not exist.  Only that prefix changes.
    """
    prefix = tmp_path / "opt" / "companion"
    for program in (
        "venv/bin/companion",
        "sbin/companion-prepare-data",
        "sbin/companion-boot-setup",
    ):
        exe = prefix / program
        exe.parent.mkdir(parents=True, exist_ok=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        text = unit.read_text().replace("/opt/companion/", f"{prefix}/")
        (units / unit.name).write_text(text)
    return units


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    assert {u.name for u in UNITS} == {
        "companion.service",
        "companion-data.service",
        "companion-boot-setup.service",
    }
    units = _units_under(tmp_path)
    result = subprocess.run(
        [_tool("systemd-analyze"), "verify", *sorted(map(str, units.iterdir()))],
        capture_output=True,
        text=True,
    )
    # verify also reports the host's own broken units; only ours matter.
    ours = [line for line in result.stderr.splitlines() if "companion" in line]
    assert not ours, "\n".join(ours)


@pytest.mark.parametrize(
    ("name", "most"),
    [
        ("companion.service", MAX_EXPOSURE),
        # Issue 12: 9.6 and 9.5 ("UNSAFE") before they were sandboxed.
        ("companion-boot-setup.service", MAX_EXPOSURE),
        # It partitions the card and mounts for the whole system: no namespaces.
        ("companion-data.service", 4.0),
    ],
)
def test_service_exposure_is_low(tmp_path: Path, name: str, most: float) -> None:
    unit = _units_under(tmp_path) / name
    result = subprocess.run(
        [_tool("systemd-analyze"), "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
    )
    found = re.search(rf"Overall exposure level for {re.escape(name)}: (\d+\.\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    assert float(found.group(1)) <= most, result.stdout


def test_service_keeps_the_promised_hardening() -> None:
    unit = (FILES / "companion.service").read_text()
    for line in (
        "Type=notify",
        "User=companion",
        "SupplementaryGroups=audio video gpio",
        "Restart=on-failure",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=\n",
        "DevicePolicy=closed",
    ):
        assert line in unit, line
    assert re.search(r"^WatchdogSec=\d+", unit, re.M)
    families = re.search(r"^RestrictAddressFamilies=(.*)$", unit, re.M)
    assert families and "AF_INET" not in families.group(1)


def test_pi_gen_stage_has_the_shape_pi_gen_runs() -> None:
    prerun = STAGE / "prerun.sh"
    assert prerun.stat().st_mode & 0o111 and "copy_previous" in prerun.read_text()
    assert (STAGE / "EXPORT_IMAGE").is_file()
    sub = STAGE / "00-companion"
    # pi-gen runs NN-packages, NN-run.sh (executable) and NN-run-chroot.sh by number.
    names = sorted(p.name for p in sub.iterdir())
    assert names == ["00-packages", "01-packages", "02-run.sh", "files"]
    assert (sub / "02-run.sh").stat().st_mode & 0o111
    assert "install-companion.sh" in (sub / "02-run.sh").read_text()
    packages = (sub / "00-packages").read_text()
    assert {"python3-venv", "libportaudio2", "espeak-ng"} <= set(packages.split())
    assert "python3-picamera2" in (sub / "01-packages").read_text()


def test_every_stage_file_is_installed_and_every_installed_file_exists() -> None:
    script = (IMAGE_BUILD / "install-companion.sh").read_text()
    for path in FILES.iterdir():
        assert f"$FILES/{path.name}" in script, f"{path.name} is never installed"
    for name in re.findall(r"\$FILES/([\w.-]+)", script):
        assert (FILES / name).is_file(), f"install-companion.sh needs files/{name}"


def test_pi_gen_config_and_wrapper_pin_what_they_promise() -> None:
    config = (IMAGE_BUILD / "pi-gen.config").read_text()
    assert 'STAGE_LIST="stage0 stage1 stage2"' in config
    assert re.search(r"^ENABLE_SSH=0$", config, re.M)
    assert not re.search(r"^FIRST_USER_PASS=", config, re.M)  # never a fixed password
    wrapper = (IMAGE_BUILD / "build-pi-image.sh").read_text()
    assert re.search(r"^PI_GEN_COMMIT=[0-9a-f]{40}$", wrapper, re.M)
    assert "stage-companion" in wrapper


PI_GEN_FSTAB = """\
proc            /proc           proc    defaults          0       0
PARTUUID=1a2b3c4d-01  /boot/firmware  vfat    defaults          0       2
PARTUUID=1a2b3c4d-02  /               ext4    defaults,noatime  0       1
"""


@pytest.mark.parametrize(
    ("fstab", "root_options"),
    [
        (PI_GEN_FSTAB, "defaults,ro,noatime"),
        ("LABEL=rootfs / ext4 rw,noatime 0 1\n", "defaults,ro,noatime"),
        ("# / is below\nLABEL=rootfs / ext4 defaults 0 1\n", "defaults,ro"),
    ],
)
def test_fstab_becomes_read_only_and_stays_so(
    tmp_path: Path, fstab: str, root_options: str
) -> None:
    awk = [_tool("awk"), "-f", str(IMAGE_BUILD / "readonly-fstab.awk")]
    once = subprocess.run(awk, input=fstab, capture_output=True, text=True, check=True).stdout
    twice = subprocess.run(awk, input=once, capture_output=True, text=True, check=True).stdout
    assert once == twice
    rows = {line.split()[1]: line.split() for line in once.splitlines() if not line.startswith("#")}
    assert rows["/"][3] == root_options
    assert rows["/"][0] == fstab.splitlines()[-1].split()[0]  # the device name is kept
    if "/boot/firmware" in rows:
        assert rows["/boot/firmware"][3] == "defaults,ro"
    if "/proc" in rows:
        assert rows["/proc"][3] == "defaults"


def _install(*args: str) -> subprocess.CompletedProcess[str]:
    script = IMAGE_BUILD / "install-companion.sh"
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=60)


def test_install_script_explains_what_is_wrong_in_one_line(tmp_path: Path) -> None:
    usage = _install()
    assert usage.returncode != 0 and "usage:" in usage.stderr
    root, wheels = tmp_path / "root", tmp_path / "wheels"
    root.mkdir()
    wheels.mkdir()
    result = _install(str(root), str(wheels))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("install-companion: "), result.stderr
    # As root (CI): the missing Python is named; otherwise being root is asked for.
    assert "python3" in lines[0] or "run as root" in lines[0]
    assert not (root / "opt").exists()  # nothing half-installed


def test_install_script_refuses_the_running_system() -> None:
    result = _install("/", "/tmp")
    assert result.returncode != 0
    assert "refusing" in result.stderr or "run as root" in result.stderr


def test_the_smoke_script_names_every_missing_tool_in_one_line() -> None:
    """Issue 10: it stopped at the first missing tool, one 10-minute run each."""
    lib = IMAGE_BUILD / "smoke" / "lib.sh"
    script = f". {lib}; need_tools sh:dash no-such-tool-a:pkg-a no-such-tool-b:pkg-b x-c:pkg-a"
    done = subprocess.run([_tool("bash"), "-c", script], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("missing tools: apt install pkg-a pkg-b"), done.stderr
    run_sh = (IMAGE_BUILD / "smoke" / "run.sh").read_text()
    for tool in ("mmdebstrap", "sfdisk", "qemu-system-aarch64", "mkfs.vfat", "mcopy"):
        assert f"{tool}:" in run_sh, tool  # checked up front, with the others


def test_the_boot_setup_sandbox_lets_it_chown_the_state_directory() -> None:
    """A denied @privileged (which holds @chown) killed install -o in the smoke
    image: the state directory stayed root's and the volume was never saved."""
    unit = (FILES / "companion-boot-setup.service").read_text()
    denied = " ".join(
        line.split("=", 1)[1].removeprefix("~")
        for line in unit.splitlines()
        if line.startswith("SystemCallFilter=~")
    ).split()
    assert "@privileged" not in denied and "@chown" not in denied
    assert "CAP_CHOWN" in unit
    script = (FILES / "companion-boot-setup").read_text()
    assert 'install -d -m 0700 -o "$OWNER"' in script  # what needs it
