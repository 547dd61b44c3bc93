"""The one seam between the graph and whatever answers SPARQL.

Everything above this module asks a Store for query results; today that is an in-memory
rdflib Dataset, an on-disk Oxigraph store, or a remote SPARQL 1.1 endpoint. Parameters are
always passed as RDF terms (never pasted into query text), so a value holding `}` or `"`
cannot change the query.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # rdflib is imported where it is used: read-only commands never load it
    from rdflib import Dataset, Graph
    from rdflib.term import Node


class Result:
    """Rows of a SELECT or ASK, or the graph of a CONSTRUCT/DESCRIBE.

    `rows` holds rdflib terms. Oxigraph's answers keep the engine's own terms (`native`)
    and turn them into rdflib terms only when `rows` is read, so a command that prints
    values (`result_records`) never imports rdflib."""

    def __init__(self, kind: str, variables: list[str] | None = None,
                 rows: list[tuple[Node | None, ...]] | None = None,
                 boolean: bool | None = None, graph: Graph | None = None, *,
                 native: list[tuple[Any, ...]] | None = None):
        self.kind = kind  # "SELECT", "ASK", "CONSTRUCT"
        self.variables = variables if variables is not None else []
        self._rows = rows
        self.native = native
        self.boolean = boolean
        self.graph = graph

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        if self._rows is None:
            self._rows = [tuple(_from_ox(t) for t in row) for row in self.native or []]
        return self._rows

    @rows.setter
    def rows(self, value: list[tuple[Node | None, ...]]) -> None:
        self._rows, self.native = value, None

    def __repr__(self) -> str:
        return (f"Result({self.kind!r}, variables={self.variables!r}, "
                f"rows={len(self.rows)}, boolean={self.boolean!r})")


class Store(Protocol):
    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result: ...


class QueryError(ValueError):
    """A query that does not parse or cannot run; the message is the parser's."""


class StoreError(OSError):
    """A store that is missing or cannot be opened; the message says which and why."""


