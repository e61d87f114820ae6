"""The planning calendar: days of the horizon, month ends and semesters.

Day 0 is the scenario's ``start``; the model steps one day at a time up to and including ``end``.
Semesters are the agency's planning periods, January–June (S1) and July–December (S2).
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property


@dataclass(frozen=True)
class Semester:
    """A semester's part of the horizon: its label and first and last day indices."""

    label: str
    first_day: int
    last_day: int


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, clipped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Horizon:
    """The days from ``start`` to ``end`` inclusive; ``marks`` are extra days to record."""

    start: date
    end: date
    marks: tuple[date, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def day_of(self, when: date) -> int:
        """Index of a date (may fall outside the horizon)."""
        return (when - self.start).days

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    @cached_property
    def record_days(self) -> tuple[int, ...]:
        """Days whose end is recorded: every month's last day, and the horizon's last day."""
        last = self.days - 1
        days = {self.day_of(m) for m in self.marks} | {last}
        year, month = self.start.year, self.start.month
        while (end := self.day_of(date(year, month, _cal.monthrange(year, month)[1]))) < last:
            days.add(end)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(sorted(d for d in days if 0 <= d <= last))

    @cached_property
    def record_dates(self) -> tuple[date, ...]:
        return tuple(self.date_of(d) for d in self.record_days)

    @cached_property
    def semesters(self) -> tuple[Semester, ...]:
        out: list[Semester] = []
        d = 0
        while d < self.days:
            when = self.date_of(d)
            half = 1 if when.month <= 6 else 2
            boundary = date(when.year, 6, 30) if half == 1 else date(when.year, 12, 31)
            last = min(self.day_of(boundary), self.days - 1)
            out.append(Semester(f"{when.year}-S{half}", d, last))
            d = last + 1
        return tuple(out)


def days_in_month(when: date) -> int:
    """Number of days in the month of ``when``."""
    return _cal.monthrange(when.year, when.month)[1]
