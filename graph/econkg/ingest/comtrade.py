"""UN Comtrade CSV rows → N-Triples lines of Data Cube observations, checked by schema.

Rows are validated by their schema — the columns, each cell's type and code list, and the
agreement of the columns that restate each other (period and refYear, reporterCode and
reporterISO) — not by SHACL, so a million rows never wait on pySHACL. Lines are written as
text straight from the cells (no rdflib objects per row); every IRI is built from a code
that passed its check, and every literal is escaped as N-Triples requires.

`COLUMNS` says, for each of Comtrade's columns, where it goes in the graph.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .codes import (
    ALL_CUSTOMS,
    ALL_PARTNERS,
    ALL_SUPPLY,
    ALL_TRANSPORT,
    FLOWS,
    FREQUENCIES,
    HS_CLASSIFICATIONS,
    TRADE_TYPES,
    Economy,
    economy,
)

EKG = "https://w3id.org/econkg/ontology#"
KG = "https://w3id.org/econkg/id/"
GRAPH = "https://w3id.org/econkg/graph/"
QB = "http://purl.org/linked-data/cube#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"

# Every column of Comtrade's bulk and API CSV layout, and what becomes of it.
COLUMNS: dict[str, str] = {
    "typeCode": "ekg:tradeType 'S' for services; goods (C) are the default",
    "freqCode": "checked against the form of period (A: 2025, M: 202501)",
    "refPeriodId": "checked: the first day of the period (20250101)",
    "refYear": "checked against period",
    "refMonth": "checked against period (52 for a year)",
    "period": "ekg:period (2025, 2025-01), ekg:periodStart, ekg:periodEnd",
    "reporterCode": "ekg:reporter: the country entity (M49 or Comtrade's own code)",
    "reporterISO": "checked against reporterCode",
    "reporterDesc": "rdfs:label of an economy the graph did not know yet",
    "flowCode": "ekg:flow (X Export, M Import, RX ReExport, RM ReImport) and ekg:measure",
    "flowDesc": "not stored: flowCode says it",
    "partnerCode": "ekg:partner",
    "partnerISO": "checked against partnerCode",
    "partnerDesc": "rdfs:label of an economy the graph did not know yet",
    "partner2Code": "ekg:secondPartner unless 0 (World)",
    "classificationCode": "ekg:classification (H0…H6, HS)",
    "cmdCode": "ekg:commodity: the HS chapter/heading/subheading concept, TOTAL = all",
    "cmdDesc": "skos:prefLabel of a commodity concept the graph did not know yet",
    "aggrLevel": "checked against the length of cmdCode",
    "isLeaf": "checked (a boolean); the concept's class says whether it is a leaf",
    "customsCode": "ekg:customsProcedure unless C00 (all)",
    "mosCode": "ekg:modeOfSupply unless 0 (all)",
    "motCode": "ekg:modeOfTransport unless 0 (all)",
    "qtyUnitCode": "ekg:quantityUnit",
    "qty": "ekg:quantity",
    "isQtyEstimated": "ekg:isQuantityEstimated (with a quantity)",
    "altQtyUnitCode": "ekg:altQuantityUnit",
    "altQty": "ekg:altQuantity",
    "netWgt": "ekg:netWeight (kg)",
    "isNetWgtEstimated": "ekg:isNetWeightEstimated (with a net weight)",
    "grossWgt": "ekg:grossWeight (kg)",
    "cifvalue": "ekg:cifValue (USD)",
    "fobvalue": "ekg:fobValue (USD)",
    "primaryValue": "ekg:value, with ekg:unit ekg:USD",
    "legacyEstimationFlag": "ekg:legacyEstimationFlag",
    "isReported": "ekg:isMirror (true when isReported is false: estimated from the partner)",
    "isAggregate": "ekg:isAggregate",
}
REQUIRED = ("freqCode", "period", "reporterCode", "flowCode", "partnerCode",
            "classificationCode", "cmdCode", "primaryValue")

_BOOL = {"true": "true", "false": "false", "1": "true", "0": "false"}
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HS = re.compile(r"\d\d(?:\d\d(?:\d\d)?)?")


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "…"
        return f"row {self.row}, column {self.column!r}: {self.message} (value {shown!r})"


class BadRow(ValueError):
    def __init__(self, column: str, value: str, message: str):
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


def escape(text: str) -> str:
    """An N-Triples string body: backslash, quote and line breaks escaped; every other
    character (U+2028, \\x0b, \\x85 …) kept as it is, which N-Triples allows."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def _number(value: str, column: str, *, required: bool = False) -> str | None:
    """The decimal lexical form of a non-negative number, or None for an empty cell."""
    if value == "":
        if required:
            raise BadRow(column, value, "is empty; a number is required")
        return None
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise BadRow(column, value, "is not a number") from None
    if not d.is_finite():
        raise BadRow(column, value, "is not a finite number")
    if d < 0:
        raise BadRow(column, value, "is negative; trade values and quantities are not")
    return format(d, "f")


