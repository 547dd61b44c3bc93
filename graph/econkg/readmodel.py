"""The one reading of a built graph that analysis, drawing and stats share.

A built graph is triples; its readers need entities with a class and a group, relations
between two entities with the statements that cite them, trade flows, events and
observations with their values, units, periods, modality and citations. Three readers once
did this each with their own tables and disagreed (a bloc was a country in one and a bloc
in the other); now they all call this module, and its classification comes from the
ontology itself:

- the class hierarchy (rdfs:subClassOf) places every class in one coarse group (`GROUPS`,
  keyed by ontology classes; a test checks every key is one);
- symmetry comes from owl:SymmetricProperty;
- properties that hold a fact together rather than join two entities (an observation's
  reporter, a flow's supplier, a citation's source) carry `ekg:structural true`;
- properties whose domain is ekg:Event (participant, location) are written from the event
  tables, so a seed relation row may not use them.

Every figure keeps its own unit (a CNY total is a CNY total; nothing is USD-only), and every
statement, flow and observation its modality (`ekg:modality` where the build writes it,
else "fact"), so that analyses can keep to facts by default.

The graph is read once into a dict index and worked in Python, not SPARQL: reading rdflib's
store is most of the cost, and `graph.objects()` on a Dataset visits every named graph.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache, total_ordering
from types import SimpleNamespace
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from .namespaces import EKG, KG, PS, WGS, P

# Coarse groups for colouring, filtering and aggregation, found by walking up the class
# hierarchy from an entity's most specific class to the first class named here.
GROUPS = {
    "Country": "country", "Bloc": "bloc", "Region": "region", "Province": "province",
    "City": "city", "Port": "port", "Zone": "zone", "River": "river", "Place": "region",
    "Corridor": "corridor", "Commodity": "commodity", "Agreement": "agreement",
    "Organisation": "organisation", "Person": "person", "Platform": "platform",
    "Event": "event",
}

MODALITIES = ("fact", "plan", "proposal", "projection", "lack")
DEFAULT_MODALITY = "fact"

# Terms as ready URIRefs: rdflib's namespaces build a new URIRef on every attribute access,
# which was most of the projection's run time.
E = SimpleNamespace(**{name: EKG[name] for name in (
    "Event", "Observation", "Statement", "TradeFlow", "approximation", "avoids", "basePeriod",
    "citation", "commodity", "flow", "hsCode", "inExchangeFor", "isApproximate", "isoCode",
    "line", "location", "measure", "note", "participant", "partner", "period", "periodEnd",
    "periodStart", "quote", "recipient", "reporter", "settledIn", "source", "structural",
    "supplier", "unit", "upperBound", "value", "via")})
# Written by the modality work (issue 9) and not yet in every ontology: read if present.
MODALITY = URIRef(str(EKG) + "modality")
STATED_BY = URIRef(str(EKG) + "statedBy")
SHARE_OF = URIRef(str(EKG) + "shareOf")
TYPE, LABEL, ALT_LABEL, SUBCLASS = RDF.type, RDFS.label, SKOS.altLabel, RDFS.subClassOf
BROADER_P, OBJECT_PROPERTY, IDENTIFIER = SKOS.broader, OWL.ObjectProperty, DCTERMS.identifier
LAT, LONG = WGS.lat, WGS.long

_KG = str(KG)
_EKG = str(EKG)
_P = str(P)


@lru_cache(maxsize=1 << 16)
def short_id(node: Node) -> str | None:
    """`https://w3id.org/econkg/id/dandong` → `dandong`; `ekg:USD` for ontology terms; None
    for statements, flows, observations and citations (their local part holds a `/`)."""
    text = str(node)
    if text.startswith(_KG):
        local = text[len(_KG):]
        return local if local and "/" not in local else None
    if text.startswith(_EKG):
        return "ekg:" + text[len(_EKG):]
    return None


def entity_id(node: Node | None) -> str | None:
    """The id of an entity IRI; None for ontology terms, statements, flows and the rest."""
    ident = short_id(node) if node is not None else None
    return None if ident is None or ident.startswith("ekg:") else ident


def flow_id(node: Node) -> str:
    return str(node).rsplit("/", 1)[-1]


def local_name(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


class Index:
    """Every triple of a Graph or Dataset (all named graphs), indexed subject → predicate →
    objects. One pass over the store; later look-ups are dict access."""

    def __init__(self, graph: Graph):
        self.spo: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        spo = self.spo
        if isinstance(graph, ConjunctiveGraph):  # Dataset too: read every named graph
            # Context by context through the store: `quads()` asks the store for the
            # contexts of every triple, which costs more than the rest of the reading.
            store = graph.store
            for ctx in list(store.contexts()):
                for (s, p, o), _ in store.triples((None, None, None), context=ctx):
                    spo[s][p].add(o)
        else:
            for s, p, o in graph.triples((None, None, None)):
                spo[s][p].add(o)

    def objects(self, s: Node, p: Node) -> set[Node]:
        po = self.spo.get(s)
        return po.get(p, set()) if po else set()

    def value(self, s: Node, p: Node) -> Node | None:
        objs = self.objects(s, p)
        return min(objs, key=str) if objs else None

    def subjects_of_type(self, cls: Node) -> list[Node]:
        return sorted((s for s, po in self.spo.items() if cls in po.get(TYPE, ())), key=str)

    def label(self, node: Node, lang: str) -> str | None:
        for lit in sorted(self.objects(node, LABEL), key=str):
            if isinstance(lit, Literal) and (lit.language or "").split("-")[0] == lang:
                return str(lit)
        return None


# Citations ------------------------------------------------------------------------------

def citations(index: Index, node: Node) -> list[dict[str, Any]]:
    """The citations of a statement, flow, event or observation as plain dicts, sorted."""
    out = []
    for c in index.objects(node, E.citation):
        src = index.value(c, E.source)
        name = index.value(src, IDENTIFIER) if src is not None else None
        if name is None and src is not None:
            name = str(src).rsplit("/", 1)[-1] + ".txt"
        line = index.value(c, E.line)
        quote = index.value(c, E.quote)
        out.append({"source": str(name) if name is not None else None,
                    "line": int(line.toPython()) if isinstance(line, Literal) else None,
                    "quote": str(quote) if quote is not None else None})
    return sorted(out, key=_cite_key)


def _cite_key(c: dict[str, Any]) -> tuple:
    return c["source"] or "", c["line"] or 0, c["quote"] or ""


def merge_citations(*lists: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Citation lists joined, each (source, line, quote) once, sorted."""
    seen: dict[tuple, dict[str, Any]] = {}
    for lst in lists:
        for c in lst:
            seen.setdefault((c["source"], c["line"], c["quote"]), c)
    return [seen[k] for k in sorted(seen, key=lambda k: (k[0] or "", k[1] or 0, k[2] or ""))]


