"""Network analyses: routes, centrality, dependency, communities, growth.

Plain functions over the NetworkX projection (`econkg.network.to_networkx`) or, where a
figure is needed, over the RDF graph itself. Each returns a list of dicts of plain Python
values that `json.dumps` accepts, and every number that comes from a source carries the
citation (source, line, quote) it was read from, so a result can be checked line by line.
networkx is imported inside the functions, as in `network`.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .namespaces import EKG, KG
from .readmodel import (
    ALT_LABEL,
    DEFAULT_MODALITY,
    LABEL,
    TYPE,
    Index,
    Obs,
    PeriodInfo,
    kind_and_group,
    merge_citations,
    number,
    observations,
    schema_of,
    short_id,
)

FACTS_ONLY = (DEFAULT_MODALITY,)

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph


class UnknownEntity(LookupError):
    """A name that matches no entity, or several; `close` holds ids worth suggesting."""

    def __init__(self, message: str, close: list[str]):
        super().__init__(message)
        self.close = close


# Names ---------------------------------------------------------------------------------

def _names_from_networkx(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    return {n: [d.get("label_en", ""), d.get("label_zh", ""), d.get("label", ""),
                *d.get("aliases", [])] for n, d in G.nodes(data=True)}


def _names_from_index(index: Index) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s, po in index.spo.items():
        ident = short_id(s)
        if ident and not ident.startswith("ekg:"):
            out[ident] = [str(x) for x in (*po.get(LABEL, ()), *po.get(ALT_LABEL, ()))]
    return out


def resolve(names: Mapping[str, Iterable[str]] | nx.MultiDiGraph, name: str) -> str:
    """An entity id from an id (`north-korea`, `kg:north-korea`) or an English or Chinese
    label or alias (`DPRK`, `朝鲜`), compared case-insensitively. Raises UnknownEntity with
    close matches, or with the candidates when a name fits several entities."""
    if not isinstance(names, Mapping):
        names = _names_from_networkx(names)
    text = name.strip().removeprefix("kg:")
    if text in names:
        return text
    folded = text.casefold()
    if folded.replace(" ", "-") in names:
        return folded.replace(" ", "-")
    hits = sorted({ident for ident, labels in names.items()
                   if any(lbl and lbl.casefold() == folded for lbl in labels)})
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise UnknownEntity(f"{name!r} names several entities: {', '.join(hits)}; give the id",
                            hits)
    by_name: dict[str, str] = {}
    for ident, labels in names.items():
        by_name.setdefault(ident.casefold(), ident)
        for lbl in labels:
            if lbl:
                by_name.setdefault(lbl.casefold(), ident)
    close = []
    for match in difflib.get_close_matches(folded, list(by_name), n=8, cutoff=0.6):
        if by_name[match] not in close:
            close.append(by_name[match])
    close += [i for i in sorted(names) if folded in i and i not in close][:5 - len(close)]
    hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
    raise UnknownEntity(f"no entity called {name!r}{hint}", close[:5])


# Routes --------------------------------------------------------------------------------

def paths(G: nx.MultiDiGraph, source: str, target: str, max_len: int = 4, *,
          directed: bool = False, limit: int = 50) -> list[dict[str, Any]]:
    """Simple routes between two entities, at most `max_len` hops, shortest first; among
    routes of one length, those that follow their edges' direction and rest on cited
    edges come first. At most `limit` routes.

    A route steps only from entity to entity along one cited fact per hop. Commodities
    label edges, they are not stepping stones: `russia exports crude-oil` (to China) and
    `north-korea imports crude-oil` (from elsewhere) do not make a route from Russia to
    North Korea, so no route passes through a commodity (one may end at one, when it is
    asked for).

    By default a route may follow an edge against its direction: `sinuiju adjoins dandong`
    and `dandong locatedIn liaoning` link places whichever way one reads them. With
    `directed=True` only edges in their own direction count (supplier → via → recipient
    for trade flows). Each hop lists every edge between its two ends with the edge's
    direction, relation and citations, so a route is evidence, not just a line on a map.
    """
    import networkx as nx

    s, t = resolve(G, source), resolve(G, target)
    if s == t or limit < 1:
        return []
    H: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    stones = {n for n, d in G.nodes(data=True)
              if n in (s, t) or d.get("group") not in NOT_STEPPING_STONES}
    H.add_nodes_from(stones)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v and u in stones and v in stones)
    # Yen's algorithm yields routes shortest first; finish the length at which `limit` is
    # reached so that ranking within that length sees all of it (up to a hard cap).
    cap = max(10 * limit, 500)
    found: list[list[str]] = []
    try:
        for nodes in nx.shortest_simple_paths(H, s, t):
            n = len(nodes) - 1
            if n > max_len or len(found) >= cap or (
                    len(found) >= limit and n > len(found[-1]) - 1):
                break
            found.append(list(nodes))
    except nx.NetworkXNoPath:
        pass
    routes = []
    for nodes in found:
        hops = [_hop(G, a, b, directed) for a, b in pairwise(nodes)]
        backward = sum(not any(e["direction"] == "forward" for e in h["edges"]) for h in hops)
        uncited = sum(not any(e["citations"] for e in h["edges"]) for h in hops)
        routes.append(((len(hops), backward, uncited), {
            "length": len(hops),
            "nodes": nodes,
            "labels": [G.nodes[n].get("label", n) for n in nodes],
            "hops": hops,
            "backward_hops": backward,
            "cited": uncited == 0,
        }))
    routes.sort(key=lambda r: r[0])  # stable: Yen's order breaks ties
    return [{"route": i, **r} for i, (_, r) in enumerate(routes[:limit], 1)]


# Groups of nodes a route may end at but never pass through: they label facts, they do not
# join the entities of two facts (ontology terms such as ekg:USD likewise).
NOT_STEPPING_STONES = {"commodity", "term"}


def _hop(G: nx.MultiDiGraph, a: str, b: str, directed: bool) -> dict[str, Any]:
    edges = []
    pairs = [(a, b, "forward")] + ([] if directed else [(b, a, "backward")])
    for u, v, direction in pairs:
        for key, d in sorted((G.get_edge_data(u, v) or {}).items()):
            edges.append({
                "key": key, "relation": d["relation"], "direction": direction,
                "reference": d.get("reference", False), "period": d.get("period"),
                "commodity": list(d.get("commodity", [])), "flow": d.get("flow"),
                "citations": list(d.get("citations", [])),
            })
    return {"from": a, "to": b, "edges": edges}


# Centrality ----------------------------------------------------------------------------

def _relation_filter(G: nx.MultiDiGraph, relation: str | Iterable[str] | None) -> set[str] | None:
    if relation is None:
        return None
    wanted = {r.strip() for r in (relation.split(",") if isinstance(relation, str) else relation)
              if r.strip()}
    known = {d["relation"] for _, _, d in G.edges(data=True)}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"no edges with relation {', '.join(unknown)}; the graph has "
                         f"{', '.join(sorted(known))}")
    return wanted


def _simple(G: nx.MultiDiGraph, rels: set[str] | None, directed: bool) -> nx.Graph:
    """Collapse parallel edges; `weight` counts them."""
    import networkx as nx

    H: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for u, v, d in G.edges(data=True):
        if u == v or (rels is not None and d["relation"] not in rels):
            continue
        if H.has_edge(u, v):
            H[u][v]["weight"] += 1
        else:
            H.add_edge(u, v, weight=1)
    return H


def centrality(G: nx.MultiDiGraph, relation: str | Iterable[str] | None = None, *,
               group: str | None = None, top: int | None = None) -> list[dict[str, Any]]:
    """Betweenness and PageRank of every connected entity, most between first.

    Betweenness (normalised, on the undirected simple graph: who lies on the shortest ways
    between others, whichever way relations point) says who brokers; PageRank (on the
    directed graph, parallel edges as weight) says who the relations point at. `relation`
    (one name, a comma-separated list, or a set) restricts both to those edges, e.g.
    `ships` for the trade network alone. `group` keeps only rows of one coarse class.
    """
    import networkx as nx

    rels = _relation_filter(G, relation)
    U = _simple(G, rels, directed=False)
    D = _simple(G, rels, directed=True)
    if U.number_of_nodes() == 0:
        return []
    between = nx.betweenness_centrality(U, normalized=True)
    rank = nx.pagerank(D, weight="weight")
    rows = []
    for n in U.nodes:
        d = G.nodes[n]
        if group and d.get("group") != group:
            continue
        rows.append({"id": n, "label": d.get("label", n), "kind": d.get("kind"),
                     "group": d.get("group"), "degree": U.degree(n),
                     "betweenness": round(between.get(n, 0.0), 6),
                     "pagerank": round(rank.get(n, 0.0), 6)})
    rows.sort(key=lambda r: (-r["betweenness"], -r["pagerank"], r["id"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows[:top] if top else rows


# Communities ---------------------------------------------------------------------------

def communities(G: nx.MultiDiGraph, *, relation: str | Iterable[str] | None = None,
                min_size: int = 2) -> list[dict[str, Any]]:
    """Greedy-modularity communities of the undirected simple graph (parallel edges as
    weight), largest first. Groups of places, firms and goods that are more tied to each
    other than to the rest: e.g. the China–North Korea border economy against the
    Russia–North Korea barter. Communities smaller than `min_size` (isolated entities) are
    left out. Members are listed most connected first."""
    import networkx as nx

    rels = _relation_filter(G, relation)
    U = _simple(G, rels, directed=False)
    if U.number_of_edges() == 0:
        return []
    # Sorted construction makes the result independent of triple order.
    S = nx.Graph()
    S.add_nodes_from(sorted(U.nodes))
    S.add_edges_from(sorted((min(u, v), max(u, v), d) for u, v, d in U.edges(data=True)))
    found = nx.community.greedy_modularity_communities(S, weight="weight")
    q = nx.community.modularity(S, found, weight="weight")
    rows = []
    for members in sorted(found, key=lambda c: (-len(c), min(c))):
        if len(members) < min_size:
            continue
        ordered = sorted(members, key=lambda n: (-S.degree(n, weight="weight"), n))
        groups: dict[str, int] = defaultdict(int)
        for n in ordered:
            groups[G.nodes[n].get("group", "other")] += 1
        rows.append({
            "community": len(rows) + 1, "size": len(ordered), "members": ordered,
            "labels": [G.nodes[n].get("label", n) for n in ordered],
            "countries": [n for n in ordered if G.nodes[n].get("group") == "country"],
            "groups": dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))),
            "modularity": round(q, 4),
        })
    return rows


def community_of(rows: list[dict[str, Any]], ident: str) -> int | None:
    """The community number of an entity in `communities()` output, None if left out."""
    for r in rows:
        if ident in r["members"]:
            return r["community"]
    return None


# Dependency ----------------------------------------------------------------------------

VALUE_MEASURE = {"total": "TradeValue", "export": "ExportValue", "import": "ImportValue"}
_NEST = ("locatedIn", "memberOf", "partOf")


def dependency(graph: Graph, country: str, year: int | None = None, *,
               flow: str = "total",
               modalities: Iterable[str] | None = FACTS_ONLY) -> list[dict[str, Any]]:
    """How a country's trade is spread over its partners, period by period, and how
    concentrated it is.

    Rows of `row_type` "share" give a partner's share in percent of the country's trade
    (`flow` total, or its exports or imports): how much the country depends on that
    partner, never the other way round. Their `basis`:
    - "printed": a trade Share observation in its stated direction — reporter R, partner P,
      flow F reads "P's share of R's F" — with reporter = the country, flow total, no
      commodity, no route and no other whole named (`share_of`: a survey, a workforce), so
      North Korea's 90 % on China is North Korea depending on China, and never appears in
      China's rows; a share is never mirrored;
    - "derived": value / total × 100 from value observations of the same period and unit,
      where the country's total with all partners is printed too;
    - "value": a bilateral value without a printed total (no share can be derived).
    A bilateral total may come from the partner's report (`mirror` true), as trade between
    two countries is the same trade seen from either side.

    One row of `row_type` "hhi" per period: the Herfindahl–Hirschman index, the sum of
    squared percent shares (0–10000; above 2500 counts as highly concentrated), using the
    printed share of a partner where there is one, else the derived one. Blocs and regions
    (ASEAN, "Belt and Road partners", Africa) are left out of it, as they overlap each
    other and the countries beside them, and so is a partner nested in another listed
    partner; `left_out` names them. When the shares used cover less than 100 %, `hhi` is a
    lower bound and `hhi_max` puts the uncovered rest on a single partner.

    Printed shares are read for total trade only. A Share observation does not say of
    what whole it is (its note does), and in the seeds the export or import shares with a
    partner mean other things — exports' share of the bilateral trade, China's share of
    world imports, a product's share of exports to a partner — so for exports and imports
    shares are derived from values alone.

    Only facts count by default (`modalities`); a projected or planned share is not a
    dependency. Periods with an open end (`../2023`) are left out: they have no length.
    """
    if flow not in VALUE_MEASURE:
        raise ValueError(f"flow must be one of {', '.join(VALUE_MEASURE)}")
    index = Index(graph)
    names = _names_from_index(index)
    c = resolve(names, country)
    obs = [o for o in observations(index, modalities=modalities)
           if not o.commodity and not o.via and o.period is not None and o.period.closed
           and (year is None or (o.period.start.year == year and o.period.end.year == year))]
    label = _label_lookup(index)

    rows: list[dict[str, Any]] = []
    printed = [o for o in obs if o.is_trade_share() and o.reporter == c
               and o.flow == "TotalTrade"] if flow == "total" else []
    for o in printed:
        rows.append(_share_row(c, o.partner, o.period.text, flow, "printed", o.value,
                               None, None, o.unit, o, label, mirror=False))

    measure = VALUE_MEASURE[flow]
    totals: dict[tuple[str, str], Obs] = {}
    for o in obs:
        if o.measure == measure and o.reporter == c and o.partner is None:
            totals.setdefault((o.period.text, o.unit or ""), o)
    values = [(o, False) for o in obs if o.measure == measure and o.reporter == c and o.partner]
    if flow == "total":
        values += [(o, True) for o in obs
                   if o.measure == measure and o.partner == c and o.reporter
                   and not any(v.reporter == c and v.partner == o.reporter
                               and v.period == o.period for v, _ in values)]
    for o, mirror in values:
        partner = o.reporter if mirror else o.partner
        total = totals.get((o.period.text, o.unit or ""))
        if total is not None and total.value:
            share = o.value / total.value * 100
            rows.append(_share_row(c, partner, o.period.text, flow, "derived", share, o.value,
                                   total.value, o.unit, o, label, mirror=mirror, total=total))
        else:
            rows.append(_share_row(c, partner, o.period.text, flow, "value", None, o.value,
                                   None, o.unit, o, label, mirror=mirror))

    rows = _merge_same(rows)
    nested = _nesting(index)
    schema = schema_of(index)
    groups = {r["partner"]: kind_and_group(index.objects(KG[r["partner"]], TYPE),
                                           schema.parents)[1] for r in rows}
    periods = sorted({(o.period, o.period.text) for o in obs if o.period}, reverse=True)
    out: list[dict[str, Any]] = []
    for _, ptext in periods:
        mine = [r for r in rows if r["period"] == ptext]
        if not mine:
            continue
        mine.sort(key=lambda r: (-(r["share"] or 0), r["partner"], r["basis"] != "printed",
                                 r["value"] or 0))
        out.extend(mine)
        hhi = _hhi_row(c, ptext, flow, mine, nested, groups)
        if hhi:
            out.append(hhi)
    return out


def _merge_same(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per partner, period, basis and figure: the same share printed on two lines
    (a summary and a detail paragraph) is one fact with two citations."""
    merged: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        key = (r["partner"], r["period"], r["basis"], r["share"], r["value"], r["total"],
               r["unit"], r["mirror"])
        if key in merged:
            m = merged[key]
            m["citations"] = merge_citations(*[m["citations"], r["citations"]])
            m["observations"] = sorted(set(m["observations"]) | set(r["observations"]))
        else:
            merged[key] = r
    return list(merged.values())


