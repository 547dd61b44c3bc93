"""Move reviewed draft rows into the seed tables, or refuse and write nothing.

The rows go to one file per document (observations/NNN.csv, relations/NNN.csv, places/NNN.csv
…), the document's row to sources.csv, and one provenance line per row to provenance.csv.
Before anything is written, the merged seed folder is built in a scratch copy with every
check of `econkg build` (value ↔ quote with the sign rule, lines, entities, SHACL); any
problem is reported against the draft row it came from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..provenance import COLUMNS as PROVENANCE_COLUMNS
from ..provenance import PROVENANCE_FILE
from ..seeds import (
    CITATION_COLUMNS,
    ENTITY_COLUMNS,
    ENTITY_KINDS,
    FACT_KINDS,
    MAX_QUOTE,
    SOURCE_COLUMNS,
)
from . import EXTRACTOR_VERSION
from .drafts import write_files

ACCEPTED = ("accepted", "accept", "ok", "yes", "reviewed")
REJECTED = ("rejected", "reject", "no", "wrong")


class AcceptError(Exception):
    """Nothing was written; the message lists every problem."""


@dataclass
class Plan:
    files: dict[Path, str] = field(default_factory=dict)  # seed path → full new text
    origin: dict[tuple[str, int], str] = field(default_factory=dict)  # (rel path, line) → draft
    counts: dict[str, int] = field(default_factory=dict)


def parse_rows(spec: str) -> dict[str, set[int]]:
    """`2,5-7` (observations.csv) or `relations.csv:2-3,observations.csv:9` → lines."""
    out: dict[str, set[int]] = {}
    table = "observations.csv"
    for token in (t.strip() for t in spec.split(",") if t.strip()):
        if ":" in token:
            table, _, token = token.partition(":")
            if not table.endswith(".csv"):
                table += ".csv"
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", token)
        if not m:
            raise AcceptError(f"--rows: {token!r} is not a CSV line number or range (e.g. 2,5-7)")
        a, b = int(m[1]), int(m[2] or m[1])
        if a < 2 or b < a:
            raise AcceptError(f"--rows: {token!r}: line 1 is the header; data rows start at 2")
        out.setdefault(table, set()).update(range(a, b + 1))
    return out


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if not path.is_file():
        return [], []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [(reader.line_num, {k: (v or "").strip() for k, v in r.items() if k})
                for r in reader]
        return list(reader.fieldnames or []), rows


def _selected(name: str, rows: list[tuple[int, dict[str, str]]], rows_spec: dict[str, set[int]],
              take_all: bool) -> list[tuple[int, dict[str, str]]]:
    if name in rows_spec:
        wanted = rows_spec[name]
        known = {n for n, _ in rows}
        missing = sorted(wanted - known)
        if missing:
            raise AcceptError(f"{name}: no data row on line(s) {', '.join(map(str, missing))}")
        return [(n, r) for n, r in rows if n in wanted]
    if rows_spec:
        return []
    if take_all:
        return [(n, r) for n, r in rows if r.get("status", "").lower() not in REJECTED]
    return [(n, r) for n, r in rows if r.get("status", "").lower() in ACCEPTED]


def _csv_rows(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


def _append(plan: Plan, seeds: Path, rel: str, columns: tuple[str, ...],
            rows: list[tuple[str, dict[str, str]]]) -> None:
    """Add rows to seeds/rel (created with its header if new), keeping what is there."""
    path = seeds / rel
    if path in plan.files:
        existing = plan.files[path]
    elif path.is_file():
        existing = path.read_text(encoding="utf-8")
        header = next(csv.reader([existing.splitlines()[0]])) if existing.strip() else []
        if tuple(header) != columns:
            raise AcceptError(f"{rel}: its header is not {','.join(columns)}; fix it first")
    else:
        existing = ",".join(columns) + "\n"
    if existing and not existing.endswith("\n"):
        existing += "\n"
    line = existing.count("\n")  # the build names a row by the line its record ends on
    added = []
    for origin, row in rows:
        text = _csv_rows(columns, [row])
        line += text.count("\n")
        plan.origin[(rel, line)] = origin
        added.append(text)
    plan.files[path] = existing + "".join(added)


def _observation_id(nnn: str, row: dict[str, str]) -> str:
    key = "|".join(row.get(c, "") for c in ("line", "quote", "measure", "reporter", "partner",
                                             "commodity", "period", "value"))
    return f"{nnn}-l{row.get('line', '')}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def plan_accept(drafts: Path, seeds: Path, rows_spec: dict[str, set[int]], take_all: bool,
                curator: str, today: str | None = None) -> Plan:
    drafts, seeds = Path(drafts), Path(seeds)
    if (drafts.resolve() == seeds.resolve()) or not (drafts / "sources.csv").is_file():
        raise AcceptError(f"{drafts}: not a drafts folder (no sources.csv from econkg extract)")
    _, sources = _read(drafts / "sources.csv")
    if len(sources) != 1:
        raise AcceptError(f"{drafts}/sources.csv: expected the one row of the document")
    source = sources[0][1]
    src = source.get("file", "")
    nnn = src[:3]
    if not re.fullmatch(r"[0-9]{3}", nnn):
        raise AcceptError(f"{drafts}/sources.csv: file {src!r} is not a seed source name")
    text_copy = drafts / src
    lines = (text_copy.read_text(encoding="utf-8").splitlines()
             if text_copy.is_file() else None)
    plan = Plan()
    today = today or date.today().isoformat()
    problems: list[str] = []
    provenance: list[tuple[str, dict[str, str]]] = []

    def check_quote(where: str, row: dict[str, str]) -> None:
        if lines is None or not row.get("line", "").isdigit():
            return
        n = int(row["line"])
        if not 1 <= n <= len(lines) or row.get("quote", "") not in lines[n - 1]:
            problems.append(f"{where}: field 'quote': {row.get('quote', '')!r} is not printed "
                            f"on line {n} of {src}")
        if len(row.get("quote", "")) > MAX_QUOTE:
            problems.append(f"{where}: field 'quote': longer than {MAX_QUOTE} characters")

    obs_cols = (*FACT_KINDS["observations"], *CITATION_COLUMNS)
    _, obs = _read(drafts / "observations.csv")
    chosen = _selected("observations.csv", obs, rows_spec, take_all)
    staged = []
    for n, row in chosen:
        where = f"{drafts.name}/observations.csv:{n}"
        check_quote(where, row)
        row = dict(row)
        row["id"] = row.get("id") or _observation_id(nnn, row)
        row["source"] = src
        staged.append((where, row))
        provenance.append((where, {"table": "observations", "record": row["id"],
                                   "source": src, "line": row["line"], "quote": row["quote"],
                                   "confidence": row.get("confidence", "")}))
    if staged:
        _append(plan, seeds, f"observations/{nnn}.csv", obs_cols, staged)
    plan.counts["observations"] = len(staged)

    rel_cols = (*FACT_KINDS["relations"], *CITATION_COLUMNS)
    _, rels = _read(drafts / "relations.csv")
    staged = []
    for n, row in _selected("relations.csv", rels, rows_spec, take_all):
        where = f"{drafts.name}/relations.csv:{n}"
        check_quote(where, row)
        row = dict(row, source=src)
        staged.append((where, row))
        provenance.append((where, {"table": "relations",
                                   "record": f"{row['subject']} {row['predicate']} "
                                             f"{row['object']}",
                                   "source": src, "line": row["line"], "quote": row["quote"],
                                   "confidence": row.get("confidence", "")}))
    if staged:
        _append(plan, seeds, f"relations/{nnn}.csv", rel_cols, staged)
    plan.counts["relations"] = len(staged)

    _, ents = _read(drafts / "entities.csv")
    by_kind: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for n, row in _selected("entities.csv", ents, rows_spec, take_all):
        where = f"{drafts.name}/entities.csv:{n}"
        kind = row.get("kind", "")
        if kind not in ENTITY_KINDS:
            problems.append(f"{where}: field 'kind': {kind!r} is not one of "
                            f"{', '.join(ENTITY_KINDS)}")
            continue
        if not row.get("id"):
            problems.append(f"{where}: field 'id': give the new entity an id (e.g. "
                            "tumen-river-port) and an English label before accepting it")
            continue
        by_kind.setdefault(kind, []).append((where, row))
    for kind, staged in by_kind.items():
        cols = ENTITY_COLUMNS + ENTITY_KINDS[kind][1]
        if kind == "events":
            cols += CITATION_COLUMNS
        _append(plan, seeds, f"{kind}/{nnn}.csv", cols, staged)
    plan.counts["entities"] = sum(len(v) for v in by_kind.values())

    if not any(plan.counts.values()) and not problems:
        raise AcceptError(f"no rows selected in {drafts}: set status=accepted on the rows "
                          "you reviewed, or pass --rows (CSV line numbers) or --all")

    _, known = _read(seeds / "sources.csv")
    if not any(r.get("file") == src for _, r in known):
        _append(plan, seeds, "sources.csv", SOURCE_COLUMNS,
                [(f"{drafts.name}/sources.csv:2", source)])
    _append(plan, seeds, PROVENANCE_FILE, PROVENANCE_COLUMNS,
            [(w, dict(p, generated_by="econkg extract", version=EXTRACTOR_VERSION,
                      attributed_to=curator, accepted_on=today)) for w, p in provenance])
    if problems:
        raise AcceptError("\n".join(problems))
    return plan


def check_plan(plan: Plan, seeds: Path) -> None:
    """Build the merged seeds in a scratch copy with every check of `econkg build`."""
    from ..ontology import OntologyError
    from ..pipeline import build
    from ..seeds import SeedError

    seeds = Path(seeds)
    with tempfile.TemporaryDirectory(prefix="econkg-accept-") as tmp:
        scratch = Path(tmp) / seeds.name
        shutil.copytree(seeds, scratch, ignore=shutil.ignore_patterns(".*"))
        for path, text in plan.files.items():
            target = scratch / path.relative_to(seeds)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        try:
            result = build(scratch)
        except SeedError as exc:
            raise AcceptError("\n".join(_explain(p, plan, seeds.name) for p in exc.problems)) \
                from None
        except OntologyError as exc:
            raise AcceptError(str(exc)) from None
        if result.violations:
            raise AcceptError("\n".join(str(v) for v in result.violations[:50]))


def _explain(problem: str, plan: Plan, seeds_name: str) -> str:
    m = re.match(rf"{re.escape(seeds_name)}/(?P<rel>[^:]+):(?P<line>\d+): (?P<rest>.*)", problem)
    if m and (m["rel"], int(m["line"])) in plan.origin:
        return f"{plan.origin[(m['rel'], int(m['line']))]}: {m['rest']}"
    return problem


def write_plan(plan: Plan) -> list[Path]:
    """Write every file of the plan; each file is replaced atomically."""
    written = []
    by_folder: dict[Path, dict[str, str]] = {}
    for path, text in plan.files.items():
        by_folder.setdefault(path.parent, {})[path.name] = text
    for folder, files in by_folder.items():
        written += write_files(folder, files)
    return written
