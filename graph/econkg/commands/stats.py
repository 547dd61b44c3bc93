"""econkg stats."""

from __future__ import annotations

import json

import click

from ..cli import Context


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_obj
def stats(obj: Context, as_json: bool) -> None:
    """Count facts per source document and things per class.

    \b
    Example:
      econkg stats
      econkg stats --json | jq '.documents'
    """
    from ..stats import stats as compute

    result = compute(obj.dataset())
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    from ..tables import format_table

    click.echo(format_table(result["documents"]))
    click.echo()
    click.echo(format_table(result["classes"]))
