"""Counts per class and per source document."""

from __future__ import annotations

from collections import Counter

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from .namespaces import EKG, ENTITY_GRAPH, GRAPH, KG, ONTOLOGY_GRAPH


def _is_entity(node) -> bool:
    """Entities are kg:ID; statements, flows, observations and citations have a kind/ path."""
    return isinstance(node, URIRef) and str(node).startswith(str(KG)) and "/" not in str(
        node)[len(str(KG)):]


def stats(ds: Dataset) -> dict[str, list[dict[str, object]]]:
    per_doc = []
    for ctx in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        ident = str(ctx.identifier)
        if ctx.identifier in (ONTOLOGY_GRAPH, ENTITY_GRAPH) or not ident.startswith(str(GRAPH)):
            continue
        if len(ctx) == 0:
            continue
        types = Counter(o for _, o in ctx.subject_objects(RDF.type))
        relations = {(s, p, o) for s, p, o in ctx
                     if str(p).startswith(str(EKG)) and _is_entity(s) and _is_entity(o)}
        entities = {n for t in ctx for n in (t[0], t[2]) if _is_entity(n)}
        per_doc.append({
            "document": ident[len(str(GRAPH)):] + ".txt",
            "observations": types[EKG.Observation],
            "relations": len(relations),
            "statements": types[EKG.Statement],
            "flows": types[EKG.TradeFlow],
            "citations": types[EKG.Citation],
            "entities": len(entities),
            "triples": len(ctx),
        })
    classes: Counter[str] = Counter()
    seen = set()
    for s, _, o, _ in ds.quads((None, RDF.type, None, None)):
        if (s, o) in seen or not str(o).startswith(str(EKG)):
            continue
        seen.add((s, o))
        if _is_entity(s) or o in (EKG.Observation, EKG.Statement, EKG.TradeFlow,
                                  EKG.Citation, EKG.SourceDocument):
            classes["ekg:" + str(o).split("#")[1]] += 1
    per_class = [{"class": c, "count": n} for c, n in sorted(classes.items(),
                                                               key=lambda x: (-x[1], x[0]))]
    return {"documents": per_doc, "classes": per_class}
