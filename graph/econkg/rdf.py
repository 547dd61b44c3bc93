"""Validated seed rows → an RDF dataset.

Layout of the dataset:
- one named graph per source document holding its facts: observations, flows, direct triples
  with their statement nodes, events, citations, and the document's own description;
- a graph of entity descriptions (labels, codes, place hierarchy, coordinates);
- the ontology and its alignments.
Every statement node, flow, observation and event carries its modality (ekg:Fact,
ekg:Plan, ekg:Proposal, ekg:Projection, ekg:Lack) and who states it (ekg:statedBy: the
entity the row names, else each citing document). As Wikidata writes truthy triples only
for its best-ranked statements, only reported facts get a direct triple (`china
ekg:invests russia`), and only reported flows are ekg:TradeFlow; a plan, proposal,
projection or lack lives on its statement node (or ekg:NonFactualFlow) alone, so a query
that never mentions modality never reads a proposal as a fact.
IRIs are derived from seed ids and content hashes, so two builds give the same IRIs.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .figures import decimal_literal
from .namespaces import (
    EKG,
    ENTITY_GRAPH,
    KG,
    ONTOLOGY_GRAPH,
    PS,
    QB,
    SCHEMA,
    WD,
    WGS,
    P,
    bind_prefixes,
    source_graph,
)
from .ontology import ontology_terms, relation_predicates
from .periods import Period, parse_period
from .quadsink import QuadSink
from .seeds import (
    FLOWS,
    Citation,
    Entity,
    Flow,
    Observation,
    SeedError,
    Seeds,
    did_you_mean,
    split_cell,
)

APPROX_TERMS = {"about": EKG.About, "nearly": EKG.Nearly, "more-than": EKG.MoreThan,
                "less-than": EKG.LessThan}
MODALITY_TERMS = {"fact": EKG.Fact, "plan": EKG.Plan, "proposal": EKG.Proposal,
                  "projection": EKG.Projection, "lack": EKG.Lack}


def _hash(*parts: str, n: int = 12) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def source_iri(file_name: str) -> URIRef:
    return KG["source/" + file_name.removesuffix(".txt")]


def citation_iri(c: Citation) -> URIRef:
    return KG[f"citation/{c.source[:3]}-L{c.line}-{_hash(c.quote, n=8)}"]


def flow_iri(ident: str) -> URIRef:
    return KG["flow/" + ident]


def observation_iri(ident: str) -> URIRef:
    return KG["observation/" + ident]


def _lang(text: str) -> str:
    return "zh" if any("\u3400" <= ch <= "\u9fff" for ch in text) else "en"


class _Resolver:
    """Maps seed ids to IRIs: entities to kg:ID, flows to kg:flow/ID, ekg:Term to the ontology."""

    def __init__(self, seeds: Seeds):
        self.entities = seeds.entities
        self.flows = seeds.flows

    def __call__(self, ident: str) -> URIRef:
        if ident.startswith("ekg:"):
            return EKG[ident[4:]]
        if ident in self.flows and ident not in self.entities:
            return flow_iri(ident)
        return KG[ident]


def build_dataset(seeds: Seeds, ontology: Graph) -> Dataset:
    """Turn checked seeds into a dataset; raises SeedError for ontology-level problems."""
    return build_quads(seeds, ontology).to_dataset()


def build_quads(seeds: Seeds, ontology: Graph) -> QuadSink:
    """The quads of the dataset, collected without rdflib's store (what the build loads
    into Oxigraph); raises SeedError for ontology-level problems."""
    _check_against_ontology(seeds, ontology)
    ds = QuadSink()
    bind_prefixes(ds)
    iri = _Resolver(seeds)

    onto = ds.graph(ONTOLOGY_GRAPH)
    for t in ontology:
        onto.add(t)

    ents = ds.graph(ENTITY_GRAPH)
    for entity in seeds.entities.values():
        if entity.kind != "events":
            _add_entity(ents, entity, iri)

    graphs = {name: ds.graph(source_graph(name)) for name in seeds.sources}
    for src in seeds.sources.values():
        g = graphs[src.file]
        s = source_iri(src.file)
        g.add((s, RDF.type, EKG.SourceDocument))
        g.add((s, DCTERMS.identifier, Literal(src.file)))
        g.add((s, DCTERMS.title, Literal(src.title_zh, lang="zh")))
        g.add((s, DCTERMS.title, Literal(src.title_en, lang="en")))
        g.add((s, DCTERMS.date, Literal(src.date)))
        if src.publisher:
            g.add((s, DCTERMS.publisher, Literal(src.publisher)))
        if src.kind:
            g.add((s, EKG.documentKind, Literal(src.kind)))
        if src.language:
            g.add((s, DCTERMS.language, Literal(src.language)))
        g.add((s, EKG.lineCount, Literal(src.lines, datatype=XSD.integer)))

    def cite(node: URIRef, citations: list[Citation]) -> None:
        for c in citations:
            g = graphs[c.source]
            ci = citation_iri(c)
            g.add((node, EKG.citation, ci))
            g.add((ci, RDF.type, EKG.Citation))
            g.add((ci, EKG.source, source_iri(c.source)))
            g.add((ci, EKG.line, Literal(c.line, datatype=XSD.integer)))
            g.add((ci, EKG.quote, Literal(c.quote)))

    def in_graphs(citations: list[Citation]) -> list[Graph]:
        return [graphs[name] for name in sorted({c.source for c in citations})]

    def claim(node: URIRef, modality: str, stated_by: str,
              citations: list[Citation]) -> None:
        """Modality and attribution, in every graph that cites the node."""
        for name in sorted({c.source for c in citations}):
            g = graphs[name]
            g.add((node, EKG.modality, MODALITY_TERMS[modality or "fact"]))
            g.add((node, EKG.statedBy, iri(stated_by) if stated_by else source_iri(name)))

    for entity in seeds.entities.values():
        if entity.kind == "events":
            _add_event(ents, in_graphs(entity.citations), entity, iri)
            cite(KG[entity.id], entity.citations)
            claim(KG[entity.id], entity.extra.get("modality", "fact"),
                  entity.extra.get("stated_by", ""), entity.citations)

    for flow in seeds.flows.values():
        for g in in_graphs(flow.citations):
            _add_flow(g, flow, seeds, iri)
        cite(flow_iri(flow.id), flow.citations)
        claim(flow_iri(flow.id), flow.modality, flow.stated_by, flow.citations)
        _statement(graphs, iri(flow.supplier), "exportsTo", iri(flow.recipient), flow.period,
                   flow.commodity, flow.via, "", flow.citations, iri, cite,
                   flow.modality, flow.stated_by, claim)
        if flow.commodity and flow.modality == "fact":
            for g in in_graphs(flow.citations):
                g.add((iri(flow.supplier), EKG.exports, iri(flow.commodity)))
                g.add((iri(flow.recipient), EKG.imports, iri(flow.commodity)))

    for rel in seeds.relations:
        _statement(graphs, iri(rel.subject), rel.predicate, iri(rel.object), rel.period,
                   rel.commodity, rel.via, rel.note_en, rel.citations, iri, cite,
                   rel.modality, rel.stated_by, claim)

    for obs in seeds.observations:
        g = graphs[obs.citation.source]
        node = observation_iri(obs.id)
        _add_observation(g, node, obs, seeds, iri)
        cite(node, [obs.citation])
        claim(node, obs.modality, obs.stated_by, [obs.citation])
    return ds


def _check_against_ontology(seeds: Seeds, ontology: Graph) -> None:
    allowed = relation_predicates(ontology)
    terms = ontology_terms(ontology)
    problems = []
    for rel in seeds.relations:
        if rel.predicate not in allowed:
            problems.append(f"{rel.where}: field 'predicate': {rel.predicate!r} is not a "
                            f"relation of the ontology{did_you_mean(rel.predicate, allowed)}")
        if rel.object.startswith("ekg:") and rel.object[4:] not in terms:
            problems.append(f"{rel.where}: field 'object': {rel.object} is not in the ontology")
    for flow in seeds.flows.values():
        for x in flow.settled_in + flow.avoids:
            if x.startswith("ekg:") and x[4:] not in terms:
                problems.append(f"{flow.where}: field 'settled_in': {x} is not in the ontology")
    if problems:
        raise SeedError(problems)


def _period(g: Graph, node, period: Period | None) -> None:
    if period is None:
        return
    g.add((node, EKG.period, Literal(period.text)))
    if period.start:
        g.add((node, EKG.periodStart, Literal(period.start, datatype=XSD.date)))
    if period.end:
        g.add((node, EKG.periodEnd, Literal(period.end, datatype=XSD.date)))


def _note(g: Graph, node, note: str) -> None:
    if note:
        g.add((node, EKG.note, Literal(note, lang="en")))


def _add_entity(g: Graph, e: Entity, iri: _Resolver) -> None:
    from .countries import lookup_iso

    node = KG[e.id]
    label_en = e.label_en
    iso = lookup_iso(e.extra["iso_code"], e.type) if e.extra.get("iso_code") else None
    if iso:
        label_en = label_en or iso.names_en[0]
        g.add((node, EKG.isoCode, Literal(iso.code)))
        if iso.alpha3:
            g.add((node, EKG.isoAlpha3, Literal(iso.alpha3)))
        for name in iso.names_en:
            if name != label_en:
                g.add((node, SKOS.altLabel, Literal(name, lang="en")))
        for name in iso.names_zh:
            if name != e.label_zh:
                g.add((node, SKOS.altLabel, Literal(name, lang="zh")))
    _add_entity_labels(g, e, node, label_en)
    for parent in split_cell(e.extra.get("within", "")):
        g.add((node, EKG.locatedIn, iri(parent)))
    if e.kind == "places" and e.extra["lat"]:
        g.add((node, WGS.lat, Literal(e.extra["lat"], datatype=XSD.decimal)))
        g.add((node, WGS.long, Literal(e.extra["lon"], datatype=XSD.decimal)))
    if e.kind == "commodities":
        g.add((node, SKOS.inScheme, EKG.CommodityScheme))
        if e.extra["hs_code"]:
            g.add((node, EKG.hsCode, Literal(e.extra["hs_code"])))
            g.add((node, SKOS.notation, Literal(e.extra["hs_code"])))
        if e.extra["broader"]:
            g.add((node, SKOS.broader, iri(e.extra["broader"])))
    if e.kind == "platforms" and e.extra["url"]:
        g.add((node, SCHEMA.url, URIRef(e.extra["url"])))


def _add_event(ents: Graph, graphs: list[Graph], e: Entity, iri: _Resolver) -> None:
    node = KG[e.id]
    _add_entity_labels(ents, e, node)
    for g in graphs:
        g.add((node, RDF.type, EKG[e.type]))
        if e.extra["period"]:
            _period(g, node, parse_period(e.extra["period"]))
        if e.extra["location"]:
            g.add((node, EKG.location, iri(e.extra["location"])))
        for p in split_cell(e.extra["participants"]):
            g.add((node, EKG.participant, iri(p)))


def _add_entity_labels(g: Graph, e: Entity, node: URIRef, label_en: str = "") -> None:
    """Type, labels, aliases, Wikidata link and note: what every entity carries."""
    g.add((node, RDF.type, EKG[e.type]))
    g.add((node, RDFS.label, Literal(label_en or e.label_en, lang="en")))
    g.add((node, RDFS.label, Literal(e.label_zh, lang="zh")))
    for alias in e.aliases:
        g.add((node, SKOS.altLabel, Literal(alias, lang=_lang(alias))))
    if e.wikidata:
        g.add((node, EKG.wikidata, WD[e.wikidata]))
    _note(g, node, e.note_en)


def _label(seeds: Seeds, ident: str, lang: str) -> str:
    e = seeds.entities.get(ident)
    if e is None:
        return ident
    if lang == "en":
        return e.label_en or ident
    return e.label_zh


def _add_flow(g: Graph, f: Flow, seeds: Seeds, iri: _Resolver) -> None:
    node = flow_iri(f.id)
    # Only reported trade is a TradeFlow: a planned, proposed, expected or lacking flow must
    # not look like trade to a query that asks for ekg:TradeFlow.
    g.add((node, RDF.type, EKG.TradeFlow if f.modality == "fact" else EKG.NonFactualFlow))
    g.add((node, EKG.supplier, iri(f.supplier)))
    g.add((node, EKG.recipient, iri(f.recipient)))
    what_en = _label(seeds, f.commodity, "en") if f.commodity else "goods"
    what_zh = _label(seeds, f.commodity, "zh") if f.commodity else "商品"
    mark = "" if f.modality == "fact" else f"[{f.modality}] "
    g.add((node, RDFS.label, Literal(
        f"{mark}{_label(seeds, f.supplier, 'en')} → {_label(seeds, f.recipient, 'en')}: "
        f"{what_en}",
        lang="en")))
    g.add((node, RDFS.label, Literal(
        f"{mark}{_label(seeds, f.supplier, 'zh')}→{_label(seeds, f.recipient, 'zh')}：{what_zh}",
        lang="zh")))
    if f.commodity:
        g.add((node, EKG.commodity, iri(f.commodity)))
    for v in f.via:
        g.add((node, EKG.via, iri(v)))
    for x in f.in_exchange_for:
        g.add((node, EKG.inExchangeFor, flow_iri(x)))
    for x in f.settled_in:
        g.add((node, EKG.settledIn, iri(x)))
    for x in f.avoids:
        g.add((node, EKG.avoids, iri(x)))
    _period(g, node, f.period)
    _note(g, node, f.note_en)


def _statement(graphs: dict[str, Graph], s: URIRef, predicate: str, o: URIRef,
               period: Period | None, commodity: str, via: tuple[str, ...], note: str,
               citations: list[Citation], iri: _Resolver, cite, modality: str = "fact",
               stated_by: str = "", claim=None) -> None:
    """A Wikidata-style statement node with qualifiers, modality and references, plus the
    direct ("truthy") triple when the statement is a reported fact."""
    modality = modality or "fact"
    key: tuple[str, ...] = (str(s), predicate, str(o), period.text if period else "",
                            commodity, "|".join(via))
    if modality != "fact" or stated_by:  # facts keep the IRIs they had before modality
        key += (modality, stated_by)
    st = KG["statement/" + _hash(*key, n=16)]
    for name in sorted({c.source for c in citations}):
        g = graphs[name]
        if modality == "fact":
            g.add((s, EKG[predicate], o))
        g.add((s, P[predicate], st))
        g.add((st, RDF.type, EKG.Statement))
        g.add((st, EKG.relation, EKG[predicate]))
        g.add((st, PS[predicate], o))
        _period(g, st, period)
        if commodity:
            g.add((st, EKG.commodity, iri(commodity)))
        for v in via:
            g.add((st, EKG.via, iri(v)))
        _note(g, st, note)
    cite(st, citations)
    if claim is not None:
        claim(st, modality, stated_by, citations)


MEASURE_LABELS = {"TradeValue": "trade", "ExportValue": "exports", "ImportValue": "imports",
                  "TradeBalance": "balance", "GrowthRate": "growth", "Share": "share"}


def _add_observation(g: Graph, node: URIRef, o: Observation, seeds: Seeds,
                     iri: _Resolver) -> None:
    g.add((node, RDF.type, EKG.Observation))
    g.add((node, RDF.type, QB.Observation))
    g.add((node, EKG.measure, EKG[o.measure]))
    g.add((node, EKG.reporter, iri(o.reporter)))
    if o.partner:
        g.add((node, EKG.partner, iri(o.partner)))
    if o.flow:
        g.add((node, EKG.flow, EKG[FLOWS[o.flow]]))
    if o.commodity:
        g.add((node, EKG.commodity, iri(o.commodity)))
    for v in o.via:
        g.add((node, EKG.via, iri(v)))
    _period(g, node, o.period)
    if o.base_period:
        g.add((node, EKG.basePeriod, Literal(o.base_period.text)))
    g.add((node, EKG.value, _decimal(o.value)))
    if o.upper is not None:
        g.add((node, EKG.upperBound, _decimal(o.upper)))
    g.add((node, EKG.unit, EKG[o.unit]))
    g.add((node, EKG.isApproximate, Literal(o.approx is not None)))
    if o.approx:
        g.add((node, EKG.approximation, APPROX_TERMS[o.approx]))
    if o.counts:
        g.add((node, EKG.counts, Literal(o.counts, lang="en")))
    if o.share_of:
        g.add((node, EKG.shareOf, Literal(o.share_of, lang="en")))
    if o.restates:
        g.add((node, EKG.restates, observation_iri(o.restates)))
    _note(g, node, o.note_en)
    parts = [MEASURE_LABELS.get(o.measure, o.measure), _label(seeds, o.reporter, "en")]
    if o.modality and o.modality != "fact":
        parts.insert(0, f"[{o.modality}]")
    if o.partner:
        parts.append("– " + _label(seeds, o.partner, "en"))
    if o.commodity:
        parts.append(f"({_label(seeds, o.commodity, 'en')})")
    if o.period:
        parts.append(o.period.text)
    g.add((node, RDFS.label, Literal(" ".join(parts) + f": {o.citation.quote}", lang="en")))


def _decimal(value: Decimal) -> Literal:
    return Literal(decimal_literal(value), datatype=XSD.decimal)


__all__ = ["build_dataset", "citation_iri", "flow_iri", "observation_iri", "source_iri"]
