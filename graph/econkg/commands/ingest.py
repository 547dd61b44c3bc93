"""econkg ingest comtrade."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..cli import Context


@click.group()
def ingest() -> None:
    """Load official statistics into the store, beside the documents' facts.

    \b
    Example:
      econkg build
      econkg ingest comtrade cn-kp-2025.csv
      econkg analyze reconcile
    """


@ingest.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", metavar="NAME",
              help="Name of the dataset (default: from the file name). Ingesting a name "
                   "again replaces that dataset.")
@click.option("--skip-bad", is_flag=True,
              help="Load the good rows, skip bad ones, and write a report of them "
                   "(rejected-NAME.csv in the release). Without it, one bad row stops the "
                   "ingest and nothing is loaded.")
@click.pass_obj
def comtrade(obj: Context, file: Path, dataset: str | None, skip_bad: bool) -> None:
    """Ingest a UN Comtrade CSV file (bulk or API layout, .csv or .csv.gz).

    Each row becomes a Data Cube observation in the dataset's own named graph, on the
    graph's country entities (Comtrade's M49-based codes, including its own such as 842
    for the United States) and HS commodity concepts, with Comtrade's flags (isReported =
    false becomes ekg:isMirror true; estimated quantities) and the dataset and row it came
    from. Rows are checked by the layout's schema (columns, types, code lists); a bad row
    is reported with file, row and column. The store is copied, loaded and swapped in
    whole, so a failure or a kill leaves the previous store untouched. Without an
    up-to-date build, the documents' graph is built (and validated) first.

    \b
    Example:
      econkg ingest comtrade trade-2025.csv
      econkg ingest comtrade TradeData_2023.csv.gz --dataset cn-ru-2023 --skip-bad
    """
    from ..ingest.load import IngestError, ingest_comtrade
    from ..store import StoreError

    last = [time.perf_counter()]

    def progress(rows: int) -> None:
        if sys.stderr.isatty() and time.perf_counter() - last[0] > 2:
            last[0] = time.perf_counter()
            click.echo(f"… {rows:,} rows", err=True)

    from ..pipeline import fresh_release

    if fresh_release(obj.build_dir, obj.seeds) is None:
        from .build import _run_build

        obj.note(f"no up-to-date build in {obj.build_dir}; building the documents' graph "
                 "first")
        _run_build(obj, write=True)
    try:
        res = ingest_comtrade(file, obj.build_dir, obj.seeds, dataset=dataset,
                              skip_bad=skip_bad, progress=progress)
    except IngestError as exc:
        raise click.ClickException(str(exc)) from None
    except (RuntimeError, StoreError) as exc:
        raise click.ClickException(f"{exc}; nothing was ingested") from None
    rate = res.triples / res.seconds if res.seconds else 0
    click.echo(f"ingested {res.rows:,} rows of {file} as dataset {res.dataset} "
               f"({res.triples:,} triples, graph <{res.graph}>) in {res.seconds:.1f} s "
               f"({rate:,.0f} triples/s)")
    if res.skipped:
        click.echo(f"skipped {res.skipped:,} bad row(s); report: {res.report}", err=True)
        for p in res.problems[:5]:
            click.echo(f"  {file}: {p}", err=True)
