"""200 mutated config files: each loads or gives one ConfigError line, never a traceback.

The mutations are what a person with a text editor on the boot partition, or
a card that lost a sector, produces: values of the wrong type, out of range,
huge or nested, keys misspelt or repeated, lines cut or doubled, bytes flipped.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from device.config import DEFAULT_CONFIG_PATH, load_config
from device.errors import ConfigError

LINES = DEFAULT_CONFIG_PATH.read_text().splitlines()
VALUES = (
    "1",
    "-1",
    "0",
    "1e309",
    "nan",
    "inf",
    "9" * 5000,
    '"x"',
    '""',
    "true",
    "[1, 2]",
    "[" * 2000 + "]" * 2000,
    "{a = 1}",
    "{" + "a = {" * 600 + "}" * 601,
    '"\\u0000"',
    "2024-01-01",
    "'''",
    '"' + "é" * 300 + '"',
)


def _mutate(rng: random.Random) -> bytes:
    lines = list(LINES)
    for _ in range(rng.randint(1, 4)):
        n = rng.randrange(len(lines))
        line = lines[n]
        kind = rng.randrange(7)
        if kind == 0 and "=" in line:  # a value of another type or size
            key = line.split("=", 1)[0]
            lines[n] = f"{key}= {rng.choice(VALUES)}"
        elif kind == 1:  # a line doubled (a key given twice)
            lines.insert(n, line)
        elif kind == 2:  # a line cut short
            lines[n] = line[: rng.randrange(len(line) + 1)]
        elif kind == 3 and "=" in line:  # a misspelt key
            key, value = line.split("=", 1)
            lines[n] = f"{key.strip()[::-1]} ={value}"
        elif kind == 4:  # a section header broken or invented
            lines[n] = rng.choice(["[device", "[[device]]", "[nonsense]", "[device.sub]", "["])
        elif kind == 5:  # lines lost
            del lines[n : n + rng.randint(1, 5)]
        else:  # a flipped byte
            chars = list(line or " ")
            chars[rng.randrange(len(chars))] = chr(rng.randrange(1, 256))
            lines[n] = "".join(chars)
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.05:  # not UTF-8 at all
        data = data.replace(b"e", b"\xff", 3)
    return data


@pytest.mark.parametrize("seed", range(200))
def test_a_mutated_file_loads_or_is_one_clear_line(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "companion.toml"
    path.write_bytes(_mutate(random.Random(seed)))
    try:
        load_config(path)
    except ConfigError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 2000, message[:300]
