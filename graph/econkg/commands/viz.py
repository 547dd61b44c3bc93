"""econkg viz (alias: draw) — an interactive map of the network as one offline HTML page."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..cli import Context


@click.command()
@click.option("--output", "-o", default="network.html", show_default=True, metavar="PATH",
              help="Where to write the page (- for standard output).")
@click.option("--focus", metavar="ENTITY",
              help="Draw one entity and its neighbours: an id (dandong), an English or "
                   "Chinese name (丹东) or an alias.")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="With --focus: how many steps out to go.")
@click.option("--between", nargs=2, metavar="A B",
              help="Draw the shortest routes between two entities.")
@click.option("--slack", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --between: also draw routes up to this many steps longer.")
@click.option("--country", "countries", multiple=True, metavar="PLACE",
              help="Keep facts that touch this place or anything located in it (repeatable).")
@click.option("--period", metavar="PERIOD",
              help="Keep facts whose period overlaps this one (2025, 2025-Q1, 2024/2025); "
                   "undated facts such as 'located in' stay.")
@click.option("--relation", "relations", multiple=True, metavar="RELATION",
              help="Keep only this relation (repeatable): exportsTo, locatedIn, via, "
                   "figures… or its English or Chinese label.")
@click.option("--source", "sources", multiple=True, metavar="FILE",
              help="Keep facts cited in this document: its file name, with or without .txt, "
                   "or the start of it (000). Repeatable.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of labels and tooltips.")
@click.option("--title", help="Heading of the page.")
@click.option("--aggregate/--no-aggregate", "aggregate", default=None,
              help="Merge commodities into their HS chapter (default: only for large views).")
@click.option("--static/--physics", "static", default=None,
              help="Lay the graph out here with physics off, or let the page do it "
                   "(default: static only for large views).")
@click.option("--map", "map_tab", is_flag=True,
              help="Open the page on its map: places with coordinates over country outlines, "
                   "corridors as lines, trade flows as arcs (the network is the other tab).")
@click.option("--overview/--everything", "overview", default=None,
              help="Open the network on places, ports and corridors, with commodities, "
                   "agreements, organisations and events a tick away (default for the whole "
                   "graph), or show every node at once.")
@click.option("--modality", "modalities", multiple=True,
              type=click.Choice(["fact", "plan", "proposal", "projection", "lack", "all"]),
              help="Kinds of claim to draw (repeatable; default: fact). Anything but facts is "
                   "drawn dashed and says what it is.")
@click.pass_obj
def viz(obj: Context, output: str, focus: str | None, depth: int,
        between: tuple[str, str] | None, slack: int, countries: tuple[str, ...],
        period: str | None, relations: tuple[str, ...], sources: tuple[str, ...], lang: str,
        title: str | None, aggregate: bool | None, static: bool | None, map_tab: bool,
        overview: bool | None, modalities: tuple[str, ...]) -> None:
    """Draw the graph as one interactive HTML page that works offline: a network and a map.

    The network tab colours and shapes nodes by class, with a legend; lines are labelled by
    relation and are wider where a trade value in US dollars links the two ends. The whole
    graph opens as an overview of places and routes; tick a class in the legend or
    double-click a node to open commodities, agreements, organisations and events. The map
    tab draws places with coordinates over Natural Earth country outlines, corridors as
    lines and trade flows as arcs (width: USD, colour: exporter); places without coordinates
    are listed beside it. A period control shows both as of a year. Hover anything to see
    its facts with their citations (document, line, quoted figure); click for all of them
    and for charts of a pair's figures over time. The page loads nothing from the network,
    so it opens from file:// on an air-gapped machine.

    \b
    Example:
      econkg viz --output network.html
      econkg viz --map --output map.html
      econkg viz --map --modality fact --modality plan --lang zh -o map-zh.html
      econkg viz --focus tumen-river-crossing --depth 1 -o tumen.html
      econkg viz --focus 丹东 --depth 2 --lang zh -o dandong.html
      econkg viz --between dandong russia --slack 1 -o routes.html
      econkg viz --country north-korea --period 2025 --relation exportsTo -o nk.html
      econkg viz --source 002_a68b94a328799fa6.txt -o doc002.html
    """
    from ..export import write_atomic
    from ..viz import VizError, draw

    started = time.perf_counter()
    ds = obj.dataset()
    try:
        page = draw(ds, focus=focus, depth=depth, between=between, slack=slack,
                    countries=countries, period=period, relations=relations, sources=sources,
                    lang=lang, title=title, aggregate_commodities=aggregate, static=static,
                    tab="map" if map_tab else "network", overview=overview,
                    modalities=None if "all" in modalities else (modalities or ("fact",)))
    except VizError as exc:
        raise click.ClickException(str(exc)) from None
    n_nodes, n_edges = page.view.counts()
    if n_nodes == 0:
        raise click.ClickException("nothing to draw: no entity is left after the filters")
    data = page.encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), data)
    where = "standard output" if output == "-" else output
    obj.note(f"wrote {where}: {n_nodes} nodes, {n_edges} edges "
             f"({'; '.join(page.view.description)}) in {time.perf_counter() - started:.1f} s")