class MemoryStore:
    """rdflib Dataset in memory; the default graph is the union of all named graphs."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result:
        from pyparsing import ParseException
        from rdflib import Graph, Variable
        from rdflib.plugins.sparql import prepareQuery

        try:
            prepared = prepareQuery(sparql, initNs=dict(self.dataset.namespaces()))
        except ParseException as exc:
            raise QueryError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: "
                             f"{exc.msg}") from None
        except Exception as exc:
            raise QueryError(f"SPARQL error: {exc}") from None
        init = {Variable(k): to_rdflib(v) for k, v in (bindings or {}).items()}
        # Query the union of the named graphs, and give the caller's Dataset back as it was.
        before = self.dataset.default_union
        self.dataset.default_union = True
        try:
            res = self.dataset.query(prepared, initBindings=init)
            if res.type == "SELECT":
                res.bindings  # noqa: B018 — evaluate now, while the union is switched on
        finally:
            self.dataset.default_union = before
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
    """An on-disk (or in-memory) Oxigraph store, for data that outgrows rdflib.

    Oxigraph never reads a file or fetches a URL for `FROM`/`FROM NAMED` (they name graphs
    already in the store), but it does send `SERVICE` clauses over HTTP: a query that may
    hold SERVICE runs in a forked child without network (`_isolated`), and is refused
    where that cannot be had. The default graph is the union of the named graphs
    unless the query has its own `FROM`/`FROM NAMED`.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False):
        import pyoxigraph

        self._ox = pyoxigraph
        self.path = Path(path) if path else None
        self.sizes: dict[str, int] | None = None
        self.hold = None  # what keeps a published release from removal while this is open
        if path is None:
            self.store = pyoxigraph.Store()
        elif read_only:
            self.store = pyoxigraph.Store.read_only(str(path))
        else:
            self.store = pyoxigraph.Store(str(path))

    @classmethod
    def open(cls, path: Path) -> OxigraphStore:
        """Open a store written by `econkg build`/`ingest`, read-only: nothing is parsed or
        rebuilt, so this takes milliseconds whatever the size, and any number of processes
        may hold it open at once."""
        if not (Path(path) / "CURRENT").is_file():
            raise StoreError(f"{path} is not an Oxigraph store (run `econkg build`)")
        try:
            return cls(path, read_only=True)
        except OSError as exc:
            raise StoreError(f"cannot open the store {path}: {exc}") from None

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> OxigraphStore:
        store = cls()
        store.load(dataset)
        return store

    def load(self, dataset: Dataset) -> None:
        data = dataset.serialize(format="nquads")
        self.store.load(data.encode("utf-8") if isinstance(data, str) else data,
                        format=self._ox.RdfFormat.N_QUADS)
        self.sizes = None

    def bulk_load(self, *, data: bytes | None = None, path: str | Path | None = None,
                  graph: str | None = None, lenient: bool = False) -> None:
        """Load N-Quads (or, with `graph`, N-Triples into that graph) through Oxigraph's
        bulk loader, which writes index files directly instead of one transaction per
        quad. `path` may be a pipe (/dev/fd/N): Oxigraph reads it without the GIL, so a
        Python thread can write the lines while the loader indexes them."""
        ox = self._ox
        fmt = ox.RdfFormat.N_TRIPLES if graph else ox.RdfFormat.N_QUADS
        kwargs = {"to_graph": ox.NamedNode(graph)} if graph else {}
        if path is not None:
            self.store.bulk_load(path=str(path), format=fmt, lenient=lenient, **kwargs)
        else:
            self.store.bulk_load(data or b"", format=fmt, lenient=lenient, **kwargs)
        self.store.flush()
        self.sizes = None  # counted again when asked

    def dump_nquads(self) -> bytes:
        """Every quad as N-Quads, in the store's order (sort the lines for a stable file)."""
        return self.store.dump(format=self._ox.RdfFormat.N_QUADS)

    def quads(self):
        """pyoxigraph quads, for exports and copies that skip rdflib."""
        return self.store.quads_for_pattern(None, None, None, None)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def graph_sizes(self) -> dict[str, int]:
        """Quads per named graph: from the release manifest when the store was opened from
        one (`sizes`), else counted."""
        if self.sizes is None:
            res = self.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                   "GROUP BY ?g")
            self.sizes = {sol["g"].value: int(sol["n"].value) for sol in res}
        return dict(self.sizes)

    def copy_to(self, path: Path) -> OxigraphStore:
        """A writable copy at `path` (a RocksDB checkpoint: hard links, so it costs
        milliseconds whatever the size), for loading into a new store and swapping."""
        self.store.backup(str(path))
        return OxigraphStore(path)

    def copy_without(self, path: Path, graph: str) -> OxigraphStore:
        """A writable copy at `path` with every graph but `graph`, made by Oxigraph's own
        dump and bulk loader one graph at a time (through a scratch N-Triples file beside
        the copy, so memory stays flat). Removing a large graph from a checkpoint copy
        instead is one transaction that deletes quad by quad, holding the GIL: minutes
        for a million-row dataset. (Each graph is reloaded on its own, so a blank node
        shared by two graphs would become two; the build writes no blank nodes.)"""
        ox = self._ox
        path = Path(path)
        out = OxigraphStore(path)
        scratch = path.parent / f".{path.name}.graph.nt"
        graphs = [ox.DefaultGraph()] + [g for g in self.store.named_graphs()
                                        if g.value != graph]
        try:
            for g in graphs:
                self.store.dump(str(scratch), ox.RdfFormat.N_TRIPLES, from_graph=g)
                kwargs = {} if isinstance(g, ox.DefaultGraph) else {"to_graph": g}
                out.store.bulk_load(path=str(scratch), format=ox.RdfFormat.N_TRIPLES,
                                    **kwargs)
        finally:
            scratch.unlink(missing_ok=True)
        out.store.flush()
        return out

    def remove_graphs(self, graphs: list[str]) -> None:
        for g in graphs:
            self.store.remove_graph(self._ox.NamedNode(g))
        self.store.flush()
        self.sizes = None

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result:
        """Run a query. `bindings` are pre-bound by Oxigraph itself (SEP-0007
        `substitutions`, like rdflib's initBindings) so the text is not rewritten. Oxigraph
        substitutes only variables of the SELECT projection; for a parameter the query
        does not project (or a CONSTRUCT/ASK), the engine says so and the terms are
        written in place of the variable tokens instead (`substitute_bindings`)."""
        shape = inspect_query(sparql)
        shape.refuse_unsafe()
        union = not shape.dataset_clause
        from .serve.isolation import may_reach_network

        # a bound term cannot add a keyword, but counting its text too errs on the safe side
        risky = may_reach_network(sparql) or any(
            may_reach_network(str(term)) for term in (bindings or {}).values())
        if not risky:  # no SERVICE is possible: run it here
            kind, variables, rows, boolean, triples = self._evaluate(sparql, bindings, union)
        else:  # the engine might contact another server: only behind the walls
            kind, variables, rows, boolean, triples = _isolated(self._evaluate, sparql,
                                                                bindings, union)
        if kind == "ASK":
            return Result("ASK", boolean=boolean)
        if kind == "SELECT":
            return Result("SELECT", variables, native=rows)
        from rdflib import Graph

        g = Graph()
        for t in triples:
            g.add(tuple(_from_ox(x) for x in t))
        return Result("CONSTRUCT", graph=g)

    def _evaluate(self, sparql: str, bindings: dict[str, Node] | None, union: bool) -> tuple:
        ox = self._ox
        subs = {ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()}
        try:
            try:
                res = self.store.query(sparql, use_default_graph_as_union=union,
                                       substitutions=subs or None)
            except (SyntaxError, ValueError, RuntimeError) as exc:
                if not subs or not _NOT_SUBSTITUTABLE.search(str(exc)):
                    raise
                text = substitute_bindings(sparql, bindings or {})
                inspect_query(text).refuse_unsafe()
                res = self.store.query(text, use_default_graph_as_union=union)
            if isinstance(res, ox.QueryBoolean):
                return "ASK", [], [], bool(res), []
            if isinstance(res, ox.QuerySolutions):
                names = [v.value for v in res.variables]
                rows = [tuple(sol) for sol in res]  # pyoxigraph terms (they pickle)
                return "SELECT", names, rows, None, []
            triples = [(t.subject, t.predicate, t.object) for t in res]
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            from .serve.isolation import network_denied

            if network_denied(exc):
                raise QueryError(SERVICE_REFUSED) from None
            raise QueryError(f"SPARQL error: {exc}") from None
        return "CONSTRUCT", [], [], None, triples


