"""The one seam between the graph and whatever answers SPARQL.

Everything above this module asks a Store for query results; today that is an in-memory
rdflib Dataset, an on-disk Oxigraph store, or a remote SPARQL 1.1 endpoint. Parameters are
always passed as RDF terms (never pasted into query text), so a value holding `}` or `"`
cannot change the query.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.term import Node


@dataclass
class Result:
    """Rows of a SELECT or ASK, or the graph of a CONSTRUCT/DESCRIBE."""

    kind: str  # "SELECT", "ASK", "CONSTRUCT"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Store(Protocol):
    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result: ...


class QueryError(ValueError):
    """A query that does not parse or cannot run; the message is the parser's."""


def values_clause(bindings: dict[str, Node]) -> str:
    """A VALUES block for stores without native pre-binding; terms are serialised by rdflib,
    which escapes quotes and braces inside literals."""
    names = sorted(bindings)
    terms = " ".join(bindings[n].n3() for n in names)
    return f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"


class MemoryStore:
    """rdflib Dataset in memory; the default graph is the union of all named graphs."""

    def __init__(self, dataset: Dataset):
        dataset.default_union = True
        self.dataset = dataset

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result:
        from rdflib.plugins.sparql import prepareQuery
        from pyparsing import ParseException

        try:
            prepared = prepareQuery(sparql, initNs=dict(self.dataset.namespaces()))
        except ParseException as exc:
            raise QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: "
                             f"{exc.msg}") from None
        except Exception as exc:
            raise QueryError(f"SPARQL error: {exc}") from None
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        res = self.dataset.query(prepared, initBindings=init)
        if res.type == "ASK":
            return Result("ASK", boolean=bool(res.askAnswer))
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            g = Graph()
            for prefix, ns in self.dataset.namespaces():
                g.bind(prefix, ns)
            for t in res:
                g.add(t)
            return Result("CONSTRUCT", graph=g)
        names = [str(v) for v in res.vars]
        return Result("SELECT", names, [tuple(row) for row in res])


class OxigraphStore:
    """An on-disk (or in-memory) Oxigraph store, for data that outgrows rdflib."""

    def __init__(self, path: Path | None = None):
        import pyoxigraph

        self._ox = pyoxigraph
        self.store = pyoxigraph.Store(str(path)) if path else pyoxigraph.Store()

    def load(self, dataset: Dataset) -> None:
        data = dataset.serialize(format="nquads")
        self.store.load(data.encode("utf-8") if isinstance(data, str) else data,
                        format=self._ox.RdfFormat.N_QUADS)

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result:
        text = sparql + (values_clause(bindings) if bindings else "")
        try:
            res = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None
        if isinstance(res, bool):
            return Result("ASK", boolean=res)
        if isinstance(res, self._ox.QuerySolutions):
            names = [v.value for v in res.variables]
            rows = [tuple(_from_ox(sol[n]) for n in names) for sol in res]
            return Result("SELECT", names, rows)
        g = Graph()
        for t in res:
            g.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
        return Result("CONSTRUCT", graph=g)


def _from_ox(term) -> Node | None:
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint (econkg serve, Fuseki, Virtuoso, GraphDB…)."""

    def __init__(self, endpoint: str, timeout: float = 30.0):
        self.endpoint = endpoint
        self.timeout = timeout

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result:
        text = sparql + (values_clause(bindings) if bindings else "")
        body = urllib.parse.urlencode({"query": text}).encode()
        req = urllib.request.Request(self.endpoint, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        })
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                ctype = resp.headers.get("Content-Type", "")
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            raise QueryError(f"{self.endpoint} answered {exc.code}: "
                             f"{exc.read().decode('utf-8', 'replace')[:500]}") from None
        except urllib.error.URLError as exc:
            raise QueryError(f"cannot reach {self.endpoint}: {exc.reason}") from None
        if "json" in ctype:
            return _from_sparql_json(json.loads(payload))
        g = Graph().parse(data=payload.decode("utf-8"), format="turtle")
        return Result("CONSTRUCT", graph=g)


def _from_sparql_json(doc: dict) -> Result:
    if "boolean" in doc:
        return Result("ASK", boolean=doc["boolean"])
    names = doc["head"]["vars"]
    rows = []
    for b in doc["results"]["bindings"]:
        rows.append(tuple(_json_term(b.get(n)) for n in names))
    return Result("SELECT", names, rows)


def _json_term(t: dict | None) -> Node | None:
    if t is None:
        return None
    if t["type"] == "uri":
        return URIRef(t["value"])
    if t["type"] == "bnode":
        return BNode(t["value"])
    if "xml:lang" in t:
        return Literal(t["value"], lang=t["xml:lang"])
    return Literal(t["value"], datatype=URIRef(t["datatype"]) if "datatype" in t else None)
