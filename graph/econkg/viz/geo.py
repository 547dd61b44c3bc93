"""The map: places with coordinates as markers, corridors as lines through the places they
join, trade flows as arcs, over country outlines from Natural Earth (world-atlas, vendored
in viz/vendor/world-atlas, 1:50m).

Everything is projected here (spherical Mercator into a 1000-unit-wide world) so that the
page only scales and moves numbers; it draws no tiles and loads nothing. Places without
coordinates, and corridors with fewer than two ends on the map, are listed in the page.

Width of a flow arc: the largest figure in US dollars that the graph holds for that
direction (ExportValue, ImportValue read from the other side, or a TradeValue with that
flow) in the period shown. Figures in other currencies are listed in the tooltip and never
set a width, so no two currencies are compared.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .model import Fact, Model
from .style import MAX_TIP_FACTS, WORDS
from .timeline import series, span
from .view import View

WORLD = 1000.0  # width of the projected world in map units
MAX_LAT = 84.0
PLACE_GROUPS = ("country", "bloc", "region", "province", "city", "port", "zone", "river")
# Facts whose two ends a corridor line runs through.
CORRIDOR_RELATIONS = ("connects", "passesThrough")
# The flows a figure describes, read as a direction from the reporter's side.
OUTWARD = {"Export"}
INWARD = {"Import"}
TWO_WAY = {"TotalTrade"}
USD_MEASURES = {"TradeValue", "ExportValue", "ImportValue"}
TRADE_MEASURES = USD_MEASURES | {"Quantity"}  # figures that make an arc


def project(lon: float, lat: float) -> tuple[float, float]:
    """Spherical Mercator, x east from 180°W, y down from the top, both in map units."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = (lon + 180.0) / 360.0 * WORLD
    y = WORLD / 2 - WORLD / (2 * math.pi) * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return round(x, 2), round(y, 2)


GRID = 0.2  # outline coordinates are snapped to this many map units (under 2 px at the
# default zoom of the map), then written as integers of GRID in relative SVG moves


def _decode(topo: dict[str, Any]) -> tuple[list[Any], list[tuple[str, list[list[int]]]]]:
    """TopoJSON (quantized, delta-encoded arcs) → every arc projected and snapped to the grid
    (numpy int arrays, consecutive repeats dropped), and per country its rings as arc
    indices (negative: reversed, as TopoJSON writes them)."""
    import numpy as np

    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    lengths = np.array([len(a) for a in topo["arcs"]])
    flat = np.array([p for a in topo["arcs"] for p in a], dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    cum = np.cumsum(flat, axis=0)
    base = np.repeat(cum[starts] - flat[starts], lengths, axis=0)
    lon = (cum[:, 0] - base[:, 0]) * sx + tx
    lat = np.clip((cum[:, 1] - base[:, 1]) * sy + ty, -MAX_LAT, MAX_LAT)
    x = (lon + 180.0) / 360.0 * WORLD
    y = WORLD / 2 - WORLD / (2 * np.pi) * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    grid = np.stack([np.rint(x / GRID), np.rint(y / GRID)], axis=1).astype(np.int64)
    arcs = []
    for s0, n in zip(starts, lengths, strict=True):
        a = grid[s0:s0 + n]
        keep = np.ones(len(a), dtype=bool)
        keep[1:] = (a[1:] != a[:-1]).any(axis=1)
        arcs.append(a[keep])
    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom.get("arcs") or []
        if geom["type"] == "Polygon":
            polys = [polys]
        countries.append((geom.get("properties", {}).get("name", ""),
                          [r for poly in polys for r in poly]))
    return arcs, countries


def _path(arcs: list[Any], ring: list[int]) -> str:
    """One ring as an SVG path in grid units: an absolute move, then relative lines."""
    import numpy as np

    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in ring]
    pts = np.concatenate([p if k == 0 else p[1:] for k, p in enumerate(parts)])
    if len(pts) < 3:
        return ""
    d = np.diff(pts, axis=0)
    d = d[(d != 0).any(axis=1)]
    if len(d) < 2:
        return ""
    return f"M{pts[0][0]} {pts[0][1]}" + "".join(f"l{a} {b}" for a, b in d.tolist()) + "z"


@lru_cache(maxsize=1)
def basemap() -> list[dict[str, str]]:
    """Country outlines as SVG paths in GRID units (the page scales them by GRID)."""
    from .page import _asset

    arcs, countries = _decode(json.loads(_asset("vendor/world-atlas/countries-50m.json")))
    out = []
    for name, rings in countries:
        d = "".join(_path(arcs, r) for r in rings)
        if d:
            out.append({"n": name, "d": d})
    return out


def _usd_value(f: Fact) -> Decimal | None:
    if f.figure and f.figure[0] in USD_MEASURES and f.figure[2] == "USD":
        return f.figure[1]
    return None


