"""Candidate relations from the patterns the seeds already hold.

X与Y隔江相望 / 接壤 / 毗邻 → adjoins; X位于/地处Y → locatedIn; 经/通过 X口岸 → passesThrough
(the trade of the sentence's reporter runs through X); 第N大/最大 贸易伙伴 → tradesWith,
出口市场 → exportsTo. Each comes with the span of its key words for the quote.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .attributes import COUNTRY_TYPES, ROUTE_TYPES
from .entities import Mention

_ADJOIN = re.compile(r"隔江相望|隔河相望|隔海相望|接壤|毗邻|相邻|相连|borders?")
_LOCATED = re.compile(r"位于|地处|坐落于|地处于|located in")
_VIA = re.compile(r"经由|经过|通过|经")
_RANK = re.compile(r"(?:第[一二三四五六七八九十\d]+大|最大)(?:的)?"
                   r"(?P<what>贸易伙伴|出口市场|出口目的地|进口来源|贸易国|邻国)")


@dataclass(frozen=True)
class Candidate:
    subject: str
    predicate: str
    object: str
    start: int
    end: int
    note: str


def _before(mentions: list[Mention], at: int, lo: int, types: set[str]) -> Mention | None:
    best = None
    for m in mentions:
        if lo <= m.start and m.end <= at and m.entity.type in types:
            best = m
    return best


def _after(mentions: list[Mention], at: int, hi: int, types: set[str]) -> Mention | None:
    for m in mentions:
        if at <= m.start and m.end <= hi and m.entity.type in types:
            return m
    return None


def find_relations(text: str, mentions: list[Mention], reporter: str = "") -> list[Candidate]:
    out: list[Candidate] = []
    bounds = [0] + [m.end() for m in re.finditer(r"[。！？；!?;]", text)] + [len(text)]
    places = COUNTRY_TYPES | {"Port", "BorderCrossing", "River"}
    for lo, hi in itertools.pairwise(bounds):
        sentence = text[lo:hi]
        for m in _ADJOIN.finditer(sentence):
            at = lo + m.start()
            a = _before(mentions, at, lo, places)
            b = None
            if a is not None:
                pair = [x for x in mentions if lo <= x.start and x.end <= at
                        and x.entity.type in places and x is not a]
                b = pair[-1] if pair else _after(mentions, lo + m.end(), hi, places)
            if a is not None and b is not None and a.entity.id != b.entity.id:
                s, o = sorted((a, b), key=lambda x: x.start)
                out.append(Candidate(s.entity.id, "adjoins", o.entity.id, min(s.start, at),
                                     max(o.end, lo + m.end()), "adjoins: " + m[0]))
        for m in _LOCATED.finditer(sentence):
            at = lo + m.start()
            a = _before(mentions, at, lo, places | ROUTE_TYPES)
            b = _after(mentions, lo + m.end(), hi, places)
            if a is not None and b is not None:
                out.append(Candidate(a.entity.id, "locatedIn", b.entity.id, a.start, b.end,
                                     "located in"))
        for m in _VIA.finditer(sentence):
            route = _after(mentions, lo + m.end(), min(hi, lo + m.end() + 12), ROUTE_TYPES)
            subject = (_before(mentions, lo + m.start(), lo, COUNTRY_TYPES)
                       or (_after(mentions, route.end, hi, COUNTRY_TYPES) if route else None))
            who = subject.entity.id if subject else reporter
            if route is not None and who:
                out.append(Candidate(who, "passesThrough", route.entity.id, lo + m.start(),
                                     route.end, "trade routed through"))
        for m in _RANK.finditer(sentence):
            at = lo + m.start()
            a = _before(mentions, at, lo, COUNTRY_TYPES)
            who = reporter
            if a is not None and (a.entity.id != reporter or not who):
                pred = "exportsTo" if m["what"] in ("出口市场", "出口目的地") else "tradesWith"
                subj, obj = (who, a.entity.id) if who and who != a.entity.id else (
                    a.entity.id, "")
                if subj and obj:
                    out.append(Candidate(subj, pred, obj, at, lo + m.end(),
                                         f"ranked partner: {m[0]}"))
    return out
