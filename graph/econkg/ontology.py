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


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """The file as an rdflib Graph, read by Oxigraph's Turtle parser (six times faster than
    rdflib's on the ontology, a third of a second off every build), with its prefixes
    bound and relative IRIs resolved against the file, as rdflib's own parse does."""
    import pyoxigraph as ox
    from rdflib import Graph

    from .store import to_rdflib

    graph = Graph() if into is None else into
    try:
        parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE,
                          base_iri=Path(path).resolve().as_uri())
        triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
                   for t in parser]
    except (SyntaxError, OSError, ValueError) as exc:
        raise OntologyError(f"{path}: not valid Turtle: {_first_line(exc)}") from None
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return " ".join(text.split())[:400] or type(exc).__name__


def load_ontology(folder: Path | None = None) -> Graph:
    from rdflib import Graph

    folder = folder or ontology_dir()
    graph = Graph()
    for name in ONTOLOGY_FILES:
        parse_turtle(folder / name, into=graph)
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
