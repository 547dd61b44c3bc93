"""Draw the graph as an interactive network page that works offline from file:// (issue 5).

The flow is three plain functions over an rdflib graph:

    load_model(graph)          -> Model   entities, and facts that join two entities or
                                          describe one, each with its citations
    select_view(model, ...)    -> View    the whole graph, a focus, or the routes between two
                                          entities, after filters (country, period, relation,
                                          source); parallel facts merge into one edge per pair
    render(model, view, ...)   -> str     one self-contained HTML page

`draw(graph, ...)` runs all three and returns a `Drawing`, a str that Jupyter shows inline.

Safety: the page loads nothing. vis-network's JS and CSS are copied in from the pyvis package;
pyvis's own template is not used because it links Bootstrap from a CDN and, as soon as one
tooltip contains "href", sets every tooltip with innerHTML. Text from the data reaches the page
only (a) HTML-escaped by Jinja's autoescape (heading, legend, summary) or (b) inside one JSON
data block with <, >, & escaped, from which the page script builds tooltips and the search menu
with textContent. Node and edge labels are drawn on the canvas, which never parses HTML. A
Content-Security-Policy with script hashes forbids any request and any script that is not ours.

networkx, pyvis and jinja2 are imported inside the functions that need them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from .namespaces import KG

LARGE = 1500  # more nodes than this: aggregate commodities, lay out in Python, physics off
MAX_TIP_FACTS = 500  # facts carried per node or edge (the hover tooltip shows the first 10,
# a click opens a panel with all of them)
MAX_PATHS = 200  # routes drawn by --between

# Classes are placed in groups by `econkg.readmodel` (from the ontology's class hierarchy);
# each group has a look here.
# group: (colour, vis shape, size, English, Chinese) — in legend order.
GROUP_STYLES: dict[str, tuple[str, str, int, str, str]] = {
    "country": ("#1f4e9c", "dot", 26, "country", "国家"),
    "bloc": ("#3d5f9e", "dot", 22, "bloc or grouping", "国家集团"),
    "region": ("#5b8fd6", "dot", 18, "region", "区域"),
    "province": ("#6f9fe0", "dot", 16, "province", "省份"),
    "city": ("#9cc3ee", "dot", 13, "city or county", "城市或县"),
    "port": ("#0f9fb0", "square", 13, "port or crossing", "口岸"),
    "zone": ("#57b9c4", "square", 12, "zone or park", "园区"),
    "river": ("#4aa3df", "triangleDown", 13, "river", "河流"),
    "corridor": ("#f28e2b", "triangle", 15, "corridor or route", "通道或线路"),
    "commodity": ("#3a9d4a", "diamond", 11, "commodity", "商品"),
    "agreement": ("#d63a3a", "star", 16, "agreement, sanction or policy", "协定、制裁或政策"),
    "organisation": ("#8a5cc2", "hexagon", 13, "organisation", "组织机构"),
    "person": ("#e377c2", "dot", 11, "person", "人物"),
    "platform": ("#8c5a3c", "square", 12, "platform", "平台"),
    "event": ("#c9a400", "star", 13, "event", "事件"),
    "other": ("#8c8c8c", "dot", 10, "other", "其他"),
}

# Label sizes that keep countries and regions legible in views of more than 100 nodes.
MIN_FONT = {"country": 32, "bloc": 24, "region": 20, "province": 20}

# Relations the drawing makes that read the same both ways; the ontology's own symmetric
# properties (owl:SymmetricProperty: tradesWith, adjoins…) join them in `Model.symmetric`.
DRAWN_SYMMETRIC = {"figures"}

# Relations the drawing derives (not ekg: properties of two entities).
DERIVED_RELATIONS = {
    "via": ("via", "经由"),
    "broader": ("broader concept", "上位概念"),
    "figures": ("reported figures", "统计数据"),
}

WORDS = {
    "en": {"via": "via", "commodity": "commodity", "period": "period", "settled": "settled in",
           "avoids": "avoids", "exchange": "in exchange for", "note": "note",
           "uncited": "no citation: entity description", "more": "… and {n} more",
           "id": "id", "aliases": "also called", "iso": "ISO code", "hs": "HS code",
           "coords": "coordinates", "broader": "within", "located": "located in",
           "widest": "trade value (USD) that sets the line width", "flow": "flow",
           "nodes": "nodes", "edges": "edges", "whole": "the whole graph",
           "focus": "within {d} step(s) of {x}", "between": "routes between {a} and {b}",
           "countries": "touching {x}", "in_period": "in {x}", "relations": "relations: {x}",
           "sources": "cited in {x}", "aggregated": "commodities merged into their HS chapter",
           "static": "layout precomputed, physics off", "find": "Find",
           "choose": "— choose an entity —", "legend": "Legend", "close": "Close",
           "click": "… and {n} more: click to see all",
           "width": "line width: trade value in USD (log scale)",
           "hover": "hover a node or line for its facts and citations; click for all",
           "arrows": "arrow: direction of the relation", "title": "econkg network",
           "members": "merged: {x}", "route": "route", "modality": "kind of claim"},
    "zh": {"via": "经由", "commodity": "商品", "period": "时期", "settled": "结算方式",
           "avoids": "绕开", "exchange": "交换", "note": "说明",
           "uncited": "无引证：实体描述", "more": "……另有 {n} 条",
           "id": "标识", "aliases": "又称", "iso": "ISO代码", "hs": "HS编码",
           "coords": "坐标", "broader": "属于", "located": "位于",
           "widest": "决定线宽的贸易额（美元）", "flow": "贸易流",
           "nodes": "节点", "edges": "连线", "whole": "全图",
           "focus": "{x} 周围 {d} 步以内", "between": "{a} 与 {b} 之间的路径",
           "countries": "涉及 {x}", "in_period": "时期 {x}", "relations": "关系：{x}",
           "sources": "引自 {x}", "aggregated": "商品合并至HS章",
           "static": "预先布局，物理模拟关闭", "find": "查找",
           "choose": "— 选择实体 —", "legend": "图例", "close": "关闭",
           "click": "……另有 {n} 条：点击查看全部",
           "width": "线宽：贸易额（美元，对数刻度）",
           "hover": "将鼠标移到节点或连线上查看事实与引证，点击查看全部",
           "arrows": "箭头：关系方向", "title": "econkg 关系网络",
           "members": "合并：{x}", "route": "路径", "modality": "陈述性质"},
}


class VizError(ValueError):
    """A view that cannot be drawn: an unknown entity, relation or source, or no route."""


# --------------------------------------------------------------------------------------------
# The model: entities and facts
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cite:
    source: str
    line: int
    quote: str


@dataclass
class Fact:
    """One statement, flow, observation, bare triple or description.

    Edge facts have both `subject` and `object` (entity ids); node facts only `subject`.
    `parts` are (word key, value) pairs; a value that is an entity id is shown by its label.
    """

    relation: str
    subject: str
    object: str | None = None
    period: str = ""
    start: date | None = None
    end: date | None = None
    parts: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    citations: list[Cite] = field(default_factory=list)
    figure: tuple[str, Decimal, str, str] | None = None  # measure, value, unit, approximation
    via: list[str] = field(default_factory=list)
    commodity: str = ""
    route: tuple[str, str, str] | None = None  # supplier, via, recipient of a "via" fact


@dataclass
class Entity:
    id: str
    iri: str
    cls: str = "Entity"
    group: str = "other"
    label_en: str = ""
    label_zh: str = ""
    aliases: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    codes: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    broader: list[str] = field(default_factory=list)
    chapter: str | None = None  # the HS chapter a commodity rolls up to

    def label(self, lang: str) -> str:
        first, second = (self.label_zh, self.label_en) if lang == "zh" else \
            (self.label_en, self.label_zh)
        return first or second or self.id


@dataclass
class Model:
    entities: dict[str, Entity]
    facts: list[Fact]  # edge facts
    node_facts: dict[str, list[Fact]]
    labels: dict[str, tuple[str, str]]  # ekg term or relation → (en, zh)
    located_in: dict[str, set[str]]
    symmetric: set[str] = field(default_factory=lambda: set(DRAWN_SYMMETRIC))

    def term(self, key: str, lang: str) -> str:
        en, zh = self.labels.get(key, ("", ""))
        text = zh if lang == "zh" else en
        return text or en or key

    def name(self, ident: str, lang: str) -> str:
        e = self.entities.get(ident)
        return e.label(lang) if e else self.term(ident, lang)


def _read_cites(rows: list[dict[str, Any]]) -> list[Cite]:
    return sorted({Cite(c["source"] or "?", c["line"] or 0, c["quote"] or "") for c in rows},
                  key=lambda c: (c.source, c.line, c.quote))


def _when(p) -> tuple[str, date | None, date | None]:
    return (p.text, p.start, p.end) if p is not None else ("", None, None)


def _term(ident: str) -> str:
    """`ekg:RUB` → `RUB`, the key of the ontology's labels; ids stay as they are."""
    return ident.removeprefix("ekg:")


