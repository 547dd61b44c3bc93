"""Which of the reader's figures are worth a draft row.

The shared reader (econkg.figures) finds every number with a unit. Prose also uses numerals
as words: 一个 and 一场 are articles, 零部件 is "parts", 第二十届 and 二十大 are names of
meetings. Those are left out here, not in the reader, so the build still reads them in a
curator's quote.
"""

from __future__ import annotations

import re

from ..figures import Figure, normalise

_ARTICLE_COUNTERS = set("个场种项次批类支套份轮部座条件只台家名位人户所款")
_NAME_COUNTERS = set("届大")
_STREAK = re.compile(r"(?:连续|时隔|相隔|续|历时|长达|用时|耗时|仅用|仅|第|建交|成立|"
                     r"consecutive|for)\s?$")


def worth_a_row(f: Figure, text: str) -> bool:
    if f.unit is None:
        return False
    if f.kind == "duration" and not _STREAK.search(normalise(text[max(0, f.number_start - 4):
                                                                  f.number_start])):
        return False  # 过去五年, 近十年: a period phrase; 连续9年, 时隔7年: a figure
    number = normalise(text[f.number_start:f.number_end])
    m = re.match(r"[零〇一二两三四五六七八九十百千万亿]+", number)
    if m is None:
        return True
    numeral, rest = m[0], number[m.end():]
    if numeral.startswith(("零", "〇")):
        return False  # 零部件, 零售
    if f.kind == "count" and rest[:1] in _NAME_COUNTERS:
        return False  # 二十大, 第八届, 三大梯队: names and enumerations
    if f.kind == "count" and numeral == "一" and rest[:1] in _ARTICLE_COUNTERS and not f.approx:
        return False  # 一个, 一场: an article, not a count
    if f.kind == "duration" and numeral in ("一", "两") and not f.approx and not f.sign:
        return False  # 一年来, 两年: a time expression more than a figure
    return not (f.kind == "quantity" and numeral == "一" and not f.approx)