def _bool(value: str, column: str) -> str | None:
    if value == "":
        return None
    try:
        return _BOOL[value.lower()]
    except KeyError:
        raise BadRow(column, value, "is not a boolean (true/false, 1/0)") from None


def _code(value: str, column: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", value):
        raise BadRow(column, value, "is not a code (letters, digits, - or _)")
    return value


@dataclass
class Resolver:
    """Entities and commodity concepts the graph already has (found by ISO code and HS
    code), and the ones a dataset introduces, written once into its graph."""

    countries: dict[str, str]  # ISO alpha-2 → entity IRI
    commodities: dict[str, str]  # HS code → concept IRI
    new_lines: list[str] = field(default_factory=list)
    _economies: dict[str, str] = field(default_factory=dict)
    _concepts: dict[str, str] = field(default_factory=dict)

    def economy_iri(self, code: str, iso: str, desc: str, column: str) -> str:
        key = code.lstrip("0") or "0"
        known = self._economies.get(key)
        if known is not None and not iso:
            return known
        if not code.isdigit():
            raise BadRow(column, code, "is not a numeric Comtrade economy code")
        e = economy(key)
        if e is None:
            raise BadRow(column, code, "is not a UN M49 or Comtrade economy code")
        if iso and e.alpha3 and iso.strip() != e.alpha3:
            raise BadRow(column.replace("Code", "ISO"), iso,
                         f"does not agree with {column} {code} ({e.name}, {e.alpha3})")
        if known is not None:
            return known
        iri = self._economy_node(e, desc)
        self._economies[key] = iri
        return iri

    def _economy_node(self, e: Economy, desc: str) -> str:
        iri = self.countries.get(e.alpha2 or "")
        if iri is None:
            iri = f"<{KG}{'country-' + e.alpha3.lower() if e.alpha2 else 'area-' + e.code}>"
            self.new_lines += [
                f"{iri} {RDF_TYPE} <{EKG}{e.kind}> .",
                f'{iri} {RDFS_LABEL} "{escape(e.name if e.alpha2 or not desc else desc)}"@en .',
            ]
            if e.alpha2:
                self.new_lines += [f'{iri} <{EKG}isoCode> "{e.alpha2}" .',
                                   f'{iri} <{EKG}isoAlpha3> "{e.alpha3}" .']
        self.new_lines.append(f'{iri} <{EKG}m49Code> "{e.code}" .')
        return iri

    def commodity_iri(self, code: str, desc: str) -> str:
        known = self._concepts.get(code)
        if known is not None:
            return known
        if code == "TOTAL":
            iri = f"<{KG}hs-total>"
            self._concept(iri, "Commodity", "TOTAL", desc or "All commodities", None)
        elif _HS.fullmatch(code):
            iri = self.commodities.get(code) or f"<{KG}hs{code}>"
            broader = self.commodity_iri(code[:-2], "") if len(code) > 2 else None
            if code not in self.commodities:
                kind = {2: "HSChapter", 4: "HSHeading", 6: "HSSubheading"}[len(code)]
                self._concept(iri, kind, code, desc or f"HS {code}", broader)
        else:
            raise BadRow("cmdCode", code, "is not TOTAL or an HS code of 2, 4 or 6 digits")
        self._concepts[code] = iri
        return iri

    def _concept(self, iri: str, kind: str, code: str, label: str, broader: str | None):
        self.new_lines += [
            f"{iri} {RDF_TYPE} <{EKG}{kind}> .",
            f"{iri} <{SKOS}inScheme> <{EKG}CommodityScheme> .",
            f'{iri} <{SKOS}notation> "{code}" .',
            f'{iri} <{SKOS}prefLabel> "{escape(label)}"@en .',
            f'{iri} {RDFS_LABEL} "{escape(label)}"@en .',
        ]
        if code != "TOTAL":
            self.new_lines.append(f'{iri} <{EKG}hsCode> "{code}" .')
        if broader:
            self.new_lines.append(f"{iri} <{SKOS}broader> {broader} .")


def _period(freq: str, period: str, ref_year: str, ref_month: str,
            ref_id: str) -> tuple[str, str, str]:
    """(ekg:period, start date, end date), with refYear/refMonth/refPeriodId checked."""
    if freq == "A":
        if not _YEAR.fullmatch(period):
            raise BadRow("period", period, "is not a year (freqCode A)")
        year, month = period, None
        text, start, end = period, f"{period}-01-01", f"{period}-12-31"
    else:
        if not _MONTH.fullmatch(period):
            raise BadRow("period", period, "is not a month YYYYMM (freqCode M)")
        year, month = period[:4], period[4:]
        import calendar

        last = calendar.monthrange(int(year), int(month))[1]
        text, start, end = f"{year}-{month}", f"{year}-{month}-01", f"{year}-{month}-{last}"
    if ref_year not in ("", year):
        raise BadRow("refYear", ref_year, f"does not agree with period {period}")
    if ref_month not in ("", "52" if month is None else str(int(month)), month or "52"):
        raise BadRow("refMonth", ref_month, f"does not agree with period {period}")
    if ref_id not in ("", f"{year}{month or '01'}01"):
        raise BadRow("refPeriodId", ref_id, f"does not agree with period {period}")
    return text, start, end


_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"\d{4}(0[1-9]|1[0-2])")
_UNIT = re.compile(r"-?\d{1,4}")
_LEGACY = re.compile(r"\d{1,3}")
# Predicates and fixed objects, written once: a row's lines are one format of these.
_P = {name: f" <{EKG}{name}> " for name in (
    "sourceRow", "measure", "reporter", "partner", "flow", "commodity", "period",
    "periodStart", "periodEnd", "value", "unit", "classification", "tradeType", "isMirror",
    "isAggregate", "quantity", "netWeight", "altQuantity", "grossWeight", "cifValue",
    "fobValue", "isQuantityEstimated", "isNetWeightEstimated", "quantityUnit",
    "altQuantityUnit", "customsProcedure", "modeOfSupply", "modeOfTransport",
    "secondPartner", "legacyEstimationFlag", "aggregationLevel", "sliceReporter")}
