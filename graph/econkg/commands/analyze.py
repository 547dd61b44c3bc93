"""econkg analyze: routes, centrality, dependency, communities and growth over the graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..cli import Context


def json_out_option(f):
    """--json-out PATH, shared by every analysis: the full result (with all citations) as
    JSON, written atomically; `-` prints it instead of the table."""
    return click.option(
        "--json-out", "json_out", metavar="PATH", default=None,
        help="Write the full result, citations included, as JSON to PATH (- for standard "
             "output instead of the table).")(f)


def _finish(data: list[dict[str, Any]], table: list[dict[str, Any]], json_out: str | None,
            empty: str) -> None:
    """Print the table (or JSON on `-`) and write JSON where asked."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if json_out == "-":
        click.echo(text, nl=False)
        return
    if json_out:
        from ..export import write_atomic

        write_atomic(Path(json_out), text.encode("utf-8"))
    from ..tables import format_table

    click.echo(format_table(table) if table else empty)
    if json_out:
        click.echo(f"wrote {json_out}", err=True)


def _network(obj: Context, relations: set[str] | None = None):
    from ..network import to_networkx

    return to_networkx(obj.dataset(), relations=relations)


def _user_errors():
    """Bad names and bad options become click errors, with close matches where we have
    them."""
    from ..analysis import UnknownEntity

    return (UnknownEntity, ValueError)


def _cites(cs: list[dict[str, Any]], n: int = 4) -> str:
    """`002:6 002:14 +3`: distinct document:line pairs, for the table (JSON has quotes)."""
    keys = sorted({(c.get("source") or "?", c.get("line") or 0) for c in cs})
    text = " ".join(f"{src[:3]}:{line}" for src, line in keys[:n])
    return text + (f" +{len(keys) - n}" if len(keys) > n else "")


def _num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float) and not x.is_integer():
        return f"{x:,.2f}"
    return f"{int(x):,}"


@click.group()
def analyze() -> None:
    """Network analyses of the graph, every result traced to its citations.

    \b
    Example:
      econkg analyze paths russia north-korea
      econkg analyze centrality --group country
      econkg analyze dependency 朝鲜
      econkg analyze communities
      econkg analyze growth china russia --json-out growth.json
      econkg analyze reconcile china north-korea
    """


@analyze.command()
@click.argument("source")
@click.argument("target")
@click.option("--max-len", default=4, show_default=True, type=click.IntRange(1, 8),
              help="Longest route, in hops.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Most routes to list.")
@click.option("--directed", is_flag=True,
              help="Follow edges only in their own direction (supplier → via → recipient).")
@json_out_option
@click.pass_obj
def paths(obj: Context, source: str, target: str, max_len: int, limit: int, directed: bool,
          json_out: str | None) -> None:
    """Routes between two entities, with the citations of every hop.

    Entities may be given by id (tumen-river-crossing), English or Chinese name or alias
    (DPRK, 朝鲜). Shortest routes come first; among routes of one length, those that follow
    their edges' direction and rest on cited edges. A relation read against its direction
    is marked ←.

    \b
    Example:
      econkg analyze paths russia north-korea
      econkg analyze paths 俄罗斯 朝鲜 --directed --max-len 2
      econkg analyze paths dandong kursk-oblast --json-out routes.json
    """
    from ..analysis import paths as find

    G = _network(obj)
    try:
        routes = find(G, source, target, max_len=max_len, directed=directed, limit=limit)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    table = [{
        "#": r["route"], "hops": r["length"],
        "route": " → ".join(r["labels"]),
        "relations": " | ".join(
            ",".join(sorted({e["relation"] + ("" if e["direction"] == "forward" else "←")
                             for e in h["edges"]})) for h in r["hops"]),
        "citations": _cites([c for h in r["hops"] for e in h["edges"] for c in e["citations"]]),
    } for r in routes]
    _finish(routes, table, json_out, f"(no route of at most {max_len} hops)")


@analyze.command()
@click.option("--relation", "-r", metavar="R[,R…]",
              help="Only these relations (e.g. ships, or tradesWith,exportsTo).")