def _camel(kebab: str | None) -> str:
    """more-than → MoreThan, the ontology term of a seed's approximation."""
    return "".join(part.capitalize() for part in (kebab or "").split("-"))


def load_model(graph: Graph | Dataset, *,
               modalities: Iterable[str] | None = ("fact",)) -> Model:
    """Read entities and facts from a built econkg graph (a Dataset or its union Graph),
    through `econkg.readmodel`, the reading that analysis and stats share. Only facts are
    drawn unless `modalities` asks for plans, proposals, projections or lacks too (None:
    every kind); those carry their kind of claim in their text."""
    from .readmodel import read

    rm = read(graph)
    schema = rm.schema
    keep = set(modalities) if modalities is not None else None

    def wanted(m: str) -> bool:
        return keep is None or m in keep

    def claim(f: Fact, m: str) -> Fact:
        if m != "fact":
            f.parts.append(("modality", m))
        return f

    labels: dict[str, tuple[str, str]] = dict(DERIVED_RELATIONS)
    labels.update(schema.labels)
    entities: dict[str, Entity] = {}
    for ident, r in rm.entities.items():
        if not (r.label_en or r.label_zh):
            continue
        entities[ident] = Entity(ident, r.iri, r.kind, r.group, r.label_en, r.label_zh,
                                 list(r.aliases), r.lat, r.lon, list(r.codes), r.note,
                                 list(r.broader))
    for e in entities.values():
        e.chapter = _chapter(e, entities)

    facts: list[Fact] = []
    node_facts: dict[str, list[Fact]] = defaultdict(list)

    def add(f: Fact) -> None:
        if f.object is not None and f.object in entities and f.subject in entities:
            facts.append(f)
        elif f.subject in entities:
            node_facts[f.subject].append(f)

    # Trade flows: one fact each, drawn as "exports to" between supplier and recipient.
    flow_keys: set[tuple[str, str, str, str]] = set()
    flow_facts: dict[str, Fact] = {}
    flows = [fl for fl in rm.flows if fl.supplier and fl.recipient and wanted(fl.modality)]
    for fl in flows:
        commodity = fl.commodities[0] if fl.commodities else ""
        f = claim(Fact("exportsTo", fl.supplier, fl.recipient, *_when(fl.period),
                       note=fl.note, citations=_read_cites(fl.citations), commodity=commodity),
                  fl.modality)
        f.via = [v for v in fl.via if "/" not in v]
        f.parts.extend(("settled", _term(x)) for x in fl.settled_in)
        f.parts.extend(("avoids", _term(x)) for x in fl.avoids)
        flow_facts[fl.id] = f
        flow_keys.add((fl.supplier, fl.recipient, commodity, f.period))
    for fl in flows:
        f = flow_facts[fl.id]
        for x in fl.in_exchange_for:
            other = flow_facts.get(x)
            if other:
                f.parts.append(("exchange", other.commodity or other.object or ""))
        add(f)

    # Statements: the direct triple with its period, commodity, via, note and citations.
    stated: set[tuple[str, str, str]] = set()
    flow_names = {fl.id: fl for fl in rm.flows}
    for st in rm.statements:
        if st.subject.startswith("ekg:"):
            continue
        stated.add((st.subject, st.relation, st.object))
        if not wanted(st.modality):
            continue
        obj = st.object if ("/" not in st.object and not st.object.startswith("ekg:")) \
            else None
        text, start, end = _when(st.period)
        commodity = st.commodity[0] if st.commodity else ""
        if st.relation == "exportsTo" and (st.subject, obj, commodity, text) in flow_keys:
            continue  # the flow fact above says this, with more detail
        f = claim(Fact(st.relation, st.subject, obj, text, start, end, note=st.note,
                       citations=_read_cites(st.citations), commodity=commodity), st.modality)
        f.via = [v for v in st.via if "/" not in v]
        if obj is None:  # the object is a flow or an ontology term: describe it
            name = st.object.rsplit("/", 1)[-1]
            f.parts.append(("", _term(st.object) if st.object.startswith("ekg:")
                            else _flow_label(rm, flow_names, name)))
        add(f)

    # Direct triples without a statement: exports/imports (from flows), event participants
    # and locations (cited by the event), place hierarchy and the like (entity table).
    events = {ev.id: ev for ev in rm.events}
    for tr in rm.triples:
        subj, rel, obj = tr.subject, tr.relation, tr.object
        if obj.startswith("ekg:") or (subj, rel, obj) in stated or subj not in entities:
            continue
        if rel in ("exports", "imports"):
            mine = [fl for fl in rm.flows if obj in fl.commodities
                    and (fl.supplier if rel == "exports" else fl.recipient) == subj]
            for fl in mine:
                if wanted(fl.modality):
                    add(claim(Fact(rel, subj, obj, *_when(fl.period),
                                   citations=_read_cites(fl.citations)), fl.modality))
            if mine:
                continue
        if rel in ("participant", "location") and subj in events:
            ev = events[subj]
            if wanted(ev.modality):
                add(claim(Fact(rel, subj, obj, *_when(ev.period),
                               citations=_read_cites(ev.citations)), ev.modality))
            continue
        add(Fact(rel, subj, obj))

    # The commodity hierarchy.
    for e in entities.values():
        for b in e.broader:
            add(Fact("broader", e.id, b))

    # Observations: figures between reporter and partner (or reporter and commodity).
    for o in rm.observations:
        if not o.reporter or o.reporter.startswith("ekg:") or not wanted(o.modality):
            continue
        commodity = o.commodity or ""
        f = claim(Fact("figures", o.reporter, o.partner or commodity or None,
                       *_when(o.period), note=o.note or "", citations=_read_cites(o.citations),
                       figure=(o.measure or "?", o.value, o.unit or "",
                               _camel(o.approximation)),
                       commodity=commodity if o.partner else ""), o.modality)
        if o.flow:
            f.parts.append(("flow", o.flow))
        f.via = [v for v in o.via if "/" not in v and not v.startswith("ekg:")]
        add(f)

    # Anything that has a via also puts its two ends next to the via: supplier → port → buyer.
    # A flow and the figures about it share one route fact per leg.
    routes: dict[tuple[str, str, str, str, str], Fact] = {}
    for f in list(facts):
        if not (f.object and f.via):
            continue
        for v in f.via:
            if v not in entities or v in (f.subject, f.object):
                continue
            for a, b in ((f.subject, v), (v, f.object)):
                key = (a, b, f.subject, f.object, f.commodity)
                r = routes.get(key)
                if r is None:
                    r = routes[key] = Fact("via", a, b, commodity=f.commodity,
                                           route=(f.subject, v, f.object))
                    facts.append(r)
                _widen(r, f)

    located: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        if f.relation == "locatedIn" and f.object:
            located[f.subject].add(f.object)
    return Model(entities, facts, dict(node_facts), labels, dict(located),
                 schema.symmetric | DRAWN_SYMMETRIC)


