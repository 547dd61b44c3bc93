"""Find every printed figure on a line: where it is, its value in base units, its unit, its
range, its hedge and its sign.

This is the one reader behind both the build's value ↔ quote check and the extractor. It
works on the normalised line (same length as the printed one), so each figure's span cuts
its quote from the line exactly as printed.

The sign rule: a change printed as a fall (下降, 减少, 收窄, 回落, 拉低, 负增长, fell …) is
negative, a change printed as a rise (增长, 提升, rose …) is positive, and a level (降至 5%,
增至 2.3 倍, rose to) is what it says. A figure with no direction word is as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .approx import detect_approximation
from .numerals import ARABIC, CHINESE, DIGITS, ENGLISH_SCALES, SCALES, normalise, to_decimal

_SCALE = "万亿|千亿|百亿|亿|千万|百万|十万|万|千(?![米克瓦])"
_NUM = rf"(?<![A-Za-z\d.])(?:(?P<@a>{ARABIC})\s?(?P<@s>{_SCALE})?|(?P<@c>{CHINESE}))"
_EN_SCALE = r"\s?(?P<en>thousand|million|billion|trillion|bn|mn)\b"

# Units after a number, longest first: (pattern, unit, kind). kind drives the proposed measure.
UNIT_TABLE: list[tuple[str, str, str]] = [
    (r"美元|美金|US\$|USD|US dollars|dollars", "USD", "money"),
    (r"元人民币|人民币|元|yuan|RMB|CNY", "CNY", "money"),
    (r"卢布|roubles|rubles|RUB", "RUB", "money"),
    (r"欧元|euros|EUR", "EUR", "money"),
    (r"个百分点|百分点|percentage points?", "PercentagePoint", "points"),
    (r"%|‰|per ?cent", "Percent", "percent"),
    (r"倍|times|-fold", "Times", "times"),
    (r"桶/天|桶/日|桶每天|桶每日|barrels (?:per|a) day|bpd", "BarrelPerDay", "rate"),
    (r"公里时速|公里/小时|公里每小时|km/h", "KilometrePerHour", "rate"),
    (r"平方公里|km2|km²", "SquareKilometre", "area"),
    (r"公里|千米|km|kilometres|kilometers", "Kilometre", "distance"),
    (r"吨|tonnes|tons|t\b", "Tonne", "quantity"),  # 万吨: 万 is read as the scale
    (r"立方米|m3|m³|cubic metres", "CubicMetre", "quantity"),
    (r"桶|barrels", "Barrel", "quantity"),
    (r"标箱|TEU", "TEU", "quantity"),
    (r"摄氏度|℃", "DegreeCelsius", "temperature"),
    (r"周年|年|years?", "Year", "duration"),
    (r"个多月|个月|months?", "Month", "duration"),
    (r"周|星期|weeks?", "Week", "duration"),
    (r"天|days?", "Day", "duration"),
    (r"个季度|个|家|种|项|座|条|次|人次|人|名|辆|趟|列|批|所|款|类|户|艘|架|处|件|份|"
     r"只|台|套|发|场|届|轮|支|部|大|companies|firms|countries|ports|people|projects",
     "Number", "count"),
]
_UNIT = "|".join(f"(?:{u})" for u, _, _ in UNIT_TABLE)
_UNIT_RES = [(re.compile(u), unit, kind) for u, unit, kind in UNIT_TABLE]

_FIGURE = re.compile(
    rf"(?P<neg>-(?=\d))?{_NUM.replace('@', 'x')}(?:{_EN_SCALE})?"
    rf"(?:(?P<more>多|余)(?P<xm>{_SCALE})?)?"
    rf"(?:\s?(?P<to>至|到|~|-|—|或|to)\s?{_NUM.replace('@', 'y')}"
    rf"(?:\s?(?P<en2>thousand|million|billion|trillion|bn|mn)\b)?(?P<more2>多|余)?)?"
    rf"\s?(?P<unit>{_UNIT})?"
)
_FRACTION = re.compile(rf"(?P<den>{ARABIC}|{CHINESE})分之(?P<num>{ARABIC}|{CHINESE})")
_TENTHS = re.compile(r"(?<![A-Za-z\d.])(?:(?P<lo>\d|[一二两三四五六七八九])\s?(?:至|到|~|-)\s?)?"
                     r"(?P<num>\d|10|[一二两三四五六七八九十])成"
                     r"(?![交为功本员果效熟品立型就套])")
_HALF = re.compile(rf"(?P<num>{ARABIC}|{CHINESE})(?:(?P<u1>个?(?:年|倍|天|小时|个月))半|"
                   rf"个?半(?P<u2>个?月|天|小时|年))")
_ORDINAL = re.compile(rf"第\s?(?P<num>\d+|{CHINESE})\s?(?P<what>大|位|名|次)")
_ORDINAL_LIST = re.compile(rf"第\s?(?P<num>\d+|{CHINESE})\s?"
                           rf"(?=[、和及与]\s?第\s?(?:\d+|{CHINESE})\s?[大位名])")
_TOP = re.compile(rf"(?:排名|位居|位列|居)前\s?(?P<num>\d+|{CHINESE})\s?(?P<what>名|位)?"
                  rf"|前\s?(?P<num2>\d+|{CHINESE})\s?(?:名|位)")
_FIRST = re.compile(r"首位|第一位|最大(?=的?(?:贸易|出口|进口|市场|来源|伙伴|投资|口岸|城市|"
                    r"经济体|债权|债务|买家|卖家|供应))")
_CURRENCY_BEFORE = re.compile(r"(?:US\$|\$|USD ?|RMB ?|¥)$")
_HALF_WORD = re.compile("一半|半数")
_DOUBLE_DIGIT = re.compile("两位数")
_YEAR_DATE = re.compile(r"(?:1[89]|20|21)\d\d")

_FALL = ("下降", "下滑", "下跌", "下行", "回落", "减少", "减小", "缩小", "收窄", "缩减", "萎缩",
         "降低", "拉低", "下拉", "拖累", "负增长", "降幅", "跌幅", "减幅", "降", "跌",
         "fell", "fall", "decreased", "decrease", "declined", "decline", "dropped", "down",
         "narrowed", "shrank", "contracted", "lower")
_RISE = ("增长", "增加", "增多", "上升", "上涨", "提高", "提升", "扩大", "拉动", "拉高", "增幅",
         "涨幅", "暴涨", "激增", "猛增", "飙升", "增", "涨", "升",
         "rose", "rise", "increased", "increase", "grew", "growth", "up", "higher", "expanded")
_RATE_WORDS = ("降幅", "跌幅", "减幅", "增幅", "涨幅")
_NEUTRAL = ("增速", "增长率", "增量", "增值", "增长点", "升级", "提升为", "growth rate")


def _word_rx(words: tuple[str, ...]) -> str:
    parts = sorted(words, key=len, reverse=True)
    return "|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in parts)


_DIRECTION = re.compile(_word_rx(_FALL + _RISE + _NEUTRAL))
_PREFIX = re.compile(r"(?:大约|约合|约|将近|接近|近|超过|超|逾|不足|不到|突破|"
                     r"about|nearly|almost|over|more than|less than|around)\s?$")
_PREFIX_SPAN = 10  # the longest hedge before a figure: "more than " / "less than "
_SUFFIX = re.compile(r"左右|以上|以下|上下|之多|余|多|\+")
_LEVEL_AFTER = re.compile(r"\s*(?:了)?\s*(?:至|到|为|成|达|to\b)")
_CLAUSE_END = re.compile(r"[,;。；！？!?：:]|，")


@dataclass(frozen=True)
class Figure:
    """One printed figure. value/upper are in base units and carry the sign rule."""

    start: int
    end: int
    value: Decimal
    upper: Decimal | None
    unit: str | None  # an econkg unit name, or None when the line prints no unit
    kind: str         # money, percent, points, times, rank, count, duration, …
    sign: int         # -1 printed as a fall, +1 as a rise, 0 neither
    approx: str | None = None
    number_start: int = -1  # where the number itself begins (start may hold 约, 增长 …)
    number_end: int = -1    # where the number and its unit end (end may hold 以上, 左右)

    @property
    def magnitude(self) -> Decimal:
        return abs(self.value)


def _scaled(m: re.Match[str], g: str) -> Decimal | None:
    arabic, chinese = m[f"{g}a"], m[f"{g}c"]
    if arabic is None and chinese is None:
        return None
    value = to_decimal(arabic if arabic is not None else chinese)
    if arabic is not None and m[f"{g}s"]:
        value *= SCALES[m[f"{g}s"]]
    return value


def _scale_words(m: re.Match[str], g: str) -> str:
    """The scale printed after a number's digits: 5千万 → 千万, 三十万 → 十万, 6 → ''."""
    if m[f"{g}a"] is not None:
        return m[f"{g}s"] or ""
    text = m[f"{g}c"]
    digits = [i for i, ch in enumerate(text) if ch in DIGITS]
    return text[digits[-1] + 1:] if digits else text