def _label_lookup(index: Index):
    def label(ident: str | None) -> str | None:
        if ident is None:
            return None
        return index.label(KG[ident], "en") or ident
    return label


def _share_row(country: str, partner: str, period: str, flow: str, basis: str,
               share: Decimal | None, value: Decimal | None, total_value: Decimal | None,
               unit: str | None, o: Obs, label, *, mirror: bool,
               total: Obs | None = None) -> dict[str, Any]:
    cites = merge_citations(*[o.citations, total.citations if total else []])
    return {
        "row_type": "share", "country": country, "partner": partner,
        "partner_label": label(partner), "period": period, "flow": flow,
        "share": round(float(share), 2) if share is not None else None, "basis": basis,
        "hhi": None, "hhi_max": None, "coverage": None, "partners": [], "left_out": [],
        "complete": None,
        "approximate": o.approximate or bool(total and total.approximate),
        "approximation": o.approximation,
        "value": number(value), "total": number(total_value),
        "unit": unit if basis != "printed" else "Percent", "mirror": mirror,
        "observations": [o.id] + ([total.id] if total else []),
        "citations": cites, "note": o.note,
    }


def _nesting(index: Index) -> dict[str, set[str]]:
    """Entity → everything it lies within or belongs to (transitively)."""
    preds = [EKG[rel] for rel in _NEST]
    direct: dict[str, set[str]] = defaultdict(set)
    for s, po in index.spo.items():
        si = short_id(s)
        if not si:
            continue
        for pred in preds:
            for o in po.get(pred, ()):
                oi = short_id(o)
                if oi:
                    direct[si].add(oi)
    closure: dict[str, set[str]] = {}
    for n in list(direct):
        seen: set[str] = set()
        todo = list(direct[n])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(direct.get(x, ()))
        closure[n] = seen
    return closure


