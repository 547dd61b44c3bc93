"""Named SPARQL queries: one question per `queries/NAME.rq`, parameters bound, never pasted.

Each file opens with a `#` header:

    # title: Trade between two countries over time
    # question-en: How did trade between A and B change, period by period?
    # question-zh: 两国之间的贸易额如何随时间变化？
    # param: reporter entity china — the reporting country
    # param: partner entity north-korea — its partner
    # columns: period — ISO period; value — number in base units; …

A parameter's type says how a value given on the command line becomes an RDF term:
`entity` (an id such as `dandong`, `kg:dandong`, a full IRI, or an English or Chinese name
looked up in the graph; an unknown name is an error with did-you-mean suggestions),
`string`, `integer`, `decimal`, `term` (an ontology term such as `ekg:Export`), and
`choice:a,b` (one of the listed words).

Every parameter is always bound, so every parameter filters: a parameter left blank (default
`-`) is bound to `ANY`, and the query reads `FILTER(?p = <urn:econkg:any> || ?x = ?p)`.
(Pre-binding by substitution, as Oxigraph and remote endpoints need, cannot leave a variable
unbound and test `BOUND`, and a free variable inside an OPTIONAL would let every value in.)

Every answer has a `modality` column. "What is" questions take `include` (`facts`, the
default, or `all`): with `facts` they leave out plans, proposals, projections and lacks.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .resources import queries_dir
from .store import QueryError, Result, Store

if TYPE_CHECKING:  # rdflib is loaded where it is needed: `econkg query` never needs it
    from rdflib.term import Node

PARAM_TYPES = ("entity", "string", "integer", "decimal", "term", "choice")
ANY_IRI = "urn:econkg:any"
KG_IRI = "https://w3id.org/econkg/id/"
_XSD = "http://www.w3.org/2001/XMLSchema#"


def __getattr__(name: str) -> Any:
    if name == "ANY":  # the rdflib term, made on first use so importing this stays light
        from rdflib import URIRef

        return URIRef(ANY_IRI)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
_PARAM_RE = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?::(?P<choices>[\w,-]+))?"
                       r"(?:\s+(?P<default>\S+))?"
                       r"(?:\s+[—-]+\s*(?P<doc>.*))?$")


@dataclass
class Param:
    name: str
    type: str
    default: str | None
    doc: str = ""
    choices: tuple[str, ...] = ()


@dataclass
class NamedQuery:
    name: str
    title: str
    question_en: str
    question_zh: str
    params: dict[str, Param]
    columns: str
    text: str
    path: Path
    order: str = ""


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        key, sep, value = body.partition(":")
        if sep and re.fullmatch(r"[a-z-]+", key.strip()):
            header.setdefault(key.strip(), []).append(value.strip())
    params: dict[str, Param] = {}
    for spec in header.get("param", []):
        m = _PARAM_RE.match(spec)
        if not m or m["type"] not in PARAM_TYPES or (m["type"] == "choice") != bool(m["choices"]):
            raise ValueError(f"{path}: bad param line {spec!r} (write: NAME TYPE [DEFAULT] — "
                             f"doc; TYPE one of {', '.join(PARAM_TYPES)}, choice:a,b)")
        default = m["default"]
        params[m["name"]] = Param(m["name"], m["type"], None if default == "-" else default,
                                  m["doc"] or "", tuple((m["choices"] or "").split(",")))
    title = (header.get("title") or [path.stem])[0]
    return NamedQuery(path.stem, title, " ".join(header.get("question-en", [])),
                      " ".join(header.get("question-zh", [])), params,
                      " ".join(header.get("columns", [])), text, path,
                      " ".join(header.get("order", [])))


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    folder = folder or queries_dir()
    return [parse_query_file(p) for p in sorted(Path(folder).glob("*.rq"))]


def get_query(name: str, folder: Path | None = None) -> NamedQuery:
    folder = folder or queries_dir()
    path = Path(folder) / f"{name}.rq"
    if not path.is_file():
        known = [p.stem for p in sorted(Path(folder).glob("*.rq"))]
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(close)}?" if close else \
            "; `econkg queries` lists them"
        raise KeyError(f"no named query {name!r}{hint}")
    return parse_query_file(path)


def as_store(graph: Any) -> Store:
    """Graphs are answered by Oxigraph: the named queries run in milliseconds there, where
    rdflib's evaluator takes seconds on some of them."""
    from rdflib import Dataset, Graph, URIRef

    from .store import OxigraphStore

    if isinstance(graph, Dataset):
        return OxigraphStore.from_dataset(graph)
    if isinstance(graph, Graph):
        ds = Dataset()
        g = ds.graph(URIRef("urn:econkg:default"))
        for t in graph:
            g.add(t)
        return OxigraphStore.from_dataset(ds)
    if hasattr(graph, "query"):
        return graph
    raise TypeError(f"cannot query a {type(graph).__name__}; pass a Dataset, Graph or Store")