def _shared_scale(lower: str, upper: str) -> Decimal:
    """The scale a range prints once, after its second number, that the first number lacks:
    5至6万 → 万, 5至6千万 → 千万, 3千至5千万 → 万, 五十至一百万 → 万, 5万至6万 → none."""
    rest = upper[len(lower):] if upper.startswith(lower) else None
    if rest in SCALES:
        return SCALES[rest]
    tail = re.search("(?:万亿|亿|万)$", upper)
    if tail and not re.search("[万亿]", lower):
        return SCALES[tail[0]]
    return Decimal(1)


def _unit_of(text: str | None) -> tuple[str | None, str]:
    if not text:
        return None, "number"
    for rx, unit, kind in _UNIT_RES:
        if rx.fullmatch(text):
            return unit, kind
    return None, "number"  # pragma: no cover - every alternative is in the table


def direction(text: str, start: int) -> int:
    """The sign a figure at `start` takes from the words before it in its clause."""
    clause_start = 0
    for m in _CLAUSE_END.finditer(text, 0, start):
        clause_start = m.end()
    window = text[clause_start:start]
    found = None
    for m in _DIRECTION.finditer(window):
        if m[0] not in _NEUTRAL:
            found = m
    if found is None:
        return 0
    word = found[0]
    between = window[found.end():]
    if word not in _RATE_WORDS and _LEVEL_AFTER.match(between):
        return 0  # 降至 5%, 增长到 2.3 倍: a level, not a change
    return -1 if word in _FALL else 1


