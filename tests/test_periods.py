"""The period parser, rule by rule."""

from __future__ import annotations

from datetime import date

import pytest

from econkg.periods import Period, parse_period


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
    ("2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
    ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
    ("2025-H1", date(2025, 1, 1), date(2025, 6, 30)),
    ("2025-H2", date(2025, 7, 1), date(2025, 12, 31)),
    ("2025-01", date(2025, 1, 1), date(2025, 1, 31)),
    ("2025-02", date(2025, 2, 1), date(2025, 2, 28)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
    ("2026-01-29", date(2026, 1, 29), date(2026, 1, 29)),
    ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
    ("2025-01/2025-11", date(2025, 1, 1), date(2025, 11, 30)),
    ("2021/2025", date(2021, 1, 1), date(2025, 12, 31)),
    ("2025-Q1/2025-H2", date(2025, 1, 1), date(2025, 12, 31)),
    ("2025/2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("2025-03-01/2025-03-01", date(2025, 3, 1), date(2025, 3, 1)),
    ("../2023", None, date(2023, 12, 31)),
    ("../2023-Q2", None, date(2023, 6, 30)),
    ("2018/..", date(2018, 1, 1), None),
    ("2018-07/..", date(2018, 7, 1), None),
    ("  2025  ", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_bounds(text, start, end):
    p = parse_period(text)
    assert p == Period(text.strip(), start, end)


@pytest.mark.parametrize(("text", "message"), [
    ("25", "not an ISO period"),
    ("20250", "not an ISO period"),
    ("2025-Q5", "not an ISO period"),
    ("2025-Q0", "not an ISO period"),
    ("2025-H3", "not an ISO period"),
    ("2025-1", "not an ISO period"),
    ("2025-13", "month 13 does not exist"),
    ("2025-00", "month 0 does not exist"),
    ("2025-02-30", "2025-02-30"),
    ("2025-02-29", "day is out of range"),
    ("2025-01-1", "not an ISO period"),
    ("2025-W01", "not an ISO period"),
    ("2025/2024", "ends before it starts"),
    ("2025-06/2025-05", "ends before it starts"),
    ("../..", "needs at least one end"),
    ("", "not an ISO period"),
    ("2025/", "not an ISO period"),
    ("/2025", "not an ISO period"),
    ("x2025", "not an ISO period"),
    ("2025x", "not an ISO period"),
])
def test_errors_name_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message) as info:
        parse_period(text)
    assert repr(text.strip()) in str(info.value) or text.strip() in str(info.value)


def test_the_error_suggests_the_forms():
    with pytest.raises(ValueError, match=r"use 2025, 2025-03, 2025-03-01, 2024-Q1, 2025-H2"):
        parse_period("Q1 2025")


def test_a_one_day_interval_is_allowed_but_not_a_reversed_one():
    assert parse_period("2025-03-02/2025-03-02").start == date(2025, 3, 2)
    with pytest.raises(ValueError):
        parse_period("2025-03-02/2025-03-01")
