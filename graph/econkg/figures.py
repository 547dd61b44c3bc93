"""Read figures as Chinese sources print them, so a seed value can be checked against its quote.

A curator writes the value in base units (27.3亿美元 → 2730000000) and quotes the figure as
printed. This module reads the quote independently and says which numbers it can stand for,
so a slip such as 2.37e9 for 27.3亿 is caught at build time instead of misleading a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
SCALES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4,
          "千": Decimal(1000), "百": Decimal(100)}

# Markers that hedge a figure, mapped to the ontology's approximation concepts.
APPROX_MARKERS: list[tuple[str, str]] = [
    ("左右", "about"), ("上下", "about"), ("大约", "about"), ("约", "about"),
    ("将近", "nearly"), ("接近", "nearly"), ("近", "nearly"),
    ("不足", "less-than"), ("不到", "less-than"), ("以下", "less-than"),
    ("至少", "more-than"), ("两位数", "more-than"),
    ("超过", "more-than"), ("以上", "more-than"), ("突破", "more-than"), ("逾", "more-than"),
    ("超", "more-than"), ("余", "more-than"), ("多", "more-than"),
]
APPROXIMATIONS = ("about", "nearly", "more-than", "less-than")

_ARABIC = r"\d{1,3}(?:[ ,\u00a0\u2009]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = "[零〇一二两三四五六七八九十百千]+"
_NUMBER = re.compile(rf"(?P<num>{_ARABIC}|{_CHINESE})\s*(?P<scale>万亿|亿|万)?")
_BARE_SCALE = re.compile(r"(?<![\d零〇一二两三四五六七八九十百千万.])(?P<scale>万亿|亿|万)")
_HALF = re.compile(rf"(?P<num>{_ARABIC}|{_CHINESE})个?[年月天倍]半")
_FRACTION = re.compile(rf"(?P<den>{_ARABIC}|{_CHINESE})分之(?P<num>{_ARABIC}|{_CHINESE})")


@dataclass(frozen=True)
class Reading:
    """The numbers a quote can stand for, and what kind of figure it looks like."""

    numbers: tuple[Decimal, ...]
    percent_like: tuple[Decimal, ...]  # 一半 → 50, 3成 → 30, 四分之一 → 25
    approximation: str | None

    def matches(self, value: Decimal) -> bool:
        """True when value (or its magnitude, for falls printed as 下降 81%) is one of them."""
        target = abs(value)
        return any(_close(target, n) for n in (*self.numbers, *self.percent_like))


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= Decimal("1e-9") * max(Decimal(1), abs(b))


def chinese_to_int(text: str) -> int:
    """Read a Chinese numeral below 万: 九 → 9, 十四 → 14, 七千 → 7000, 百 → 100."""
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        elif ch in SMALL_UNITS:
            total += (current or 1) * SMALL_UNITS[ch]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def to_decimal(token: str) -> Decimal:
    """Read an Arabic (with spaces or commas between thousands) or Chinese number."""
    cleaned = re.sub(r"[ ,\u00a0\u2009]", "", token)
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return Decimal(cleaned)
    if all(ch in DIGITS for ch in cleaned) and len(cleaned) > 1:
        return Decimal("".join(str(DIGITS[ch]) for ch in cleaned))  # 二〇二五 style
    return Decimal(chinese_to_int(cleaned))


def read_quote(quote: str) -> Reading:
    """List every number the quote can mean, scaled by 万/亿/万亿, plus fractions in words."""
    numbers: list[Decimal] = []
    percent_like: list[Decimal] = []
    for m in _FRACTION.finditer(quote):
        percent_like.append(to_decimal(m["num"]) / to_decimal(m["den"]) * 100)
    if "一半" in quote or "半数" in quote:
        percent_like.append(Decimal(50))
    if "两位数" in quote:  # "double-digit growth": at least 10
        numbers.append(Decimal(10))
    if any(word in quote for word in ("首位", "最大", "最高", "第一大")):
        numbers.append(Decimal(1))  # a rank printed in words: first
    for m in _HALF.finditer(quote):  # 一年半, 两个半月: n and a half
        numbers.append(to_decimal(m["num"]) + Decimal("0.5"))
    for m in _NUMBER.finditer(quote):
        try:
            n = to_decimal(m["num"])
        except (ValueError, InvalidOperation):
            continue
        scale = m["scale"]
        if scale:
            n *= SCALES[scale]
        numbers.append(n)
        rest = quote[m.end():]
        if rest.startswith("成"):
            percent_like.append(n * 10)
    for m in _BARE_SCALE.finditer(quote):  # 万吨 as in 突破万吨: one 万
        numbers.append(SCALES[m["scale"]])
    return Reading(tuple(numbers), tuple(percent_like), detect_approximation(quote))


def detect_approximation(quote: str) -> str | None:
    """The approximation a quote prints, if any (约23亿 → about; 500余种 → more-than)."""
    for marker, kind in APPROX_MARKERS:
        if marker in quote:
            return kind
    return None


def parse_decimal(text: str) -> Decimal:
    """Parse a seed's value cell; raises ValueError with a readable message."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number (write base units, e.g. 2730000000)") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return value


def decimal_literal(value: Decimal) -> str:
    """The canonical xsd:decimal form (no exponent, one digit after the point at least:
    2730000000.0), which is also what Turtle's short decimal syntax reads back."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text or "0") + ".0" if "." not in (text or "0") else text
