"""ISO periods as the seeds write them: 2025, 2025-01/2025-11, 2024-Q1, 2025-H2, 2026-01-29,
and open intervals as ISO 8601-2 writes them: `../2023` (up to the end of 2023: "before
2024") and `2018/..` (from 2018 on: "after 2017").

Each period gets a first and a last day so SPARQL can compare and filter periods of
different grain (a month against a year) without parsing strings; an open end has none.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_POINT = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<q>Q[1-4])|(?P<h>H[12])|(?P<m>\d{2})(?:-(?P<d>\d{2}))?))?"
)


@dataclass(frozen=True)
class Period:
    text: str
    start: date | None
    end: date | None


def _bounds(token: str) -> tuple[date, date]:
    m = _POINT.fullmatch(token)
    if not m:
        raise ValueError(
            f"{token!r} is not an ISO period (use 2025, 2025-03, 2025-03-01, 2024-Q1, 2025-H2)"
        )
    y = int(m["y"])
    if m["q"]:
        q = int(m["q"][1])
        first, last = 3 * q - 2, 3 * q
    elif m["h"]:
        first, last = (1, 6) if m["h"] == "H1" else (7, 12)
    elif m["m"]:
        first = last = int(m["m"])
        if not 1 <= first <= 12:
            raise ValueError(f"{token!r}: month {first} does not exist")
        if m["d"]:
            try:
                day = date(y, first, int(m["d"]))
            except ValueError as exc:
                raise ValueError(f"{token!r}: {exc}") from None
            return day, day
    else:
        first, last = 1, 12
    return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])


def parse_period(text: str) -> Period:
    """Parse one period or an interval A/B; raises ValueError naming what is wrong."""
    text = text.strip()
    if "/" in text:
        a, _, b = text.partition("/")
        if a == b == "..":
            raise ValueError(f"{text!r}: an interval needs at least one end")
        try:
            start = None if a == ".." else _bounds(a)[0]
            end = None if b == ".." else _bounds(b)[1]
        except ValueError as exc:
            raise ValueError(f"{text!r}: {exc}") from None
        if start and end and end < start:
            raise ValueError(f"{text!r}: the interval ends before it starts")
        return Period(text, start, end)
    start, end = _bounds(text)
    return Period(text, start, end)
