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
`string`, `term` (an ontology term such as `ekg:Export`), and `choice:a,b` (one of the
listed words). No question takes a number yet, so there is no number type.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .namespaces import EKG, KG
from .resources import queries_dir
from .store import QueryError, Result, Store

PARAM_TYPES = ("entity", "string", "term", "choice")
ANY = URIRef("urn:econkg:any")
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
    for e, label in store.query(_PREFIXES + _KNOWN).rows:
        ident = str(e).removeprefix(str(KG))
        names.setdefault(ident, ident)
        if label is not None:
            names.setdefault(str(label), ident)
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


def to_term(param: Param, value: str, store: Store | None = None) -> Node:
    """Turn a command-line value into the RDF term its parameter expects."""
    if param.type == "choice":
        if value not in param.choices:
            raise QueryError(f"parameter {param.name}: {value!r} is not one of "
                             f"{', '.join(param.choices)}")
        return Literal(value)
    if param.type == "string":
        return Literal(value)
    if param.type == "term":
        local = value.removeprefix("ekg:")
        if not re.fullmatch(r"[A-Za-z][\w-]*", local):
            raise QueryError(f"parameter {param.name}: {value!r} is not an ontology term")
        try:
            return EKG[local]  # the checked namespace knows every term of the ontology
        except AttributeError:
            raise QueryError(f"parameter {param.name}: {value!r} is not an ontology term") \
                from None
    # entity
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if re.match(r"^https?://", value):
        if any(ch in value for ch in "<>\"{}|^`\\ "):
            raise QueryError(f"parameter {param.name}: {value!r} is not a valid IRI")
        return URIRef(value)
    local = value.removeprefix("kg:")
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", local) and (store is None
                                                       or _exists(store, KG[local])):
        return KG[local]
    if store is not None:
        res = store.query(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + _LOOKUP,
            {"name": Literal(value)})
        hits = [row[0] for row in res.rows if row[0] is not None]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(str(h).rsplit("/", 1)[-1] for h in hits)
            raise QueryError(f"parameter {param.name}: {value!r} names several entities "
                             f"({names}); give the id")
    raise _unknown_entity(param, value, store)


def _exists(store: Store, node: URIRef) -> bool:
    res = store.query(_PREFIXES + "ASK { ?e rdfs:label ?l }", {"e": node})
    return bool(res.boolean)


def bindings_for(query: NamedQuery, params: dict[str, Any],
                 store: Store | None = None) -> dict[str, Node]:
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        raise QueryError(f"{query.name} has no parameter {', '.join(unknown)}; it takes "
                         f"{', '.join(query.params) or 'none'}")
    out: dict[str, Node] = {}
    for name, p in query.params.items():
        value = params.get(name, p.default)
        if value is None or value == "" or value == "-":
            if p.type in ("entity", "term"):
                out[name] = ANY  # every parameter filters; ANY lets every value through
            continue
        out[name] = value if isinstance(value, Node) else to_term(p, str(value), store)
    return out


def run_named(graph: Any, name: str, /, **params: Any) -> Result:
    store = as_store(graph)
    q = get_query(name)
    return store.query(q.text, bindings_for(q, params, store))


def result_records(result: Result) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (IRIs as strings, numbers as numbers)."""
    return [{v: python_value(t) for v, t in zip(result.variables, row, strict=True)}
            for row in result.rows]


def python_value(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if term.datatype == XSD.decimal:
            return float(value) if value != int(value) else int(value)
        if isinstance(value, Literal):
            return str(value)
        return value if isinstance(value, int | float | bool | str) else str(value)
    return str(term)


def run_named_dataframe(graph: Any, name: str, /, **params: Any):
    import pandas as pd

    result = run_named(graph, name, **params)
    if result.kind != "SELECT":
        raise QueryError(f"{name} is a {result.kind} query; a DataFrame needs SELECT")
    return pd.DataFrame(result_records(result), columns=result.variables)