def modality_of(index: Index, node: Node) -> str:
    """`ekg:modality` of a statement, flow or observation as the seeds spell it (`plan`),
    whether the build wrote a term (ekg:Plan) or a literal; "fact" when absent."""
    value = index.value(node, MODALITY)
    if value is None:
        return DEFAULT_MODALITY
    return (local_name(value) if isinstance(value, URIRef) else str(value)).lower()


def stated_by(index: Index, node: Node) -> list[str]:
    return sorted(short_id(x) or str(x) for x in index.objects(node, STATED_BY))


# Periods -------------------------------------------------------------------------------

@total_ordering
@dataclass(frozen=True)
class PeriodInfo:
    """A period with its bounds, ordered by end then start (so 'latest' is max()). An open
    end (`../2023`, `2018/..`) is None; such periods sort by what they have."""

    end: date | None
    start: date | None
    text: str

    def __lt__(self, other: PeriodInfo) -> bool:  # an open end sorts first, as "unknown"
        return _period_key(self) < _period_key(other)

    @property
    def closed(self) -> bool:
        return self.start is not None and self.end is not None


def _period_key(p: PeriodInfo) -> tuple:
    return (p.end or date.min, p.start or date.min, p.text)


def period_of(index: Index, node: Node) -> PeriodInfo | None:
    text = index.value(node, E.period)
    if text is None:
        return None
    start = index.value(node, E.periodStart)
    end = index.value(node, E.periodEnd)
    if start is None and end is None:
        from .periods import parse_period

        try:
            p = parse_period(str(text))
        except ValueError:
            return None
        return PeriodInfo(p.end, p.start, p.text)
    return PeriodInfo(end.toPython() if end is not None else None,
                      start.toPython() if start is not None else None, str(text))


