"""Content negotiation: which result format a request gets, from its Accept header or a
`format=` / `output=` shorthand."""

from __future__ import annotations

# media type → aliases a client may ask for. The first entry of each table is the default.

ROW_TYPES = {
    "application/sparql-results+json": ("application/json", "text/javascript",
                                        "application/javascript"),
    "application/sparql-results+xml": ("application/xml", "text/xml"),
    "text/csv": (),
    "text/tab-separated-values": (),
}
GRAPH_TYPES = {
    "text/turtle": ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3",
                    "application/n3"),
    "application/n-triples": ("text/plain",),
    "application/ld+json": ("application/json", "application/x-json+ld"),
    "application/rdf+xml": ("application/xml", "text/xml"),
}
# `format=` / `output=` shorthands (Fuseki's output=, SPARQLWrapper's format=)
SHORTHANDS = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"), "n3": (None, "text/turtle"),
    "nt": (None, "application/n-triples"), "ntriples": (None, "application/n-triples"),
    "n-triples": (None, "application/n-triples"),
    "json-ld": (None, "application/ld+json"), "jsonld": (None, "application/ld+json"),
    "rdf": (None, "application/rdf+xml"), "rdfxml": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),
}
_TEXTUAL = ("text/csv", "text/tab-separated-values", "text/turtle")


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in _TEXTUAL else media_type


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, in the order given; malformed parts are skipped."""
    out = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        mtype = fields[0].lower()
        if "/" not in mtype:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((mtype, q))
    return out


def choose(accept: list[tuple[str, float]], offers: dict[str, tuple[str, ...]]) -> str | None:
    """The offered media type the client likes best; None if it accepts none of them.

    An exact type (or alias) outranks type/* which outranks */*; ties go to the order of
    `offers`, so the default comes first. No Accept header means the default.
    """
    if not accept:
        return next(iter(offers))
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, (offer, aliases) in enumerate(offers.items()):
        names = (offer, *aliases)
        q_here, spec_here = -1.0, -1
        for mtype, q in accept:
            if mtype in names:
                spec = 2
            elif mtype.endswith("/*") and offer.startswith(mtype[:-1]):
                spec = 1
            elif mtype == "*/*":
                spec = 0
            else:
                continue
            if spec > spec_here:
                q_here, spec_here = q, spec
        if q_here <= 0:
            continue
        rank = (q_here, spec_here, -index)
        if best is None or rank > best:
            best, chosen = rank, offer
    return chosen


def negotiate(accept_header: str | None, shorthand: str | None) -> tuple[str | None, str | None]:
    """(media type for SELECT/ASK, media type for CONSTRUCT/DESCRIBE), either None when the
    client accepts nothing we write for that kind of result."""
    if shorthand:
        key = shorthand.strip().lower()
        if key in SHORTHANDS:
            rows, graph = SHORTHANDS[key]
            accept = parse_accept(accept_header)
            return (rows or choose(accept, ROW_TYPES), graph or choose(accept, GRAPH_TYPES))
        accept_header = shorthand  # a full media type, e.g. format=text/csv
    accept = parse_accept(accept_header)
    return choose(accept, ROW_TYPES), choose(accept, GRAPH_TYPES)
