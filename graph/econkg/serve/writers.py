"""Writers for SELECT results, run in the worker, that stop at a row cap and a byte cap.

Oxigraph writes all four formats itself, but only for a whole result; the caps need rows
counted and bytes measured as they are written, so the rows are written here, following
the W3C specifications (sparql11-results-json, rdf-sparql-XMLres, sparql11-results-csv-tsv).
A capped answer is still a complete, valid document: rows are added while they fit, and
the closing part is always written.

CSV and TSV are opened in spreadsheets, so a value that a spreadsheet would run as a
formula is neutralised (econkg.tables.spreadsheet_safe): see the README, "CSV output".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ..tables import spreadsheet_safe

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Written:
    body: bytes
    rows: int
    cut: str | None = None  # "rows" or "bytes" when the answer was cut there


def _json_term(t) -> dict:
    kind = type(t).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": t.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": t.value}
    if kind == "Triple":
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != XSD_STRING:
        out["datatype"] = t.datatype.value
    return out


def _dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _json_parts(names: list[str]):
    head = '{"head":{"vars":' + _dumps(names) + '},"results":{"bindings":['

    def row(values: tuple, first: bool) -> str:
        doc = {n: _json_term(t) for n, t in zip(names, values, strict=True) if t is not None}
        return ("" if first else ",") + _dumps(doc)

    return head, row, "]}}"


def _xml_term(t) -> str:
    kind = type(t).__name__
    if kind == "NamedNode":
        return f"<uri>{xml_escape(t.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if kind == "Triple":
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>"
                f"{_xml_term(t.predicate)}</predicate><object>{_xml_term(t.object)}</object>"
                "</triple>")
    if t.language:
        attr = f" xml:lang={quoteattr(t.language)}"
    elif t.datatype.value != XSD_STRING:
        attr = f" datatype={quoteattr(t.datatype.value)}"
    else:
        attr = ""
    return f"<literal{attr}>{xml_escape(t.value)}</literal>"


def _xml_parts(names: list[str]):
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
            + "".join(f"<variable name={quoteattr(n)}/>" for n in names)
            + "</head><results>")

    def row(values: tuple, first: bool) -> str:
        return "<result>" + "".join(
            f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
            for n, t in zip(names, values, strict=True) if t is not None) + "</result>"

    return head, row, "</results></sparql>\n"


def csv_value(t) -> str:
    if t is None:
        return ""
    kind = type(t).__name__
    if kind == "BlankNode":
        return f"_:{t.value}"
    if kind == "Triple":
        return str(t)
    return spreadsheet_safe(t.value)


def _csv_line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def _csv_parts(names: list[str]):
    def row(values: tuple, first: bool) -> str:
        return _csv_line([csv_value(t) for t in values])

    return _csv_line(names), row, ""


def tsv_value(t) -> str:
    """The N-Triples form of a term (str() of an Oxigraph term, escapes included, as TSV
    wants); a literal whose text a spreadsheet would run gets the apostrophe inside the
    quotes, so the cell stays a well-formed term."""
    if t is None:
        return ""
    text = str(t)
    if type(t).__name__ == "Literal" and text.startswith('"'):
        safe = spreadsheet_safe(t.value)
        if safe != t.value:
            text = '"\'' + text[1:]
    return text


def _tsv_parts(names: list[str]):
    def row(values: tuple, first: bool) -> str:
        return "\t".join(tsv_value(t) for t in values) + "\n"

    return "\t".join("?" + n for n in names) + "\n", row, ""


PARTS: dict[str, Callable] = {
    "application/sparql-results+json": _json_parts,
    "application/sparql-results+xml": _xml_parts,
    "text/csv": _csv_parts,
    "text/tab-separated-values": _tsv_parts,
}


def write_rows(media_type: str, names: list[str], rows: Iterable[tuple],
               max_rows: int, max_bytes: int) -> Written:
    """The rows in `media_type`, at most `max_rows` of them and at most `max_bytes` in all
    (the head and tail always fit: a cap below them is raised to them)."""
    head, row, tail = PARTS[media_type](names)
    out = [head.encode("utf-8")]
    size = len(out[0]) + len(tail.encode("utf-8"))
    count, cut = 0, None
    for values in rows:
        if count == max_rows:
            cut = "rows"
            break
        piece = row(tuple(values), count == 0).encode("utf-8")
        if size + len(piece) > max_bytes:
            cut = "bytes"
            break
        out.append(piece)
        size += len(piece)
        count += 1
    out.append(tail.encode("utf-8"))
    return Written(b"".join(out), count, cut)



def write_solutions(media_type: str, solutions, max_rows: int,
                    max_bytes: int) -> tuple[str, str, bytes, tuple[str, int] | None]:
    """An engine's SELECT answer as the workers' ("ok", type, body, cut) reply: the cut, if
    a cap stopped the rows, names which cap and its limit, so the client is told why."""
    names = [v.value for v in solutions.variables]
    written = write_rows(media_type, names, solutions, max_rows, max_bytes)
    cut = None if written.cut is None else \
        (written.cut, max_rows if written.cut == "rows" else max_bytes)
    return ("ok", media_type, written.body, cut)

# Convenience for tests and callers with a whole result in hand
def write_json(names, rows) -> bytes:
    return write_rows("application/sparql-results+json", names, rows, 1 << 62, 1 << 62).body


def write_xml(names, rows) -> bytes:
    return write_rows("application/sparql-results+xml", names, rows, 1 << 62, 1 << 62).body


def write_csv(names, rows) -> bytes:
    return write_rows("text/csv", names, rows, 1 << 62, 1 << 62).body


def write_tsv(names, rows) -> bytes:
    return write_rows("text/tab-separated-values", names, rows, 1 << 62, 1 << 62).body