def _direction(f: Fact) -> tuple[str, str, bool] | None:
    """(from, to, directed) of a fact that describes trade between two places, or None."""
    if f.object is None:
        return None
    if f.relation == "exportsTo":
        return f.subject, f.object, True
    if f.relation != "figures" or not f.figure or f.figure[0] not in TRADE_MEASURES:
        return None
    flow = next((v for k, v in f.parts if k == "flow"), "")
    if f.figure[0] == "ExportValue" or flow in OUTWARD:
        return f.subject, f.object, True
    if f.figure[0] == "ImportValue" or flow in INWARD:
        return f.object, f.subject, True
    if flow in TWO_WAY:
        return f.subject, f.object, False
    return None


def map_data(model: Model, view: View, lang: str, tip_of, fact_item) -> dict[str, Any]:
    """Markers, corridor lines, flow arcs and the unplaced list for a view.

    `tip_of(id)` gives a node's tooltip, `fact_item(fact)` one fact's text and citations
    (both from the page module, so the map says what the network says)."""
    w = WORDS[lang]
    in_view = set(view.nodes)
    members = {m: agg for agg, ms in view.members.items() for m in ms}
    here: dict[str, tuple[float, float]] = {}
    markers, unplaced = [], []
    for n in view.nodes:
        e = model.entities.get(n)
        if e is None:
            continue
        if e.lat is not None and e.lon is not None:
            x, y = project(e.lon, e.lat)
            here[n] = (x, y)
            markers.append({"id": n, "x": x, "y": y, "group": e.group,
                            "label": model.name(n, lang), "tip": tip_of(n)})
        elif e.group in PLACE_GROUPS:
            unplaced.append({"id": n, "label": model.name(n, lang), "why": w["no_coords"]})

    facts_of: dict[str, list[Fact]] = defaultdict(list)
    touching: dict[str, list[Fact]] = defaultdict(list)
    for (a, b), facts in view.edges.items():
        for f in facts:
            facts_of[f.subject].append(f)
            touching[a].append(f)
            touching[b].append(f)
    # A marker's tooltip: the place's description, then the facts of every line that touches
    # it, each with its citations (the network shows these on its lines).
    for mk in markers:
        tip = dict(mk["tip"])
        items, seen = list(tip.get("f", ())), set()
        for f in touching[mk["id"]]:
            it = fact_item(f)
            key = (it["t"], json.dumps(it["c"]))
            if key not in seen and len(items) < MAX_TIP_FACTS:
                seen.add(key)
                items.append(it)
        tip["f"] = items
        mk["tip"] = tip

    lines = []
    for n in view.nodes:
        e = model.entities.get(n)
        if e is None or e.group != "corridor":
            continue
        ends = sorted({f.object for f in facts_of[n]
                       if f.relation in CORRIDOR_RELATIONS and f.object in here})
        if len(ends) < 2:
            unplaced.append({"id": n, "label": model.name(n, lang), "why": w["no_ends"]})
            continue
        lines.append({"id": n, "label": model.name(n, lang), "cls": e.kind,
                      "pts": [here[x] for x in _order([here[x] for x in ends], ends)],
                      "ends": ends, "tip": tip_of(n)})

    arcs: dict[tuple[str, str, tuple[str, ...], bool], list[Fact]] = defaultdict(list)
    for facts in view.edges.values():
        for f in facts:
            d = _direction(f)
            if d is None:
                continue
            a, b, directed = d
            a, b = members.get(a, a), members.get(b, b)
            if a not in here or b not in here or a == b:
                continue
            via = tuple(v for v in f.via if v in here and v in in_view and v not in (a, b))
            if not directed:
                a, b = sorted((a, b))
            arcs[(a, b, via, directed)].append(f)
    arc_items = []
    for (a, b, via, directed), facts in sorted(arcs.items()):
        items, seen = [], set()
        for f in facts:
            it = fact_item(f)
            key = (it["t"], json.dumps(it["c"]))
            if key not in seen:
                seen.add(key)
                items.append(it)
        sep = " → " if directed else " — "
        head = sep.join(model.name(x, lang) for x in (a, *via, b))
        arc_items.append({
            "id": f"{a}>{'>'.join(via)}>{b}" + ("" if directed else "~"),
            "from": a, "to": b, "via": list(via), "directed": directed,
            "pts": [here[x] for x in (a, *via, b)],
            "when": [span(f) for f in facts],
            "usd": [[*span(f), float(v)] for f in facts if (v := _usd_value(f)) is not None],
            "modal": sorted({_modality(f) for f in facts}),
            "tip": {"h": head, "s": w["flow_dir"] if directed else w["flow_both"],
                    "f": items, "series": series(model, facts, lang, fact_item)}})
    return {"markers": markers, "lines": lines, "arcs": arc_items, "unplaced": unplaced,
            "outline": basemap(), "grid": GRID, "world": WORLD}


def _modality(f: Fact) -> str:
    return next((v for k, v in f.parts if k == "modality"), "fact")


def _order(pts: list[tuple[float, float]], ids: list[str]) -> list[str]:
    """The ends of a corridor in walking order: from the westmost, always to the nearest."""
    todo = list(range(len(ids)))
    cur = min(todo, key=lambda i: (pts[i][0], ids[i]))
    out = [cur]
    todo.remove(cur)
    while todo:
        cur = min(todo, key=lambda i: (math.dist(pts[i], pts[out[-1]]), ids[i]))
        out.append(cur)
        todo.remove(cur)
    return [ids[i] for i in out]