def _flow_label(rm, flows, ident: str) -> str:
    node = flows[ident].node if ident in flows else None
    if node is not None:
        en = rm.index.label(node, "en")
        if en:
            return en
    return ident


def _widen(route: Fact, f: Fact) -> None:
    """Let a route fact cover the period and citations of one more fact along it."""
    route.citations = sorted(set(route.citations) | set(f.citations),
                             key=lambda c: (c.source, c.line, c.quote))
    if f.period:
        route.period = ", ".join(sorted({*route.period.split(", "), f.period} - {""}))
    if f.start and (route.start is None or f.start < route.start):
        route.start = f.start
    if f.end and (route.end is None or f.end > route.end):
        route.end = f.end


def _chapter(e: Entity, entities: dict[str, Entity]) -> str | None:
    """The HS chapter a commodity rolls up to through skos:broader, if any."""
    if e.group != "commodity":
        return None
    seen, todo = set(), [e.id]
    while todo:
        x = todo.pop(0)
        if x in seen or x not in entities:
            continue
        seen.add(x)
        if entities[x].cls == "HSChapter":
            return x
        todo.extend(entities[x].broader)
    return None


# --------------------------------------------------------------------------------------------
# Finding entities by id, name or alias
# --------------------------------------------------------------------------------------------

def resolve_entity(model: Model, text: str) -> str:
    """An entity id from an id, an English or Chinese name, or an alias (case-insensitive)."""
    raw = text.strip()
    key = raw.removeprefix("kg:").removeprefix(str(KG))
    if key in model.entities:
        return key
    want = raw.casefold()
    hits = sorted(e.id for e in model.entities.values()
                  if want in {x.casefold() for x in (e.id, e.label_en, e.label_zh, *e.aliases)
                              if x})
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise VizError(f"{raw!r} names several entities ({', '.join(hits)}); give the id")
    import difflib

    names: dict[str, str] = {}
    for e in model.entities.values():
        for x in (e.id, e.label_en, e.label_zh, *e.aliases):
            if x:
                names.setdefault(x.casefold(), e.id)
    from .seeds import similarity_cutoff

    close = difflib.get_close_matches(want, list(names), n=3, cutoff=similarity_cutoff(want))
    hint = f"; did you mean {', '.join(sorted({names[c] for c in close}))}?" if close else ""
    raise VizError(f"no entity called {raw!r}{hint}")


