"""Resolve the period phrases of a line against the document's date.

今年一季度 in a text dated 2019-04-12 is 2019-Q1; 去年 is 2018; 前三季度 2019-01/2019-09;
上半年 2019-H1; 1至3月 2019-01/2019-03; 3月 2019-03; 同期/同比 make the base period the same
span a year earlier. Each mention keeps its span so a figure takes the nearest one before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..figures import to_decimal

_NUM = r"\d{1,2}|十[一二]?|[一二三四五六七八九]"
_SUB = (rf"(?:(?P<q>第?[一二三四1-4])季度|(?P<h>[上下])半年|前(?P<qq>[一二三1-3])季度|"
        rf"前(?P<nm>{_NUM})个月|"
        rf"(?P<m1>{_NUM})(?:月份?)?\s?(?:至|到|-|—|~)\s?(?P<m2>{_NUM})月份?|"
        rf"(?P<m>{_NUM})月份?(?!\s?\d{{1,2}}日)|(?P<full>全年|年度|年底|年末))")
_YEAR = r"(?P<y>(?:19|20)\d\d)\s?年(?:度)?"
_REL = r"(?P<rel>今年|本年|当年|去年|上年|上一年|前年|明年|次年)"
_PERIOD = re.compile(rf"(?:{_YEAR}|{_REL})?\s?(?:{_SUB})?")
_SPAN = re.compile(r"(?P<a>(?:19|20)\d\d)\s?(?:年)?\s?(?:至|到|-|—|~)\s?(?P<b>(?:19|20)\d\d)\s?年")
_SINCE = re.compile(r"(?P<a>(?:19|20)\d\d)\s?年以来")
_DAY = r"(?:(?P<{y}>(?:19|20)\d\d)\s?年\s?)?(?P<{m}>\d{{1,2}})\s?月\s?(?P<{d}>\d{{1,2}})\s?[日号]"
_DAYS = re.compile(_DAY.format(y="y1", m="m1", d="d1") + r"(?:\s?(?:至|到|—|-|~|－)\s?"
                   + _DAY.format(y="y2", m="m2", d="d2") + ")?")
_LAST_YEARS = re.compile(rf"(?:过去|近|最近|这)?(?P<n>{_NUM}|\d{{1,2}})\s?年(?:来|以来|间)")
_BASE_EXPLICIT = re.compile(r"(?:较|比|相比|对比|与)\s?(?P<y>(?:19|20)\d\d)\s?年|"
                            r"(?P<rel>较上年|比上年|较去年|比去年)")
_SAME_PERIOD = re.compile(r"同比|同期|year on year|year-on-year")
# Five-year plans: 十四五 is 2021–2025.
_PLANS = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026,
          "十六五": 2031}
_PLAN = re.compile(r"[“\"]?(?P<n>十[一二三四五六]五)[”\"]?(?:时期|期间|规划)?")
_REL_SHIFT = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2,
              "明年": 1, "次年": 1}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    period: str
    explicit_year: bool  # the line printed the year (or a relative word), not only a month


def _day(year: int, month: str, day: str) -> str | None:
    from datetime import date

    try:
        return date(year, int(month), int(day)).isoformat()
    except ValueError:
        return None


def _month(text: str) -> int:
    return int(to_decimal(text))


def _compose(year: int, m: re.Match[str]) -> str | None:
    if m["q"]:
        q = int(to_decimal(m["q"].lstrip("第")))
        return f"{year}-Q{q}" if 1 <= q <= 4 else None
    if m["h"]:
        return f"{year}-H{1 if m['h'] == '上' else 2}"
    if m["qq"]:
        last = 3 * int(to_decimal(m["qq"]))
        return f"{year}-01/{year}-{last:02d}"
    if m["nm"]:
        last = _month(m["nm"])
        return f"{year}-01/{year}-{last:02d}" if 1 <= last <= 12 else None
    if m["m1"]:
        a, b = _month(m["m1"]), _month(m["m2"])
        if 1 <= a < b <= 12:
            return f"{year}-{a:02d}/{year}-{b:02d}"
        return None
    if m["m"]:
        a = _month(m["m"])
        return f"{year}-{a:02d}" if 1 <= a <= 12 else None
    return str(year)


def _ends_after(period: str, doc_date: str) -> bool:
    """Whether a period's last month is after the document's date (so not yet reported)."""
    last = period.split("/")[-1]
    m = re.fullmatch(r"(\d{4})(?:-(?:Q(\d)|H(\d)|(\d\d)))?", last)
    if not m or len(doc_date) < 7:
        return False
    month = (int(m[2]) * 3 if m[2] else int(m[3]) * 6 if m[3] else int(m[4]) if m[4] else 12)
    return (int(m[1]), month) > (int(doc_date[:4]), int(doc_date[5:7]))


def find_periods(text: str, doc_year: int, context_year: int | None = None,
                 doc_date: str = "") -> list[Mention]:
    """Every period phrase on a (normalised, simplified) line, left to right. A month or
    quarter printed without a year takes the year in force; if that span has not ended by
    the document's date it is last year's (12月份 in a February release)."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for m in _SPAN.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if a < b:
            out.append(Mention(m.start(), m.end(), f"{a}/{b}", True))
            taken.append((m.start(), m.end()))
    for m in _SINCE.finditer(text):
        out.append(Mention(m.start(), m.end(), f"{m['a']}/..", True))
        taken.append((m.start(), m.end()))
    for m in _DAYS.finditer(text):
        y1 = int(m["y1"]) if m["y1"] else (context_year or doc_year)
        first = _day(y1, m["m1"], m["d1"])
        last = _day(int(m["y2"]) if m["y2"] else y1, m["m2"], m["d2"]) if m["m2"] else None
        if first and (m["m2"] is None or last):
            out.append(Mention(m.start(), m.end(), f"{first}/{last}" if last else first,
                               bool(m["y1"])))
            taken.append((m.start(), m.end()))
    for m in _LAST_YEARS.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        n, y = int(to_decimal(m["n"])), context_year or doc_year
        if 1 < n <= 50:
            out.append(Mention(m.start(), m.end(), f"{y - n + 1}/{y}", False))
            taken.append((m.start(), m.end()))
    for m in _PLAN.finditer(text):
        first = _PLANS[m["n"]]
        out.append(Mention(m.start(), m.end(), f"{first}/{first + 4}", True))
        taken.append((m.start(), m.end()))
    year_now = context_year or doc_year
    for m in _PERIOD.finditer(text):
        if m.end() == m.start() or any(s <= m.start() < e or s < m.end() <= e
                                       for s, e in taken):
            continue
        if m["y"] is None and m["rel"] is None:
            if m["full"] in ("年度", None) and not (m["q"] or m["h"] or m["qq"] or m["m1"]
                                                    or m["m"] or m["nm"]):
                continue
            if m["full"] == "年度":
                continue
            # a month or quarter alone: the year in force on the line, else the document's
            if m["m"] and text[m.start() - 1:m.start()] in ("个", "连", "续") :
                continue
            period = _compose(year_now, m)
            if period and doc_date and _ends_after(period, doc_date):
                period = _compose(year_now - 1, m)
            explicit = False
        else:
            year = int(m["y"]) if m["y"] else doc_year + _REL_SHIFT[m["rel"]]
            year_now = year
            period = _compose(year, m)
            explicit = True
        if period:
            out.append(Mention(m.start(), m.end(), period, explicit))
    out.sort(key=lambda p: p.start)
    return out


