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

The graph is read by `econkg.readmodel` (the reading that drawing and stats share, its
classification taken from the ontology); this module only lays that reading out as a
network. By default only facts go in: plans, proposals, projections and lacks stay out
unless asked for (`modalities=None` keeps every kind of claim). networkx is imported inside
`to_networkx`, so importing this module (and `econkg.cli`) stays cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from .readmodel import (
    ALT_LABEL,
    DEFAULT_MODALITY,
    LABEL,
    TYPE,
    Entity,
    Flow,
    Index,
    Obs,
    PeriodInfo,
    ReadModel,
    Statement,
    citations,
    flow_id,
    kind_and_group,
    merge_citations,
    number,
    observations,
    read,
    schema_of,
    short_id,
)

if TYPE_CHECKING:
    import networkx as nx

# Edges that do not come from a seed relation row.
SHIPS = "ships"          # a trade flow: supplier → via → recipient
BROADER = "broader"      # commodity hierarchy (skos:broader)
PARTICIPANT = "participant"  # event → who took part
LOCATION = "location"    # event → where it happened

# Value measures that `value` reads for a relation edge.
EDGE_VALUE_MEASURES = {"tradesWith": "TradeValue", "exportsTo": "ExportValue"}
CURRENCIES = ("USD", "CNY", "RUB")

FACTS_ONLY = (DEFAULT_MODALITY,)


def to_networkx(graph: Graph | ReadModel, *, relations: set[str] | None = None,
                lang: str = "en",
                modalities: Iterable[str] | None = FACTS_ONLY) -> nx.MultiDiGraph:
    """Project the RDF graph (a Dataset or Graph, or its read model) onto a MultiDiGraph.

    Nodes are entities keyed by short id with `label` (in `lang`, falling back to English,
    then the id), `label_en`, `label_zh`, `aliases`, `kind` (ontology class), `group`
    (coarse class), `iri`, and `lat`/`lon` where known.

    Edges:
    - one per direct relation triple, key `subject|relation|object`, with `relation`,
      `symmetric` (owl:SymmetricProperty), `citations` (list of {source, line, quote} from
      all its statement nodes), `period` (the latest stated period, or None), `periods`,
      `commodity` and `via` (lists of ids), `statements`, `modality` (the kinds of claim of
      its statements), `reference` (True when no source states it: the place hierarchy of
      the entity tables), `weight` = 1, and on tradesWith/exportsTo edges `value` and
      `value_unit` (the latest whole year's total, else the latest period's; in USD where
      there is a USD figure, else in the currency printed), `values` (one per currency),
      `value_period`, `value_measure` and `value_observations`; `value_usd` when in USD;
    - `ships` edges for every trade flow: supplier → each via → recipient (or supplier →
      recipient when the flow names no via), key `flow/ID/A>B`, with `flow`, `commodity`,
      `period`, `citations` and `in_exchange_for` (flow ids);
    - `participant` and `location` edges from events, cited by the event's citations;
    - `broader` edges of the commodity hierarchy, marked `reference=True`.

    `relations` keeps only edges whose relation is in the set (and the nodes they touch).
    `modalities` keeps statements, flows and observations of those kinds of claim (facts
    by default; None keeps all).
    """
    import networkx as nx

    model = graph if isinstance(graph, ReadModel) else read(graph)
    keep_mod = set(modalities) if modalities is not None else None

    def wanted(modality: str) -> bool:
        return keep_mod is None or modality in keep_mod

    G = nx.MultiDiGraph()
    nodes: dict[str, dict[str, Any]] = {}

    def node(ident: str | None) -> str | None:
        if ident is None:
            return None
        if ident not in nodes:
            e = model.entities.get(ident)
            if e is None:
                e = _term_entity(model, ident)
            nodes[ident] = _node_attrs(e, lang)
        return ident

    for ident in model.entities:
        node(ident)

    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    symmetric = model.schema.symmetric

    grouped: dict[tuple[str, str, str], list[Statement]] = defaultdict(list)
    for st in model.statements:
        if short_id_ok(st.object) and wanted(st.modality):
            grouped[(st.subject, st.relation, st.object)].append(st)
    dropped = {(st.subject, st.relation, st.object) for st in model.statements
               if not wanted(st.modality)} - set(grouped)

    # Direct triples from flows have no statement of their own (ekg:exports, ekg:imports):
    # they borrow the citations of the flows that imply them.
    flows = [f for f in model.flows if wanted(f.modality)]
    implied: dict[tuple[str, str, str], list[Flow]] = defaultdict(list)
    for f in flows:
        for k in f.commodities:
            if f.supplier is not None:
                implied[(f.supplier, "exports", k)].append(f)
            if f.recipient is not None:
                implied[(f.recipient, "imports", k)].append(f)
    left_out_flows = {(f.supplier, rel, k) for f in model.flows if not wanted(f.modality)
                      for rel in ("exports",) for k in f.commodities}
    left_out_flows |= {(f.recipient, "imports", k) for f in model.flows
                       if not wanted(f.modality) for k in f.commodities}

    stated = set(grouped)
    for t in model.triples:
        key3 = (t.subject, t.relation, t.object)
        if key3 in dropped or (key3 in left_out_flows and key3 not in implied):
            continue  # stated only as a plan, proposal, projection or lack
        node(t.subject)
        node(t.object)
        if key3 in stated:
            edges.append(_statement_edge(key3, grouped[key3], implied.get(key3, []),
                                         symmetric))
            stated.discard(key3)
        else:
            edges.append(_implied_edge(key3, implied.get(key3, []), symmetric))
    for key3 in sorted(stated):  # statements whose direct triple is missing (hand-made data)
        node(key3[0])
        node(key3[2])
        edges.append(_statement_edge(key3, grouped[key3], [], symmetric))

    for f in flows:
        edges.extend(_flow_edges(f, node))

    for ev in model.events:
        if not wanted(ev.modality):
            continue
        evi = node(ev.id)
        for rel, targets in ((PARTICIPANT, ev.participants), (LOCATION, ev.locations)):
            for x in targets:
                xi = node(x)
                edges.append((evi, xi, f"{evi}|{rel}|{xi}", _edge(rel, ev.citations)))

    for e in model.entities.values():
        for b in e.broader:
            node(b)
            edges.append((e.id, b, f"{e.id}|{BROADER}|{b}",
                          _edge(BROADER, [], reference=True)))

    _add_values(edges, [o for o in model.observations if wanted(o.modality)])

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


