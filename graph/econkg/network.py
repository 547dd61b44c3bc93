"""The graph as a NetworkX network, for routes, centrality and communities.

RDF answers "what is stated"; questions such as "how does Russian pork reach North Korea" or
"who sits in the middle of the network" are graph algorithms, and NetworkX has them. The
projection keeps what those algorithms need and nothing else:

- a node per entity, keyed by its short id (`dandong`), with labels, class and coordinates;
- an edge per direct relation triple (`s ekg:P o`), carrying the citations of its statement
  nodes, so every route an algorithm finds can still be traced to a line of a source;
- trade flows as `ships` edges supplier → via → recipient, one set per flow, so parallel
  flows stay apart (hence a MultiDiGraph);
- the place hierarchy of the entity tables as `locatedIn` edges marked `reference=True`
  (they hold no citation: they are geography, not a claim of a source).

The projection reads the triples once into a dict index and works in Python, not SPARQL:
reading rdflib's store is most of its cost (about 0.1–0.3 s for 18,000 triples, the whole
projection 0.3–0.6 s on a busy two-core machine). networkx is imported inside
`to_networkx`, so importing this module (and `econkg.cli`) stays cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from .namespaces import EKG, KG, PS, WGS, P

if TYPE_CHECKING:
    import networkx as nx

# Coarse groups for colouring and filtering, found by walking up the class hierarchy from an
# entity's most specific class to the first class named here.
GROUPS = {
    "Country": "country", "Bloc": "bloc", "Region": "region", "Zone": "region",
    "River": "region", "Province": "province", "City": "city", "Port": "port",
    "Corridor": "corridor", "Commodity": "commodity", "Agreement": "agreement",
    "Organisation": "organisation", "Platform": "platform", "Event": "event",
    "Person": "person", "Place": "region",
}

# Edges that do not come from a seed relation row.
SHIPS = "ships"          # a trade flow: supplier → via → recipient
BROADER = "broader"      # commodity hierarchy (skos:broader)
PARTICIPANT = "participant"  # event → who took part
LOCATION = "location"    # event → where it happened

# Value measures that `value_usd` reads for a relation edge.
EDGE_VALUE_MEASURES = {"tradesWith": "TradeValue", "exportsTo": "ExportValue"}

# Terms as ready URIRefs: rdflib's Namespace builds (and validates) a new URIRef on every
# attribute access, which was most of the projection's run time.
E = SimpleNamespace(**{name: EKG[name] for name in (
    "Event", "Observation", "TradeFlow", "approximation", "basePeriod", "citation",
    "commodity", "flow", "inExchangeFor", "isApproximate", "line", "location", "measure",
    "note", "participant", "partner", "period", "periodEnd", "periodStart", "quote",
    "recipient", "reporter", "source", "supplier", "unit", "upperBound", "value", "via")})
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


def flow_id(node: Node) -> str:
    return str(node).rsplit("/", 1)[-1]


class Index:
    """Every triple of a Graph or Dataset (all named graphs), indexed subject → predicate →
    objects. One pass over the store; later look-ups are dict access, much faster than
    `graph.objects()` on a Dataset, which visits every named graph each time."""

    def __init__(self, graph: Graph):
        self.spo: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        spo = self.spo
        if isinstance(graph, ConjunctiveGraph):  # Dataset too: read every named graph
            # Context by context through the store: `quads()` asks the store for the
            # contexts of every triple, which costs more than the rest of the projection.
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
            if isinstance(lit, Literal) and lit.language == lang:
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
    return sorted(out, key=lambda d: (d["source"] or "", d["line"] or 0, d["quote"] or ""))


def merge_citations(*lists: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Citation lists joined, each (source, line, quote) once, sorted."""
    seen: dict[tuple, dict[str, Any]] = {}
    for lst in lists:
        for c in lst:
            seen.setdefault((c["source"], c["line"], c["quote"]), c)
    return [seen[k] for k in sorted(seen, key=lambda k: (k[0] or "", k[1] or 0, k[2] or ""))]