# Observations --------------------------------------------------------------------------

@dataclass
class Obs:
    """One observation as plain Python values (ids rather than IRIs), value with its unit."""

    id: str
    measure: str
    reporter: str | None
    partner: str | None
    flow: str | None
    commodity: str | None
    via: tuple[str, ...]
    period: PeriodInfo | None
    base_period: str | None
    value: Decimal
    upper: Decimal | None
    unit: str | None
    approximate: bool
    approximation: str | None
    note: str | None
    citations: list[dict[str, Any]] = field(default_factory=list)
    modality: str = DEFAULT_MODALITY
    stated_by: list[str] = field(default_factory=list)
    share_of: str | None = None  # the whole a share is of, when not the reporter's flow

    def is_trade_share(self) -> bool:
        """A Share that reads "partner's share of reporter's flow": Percent, a flow, no
        other whole named, no commodity or route (those are a product's or a route's
        share, not a partner's)."""
        return (self.measure == "Share" and self.unit == "Percent" and self.flow is not None
                and self.share_of is None and not self.commodity and not self.via
                and self.reporter is not None and self.partner is not None)


def observations(index: Index, *, modalities: Iterable[str] | None = None) -> list[Obs]:
    """Every ekg:Observation of the graph, with its citations, in a stable order;
    `modalities` keeps only those kinds of claim (None: all)."""
    keep = set(modalities) if modalities is not None else None
    out = []
    for node in index.subjects_of_type(E.Observation):
        value = index.value(node, E.value)
        if not isinstance(value, Literal):
            continue
        try:
            number_value = Decimal(str(value))
        except InvalidOperation:
            continue
        modality = modality_of(index, node)
        if keep is not None and modality not in keep:
            continue
        upper = index.value(node, E.upperBound)
        approx = index.value(node, E.isApproximate)
        note = index.value(node, E.note)
        base = index.value(node, E.basePeriod)
        share_of = index.value(node, SHARE_OF)
        out.append(Obs(
            id=flow_id(node),
            measure=local_name(index.value(node, E.measure)) or "",
            reporter=_id_or_none(index.value(node, E.reporter)),
            partner=_id_or_none(index.value(node, E.partner)),
            flow=local_name(index.value(node, E.flow)),
            commodity=_id_or_none(index.value(node, E.commodity)),
            via=tuple(sorted(short_id(v) or str(v) for v in index.objects(node, E.via))),
            period=period_of(index, node),
            base_period=str(base) if base is not None else None,
            value=number_value,
            upper=Decimal(str(upper)) if isinstance(upper, Literal) else None,
            unit=local_name(index.value(node, E.unit)),
            approximate=bool(approx.toPython()) if isinstance(approx, Literal) else False,
            approximation=_kebab(local_name(index.value(node, E.approximation))),
            note=str(note) if note is not None else None,
            citations=citations(index, node),
            modality=modality,
            stated_by=stated_by(index, node),
            share_of=(short_id(share_of) or str(share_of)) if share_of is not None else None,
        ))
    return out


