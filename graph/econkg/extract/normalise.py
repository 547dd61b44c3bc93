"""The line as the matcher sees it: pinyin annotations dropped, traditional → simplified.

`clean` returns the matching text and, for each of its characters, the index of the
character of the printed line it came from, so any span found in the matching text maps
back to a quote cut from the line exactly as printed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# 國(guó)際, 經(jīng)濟(jì), also with full-width brackets and tone numbers (guo2).
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[(（]\s*[a-zA-ZüÜāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]{1,8}[1-5]?\s*[)）]")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC, one character for one, so positions hold."""
    out = _converter().convert(text)
    if len(out) == len(text):
        return out
    conv = _converter().convert
    return "".join(c if len(c := conv(ch)) == 1 else ch for ch in text)


def strip_pinyin(line: str) -> tuple[str, list[int]]:
    kept: list[str] = []
    index: list[int] = []
    last = 0
    for m in _PINYIN.finditer(line):
        kept.append(line[last:m.start()])
        index.extend(range(last, m.start()))
        last = m.end()
    kept.append(line[last:])
    index.extend(range(last, len(line)))
    return "".join(kept), index


def clean(line: str) -> tuple[str, list[int]]:
    """(matching text, index into the printed line for each character)."""
    text, index = strip_pinyin(line)
    return to_simplified(text), index


def original_span(index: list[int], start: int, end: int) -> tuple[int, int]:
    """The span of the printed line that holds clean-text characters start..end."""
    if end <= start:
        return index[start] if start < len(index) else len(index), index[start] if start < len(
            index) else len(index)
    return index[start], index[end - 1] + 1
