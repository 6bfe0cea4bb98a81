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


@pytest.mark.parametrize(
    ("hh", "mm", "english", "korean"),
    [
        (0, 0, "It's midnight.", "지금은 자정이에요."),
        (12, 0, "It's noon.", "지금은 정오예요."),
        (11, 59, "It's 11:59 in the morning.", "지금은 오전 열한 시 59분이에요."),
        (12, 1, "It's 1 minute past noon.", "지금은 오후 열두 시 1분이에요."),
        (12, 59, "It's 12:59 in the afternoon.", "지금은 오후 열두 시 59분이에요."),
        (23, 59, "It's 11:59 at night.", "지금은 밤 열한 시 59분이에요."),
    ],
)
def test_around_midnight_and_noon(hh: int, mm: int, english: str, korean: str) -> None:
    assert say_time(time(hh, mm), "en") == english
    assert say_time(time(hh, mm), "ko") == korean


@pytest.mark.parametrize("mm", range(1, 10))
def test_the_first_minutes_after_midnight(mm: int) -> None:
    minutes = "1 minute" if mm == 1 else f"{mm} minutes"
    assert say_time(time(0, mm), "en") == f"It's {minutes} past midnight."
    assert say_time(time(0, mm), "ko") == f"지금은 밤 열두 시 {mm}분이에요."


#: Every hour on the hour: English, then the Korean period and hour.
ON_THE_HOUR = (
    ("It's midnight.", "지금은 자정이에요."),
    ("It's 1 o'clock at night.", "지금은 새벽 한 시예요."),
    ("It's 2 o'clock at night.", "지금은 새벽 두 시예요."),
    ("It's 3 o'clock at night.", "지금은 새벽 세 시예요."),
    ("It's 4 o'clock at night.", "지금은 새벽 네 시예요."),
    ("It's 5 o'clock in the morning.", "지금은 새벽 다섯 시예요."),
    ("It's 6 o'clock in the morning.", "지금은 오전 여섯 시예요."),
    ("It's 7 o'clock in the morning.", "지금은 오전 일곱 시예요."),
    ("It's 8 o'clock in the morning.", "지금은 오전 여덟 시예요."),
    ("It's 9 o'clock in the morning.", "지금은 오전 아홉 시예요."),
    ("It's 10 o'clock in the morning.", "지금은 오전 열 시예요."),
    ("It's 11 o'clock in the morning.", "지금은 오전 열한 시예요."),
    ("It's noon.", "지금은 정오예요."),
    ("It's 1 o'clock in the afternoon.", "지금은 오후 한 시예요."),
    ("It's 2 o'clock in the afternoon.", "지금은 오후 두 시예요."),
    ("It's 3 o'clock in the afternoon.", "지금은 오후 세 시예요."),
    ("It's 4 o'clock in the afternoon.", "지금은 오후 네 시예요."),
    ("It's 5 o'clock in the afternoon.", "지금은 오후 다섯 시예요."),
    ("It's 6 o'clock in the evening.", "지금은 저녁 여섯 시예요."),
    ("It's 7 o'clock in the evening.", "지금은 저녁 일곱 시예요."),
    ("It's 8 o'clock in the evening.", "지금은 저녁 여덟 시예요."),
    ("It's 9 o'clock at night.", "지금은 밤 아홉 시예요."),
    ("It's 10 o'clock at night.", "지금은 밤 열 시예요."),
    ("It's 11 o'clock at night.", "지금은 밤 열한 시예요."),
)


@pytest.mark.parametrize("hh", range(24))
def test_every_hour_on_the_hour(hh: int) -> None:
    english, korean = ON_THE_HOUR[hh]
    assert say_time(time(hh, 0), "en") == english
    assert say_time(time(hh, 0), "ko") == korean
    if hh not in (0, 12):
        # The hour is written out (a voice reads "10시" as "sip si") and no
        # minutes are said.
        assert korean.endswith(" 시예요.") and "분" not in korean
        assert not any(ch.isdigit() for ch in korean)


@pytest.mark.parametrize("hh", range(24))
def test_an_hour_and_a_half_keeps_the_period_of_its_hour(hh: int) -> None:
    english, korean = ON_THE_HOUR[hh]
    if hh in (0, 12):
        assert (
            say_time(time(hh, 30), "en")
            == f"It's 12:30 {'at night' if hh == 0 else 'in the afternoon'}."
        )
        return
    period_en = english.split("o'clock ")[1].rstrip(".")
    assert say_time(time(hh, 30), "en") == f"It's {hh % 12}:30 {period_en}."
    assert say_time(time(hh, 30), "ko") == korean.replace(" 시예요.", " 시 30분이에요.")
