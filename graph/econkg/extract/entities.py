"""Match the names on a line to the graph's entities, in both scripts.

The lexicon is every label and alias of the seed tables (converted to simplified Chinese, so
a traditional 俄羅斯 or 圖們江 matches too), plus what the language itself knows: one-character
country abbreviations in compounds (中朝, 中俄, 中美, 中欧) and after a preposition (对朝,
自俄, 访华), and other names for the same country (北韩, 北朝鲜). Names the lexicon does not
know but that end like a place or body (…口岸, …省, …公司) are proposed as new entities.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..seeds import ENTITY_KINDS, table_files
from .normalise import to_simplified

# One-character names used in compounds, mapped to the full name the lexicon holds.
ABBREVIATIONS = {"中": "中国", "华": "中国", "朝": "朝鲜", "俄": "俄罗斯", "美": "美国",
                 "欧": "欧盟", "日": "日本", "韩": "韩国", "蒙": "蒙古国", "印": "印度",
                 "越": "越南", "德": "德国", "法": "法国", "英": "英国", "哈": "哈萨克斯坦"}
SYNONYMS = {"北韩": "朝鲜", "北朝鲜": "朝鲜", "南韩": "韩国", "俄国": "俄罗斯", "蒙古": "蒙古国",
            "中华人民共和国": "中国", "中方": "中国", "朝方": "朝鲜", "俄方": "俄罗斯"}
_ABBR = "".join(ABBREVIATIONS)
_COMPOUND = re.compile(
    rf"(?P<a>[{_ABBR}])(?P<b>[{_ABBR}])(?:两国|双边|之间|间|互为|贸易|经贸|边境|关系|合作|友好|"
    rf"班列|进出口|交易|商品|口岸|界河|边界|会谈|峰会|首脑|元首|投资|本币|能源|农业|地方)")
_PREPOSITION = re.compile(
    rf"(?P<p>对|自|从|向|与|同|访|赴|来|驻|在|和|输|运)(?P<a>[{_ABBR}])(?=出口|进口|贸易|投资|合作|"
    rf"援助|输出|销售|出售|供应|运输|发运|交付|开放|关系|经贸|方|$|[,，。、的])")
# Suffixes that mark a proper name, with the entity kind and type to propose.
NAME_SUFFIXES: list[tuple[str, str, str]] = [
    ("口岸", "places", "BorderCrossing"), ("港", "places", "Port"), ("省", "places", "Province"),
    ("自治区", "places", "Province"), ("州", "places", "Province"), ("市", "places", "City"),
    ("县", "places", "City"), ("江", "places", "River"), ("河", "places", "River"),
    ("经济区", "places", "Zone"), ("开发区", "places", "Zone"), ("合作区", "places", "Zone"),
    ("大桥", "corridors", "Bridge"), ("铁路", "corridors", "Railway"),
    ("公路", "corridors", "Road"), ("管道", "corridors", "Pipeline"),
    ("集团", "organisations", "Company"), ("公司", "organisations", "Company"),
    ("银行", "organisations", "Company"), ("海关", "organisations", "GovernmentAgency"),
    ("商会", "organisations", "Association"), ("协会", "organisations", "Association"),
]
_STOP = set("的在与和及经对向从自是为将由于至以等并而或但也都就把被让给这那其该此各每个了着过"
            "通过新大小中高低多少全总一二三四五六七八九十年月日号各地内外上下前后第"
            "请问设置本该此其我你他们入足近抵邻互智慧边境沿")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?:"
                   + "|".join(sorted((s for s, _, _ in NAME_SUFFIXES), key=len, reverse=True))
                   + ")")
_BOUNDARY = re.compile(r"[\s,，。；;：:、（）()“”\"《》在与和经对向从自的至到及由将是为]")
_NOT_AFTER = {"市": "场民值面区政", "港": "口澳湾币", "州": "长", "江": "山南北", "河": "流道",
              "省": "级份", "县": "级城"}


@dataclass(frozen=True)
class Known:
    id: str
    kind: str
    type: str
    label_en: str
    label_zh: str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Known
    how: str  # "label", "compound", "preposition"


@dataclass
class Lexicon:
    terms: dict[str, Known]
    english: re.Pattern[str] | None
    first_chars: dict[str, list[str]]

    def by_label(self, label: str) -> Known | None:
        return self.terms.get(to_simplified(label))


def load_lexicon(seeds: Path) -> Lexicon:
    """Every label and alias in the seed folder; raw CSV, so half-curated seeds still help."""
    terms: dict[str, Known] = {}
    english: dict[str, Known] = {}
    for kind, (_types, _extra) in ENTITY_KINDS.items():
        for path in table_files(Path(seeds), kind):
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    ident = (row.get("id") or "").strip()
                    if not ident or ident.startswith("#"):
                        continue
                    known = Known(ident, kind, row.get("type", ""), row.get("label_en", ""),
                                  row.get("label_zh", ""))
                    names = [row.get("label_zh", ""), row.get("label_en", ""),
                             *(row.get("aliases") or "").split("|")]
                    for name in (n.strip() for n in names):
                        if len(name) < 2:
                            continue
                        if name.isascii():
                            if len(name) >= 3 or name.isupper():
                                english.setdefault(name.lower(), known)
                        else:
                            terms.setdefault(to_simplified(name), known)
                            # 共建“一带一路”国家 is also written 共建国家
                            short = re.sub(r"[“\"「『][^”\"」』]{1,12}[”\"」』]", "", name)
                            if short != name and len(short) >= 3:
                                terms.setdefault(to_simplified(short), known)
    for alias, label in SYNONYMS.items():
        if label in terms:
            terms.setdefault(alias, terms[label])
    first: dict[str, list[str]] = {}
    for term in terms:
        first.setdefault(term[0], []).append(term)
    for lst in first.values():
        lst.sort(key=len, reverse=True)
    pattern = None
    if english:
        words = sorted(english, key=len, reverse=True)
        pattern = re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z])",
                             re.IGNORECASE)
    lex = Lexicon(terms, pattern, first)
    lex._english = english  # type: ignore[attr-defined]
    return lex


def find_entities(text: str, lex: Lexicon) -> list[Mention]:
    """Longest-first matches of known names, then compounds and abbreviations."""
    out: list[Mention] = []
    covered = [False] * len(text)
    i = 0
    while i < len(text):
        for term in lex.first_chars.get(text[i], ()):
            if text.startswith(term, i):
                out.append(Mention(i, i + len(term), lex.terms[term], "label"))
                for k in range(i, i + len(term)):
                    covered[k] = True
                i += len(term) - 1
                break
        i += 1
    for m in _COMPOUND.finditer(text):
        if covered[m.start()] or covered[m.start() + 1]:
            continue
        for g in ("a", "b"):
            known = lex.terms.get(ABBREVIATIONS[m[g]])
            if known:
                out.append(Mention(m.start(g), m.end(g), known, "compound"))
    for m in _PREPOSITION.finditer(text):
        if covered[m.start("a")]:
            continue
        known = lex.terms.get(ABBREVIATIONS[m["a"]])
        if known and not any(x.start == m.start("a") for x in out):
            out.append(Mention(m.start("a"), m.end("a"), known, "preposition"))
    if lex.english is not None:
        english = lex._english  # type: ignore[attr-defined]
        for m in lex.english.finditer(text):
            if not any(covered[m.start():m.end()]):
                out.append(Mention(m.start(), m.end(), english[m[0].lower()], "label"))
    out.sort(key=lambda x: x.start)
    return out


def unknown_names(text: str, mentions: list[Mention]) -> list[tuple[int, int, str, str, str]]:
    """(start, end, name, kind, type) for names that look proper but match nothing: two to
    four characters after a word boundary, ending in a suffix that marks a name (珲春市,
    长岭子口岸), and not a word such as 市场 or 港口."""
    covered = [False] * len(text)
    for x in mentions:
        for k in range(x.start, x.end):
            covered[k] = True
    found = []
    for m in _NAME.finditer(text):
        start, end = m.start(), m.end()
        name = text[start:end]
        suffix = next(s for s, _, _ in NAME_SUFFIXES if name.endswith(s))
        stem = name[: -len(suffix)]
        if text[end:end + 1] in _NOT_AFTER.get(suffix, ""):
            continue
        if start > 0 and not _BOUNDARY.match(text[start - 1]):
            continue  # the name would start inside another word
        if any(covered[start:end]) or not 2 <= len(stem) <= 4 or any(c in _STOP for c in stem):
            continue
        for sfx, kind, typ in NAME_SUFFIXES:
            if sfx == suffix:
                found.append((start, end, name, kind, typ))
                break
    return found
