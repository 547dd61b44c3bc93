"""econkg extract: a new document → draft seed rows for review."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import Context


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "doc_date", required=True,
              help="The document's date, YYYY-MM-DD (今年, 去年, 3月 are read against it).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for the drafts (created if missing).")
@click.option("--title", default="", help="The document's title (default: its first line).")
@click.option("--publisher", default="", help="Who published it.")
@click.option("--url", default="", help="Where it was published.")
@click.option("--lang", default="", help="zh, en or zh|en (default: detected).")
@click.option("--encoding", default=None,
              help="Force the text encoding (utf-8, gb18030, big5); default: detected.")
@click.option("--force", is_flag=True, help="Overwrite drafts already in the folder.")
@click.pass_obj
def extract(obj: Context, file: Path, doc_date: str, output: Path, title: str, publisher: str,
            url: str, lang: str, encoding: str | None, force: bool) -> None:
    """Propose seed rows for a new document: every figure with its exact quote, what it
    measures, whose it is, its period, and candidate relations and new names.

    Writes OUTPUT/observations.csv, relations.csv, entities.csv and sources.csv in the seed
    format, every row with status=candidate and a confidence, plus a UTF-8 copy of the text
    under its seed name (keep it beside the other sources). Review the rows in a
    spreadsheet, set status=accepted on the good ones (or fix them), then run
    `econkg accept OUTPUT`. `econkg build` never reads a drafts folder.

    \b
    Example:
      econkg extract release.txt --date 2019-04-12 --output drafts/
      econkg extract big5.txt --date 2019-04-12 --encoding big5 -o drafts/
    """
    from ..extract.drafts import (
        ENTITY_DRAFT_COLUMNS,
        OBSERVATION_COLUMNS,
        RELATION_COLUMNS,
        csv_text,
        write_files,
    )
    from ..extract.pipeline import extract_document, parse_date
    from ..extract.reading import DocumentError, read_document
    from ..seeds import SOURCE_COLUMNS

    if (output / "observations.csv").exists() and not force:
        raise click.ClickException(f"{output} already holds drafts; review and accept them, "
                                   "or pass --force to overwrite")
    try:
        parse_date(doc_date)
        if not file.is_file():
            raise DocumentError(f"{file}: no such file")
        doc = read_document(file, encoding)
        drafts = extract_document(doc, doc_date, obj.seeds, title=title, publisher=publisher,
                                  url=url, lang=lang)
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from None
    name = drafts.source["file"]
    files = {
        "observations.csv": csv_text(OBSERVATION_COLUMNS, drafts.observations),
        "relations.csv": csv_text(RELATION_COLUMNS, drafts.relations),
        "entities.csv": csv_text(ENTITY_DRAFT_COLUMNS, drafts.entities),
        "sources.csv": csv_text(SOURCE_COLUMNS, [drafts.source]),
        name: "".join(line + "\n" for line in doc.lines),
    }
    write_files(output, files)
    click.echo(f"{file.name} ({doc.encoding}, {len(doc.lines)} lines) → {output}/: "
               f"{len(drafts.observations)} figures, {len(drafts.relations)} relations, "
               f"{len(drafts.entities)} new names"
               + (f"; {drafts.skipped_translations} figures on translated lines left out"
                  if drafts.skipped_translations else ""))
    if name != file.name:
        click.echo(f"cited as {name} (the seed naming); a UTF-8 copy is in {output}/{name}",
                   err=True)