def _isolated(fn, *args):
    """fn(*args) in a forked child that has no network (see serve/isolation.py), its
    answer pickled back over a pipe. Refuses (fails closed) where the child cannot put up
    either wall."""
    import os
    import pickle

    from .serve.isolation import isolate

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: isolate, run, send, and leave without running any cleanup
        try:
            os.close(read_end)
            if isolate() == "none":
                payload = ("error", "this query names SERVICE, or may, and this machine "
                                    "cannot cut a query off from the network (no network "
                                    "namespace, no seccomp), so it is refused")
            else:
                try:
                    payload = ("ok", fn(*args))
                except QueryError as exc:
                    payload = ("error", str(exc))
            data = pickle.dumps(payload)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    if not data or status != 0:
        raise QueryError(f"the query engine crashed (wait status {status})")
    kind, value = pickle.loads(data)  # our own child's bytes
    if kind != "ok":
        raise QueryError(value)
    return value


# What Oxigraph says of a substitution it cannot make (a variable outside the projection,
# a query form without one); anything else is a real error and is reported as one.
_NOT_SUBSTITUTABLE = re.compile(r"projection|substitut", re.IGNORECASE)


def to_oxigraph(term: Node):
    """An rdflib term as the pyoxigraph term Oxigraph binds (a pyoxigraph IRI or literal
    passes as it is). Blank nodes are refused: in a query a blank node is a variable, not
    a constant, and it names nothing in the store."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode | ox.Literal):
        return term
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        try:
            return ox.NamedNode(str(term))
        except ValueError as exc:
            raise QueryError(f"{str(term)!r} is not a valid IRI: {exc}") from None
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind a {type(term).__name__} as a query parameter")


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as the rdflib term; an rdflib term as it is."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return _from_ox(term)
    return term


def _from_ox(term) -> Node | None:
    if term is None:
        return None
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:  # a simple literal, as rdflib writes it
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint (econkg serve, Fuseki, Virtuoso, GraphDB…).

    The protocol carries query text only, so parameters are written into the text by
    `substitute_bindings`, which puts each term where the variable token stood (never
    pasting a value a user typed: terms are serialised and checked by `term_text`)."""

    def __init__(self, endpoint: str, timeout: float = 30.0):
        self.endpoint = endpoint
        self.timeout = timeout

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> Result:
        import urllib.error
        import urllib.parse
        import urllib.request

        text = substitute_bindings(sparql, bindings or {})
        body = urllib.parse.urlencode({"query": text}).encode()
        req = urllib.request.Request(self.endpoint, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        })
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                ctype = resp.headers.get("Content-Type", "")
                cut_at = resp.headers.get("X-SPARQL-MaxRows")
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            raise QueryError(f"{self.endpoint} answered {exc.code}: "
                             f"{exc.read().decode('utf-8', 'replace')[:500]}") from None
        except urllib.error.URLError as exc:
            raise QueryError(f"cannot reach {self.endpoint}: {exc.reason}") from None
        except TimeoutError:  # connected, but the answer did not come in time
            raise QueryError(f"{self.endpoint} did not answer within {self.timeout:g} s") \
                from None
        if cut_at:
            # Virtuoso sends this header only when it cut the answer at its ResultSetMaxRows
            # (10000 in Debian's virtuoso.ini): a partial answer must not pass as the answer.
            raise QueryError(f"{self.endpoint} cut the answer at {cut_at} rows (Virtuoso's "
                             "[SPARQL] ResultSetMaxRows): raise it in virtuoso.ini and restart")
        if "json" in ctype:
            return _from_sparql_json(json.loads(payload))
        from rdflib import Graph

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
    from rdflib import BNode, Literal, URIRef

    if t["type"] == "uri":
        return URIRef(t["value"])
    if t["type"] == "bnode":
        return BNode(t["value"])
    if "xml:lang" in t:
        return Literal(t["value"], lang=t["xml:lang"])
    return Literal(t["value"], datatype=URIRef(t["datatype"]) if "datatype" in t else None)


