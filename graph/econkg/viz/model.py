"""The model of what to draw: entities, and facts that join two entities or describe one,
each with its citations, read through `econkg.readmodel` (the reading the analyses share),
and the look-ups of entities, relations and sources by name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import Dataset, Graph

from .. import readmodel
from ..namespaces import KG
from .style import DERIVED_RELATIONS, DRAWN_SYMMETRIC, VizError


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
class Entity(readmodel.Entity):
    """An entity as drawn: the read model's own, and the HS chapter it rolls up to."""

    chapter: str | None = None

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
    from ..readmodel import read

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
        entities[ident] = Entity(**asdict(r))  # a copy: drawing never edits the reading
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
        if entities[x].kind == "HSChapter":
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
    from ..seeds import similarity_cutoff

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

