"""One document → draft rows: the steps of extraction, in order."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..figures import decimal_literal, find_figures, normalise
from ..seeds import MAX_QUOTE, UNITS
from . import EXTRACTOR_VERSION
from .attributes import (
    COUNTRY_TYPES,
    commodity_for,
    last_flow,
    listed_partners,
    measure_for,
    modality_for,
    parties,
    routes_for,
)
from .entities import Lexicon, find_entities, load_lexicon, unknown_names
from .figures import worth_a_row
from .normalise import clean, original_span
from .periods import Mention, base_period, find_periods, streak, year_of
from .reading import Document, DocumentError
from .relations import find_relations

MAX_FIGURES_PER_LINE = 1000
_SENTENCE_END = re.compile(r"[。！？；!?;]|\.(?=\s|$)")
_CLAUSE_END = re.compile(r"[,，;；。！？!?：:]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_VALUE_KINDS = {"money", "quantity", "count", "rate"}


@dataclass
class Drafts:
    source: dict[str, str]
    observations: list[dict[str, str]] = field(default_factory=list)
    relations: list[dict[str, str]] = field(default_factory=list)
    entities: list[dict[str, str]] = field(default_factory=list)
    skipped_translations: int = 0


@dataclass
class _Context:
    reporter: str = ""
    partner: str = ""
    period: str | None = None
    year: int | None = None


def parse_date(text: str) -> tuple[str, int]:
    """(ISO date as given, its year): 2019-04-12, 2019-04 or 2019."""
    text = text.strip()
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", text)
    if not m:
        raise DocumentError(f"--date {text!r}: give the document's date as YYYY-MM-DD "
                            "(or YYYY-MM, YYYY)")
    try:
        date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError as exc:
        raise DocumentError(f"--date {text!r}: {exc}") from None
    return text, int(m[1])


def source_name(doc: Document, seeds: Path) -> str:
    """The document's seed name: its own if it follows NNN_<16 hex>.txt, else the next free
    number with a hash of its text, so citations and named graphs stay unique."""
    name = doc.path.name
    if re.fullmatch(r"[0-9]{3}_[0-9a-f]{16}\.txt", name):
        return name
    used = {p.name[:3] for p in (Path(seeds) / "observations").glob("*.csv")}
    sources = Path(seeds) / "sources.csv"
    if sources.is_file():
        used |= {line[:3] for line in sources.read_text(encoding="utf-8").splitlines()[1:]}
    n = 0
    while f"{n:03d}" in used:
        n += 1
    digest = hashlib.sha256("\n".join(doc.lines).encode("utf-8")).hexdigest()[:16]
    return f"{n:03d}_{digest}.txt"


def _han_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if _HAN.match(c)) / len(letters) if letters else 0.0


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = decimal_literal(value)
    return text[:-2] if text.endswith(".0") else text


def _quote(line: str, index: list[int], f, start: int | None = None) -> str:
    a, b = original_span(index, f.start if start is None else start, f.end)
    quote = line[a:b].strip()
    if len(quote) > MAX_QUOTE:
        a, b = original_span(index, f.number_start, f.number_end)
        quote = line[a:b].strip()
    return quote[:MAX_QUOTE] if len(quote) > MAX_QUOTE else quote


_SAYS_BEFORE = re.compile(r"(?:据|根据|按照|引用|援引|according to)\s?$")
_SAYS_AFTER = re.compile(r"\s?(?:的)?(?:统计|数据|测算|显示|预测|报告|公布|发布|估计|称)")
_REPORT_SAYS = re.compile(r"\s?(?:的)?(?:相关)?(?:最新)?(?:研究)?(?:报告|统计|数据|测算)"
                          r"(?:指出|显示|称|预计|预测|表明|认为)")
_LIST_GAP = re.compile(r"\s?(?:、|和|及|与|以及|,)\s?")


def _run_of(text: str, figures: list, f) -> list:
    """The figures printed as one list with f (3.9%、4.9%和6%), in order; a run restarts
    at any other word, and a figure of another kind does not join it."""
    same = [g for g in figures if g.kind == f.kind]
    runs: list[list] = []
    for g in same:
        if runs and _LIST_GAP.fullmatch(text[runs[-1][-1].end:g.start]):
            runs[-1].append(g)
        else:
            runs.append([g])
    return next(r for r in runs if f in r)


_AS_BASE = re.compile(r"(?:比|较|相比|对比|与|同)\s?$")  # 比2024年: a base, not the period
_BASE_AFTER = re.compile(r"\s?(?:同期|同月|同季|的水平)?的?\s?$")


def _period_for(norm: str, f, periods: list[Mention], s_start: int, c_start: int) -> str | None:
    """The figure's period: the phrase in its clause before it, else the first phrase of
    its sentence (Chinese puts the time first), else the line's last phrase before it.
    A phrase right before a multiple (是2024年同期的2.3倍) is its base, not its period."""
    before = [p for p in periods if p.end <= f.number_start
              and not _AS_BASE.search(norm[max(0, p.start - 3):p.start])]
    if f.kind in ("times", "percent") and before and _BASE_AFTER.match(
            norm[before[-1].end:f.number_start]) and "同期" in norm[before[-1].end:f.number_start]:
        before = before[:-1]
    in_clause = [p for p in before if p.start >= c_start]
    if in_clause:
        return in_clause[-1].period
    in_sentence = [p for p in before if p.start >= s_start]
    if in_sentence:
        return in_sentence[0].period
    return None


def extract_document(doc: Document, doc_date: str, seeds: Path, *, title: str = "",
                     publisher: str = "", url: str = "", lang: str = "",
                     lexicon: Lexicon | None = None, name: str | None = None) -> Drafts:
    """Read every line and propose its figures, relations and unknown names."""
    _, doc_year = parse_date(doc_date)
    lex = lexicon or load_lexicon(seeds)
    src = name or source_name(doc, seeds)
    zh_lines = sum(1 for line in doc.lines if _HAN.search(line))
    en_lines = sum(1 for line in doc.lines if line.strip() and _han_share(line) < 0.2)
    language = lang or ("zh|en" if zh_lines and en_lines > 3 else "zh" if zh_lines else "en")
    first_text = next((line.strip() for line in doc.lines if line.strip()), "")
    drafts = Drafts({"file": src, "title_zh": title if _HAN.search(title) else first_text[:80],
                     "title_en": title if title and not _HAN.search(title) else "",
                     "date": doc_date, "publisher": publisher,
                     "kind": "web page" if url else "document", "language": language,
                     "lines": str(len(doc.lines))})
    if url:
        drafts.source["kind"] = f"web page ({url})"
    ctx = _Context(year=doc_year)
    title_line = next((i for i, line in enumerate(doc.lines, 1) if line.strip()), 0)
    # a headline figure restated in the body is cited where the body prints it (the line
    # right after the title may be its translation, so it does not count)
    body = [line for line in doc.lines[title_line:] if line.strip()][1:]
    later_values = {f.magnitude for line in body for f in find_figures(line) if f.unit}
    prev_han_values: set[Decimal] = set()
    new_names: dict[str, dict[str, str]] = {}
    carry = ""
    for n, line in enumerate(doc.lines, start=1):
        if not line.strip():
            continue  # text exported from PDF puts blank lines inside sentences
        text, index = clean(line)
        norm = normalise(text)
        figures = [f for f in find_figures(text) if worth_a_row(f, text)]
        if len(figures) > MAX_FIGURES_PER_LINE:
            raise DocumentError(f"{doc.path.name}:{n}: {len(figures)} figures on one line; "
                                f"is this a table? (at most {MAX_FIGURES_PER_LINE})")
        values = [f.magnitude for f in figures]
        if _HAN.search(norm) and _han_share(norm) >= 0.2:
            prev_han_values = set(values)
        elif figures and 2 * sum(v in prev_han_values for v in values) >= len(values):
            # the translation of the Chinese line above: cite the original, once
            drafts.skipped_translations += len(figures)
            prev_han_values = set()
            continue
        else:
            prev_han_values = set()
        if n == title_line:
            figures = [f for f in figures if f.magnitude not in later_values]
        # a hard-wrapped line continues the sentence the line above left open
        full = carry + norm
        off = len(carry)
        shifted = [replace(f, start=f.start + off, end=f.end + off,
                           number_start=f.number_start + off, number_end=f.number_end + off)
                   for f in figures]
        mentions = find_entities(full, lex)
        periods = find_periods(full, doc_year, year_of(ctx.period) or ctx.year, doc_date)
        for p in periods:
            if p.explicit_year:
                ctx.year = year_of(p.period) or ctx.year
        sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(full)]
        # 据世贸组织统计: who states the figure, not whose figure it is
        sources_of = [m for m in mentions
                      if (_SAYS_BEFORE.search(full[max(0, m.start - 3):m.start])
                          and _SAYS_AFTER.match(full, m.end)) or _REPORT_SAYS.match(full, m.end)]
        mentions = [m for m in mentions if m not in sources_of]
        previous = previous_row = line_period = None
        for f0, f in zip(figures, shifted, strict=True):
            s_start = max(s for s in sentence_starts if s <= f.number_start)
            s_end = min([s for s in sentence_starts if s > f.number_start] + [len(full)])
            c_start = max([m.end() for m in _CLAUSE_END.finditer(full, 0, f.number_start)]
                          + [0])
            clause = full[c_start:f.number_start]
            before = full[s_start:f.number_start]
            certain = 1.0
            reporter, partner, hint, here = parties(full, f.number_start, s_start, mentions)
            stated_by = next((m.entity.id for m in reversed(sources_of)
                              if s_start <= m.start < f.number_start), "")
            if not here:
                reporter, partner = "", ""
            flow = last_flow(before) or hint
            growth = f.kind in ("percent", "times") and (f.sign or "同比" in clause)
            if (growth and previous is not None and previous.kind in _VALUE_KINDS
                    and previous_row is not None and previous.number_start >= s_start
                    and not re.search(r"出口|进口|贸易|exports?|imports?|trade", clause)):
                # a growth rate follows the value it qualifies: 出口23亿美元，增长5%
                reporter = previous_row["reporter"]
                partner = previous_row["partner"]
                flow = previous_row["flow"]
                commodity = previous_row["commodity"]
                period = previous_row["period"] or None
            else:
                commodity = commodity_for(before, s_start, mentions)
                period = _period_for(full, f, periods, s_start, c_start)
            if f.kind == "rank":
                # 中国是俄罗斯第一大贸易伙伴: the ranking is Russia's, China is ranked
                owner = [m for m in mentions if m.end <= f.number_start
                         and re.fullmatch(r"\s?的?\s?", full[m.end:f.number_start])
                         and m.entity.type in COUNTRY_TYPES]
                if owner:
                    reporter = owner[-1].entity.id
                    others = [m.entity.id for m in mentions if m.end <= owner[-1].start
                              and m.start >= max(0, s_start - 200)
                              and m.entity.type in COUNTRY_TYPES and m.entity.id != reporter]
                    partner = others[-1] if others else ""
            listed = listed_partners(full, f.number_start, s_start, mentions)
            if listed:
                run = _run_of(full, shifted, f)
                k = run.index(f)
                fenbie = full.rfind("分别", s_start, f.number_start) >= 0
                if k < len(listed) and (fenbie or len(run) == len(listed)):
                    partner = listed[k]
                    if reporter in listed:
                        reporter = ""
            if not reporter:
                reporter, certain = (ctx.reporter, certain - 0.2) if ctx.reporter else ("", 0.4)
                if not partner and ctx.partner and reporter == ctx.reporter:
                    partner = ctx.partner
            if re.match(r"\s?(?:同期|同时期|same period)", full[s_start:]):
                period = line_period or period  # 同期，…: the period just reported
            if period is None:
                period = ctx.period
                certain -= 0.1
            after = full[f.number_end:f.number_end + 8]
            in_words = f.kind == "percent" and not re.search(
                r"\d\s*%|per ?cent", full[f.number_start:f.number_end])
            measure = measure_for(f.kind, f.unit, f.sign, clause if f.kind != "money"
                                  else before, flow, after, in_words)
            if f.kind == "money" and re.match(r"(?:的|贸易)?(?:顺差|逆差|差额)", after):
                measure, flow = "TradeBalance", "balance"
            streaked = bool(re.search(r"连续|续", full[max(0, f.number_start - 4):f.number_start]))
            if streaked:
                period = streak(period, int(f.magnitude), f.unit or "")
            if measure in ("ExportValue", "ImportValue", "TradeValue", "TradeBalance"):
                flow = {"ExportValue": "export", "ImportValue": "import",
                        "TradeValue": "total", "TradeBalance": "balance"}[measure]
            if measure == "OtherMeasure":
                certain -= 0.2
            if f.unit not in UNITS:
                certain -= 0.3
            base = ""
            if measure in ("GrowthRate", "Multiple", "Contribution", "ShareChange",
                           "PriceChange", "CountChange"):
                base = base_period(before, period) or ""
            row = {
                "measure": measure, "reporter": reporter, "partner": partner,
                "flow": flow if measure not in ("Rank", "Count") else "",
                "commodity": commodity,
                "via": "|".join(routes_for(s_start, s_end, full, mentions)),
                "period": period or "", "base_period": base,
                "value": _fmt(f.value), "upper": _fmt(f.upper), "unit": f.unit,
                "approx": f.approx or "", "modality": modality_for(full[s_start:f.end]),
                "stated_by": stated_by,
                "note_en": f"Draft from line {n}: {measure} ({f.kind}).",
                "source": src, "line": str(n), "quote": _quote(line, index, f0),
                "confidence": f"{max(0.1, certain):.2f}", "status": "candidate",
            }
            if row["quote"] and row["quote"] in line:
                drafts.observations.append(row)
            previous, previous_row = f, row
            if row["modality"] in ("", "fact"):
                # plans and forecasts do not move the narrative's "now"
                if reporter:
                    ctx.reporter, ctx.partner = reporter, partner
                if period and not streaked:
                    line_period = period
                    # across lines only the year carries: a month or quarter is one claim's
                    years = {year_of(x) for x in period.split("/") if x != ".."}
                    if len(years) == 1:
                        ctx.period = str(years.pop())
        tail = full[max([m.end() for m in _SENTENCE_END.finditer(full)] + [0]):]
        carry = tail[-300:] if line.strip() and not _SENTENCE_END.search(
            line.strip()[-1:]) else ""
        mentions = [replace(m, start=m.start - off, end=m.end - off) for m in mentions
                    if m.start >= off]
        for rel in find_relations(norm, mentions, ctx.reporter):
            a, b = original_span(index, rel.start, rel.end)
            quote = line[a:b].strip()
            if len(quote) > MAX_QUOTE:
                quote = quote[:MAX_QUOTE]
            drafts.relations.append({
                "subject": rel.subject, "predicate": rel.predicate, "object": rel.object,
                "note_en": f"Draft from line {n}: {rel.note}.", "source": src, "line": str(n),
                "quote": quote, "confidence": "0.60", "status": "candidate"})
        for start, end, nm, kind, typ in unknown_names(norm, mentions):
            if nm in new_names:
                continue
            a, b = original_span(index, start, end)
            quote = line[a:b][:MAX_QUOTE]
            new_names[nm] = {"kind": kind, "id": "", "type": typ, "label_en": "",
                             "label_zh": nm, "aliases": "", "wikidata": "",
                             "note_en": f"Name first seen on line {n}; give it an id and an "
                                        "English label.",
                             "source": src, "line": str(n), "quote": quote,
                             "confidence": "0.50", "status": "candidate"}
    drafts.entities = list(new_names.values())
    drafts.source["extractor"] = EXTRACTOR_VERSION
    return drafts
