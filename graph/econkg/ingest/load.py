"""Ingest a Comtrade file into a new release of the store, and publish it whole or not at all.

The published store is copied by checkpoint (hard links: milliseconds, whatever its size)
into a staging release, the file's rows are streamed as N-Triples through a pipe into
Oxigraph's bulk loader — a Python thread reads and checks the CSV while the loader indexes
in Rust, without the GIL — and only when every row has loaded is the release swapped in.
A bad row, an error or a kill leaves the previous store as it was.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .comtrade import GRAPH, BadRow, Problem, Resolver, RowWriter, check_header, read_rows

MAX_PROBLEMS = 20


class IngestError(Exception):
    """The file cannot be ingested; str() names the file, and row and column for bad rows."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = problems or []
        super().__init__(message)


@dataclass
class IngestResult:
    dataset: str
    graph: str
    rows: int
    skipped: int
    triples: int
    seconds: float
    sha256: str
    report: Path | None = None
    problems: list[Problem] = field(default_factory=list)


def dataset_name(path: Path, name: str | None) -> str:
    if name is None:
        base = Path(path).name
        for suffix in (".gz", ".csv"):
            base = base.removesuffix(suffix)
        name = re.sub(r"[^a-z0-9._-]+", "-", base.lower()).strip("-._") or "comtrade"
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,99}", name):
        raise IngestError(f"dataset name {name!r}: use lower-case letters, digits, '.', '-' "
                          "or '_' (it becomes part of IRIs)")
    return name


class _HashingReader(io.RawIOBase):
    """Hashes exactly the bytes handed to the parser, so the dataset's SHA-256 is that of
    what was read, not of the file as it is later."""

    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        if n:
            self.sha.update(memoryview(b)[:n])
        return n or 0


def _resolver(store) -> Resolver:
    """The country and commodity entities the graph already has, by ISO and HS code, so
    official rows land on the same entities as the documents' facts."""
    countries: dict[str, str] = {}
    for sol in store.store.query(
            "SELECT ?e ?code WHERE { ?e <https://w3id.org/econkg/ontology#isoCode> ?code ; "
            "a <https://w3id.org/econkg/ontology#Country> } ORDER BY ?e",
            use_default_graph_as_union=True):
        countries.setdefault(sol["code"].value, f"<{sol['e'].value}>")
    commodities: dict[str, str] = {}
    for sol in store.store.query(
            "SELECT ?c ?code WHERE { ?c <https://w3id.org/econkg/ontology#hsCode> ?code } "
            "ORDER BY ?c", use_default_graph_as_union=True):
        code = sol["code"].value.removeprefix("HS").strip()
        commodities.setdefault(code, f"<{sol['c'].value}>")
    return Resolver(countries, commodities)


def _stream(path: Path, writer: RowWriter, out, skip_bad: bool, state: dict[str, Any],
            progress: Callable[[int], None]) -> None:
    """Read and check the rows, writing N-Triples to `out` (the loader's pipe). In strict
    mode the first bad row stops the writing; the scan goes on to list up to
    MAX_PROBLEMS problems."""
    problems: list[Problem] = state["problems"]
    rows = skipped = 0
    writing = True
    buf: list[str] = []
    raw = _HashingReader(open(path, "rb"))  # noqa: SIM115 — closed in the finally below
    try:
        stream = gzip.GzipFile(fileobj=raw) if str(path).endswith(".gz") else raw
        text = io.TextIOWrapper(io.BufferedReader(stream, 1 << 20) if stream is raw
                                else stream, encoding="utf-8-sig", newline="")
        rows_iter = read_rows(text)
        try:
            _, header = next(rows_iter)
        except StopIteration:
            raise IngestError(f"{path}: the file is empty") from None
        header_problems = check_header(list(header))
        if header_problems:
            raise IngestError(f"{path}: row 1 (the header): " + "; ".join(header_problems))
        n = 1
        try:
            for n, row in rows_iter:
                try:
                    if isinstance(row, list):
                        raise BadRow("(row)", ",".join(row)[:40],
                                     f"has {len(row)} cells; the header has {len(header)}")
                    lines = writer.lines(row, n)
                except BadRow as bad:
                    skipped += 1
                    if len(problems) < MAX_PROBLEMS or skip_bad:
                        problems.append(Problem(n, bad.column, bad.value, bad.message))
                    if not skip_bad:
                        writing = False
                        if len(problems) >= MAX_PROBLEMS:
                            break
                    continue
                if writing:
                    rows += 1
                    buf.append(lines)
                    if len(buf) >= 2000:
                        out.write("".join(buf).encode("utf-8"))
                        buf.clear()
                        progress(rows)
        except (csv.Error, UnicodeDecodeError, OSError, EOFError) as exc:
            raise IngestError(f"{path}: row {n + 1}: cannot read the file: {exc}") from None
        raw.read()  # hash to the end (a strict run may have stopped early)
        while raw.readinto(bytearray(1 << 20)):
            pass
        state["sha256"] = raw.sha.hexdigest()
        if writing:
            buf.append(writer.dataset_lines(Path(path).name, state["sha256"], rows))
            out.write("".join(buf).encode("utf-8"))
        state.update(rows=rows, skipped=skipped, complete=writing)
    finally:
        raw.raw.close()


