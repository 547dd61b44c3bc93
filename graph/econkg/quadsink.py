"""A write-only dataset that the build fills instead of rdflib's in-memory store.

The build only ever adds triples to named graphs; rdflib's Memory store indexes every add
three ways and was half the cost of making the RDF, then the whole graph was serialised
again to reach Oxigraph. A QuadSink keeps the quads in a list, writes them as N-Quads
with rdflib's own N-Quads row writer (the same bytes its serializer gives, so the store
holds exactly what it held before), and makes an rdflib Dataset only for callers that
walk the graph in Python.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef
    from rdflib.term import Node


_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_DECIMAL_LEXICAL = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def canonical_decimal(lexical: str) -> str:
    """An xsd:decimal in its canonical form (XSD 1.1, as Oxigraph writes it: no `+`, no
    leading or trailing zeros, no point for a whole number, 0 for any zero); text that is
    not a decimal is left as it is."""
    m = _DECIMAL_LEXICAL.fullmatch(lexical)
    if m is None:
        return lexical
    whole, _, fraction = m.group(2).partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    if whole == "0" and not fraction:
        return "0"
    return f"{'-' if m.group(1) == '-' else ''}{whole}{'.' + fraction if fraction else ''}"


class SinkGraph:
    """One named graph of a QuadSink: `add((s, p, o))` is all the build calls."""

    __slots__ = ("_quads", "identifier")

    def __init__(self, identifier: URIRef, quads: list):
        self.identifier = identifier
        self._quads = quads

    def add(self, triple: tuple[Node, Node, Node]) -> SinkGraph:
        s, p, o = triple
        self._quads.append((s, p, o, self.identifier))
        return self


class QuadSink:
    """Quads in the order they were added (duplicates included; stores keep each once)."""

    def __init__(self) -> None:
        self.quads: list[tuple[Node, Node, Node, URIRef]] = []
        self._graphs: dict[URIRef, SinkGraph] = {}

    def bind(self, *args, **kwargs) -> None:
        """Prefixes belong to the writers (export uses namespaces.PREFIXES)."""

    def graph(self, identifier: URIRef) -> SinkGraph:
        g = self._graphs.get(identifier)
        if g is None:
            g = self._graphs[identifier] = SinkGraph(identifier, self.quads)
        return g

    def nquads(self) -> bytes:
        """N-Quads, one line per quad, as rdflib's serializer writes them (its own term
        writers; each IRI and blank node written once, as they recur in most quads —
        literals are not cached, since rdflib's Literal equality is by value: "1" and
        "01" as integers, or @en and @EN, are equal keys but different text), except that
        decimals are written in canonical form, as Oxigraph stores them (1700.0 is 1700),
        so that these lines are the store's lines and SHACL can start on them."""
        from rdflib import Literal, URIRef
        from rdflib.plugins.serializers.nt import _quoteLiteral

        written: dict = {}
        decimal = URIRef(_DECIMAL)  # (an rdflib IRI never equals a plain str)

        def text(term) -> str:
            if isinstance(term, Literal):
                if term.datatype == decimal:
                    return f'"{canonical_decimal(str(term))}"^^<{_DECIMAL}>'
                return _quoteLiteral(term)
            out = written.get(term)
            if out is None:
                out = written[term] = term.n3()
            return out

        # line by line into bytes: one joined str of Chinese text would be held at up to
        # four bytes a character beside the bytes
        return b"".join(f"{text(s)} {text(p)} {text(o)} {text(g)} .\n".encode()
                        for s, p, o, g in self.quads)

    def union_graph(self) -> Graph:
        """Every triple of every graph in one rdflib Graph (what pySHACL validates)."""
        from rdflib import Graph

        from .namespaces import bind_prefixes

        g = Graph()
        bind_prefixes(g)
        for s, p, o, _ in self.quads:
            g.add((s, p, o))
        return g

    def to_dataset(self) -> Dataset:
        from rdflib import Dataset

        from .namespaces import bind_prefixes

        ds = Dataset()
        bind_prefixes(ds)
        graphs: dict = {}
        for s, p, o, name in self.quads:
            g = graphs.get(name)
            if g is None:
                g = graphs[name] = ds.graph(name)
            g.add((s, p, o))
        return ds