AGGREGATE_GROUPS = {"bloc", "region"}


def _hhi_row(country: str, period: str, flow: str, rows: list[dict[str, Any]],
             nested: dict[str, set[str]], groups: dict[str, str]) -> dict[str, Any] | None:
    """HHI over partners that do not overlap: blocs and regions (ASEAN, 'Belt and Road
    partners', Africa) are left out, as they overlap each other and the countries listed
    beside them, and so is a partner nested in another listed partner."""
    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["share"] is None:
            continue
        cur = best.get(r["partner"])
        if cur is None or (cur["basis"] != "printed" and r["basis"] == "printed"):
            best[r["partner"]] = r
    if not best:
        return None
    left_out = {p: "aggregate" for p in best if groups.get(p) in AGGREGATE_GROUPS}
    for p in best:
        if p not in left_out and nested.get(p, set()) & (set(best) - {p} - set(left_out)):
            left_out[p] = "nested"
    used = {p: r for p, r in best.items() if p not in left_out}
    if not used:
        return None
    shares = [Decimal(str(r["share"])) for r in used.values()]
    hhi = sum(s * s for s in shares)
    coverage = sum(shares)
    rest = max(Decimal(0), 100 - coverage)
    bases = sorted({r["basis"] for r in used.values()})
    note = []
    if coverage < Decimal("99.5"):
        note.append("lower bound: the shares cover less than 100%")
    if coverage > Decimal("100.5"):
        note.append("the shares add up to more than 100%: partners overlap")
    if left_out:
        note.append("left out: " + ", ".join(f"{p} ({why})" for p, why in sorted(left_out.items())))
    return {
        "row_type": "hhi", "country": country, "partner": None, "partner_label": "HHI",
        "period": period, "flow": flow, "share": None, "basis": "+".join(bases),
        "hhi": round(float(hhi), 1), "hhi_max": round(float(hhi + rest * rest), 1),
        "coverage": round(float(coverage), 2), "partners": sorted(used),
        "left_out": sorted(left_out), "complete": coverage >= Decimal("99.5"),
        "approximate": any(r["approximate"] for r in used.values()),
        "approximation": None, "value": None, "total": None, "unit": None, "mirror": False,
        "observations": sorted({o for r in used.values() for o in r["observations"]}),
        "citations": merge_citations(*[r["citations"] for r in used.values()]),
        "note": "; ".join(note) or None,
    }


