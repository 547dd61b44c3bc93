"""Time: the periods the graph holds (the page's period control), each fact's span as the
page reads it, and series of figures for a pair of places or a flow (the small charts).

A series holds one measure in one unit over periods of one length (years, quarters…) between
the same two ends, in the same flow, for the same commodity and of one kind of claim, so a
chart never puts unlike figures on one axis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from .model import Fact, Model

MAX_YEARS_SPANNED = 3  # a fact over a longer period does not add its years to the control


def span(f: Fact) -> list[str | None]:
    """[start, end] as ISO dates (None for an open or missing end), as the page compares."""
    return [f.start.isoformat() if f.start else None, f.end.isoformat() if f.end else None]


def periods(facts: Iterable[Fact]) -> list[str]:
    """The calendar years that dated facts fall in, for the period control."""
    years: set[int] = set()
    for f in facts:
        if f.start and f.end and f.end.year - f.start.year < MAX_YEARS_SPANNED:
            years.update(range(f.start.year, f.end.year + 1))
        elif f.start and not f.end:
            years.add(f.start.year)
        elif f.end and not f.start:
            years.add(f.end.year)
    return [str(y) for y in sorted(years)]


SPAN_WORDS = {"en": {"year": "by year", "half": "by half-year", "quarter": "by quarter",
                     "month": "by month", "day": "by day"},
              "zh": {"year": "按年", "half": "按半年", "quarter": "按季度", "month": "按月",
                     "day": "按日"}}


def span_kind(start: date, end: date) -> str:
    """How long a figure's period is: a quarter's total and a year's total are unlike
    figures, so they never share a chart."""
    days = (end - start).days + 1
    for kind, lo, hi in (("day", 1, 1), ("month", 28, 31), ("quarter", 89, 92),
                         ("half", 181, 184), ("year", 365, 366)):
        if lo <= days <= hi:
            return kind
    return f"{days} days"


def _seconds(d: date) -> float:
    return datetime.combine(d, time(), tzinfo=UTC).timestamp()


def series(model: Model, facts: Iterable[Fact], lang: str, fact_item) -> list[dict]:
    """Charts of the figures among `facts`: one per (measure, unit, from, to, flow,
    commodity) with at least two dated points; every point keeps its citations."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if not f.figure or not f.start or not f.end or f.object is None:
            continue
        flow = next((v for k, v in f.parts if k == "flow"), "")
        modality = next((v for k, v in f.parts if k == "modality"), "fact")
        groups[(f.figure[0], f.figure[2], f.subject, f.object, flow, f.commodity,
                modality, span_kind(f.start, f.end))].append(f)
    out = []
    for (measure, unit, a, b, flow, commodity, modality, kind), fs in sorted(groups.items()):
        if len({(f.start, f.end) for f in fs}) < 2:
            continue
        fs.sort(key=lambda f: (f.start, f.end, f.figure[1]))
        arrow = " — " if flow in ("TotalTrade", "") else " → "
        title = f"{model.term(measure, lang)} ({model.term(unit, lang)}): " \
                f"{model.name(a, lang)}{arrow}{model.name(b, lang)}"
        if flow:
            title += f" · {model.term(flow, lang)}"
        if commodity:
            title += f" · {model.name(commodity, lang)}"
        if modality != "fact":
            title += f" · {model.term(modality, lang)}"
        title += f" · {SPAN_WORDS[lang].get(kind, kind)}"
        points = []
        for f in fs:
            mid = _seconds(f.start) + (_seconds(f.end) - _seconds(f.start)) / 2
            item = fact_item(f)
            points.append({"x": round(mid), "y": float(f.figure[1]), "p": f.period,
                           "t": item["t"], "c": item["c"]})
        out.append({"title": title, "measure": measure, "unit": unit, "span": kind,
                    "points": points})
    return out