def _word_start(text: str, start: int) -> int:
    """Where the direction word governing a figure begins, if it is close enough to quote."""
    window_start = max(0, start - 8)
    best = start
    for m in _DIRECTION.finditer(text, window_start, start):
        if m[0] in _NEUTRAL:
            continue
        gap = text[m.end():start]
        if re.fullmatch(r"\s*(?:了|幅度?为?|为|约|近|超过|超|逾|达|达到|高达|by|of|\s)*\s*", gap):
            best = min(best, m.start())
    return best


def _is_date(text: str, m: re.Match[str], unit_text: str | None) -> bool:
    """2025, 2025年, 二〇二五年, 2024-2025年, 1990年代: a year, not a figure. A year-like
    number with another unit or a scale is a figure (2000至3000吨, 2000多万)."""
    year = m["xa"] or (str(to_decimal(m["xc"])) if len(m["xc"]) == 4 else None)
    if year and _YEAR_DATE.fullmatch(year) and not (m["xs"] or m["xm"] or m["ys"]) and \
            unit_text in (None, "年"):
        return True
    return unit_text == "年" and text[m.end():m.end() + 1] in ("代", "级", "初", "底", "末", "度")


def find_figures(line: str) -> list[Figure]:
    """Every figure printed on the line, left to right, each with its span and unit."""
    text = normalise(line)
    out: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(a: int, b: int, value: Decimal, upper: Decimal | None, unit: str | None,
            kind: str, signed: bool = True, printed: int = 0) -> None:
        if not free(a, b):
            return
        sign = printed or (direction(text, a) if signed else 0)
        if sign < 0 and value >= 0:  # 下降0至5%: the range -5 to 0
            value, upper = -value, (-upper if upper is not None else None)
            if upper is not None:
                value, upper = upper, value
        qa = a
        pre = _PREFIX.search(text, max(0, a - _PREFIX_SPAN), a)
        if pre:
            qa = pre.start()
        if sign:
            qa = min(qa, _word_start(text, qa))
        qb = b
        suf = _SUFFIX.match(text, b)
        if suf:
            qb = suf.end()
        approx = detect_approximation(text[qa:qb])
        out.append(Figure(qa, qb, value, upper, unit, kind, sign, approx, a, b))
        taken.append((a, b))

    for m in _HALF.finditer(text):  # 一年半, 两个半月, 3倍半: n and a half
        unit_text = (m["u1"] or m["u2"]).lstrip("个")
        unit, kind = _unit_of("个月" if unit_text == "月" else unit_text)
        if unit_text == "小时":
            unit, kind = "Hour", "duration"
        add(m.start(), m.end(), to_decimal(m["num"]) + Decimal("0.5"), None, unit, kind)
    for m in _FRACTION.finditer(text):
        value = to_decimal(m["num"]) / to_decimal(m["den"]) * 100
        add(m.start(), m.end(), value, None, "Percent", "percent")
    for m in _TENTHS.finditer(text):  # 6成, 3至5成: tenths as a percentage
        lower = to_decimal(m["lo"]) * 10 if m["lo"] else None
        value = to_decimal(m["num"]) * 10
        if lower is not None and lower < value:
            add(m.start(), m.end(), lower, value, "Percent", "percent")
        else:
            add(m.start("num"), m.end(), value, None, "Percent", "percent")
    for m in _ORDINAL.finditer(text):
        add(m.start(), m.end(), to_decimal(m["num"]), None, "Position", "rank", signed=False)
    for m in _ORDINAL_LIST.finditer(text):  # 第二、第三大: the first rank of a pair
        add(m.start(), m.end(), to_decimal(m["num"]), None, "Position", "rank", signed=False)
    for m in _TOP.finditer(text):
        add(m.start(), m.end(), to_decimal(m["num"] or m["num2"]), None, "Position", "rank",
            signed=False)
    for m in _FIRST.finditer(text):
        add(m.start(), m.end(), Decimal(1), None, "Position", "rank", signed=False)
    for m in _HALF_WORD.finditer(text):
        add(m.start(), m.end(), Decimal(50), None, "Percent", "percent", signed=False)
    for m in _DOUBLE_DIGIT.finditer(text):
        add(m.start(), m.end(), Decimal(10), None, "Percent", "percent")
    for m in _FIGURE.finditer(text):  # every match holds a number: xa or xc
        unit_text = m["unit"]
        if m["xc"] and not unit_text:
            continue  # a Chinese numeral with nothing after it is a word, not a figure
        if _is_date(text, m, unit_text):
            continue
        value = _scaled(m, "x")
        upper = _scaled(m, "y")
        if m["xm"]:  # 30多亿: more than 30, in 亿
            value *= SCALES[m["xm"]]
        end = m.end()
        x_en, y_en = m["en"], m["en2"]
        if x_en or y_en:  # 5 to 6 million: a scale printed once takes both ends
            value *= ENGLISH_SCALES[x_en or y_en]
            if upper is not None:
                upper *= ENGLISH_SCALES[y_en or x_en]
        if upper is not None:  # 1至2万吨: the first number shares the second's scale
            shared = _shared_scale(_scale_words(m, "x"), _scale_words(m, "y"))
            if value * shared < upper:
                value *= shared
        if upper is not None and upper < value:
            # 2024-2025 or 3-1: not a range; keep the first number alone
            upper = None
            end = m.start("to")
        unit, kind = _unit_of(unit_text if end == m.end() else None)
        before = text[max(0, m.start() - 4):m.start()]  # US$, USD , RMB , ¥, $
        if unit is None and _CURRENCY_BEFORE.search(before):
            unit, kind = ("CNY" if "RMB" in before or "¥" in before else "USD"), "money"
        add(m.start(), end, value, upper, unit, kind, printed=-1 if m["neg"] else 0)  # -5%
    out.sort(key=lambda f: f.start)
    return out
