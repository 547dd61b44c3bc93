"""econkg queries / query."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from ..cli import Context


def output_options(f):
    """--format table|csv|json, shared by commands that print rows."""
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
                        default="table", show_default=True,
                        help="table fits the terminal; csv and json are for pandas and jq. In csv, "
                             "text a spreadsheet would run as a formula (=, +, -, @ first) "
                             "gets a leading ' (numbers such as -81 are left alone).")(f)


def emit_rows(variables: list[str], records: list[dict], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=1, default=str))
    elif fmt == "csv":
        from ..tables import spreadsheet_safe

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=variables, lineterminator="\n")
        writer.writeheader()
        for r in records:  # formula-like text is neutralised; numbers are left alone
            writer.writerow({k: "" if v is None else v if not isinstance(v, str)
                             else spreadsheet_safe(v) for k, v in r.items()})
        click.echo(buf.getvalue(), nl=False)
    else:
        from ..tables import format_table

        rows = [{v: r.get(v) for v in variables} for r in records]
        if not rows:
            click.echo("(no rows)")  # one line, on standard output only
            return
        # Fit the terminal; a table piped to a file or another program keeps whole cells.
        width = None if sys.stdout.isatty() else 10**9
        click.echo(format_table(rows, max_width=width))
        click.echo(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON with parameters and questions.")
def queries(as_json: bool) -> None:
    """List the named questions (queries/*.rq) with their titles.

    \b
    Example:
      econkg queries
      econkg query trade-over-time --param reporter=china --param partner=north-korea
    """
    from ..queries import list_queries

    items = list_queries()
    if as_json:
        click.echo(json.dumps([{
            "name": q.name, "title": q.title, "question_en": q.question_en,
            "question_zh": q.question_zh, "columns": q.columns, "order": q.order,
            "params": {p.name: {"type": p.type, "default": p.default, "doc": p.doc,
                                **({"choices": list(p.choices)} if p.choices else {})}
                       for p in q.params.values()},
        } for q in items], ensure_ascii=False, indent=1))
        return
    from ..tables import format_table

    click.echo(format_table([{
        "name": q.name, "title": q.title,
        "parameters": ", ".join(f"{p.name}={p.default or ''}" for p in q.params.values()),
    } for q in items], max_width=None if sys.stdout.isatty() else 10**9))


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r}: write key=value", param_hint="--param")
        out[key.strip()] = value
    return out


@click.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the named query (repeatable). Entities may be given by id "
                   "(dandong), English or Chinese name (丹东).")
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Run the SPARQL in this file (- for standard input).")
@click.option("--sparql", help="Run this SPARQL text.")
@click.option("--endpoint", metavar="URL",
              help="Ask a remote SPARQL endpoint (econkg serve, Fuseki, Virtuoso…) instead "
                   "of the local graph.")
@output_options
@click.pass_obj
def query(obj: Context, name: str | None, params: tuple[str, ...], query_file,
          sparql: str | None, endpoint: str | None, fmt: str) -> None:
    """Answer a named question, or run your own SPARQL.

    Every named question returns its citations (source, line, quote) and a modality column
    per row; "what is" questions give reported facts only unless `-p include=all` adds
    plans, proposals, projections and lacks. Every parameter filters; a blank one means
    "any". An unknown entity name is an error with suggestions. Rows come in the order the
    question's header documents (`econkg queries --json`). Parameters are bound as RDF
    terms, never pasted into the query text.

    \b
    Example:
      econkg query trade-over-time
      econkg query trade-over-time -p reporter=russia -p partner=south-korea --format csv
      econkg query entity-lookup -p name=丹东
      econkg query plans-and-expectations -p country=russia -p only=proposal
      econkg query barter-exchange -p include=all
      econkg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      econkg query trade-over-time --endpoint http://127.0.0.1:7878/sparql
    """
    from ..queries import bindings_for, get_query, result_records
    from ..store import QueryError, RemoteStore

    given = sum(x is not None for x in (name, query_file, sparql))
    if given != 1:
        raise click.UsageError("give exactly one of NAME, --file or --sparql")
    store = RemoteStore(endpoint) if endpoint else obj.store()
    try:
        if name:
            try:
                q = get_query(name)
            except KeyError as exc:
                raise click.ClickException(exc.args[0]) from None
            text = q.text
            bindings = bindings_for(q, _parse_params(params), store, native=True)
        else:
            if params:
                raise click.UsageError("--param goes with a named query")
            text = query_file.read() if query_file else sparql
            bindings = {}
        result = store.query(text, bindings)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if result.kind == "ASK":
        click.echo("true" if result.boolean else "false")
        return
    if result.kind == "CONSTRUCT":
        sys.stdout.write(result.graph.serialize(format="longturtle"))
        return
    emit_rows(result.variables, result_records(result), fmt)


