"""The build's check of a seed value against its quote, on the same reader as the extractor.

A curator writes the value in base units (27.3亿美元 → 2730000000) and quotes the figure as
printed. `read_quote` lists every number the quote can stand for, each with the sign the
quote gives it, and `Reading.matches` accepts a value only if it equals one of them in
magnitude *and* sign: 81 for 进口下降81% fails, −25 for 增长25% fails, and −2 730 000 000
for 27.3亿美元 fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .approx import detect_approximation
from .numerals import ARABIC, CHINESE, normalise, to_decimal
from .scan import direction, find_figures

TOLERANCE = Decimal("1e-9")  # relative; the value is written, not measured
# What the figure reader leaves: a numeral with no unit (五是…), a year. A scaled or signed
# Arabic number is always a figure, so the bare pass reads neither scale nor minus.
_BARE = re.compile(rf"(?<![A-Za-z\d.])(?:{ARABIC}|{CHINESE})")
_RANK_WORDS = ("首位", "最大", "最高", "第一大")


@dataclass(frozen=True)
class Candidate:
    """A number the quote can stand for. `value` is signed by the sign rule already."""

    value: Decimal
    sign: int      # -1 printed as a fall, +1 as a rise, 0 neither
    percent: bool  # read from words (一半, 3成, 四分之一) as a percentage


@dataclass(frozen=True)
class Reading:
    """The numbers a quote can stand for, and how firmly it prints them."""

    candidates: tuple[Candidate, ...]
    approximation: str | None

    @property
    def numbers(self) -> tuple[Decimal, ...]:
        return tuple(c.value for c in self.candidates if not c.percent)

    @property
    def percent_like(self) -> tuple[Decimal, ...]:
        return tuple(c.value for c in self.candidates if c.percent)

    def matches(self, value: Decimal, change: bool = False) -> bool:
        """True when value is one of the quote's numbers, sign included.

        `change`: the row measures a change (growth, contribution …) whose direction may be
        printed outside the quote's 15 characters; an unmarked quote then allows either sign
        and `econkg verify-citations` checks the sign against the whole line.
        """
        for c in self.candidates:
            if close(value, c.value):
                return True
            if change and c.sign == 0 and close(value, -c.value):
                return True
        return False


def close(a: Decimal, b: Decimal) -> bool:
    """Equal within a relative 1e-9 (so 16.6666666667 is 六分之一, and 10 % off is not)."""
    return abs(a - b) <= TOLERANCE * max(Decimal(1), abs(b))


def read_quote(quote: str) -> Reading:
    """List every number the quote can mean, with its sign, scaled by 万/亿/万亿.

    A number inside a figure the reader found counts only as that figure reads it (1至2万吨
    is 10000 to 20000, not 1; US$2.73 billion is not 2.73); the bare pass reads the rest
    (a numeral with no unit, 五是朝鲜口)."""
    text = normalise(quote)
    seen: set[tuple[Decimal, int, bool]] = set()
    out: list[Candidate] = []

    def add(value: Decimal, sign: int, percent: bool = False) -> None:
        key = (value, sign, percent)
        if key not in seen:
            seen.add(key)
            out.append(Candidate(value, sign, percent))

    figures = find_figures(quote)
    for f in figures:
        in_words = f.unit == "Percent" and f.kind == "percent" and not re.search(
            r"\d\s*%|per ?cent", text[f.start:f.end])
        add(f.value, f.sign, in_words)
        if f.upper is not None:
            add(f.upper, f.sign, in_words)
    for m in _BARE.finditer(text):
        if any(f.number_start <= m.start() < f.number_end for f in figures):
            continue  # read with its scale, range and unit above: 1至2万吨 is not 1
        n = to_decimal(m[0])
        sign = direction(text, m.start())
        add(-n if sign < 0 else n, sign)
    if any(word in text for word in _RANK_WORDS):
        add(Decimal(1), 0)  # a rank printed in words: first
    return Reading(tuple(out), detect_approximation(quote))


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
    text = format(value.normalize(), "f")  # normalize() leaves no trailing zero after a point
    return text if "." in text else text + ".0"


def sign_on_line(line: str, quote: str) -> int:
    """The sign the line gives the figure it prints as `quote` (-1, +1, or 0 for none),
    reading the words before the quote in its clause, as `direction` does."""
    at = line.find(quote)
    if at < 0:
        return 0
    text = normalise(line)
    figures = [f for f in find_figures(line) if at <= f.number_start < at + len(quote)]
    if figures:
        return figures[0].sign
    return direction(text, at)
