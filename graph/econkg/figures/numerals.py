"""Numbers as Chinese and English texts print them, read without losing a digit.

`normalise` maps a line character for character (full-width digits and punctuation to ASCII,
traditional 萬/億/噸/兩 to their simplified forms), so a position in the normalised line is
the same position in the line as printed and a quote can always be cut from the original.
"""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
SCALES = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10,
          "亿": Decimal(10) ** 8, "千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6,
          "十万": Decimal(10) ** 5, "万": Decimal(10) ** 4, "千": Decimal(1000),
          "百": Decimal(100)}
ENGLISH_SCALES = {"thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6,
                  "billion": Decimal(10) ** 9, "trillion": Decimal(10) ** 12,
                  "mn": Decimal(10) ** 6, "bn": Decimal(10) ** 9}

# One character in, one character out: positions survive normalisation.
_SINGLE = {"萬": "万", "億": "亿", "噸": "吨", "兩": "两", "點": "点", "\u3000": " ",
           "\u00a0": " ", "\u2009": " ", "\u202f": " ", "−": "-", "–": "-", "﹪": "%",
           "％": "%", "〜": "~", "～": "~"}
_TABLE = {**{cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)},
          **{ord(k): v for k, v in _SINGLE.items()}}

ARABIC = r"\d{1,3}(?:(?:,| )\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = "[零〇一二两三四五六七八九十百千万亿]+"


def normalise(text: str) -> str:
    """Full-width → ASCII and traditional number words → simplified, same length."""
    out = text.translate(_TABLE)
    assert len(out) == len(text)
    return out


def _below_wan(text: str) -> int:
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


def chinese_to_int(text: str) -> int:
    """Read a Chinese numeral: 九 → 9, 十四 → 14, 三千五百万 → 35000000, 一万零五 → 10005,
    两万亿 → 2000000000000, 二〇二五 → 2025 (digit by digit), 万 → 10000."""
    if not text:
        raise ValueError("not a Chinese numeral: ''")
    if len(text) > 1 and all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    if "亿" in text:
        left, _, right = text.rpartition("亿")
        return (chinese_to_int(left) if left else 1) * 10 ** 8 + (
            chinese_to_int(right) if right else 0)
    if "万" in text:
        left, _, right = text.rpartition("万")
        return (chinese_to_int(left) if left else 1) * 10 ** 4 + (
            chinese_to_int(right) if right else 0)
    return _below_wan(text)


def to_decimal(token: str) -> Decimal:
    """Read an Arabic number (commas or spaces between thousands) or a Chinese numeral."""
    cleaned = re.sub(r"[ ,]", "", normalise(token))
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return Decimal(cleaned)
    return Decimal(chinese_to_int(cleaned))  # ValueError names what is not a numeral