# Periods -------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class PeriodInfo:
    """A period with its bounds, ordered by end then start (so 'latest' is max())."""

    end: date
    start: date
    text: str


def period_of(index: Index, node: Node) -> PeriodInfo | None:
    text = index.value(node, E.period)
    if text is None:
        return None
    start = index.value(node, E.periodStart)
    end = index.value(node, E.periodEnd)
    if start is None or end is None:
        from .periods import parse_period

        try:
            p = parse_period(str(text))
        except ValueError:
            return None
        return PeriodInfo(p.end, p.start, p.text)
    return PeriodInfo(end.toPython(), start.toPython(), str(text))


# Observations --------------------------------------------------------------------------

@dataclass
class Obs:
    """One observation as plain Python values (ids rather than IRIs)."""

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


def _local(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def observations(index: Index) -> list[Obs]:
    """Every ekg:Observation of the graph, with its citations, in a stable order."""
    out = []
    for node in index.subjects_of_type(E.Observation):
        value = index.value(node, E.value)
        if not isinstance(value, Literal):
            continue
        upper = index.value(node, E.upperBound)
        approx = index.value(node, E.isApproximate)
        note = index.value(node, E.note)
        base = index.value(node, E.basePeriod)
        out.append(Obs(
            id=str(node).rsplit("/", 1)[-1],
            measure=_local(index.value(node, E.measure)) or "",
            reporter=_id_or_none(index.value(node, E.reporter)),
            partner=_id_or_none(index.value(node, E.partner)),
            flow=_local(index.value(node, E.flow)),
            commodity=_id_or_none(index.value(node, E.commodity)),
            via=tuple(sorted(short_id(v) or str(v) for v in index.objects(node, E.via))),
            period=period_of(index, node),
            base_period=str(base) if base is not None else None,
            value=Decimal(str(value)),
            upper=Decimal(str(upper)) if isinstance(upper, Literal) else None,
            unit=_local(index.value(node, E.unit)),
            approximate=bool(approx.toPython()) if isinstance(approx, Literal) else False,
            approximation=_kebab(_local(index.value(node, E.approximation))),
            note=str(note) if note is not None else None,
            citations=citations(index, node),
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


# Ontology ------------------------------------------------------------------------------

@dataclass
class _Schema:
    parents: dict[str, set[str]]      # class local name → direct superclasses
    relations: set[str]               # object properties a relation row may use


def schema_of(index: Index) -> _Schema:
    """Class hierarchy and relation predicates from the ontology graph of the dataset, or
    from the packaged ontology when the graph does not carry it (a bare Graph, a test)."""
    parents: dict[str, set[str]] = defaultdict(set)
    relations: set[str] = set()
    for s, po in index.spo.items():
        if not str(s).startswith(_EKG):
            continue
        for sup in po.get(SUBCLASS, ()):
            if str(sup).startswith(_EKG):
                parents[str(s)[len(_EKG):]].add(str(sup)[len(_EKG):])
        if OBJECT_PROPERTY in po.get(TYPE, ()):
            relations.add(str(s)[len(_EKG):])
    if not parents or not relations:
        from .ontology import load_ontology

        return schema_of(Index(load_ontology()))
    from .ontology import RESERVED

    return _Schema(dict(parents), relations - RESERVED)


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
    names = [str(t)[len(_EKG):] for t in types if str(t).startswith(_EKG)]
    if not names:
        return "Entity", "other"
    kind = max(sorted(names), key=lambda n: len(_ancestors(n, parents)))
    for c in _ancestors(kind, parents):
        if c in GROUPS:
            return kind, GROUPS[c]
    return kind, "other"


# The projection ------------------------------------------------------------------------

def to_networkx(graph: Graph, *, relations: set[str] | None = None,
                lang: str = "en") -> nx.MultiDiGraph:
    """Project the RDF graph (a Dataset or Graph) onto a NetworkX MultiDiGraph.

    Nodes are entities keyed by short id with `label` (in `lang`, falling back to English,
    then the id), `label_en`, `label_zh`, `aliases`, `kind` (ontology class), `group`
    (coarse class), `iri`, and `lat`/`lon` where known.

    Edges:
    - one per direct relation triple, key `subject|relation|object`, with `relation`,
      `citations` (list of {source, line, quote} from all its statement nodes), `period`
      (the latest stated period, or None), `periods`, `commodity` and `via` (lists of ids),
      `statements`, `reference` (True when no source states it: the place hierarchy of the
      entity tables), `weight` = 1, and on tradesWith/exportsTo edges `value_usd` (the
      latest whole year's USD total, else the latest period's) with
      `value_period`, `value_measure` and `value_observations` where a USD figure exists;
    - `ships` edges for every trade flow: supplier → each via → recipient (or supplier →
      recipient when the flow names no via), key `flow/ID/A>B`, with `flow`, `commodity`,
      `period`, `citations` and `in_exchange_for` (flow ids);
    - `participant` and `location` edges from events, cited by the event's citations;
    - `broader` edges of the commodity hierarchy, marked `reference=True`.

    `relations` keeps only edges whose relation is in the set (and the nodes they touch).
    """
    import networkx as nx

    index = Index(graph)
    schema = schema_of(index)
    obs = observations(index)
    G = nx.MultiDiGraph()
    nodes: dict[str, dict[str, Any]] = {}

    def node(term: Node) -> str | None:
        ident = short_id(term)
        if ident is None:
            return None
        if ident not in nodes:
            nodes[ident] = _node_attrs(index, term, ident, schema, lang)
        return ident

    # Entities: everything in the id namespace that has a class.
    for s, po in index.spo.items():
        if TYPE in po and short_id(s) and not short_id(s).startswith("ekg:"):
            node(s)

    edges: list[tuple[str, str, str, dict[str, Any]]] = []

    # Statements, grouped by the direct triple they qualify.
    grouped: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
    for s, po in index.spo.items():
        if short_id(s) is None:
            continue
        for p, sts in po.items():
            if not str(p).startswith(_P) or "/" in str(p)[len(_P):]:
                continue
            rel = str(p)[len(_P):]
            for st in sts:
                o = index.value(st, PS[rel])
                if o is not None and short_id(o):
                    grouped[(short_id(s), rel, short_id(o))].append(st)
    stated = set(grouped)

    # Direct triples from flows have no statement of their own (ekg:exports, ekg:imports):
    # they borrow the citations of the flows that imply them.
    implied: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
    flows = index.subjects_of_type(E.TradeFlow)
    for f in flows:
        sup, rec = index.value(f, E.supplier), index.value(f, E.recipient)
        for k in index.objects(f, E.commodity):
            if sup is not None:
                implied[(short_id(sup), "exports", short_id(k))].append(f)
            if rec is not None:
                implied[(short_id(rec), "imports", short_id(k))].append(f)

    for s, po in index.spo.items():
        si = short_id(s)
        if si is None or si.startswith("ekg:"):
            continue
        for p, objs in po.items():
            rel = str(p)[len(_EKG):] if str(p).startswith(_EKG) else None
            if rel is None or rel not in schema.relations:
                continue
            for o in objs:
                oi = short_id(o)
                if oi is None:
                    continue
                key3 = (si, rel, oi)
                node(s)
                node(o)
                if key3 in stated:
                    edges.append(_statement_edge(index, key3, grouped[key3],
                                                 implied.get(key3, [])))
                    stated.discard(key3)
                else:
                    edges.append(_implied_edge(index, key3, implied.get(key3, [])))
    for key3 in sorted(stated):  # statements whose direct triple is missing (hand-made data)
        node(KG[key3[0]])
        node(EKG[key3[2][4:]] if key3[2].startswith("ekg:") else KG[key3[2]])
        edges.append(_statement_edge(index, key3, grouped[key3]))

    for f in flows:
        edges.extend(_flow_edges(index, f, node))

    for ev in index.subjects_of_type(E.Event) + _typed_events(index, schema):
        cites = citations(index, ev)
        evi = node(ev)
        if evi is None:
            continue
        for rel, pred in ((PARTICIPANT, E.participant), (LOCATION, E.location)):
            for x in sorted(index.objects(ev, pred), key=str):
                xi = node(x)
                if xi:
                    edges.append((evi, xi, f"{evi}|{rel}|{xi}", _edge(rel, cites)))

    for s, po in index.spo.items():
        si = short_id(s)
        if si is None:
            continue
        for b in sorted(po.get(BROADER_P, ()), key=str):
            bi = short_id(b)
            if bi:
                node(b)
                edges.append((si, bi, f"{si}|{BROADER}|{bi}",
                              _edge(BROADER, [], reference=True)))

    _add_values(edges, obs)

    if relations is not None:
        edges = [e for e in edges if e[3]["relation"] in relations]
        keep = {e[0] for e in edges} | {e[1] for e in edges}
    else:
        keep = set(nodes)
    for ident in sorted(keep):
        G.add_node(ident, **nodes[ident])
    seen: set[tuple[str, str, str]] = set()
    for u, v, key, attrs in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        if (u, v, key) in seen:
            continue
        seen.add((u, v, key))
        G.add_edge(u, v, key=key, **attrs)
    return G


def _typed_events(index: Index, schema: _Schema) -> list[Node]:
    """Instances of Event's subclasses (Visit, Disruption) that are not typed Event too."""
    subs = {c for c in schema.parents if "Event" in _ancestors(c, schema.parents)[1:]}
    out: set[Node] = set()
    for c in subs:
        out.update(index.subjects_of_type(EKG[c]))
    return sorted(out - set(index.subjects_of_type(E.Event)), key=str)


def _node_attrs(index: Index, term: Node, ident: str, schema: _Schema,
                lang: str) -> dict[str, Any]:
    label_en = index.label(term, "en")
    label_zh = index.label(term, "zh")
    chosen = index.label(term, lang) if lang not in ("en", "zh") else \
        (label_en if lang == "en" else label_zh)
    if ident.startswith("ekg:"):
        kind, group = (_local(index.value(term, TYPE)) or "Term"), "term"
    else:
        kind, group = kind_and_group(index.objects(term, TYPE), schema.parents)
    attrs: dict[str, Any] = {
        "label": chosen or label_en or ident,
        "label_en": label_en or ident,
        "label_zh": label_zh or "",
        "aliases": sorted(str(a) for a in index.objects(term, ALT_LABEL)),
        "kind": kind,
        "group": group,
        "iri": str(term),
    }
    lat, lon = index.value(term, LAT), index.value(term, LONG)
    if isinstance(lat, Literal) and isinstance(lon, Literal):
        attrs["lat"], attrs["lon"] = float(lat.toPython()), float(lon.toPython())
    return attrs


def _edge(relation: str, cites: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {"relation": relation, "citations": cites, "period": None,
                             "commodity": [], "weight": 1, "reference": False}
    attrs.update(extra)
    return attrs


def _statement_edge(index: Index, key3: tuple[str, str, str], statements: list[Node],
                    flows: list[Node] | None = None) -> tuple[str, str, str, dict[str, Any]]:
    """An edge for a direct triple from its statement nodes; flows that imply the same
    triple (`russia exports grain`) add their citations."""
    s, rel, o = key3
    periods = sorted({p for st in statements if (p := period_of(index, st))})
    commodity = sorted({short_id(k) or str(k) for st in statements
                        for k in index.objects(st, E.commodity)})
    via = sorted({short_id(v) or str(v) for st in statements for v in index.objects(st, E.via)})
    cites = merge_citations(*(citations(index, x) for x in [*statements, *(flows or [])]))
    extra: dict[str, Any] = {"flows": sorted(flow_id(f) for f in flows)} if flows else {}
    return s, o, f"{s}|{rel}|{o}", _edge(
        rel, cites, period=periods[-1].text if periods else None,
        periods=[p.text for p in periods], commodity=commodity, via=via,
        statements=sorted(str(st).rsplit("/", 1)[-1] for st in statements),
        reference=not cites, **extra)


def _implied_edge(index: Index, key3: tuple[str, str, str],
                  flows: list[Node]) -> tuple[str, str, str, dict[str, Any]]:
    s, rel, o = key3
    cites = merge_citations(*(citations(index, f) for f in flows))
    periods = sorted({p for f in flows if (p := period_of(index, f))})
    extra: dict[str, Any] = {"reference": not cites,
                             "period": periods[-1].text if periods else None,
                             "periods": [p.text for p in periods]}
    if flows:
        extra["flows"] = sorted(flow_id(f) for f in flows)
    return s, o, f"{s}|{rel}|{o}", _edge(rel, cites, **extra)


def _flow_edges(index: Index, f: Node, node) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    sup, rec = index.value(f, E.supplier), index.value(f, E.recipient)
    if sup is None or rec is None:
        return
    si, ri = node(sup), node(rec)
    if si is None or ri is None:
        return
    fid = flow_id(f)
    period = period_of(index, f)
    attrs = _edge(
        SHIPS, citations(index, f), period=period.text if period else None,
        commodity=sorted(node(k) or str(k) for k in index.objects(f, E.commodity)),
        flow=fid, in_exchange_for=sorted(flow_id(x) for x in index.objects(f, E.inExchangeFor)))
    vias = [v for v in (node(x) for x in sorted(index.objects(f, E.via), key=str)) if v]
    hops = [(si, v) for v in vias] + [(v, ri) for v in vias] if vias else [(si, ri)]
    for a, b in hops:
        yield a, b, f"flow/{fid}/{a}>{b}", {**attrs, "via": vias}


def _is_year(p: PeriodInfo) -> bool:
    return (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31) \
        and p.start.year == p.end.year


def _add_values(edges: list[tuple[str, str, str, dict[str, Any]]], obs: list[Obs]) -> None:
    """Put the latest USD figure on tradesWith (TradeValue) and exportsTo (ExportValue)
    edges: totals only (no commodity, no route), in USD so that edges compare.

    A bilateral total is the same from either side, so tradesWith also reads the partner's
    report. Several totals for one period (two sources printing the same figure) are not
    added up — that would double count — the largest is taken and all are listed.
    """
    by_pair: dict[tuple[str, str, str], list[Obs]] = defaultdict(list)
    for o in obs:
        if (o.unit == "USD" and o.partner and o.reporter and not o.commodity and not o.via
                and o.measure in EDGE_VALUE_MEASURES.values()):
            by_pair[(o.measure, o.reporter, o.partner)].append(o)
    for u, v, _, attrs in edges:
        measure = EDGE_VALUE_MEASURES.get(attrs["relation"])
        if measure is None:
            continue
        found = by_pair.get((measure, u, v), [])
        if not found and attrs["relation"] == "tradesWith":
            found = by_pair.get((measure, v, u), [])
        if not found:
            continue
        # The latest whole year if there is one (a quarter's figure beside last year's total
        # would understate the link), else the latest period of any length.
        latest = max((o.period for o in found),
                     key=lambda p: (p is not None, p is not None and _is_year(p), p))
        chosen = [o for o in found if o.period == latest]
        best = max(chosen, key=lambda o: o.value)
        attrs["value_usd"] = number(best.value)
        attrs["value_period"] = latest.text if latest else None
        attrs["value_measure"] = measure
        attrs["value_observations"] = sorted(o.id for o in chosen)


__all__ = ["Index", "Obs", "PeriodInfo", "citations", "kind_and_group", "merge_citations", "number",
           "observations", "schema_of", "short_id", "to_networkx"]