def resolve_relation(model: Model, text: str) -> str:
    known = {f.relation for f in model.facts} | set(DERIVED_RELATIONS)
    raw = text.strip().removeprefix("ekg:")
    if raw in known:
        return raw
    for rel in known:
        en, zh = model.labels.get(rel, ("", ""))
        if raw.casefold() in {rel.casefold(), en.casefold(), zh}:
            return rel
    raise VizError(f"no relation {text!r} in the graph; relations: {', '.join(sorted(known))}")


def resolve_source(model: Model, text: str) -> str:
    known = sorted({c.source for f in _all_facts(model) for c in f.citations})
    raw = text.strip()
    for name in known:
        if raw in (name, name.removesuffix(".txt")):
            return name
    hits = [n for n in known if n.startswith(raw)]
    if len(hits) == 1:
        return hits[0]
    what = "several documents" if hits else "no document"
    raise VizError(f"{raw!r} matches {what}; documents: {', '.join(hits or known)}")


def _all_facts(model: Model) -> Iterable[Fact]:
    yield from model.facts
    for fs in model.node_facts.values():
        yield from fs


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------

@dataclass
class View:
    nodes: list[str]  # entity ids (or aggregate ids when aggregated)
    edges: dict[tuple[str, str], list[Fact]]  # unordered pair (sorted) → its facts
    description: list[str]
    node_facts: dict[str, list[Fact]]
    members: dict[str, list[str]] = field(default_factory=dict)  # aggregate → entity ids
    positions: dict[str, tuple[float, float]] | None = None
    aggregated: bool = False
    physics: bool = True  # False: the positions are final and the page does not move them

    def counts(self) -> tuple[int, int]:
        return len(self.nodes), len(self.edges)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def select_view(model: Model, *, focus: str | None = None, depth: int = 1,
                between: Sequence[str] | None = None, slack: int = 0,
                countries: Sequence[str] = (), period: str | None = None,
                relations: Sequence[str] = (), sources: Sequence[str] = (),
                lang: str = "en") -> View:
    """Choose the nodes and edges to draw. Raises VizError for unknown names or no route."""
    w = WORDS[_lang(lang)]
    desc: list[str] = []
    rels = {resolve_relation(model, r) for r in relations}
    srcs = {resolve_source(model, s) for s in sources}
    inside: set[str] = set()
    country_ids = [resolve_entity(model, c) for c in countries]
    for c in country_ids:
        inside |= _within(model, c)
    window = None
    if period:
        from .periods import parse_period

        try:
            p = parse_period(period)
        except ValueError as exc:
            raise VizError(str(exc)) from None
        window = (p.start, p.end)

    def keep(f: Fact) -> bool:
        if rels and f.relation not in rels:
            return False
        if srcs and not any(c.source in srcs for c in f.citations):
            return False
        if window and f.period and ((f.end is not None and f.end < window[0])
                                    or (f.start is not None and f.start > window[1])):
            return False
        return not (inside and f.subject not in inside and (f.object not in inside))

    edges: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in model.facts:
        if f.object and f.subject != f.object and keep(f):
            edges[_pair(f.subject, f.object)].append(f)
    node_facts = {n: [f for f in fs if keep(f)] for n, fs in model.node_facts.items()}
    filtered = bool(rels or srcs or window or inside)
    if filtered:
        nodes = {x for pair in edges for x in pair} | set(country_ids)
        nodes |= {n for n, fs in node_facts.items() if fs and (rels or srcs)}
    else:
        nodes = set(model.entities)
    if country_ids:
        desc.append(w["countries"].format(x=", ".join(model.name(c, lang) for c in country_ids)))
    if period:
        desc.append(w["in_period"].format(x=period))
    if rels:
        desc.append(w["relations"].format(x=", ".join(model.term(r, lang) for r in sorted(rels))))
    if srcs:
        desc.append(w["sources"].format(x=", ".join(sorted(srcs))))

    adj: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)

    if focus is not None and between:
        raise VizError("give --focus or --between, not both")
    if focus is not None:
        if depth < 0:
            raise VizError("depth must be 0 or more")
        f_id = resolve_entity(model, focus)
        keep_nodes = {f_id}
        frontier = {f_id}
        for _ in range(depth):
            frontier = {n for x in frontier for n in adj[x]} - keep_nodes
            keep_nodes |= frontier
        nodes = keep_nodes
        edges = {k: v for k, v in edges.items() if k[0] in nodes and k[1] in nodes}
        desc.insert(0, w["focus"].format(d=depth, x=model.name(f_id, lang)))
    elif between:
        if len(between) != 2:
            raise VizError("--between takes two entities")
        a, b = (resolve_entity(model, x) for x in between)
        if a == b:
            raise VizError("--between needs two different entities")
        path_edges = _routes(adj, a, b, slack)
        if path_edges is None:
            raise VizError(f"no route between {model.name(a, lang)} and {model.name(b, lang)}"
                           + (" in this view" if filtered else ""))
        edges = {k: v for k, v in edges.items() if k in path_edges}
        nodes = {x for pair in edges for x in pair}
        desc.insert(0, w["between"].format(a=model.name(a, lang), b=model.name(b, lang)))
    elif not desc:
        desc.append(w["whole"])
    return View(sorted(nodes), dict(sorted(edges.items())), desc,
                {n: fs for n, fs in node_facts.items() if n in nodes and fs})


