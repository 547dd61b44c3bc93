"""Read figures as Chinese and English sources print them — one reader for the build's
value ↔ quote check and for the extractor.

`numerals` reads numbers (Arabic, Chinese, full-width, 萬/億), `scan` finds each figure on a
line with its unit, range and sign, `approx` reads hedges, `reading` checks a seed's value.
"""

from .approx import APPROX_MARKERS, APPROXIMATIONS, detect_approximation
from .numerals import DIGITS, SCALES, chinese_to_int, normalise, to_decimal
from .reading import (
    Candidate,
    Reading,
    close,
    decimal_literal,
    parse_decimal,
    read_quote,
    sign_on_line,
)
from .scan import UNIT_TABLE, Figure, direction, find_figures

__all__ = [
    "APPROXIMATIONS", "APPROX_MARKERS", "DIGITS", "SCALES", "UNIT_TABLE", "Candidate",
    "Figure", "Reading", "chinese_to_int", "close", "decimal_literal", "detect_approximation",
    "direction", "find_figures", "normalise", "parse_decimal", "read_quote", "sign_on_line",
    "to_decimal",
]
