"""IRIs of the graph: the ontology, the data, statements and named graphs.

`EKG` is checked: it is generated from the ontology (`python3 -m econkg.namespace_gen`), so a
misspelt term raises AttributeError instead of minting an IRI nothing defines. The data
namespaces (`KG`, `P`, `PS`, `GRAPH`) are open: their local names are seed ids."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ._ekg import EKG

BASE = "https://w3id.org/econkg/"
KG = Namespace(BASE + "id/")
P = Namespace(BASE + "prop/")  # subject → statement node (Wikidata's p:)
PS = Namespace(BASE + "prop/statement/")  # statement node → object (Wikidata's ps:)
GRAPH = Namespace(BASE + "graph/")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("https://schema.org/")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
WD = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
ENTITY_GRAPH = GRAPH["entities"]

PREFIXES = {
    "ekg": EKG, "kg": KG, "p": P, "ps": PS, "qb": QB, "schema": SCHEMA, "wgs": WGS, "wd": WD,
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "skos": SKOS, "xsd": XSD, "dcterms": DCTERMS,
    "prov": PROV,
}


def source_graph(file_name: str):
    """The named graph that holds one source document's facts."""
    return GRAPH[file_name.removesuffix(".txt")]


def bind_prefixes(graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