def _within(model: Model, place: str) -> set[str]:
    """The place and everything located in it, at any depth."""
    children: dict[str, set[str]] = defaultdict(set)
    for child, parents in model.located_in.items():
        for p in parents:
            children[p].add(child)
    out, todo = set(), [place]
    while todo:
        x = todo.pop()
        if x not in out:
            out.add(x)
            todo.extend(children[x])
    return out


def _routes(adj: dict[str, set[str]], a: str, b: str,
            slack: int) -> set[tuple[str, str]] | None:
    """Edges on every path from a to b no longer than the shortest path plus slack."""
    import networkx as nx

    g = nx.Graph()
    for x, ns in adj.items():
        for y in ns:
            g.add_edge(x, y)
    if a not in g or b not in g or not nx.has_path(g, a, b):
        return None
    shortest = nx.shortest_path_length(g, a, b)
    out: set[tuple[str, str]] = set()
    paths = nx.all_simple_paths(g, a, b, cutoff=shortest + max(slack, 0)) if slack > 0 \
        else nx.all_shortest_paths(g, a, b)
    for i, path in enumerate(paths):
        if i >= MAX_PATHS:
            break
        out.update(_pair(x, y) for x, y in itertools.pairwise(path))
    return out


def aggregate(model: Model, view: View) -> View:
    """Collapse commodities into their HS chapter (skos:broader), merging their edges."""
    owner = {}
    for n in view.nodes:
        e = model.entities.get(n)
        owner[n] = e.chapter if e and e.chapter else n
    members: dict[str, list[str]] = defaultdict(list)
    for n, o in owner.items():
        members[o].append(n)
    edges: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for (a, b), facts in view.edges.items():
        x, y = owner.get(a, a), owner.get(b, b)
        if x != y:
            edges[_pair(x, y)].extend(facts)
    node_facts: dict[str, list[Fact]] = defaultdict(list)
    for n, fs in view.node_facts.items():
        node_facts[owner.get(n, n)].extend(fs)
    return View(sorted(members), dict(sorted(edges.items())), view.description,
                dict(node_facts), {k: sorted(v) for k, v in members.items() if len(v) > 1},
                aggregated=True)