def ingest_comtrade(path: Path, root: Path, seeds_dir: Path, *, dataset: str | None = None,
                    skip_bad: bool = False,
                    progress: Callable[[int], None] = lambda _: None) -> IngestResult:
    """Add (or replace) one Comtrade file as a dataset in a new release of the store."""
    from ..pipeline import (
        DATASET_FILE,
        STORE_DIR,
        fresh_release,
        publish,
        read_manifest,
        writer_lock,
    )
    from ..store import OxigraphStore

    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    name = dataset_name(path, dataset)
    graph = f"{GRAPH}stat/{name}"
    root = Path(root)
    started = time.perf_counter()
    result: dict[str, Any] = {}

    def fill(staging: Path) -> dict[str, Any]:
        release = fresh_release(root, seeds_dir)
        if release is None:
            raise IngestError(f"{root} has no up-to-date build to add statistics to; run "
                              "`econkg build` first")
        manifest = read_manifest(release)
        source = OxigraphStore.open(release / STORE_DIR)
        resolver = _resolver(source)
        if graph in source.named_graphs():  # a dataset replaced: copy all but its graph
            store = source.copy_without(staging / STORE_DIR, graph)
        else:
            store = source.copy_to(staging / STORE_DIR)
        del source
        writer = RowWriter(name, resolver)
        state: dict[str, Any] = {"problems": []}
        errors: list[BaseException] = []
        r, w = os.pipe()
        _widen_pipe(w)

        def produce() -> None:
            try:
                with os.fdopen(w, "wb", buffering=1 << 20) as out:
                    _stream(path, writer, out, skip_bad, state, progress)
            except BrokenPipeError:
                pass  # the loader failed; its error is the one reported
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=produce, name="econkg-ingest", daemon=True)
        thread.start()
        try:
            store.bulk_load(path=f"/dev/fd/{r}", graph=graph, lenient=True)
        finally:
            os.close(r)
            thread.join()
        if errors:
            raise errors[0]
        problems: list[Problem] = state["problems"]
        if not state.get("complete"):
            shown = "\n".join(f"{path}: {p}" for p in problems)
            more = " (showing the first ones)" if len(problems) >= MAX_PROBLEMS else ""
            raise IngestError(f"{len(problems)} bad row(s) in {path}{more}; nothing was "
                              f"ingested (--skip-bad loads the good rows and writes a "
                              f"report):\n{shown}", problems)
        if state["rows"] == 0:
            raise IngestError(f"{path}: no good data rows; nothing was ingested", problems)
        report = None
        if problems:
            report = staging / f"rejected-{name}.csv"
            _write_report(report, path, problems)
        triples = writer.triples  # every line written is one distinct triple
        _link_or_copy(release / DATASET_FILE, staging / DATASET_FILE)
        datasets = [d for d in manifest.get("datasets", []) if d["name"] != name]
        datasets.append({"name": name, "graph": graph, "file": str(path.resolve()),
                         "sha256": state["sha256"], "rows": state["rows"],
                         "skipped": state["skipped"], "triples": triples})
        manifest["datasets"] = sorted(datasets, key=lambda d: d["name"])
        result.update(rows=state["rows"], skipped=state["skipped"], triples=triples,
                      sha256=state["sha256"], problems=problems,
                      report=report.name if report else None)
        return manifest

    with writer_lock(root):
        final = publish(root, fill)
    report_path = final / result["report"] if result["report"] else None
    return IngestResult(name, graph, result["rows"], result["skipped"], result["triples"],
                        time.perf_counter() - started, result["sha256"], report_path,
                        result["problems"])


def _widen_pipe(fd: int) -> None:
    """Give the pipe to the loader a 1 MiB buffer (Linux; the default is 64 KiB), so the
    producer thread and the loader hand over data in fewer, larger steps."""
    import contextlib
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)


def _write_report(report: Path, source: Path, problems: list[Problem]) -> None:
    from ..export import write_atomic

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "row", "column", "value", "problem"])
    for p in problems:
        w.writerow([source.name, p.row, p.column, p.value, p.message])
    write_atomic(report, buf.getvalue().encode("utf-8"))


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        import shutil

        shutil.copyfile(src, dst)