# A SPARQL lexer just good enough to see the keywords of a query outside strings, IRIs,
# comments, variables and prefixed names. It decides nothing about validity (the engine
# does); it finds the query form, SERVICE and FROM, so that a query whose text merely
# *mentions* "service" in a literal or IRI is not refused. Escapes are lexed as the grammar
# has them (UCHAR in IRIs, ECHAR in strings, PN_LOCAL_ESC in prefixed names), so that an
# escaped quote cannot open a "string" here that hides a keyword the engine sees.
_TOKENS = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'{3}(?:[^'\\]|\\.|'(?!''))*'{3}|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w.:%-]|\\\S)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_TOKENS_NO_IRI = re.compile(_TOKENS.pattern.replace("(?P<iri><", "(?P<iri>(?!)<"),
                            re.VERBOSE | re.DOTALL)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                 "WITH"}


SERVICE_REFUSED = ("SERVICE (federated query) is disabled: econkg never contacts other "
                   "endpoints on a query's behalf")


@dataclass
class QueryShape:
    """What `inspect_query` saw: the form (SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE or None
    when it cannot tell), whether SERVICE appears, whether FROM/FROM NAMED appears, and
    how deep the query nests.

    `service` is for the error message only. Whether a query can reach the network is
    not decided here: a lexer is not the engine's grammar (Oxigraph reads `SERVICEa:` as
    SERVICE + the prefixed name `a:`), so queries that may hold SERVICE run only where the
    kernel stops connections (econkg/serve/isolation.py)."""

    form: str | None
    service: bool
    dataset_clause: bool
    depth: int = field(default=0, compare=False)

    def refuse_unsafe(self, max_depth: int = 0) -> None:
        if self.form == "UPDATE":
            raise QueryError("SPARQL Update is not supported: this graph is read-only")
        if self.service:
            raise QueryError(SERVICE_REFUSED)
        limit = max_depth or MAX_DEPTH
        if self.depth > limit:
            raise QueryError(f"the query nests {self.depth} levels deep; at most {limit} "
                             "levels of (), {} and [] (or ! in a row) are allowed")


MAX_DEPTH = 128  # far above any real query, far below what overflows the engine's stack


def inspect_query(sparql: str) -> QueryShape:
    """Read the shape of a query without parsing it. SPARQL lets \\u escapes stand anywhere
    (section 19.2), so the text is read as written and unescaped, and the worse reading of
    each counts."""
    shape = _lex(sparql)
    unescaped = _UCHAR.sub(_unescape, sparql)
    if unescaped != sparql:
        other = _lex(unescaped)
        shape.service |= other.service
        shape.dataset_clause |= other.dataset_clause
        shape.depth = max(shape.depth, other.depth)
        if other.form == "UPDATE":
            shape.form = "UPDATE"
    return shape


def _unescape(m: re.Match) -> str:
    code = int(m.group(1) or m.group(2), 16)
    return chr(code) if code <= 0x10FFFF else m.group()


_OPEN, _CLOSE = "({[", ")}]"