def shift_year(period: str, years: int) -> str:
    """The same span `years` later (negative: earlier): 2025-Q1 → 2024-Q1."""
    return re.sub(r"(?:19|20)\d\d", lambda m: str(int(m[0]) + years), period)


def base_period(clause: str, period: str | None) -> str | None:
    """What a change compares against: 较2024年 → 2024, 同比/同期 → a year earlier."""
    found = list(_BASE_EXPLICIT.finditer(clause))
    m = found[-1] if found else None
    if m is not None:
        if m["y"]:
            return m["y"]
        return shift_year(period, -1) if period else None
    if period and _SAME_PERIOD.search(clause):
        return shift_year(period, -1)
    return None


def year_of(period: str | None) -> int | None:
    if not period:
        return None
    m = re.search(r"(?:19|20)\d\d", period)
    return int(m[0]) if m else None


def streak(period: str | None, n: int, unit: str) -> str | None:
    """连续9年 ending in 2025 → 2017/2025; 连续3个季度 ending 2025-Q4 → 2025-Q2/2025-Q4."""
    if not period or "/" in period or n < 2:
        return period
    m = re.fullmatch(r"(\d{4})(?:-Q(\d))?", period)
    if not m:
        return period
    y = int(m[1])
    if unit == "Year" and not m[2]:
        return f"{y - n + 1}/{y}"
    if unit == "Number" and m[2]:
        q = y * 4 + int(m[2]) - 1 - (n - 1)
        return f"{q // 4}-Q{q % 4 + 1}/{period}"
    return period
