"""The ``companion`` command: real engines, fake hardware, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device import __version__
from device.cli import main
from hardware.pcm import read_wav, write_wav

SCENES = Path(__file__).parents[2] / "device" / "scenes"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def question(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("q") / "what-time.wav"
    assert main(["say", "What time is it?", "--out", str(path)]) == 0
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_say_writes_a_wav_of_speech(question: Path) -> None:
    pcm, rate = read_wav(question)
    assert rate == 22050 and 0.5 < len(pcm) / rate < 3
    assert np.abs(pcm).max() > 3000


def test_ask_json_has_the_promised_fields(
    capsys: pytest.CaptureFixture[str], question: Path, tmp_path: Path
) -> None:
    out_wav = tmp_path / "answer.wav"
    code, out, err = run(
        capsys,
        "ask",
        "--hardware",
        "fake",
        "--camera",
        str(SCENES / "person.jpg"),
        "--question",
        str(question),
        "--out",
        str(out_wav),
        "--json",
        "--unpaced",
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["heard"] == "what time is it"
    assert result["intent"] == "time"
    assert result["slots"] == {}  # the time names no thing
    assert result["answer"]
    assert result["answer_wav"] == str(out_wav)
    assert result["timings_ms"]["release_to_first_audio"] > 0
    with wave.open(str(out_wav)) as w:
        assert w.getnframes() > w.getframerate() // 2  # at least half a second of answer


def test_ask_json_reports_the_slots_of_a_scene_question(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    asked = tmp_path / "horse.wav"
    assert run(capsys, "say", "Is there a horse on my right?", "--out", str(asked))[0] == 0
    code, out, err = run(
        capsys,
        "ask",
        "--camera",
        str(SCENES / "person.jpg"),
        "--question",
        str(asked),
        "--json",
        "--unpaced",
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["intent"] == "find", result["heard"]
    assert result["slots"] == {"things": ["horse"], "side": "right"}
    assert result["details"]["found"] is True


def test_listen_transcribes(capsys: pytest.CaptureFixture[str], question: Path) -> None:
    code, out, _ = run(capsys, "listen", str(question), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["text"] == "what time is it" and result["engine"] == "whisper"


def test_ask_with_silence_is_a_cancelled_turn_not_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 2, np.int16), 16000)
    code, out, _ = run(capsys, "ask", "--question", str(silence), "--json", "--unpaced")
    assert code == 0
    result = json.loads(out)
    assert (result["outcome"], result["heard"], result["answer_wav"]) == ("cancelled", "", None)


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("corrupt", ["ask", "--question", "{wav}"], "not a readable PCM WAV"),
        ("empty", ["ask", "--question", "{wav}"], "holds no audio"),
        ("absent", ["listen", "{tmp}/nope.wav"], "no such file"),
        ("good", ["ask", "--question", "{wav}", "--camera", "{tmp}/none.jpg"], "no such image"),
        ("good", ["ask", "--question", "{wav}", "--camera", "{tmp}/bad.jpg"], "not an image"),
        ("badkey", ["--config", "{cfg}", "listen", "{wav}"], "unknown key 'speech.vosk_dir'"),
        ("nomodel", ["--config", "{cfg}", "listen", "{wav}"], "no model folder at"),
        ("corruptmodel", ["--config", "{cfg}", "listen", "{wav}"], "{tmp}/model"),
        ("good", ["say", "  ", "--out", "{tmp}/x.wav"], "nothing to say"),
    ],
)
def test_bad_input_is_one_line_and_non_zero_exit(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    question: Path,
    setup: str,
    args: list[str],
    message: str,
) -> None:
    wav, cfg = tmp_path / "q.wav", tmp_path / "c.toml"
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    if setup == "corrupt":
        wav.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    elif setup == "empty":
        write_wav(wav, np.zeros(0, np.int16), 16000)
    else:
        wav.write_bytes(question.read_bytes())
    if setup == "badkey":
        cfg.write_text('[speech]\nvosk_dir = "x"\n')
    elif setup == "nomodel":
        cfg.write_text(f'[speech]\nvosk_model_dir = "{tmp_path}/absent"\n')
    elif setup == "corruptmodel":
        (tmp_path / "model" / "am").mkdir(parents=True)
        (tmp_path / "model" / "am" / "final.mdl").write_bytes(b"garbage")
        cfg.write_text(f'[speech]\nvosk_model_dir = "{tmp_path}/model"\n')
    argv = [a.format(wav=wav, tmp=tmp_path, cfg=cfg) for a in args]
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert message.format(tmp=tmp_path) in err
    assert err.startswith("companion: ") and err.count("\n") == 1, err
    assert "Traceback" not in err + out


def test_doctor_on_fake_hardware_reports_every_part(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "doctor", "--hardware", "fake")
    assert out.startswith("hardware: fake\n"), out
    for part in ("button", "led", "microphone", "earpiece", "camera", "models", "vision"):
        assert f"ok  {part} " in out, out
    assert code == 0, out
    assert "all good" in out


def test_doctor_reports_a_bad_config_as_one_failed_check_and_checks_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[device]\nlangauge = "ko"\n')
    code, out, err = run(capsys, "doctor", "--hardware", "fake", "--config", str(cfg))
    assert code == 1 and err == "", err
    assert f"BAD config     {cfg}: unknown key 'device.langauge'" in out, out
    for part in ("button", "camera", "models", "vision", "memory"):
        assert f"ok  {part} " in out, out
    assert out.rstrip().endswith("1 problem(s): config")


def test_doctor_knows_the_zero_profile_speaks_english_with_espeak() -> None:
    from device.config import PROFILES_DIR, Config, load_config
    from device.doctor import needed_mb, speaks_with_espeak

    zero = load_config(PROFILES_DIR / "pi-zero-2w.toml")
    assert speaks_with_espeak(zero) and not speaks_with_espeak(Config())
    # The defaults peak near 490 MB (README): a 512 MB Zero must not pass on them.
    assert needed_mb(Config()) > 480 > needed_mb(zero) > 320


def test_models_fetch_failure_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Port 9 on loopback refuses connections: the same path as no internet.
    code, _, err = run(
        capsys,
        "models",
        "fetch",
        "vosk-en",
        "--dest",
        str(tmp_path),
        "--url",
        "http://127.0.0.1:9/model.zip",
        "--sha256",
        "0" * 64,
    )
    assert code == 1 and err.count("\n") == 1
    assert not any(tmp_path.iterdir()), "a failed fetch must leave nothing behind"


def test_describe_json_has_the_promised_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "describe", str(SCENES / "dog.jpg"), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert {"text", "objects", "faces", "texts", "timings_ms"} <= set(result)
    labels = {o["label"] for o in result["objects"]}
    assert {"dog", "bicycle", "truck"} <= labels
    for o in result["objects"]:
        x1, y1, x2, y2 = o["box"]
        assert 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1 and 0 < o["score"] <= 1
    assert {"objects", "total"} <= set(result["timings_ms"])
    assert "dog" in result["text"]


def test_describe_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "describe", str(SCENES / "giraffe.jpg"), "--lang", "ko")
    assert code == 0
    assert "기린" in out and "얼룩말" in out


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda: np.zeros((480, 640, 3), np.uint8), "It's too dark"),
        (lambda: np.full((1, 1, 3), 128, np.uint8), "I mostly see grey."),
        (
            lambda: np.random.default_rng(0).integers(0, 255, (3000, 4000, 3), dtype=np.uint8),
            "I mostly see grey.",
        ),
    ],
    ids=["black", "1x1", "12MP"],
)
def test_describe_odd_frames(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Any, said: str
) -> None:
    import cv2

    path = tmp_path / "frame.png"
    cv2.imwrite(str(path), make())
    code, out, err = run(capsys, "describe", str(path), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert said in result["text"] and result["objects"] == [], result["text"]


def test_describe_a_file_that_is_not_an_image(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("shopping list")
    code, _, err = run(capsys, "describe", str(path))
    assert code == 1 and "not an image" in err and err.count("\n") == 1


COMPANION = [sys.executable, "-m", "device.cli"]


@pytest.mark.parametrize("where", ["a directory", "/proc/x.wav", "/dev/full"])
def test_an_unwritable_out_is_one_line(tmp_path: Path, where: str) -> None:
    out = str(tmp_path) if where == "a directory" else where
    done = subprocess.run(
        [*COMPANION, "say", "Hello.", "--out", out], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"companion: cannot write {out}: "), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


def test_demo_refuses_an_unwritable_out_dir_before_it_runs(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    done = subprocess.run(
        [*COMPANION, "demo", "--out-dir", str(tmp_path / "a-file" / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == "", done.stdout  # no scene was played
    assert "cannot write there (Not a directory)" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_reader_that_goes_away_is_not_a_traceback() -> None:
    """`companion describe --json | head -1`."""
    proc = subprocess.Popen(
        [*COMPANION, "describe", "--json", str(SCENES / "dog.jpg")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and err == "", err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder; give one image file"),
        (
            lambda p: p.write_bytes((SCENES / "dog.jpg").read_bytes()[:20000]),
            "the JPEG is cut short",
        ),
    ],
    ids=["folder", "truncated-jpeg"],
)
def test_describe_refuses_a_folder_and_a_cut_photo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Any, message: str
) -> None:
    path = tmp_path / "photo.jpg"
    make(path)
    code, out, err = run(capsys, "describe", str(path))
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1, err


def test_ask_out_after_a_cancelled_turn_says_nothing_was_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(16000 * 2, np.int16), 16000)
    out_wav = tmp_path / "answer.wav"
    code, out, err = run(
        capsys, "ask", "--question", str(silence), "--unpaced", "--out", str(out_wav)
    )
    assert code == 1 and not out_wav.exists()
    assert f"nothing written to {out_wav}: the turn ended cancelled" in err, err
    assert "heard:  (nothing)" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [("pi", "ask plays a WAV into fake hardware only"), ("nonsense", "use one of")],
)
def test_ask_honours_companion_hardware(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    question: Path,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv("COMPANION_HARDWARE", value)
    code, _, err = run(capsys, "ask", "--question", str(question))
    assert code == 1 and message in err and err.count("\n") == 1, err


def test_config_and_verbose_work_after_the_command_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, question: Path
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[speech]\nvosk_dir = "x"\n')
    code, _, err = run(capsys, "listen", str(question), "--config", str(cfg), "-v")
    assert code == 1 and "unknown key 'speech.vosk_dir'" in err
    # Before the command it still works, and after it wins.
    good = tmp_path / "good.toml"
    good.write_text("")
    code, _, err = run(capsys, "--config", str(cfg), "listen", str(question), "--config", str(good))
    assert code == 0, err