def layout(view: View, seed: int = 7, iterations: int = 60) -> dict[str, tuple[float, float]]:
    """Positions in pixels: Fruchterman–Reingold on the undirected projection, in numpy.

    The same algorithm as networkx.spring_layout(method="force"), with the all-pairs
    repulsion vectorised in row blocks: networkx's sparse variant loops in Python and took
    51 s for 2,060 nodes, this takes about a second. A weak pull to the centre keeps
    isolated nodes and small components in view.
    """
    import numpy as np

    n = len(view.nodes)
    if n == 0:
        return {}
    index = {x: i for i, x in enumerate(view.nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in view.edges
                      if a in index and b in index and a != b], dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    cool = temperature / (iterations + 1)
    block = max(1, 2_000_000 // n)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
        for start in range(0, n, block):
            dx = x[start:start + block, None] - x[None, :]
            dy = y[start:start + block, None] - y[None, :]
            inv = dx * dx
            inv += dy * dy
            np.maximum(inv, 1e-6, out=inv)
            np.divide(k * k, inv, out=inv)
            disp[start:start + block, 0] += np.einsum("ij,ij->i", dx, inv)
            disp[start:start + block, 1] += np.einsum("ij,ij->i", dy, inv)
        if len(src):
            delta = pos[src] - pos[dst]
            pull = delta * (np.sqrt((delta * delta).sum(axis=1)) / k)[:, None]
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        disp -= (pos - pos.mean(axis=0)) * (0.5 * k * math.sqrt(n))
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cool
    pos -= pos.mean(axis=0)
    extent = float(np.abs(pos).max()) or 1.0
    scale = max(60 * math.sqrt(n), 320) / extent
    return {x: (round(float(pos[i, 0]) * scale, 1), round(float(pos[i, 1]) * scale, 1))
            for x, i in index.items()}


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

def _lang(lang: str) -> str:
    if lang not in WORDS:
        raise VizError(f"unknown language {lang!r}; use en or zh")
    return lang


def _number(value: Decimal) -> str:
    q = value.normalize()
    if q == q.to_integral_value():
        return f"{int(q):,}"
    return f"{q:,f}"


def _fact_text(model: Model, f: Fact, lang: str) -> str:
    w = WORDS[lang]

    def name(x: str) -> str:
        return model.name(x, lang)

    bits: list[str] = []
    if f.figure:
        measure, value, unit, approx = f.figure
        who = name(f.subject)
        if f.object:
            who += (" – " if lang == "en" else "—") + name(f.object)
        fig = f"{model.term(approx, lang) + ' ' if approx else ''}{_number(value)} " \
              f"{model.term(unit, lang)}"
        bits.append(f"{model.term(measure, lang)}, {who}: {fig}")
    elif f.route:
        bits.append(f"{w['route']}: " + " → ".join(name(x) for x in f.route))
    elif f.object is None:
        values = [name(v) for k, v in f.parts if not k]
        bits.append(f"{model.term(f.relation, lang)}: {', '.join(values)}" if values
                    else model.term(f.relation, lang))
    else:
        arrow = " — " if f.relation in model.symmetric else " → "
        bits.append(f"{name(f.subject)}{arrow}{name(f.object)}: {model.term(f.relation, lang)}")
    if f.commodity:
        bits.append(f"{w['commodity']} {name(f.commodity)}")
    if f.via and not f.route:
        bits.append(f"{w['via']} {', '.join(name(v) for v in f.via)}")
    grouped: dict[str, list[str]] = {}
    for key, value in f.parts:
        if key:
            grouped.setdefault(key, []).append(name(value))
    bits.extend(f"{w[key]} {', '.join(values)}" for key, values in grouped.items())
    if f.period:
        bits.append(f.period)
    text = " · ".join(bits)
    if f.note:
        text += f" — {f.note}"
    return text


def _cites(f: Fact) -> list[list[Any]]:
    return [[c.source, c.line, c.quote] for c in f.citations]


def _tip_facts(items: list[dict], lang: str) -> tuple[list[dict], str]:
    if len(items) <= MAX_TIP_FACTS:
        return items, ""
    return items[:MAX_TIP_FACTS], WORDS[lang]["more"].format(n=len(items) - MAX_TIP_FACTS)


def _node_tip(model: Model, view: View, n: str, lang: str) -> dict:
    w = WORDS[lang]
    e = model.entities.get(n)
    facts: list[dict] = []
    if e is None:
        return {"h": n, "s": "", "f": []}
    other = e.label_zh if lang == "en" else e.label_en
    head = e.label(lang) + (f" · {other}" if other and other != e.label(lang) else "")
    sub = f"{model.term(e.cls, lang)} · {w['id']} {e.id}"
    if e.aliases:
        facts.append({"t": f"{w['aliases']}: {', '.join(e.aliases)}", "c": []})
    for key, code in e.codes:
        facts.append({"t": f"{w[key]}: {code}", "c": []})
    if e.lat is not None and e.lon is not None:
        facts.append({"t": f"{w['coords']}: {e.lat:.4f}, {e.lon:.4f}", "c": []})
    if e.note:
        facts.append({"t": f"{w['note']}: {e.note}", "c": []})
    if e.broader:
        facts.append({"t": f"{w['broader']}: {', '.join(model.name(b, lang) for b in e.broader)}",
                      "c": []})
    parents = sorted(model.located_in.get(n, ()))
    if parents:
        facts.append({"t": f"{w['located']}: {', '.join(model.name(p, lang) for p in parents)}",
                      "c": []})
    members = view.members.get(n)
    if members:
        facts.append({"t": w["members"].format(
            x=", ".join(model.name(m, lang) for m in members)), "c": []})
    for f in sorted(view.node_facts.get(n, ()), key=_fact_order):
        facts.append({"t": _fact_text(model, f, lang), "c": _cites(f)})
    shown, more = _tip_facts(facts, lang)
    return {"h": head, "s": sub, "f": shown, "more": more}


def _fact_order(f: Fact) -> tuple:
    """A total order on facts, so tooltips list them the same way in every run."""
    first = f.citations[0] if f.citations else Cite("", 0, "")
    figure = (f.figure[0], str(f.figure[1]), f.figure[2], f.figure[3]) if f.figure else ()
    return (f.relation, f.subject, f.object or "", f.start or date.min, f.period,
            first.source, first.line, f.commodity, figure, f.route or (), tuple(f.via),
            tuple(f.parts), f.note, tuple((c.source, c.line, c.quote) for c in f.citations))


def _usd(facts: Iterable[Fact]) -> Decimal | None:
    """The largest USD trade value among the facts (TradeValue, else export or import)."""
    for measures in (("TradeValue",), ("ExportValue", "ImportValue")):
        values = [f.figure[1] for f in facts
                  if f.figure and f.figure[0] in measures and f.figure[2] == "USD"]
        if values:
            return max(values)
    return None


def _width(usd: Decimal | None) -> float:
    if not usd or usd <= 0:
        return 1.0
    return round(min(12.0, 1.0 + 2.0 * max(0.0, math.log10(float(usd) / 1e6))), 2)


def _edge_item(model: Model, pair: tuple[str, str], facts: list[Fact], lang: str) -> dict:
    w = WORDS[lang]
    a, b = pair
    forward = any(f.subject == a and f.relation not in model.symmetric for f in facts)
    backward = any(f.subject == b and f.relation not in model.symmetric for f in facts)
    # Draw from the side most facts start at, so single-direction edges point the right way.
    if backward and not forward:
        a, b = b, a
        forward, backward = True, False
    arrows = "to, from" if forward and backward else ("to" if forward else "")
    rels: list[str] = []
    for f in sorted(facts, key=_fact_order):
        term = model.term(f.relation, lang)
        if term not in rels:
            rels.append(term)
    label = " / ".join(rels[:2]) + (f" +{len(rels) - 2}" if len(rels) > 2 else "")
    usd = _usd(facts)
    items = []
    seen = set()
    for f in sorted(facts, key=_fact_order):
        text = _fact_text(model, f, lang)
        key = (text, tuple(map(tuple, _cites(f))))
        if key in seen:
            continue
        seen.add(key)
        items.append({"t": text, "c": _cites(f)})
    if usd is not None:
        items.insert(0, {"t": f"{w['widest']}: {_number(usd)}", "c": []})
    shown, more = _tip_facts(items, lang)
    head = f"{model.name(a, lang)} — {model.name(b, lang)}"
    item = {"id": f"{a}|{b}", "from": a, "to": b, "label": label, "width": _width(usd),
            "relations": sorted({f.relation for f in facts}),
            "tip": {"h": head, "s": ", ".join(rels), "f": shown, "more": more}}
    if arrows:
        item["arrows"] = arrows
    if usd is not None:
        item["value_usd"] = float(usd)
    return item


def _options(view: View) -> dict:
    font = "Noto Sans, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, Arial, sans-serif"
    opts: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": font, "strokeWidth": 4,
                           "strokeColor": "#ffffff"},
                  "borderWidth": 1, "scaling": {"label": {"drawThreshold": 6}}},
        "edges": {"color": {"color": "#a7b0ba", "highlight": "#333333", "hover": "#333333"},
                  "font": {"size": 10, "color": "#555555", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "middle", "face": font},
                  "arrows": {"to": {"scaleFactor": 0.5}, "from": {"scaleFactor": 0.5}},
                  "smooth": {"enabled": True, "type": "continuous", "roundness": 0.2},
                  "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": not view.physics,
                        "multiselect": True},
        "layout": {"randomSeed": 7, "improvedLayout": view.positions is None
                   and len(view.nodes) <= 300},
    }
    if not view.physics:
        opts["physics"] = {"enabled": False}
        opts["edges"]["smooth"] = False
    else:
        # Positions computed in Python are only polished here, so a short run is enough.
        iterations = 250 if view.positions else 600
        opts["physics"] = {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.01,
                                 "springLength": 80 if len(view.nodes) > 100 else 190,
                                 "springConstant": 0.05,
                                 "damping": 0.5, "avoidOverlap": 0.5},
            "stabilization": {"enabled": True, "iterations": iterations, "fit": True,
                              "updateInterval": 50},
            "minVelocity": 1.5,
        }
    return opts


