"""SHACL validation of a built dataset with pySHACL."""

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


def validate(data: Dataset | Graph, shapes: Graph) -> list[Violation]:
    """Validate data (ontology included, so subclass targets resolve); [] means it conforms."""
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
    out = []
    for result in report.subjects(SH.resultSeverity, None):
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
