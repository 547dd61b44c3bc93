"""econkg verify-citations."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import Context


@click.command("verify-citations")
@click.option("--sources", "sources_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding the source documents (e.g. ../shared/seeds).")
@click.pass_obj
def verify_citations(obj: Context, sources_dir: Path) -> None:
    """Check that every citation's quote is printed on its cited line of the source text.

    \b
    Example:
      econkg verify-citations --sources ../shared/seeds
    """
    from ..citations import verify_citations as verify
    from ..seeds import SeedError, load_seeds

    try:
        seeds = load_seeds(obj.seeds)
    except SeedError as exc:
        raise click.ClickException(f"the seed tables have problems:\n{exc}") from None
    checked, problems = verify(seeds, sources_dir)
    for p in problems:
        click.echo(p, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} of {checked} citations do not match")
    click.echo(f"all {checked} citations match their source lines")
