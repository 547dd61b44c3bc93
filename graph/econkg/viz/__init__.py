"""Draw the graph as an interactive page that works offline from file:// (issues 5 and 15).

The package is split by concern; each step is a plain function:

    model.load_model(graph)     -> Model   entities and facts with citations, read through
                                           `econkg.readmodel` (the reading `analyze` uses)
    view.select_view(model,...) -> View    the whole graph, a focus or the routes between two
                                           entities, after filters; one edge per pair
    layout.layout(view)                    positions in Python
    geo.map_data(model, ...)               the map: places, corridors, flow arcs, basemap
    timeline.*                             the periods the graph holds, and series of figures
    page.render(model, view, ...) -> str   one self-contained HTML page (network, map, time)

`draw(graph, ...)` runs them and returns a `Drawing`, a str that Jupyter shows inline.

Safety: the page loads nothing. vis-network's JS and CSS are copied in from the pyvis
package, uPlot and the Natural Earth outlines from viz/vendor/. Text from the data reaches
the page only (a) HTML-escaped by Jinja's autoescape (heading, legend, summary) or (b) inside
one JSON data block with <, >, & escaped, from which the page script builds tooltips, menus
and map labels with textContent. Node and edge labels are drawn on the canvas. A
Content-Security-Policy with script hashes forbids any request and any script not ours.

networkx, numpy and jinja2 are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Dataset, Graph

from .layout import layout, overview_layout
from .model import (
    Cite,
    Entity,
    Fact,
    Model,
    load_model,
    resolve_entity,
    resolve_relation,
    resolve_source,
)
from .page import Drawing, page_data, render
from .page import _asset as _asset  # tests read the vendored files through it
from .style import GROUP_STYLES, LARGE, OVERVIEW_MIN, WORDS, VizError, _lang
from .view import View, aggregate, select_view
from .view import _within as _within


def draw(graph: Graph | Dataset | Model, *, focus: str | None = None, depth: int = 1,
         between: Sequence[str] | None = None, slack: int = 0, countries: Sequence[str] = (),
         period: str | None = None, relations: Sequence[str] = (),
         sources: Sequence[str] = (), lang: str = "en", title: str | None = None,
         aggregate_commodities: bool | None = None, static: bool | None = None,
         large: int = LARGE, tab: str = "network", overview: bool | None = None,
         modalities: Iterable[str] | None = ("fact",)) -> Drawing:
    """Draw an econkg graph as one offline HTML page and return it (a str).

    focus/depth: an entity (id, English or Chinese name, alias) and its neighbours up to depth
    steps away. between: two entities; the page shows the shortest routes (plus `slack` steps).
    countries, period, relations, sources: keep only facts that touch these places, overlap
    the period, have these relations, or are cited in these documents (file names).
    tab: open on the "network" or the "map"; both are in the page, with a period control.
    overview: the network shows places, ports and corridors, and commodities, agreements,
    organisations and events open on demand (default: for whole-graph views of more than
    OVERVIEW_MIN nodes). modalities: which kinds of claim to draw (default facts only; plans,
    proposals, projections and lacks are drawn dashed when asked for; None: all).
    Positions come from a vectorised spring layout; the page polishes them with a short
    physics run. With more than `large` nodes, commodities collapse into their HS chapter and
    physics is off (override with aggregate_commodities and static).

    In Jupyter the returned value displays itself; `IPython.display.HTML(draw(g))` also works.
    """
    lang = _lang(lang)
    if tab not in ("network", "map"):
        raise VizError(f"unknown tab {tab!r}; use network or map")
    model = graph if isinstance(graph, Model) else load_model(graph, modalities=modalities)
    view = select_view(model, focus=focus, depth=depth, between=between, slack=slack,
                       countries=countries, period=period, relations=relations,
                       sources=sources, lang=lang)
    big = len(view.nodes) > large
    if big if aggregate_commodities is None else aggregate_commodities:
        view = aggregate(model, view)
    view.physics = not (big if static is None else static)
    whole = focus is None and not between
    view.overview = (whole and len(view.nodes) > OVERVIEW_MIN) if overview is None else overview
    if len(view.nodes) > 2:
        view.positions = overview_layout(model, view) if view.overview else layout(view)
    page = Drawing(render(model, view, lang=lang, title=title, tab=tab))
    page.view = view
    return page


__all__ = ["GROUP_STYLES", "LARGE", "WORDS", "Cite", "Drawing", "Entity", "Fact", "Model", "View",
           "VizError", "aggregate", "draw", "layout", "load_model", "page_data", "render",
           "resolve_entity", "resolve_relation", "resolve_source", "select_view"]
