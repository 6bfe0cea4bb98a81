"""Saying the time: the awkward minutes and both languages."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from device.skills.clock import say_time


@pytest.mark.parametrize(
    ("hh", "mm", "english", "korean"),
    [
        (0, 0, "It's midnight.", "지금은 자정이에요."),
        (12, 0, "It's noon.", "지금은 정오예요."),
        (0, 1, "It's 1 minute past midnight.", "지금은 밤 열두 시 1분이에요."),
        (12, 1, "It's 1 minute past noon.", "지금은 오후 열두 시 1분이에요."),
        (0, 30, "It's 12:30 at night.", "지금은 밤 열두 시 30분이에요."),
        (3, 5, "It's 5 minutes past 3 at night.", "지금은 새벽 세 시 5분이에요."),
        (7, 0, "It's 7 o'clock in the morning.", "지금은 오전 일곱 시예요."),
        (10, 40, "It's 10:40 in the morning.", "지금은 오전 열 시 40분이에요."),
        (13, 1, "It's 1 minute past 1 in the afternoon.", "지금은 오후 한 시 1분이에요."),
        (15, 0, "It's 3 o'clock in the afternoon.", "지금은 오후 세 시예요."),
        (18, 15, "It's 6:15 in the evening.", "지금은 저녁 여섯 시 15분이에요."),
        (21, 9, "It's 9 minutes past 9 at night.", "지금은 밤 아홉 시 9분이에요."),
        (23, 59, "It's 11:59 at night.", "지금은 밤 열한 시 59분이에요."),
    ],
)
def test_say_time(hh: int, mm: int, english: str, korean: str) -> None:
    moment = datetime(2024, 1, 2, hh, mm, 42)
    assert say_time(moment, "en") == english
    assert say_time(moment, "ko") == korean
    # Seconds never change what is said, and a bare time works as well.
    assert say_time(time(hh, mm), "en") == english


def test_no_minute_is_said_as_zero_something() -> None:
    """Speech engines read "9:05" as "nine zero five"; no minute may come out so."""
    for hh in range(24):
        for mm in range(60):
            text = say_time(time(hh, mm), "en")
            assert ":0" not in text, text
