"""The SPARQL 1.1 Service Description of the endpoint (GET /sparql without a query)."""

from __future__ import annotations

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SD_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt",
            "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


def service_description(endpoint: str, graphs: dict[str, int], settings):
    """An rdflib Graph describing the endpoint with the sd: vocabulary."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    sd, fmt = Namespace(SD), Namespace(FORMATS)
    void = Namespace("http://rdfs.org/ns/void#")
    g = Graph()
    g.bind("sd", sd)
    g.bind("formats", fmt)
    g.bind("void", void)
    service = BNode("service")
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, URIRef(endpoint)))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, sd.feature, sd.UnionDefaultGraph))
    g.add((service, sd.defaultEntailmentRegime,
           URIRef("http://www.w3.org/ns/entailment/Simple")))
    for f in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
              "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((service, sd.resultFormat, fmt[f]))
    dataset = BNode("dataset")
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    default = BNode("default")
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    g.add((default, void.triples, Literal(sum(graphs.values()), datatype=XSD.integer)))
    for i, (name, size) in enumerate(sorted(graphs.items())):
        named, graph = BNode(f"named{i}"), BNode(f"graph{i}")
        g.add((dataset, sd.namedGraph, named))
        g.add((named, RDF.type, sd.NamedGraph))
        g.add((named, sd.name, URIRef(name)))
        g.add((named, sd.graph, graph))
        g.add((graph, RDF.type, sd.Graph))
        g.add((graph, void.triples, Literal(size, datatype=XSD.integer)))
    g.add((service, URIRef("https://w3id.org/econkg/ontology#queryTimeout"),
           Literal(settings.timeout, datatype=XSD.decimal)))
    g.add((service, URIRef("https://w3id.org/econkg/ontology#maxRows"),
           Literal(settings.max_rows, datatype=XSD.integer)))
    g.add((service, URIRef("https://w3id.org/econkg/ontology#maxBytes"),
           Literal(settings.max_bytes, datatype=XSD.integer)))
    return g