# Growth --------------------------------------------------------------------------------

GROWTH_MEASURES = ("TradeValue", "ExportValue", "ImportValue", "TradeBalance", "Quantity",
                   "InvestmentFlow", "InvestmentStock", "Count")


def _previous(p: PeriodInfo, q: PeriodInfo) -> str | None:
    """How period q stands before period p: 'period-on-period' when q ends the day before p
    starts and has the same length; 'year-on-year' when q is p moved back a year; None
    otherwise (another grain — a month against a year or a day — or a gap)."""
    def months(x: PeriodInfo) -> int:
        return (x.end.year - x.start.year) * 12 + x.end.month - x.start.month + 1

    def days(x: PeriodInfo) -> int:
        return (x.end - x.start).days

    if months(p) != months(q) or abs(days(p) - days(q)) > 3:
        return None
    if q.end + timedelta(days=1) == p.start:
        return "period-on-period"
    try:
        if (q.start == p.start.replace(year=p.start.year - 1)
                and q.end.month == p.end.month and q.end.year == p.end.year - 1):
            return "year-on-year"
    except ValueError:  # 29 February
        return None
    return None


def growth(graph: Graph, reporter: str, partner: str | None = None, *,
           modalities: Iterable[str] | None = FACTS_ONLY) -> list[dict[str, Any]]:
    """Change of a figure between two periods where the sources print both: the same
    measure, unit, flow, commodity and route, reported by `reporter` (with `partner`, or
    with no partner when `partner` is None). Period t is compared with the period just
    before it of the same length, or the same period a year earlier.

    Each row gives both values with their citations, the absolute and percent change, and
    — when the graph also holds a printed growth rate for t against t-1 — that rate and its
    citation, so a derived change can be checked against what the source says.
    """
    index = Index(graph)
    names = _names_from_index(index)
    r = resolve(names, reporter)
    p = resolve(names, partner) if partner else None
    obs = [o for o in observations(index, modalities=modalities)
           if o.reporter == r and o.partner == p and o.period is not None and o.period.closed]
    series: dict[tuple, dict[str, list[Obs]]] = defaultdict(lambda: defaultdict(list))
    for o in obs:
        if o.measure in GROWTH_MEASURES:
            series[(o.measure, o.unit, o.flow, o.commodity, o.via)][o.period.text].append(o)
    rates = [o for o in obs if o.measure == "GrowthRate"]
    rows: list[dict[str, Any]] = []
    for (measure, unit, flow, commodity, via), by_period in sorted(
            series.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        periods = sorted({o.period for lst in by_period.values() for o in lst})
        for i, cur in enumerate(periods):
            for prev in reversed(periods[:i]):
                how = _previous(cur, prev)
                if how is None:
                    continue
                for a in _distinct(by_period[cur.text]):
                    for b in _distinct(by_period[prev.text]):
                        rows.append(_growth_row(r, p, measure, unit, flow, commodity, via,
                                                cur, prev, how, a, b, rates))
    rows.sort(key=lambda x: (x["measure"], x["commodity"] or "", x["period_end"], x["period"]))
    for x in rows:
        del x["period_end"]
    return rows


def _distinct(lst: list[Obs]) -> list[tuple[Obs, list[dict[str, Any]]]]:
    """One entry per distinct value; the same figure printed twice merges its citations."""
    by_value: dict[Decimal, list[Obs]] = defaultdict(list)
    for o in lst:
        by_value[o.value].append(o)
    return [(group[0], merge_citations(*(o.citations for o in group)))
            for _, group in sorted(by_value.items())]


def _growth_row(r, p, measure, unit, flow, commodity, via, cur, prev, how,
                a: tuple[Obs, list], b: tuple[Obs, list], rates: list[Obs]) -> dict[str, Any]:
    (oa, ca), (ob, cb) = a, b
    change = oa.value - ob.value
    pct = (change / ob.value * 100) if ob.value else None
    printed = [g for g in rates if g.period and g.period.text == cur.text
               and g.base_period == prev.text and g.flow == flow and g.commodity == commodity
               and g.via == via]
    return {
        "reporter": r, "partner": p, "measure": measure, "unit": unit, "flow": flow,
        "commodity": commodity, "via": list(via), "comparison": how,
        "period": cur.text, "previous_period": prev.text,
        "value": number(oa.value), "previous_value": number(ob.value),
        "change": number(change),
        "change_pct": round(float(pct), 2) if pct is not None else None,
        "approximate": oa.approximate or ob.approximate,
        "printed_growth_pct": number(printed[0].value) if printed else None,
        "citations": ca, "previous_citations": cb,
        "printed_growth_citations": printed[0].citations if printed else [],
        "observations": [oa.id, ob.id],
        "period_end": cur.end.isoformat(),
    }


__all__ = ["UnknownEntity", "centrality", "communities", "community_of", "dependency",
           "growth", "paths", "resolve"]