_TYPES = f" {RDF_TYPE} <{EKG}Observation> .\n"
_QB_TYPE = f" {RDF_TYPE} <{QB}Observation> .\n"
_INT = f'"^^<{XSD}integer> .\n'
_DEC = f'"^^<{XSD}decimal> .\n'
_DATE = f'"^^<{XSD}date> .\n'
_BOOLEAN = f'"^^<{XSD}boolean> .\n'
_AMOUNTS = (("qty", "quantity", "isQtyEstimated", "isQuantityEstimated"),
            ("netWgt", "netWeight", "isNetWgtEstimated", "isNetWeightEstimated"),
            ("altQty", "altQuantity", None, None),
            ("grossWgt", "grossWeight", None, None),
            ("cifvalue", "cifValue", None, None),
            ("fobvalue", "fobValue", None, None))
_BREAKDOWNS = (("customsCode", "customsProcedure", ALL_CUSTOMS),
               ("mosCode", "modeOfSupply", ALL_SUPPLY),
               ("motCode", "modeOfTransport", ALL_TRANSPORT))
SLICE_KEY = f"{EKG}ReporterFlowPeriodLevel"


def slice_iri(dataset: str, reporter: str, flow: str, period: str, level: str) -> str:
    """The IRI of the Data Cube slice holding one reporter's rows of one flow, period and
    commodity aggregation level. `reporter` is the entity IRI (without <>), percent-encoded
    as SPARQL's ENCODE_FOR_URI does, so the IRI says what the slice holds."""
    from urllib.parse import quote

    return (f"{KG}stat/{dataset}/slice/{quote(reporter, safe='-._~')}/{flow}/{period}/"
            f"{level}")


