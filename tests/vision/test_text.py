"""Text reading: the pure pre/post-processing on hand-made input, then the real
PP-OCR models on scenes rendered here with OpenCV."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from device.checksums import sha256_of
from device.errors import ModelError
from device.vision.models import MODELS_DIR, load_manifest
from device.vision.text import (
    CHARSET,
    DET_MODEL,
    REC_MODEL,
    TextReader,
    join_line,
    reading_order,
    reads_as_words,
)
from device.vision.text_detect import (
    DetectParams,
    db_boxes,
    det_input_size,
    order_quad,
    preprocess_det,
    quad_size,
    unclip_rect,
)
from device.vision.text_recognise import (
    REC_HEIGHT,
    crop_quad,
    ctc_greedy,
    load_charset,
    preprocess_rec,
)
from device.vision.types import TextLine

Image = npt.NDArray[np.uint8]

# ---------------------------------------------------------------- CTC decoding

CHARS = ["", "a", "b", " "]


def _onehot(seq: list[int], p: float = 0.9) -> npt.NDArray[np.float32]:
    probs = np.full((1, len(seq), len(CHARS)), (1 - p) / (len(CHARS) - 1), dtype=np.float32)
    for t, c in enumerate(seq):
        probs[0, t, c] = p
    return probs


def test_ctc_merges_repeats_and_drops_blanks() -> None:
    # a a _ a b b _ : the blank between the a's keeps both; the repeated b is one b
    [(text, score)] = ctc_greedy(_onehot([1, 1, 0, 1, 2, 2, 0]), CHARS)
    assert text == "aab"
    assert score == pytest.approx(0.9)


def test_ctc_all_blank_is_empty_with_zero_score() -> None:
    assert ctc_greedy(_onehot([0, 0, 0]), CHARS) == [("", 0.0)]


def test_ctc_score_is_the_mean_of_kept_characters_and_spaces_are_trimmed() -> None:
    probs = _onehot([3, 1, 0, 3, 2, 3])
    probs[0, 1, 1] = 0.5  # the 'a' is less sure
    [(text, score)] = ctc_greedy(probs, CHARS)
    assert text == "a b"
    assert score == pytest.approx((0.9 + 0.5 + 0.9 + 0.9 + 0.9) / 5)


def test_ctc_decodes_each_row_of_a_batch() -> None:
    batch = np.concatenate([_onehot([1, 0, 2]), _onehot([2, 2, 1])])
    assert [t for t, _ in ctc_greedy(batch, CHARS)] == ["ab", "ba"]


def test_ctc_refuses_a_dictionary_of_the_wrong_size() -> None:
    with pytest.raises(ModelError, match="do not belong together"):
        ctc_greedy(_onehot([1, 2]), CHARS[:3])


def test_charset_adds_blank_and_space_and_reads_crlf(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    # U+2028 is a line separator to str.splitlines, but here it is a character.
    path.write_bytes("A\r\nb\r\n\u2028\r\n한\r\n".encode())
    assert load_charset(path) == ["", "A", "b", "\u2028", "한", " "]


def test_missing_charset_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        load_charset(tmp_path / "nope.txt")


# ---------------------------------------------------------------- reading order


def test_reading_order_lines_top_to_bottom_words_left_to_right() -> None:
    boxes = [
        (0.6, 0.52, 0.9, 0.60),  # 0: line 2, right
        (0.1, 0.10, 0.4, 0.20),  # 1: line 1, left
        (0.1, 0.50, 0.5, 0.61),  # 2: line 2, left
        (0.5, 0.11, 0.8, 0.21),  # 3: line 1, right
    ]
    assert reading_order(boxes) == [[1, 3], [2, 0]]


def test_small_word_joins_the_tall_line_it_sits_on() -> None:
    # a big "EXIT" and a small arrow-side label on the same baseline
    boxes = [(0.1, 0.30, 0.5, 0.60), (0.55, 0.48, 0.7, 0.58)]
    assert reading_order(boxes) == [[0, 1]]


def test_tilted_lines_do_not_interleave() -> None:
    # Two lines of three words, each word 0.03 lower than the one before it.
    # Line 1 spans 0.10-0.24 in all, so line 2's first word (0.20-0.28)
    # overlaps that span by most of its height; it must still start line 2.
    boxes = []
    for top in (0.10, 0.20):
        for k in range(3):
            boxes.append((0.1 + 0.25 * k, top + 0.03 * k, 0.3 + 0.25 * k, top + 0.08 + 0.03 * k))
    assert reading_order(boxes) == [[0, 1, 2], [3, 4, 5]]
    assert reading_order(boxes[::-1]) == [[5, 4, 3], [2, 1, 0]]


def test_empty_reading_order() -> None:
    assert reading_order([]) == []


def test_join_line_merges_near_pieces_and_keeps_far_ones_apart() -> None:
    pieces = [
        TextLine("BUS", 0.9, (0.10, 0.40, 0.20, 0.50)),
        TextLine("STOP", 0.7, (0.22, 0.40, 0.35, 0.50)),  # gap 0.02 < 1.5 heights
        TextLine("EXIT", 0.8, (0.80, 0.41, 0.90, 0.49)),  # gap 0.45: another sign
    ]
    merged = join_line(pieces)
    assert [m.text for m in merged] == ["BUS STOP", "EXIT"]
    assert merged[0].box == (0.10, 0.40, 0.35, 0.50)
    assert merged[0].score == pytest.approx((0.9 * 3 + 0.7 * 4) / 7)


# ---------------------------------------------------------------- detection maths


def test_unclip_grows_each_side_by_area_ratio_over_perimeter() -> None:
    (centre, (w, h), angle) = unclip_rect(((50.0, 20.0), (100.0, 20.0), 10.0), 1.5)
    d = 100 * 20 * 1.5 / 240
    assert (w, h) == pytest.approx((100 + 2 * d, 20 + 2 * d))
    assert centre == (50.0, 20.0) and angle == 10.0


def test_det_input_size_shrinks_to_multiples_of_32_and_never_enlarges() -> None:
    assert det_input_size(480, 640, max_side=640) == (480, 640)
    assert det_input_size(3000, 4000, max_side=640) == (480, 640)
    assert det_input_size(100, 50, max_side=640) == (96, 64)
    assert det_input_size(1, 1, max_side=640) == (32, 32)


def test_preprocess_det_normalises_like_imagenet_in_bgr() -> None:
    mean_bgr = np.array([0.485, 0.456, 0.406]) * 255
    frame = np.zeros((64, 96, 3), np.uint8)
    frame[:] = np.round(mean_bgr).astype(np.uint8)
    frame[0, 0] = (255, 255, 255)
    x = preprocess_det(frame, max_side=640)
    assert x.shape == (1, 3, 64, 96) and x.dtype == np.float32
    assert np.abs(x[0, :, 5, 5]).max() < 0.01  # the mean colour is zero
    assert x[0, 0, 0, 0] == pytest.approx((255 - 0.485 * 255) / (0.229 * 255), rel=1e-4)


def test_db_boxes_finds_an_expanded_region_in_source_pixels() -> None:
    prob = np.zeros((64, 128), np.float32)
    prob[20:30, 10:90] = 0.9  # a shrunk kernel 80 x 10 map pixels
    prob[50:52, 100:102] = 0.9  # a speck, below min_size
    prob[40:48, 100:120] = 0.3  # above thresh 0.2 but below box_thresh 0.4
    found = db_boxes(prob, src_height=128, src_width=256, params=DetectParams())
    assert len(found) == 1
    quad, score = found[0]
    assert score > 0.85
    w, h = quad_size(quad)
    # contour of the 80x10 block spans 79x9 pixels; d = 79*9*1.4/176
    d = 79 * 9 * 1.4 / (2 * (79 + 9))
    assert w == pytest.approx((79 + 2 * d) * 2, abs=1.0)
    assert h == pytest.approx((9 + 2 * d) * 2, abs=1.0)
    assert quad[0, 0] < 20 and quad[0, 1] < 40  # top-left, scaled x2


def test_order_quad_gives_four_distinct_corners_at_45_degrees() -> None:
    diamond = np.array([[50, 0], [100, 50], [50, 100], [0, 50]], np.float32)
    ordered = order_quad(diamond[[2, 0, 3, 1]])
    assert len({tuple(p) for p in ordered.tolist()}) == 4


# ---------------------------------------------------------------- recognition input


def test_crop_quad_cuts_the_region_and_turns_tall_crops() -> None:
    frame = np.zeros((100, 200, 3), np.uint8)
    frame[10:30, 20:80] = 255
    crop = crop_quad(frame, order_quad([[20, 10], [80, 10], [80, 30], [20, 30]]))
    assert crop.shape == (20, 60, 3) and crop.mean() > 250
    tall = crop_quad(frame, order_quad([[20, 10], [40, 10], [40, 90], [20, 90]]))
    assert tall.shape == (20, 80, 3)  # 20 wide x 80 tall, turned to read across


def test_preprocess_rec_keeps_aspect_and_pads_with_zero() -> None:
    wide = np.full((24, 96, 3), 255, np.uint8)  # aspect 4 -> 192 wide at height 48
    short = np.zeros((48, 48, 3), np.uint8)
    batch = preprocess_rec([wide, short], min_width=64)
    assert batch.shape == (2, 3, REC_HEIGHT, 192)
    assert batch[0].min() == pytest.approx(1.0)  # white is +1 everywhere
    assert batch[1, :, :, :48].max() == pytest.approx(-1.0)  # black is -1
    assert not batch[1, :, :, 48:].any()  # padding is 0
    assert preprocess_rec([short], min_width=64).shape[3] == 64
    assert preprocess_rec([np.zeros((10, 13, 3), np.uint8)], min_width=8).shape[3] % 8 == 0


# ---------------------------------------------------------------- the real models


def _background(h: int, w: int, seed: int) -> Image:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(60, 140, size=(h // 16 + 1, w // 16 + 1, 3), dtype=np.uint8)
    return cv2.GaussianBlur(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), (0, 0), 3)


def _sign(img: Image, text: str, x: int, y: int, scale: float, fg: tuple[int, int, int],
          bg: tuple[int, int, int], thick: int = 6) -> None:  # fmt: skip
    font = cv2.FONT_HERSHEY_SIMPLEX
    (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    cv2.rectangle(img, (x - 20, y - th - 20), (x + tw + 20, y + base + 20), bg, -1)
    cv2.putText(img, text, (x, y), font, scale, fg, thick, cv2.LINE_AA)


@pytest.fixture(scope="module")
def reader() -> Iterator[TextReader]:
    with TextReader(threads=2) as r:
        yield r


def _texts(lines: list[TextLine]) -> list[str]:
    return [line.text for line in lines]


def test_reads_an_exit_sign_and_places_it(reader: TextReader) -> None:
    img = _background(480, 640, 1)
    _sign(img, "EXIT", 200, 280, 3.0, (255, 255, 255), (40, 140, 40), thick=8)
    lines = reader.read(img)
    assert _texts(lines) == ["EXIT"]
    x1, y1, x2, y2 = lines[0].box
    assert 0.25 < x1 < 0.33 and 0.6 < x2 < 0.75 and 0.4 < y1 < 0.5 < y2 < 0.65
    assert lines[0].score > 0.8
    assert set(reader.timings_ms) == {"text_detect", "text_recognise"}


def test_reads_two_lines_in_order(reader: TextReader) -> None:
    img = _background(480, 640, 2)
    cv2.rectangle(img, (60, 120), (600, 330), (120, 60, 20), -1)
    # drawn bottom line first, so the order read cannot be the drawing order
    cv2.putText(img, "TRAINS TO CITY", (90, 290), cv2.FONT_HERSHEY_SIMPLEX, 1.6,
                (255, 255, 255), 4, cv2.LINE_AA)  # fmt: skip
    cv2.putText(img, "PLATFORM 2", (90, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0,
                (255, 255, 255), 5, cv2.LINE_AA)  # fmt: skip
    assert _texts(reader.read(img)) == ["PLATFORM 2", "TRAINS TO CITY"]


def test_reads_rotated_text(reader: TextReader) -> None:
    img = np.full((480, 640, 3), 235, np.uint8)
    cv2.putText(img, "OPEN DAILY", (120, 260), cv2.FONT_HERSHEY_DUPLEX, 2.0, (20, 20, 20), 4,
                cv2.LINE_AA)  # fmt: skip
    turn = cv2.getRotationMatrix2D((320, 240), 8, 1.0)
    img = cv2.warpAffine(img, turn, (640, 480), borderValue=(235, 235, 235))
    assert _texts(reader.read(img)) == ["OPEN DAILY"]


def test_two_signs_side_by_side_stay_separate(reader: TextReader) -> None:
    img = _background(480, 960, 3)
    _sign(img, "TOILETS", 560, 250, 2.0, (255, 255, 255), (150, 60, 30))
    _sign(img, "STOP", 60, 260, 2.4, (255, 255, 255), (30, 30, 200))
    assert _texts(reader.read(img)) == ["STOP", "TOILETS"]


def test_reads_a_grey_frame_and_a_twelve_megapixel_frame(reader: TextReader) -> None:
    img = np.full((3000, 4000, 3), 200, np.uint8)
    _sign(img, "EXIT", 1200, 1700, 14.0, (255, 255, 255), (40, 140, 40), thick=36)
    assert _texts(reader.read(img)) == ["EXIT"]
    assert _texts(reader.read(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))) == ["EXIT"]


@pytest.mark.parametrize("shape", [(480, 640, 3), (1, 1, 3), (1, 1), (0, 0, 3)])
def test_black_tiny_and_empty_frames_have_no_text(
    reader: TextReader, shape: tuple[int, ...]
) -> None:
    assert reader.read(np.zeros(shape, np.uint8)) == []


def test_plain_texture_has_no_text(reader: TextReader) -> None:
    assert reader.read(_background(480, 640, 9)) == []


def test_non_uint8_frames_are_refused(reader: TextReader) -> None:
    with pytest.raises(ValueError, match="uint8"):
        reader.read(np.zeros((10, 10, 3), np.float32))


def test_a_closed_reader_says_so() -> None:
    reader = TextReader(threads=1)
    reader.close()
    with pytest.raises(RuntimeError, match="closed"):
        reader.read(np.zeros((8, 8, 3), np.uint8))


# ---------------------------------------------------------------- model integrity


def test_text_models_match_the_manifest_and_each_other() -> None:
    manifest = load_manifest()
    for name in (DET_MODEL, REC_MODEL, CHARSET):
        entry = manifest[name]
        path = MODELS_DIR / entry.file
        assert path.stat().st_size == entry.size
        assert sha256_of(path) == entry.sha256, f"{entry.file} differs from the manifest"
        assert entry.licence == "Apache-2.0"
    charset = load_charset(MODELS_DIR / manifest[CHARSET].file)
    assert len(charset) == 6906  # blank + 6904 + space: the recogniser's class count


def _copy_text_models(root: Path, charset: bytes | None = None, *, rehash: bool) -> None:
    """The three text files and a manifest for them under ``root``.

    ``charset`` replaces the dictionary's bytes; ``rehash`` records the
    replacement's checksum (a consistent but wrong dictionary) or keeps the
    real one (a corrupt copy).
    """
    tables = []
    for name, entry in load_manifest().items():
        if name not in (DET_MODEL, REC_MODEL, CHARSET):
            continue
        data = (MODELS_DIR / entry.file).read_bytes()
        digest, size = entry.sha256, entry.size
        if name == CHARSET and charset is not None:
            data = charset
            if rehash:
                digest, size = hashlib.sha256(data).hexdigest(), len(data)
        (root / entry.file).write_bytes(data)
        tables.append(
            f'[models."{name}"]\ntask = "{entry.task}"\nfile = "{entry.file}"\n'
            f'sha256 = "{digest}"\nsize = {size}\n'
            'source = "t"\nlicence = "t"\ninput = "t"\noutput = "t"\nwhy = "t"\n'
        )
    (root / "manifest.toml").write_text("\n".join(tables))


def _charset_bytes() -> bytes:
    return (MODELS_DIR / load_manifest()[CHARSET].file).read_bytes()


def test_a_dictionary_of_another_model_is_refused_at_load(tmp_path: Path) -> None:
    real = _charset_bytes()
    one_short = real[: real.rindex(b"\r\n", 0, len(real) - 2) + 2]
    _copy_text_models(tmp_path, one_short, rehash=True)
    with pytest.raises(ModelError, match="do not belong together"):
        TextReader(threads=1, root=tmp_path)


def test_a_corrupt_dictionary_is_refused_by_checksum(tmp_path: Path) -> None:
    flipped = bytearray(_charset_bytes())
    flipped[0] ^= 1
    _copy_text_models(tmp_path, bytes(flipped), rehash=False)
    with pytest.raises(ModelError, match="does not match its manifest checksum"):
        TextReader(threads=1, root=tmp_path)


@pytest.mark.parametrize(
    ("text", "score", "quoted"),
    [
        ("EXIT", 0.99, True),
        ("출구", 0.9, True),
        ("Platform 3", 0.8, True),
        ("24", 0.97, True),  # a bus's number
        ("24", 0.9, False),  # not sure enough for a number alone
        ("0", 0.94, False),  # what walls, coins and pins were read as
        ("8", 0.99, False),
        ("000", 0.99, False),  # one digit repeated: a grille
        ("C000", 0.96, False),
        ("●", 0.66, False),
        ("X", 0.9, False),
    ],
)
def test_only_lines_that_read_as_words_are_quoted(text: str, score: float, quoted: bool) -> None:
    assert reads_as_words(text, score) is quoted