def short_id_ok(ident: str) -> bool:
    """A statement's object that can be a node: an entity id or an ontology term."""
    return "/" not in ident and ":" not in ident.removeprefix("ekg:")


def _term_entity(model: ReadModel, ident: str) -> Entity:
    """An ontology term (ekg:USD) or an id with no entity row, as a node."""
    if ident.startswith("ekg:"):
        name = ident[4:]
        en, zh = model.schema.labels.get(name, ("", ""))
        from .namespaces import EKG

        term = EKG[name] if name in model.schema.labels else None
        kind = "Term"
        if term is not None:
            from .readmodel import local_name

            kind = local_name(model.index.value(term, TYPE)) or "Term"
        return Entity(ident, str(term or ident), kind, "term", en, zh)
    from .namespaces import KG

    return Entity(ident, str(KG[ident]))


def _node_attrs(e: Entity, lang: str) -> dict[str, Any]:
    chosen = e.label_en if lang == "en" else e.label_zh if lang == "zh" else ""
    attrs: dict[str, Any] = {
        "label": chosen or e.label_en or e.id,
        "label_en": e.label_en or e.id,
        "label_zh": e.label_zh or "",
        "aliases": sorted(set(e.aliases)),
        "kind": e.kind,
        "group": e.group,
        "iri": e.iri,
    }
    if e.lat is not None and e.lon is not None:
        attrs["lat"], attrs["lon"] = e.lat, e.lon
    return attrs


