"""Views: which nodes and edges to draw (the whole graph, a focus, the routes between two
entities) after the filters, and the aggregation of commodities into HS chapters."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .model import Fact, Model, resolve_entity, resolve_relation, resolve_source
from .style import MAX_PATHS, WORDS, VizError, _lang


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
    overview: bool = False  # detail groups (commodities, agreements…) start hidden

    def counts(self) -> tuple[int, int]:
        return len(self.nodes), len(self.edges)


def overlaps(f: Fact, start: date, end: date) -> bool:
    """Whether a fact may hold within start..end: undated facts do, and an open end (2018/..)
    reaches as far as it could."""
    return not ((f.end is not None and f.end < start) or (f.start is not None and f.start > end))


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
        from ..periods import parse_period

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
        if window and not overlaps(f, *window):
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
        # As `analyze paths` does: commodities label facts, they are no stepping stones, so
        # the routes drawn are the routes the analysis reports.
        from ..analysis import NOT_STEPPING_STONES

        stones = {n for n, e in model.entities.items() if e.group in NOT_STEPPING_STONES}
        path_edges = _routes(adj, a, b, slack, avoid=stones - {a, b})
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


def _routes(adj: dict[str, set[str]], a: str, b: str, slack: int,
            avoid: set[str] = frozenset()) -> set[tuple[str, str]] | None:
    """Edges on every path from a to b no longer than the shortest path plus slack, through
    no node in `avoid`."""
    import networkx as nx

    g = nx.Graph()
    for x, ns in adj.items():
        for y in ns:
            if x not in avoid and y not in avoid:
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