class RowWriter:
    """Turns rows (dicts by column) into N-Triples lines for one dataset.

    Besides each row's observation, it files the row into a Data Cube slice (qb:Slice,
    qb:observation) of the rows that share reporter, flow, period and commodity
    aggregation level (0 = TOTAL, else the number of HS digits): a question about one
    reporter's partners then reads that slice's rows by one index range instead of
    joining every row of the reporter. A slice holds links only, never a figure; sums
    are always taken over the rows themselves."""

    def __init__(self, dataset: str, resolver: Resolver):
        self.dataset = dataset
        self.resolver = resolver
        self.ds = f"<{KG}dataset/{dataset}>"
        self.obs = f"{KG}stat/{dataset}/"
        self.classifications: set[str] = set()
        self.slices: dict[tuple[str, str, str, str], str] = {}
        self.triples = 0  # lines written by lines(), for the dataset's triple count
        self._ds_line = f" <{QB}dataSet> {self.ds} .\n"
        self._periods: dict[tuple[str, str, str, str, str], tuple[str, str, str]] = {}
        self._economies: dict[tuple[str, str, str], str] = {}

    def _economy(self, code: str, iso: str, desc: str, column: str) -> str:
        key = (code, iso, column)
        iri = self._economies.get(key)
        if iri is None:  # checked once per distinct (code, ISO letters) pair
            iri = self.resolver.economy_iri(code, iso, desc, column)
            self._economies[key] = iri
        return iri

    def _slice(self, reporter: str, flow: str, period: str, level: str) -> str:
        key = (reporter, flow, period, level)
        iri = self.slices.get(key)
        if iri is None:
            iri = self.slices[key] = f"<{slice_iri(self.dataset, reporter[1:-1], *key[1:])}>"
        return iri

    def lines(self, row: dict[str, str], n: int) -> str:
        """The observation's lines for data row `n` (header = row 1); BadRow on a bad
        cell."""
        g = row.get
        for col in REQUIRED:
            if not g(col):
                raise BadRow(col, "", "is empty")
        freq = g("freqCode")
        if freq not in FREQUENCIES:
            raise BadRow("freqCode", freq, "is not A (annual) or M (monthly)")
        ttype = g("typeCode", "C") or "C"
        if ttype not in TRADE_TYPES:
            raise BadRow("typeCode", ttype, "is not C (goods) or S (services)")
        cls = g("classificationCode")
        if cls not in HS_CLASSIFICATIONS:
            raise BadRow("classificationCode", cls, "is not an HS edition (H0…H6, HS); "
                         "only HS commodities are mapped")
        flow = FLOWS.get(g("flowCode"))
        if flow is None:
            raise BadRow("flowCode", g("flowCode"), f"is not one of {', '.join(FLOWS)}")
        pkey = (freq, g("period"), g("refYear", ""), g("refMonth", ""), g("refPeriodId", ""))
        dates = self._periods.get(pkey)
        if dates is None:  # checked once per distinct period and its restatements
            dates = self._periods[pkey] = _period(*pkey)
        period, start, end = dates
        reporter = self._economy(g("reporterCode"), g("reporterISO", ""),
                                 g("reporterDesc", ""), "reporterCode")
        partner = self._economy(g("partnerCode"), g("partnerISO", ""),
                                g("partnerDesc", ""), "partnerCode")
        cmd = g("cmdCode")
        commodity = self.resolver.commodity_iri(cmd, g("cmdDesc", ""))
        level = "0" if cmd == "TOTAL" else str(len(cmd))
        given_level = g("aggrLevel", "")
        if given_level and given_level != level:
            raise BadRow("aggrLevel", given_level, f"does not agree with cmdCode {cmd}")
        _bool(g("isLeaf", ""), "isLeaf")
        value = _number(g("primaryValue"), "primaryValue", required=True)
        P = _P
        o = f"<{self.obs}{n}>"
        out = [
            f"{o}{_TYPES}{o}{_QB_TYPE}{o}{self._ds_line}"
            f'{o}{P["sourceRow"]}"{n}{_INT}'
            f"{o}{P['measure']}<{EKG}{flow[1]}> .\n"
            f"{o}{P['reporter']}{reporter} .\n"
            f"{o}{P['partner']}{partner} .\n"
            f"{o}{P['flow']}<{EKG}{flow[0]}> .\n"
            f"{o}{P['commodity']}{commodity} .\n"
            f'{o}{P["period"]}"{period}" .\n'
            f'{o}{P["periodStart"]}"{start}{_DATE}'
            f'{o}{P["periodEnd"]}"{end}{_DATE}'
            f'{o}{P["value"]}"{value}{_DEC}'
            f"{o}{P['unit']}<{EKG}USD> .\n"
            f'{o}{P["classification"]}"{cls}" .\n']
        self.classifications.add(cls)
        if ttype == "S":
            out.append(f'{o}{P["tradeType"]}"S" .\n')
        mirror = _bool(g("isReported", ""), "isReported")
        if mirror is not None:
            out.append(f'{o}{P["isMirror"]}"{"false" if mirror == "true" else "true"}'
                       f"{_BOOLEAN}")
        b = _bool(g("isAggregate", ""), "isAggregate")
        if b is not None:
            out.append(f'{o}{P["isAggregate"]}"{b}{_BOOLEAN}')
        for col, prop, flag, flag_prop in _AMOUNTS:
            cell = g(col, "")
            est = _bool(g(flag, ""), flag) if flag else None
            if cell == "":
                continue
            out.append(f'{o}{P[prop]}"{_number(cell, col)}{_DEC}')
            if est is not None:
                out.append(f'{o}{P[flag_prop]}"{est}{_BOOLEAN}')
        for col, prop in (("qtyUnitCode", "quantityUnit"), ("altQtyUnitCode", "altQuantityUnit")):
            v = g(col, "")
            if v:
                if not _UNIT.fullmatch(v):
                    raise BadRow(col, v, "is not a Comtrade unit code (a number)")
                out.append(f'{o}{P[prop]}"{v}" .\n')
        for col, prop, default in _BREAKDOWNS:
            v = g(col, "")
            if v and v != default:
                out.append(f'{o}{P[prop]}"{_code(v, col)}" .\n')
        p2 = g("partner2Code", "")
        if p2 and (p2.lstrip("0") or "0") != ALL_PARTNERS:
            out.append(f"{o}{P['secondPartner']}{self._economy(p2, '', '', 'partner2Code')} .\n")
        legacy = g("legacyEstimationFlag", "")
        if legacy:
            if not _LEGACY.fullmatch(legacy):
                raise BadRow("legacyEstimationFlag", legacy, "is not a whole number")
            out.append(f'{o}{P["legacyEstimationFlag"]}"{legacy}{_INT}')
        # filed into its slice only now that every cell has passed its check
        out.append(f"{self._slice(reporter, flow[0], period, level)} <{QB}observation> {o} .\n")
        text = "".join(out)
        self.triples += text.count("\n")  # one triple a line; no cell holds a line break
        return text

    def slice_lines(self) -> list[str]:
        """Each slice's node: its type, key and the dimension values it fixes."""
        out = []
        for (reporter, flow, period, level), iri in self.slices.items():
            out += [f"{iri} {RDF_TYPE} <{QB}Slice> .",
                    f"{iri} <{QB}sliceStructure> <{SLICE_KEY}> .",
                    f"{self.ds} <{QB}slice> {iri} .",
                    f"{iri}{_P['reporter']}{reporter} .",
                    f"{iri}{_P['sliceReporter']}{reporter} .",
                    f"{iri}{_P['flow']}<{EKG}{flow}> .",
                    f'{iri}{_P["period"]}"{period}" .',
                    f'{iri}{_P["aggregationLevel"]}"{level}"^^<{XSD}integer> .']
        return out

    def dataset_lines(self, file_name: str, sha256: str, rows: int) -> str:
        d = self.ds
        out = [
            f"{d} {RDF_TYPE} <{EKG}StatisticalDataset> .",
            f"{d} {RDF_TYPE} <{QB}DataSet> .",
            f'{d} <{DCT}identifier> "{self.dataset}" .',
            f'{d} {RDFS_LABEL} "UN Comtrade data: {escape(file_name)}"@en .',
            f'{d} <{DCT}source> "{escape(file_name)}" .',
            f'{d} <{DCT}publisher> "United Nations Statistics Division (UN Comtrade)" .',
            f'{d} <{EKG}sha256> "{sha256}" .',
            f'{d} <{EKG}rowCount> "{rows}"^^<{XSD}integer> .',
        ]
        out += [f'{d} <{EKG}classification> "{c}" .' for c in sorted(self.classifications)]
        text = "\n".join(out + sorted(set(self.resolver.new_lines + self.slice_lines()))) \
            + "\n"
        self.triples += text.count("\n")
        return text


def check_header(header: list[str]) -> list[str]:
    """Problems with the header row: a required column missing, or one Comtrade's layout
    does not have (likely a misspelling)."""
    problems = []
    for col in REQUIRED:
        if col not in header:
            problems.append(f"column {col!r} is missing (a Comtrade file has "
                            f"{', '.join(REQUIRED)})")
    import difflib

    for col in header:
        if col not in COLUMNS:
            close = difflib.get_close_matches(col, COLUMNS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(f"column {col!r} is not in Comtrade's layout{hint}")
    seen = set()
    for col in header:
        if col in seen:
            problems.append(f"column {col!r} appears twice")
        seen.add(col)
    return problems


def read_rows(text: Iterable[str]) -> Iterator[tuple[int, dict[str, str] | list[str]]]:
    """(row number, cells by column) for each data row; row 1 is the header."""
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    yield 1, header
    width = len(header)
    for n, cells in enumerate(reader, start=2):
        if len(cells) != width:
            yield n, cells  # a list: the caller reports the wrong width
            continue
        yield n, dict(zip(header, cells, strict=True))