def _edge(relation: str, cites: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {"relation": relation, "citations": cites, "period": None,
                             "commodity": [], "weight": 1, "reference": False,
                             "symmetric": False}
    attrs.update(extra)
    return attrs


def _statement_edge(key3: tuple[str, str, str], statements: list[Statement],
                    flows: list[Flow], symmetric: set[str]
                    ) -> tuple[str, str, str, dict[str, Any]]:
    """An edge for a direct triple from its statement nodes; flows that imply the same
    triple (`russia exports grain`) add their citations."""
    s, rel, o = key3
    periods = sorted({st.period for st in statements if st.period})
    commodity = sorted({k for st in statements for k in st.commodity})
    via = sorted({v for st in statements for v in st.via})
    cites = merge_citations(*(st.citations for st in statements),
                            *(f.citations for f in flows))
    extra: dict[str, Any] = {"flows": sorted(f.id for f in flows)} if flows else {}
    return s, o, f"{s}|{rel}|{o}", _edge(
        rel, cites, period=periods[-1].text if periods else None,
        periods=[p.text for p in periods], commodity=commodity, via=via,
        statements=sorted(st.id for st in statements),
        modality=sorted({st.modality for st in statements}),
        symmetric=rel in symmetric, reference=not cites, **extra)


def _implied_edge(key3: tuple[str, str, str], flows: list[Flow],
                  symmetric: set[str]) -> tuple[str, str, str, dict[str, Any]]:
    s, rel, o = key3
    cites = merge_citations(*(f.citations for f in flows))
    periods = sorted({f.period for f in flows if f.period})
    extra: dict[str, Any] = {"reference": not cites,
                             "period": periods[-1].text if periods else None,
                             "periods": [p.text for p in periods],
                             "symmetric": rel in symmetric}
    if flows:
        extra["flows"] = sorted(f.id for f in flows)
        extra["modality"] = sorted({f.modality for f in flows})
    return s, o, f"{s}|{rel}|{o}", _edge(rel, cites, **extra)


def _flow_edges(f: Flow, node) -> list[tuple[str, str, str, dict[str, Any]]]:
    if f.supplier is None or f.recipient is None:
        return []
    si, ri = node(f.supplier), node(f.recipient)
    attrs = _edge(
        SHIPS, f.citations, period=f.period.text if f.period else None,
        commodity=[node(k) or k for k in f.commodities], flow=f.id,
        in_exchange_for=list(f.in_exchange_for), modality=[f.modality])
    vias = [v for v in (node(x) for x in f.via) if v]
    hops = [(si, v) for v in vias] + [(v, ri) for v in vias] if vias else [(si, ri)]
    return [(a, b, f"flow/{f.id}/{a}>{b}", {**attrs, "via": vias}) for a, b in hops]


def _is_year(p: PeriodInfo) -> bool:
    return p.closed and (p.start.month, p.start.day, p.end.month, p.end.day) == (1, 1, 12, 31) \
        and p.start.year == p.end.year


def _add_values(edges: list[tuple[str, str, str, dict[str, Any]]], obs: list[Obs]) -> None:
    """Put the latest total on tradesWith (TradeValue) and exportsTo (ExportValue) edges:
    totals only (no commodity, no route), each currency apart — a CNY total is carried in
    CNY, never dropped and never compared with a USD one. `value`/`value_unit` is the USD
    figure where there is one (so that edges compare), else the figure in its own currency.

    A bilateral total is the same from either side, so tradesWith also reads the partner's
    report. Several totals for one period (two sources printing the same figure) are not
    added up — that would double count — the largest is taken and all are listed.
    """
    by_pair: dict[tuple[str, str, str], list[Obs]] = defaultdict(list)
    for o in obs:
        if (o.unit in CURRENCIES and o.partner and o.reporter and not o.commodity
                and not o.via and o.measure in EDGE_VALUE_MEASURES.values()):
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
        values = []
        for unit in sorted({o.unit for o in found}, key=CURRENCIES.index):
            mine = [o for o in found if o.unit == unit]
            # The latest whole year if there is one (a quarter's figure beside last year's
            # total would understate the link), else the latest period of any length.
            latest = max((o.period for o in mine),
                         key=lambda p: (p is not None, p is not None and _is_year(p),
                                        p or PeriodInfo(None, None, "")))
            chosen = [o for o in mine if o.period == latest]
            best = max(chosen, key=lambda o: o.value)
            values.append({"value": number(best.value), "unit": unit,
                           "period": latest.text if latest else None,
                           "observations": sorted(o.id for o in chosen)})
        first = values[0]
        attrs["values"] = values
        attrs["value"], attrs["value_unit"] = first["value"], first["unit"]
        attrs["value_period"] = first["period"]
        attrs["value_measure"] = measure
        attrs["value_observations"] = first["observations"]
        if first["unit"] == "USD":
            attrs["value_usd"] = first["value"]


__all__ = ["ALT_LABEL", "LABEL", "TYPE", "Index", "Obs", "PeriodInfo", "citations",
           "flow_id", "kind_and_group", "merge_citations", "number", "observations",
           "schema_of", "short_id", "to_networkx"]
