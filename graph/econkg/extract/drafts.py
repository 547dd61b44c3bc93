"""Write the draft tables: all four files appear together or not at all."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from ..seeds import CITATION_COLUMNS, ENTITY_COLUMNS, FACT_KINDS, SOURCE_COLUMNS

OBSERVATION_COLUMNS = (*FACT_KINDS["observations"], *CITATION_COLUMNS, "confidence", "status")
RELATION_COLUMNS = (*FACT_KINDS["relations"], *CITATION_COLUMNS, "confidence", "status")
ENTITY_DRAFT_COLUMNS = ("kind", *ENTITY_COLUMNS, *CITATION_COLUMNS, "confidence", "status")
DRAFT_FILES = {"observations.csv": OBSERVATION_COLUMNS, "relations.csv": RELATION_COLUMNS,
               "entities.csv": ENTITY_DRAFT_COLUMNS, "sources.csv": SOURCE_COLUMNS}


def csv_text(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buf.getvalue()


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write name → text into folder atomically: temp files first, then one rename each,
    so an interrupted run leaves either the old files or the new ones."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            staged.append((name, Path(tmp)))
        out = []
        for name, tmp in staged:
            os.replace(tmp, folder / name)
            out.append(folder / name)
        return out
    finally:
        for _, tmp in staged:
            if tmp.exists():
                tmp.unlink()
