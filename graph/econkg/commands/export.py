"""econkg export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import Context

FORMAT_CHOICES = ["turtle", "trig", "nt", "nquads", "jsonld"]


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="turtle",
              show_default=True, help="turtle flattens the named graphs (citations keep the "
                                      "source); trig and nquads keep them.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default="-", show_default=True, help="File to write, or - for standard output.")
@click.pass_obj
def export(obj: Context, fmt: str, output: Path) -> None:
    """Write the graph as Turtle, TriG, N-Triples, N-Quads or JSON-LD.

    Everything in the store is written: the documents' graphs and any statistics datasets
    ingested (one named graph each). The output is deterministic: the same inputs give
    byte-identical files, written by Oxigraph's serialisers from sorted quads. Files are
    written atomically, so a failed export never leaves half a file behind.

    \b
    Example:
      econkg export --output kg.ttl
      econkg export --format trig --output kg.trig
    """
    from ..export import serialize, write_atomic

    data = serialize(obj.store(), fmt)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    write_atomic(output, data)
    click.echo(f"wrote {output} ({len(data):,} bytes, {fmt})", err=True)