@click.option("--group", "-g", metavar="GROUP",
              help="Only entities of this group (country, city, port, commodity…).")
@click.option("--top", "-n", default=20, show_default=True, type=click.IntRange(0),
              help="Rows to show (0 for all).")
@json_out_option
@click.pass_obj
def centrality(obj: Context, relation: str | None, group: str | None, top: int,
               json_out: str | None) -> None:
    """Who lies between the others (betweenness) and who the relations point at
    (PageRank).

    Betweenness is computed on the undirected graph with parallel edges merged; PageRank on
    the directed graph with parallel edges as weight.

    \b
    Example:
      econkg analyze centrality
      econkg analyze centrality --group country
      econkg analyze centrality --relation ships --top 10 --json-out central.json
    """
    from ..analysis import centrality as compute

    G = _network(obj)
    try:
        rows = compute(G, relation, group=group, top=top or None)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    table = [{"#": r["rank"], "id": r["id"], "label": r["label"], "kind": r["kind"],
              "degree": r["degree"], "betweenness": f"{r['betweenness']:.4f}",
              "pagerank": f"{r['pagerank']:.4f}"} for r in rows]
    _finish(rows, table, json_out, "(no entities)")


@analyze.command()
@click.argument("country")
@click.option("--year", type=int, help="Only periods within this year.")
@click.option("--flow", type=click.Choice(["total", "export", "import"]), default="total",
              show_default=True, help="Shares of total trade, of exports or of imports.")
@json_out_option
@click.pass_obj
def dependency(obj: Context, country: str, year: int | None, flow: str,
               json_out: str | None) -> None:
    """A country's partners' shares of its trade, and the HHI concentration index.

    `basis` says where a share comes from: printed (a share the source prints), derived
    (a printed value over the printed total), or value (a value without a printed total,
    so no share). HHI is the sum of squared percent shares (0–10000); when the shares
    cover less than 100 % it is a lower bound and hhi_max puts the rest on one partner.

    \b
    Example:
      econkg analyze dependency north-korea
      econkg analyze dependency 中国 --year 2025
      econkg analyze dependency united-states --json-out us.json
    """
    from ..analysis import dependency as compute

    try:
        rows = compute(obj.dataset(), country, year, flow=flow)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    table = []
    for r in rows:
        if r["row_type"] == "hhi":
            approx = "≥" if not r["complete"] else ""
            table.append({"period": r["period"], "partner": "HHI",
                          "share %": f"{approx}{r['hhi']:,.0f}", "basis": r["basis"],
                          "value": f"max {r['hhi_max']:,.0f}", "total": "",
                          "unit": f"{r['coverage']:g}% covered",
                          "citations": _cites(r["citations"])})
            continue
        share = "" if r["share"] is None else f"{r['share']:g}"
        if share and r.get("approximation"):
            share = {"more-than": ">", "less-than": "<", "about": "~",
                     "nearly": "≈"}.get(r["approximation"], "~") + share
        table.append({"period": r["period"], "partner": r["partner_label"],
                      "share %": share,
                      "basis": r["basis"] + (" (mirror)" if r["mirror"] else ""),
                      "value": _num(r["value"]), "total": _num(r["total"]),
                      "unit": r["unit"] or "", "citations": _cites(r["citations"])})
    _finish(rows, table, json_out, "(no shares or values for this country)")


@analyze.command()
@click.option("--relation", "-r", metavar="R[,R…]", help="Only these relations.")
@click.option("--min-size", default=2, show_default=True, type=click.IntRange(1),
              help="Leave out smaller communities.")
@click.option("--members", default=12, show_default=True, type=click.IntRange(1),
              help="Members to show per community in the table (JSON has all).")