def _asset(name: str) -> str:
    """A file vendored in pyvis (vis-network 9.1.2) or in econkg/viz_template."""
    from importlib import resources

    if name.startswith("lib/"):
        # Locate pyvis without importing it: its __init__ pulls in IPython and jsonpickle.
        import importlib.util

        spec = importlib.util.find_spec("pyvis")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("pyvis is not installed; it provides vis-network for econkg viz")
        path = Path(next(iter(spec.submodule_search_locations))) / "templates" / name
        text = path.read_text(encoding="utf-8")
    else:
        text = (resources.files("econkg") / "viz_template" / name).read_text(encoding="utf-8")
    closing = {".js": "</script", ".css": "</style"}.get(Path(name).suffix)
    if closing and closing in text.lower():
        raise RuntimeError(f"{name} contains {closing}> and cannot be inlined")
    return text


def _json_block(data: Any) -> str:
    """JSON that is inert inside <script type="application/json">: no <, >, & or U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() \
        + "'"


def _legend_svg(shape: str, colour: str) -> str:
    """A 16×16 inline SVG of a vis shape (presentation attributes only, no style=)."""
    c = html.escape(colour)
    shapes = {
        "dot": f'<circle cx="8" cy="8" r="6" fill="{c}"/>',
        "square": f'<rect x="2" y="2" width="12" height="12" fill="{c}"/>',
        "diamond": f'<polygon points="8,1 15,8 8,15 1,8" fill="{c}"/>',
        "triangle": f'<polygon points="8,1 15,14 1,14" fill="{c}"/>',
        "triangleDown": f'<polygon points="1,2 15,2 8,15" fill="{c}"/>',
        "hexagon": f'<polygon points="4,2 12,2 15,8 12,14 4,14 1,8" fill="{c}"/>',
        "star": f'<polygon points="8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6" '
                f'fill="{c}"/>',
    }
    return f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">' \
           f'{shapes.get(shape, shapes["dot"])}</svg>'


def render(model: Model, view: View, *, lang: str = "en", title: str | None = None) -> str:
    """The HTML page for a view. Every text from the data is escaped for where it goes."""
    import jinja2
    from markupsafe import Markup

    lang = _lang(lang)
    w = WORDS[lang]
    degree: dict[str, int] = defaultdict(int)
    for a, b in view.edges:
        degree[a] += 1
        degree[b] += 1
    overview = len(view.nodes) > 100
    min_font = MIN_FONT if overview else {}
    nodes = []
    for n in view.nodes:
        e = model.entities.get(n)
        group = e.group if e else "other"
        colour, shape, size, _, _ = GROUP_STYLES[group]
        label = model.name(n, lang)
        if n in view.members:
            label += f" (+{len(view.members[n]) - 1})"
        # Hubs grow, and so do their labels, so they stay legible when the whole graph shows.
        grow = math.log2(1 + degree[n])
        item: dict[str, Any] = {
            "id": n, "label": label, "group": group, "shape": shape,
            "size": round(size + 2.5 * grow, 1),
            "font": {"size": max(min_font.get(group, 12), round(12 + 4.2 * grow))},
            "color": {"background": colour, "border": "#ffffff",
                      "highlight": {"background": colour, "border": "#222222"},
                      "hover": {"background": colour, "border": "#222222"}},
            "tip": _node_tip(model, view, n, lang),
        }
        if view.positions and n in view.positions:
            item["x"], item["y"] = view.positions[n]
        if e and e.lat is not None:
            item["lat"], item["lon"] = e.lat, e.lon
        nodes.append(item)
    edges = [_edge_item(model, pair, facts, lang) for pair, facts in view.edges.items()]
    groups = sorted({n["group"] for n in nodes}, key=list(GROUP_STYLES).index)
    legend = [{"svg": Markup(_legend_svg(GROUP_STYLES[g][1], GROUP_STYLES[g][0])),
               "label": GROUP_STYLES[g][4 if lang == "zh" else 3]} for g in groups]
    notes = list(view.description)
    if view.aggregated:
        notes.append(w["aggregated"])
    if not view.physics:
        notes.append(w["static"])
    data = {"nodes": nodes, "edges": edges, "options": _options(view),
            "words": {"choose": w["choose"], "click": w["click"]}, "physics": view.physics}

    scripts = [_asset("lib/vis-9.1.2/vis-network.min.js"), _asset("page.js")]
    styles = [_asset("lib/vis-9.1.2/vis-network.css"), _asset("page.css")]
    csp = ("default-src 'none'; img-src data:; font-src data:; connect-src 'none'; "
           "form-action 'none'; base-uri 'none'; "
           f"script-src {' '.join(_csp_hash(s) for s in scripts)}; "
           f"style-src {' '.join(_csp_hash(s) for s in styles)}")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    template = env.from_string(_asset("page.html"))
    n_nodes, n_edges = view.counts()
    return template.render(
        lang=lang, csp=csp, title=title or w["title"], notes=notes,
        counts=f"{n_nodes} {w['nodes']} · {n_edges} {w['edges']}",
        legend=legend, legend_title=w["legend"],
        legend_notes=[w["width"], w["arrows"], w["hover"]], find=w["find"], close=w["close"],
        data=Markup(_json_block(data)), scripts=[Markup(s) for s in scripts],
        styles=[Markup(s) for s in styles])


# --------------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------------

class Drawing(str):
    """The page as a str; in Jupyter it shows itself in a sandboxed iframe."""

    view: View | None = None

    def _repr_html_(self) -> str:
        return ('<iframe sandbox="allow-scripts" style="width:100%;height:720px;border:0" '
                f'srcdoc="{html.escape(str(self), quote=True)}"></iframe>')


def draw(graph: Graph | Dataset | Model, *, focus: str | None = None, depth: int = 1,
         between: Sequence[str] | None = None, slack: int = 0, countries: Sequence[str] = (),
         period: str | None = None, relations: Sequence[str] = (),
         sources: Sequence[str] = (), lang: str = "en", title: str | None = None,
         aggregate_commodities: bool | None = None, static: bool | None = None,
         large: int = LARGE) -> Drawing:
    """Draw an econkg graph as one offline HTML page and return it (a str).

    focus/depth: an entity (id, English or Chinese name, alias) and its neighbours up to depth
    steps away. between: two entities; the page shows the shortest routes (plus `slack` steps).
    countries, period, relations, sources: keep only facts that touch these places, overlap
    the period, have these relations, or are cited in these documents (file names).
    Positions come from a NetworkX spring layout; the page polishes them with a short physics
    run. With more than `large` nodes, commodities collapse into their HS chapter and physics
    is off (override with aggregate_commodities and static).

    In Jupyter the returned value displays itself; `IPython.display.HTML(draw(g))` also works.
    """
    lang = _lang(lang)
    model = graph if isinstance(graph, Model) else load_model(graph)
    view = select_view(model, focus=focus, depth=depth, between=between, slack=slack,
                       countries=countries, period=period, relations=relations,
                       sources=sources, lang=lang)
    big = len(view.nodes) > large
    if big if aggregate_commodities is None else aggregate_commodities:
        view = aggregate(model, view)
    view.physics = not (big if static is None else static)
    if len(view.nodes) > 2:
        view.positions = layout(view)
    page = Drawing(render(model, view, lang=lang, title=title))
    page.view = view
    return page


def page_data(page: str) -> dict:
    """The nodes, edges and options embedded in a page (for tests and tools)."""
    m = re.search(r'<script type="application/json" id="econkg-data">(.*?)</script>', page,
                  re.S)
    if not m:
        raise ValueError("not an econkg page")
    return json.loads(m.group(1))


__all__ = ["Drawing", "Model", "View", "VizError", "aggregate", "draw", "layout", "load_model",
           "page_data", "render", "resolve_entity", "select_view"]
