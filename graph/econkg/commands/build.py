"""econkg build / validate."""

from __future__ import annotations

import time

import click

from ..cli import Context


def _refuse(violations: list) -> None:
    for v in violations[:50]:
        click.echo(str(v), err=True)
    more = len(violations) - 50
    if more > 0:
        click.echo(f"… and {more} more", err=True)
    raise click.ClickException(f"{len(violations)} SHACL violation(s); nothing was written")


def _run_build(obj: Context, write: bool) -> None:
    from ..ontology import OntologyError
    from ..pipeline import ShapesViolated, build, write_build
    from ..seeds import SeedError
    from ..store import StoreError

    started = time.perf_counter()
    click.echo(f"seed tables: {obj.seeds.resolve()}", err=True)
    try:
        result = build(obj.seeds, progress=lambda step: click.echo(f"… {step}", err=True),
                       verdicts=obj.build_dir)
    except SeedError as exc:
        n = len(exc.problems)
        raise click.ClickException(
            f"{n} problem{'s' if n != 1 else ''} in the seed tables; nothing was written:\n"
            + str(exc)) from None
    except OntologyError as exc:
        raise click.ClickException(f"{exc}\nnothing was written") from None
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    # SHACL runs in a thread while the release is written; nothing is published before
    # its verdict (write_build waits for it), and `validate` waits for it here
    if not write and result.violations:
        _refuse(result.violations)
    n_quads = len(result.lines)
    seeds = result.seeds
    summary = (f"{len(seeds.sources)} documents, {len(seeds.entities)} entities, "
               f"{len(seeds.relations)} relations, {len(seeds.flows)} flows, "
               f"{len(seeds.observations)} observations, {n_quads} quads; SHACL: conforms")
    if write:
        try:
            write_build(result, obj.build_dir, obj.seeds)
        except ShapesViolated as exc:
            _refuse(exc.violations)
        except (RuntimeError, StoreError) as exc:
            raise click.ClickException(f"{exc}; nothing was published") from None
        summary += f"\npublished {obj.build_dir}/current (store, econkg.trig, manifest.json)"
    if result.shacl.get("reused"):
        click.echo("SHACL: the published release was validated on exactly these triples and "
                   "shapes; its verdict stands", err=True)
    click.echo(summary)
    click.echo(f"took {time.perf_counter() - started:.2f} s", err=True)


@click.command()
@click.pass_obj
def build(obj: Context) -> None:
    """Build the graph from the seed tables, validate it, and write it to the build folder.

    Reads every seed table, checks each row (ids, numbers against their quoted figures,
    periods, citations), turns the rows into RDF with one named graph per source document,
    validates the result against the SHACL shapes, and publishes a release: an on-disk
    Oxigraph store that every later command opens directly, build/econkg.trig and a
    manifest. Statistics datasets ingested before are kept. On any problem it lists them
    all with file, row and field, exits 1 and publishes nothing; the release appears
    whole or not at all (a kill mid-build leaves the previous one).

    \b
    Example:
      econkg build
      econkg --seeds my-seeds --build-dir out build
    """
    _run_build(obj, write=True)


@click.command()
@click.pass_obj
def validate(obj: Context) -> None:
    """Check the seed tables and the SHACL shapes without writing anything.

    \b
    Example:
      econkg validate
    """
    _run_build(obj, write=False)
