"""SHACL validation of a built dataset.

Two real SHACL engines, each where it is best: rudof (Rust, `pyrudof`) decides whether
the build conforms, in a fraction of pySHACL's time, and pySHACL writes the report when
it does not, since rudof drops the `sh:message` of some constraints (sh:or, sh:not,
qualified shapes) and users read those messages. The two agree on every case in
tests/shapes/ and on the seed graph; tests hold them to it (`test_engines_agree`).
Where pyrudof is not installed, pySHACL does both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used, so `pipeline` (and `econkg query`) stays light
    from rdflib import Dataset, Graph


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message}"


def union_graph(ds: Dataset | Graph) -> Graph:
    """All triples of every named graph in one graph (what SHACL and exports see)."""
    from rdflib import Dataset, Graph

    if not isinstance(ds, Dataset):
        return ds
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def validate(data: Dataset | Graph, shapes: Graph,
             keep: set[str] | None = None) -> list[Violation]:
    """Validate data (ontology included, so subclass targets resolve); [] means it conforms.
    With `keep`, only the results for those focus nodes (as rudof names them) count: the
    owned nodes of a piece of a larger graph (see shacl_chunks.py)."""
    import pyshacl
    from rdflib.namespace import SH

    # inplace: the union graph is our own throw-away copy, and with no inference pySHACL
    # writes nothing into it; not cloning it again saves about a third of the time.
    conforms, report, _ = pyshacl.validate(
        union_graph(data), shacl_graph=shapes, inference="none", advanced=True,
        allow_warnings=True, inplace=True,
    )
    if conforms:
        return []
    from .shacl_chunks import focus_name

    out: list[Violation] = []
    for result in report.subjects(SH.resultSeverity, None):
        if keep is not None and focus_name(report.value(result, SH.focusNode)) not in keep:
            continue
        severity = report.value(result, SH.resultSeverity)
        out.append(Violation(
            focus=_short(report.value(result, SH.focusNode), data),
            path=_short(report.value(result, SH.resultPath), data),
            message=str(report.value(result, SH.resultMessage) or "violates a shape"),
            severity=str(severity).rsplit("#", 1)[-1],
        ))
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))


def _short(node, graph) -> str:
    if node is None:
        return ""
    try:
        return node.n3(graph.namespace_manager)
    except Exception:
        return str(node)


def conforms(ntriples: bytes, shapes_ttl: str) -> tuple[bool, list[Violation]] | None:
    """rudof's verdict on the union graph as N-Triples (ontology included): (True, []) or
    (False, what rudof reports); None when pyrudof is not installed."""
    session = rudof_session(shapes_ttl)
    return None if session is None else session.check(ntriples)


def rudof_session(shapes_ttl: str) -> RudofSession | None:
    try:
        return RudofSession(shapes_ttl)
    except ImportError:
        return None


# the one triple a session holds between checks: rudof's first read of data into an empty
# session costs about 0.13 s whatever its size, a read into a staging frame over data
# already there only its parsing; no shape can target these names
_BASE = "<urn:econkg:rudof-session> <urn:econkg:rudof-session> <urn:econkg:rudof-session> .\n"


class RudofSession:
    """A rudof session with the shapes read, reused for many graphs: each is read into a
    staging frame, validated and rolled back (rudof's own staging API), so a graph in a
    hundred pieces pays rudof's start-up cost once, and a build can pay it before its
    triples exist. One session serves one thread at a time."""

    def __init__(self, shapes_ttl: str):
        import pyrudof

        self._rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self._format = pyrudof.RDFFormat.NTriples
        self._strict = pyrudof.ReaderMode.Strict
        self._rudof.read_data(_BASE, format=self._format, reader_mode=self._strict)
        self._rudof.read_shacl(shapes_ttl, reader_mode=self._strict)
        self.shapes = shapes_ttl  # what it checks against

    def check(self, ntriples: bytes) -> tuple[bool, list[Violation]]:
        self._rudof.begin_staging()
        try:
            self._rudof.read_data(ntriples.decode("utf-8"), format=self._format,
                                  reader_mode=self._strict, merge=True)
            report = self._rudof.validate_shacl()
        finally:
            self._rudof.rollback_staging()
        found = [v for v in report.violations
                 if str(v.focus_node) != "urn:econkg:rudof-session"]
        if report.conforms or not found:
            return True, []
        return False, sorted((Violation(str(v.focus_node), str(v.path or ""),
                                        str(v.message or "violates a shape").strip('"'),
                                        str(v.severity)) for v in found),
                             key=lambda v: (v.focus, v.path, v.message))


def engine_version() -> str:
    """What produced a verdict, for the cache key: the engines and their versions."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("pyrudof", "pyshacl"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} -")
    return "; ".join(out)