@json_out_option
@click.pass_obj
def communities(obj: Context, relation: str | None, min_size: int, members: int,
                json_out: str | None) -> None:
    """Groups of entities more tied to each other than to the rest (greedy modularity).

    \b
    Example:
      econkg analyze communities
      econkg analyze communities --min-size 5 --json-out communities.json
    """
    from ..analysis import communities as compute

    G = _network(obj)
    try:
        rows = compute(G, relation=relation, min_size=min_size)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    table = [{"#": r["community"], "size": r["size"],
              "countries": ", ".join(r["countries"]),
              "members": ", ".join(r["labels"][:members])
              + (" …" if r["size"] > members else "")} for r in rows]
    _finish(rows, table, json_out, "(no communities)")
    if rows and json_out != "-":
        click.echo(f"modularity {rows[0]['modularity']}", err=True)


@analyze.command()
@click.argument("reporter")
@click.argument("partner", required=False)
@json_out_option
@click.pass_obj
def growth(obj: Context, reporter: str, partner: str | None, json_out: str | None) -> None:
    """Change of a figure between periods where the sources print both.

    Compares a period with the one just before it of the same length, or with the same
    period a year earlier — same measure, unit, flow, commodity and route — and shows a
    printed growth rate beside the derived one where the graph has it.

    \b
    Example:
      econkg analyze growth china russia
      econkg analyze growth russia north-korea --json-out growth.json
    """
    from ..analysis import growth as compute

    try:
        rows = compute(obj.dataset(), reporter, partner)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    table = [{"measure": r["measure"], "commodity": r["commodity"] or "",
              "period": f"{r['previous_period']} → {r['period']}",
              "from": _num(r["previous_value"]), "to": _num(r["value"]),
              "unit": r["unit"] or "",
              "change %": "" if r["change_pct"] is None else f"{r['change_pct']:+g}",
              "printed %": "" if r["printed_growth_pct"] is None
              else f"{r['printed_growth_pct']:+g}",
              "citations": _cites(r["previous_citations"] + r["citations"])} for r in rows]
    _finish(rows, table, json_out, "(no figure is printed for two comparable periods)")


@analyze.command()
@click.argument("reporter", required=False)
@click.argument("partner", required=False)
@click.option("--all", "show_all", is_flag=True,
              help="Also list document figures that have no official counterpart.")
@json_out_option
@click.pass_obj
def reconcile(obj: Context, reporter: str | None, partner: str | None, show_all: bool,
              json_out: str | None) -> None:
    """Document figures against the official statistics ingested with `econkg ingest`.

    Each trade figure a document prints is set beside the official observation with the
    same reporter, partner, flow, commodity, period and currency, and beside the mirror
    figure the partner reports, with the difference in percent. Both sides are cited: the
    document's file and line, the dataset and its row(s). Unlike figures are never
    compared (a CNY figure is not set against USD statistics).

    \b
    Example:
      econkg ingest comtrade cn-kp-2025.csv
      econkg analyze reconcile
      econkg analyze reconcile china north-korea --json-out reconcile.json
    """
    from ..reconcile import reconcile as compute
    from ..store import QueryError

    try:
        rows = compute(obj.store(), reporter, partner, matched_only=not show_all)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None

    def pct(x: Any) -> str:
        return "" if x is None else f"{x:+g}"

    table = [{"reporter": r["reporter_id"], "partner": r["partner_id"], "flow": r["flow"],
              "period": r["period"], "unit": r["unit"],
              "document": _num(r["document"]) + (f" ({r['approx']})" if r["approx"] else ""),
              "cited": f"{r['source'][:3]}:{r['line']} {r['quote']}",
              "official": _num(r["official"]) + (" est." if r["official_estimated"] else ""),
              "Δ %": pct(r["difference_pct"]),
              "rows": f"{r['dataset']}:{r['rows']}" if r["dataset"] else "",
              "mirror": _num(r["mirror"]) + (" est." if r["mirror_estimated"] else ""),
              "mirror Δ %": pct(r["mirror_difference_pct"]),
              "mirror rows": f"{r['mirror_dataset']}:{r['mirror_rows']}"
              if r["mirror_dataset"] else ""} for r in rows]
    _finish(rows, table, json_out, "(no document figure has an official counterpart; "
                                   "ingest statistics with `econkg ingest comtrade FILE`)")