_LOOKUP = """
SELECT DISTINCT ?e WHERE {
  { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l }
  FILTER(LCASE(STR(?l)) = LCASE(STR(?name)))
} ORDER BY ?e LIMIT 5
"""


_KNOWN = """
SELECT DISTINCT ?e ?l WHERE {
  { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l }
  FILTER(STRSTARTS(STR(?e), "https://w3id.org/econkg/id/")
         && !STRSTARTS(STR(?e), "https://w3id.org/econkg/id/statement/")
         && !STRSTARTS(STR(?e), "https://w3id.org/econkg/id/flow/")
         && !STRSTARTS(STR(?e), "https://w3id.org/econkg/id/observation/"))
}
"""
_PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def _known_entities(store: Store) -> dict[str, str]:
    """Every name an entity goes by (its id, labels and aliases) → its id."""
    names: dict[str, str] = {}
    for e, label in _values(store.query(_PREFIXES + _KNOWN)):
        ident = str(e).removeprefix(KG_IRI)
        names.setdefault(ident, ident)
        if label is not None:
            names.setdefault(label, ident)
    return names


def _unknown_entity(param: Param, value: str, store: Store | None) -> QueryError:
    from .seeds import did_you_mean

    hint = ""
    if store is not None:
        names = _known_entities(store)
        by_fold = {n.casefold(): i for n, i in names.items()}
        close = did_you_mean(value.casefold(), set(by_fold))
        if close:
            words = close.removeprefix(" (did you mean ").removesuffix("?)").split(", ")
            ids = sorted({by_fold[w] for w in words})
            hint = f"; did you mean {', '.join(ids)}?"
    return QueryError(f"parameter {param.name}: no entity called {value!r}{hint} "
                      "(`econkg query entity-lookup -p name=…` finds ids)")


class _RdflibTerms:
    """Parameter values as rdflib terms (the library API: `to_term`, `bindings_for`)."""

    @staticmethod
    def iri(value: str):
        from rdflib import URIRef

        return URIRef(value)

    @staticmethod
    def literal(value: str, datatype: str | None = None):
        from rdflib import Literal, URIRef

        if datatype == _XSD + "integer":
            return Literal(int(value), datatype=URIRef(datatype))
        return Literal(value, datatype=URIRef(datatype) if datatype else None)

    @staticmethod
    def ontology_term(local: str):
        from .namespaces import EKG

        return EKG[local]  # the checked namespace knows every term of the ontology


class _OxigraphTerms:
    """The same values as pyoxigraph terms, for a command that runs on Oxigraph and prints:
    no rdflib is loaded unless an ontology term has to be checked."""

    @staticmethod
    def iri(value: str):
        import pyoxigraph as ox

        return ox.NamedNode(value)

    @staticmethod
    def literal(value: str, datatype: str | None = None):
        import pyoxigraph as ox

        if datatype == _XSD + "integer":  # as rdflib writes Literal(int(value))
            value = str(int(value))
        return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype \
            else ox.Literal(value)

    @staticmethod
    def ontology_term(local: str):
        return _OxigraphTerms.iri(str(_RdflibTerms.ontology_term(local)))


def to_term(param: Param, value: str, store: Store | None = None, *,
            native: bool = False) -> Node:
    """Turn a command-line value into the RDF term its parameter expects: an rdflib term,
    or with `native` a pyoxigraph one (every store takes either)."""
    mk = _OxigraphTerms if native else _RdflibTerms
    if param.type == "choice":
        if value not in param.choices:
            raise QueryError(f"parameter {param.name}: {value!r} is not one of "
                             f"{', '.join(param.choices)}")
        return mk.literal(value)
    if param.type == "string":
        return mk.literal(value)
    if param.type == "integer":
        try:
            int(value)
        except ValueError:
            raise QueryError(f"parameter {param.name}: {value!r} is not a whole number") \
                from None
        return mk.literal(value, _XSD + "integer")
    if param.type == "decimal":
        try:
            float(value)
        except ValueError:
            raise QueryError(f"parameter {param.name}: {value!r} is not a number") from None
        term = _RdflibTerms.literal(value, _XSD + "decimal")  # rdflib's normalised form
        return _native(term) if native else term
    if param.type == "term":
        local = value.removeprefix("ekg:")
        if not re.fullmatch(r"[A-Za-z][\w-]*", local):
            raise QueryError(f"parameter {param.name}: {value!r} is not an ontology term")
        try:
            return mk.ontology_term(local)
        except AttributeError:
            raise QueryError(f"parameter {param.name}: {value!r} is not an ontology term") \
                from None
    # entity
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if re.match(r"^https?://", value):
        if any(ch in value for ch in "<>\"{}|^`\\ "):
            raise QueryError(f"parameter {param.name}: {value!r} is not a valid IRI")
        return mk.iri(value)
    local = value.removeprefix("kg:")
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", local) and (
            store is None or _exists(store, _OxigraphTerms.iri(KG_IRI + local))):
        return mk.iri(KG_IRI + local)
    if store is not None:
        import pyoxigraph as ox

        res = store.query(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + _LOOKUP,
            {"name": ox.Literal(value)})
        hits = [row[0] for row in _values(res) if row[0] is not None]
        if len(hits) == 1:
            return mk.iri(hits[0])
        if len(hits) > 1:
            names = ", ".join(h.rsplit("/", 1)[-1] for h in hits)
            raise QueryError(f"parameter {param.name}: {value!r} names several entities "
                             f"({names}); give the id")
    raise _unknown_entity(param, value, store)


