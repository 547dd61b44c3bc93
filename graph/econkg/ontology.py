"""Load the ontology and shapes, turning a Turtle syntax error into a message that names the
file and line rather than a parser traceback."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .resources import ontology_dir

if TYPE_CHECKING:  # rdflib is imported by the functions that parse: `econkg query` never does
    from rdflib import Graph

ONTOLOGY_FILES = ("econkg.ttl", "alignments.ttl", "statistics.ttl")
SHAPES_FILE = "shapes.ttl"

class OntologyError(Exception):
    """A hand-written Turtle file does not parse."""


def parse_turtle(path: Path) -> Graph:
    from rdflib import Graph

    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad syntax
        raise OntologyError(f"{path}: not valid Turtle: {_first_line(exc)}") from None
    return graph


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return " ".join(text.split())[:400] or type(exc).__name__


def load_ontology(folder: Path | None = None) -> Graph:
    from rdflib import Graph

    folder = folder or ontology_dir()
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph += parse_turtle(folder / name)
    return graph


def load_shapes(folder: Path | None = None) -> Graph:
    return parse_turtle((folder or ontology_dir()) / SHAPES_FILE)


def relation_predicates(ontology: Graph) -> set[str]:
    """Local names of the object properties a seed relation may use: not those the build
    writes itself, which the ontology marks (`ekg:structural true`: an observation's
    reporter, a flow's supplier, a citation's source) or which belong to events (domain
    ekg:Event: participant, location, written from the event tables)."""
    from .readmodel import schema_from

    return schema_from(ontology).seed_relations


def ontology_terms(ontology: Graph) -> set[str]:
    """Every ekg: term the ontology defines, for checking ekg:Term references in seeds."""
    from .namespaces import EKG

    return {str(s)[len(str(EKG)):] for s in ontology.subjects() if str(s).startswith(str(EKG))}