def _lex(sparql: str) -> QueryShape:
    form: str | None = None
    service = dataset_clause = False
    previous, previous_end = "", -1
    significant: list[tuple[str, str]] = []  # (kind, text) of the last tokens, for SERVICE
    for m in _TOKENS.finditer(sparql):
        kind = m.lastgroup
        if kind == "word" and not (previous == "@" and previous_end == m.start()):
            word = m.group().upper()  # (a word right after "@" is a language tag)
            if form is None and word not in ("BASE", "PREFIX"):
                form = word if word in _QUERY_FORMS else \
                    "UPDATE" if word in _UPDATE_WORDS else ""
            dataset_clause |= word == "FROM"
            service |= word == "SERVICE"
        if kind != "ws" and kind != "comment":
            previous, previous_end = m.group(), m.end()
            significant = [*significant[-3:], (kind, m.group())]
            # SERVICE, glued or not to what follows (SERVICEa:, SERVICESILENT<…>), then a
            # group within three tokens: as the engine's grammar reads it
            if m.group() == "{" and any(k in ("word", "pname") and t.upper().startswith(
                    "SERVICE") for k, t in significant[:-1]):
                service = True
    depth = max(_depth(sparql, iri_is_operator=False), _depth(sparql, iri_is_operator=True))
    return QueryShape(form or None, service, dataset_clause, depth)


def _depth(sparql: str, iri_is_operator: bool) -> int:
    """The deepest nesting of (), {} and [] (and the longest run of `!`) outside strings,
    IRIs and comments. `<` is ambiguous to a lexer (`?a<?b#>` is an IRI or a comparison
    followed by a comment), so the caller takes the deeper of both readings."""
    depth = deepest = bangs = 0
    tokens = _TOKENS if not iri_is_operator else _TOKENS_NO_IRI
    for m in tokens.finditer(sparql):
        kind, text = m.lastgroup, m.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "other":
            if text in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif text in _CLOSE:
                depth = max(0, depth - 1)
            if text == "!":
                bangs += 1
                deepest = max(deepest, depth + bangs)
                continue
        elif kind == "iri":  # an IRI may be a comparison after all: count what opens
            deepest = max(deepest, depth + sum(text.count(c) for c in "(["))
        bangs = 0
    return deepest


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CLAUSE_ENDS = {"WHERE", "FROM", "HAVING", "ORDER", "GROUP", "LIMIT", "OFFSET", "VALUES"}


def term_text(term: Node) -> str:
    """An RDF term as SPARQL text, refusing anything that could change the query around
    it: IRIs with characters IRIs may not hold, and blank nodes (a blank node in a query
    is a variable, not a constant). pyoxigraph terms are written as N-Triples, whose
    escapes (\\" \\\\ \\n, \\uXXXX for controls) are SPARQL's too."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):  # Oxigraph refuses a bad IRI when the term is made
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return str(term)
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(term):
            raise QueryError(f"{str(term)!r} is not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()  # rdflib escapes quotes, backslashes and line breaks
    raise QueryError(f"cannot bind a {type(term).__name__} as a query parameter")


def substitute_bindings(sparql: str, bindings: dict[str, Node]) -> str:
    """Pre-bind variables the way rdflib's initBindings does, for stores that only take
    query text (remote endpoints): each `?name`/`$name` token becomes the term.

    A trailing VALUES block would be simpler but means something else: FILTERs inside the
    WHERE clause, and every nested group, still see the variable unbound (queries/_LOOKUP
    and trade-routes.rq return nothing that way). The lexer finds variable tokens only
    outside strings, IRIs and comments, and the terms are written by `term_text`, so a
    value cannot change the query's structure. In a SELECT list the variable becomes
    `(TERM AS ?name)`, and in GROUP BY / ORDER BY `(TERM)`, so that the column is kept
    and the text still parses.
    """
    if not bindings:
        return sparql
    terms = {name: term_text(term) for name, term in bindings.items()}
    out: list[str] = []
    depth = 0  # parentheses
    clause: tuple[str, int] | None = None  # ("select" | "modifier", paren depth)
    last_word = ""
    for m in _TOKENS.finditer(sparql):
        kind, text = m.lastgroup, m.group()
        if kind == "other":
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
            elif text in "{}" and clause is not None:
                clause = None
        elif kind == "word":
            word = text.upper()
            if word == "SELECT":
                clause = ("select", depth)
            elif word == "BY" and last_word in ("ORDER", "GROUP"):
                clause = ("modifier", depth)
            elif word in _CLAUSE_ENDS and clause is not None and clause[1] == depth:
                clause = None
            last_word = word
        elif kind == "var" and text[1:] in terms:
            term = terms[text[1:]]
            if clause is not None and clause[1] == depth:
                text = f"({term} AS {text})" if clause[0] == "select" else f"({term})"
            else:
                text = term
        out.append(text)
    return "".join(out)