def _id_or_none(node: Node | None) -> str | None:
    return None if node is None else (short_id(node) or str(node))


def _kebab(name: str | None) -> str | None:
    """ekg:MoreThan → more-than, the spelling of the seed tables."""
    if not name:
        return None
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("-")


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as the JSON number a reader expects: 2730000000, not 2.73E+9."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# The ontology --------------------------------------------------------------------------

@dataclass
class Schema:
    """What the readers need from the ontology, read from it rather than kept in lists."""

    parents: dict[str, set[str]]      # class local name → direct superclasses
    object_properties: set[str]
    symmetric: set[str]               # owl:SymmetricProperty
    structural: set[str]              # ekg:structural true: hold a fact together
    event_properties: set[str]        # rdfs:domain ekg:Event: written from event rows
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # term → (en, zh)

    @property
    def relations(self) -> set[str]:
        """Object properties that relate two entities (drawn, traversed, counted)."""
        return self.object_properties - self.structural

    @property
    def seed_relations(self) -> set[str]:
        """Object properties a seed relation row may use."""
        return self.relations - self.event_properties

    def ancestors(self, cls: str) -> list[str]:
        return _ancestors(cls, self.parents)

    def kind_and_group(self, types: Iterable[Node]) -> tuple[str, str]:
        return kind_and_group(types, self.parents)


def schema_from(ontology: Graph | Index) -> Schema:
    """The schema of an ontology graph (or of the index of a dataset that holds one)."""
    index = ontology if isinstance(ontology, Index) else Index(ontology)
    parents: dict[str, set[str]] = defaultdict(set)
    props: set[str] = set()
    symmetric: set[str] = set()
    structural: set[str] = set()
    events: set[str] = set()
    labels: dict[str, tuple[str, str]] = {}
    for s, po in index.spo.items():
        text = str(s)
        if not text.startswith(_EKG) or text == _EKG:
            continue
        name = text[len(_EKG):]
        for sup in po.get(SUBCLASS, ()):
            if str(sup).startswith(_EKG):
                parents[name].add(str(sup)[len(_EKG):])
        types = po.get(TYPE, ())
        if OBJECT_PROPERTY in types:
            props.add(name)
            if OWL.SymmetricProperty in types:
                symmetric.add(name)
            if any(isinstance(v, Literal) and v.toPython() is True
                   for v in po.get(E.structural, ())):
                structural.add(name)
            if E.Event in po.get(RDFS.domain, ()):
                events.add(name)
        if LABEL in po:
            labels[name] = (index.label(s, "en") or "", index.label(s, "zh") or "")
    return Schema(dict(parents), props, symmetric, structural, events, labels)


def schema_of(index: Index) -> Schema:
    """The schema from the ontology graph the dataset carries, or from the packaged
    ontology when the graph does not carry it (a bare Graph, a test)."""
    schema = schema_from(index)
    if not schema.parents or not schema.object_properties or not schema.structural:
        return packaged_schema()
    return schema


@lru_cache(maxsize=1)
def packaged_schema() -> Schema:
    from .ontology import load_ontology

    return schema_from(load_ontology())


def _ancestors(cls: str, parents: dict[str, set[str]]) -> list[str]:
    """cls and its superclasses, nearest first (breadth-first)."""
    out, todo = [], [cls]
    while todo:
        c = todo.pop(0)
        if c in out:
            continue
        out.append(c)
        todo.extend(sorted(parents.get(c, ())))
    return out


def kind_and_group(types: Iterable[Node], parents: dict[str, set[str]]) -> tuple[str, str]:
    """(most specific ekg: class, coarse group) of an entity's rdf:types."""
    names = [str(t)[len(_EKG):] for t in types if str(t).startswith(_EKG)]
    if not names:
        return "Entity", "other"
    kind = max(sorted(names), key=lambda n: len(_ancestors(n, parents)))
    for c in _ancestors(kind, parents):
        if c in GROUPS:
            return kind, GROUPS[c]
    return kind, "other"


