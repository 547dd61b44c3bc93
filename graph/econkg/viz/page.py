"""The page: tooltips, node and edge items, vis-network options, the inlined assets, the
Content-Security-Policy and the template."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .model import Cite, Fact, Model
from .style import (
    DETAIL_GROUPS,
    GROUP_STYLES,
    LABEL_PRIORITY,
    MAX_TIP_FACTS,
    MIN_FONT,
    OVERVIEW_FONT,
    WORDS,
    _lang,
)
from .timeline import series, span
from .view import View


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
    sub = f"{model.term(e.kind, lang)} · {w['id']} {e.id}"
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
    item["when"] = [span(f) for f in facts]
    modal = sorted({next((v for k, v in f.parts if k == "modality"), "fact") for f in facts})
    if "fact" not in modal:
        item["dashes"] = True
    charts = series(model, facts, lang, lambda f: _fact_item(model, f, lang))
    if charts:
        item["series"] = charts
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
        iterations = (120 if view.overview else 250) if view.positions else 600
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
    """A file vendored in pyvis (vis-network 9.1.2, under lib/) or in econkg/viz (template/,
    vendor/)."""
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
        text = (resources.files("econkg.viz") / name).read_text(encoding="utf-8")
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


def _fact_item(model: Model, f: Fact, lang: str) -> dict:
    return {"t": _fact_text(model, f, lang), "c": _cites(f)}


def render(model: Model, view: View, *, lang: str = "en", title: str | None = None,
           tab: str = "network") -> str:
    """The HTML page for a view, opening on the network or the map tab. Every text from the
    data is escaped for where it goes."""
    import jinja2
    from markupsafe import Markup

    from .geo import map_data
    from .timeline import periods

    lang = _lang(lang)
    if tab not in ("network", "map"):
        raise ValueError(f"unknown tab {tab!r}")
    w = WORDS[lang]
    degree: dict[str, int] = defaultdict(int)
    for a, b in view.edges:
        if not view.overview or not ({_group(model, a), _group(model, b)} & set(DETAIL_GROUPS)):
            degree[a] += 1
            degree[b] += 1
    big = len(view.nodes) > 100
    min_font = OVERVIEW_FONT if view.overview else MIN_FONT if big else {}
    nodes = []
    tips: dict[str, dict] = {}
    for n in view.nodes:
        e = model.entities.get(n)
        group = e.group if e else "other"
        colour, shape, size, _, _ = GROUP_STYLES[group]
        label = model.name(n, lang)
        if n in view.members:
            label += f" (+{len(view.members[n]) - 1})"
        # Hubs grow, and so do their labels, so they stay legible when the whole graph shows.
        grow = math.log2(1 + degree[n])
        tips[n] = _node_tip(model, view, n, lang)
        item: dict[str, Any] = {
            "id": n, "label": label, "group": group, "shape": shape,
            "size": round(size + 2.5 * grow, 1),
            "font": {"size": max(min_font.get(group, 12), round(12 + 4.2 * grow))},
            "color": {"background": colour, "border": "#ffffff",
                      "highlight": {"background": colour, "border": "#222222"},
                      "hover": {"background": colour, "border": "#222222"}},
            "tip": tips[n],
            # label priority: group first, then the bigger label (a hub) first
            "rank": LABEL_PRIORITY.index(group) * 1000 - min(999, round(12 + 4.2 * grow)),
        }
        if view.overview and group in DETAIL_GROUPS:
            item["hidden"], item["physics"] = True, False  # opened on demand
        if view.positions and n in view.positions:
            item["x"], item["y"] = view.positions[n]
        if e and e.lat is not None:
            item["lat"], item["lon"] = e.lat, e.lon
        nodes.append(item)
    edges = [_edge_item(model, pair, facts, lang) for pair, facts in view.edges.items()]
    present = sorted({n["group"] for n in nodes}, key=list(GROUP_STYLES).index)
    legend = [{"svg": Markup(_legend_svg(GROUP_STYLES[g][1], GROUP_STYLES[g][0])),
               "label": GROUP_STYLES[g][4 if lang == "zh" else 3], "group": g,
               "toggle": view.overview, "on": not (view.overview and g in DETAIL_GROUPS)}
              for g in present]
    notes = list(view.description)
    if view.overview:
        notes.insert(0, w["overview"])
    if view.aggregated:
        notes.append(w["aggregated"])
    if not view.physics:
        notes.append(w["static"])
    all_facts = [f for facts in view.edges.values() for f in facts]
    data = {"nodes": nodes, "edges": edges, "options": _options(view), "lang": lang,
            "tab": tab, "physics": view.physics,
            "groups": [{"group": g, "colour": GROUP_STYLES[g][0], "on": item["on"]}
                       for g, item in zip(present, legend, strict=True)],
            "map": map_data(model, view, lang, tips.__getitem__,
                            lambda f: _fact_item(model, f, lang)),
            "words": {"choose": w["choose"], "click": w["click"]}}

    scripts = [_asset("lib/vis-9.1.2/vis-network.min.js"),
               _asset("vendor/uplot/uPlot.iife.min.js"), _asset("template/page.js"),
               _asset("template/map.js")]
    styles = [_asset("lib/vis-9.1.2/vis-network.css"), _asset("vendor/uplot/uPlot.min.css"),
              _asset("template/page.css")]
    csp = ("default-src 'none'; img-src data:; font-src data:; connect-src 'none'; "
           "form-action 'none'; base-uri 'none'; "
           f"script-src {' '.join(_csp_hash(s) for s in scripts)}; "
           f"style-src {' '.join(_csp_hash(s) for s in styles)}")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    template = env.from_string(_asset("template/page.html"))
    n_nodes, n_edges = view.counts()
    legend_notes = [w["width"], w["arrows"], w["hover"]]
    if view.overview:
        legend_notes.insert(0, w["expand"])
    return template.render(
        lang=lang, csp=csp, title=title or w["title"], notes=notes, tab=tab, w=w,
        counts=f"{n_nodes} {w['nodes']} · {n_edges} {w['edges']}",
        periods=periods(all_facts), legend=legend, legend_title=w["legend"],
        legend_notes=legend_notes, map_notes=[w["map_width"], w["dashed"], w["map_hover"]],
        find=w["find"], close=w["close"],
        data=Markup(_json_block(data)), scripts=[Markup(s) for s in scripts],
        styles=[Markup(s) for s in styles])


def _group(model: Model, n: str) -> str:
    e = model.entities.get(n)
    return e.group if e else "other"


def page_data(page: str) -> dict:
    """The nodes, edges and options embedded in a page (for tests and tools)."""
    m = re.search(r'<script type="application/json" id="econkg-data">(.*?)</script>', page,
                  re.S)
    if not m:
        raise ValueError("not an econkg page")
    return json.loads(m.group(1))


class Drawing(str):
    """The page as a str; in Jupyter it shows itself in a sandboxed iframe."""

    view: View | None = None

    def _repr_html_(self) -> str:
        return ('<iframe sandbox="allow-scripts" style="width:100%;height:720px;border:0" '
                f'srcdoc="{html.escape(str(self), quote=True)}"></iframe>')

