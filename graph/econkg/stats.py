"""Counts per source document, per class and per kind of claim.

Each source document is one named graph; it is read with `econkg.readmodel`, the reading
that analysis and drawing use, so "a relation", "an entity" and "a group" mean the same
here as on the picture and in the network.
"""

from __future__ import annotations

from collections import Counter

from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from .namespaces import EKG, ENTITY_GRAPH, GRAPH, ONTOLOGY_GRAPH
from .readmodel import MODALITIES, Index, entity_id, packaged_schema, schema_from
from .readmodel import flows as read_flows
from .readmodel import observations as read_observations
from .readmodel import statements as read_statements

_FACT_CLASSES = ("Observation", "Statement", "TradeFlow", "Citation", "SourceDocument")
_EKG_CLASSES = {name: EKG[name] for name in _FACT_CLASSES}
_EKG = str(EKG)
_TYPE = RDF.type


def stats(ds: Dataset) -> dict[str, list[dict[str, object]]]:
    """`documents`: per source document, how many observations, relations (direct triples
    between two entities under a non-structural property), statements, flows, citations,
    entities and triples it holds, and its statements, flows and observations by modality;
    `classes`: how many entities (by their most specific class) and fact nodes there are."""
    ontology = ds.graph(ONTOLOGY_GRAPH)
    schema = schema_from(ontology) if len(ontology) else packaged_schema()
    if not schema.structural:
        schema = packaged_schema()
    per_doc = []
    for ctx in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        ident = str(ctx.identifier)
        if ctx.identifier in (ONTOLOGY_GRAPH, ENTITY_GRAPH) or not ident.startswith(str(GRAPH)):
            continue
        if len(ctx) == 0:
            continue
        per_doc.append({"document": ident[len(str(GRAPH)):] + ".txt",
                        **_counts(Graph(store=ctx.store, identifier=ctx.identifier), schema)})
    union = Index(ds)
    classes: Counter[str] = Counter()
    for s, po in union.spo.items():
        types = po.get(_TYPE, ())
        if entity_id(s) and any(str(t).startswith(_EKG) for t in types):
            classes["ekg:" + schema.kind_and_group(types)[0]] += 1
        for name in _FACT_CLASSES:
            if _EKG_CLASSES[name] in types:
                classes["ekg:" + name] += 1
    per_class = [{"class": c, "count": n}
                 for c, n in sorted(classes.items(), key=lambda x: (-x[1], x[0]))]
    return {"documents": per_doc, "classes": per_class}


def _counts(graph: Graph, schema) -> dict[str, object]:
    index = Index(graph)
    types = Counter(o for po in index.spo.values() for o in po.get(_TYPE, ()))
    rels = {_EKG + r for r in schema.relations}
    relations = {(s, p, o) for s, po in index.spo.items() if entity_id(s)
                 for p, objs in po.items() if str(p) in rels
                 for o in objs if entity_id(o)}
    entities = {n for s, po in index.spo.items() for n in (s, *(o for objs in po.values()
                                                             for o in objs)) if entity_id(n)}
    modality: Counter[str] = Counter()
    for st in read_statements(index):
        modality[st.modality] += 1
    for f in read_flows(index):
        modality[f.modality] += 1
    for o in read_observations(index):
        modality[o.modality] += 1
    out: dict[str, object] = {
        "observations": types[_EKG_CLASSES["Observation"]],
        "relations": len(relations),
        "statements": types[_EKG_CLASSES["Statement"]],
        "flows": types[_EKG_CLASSES["TradeFlow"]],
        "citations": types[_EKG_CLASSES["Citation"]],
        "entities": len(entities),
        "triples": len(graph),
    }
    for m in (*MODALITIES, *sorted(set(modality) - set(MODALITIES))):
        out[m] = modality[m]
    return out