# Entities ------------------------------------------------------------------------------

@dataclass
class Entity:
    id: str
    iri: str
    kind: str = "Entity"
    group: str = "other"
    label_en: str = ""
    label_zh: str = ""
    aliases: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    codes: list[tuple[str, str]] = field(default_factory=list)  # ("iso"|"hs", code)
    note: str = ""
    broader: list[str] = field(default_factory=list)


def notes(index: Index, node: Node) -> str:
    return " ".join(sorted(str(n) for n in index.objects(node, E.note)))


def entity(index: Index, node: Node, schema: Schema) -> Entity:
    ident = short_id(node) or str(node)
    en = index.label(node, "en") or ""
    zh = index.label(node, "zh") or ""
    if not en:  # a label without a language tag
        en = next((str(x) for x in sorted(index.objects(node, LABEL), key=str)
                   if isinstance(x, Literal) and not x.language), "")
    kind, group = schema.kind_and_group(index.objects(node, TYPE))
    e = Entity(ident, str(node), kind, group, en, zh)
    e.aliases = sorted({str(a) for a in index.objects(node, ALT_LABEL)} - {en, zh})
    lat, lon = index.value(node, LAT), index.value(node, LONG)
    if isinstance(lat, Literal) and isinstance(lon, Literal):
        with contextlib.suppress(TypeError, ValueError):
            e.lat, e.lon = float(lat.toPython()), float(lon.toPython())
    for pred, key in ((E.isoCode, "iso"), (E.hsCode, "hs")):
        e.codes.extend((key, str(v)) for v in sorted(index.objects(node, pred), key=str))
    e.note = notes(index, node)
    e.broader = sorted(b for b in (entity_id(x) for x in index.objects(node, BROADER_P)) if b)
    return e


def entities(index: Index, schema: Schema) -> dict[str, Entity]:
    """Everything in the id namespace with a class or a label, by id."""
    out: dict[str, Entity] = {}
    for s, po in index.spo.items():
        ident = entity_id(s)
        if ident and (TYPE in po or LABEL in po):
            out[ident] = entity(index, s, schema)
    return dict(sorted(out.items()))


# Statements, flows, events ---------------------------------------------------------------

@dataclass
class Statement:
    """One statement node: the direct triple `subject relation object` with qualifiers."""

    node: Node
    subject: str
    relation: str
    object: str  # an entity id, or "ekg:Term", or the IRI of a flow
    period: PeriodInfo | None
    commodity: list[str]
    via: list[str]
    citations: list[dict[str, Any]]
    note: str
    modality: str
    stated_by: list[str]

    @property
    def id(self) -> str:
        return flow_id(self.node)


def statements(index: Index) -> list[Statement]:
    """Every statement node with its direct triple, in a stable order."""
    out = []
    for s, po in index.spo.items():
        si = short_id(s)
        if si is None:
            continue
        for p, sts in po.items():
            text = str(p)
            if not text.startswith(_P) or "/" in text[len(_P):]:
                continue
            rel = text[len(_P):]
            for st in sts:
                o = index.value(st, PS[rel])
                if o is None:
                    continue
                out.append(Statement(
                    st, si, rel, short_id(o) or str(o), period_of(index, st),
                    sorted(short_id(k) or str(k) for k in index.objects(st, E.commodity)),
                    sorted(short_id(v) or str(v) for v in index.objects(st, E.via)),
                    citations(index, st), notes(index, st), modality_of(index, st),
                    stated_by(index, st)))
    return sorted(out, key=lambda x: (x.subject, x.relation, x.object, str(x.node)))


@dataclass
class Flow:
    """A trade flow: supplier ships commodities to recipient, perhaps via places."""

    node: Node
    id: str
    supplier: str | None
    recipient: str | None
    commodities: list[str]
    via: list[str]
    period: PeriodInfo | None
    in_exchange_for: list[str]  # flow ids
    settled_in: list[str]
    avoids: list[str]
    citations: list[dict[str, Any]]
    note: str
    modality: str
    stated_by: list[str]


