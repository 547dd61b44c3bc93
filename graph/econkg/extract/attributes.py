"""What a figure is: measure, flow, reporter and partner, commodity, route and modality.

Each rule reads the words of the figure's clause or sentence before it, the way a reader
of Chinese trade prose does: 对朝出口 names an export and its partner, 占…比重 a share,
拉动…个百分点 a contribution, 预计 a projection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .entities import Mention

COUNTRY_TYPES = {"Country", "Bloc", "Region", "Province", "City", "Zone"}
ROUTE_TYPES = {"Port", "BorderCrossing", "Road", "Railway", "Bridge", "RiverCrossing",
               "SeaRoute", "Pipeline", "TradeCorridor", "Platform", "EcommercePlatform"}

_FLOW_WORDS = [
    (re.compile(r"进出口|外贸|贸易额|贸易总额|贸易值|贸易规模|交易额|双边贸易|贸易|总值|trade"),
     "total"),
    (re.compile(r"出口|输出|exports?|shipments"), "export"),
    (re.compile(r"进口|输入|imports?"), "import"),
    (re.compile(r"顺差|逆差|差额|surplus|deficit"), "balance"),
]
_SCOPE = re.compile(r"第|最|首|前|范围|各国|各地|平均")
_SHARE = re.compile(r"占|比重|份额|占比|比例|share")
_CONTRIBUTION = re.compile(r"拉动|拉低|贡献|拖累|contribut")
_PRICE = re.compile(r"价格|价|price")
_INVEST = re.compile(r"投资|investment")
_STOCK = re.compile(r"存量|累计|stock")
_TARGET = re.compile(r"目标|力争|target|goal")
_CAPACITY = re.compile(r"能力|产能|运力|通过能力|设计|capacity")
_GROWTH_AFTER = re.compile(r"(?:以上|左右|多)?的?(?:增长|增速|增幅|growth)")

MODALITY_MARKERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"尚未|缺乏|缺少|没有|未能|未曾|not yet|lack"), "lack"),
    (re.compile(r"建议|应当|应该|宜|亟需|亟待|需要进一步|should|recommend"), "proposal"),
    (re.compile(r"预计|预期|有望|预测|目标|力争|将达到|将达|将超过|将突破|expected|forecast|projected"),
     "projection"),
    (re.compile(r"计划|拟|规划|将于|决定|部署|plans?\b|will\b"), "plan"),
]


@dataclass
class Attributes:
    measure: str
    flow: str
    reporter: str
    partner: str
    commodity: str
    via: tuple[str, ...]
    modality: str
    certain: float  # 0..1: how sure the reading of these attributes is


def last_flow(window: str) -> str:
    """The flow word nearest before the figure; 进出口 is one word, not 进口 and 出口."""
    found = [(m.start(), m.end(), flow) for rx, flow in _FLOW_WORDS for m in rx.finditer(window)]
    found = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and o != f
                                         for o in found)]
    if not found:
        return ""
    start, end, flow = max(found)
    if flow == "total" and window[start:end] in ("贸易", "trade"):
        tail = window[end:]  # 贸易 then 出口 or 进口 later reads as the direction
        if "出口" in tail and "进口" not in tail:
            return "export"
        if "进口" in tail and "出口" not in tail:
            return "import"
    return flow


def measure_for(kind: str, unit: str | None, sign: int, clause: str, flow: str,
                after: str = "", in_words: bool = False) -> str:
    """The proposed measure for a figure of this kind printed after `clause` and before
    `after`; `in_words`: a percentage printed as 六成, 三分之一, 一半."""
    if _TARGET.search(clause) and kind in ("money", "quantity", "count"):
        return "Target"
    if kind == "money":
        if _INVEST.search(clause):
            return "InvestmentStock" if _STOCK.search(clause) else "InvestmentFlow"
        return {"export": "ExportValue", "import": "ImportValue", "total": "TradeValue",
                "balance": "TradeBalance"}.get(flow, "TradeValue")
    if kind == "percent":
        tail = clause[-12:]
        if _SHARE.search(tail) and not sign:
            return "Share"
        if _PRICE.search(tail) and sign:
            return "PriceChange"
        if sign or re.search(r"同比|增速|增幅|降幅|growth", clause) or _GROWTH_AFTER.match(after):
            return "GrowthRate"
        if _SHARE.search(clause) or in_words:
            return "Share"
        if re.search(r"增长|下降|增加|减少", clause):
            return "GrowthRate"
        return "OtherMeasure"
    if kind == "points":
        if _CONTRIBUTION.search(clause[-14:]):
            return "Contribution"
        return "ShareChange"
    if kind == "times":
        return "Multiple"
    if kind == "rank":
        return "Rank"
    if kind == "count":
        return "CountChange" if sign else "Count"
    if kind == "duration" and re.search(r"连续|续|consecutive", clause[-4:]):
        return "Count"
    if kind == "quantity":
        return "Capacity" if _CAPACITY.search(clause) else "Quantity"
    if kind == "rate":
        return "Capacity"
    return "OtherMeasure"


def modality_for(sentence: str) -> str:
    for rx, modality in MODALITY_MARKERS:
        if rx.search(sentence):
            return modality
    return ""


def parties(text: str, figure_start: int, sentence_start: int,
            mentions: list[Mention]) -> tuple[str, str, str, bool]:
    """(reporter, partner, flow hint, found on this sentence) from the names before a figure.

    对/向 B 出口 and A 对 B: A reports, B is the partner; 自/从 B 进口: an import from B;
    中朝, A 与 B: both sides of the trade. The last pattern before the figure wins.
    """
    places = [m for m in mentions if (m.entity.type in COUNTRY_TYPES
                                      or m.entity.kind == "organisations")
              and sentence_start <= m.start and m.end <= figure_start
              and not (m.entity.label_en == "World" and _SCOPE.match(text, m.end))]
    reporter = partner = hint = ""
    prev_end = None
    for i, m in enumerate(places):
        before = text[max(sentence_start, m.start - 2):m.start]
        gap = text[prev_end:m.start] if prev_end is not None else None
        if re.search(r"(?:占|占到|占据|of)\s?$", before):
            continue  # 占我国外贸的比重: the whole a share is of, not whose figure it is
        if re.search(r"(?:对|向|to)\s?$", before) or (gap is not None and re.fullmatch(
                r"\s?(?:的)?(?:对|向)\s?", gap)):
            partner = m.entity.id
            hint = "export"
            if gap is not None and re.fullmatch(r"\s?(?:的)?(?:对|向)\s?", gap):
                reporter = places[i - 1].entity.id
        elif re.search(r"(?:入境|输往|运往|销往|出口到|出口至|运抵|输入|进入|输|into)\s?$", before):
            partner = m.entity.id  # 入境朝鲜, 运往朝鲜: the destination
            hint = "export"
        elif re.search(r"(?:自|从|from)\s?$", before):
            partner = m.entity.id
            hint = "import"
            if gap is not None and re.fullmatch(r"\s?(?:自|从)\s?", gap):
                reporter = places[i - 1].entity.id
        elif (gap is not None and partner == places[i - 1].entity.id
              and re.fullmatch(r"\s?(?:、|和|及|以及|and)\s?", gap)):
            partner = m.entity.id  # 对美国、欧盟: the list of partners goes on
        elif gap is not None and re.fullmatch(r"\s?(?:与|和|同|跟|、|and)?\s?", gap):
            a, b = places[i - 1], m
            if a.entity.label_en == "World":  # the world buys and sells; it does not report
                a, b = b, a
            # 全球与我国…: "worldwide" scopes the figure; the world is a partner only where a
            # flow names it (对全球出口, 自全球进口)
            reporter = a.entity.id
            partner = "" if b.entity.label_en == "World" else b.entity.id
            hint = ""
        elif gap is not None and re.fullmatch(r"\s?(?:是|为|成为|仍是|仍为|继续是|已是)\s?", gap):
            # 欧盟是我国第一大进口来源地: the figure is ours, the EU is the partner
            reporter, partner = m.entity.id, places[i - 1].entity.id
        elif re.search(r"(?<![参给赋])(?:与|同|和)\s?$", before) and reporter:
            partner = m.entity.id
        elif m.entity.label_en != "World":
            reporter = m.entity.id
            if partner == reporter:
                partner = ""
        prev_end = m.end
    return reporter, partner, hint, bool(places)


def listed_partners(text: str, figure_start: int, sentence_start: int,
                    mentions: list[Mention]) -> list[str]:
    """对东盟、拉美、非洲进出口…: the last list of two or more parties before the figure,
    which a run of figures (or 分别) then takes in turn."""
    places = [m for m in mentions if m.entity.type in COUNTRY_TYPES
              and sentence_start <= m.start and m.end <= figure_start]
    run: list[Mention] = []
    best: list[Mention] = []
    for m in places:
        if run and re.fullmatch(r"\s?(?:、|和|及|与|以及|,|and)\s?", text[run[-1].end:m.start]):
            run.append(m)
        else:
            run = [m]
        if len(run) > 1:
            best = list(run)
    return [m.entity.id for m in best]


def commodity_for(window: str, offset: int, mentions: list[Mention]) -> str:
    """The commodity named nearest before the figure in its clause."""
    best = ""
    for m in mentions:
        if m.entity.kind == "commodities" and offset <= m.start and m.end <= offset + len(window):
            best = m.entity.id
    return best


def routes_for(sentence_start: int, sentence_end: int, text: str,
               mentions: list[Mention]) -> tuple[str, ...]:
    """Ports, crossings and corridors named after 经/通过/经由 in the sentence."""
    out = []
    for m in mentions:
        if m.entity.type in ROUTE_TYPES and sentence_start <= m.start < sentence_end:
            before = text[max(sentence_start, m.start - 6):m.start]
            if re.search(r"经由|经过|通过|经|via|through", before):
                out.append(m.entity.id)
    return tuple(dict.fromkeys(out))
