"""The planning calendar: which days are recorded, against their definition day by day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.scenario.calendar import Horizon, days_in_month

pytestmark = pytest.mark.property


def _recorded_day_by_day(h: Horizon) -> tuple[int, ...]:
    """Every month's last day, the horizon's last day and the marks inside it, found one day at a time."""
    marked = {h.day_of(m) for m in h.marks}
    out = []
    for d in range(h.days):
        when = h.date_of(d)
        if when.day == days_in_month(when) or d == h.days - 1 or d in marked:
            out.append(d)
    return tuple(out)


@given(
    start=st.dates(date(1999, 1, 1), date(2040, 12, 31)),
    length=st.integers(0, 1200),
    offsets=st.lists(st.integers(-60, 1300), max_size=4),
)
def test_record_days_are_month_ends_the_last_day_and_marks_inside(start: date, length: int, offsets: list[int]) -> None:
    h = Horizon(start, start + timedelta(days=length), tuple(start + timedelta(days=o) for o in offsets))
    assert h.record_days == _recorded_day_by_day(h)


def test_record_days_of_a_semester() -> None:
    h = Horizon(date(2025, 7, 1), date(2025, 12, 31), (date(2025, 10, 15),))
    assert [h.date_of(d) for d in h.record_days] == [
        date(2025, 7, 31),
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 15),
        date(2025, 10, 31),
        date(2025, 11, 30),
        date(2025, 12, 31),
    ]