def _native(term: Node):
    from .store import to_oxigraph

    return to_oxigraph(term)


def _values(result: Result) -> list[tuple[str | None, ...]]:
    """A SELECT's IRIs and literals as their text, without building rdflib terms."""
    if result.native is not None:
        return [tuple(None if t is None else t.value for t in row) for row in result.native]
    return [tuple(None if t is None else str(t) for t in row) for row in result.rows]


def _exists(store: Store, node) -> bool:
    # a SELECT that projects ?e, so that Oxigraph binds it itself (it cannot in an ASK)
    res = store.query(_PREFIXES + "SELECT ?e WHERE { ?e rdfs:label ?l } LIMIT 1", {"e": node})
    return bool(_values(res))


def bindings_for(query: NamedQuery, params: dict[str, Any],
                 store: Store | None = None, *, native: bool = False) -> dict[str, Node]:
    """The query's parameters as RDF terms (rdflib's, or with `native` pyoxigraph's):
    defaults filled in, blank entity and term parameters bound to ANY."""
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        raise QueryError(f"{query.name} has no parameter {', '.join(unknown)}; it takes "
                         f"{', '.join(query.params) or 'none'}")
    mk = _OxigraphTerms if native else _RdflibTerms
    out: dict[str, Node] = {}
    for name, p in query.params.items():
        value = params.get(name, p.default)
        if value is None or value == "" or value == "-":
            if p.type in ("entity", "term"):
                out[name] = mk.iri(ANY_IRI)  # every parameter filters; ANY lets all through
            continue
        out[name] = value if _is_term(value) else to_term(p, str(value), store, native=native)
    return out


def _is_term(value: Any) -> bool:
    """An RDF term given by a caller (rdflib's or pyoxigraph's) is bound as it is."""
    import pyoxigraph as ox

    rdflib = sys.modules.get("rdflib")  # not loaded: the value cannot be one of its terms
    return isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode) or (
        rdflib is not None and isinstance(value, rdflib.term.Node))


def run_named(graph: Any, name: str, /, **params: Any) -> Result:
    store = as_store(graph)
    q = get_query(name)
    return store.query(q.text, bindings_for(q, params, store))


def result_records(result: Result) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (IRIs as strings, numbers as numbers)."""
    if result.native is not None:  # Oxigraph's terms, read without building rdflib's
        return [{v: native_value(t) for v, t in zip(result.variables, row, strict=True)}
                for row in result.native]
    return [{v: python_value(t) for v, t in zip(result.variables, row, strict=True)}
            for row in result.rows]


def python_value(term: Node | None) -> Any:
    if term is None:
        return None
    from rdflib import Literal
    from rdflib.namespace import XSD

    if isinstance(term, Literal):
        value = term.toPython()
        if term.datatype == XSD.decimal:
            return float(value) if value != int(value) else int(value)
        if isinstance(value, Literal):
            return str(value)
        return value if isinstance(value, int | float | bool | str) else str(value)
    return str(term)


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def native_value(term: Any) -> Any:
    """`python_value` of a pyoxigraph term, giving the same value: the datatypes the
    questions return (strings, language-tagged text, integers, decimals, doubles,
    booleans) are read here; any other datatype, or a lexical form these readings do not
    take, goes through rdflib as before."""
    import pyoxigraph as ox

    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return term.value  # an IRI or a blank node's id, as str() of rdflib's term
    if term.language:
        return term.value
    datatype = term.datatype.value
    lexical = term.value
    try:
        if datatype == _XSD + "string":
            return lexical
        if datatype == _XSD + "integer":
            return int(lexical)
        if datatype == _XSD + "decimal":
            value = Decimal(lexical)
            return float(value) if value != int(value) else int(value)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(lexical)
        if datatype == _XSD + "boolean" and lexical in _BOOLEANS:
            return _BOOLEANS[lexical]
    except (ValueError, ArithmeticError):
        pass
    from .store import to_rdflib

    return python_value(to_rdflib(term))


def run_named_dataframe(graph: Any, name: str, /, **params: Any):
    import pandas as pd

    result = run_named(graph, name, **params)
    if result.kind != "SELECT":
        raise QueryError(f"{name} is a {result.kind} query; a DataFrame needs SELECT")
    return pd.DataFrame(result_records(result), columns=result.variables)