def flows(index: Index) -> list[Flow]:
    out = []
    for f in index.subjects_of_type(E.TradeFlow):
        out.append(Flow(
            f, flow_id(f), _id_or_none(index.value(f, E.supplier)),
            _id_or_none(index.value(f, E.recipient)),
            sorted(short_id(k) or str(k) for k in index.objects(f, E.commodity)),
            sorted(short_id(v) or str(v) for v in index.objects(f, E.via)),
            period_of(index, f),
            sorted(flow_id(x) for x in index.objects(f, E.inExchangeFor)),
            sorted(short_id(x) or str(x) for x in index.objects(f, E.settledIn)),
            sorted(short_id(x) or str(x) for x in index.objects(f, E.avoids)),
            citations(index, f), notes(index, f), modality_of(index, f), stated_by(index, f)))
    return out


@dataclass
class Event:
    id: str
    participants: list[str]
    locations: list[str]
    period: PeriodInfo | None
    citations: list[dict[str, Any]]
    modality: str


def events(index: Index, schema: Schema) -> list[Event]:
    """Instances of ekg:Event and its subclasses (Visit, Disruption)."""
    classes = {c for c in schema.parents if "Event" in schema.ancestors(c)} | {"Event"}
    nodes: set[Node] = set()
    for c in classes:
        nodes.update(index.subjects_of_type(EKG[c]))
    out = []
    for ev in sorted(nodes, key=str):
        ident = entity_id(ev)
        if ident is None:
            continue
        out.append(Event(
            ident, sorted(x for x in map(entity_id, index.objects(ev, E.participant)) if x),
            sorted(x for x in map(entity_id, index.objects(ev, E.location)) if x),
            period_of(index, ev), citations(index, ev), modality_of(index, ev)))
    return out


@dataclass
class Triple:
    """A direct triple between two entities under a relation of the ontology."""

    subject: str
    relation: str
    object: str


def direct_triples(index: Index, schema: Schema) -> list[Triple]:
    """`s ekg:P o` for every relation P (not structural) between entity-namespace nodes and
    ontology terms, in a stable order."""
    rels = schema.relations
    out = []
    for s, po in index.spo.items():
        si = entity_id(s)
        if si is None:
            continue
        for p, objs in po.items():
            text = str(p)
            if not text.startswith(_EKG) or text[len(_EKG):] not in rels:
                continue
            out.extend(Triple(si, text[len(_EKG):], oi)
                       for oi in (short_id(o) for o in objs) if oi)
    return sorted(out, key=lambda t: (t.subject, t.relation, t.object))


# The whole reading -----------------------------------------------------------------------

@dataclass
class ReadModel:
    schema: Schema
    entities: dict[str, Entity]
    statements: list[Statement]
    triples: list[Triple]
    flows: list[Flow]
    events: list[Event]
    observations: list[Obs]
    index: Index


def read(graph: Graph | Index) -> ReadModel:
    """Read a built graph (a Dataset, its union Graph, or an Index of either) once."""
    index = graph if isinstance(graph, Index) else Index(graph)
    schema = schema_of(index)
    return ReadModel(schema, entities(index, schema), statements(index),
                     direct_triples(index, schema), flows(index), events(index, schema),
                     observations(index), index)


__all__ = ["DEFAULT_MODALITY", "GROUPS", "MODALITIES", "Entity", "Event", "Flow", "Index",
           "Obs", "PeriodInfo", "ReadModel", "Schema", "Statement", "Triple", "citations",
           "direct_triples", "entities", "entity_id", "events", "flows", "kind_and_group",
           "merge_citations", "modality_of", "number", "observations", "packaged_schema",
           "period_of", "read", "schema_from", "schema_of", "short_id", "statements"]
