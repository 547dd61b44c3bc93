"""Seed tables → validated rows.

The seed folder holds human-edited CSV tables, one kind of thing per table. A kind lives in
`KIND.csv`, in `KIND/*.csv` (handy for one file per source document), or both. Every problem
is reported with its file, row (the CSV line number) and field, and all problems are
collected before giving up, so a curator fixes a whole batch in one pass.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .figures import APPROXIMATIONS, parse_decimal, read_quote
from .periods import Period, parse_period

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SOURCE_RE = re.compile(r"^[0-9]{3}_[0-9a-f]{16}\.txt$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
HS_RE = re.compile(r"^[0-9]{2}(?:[0-9]{2}(?:[0-9]{2})?)?$")
MAX_QUOTE = 15  # longer quotes start to copy sentences (and trip copyguard)

CITATION_COLUMNS = ("source", "line", "quote")
ENTITY_COLUMNS = ("id", "type", "label_en", "label_zh", "aliases", "wikidata", "note_en")

# kind → (allowed types, extra columns)
ENTITY_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "places": (("Country", "Bloc", "Region", "Province", "City", "Port", "BorderCrossing",
                "Zone", "River"), ("iso_code", "within", "lat", "lon")),
    "corridors": (("Road", "Railway", "Bridge", "RiverCrossing", "SeaRoute", "Pipeline",
                   "TradeCorridor"), ("within",)),
    "commodities": (("HSChapter", "HSHeading", "HSSubheading", "ProductGroup", "Service"),
                    ("hs_code", "broader")),
    "agreements": (("TradeAgreement", "SanctionsRegime", "Initiative", "Memorandum", "Policy"),
                   ()),
    "organisations": (("Organisation", "GovernmentAgency", "Company", "Association",
                       "MilitaryUnit"), ("within",)),
    "people": (("Person",), ()),
    "platforms": (("Platform", "EcommercePlatform"), ("url",)),
    "events": (("Event", "Visit", "Disruption"),
               ("period", "location", "participants", "modality", "stated_by")),
}
FACT_KINDS = {
    "flows": ("id", "supplier", "recipient", "commodity", "via", "period", "in_exchange_for",
              "settled_in", "avoids", "modality", "stated_by", "note_en"),
    "relations": ("subject", "predicate", "object", "period", "commodity", "via", "modality",
                  "stated_by", "note_en"),
    "observations": ("id", "measure", "reporter", "partner", "flow", "commodity", "via",
                     "period", "base_period", "value", "upper", "unit", "approx", "modality",
                     "stated_by", "counts", "share_of", "restates", "note_en"),
}
# What kind of claim a row is. Empty means a reported fact; the others keep a plan, a
# recommendation, an expectation or a stated absence from ever reading as something that is.
MODALITIES = ("fact", "plan", "proposal", "projection", "lack")
VIA_KINDS = ("places", "corridors", "platforms")
SOURCE_COLUMNS = ("file", "title_zh", "title_en", "date", "publisher", "kind", "language",
                  "lines")

MEASURES = {
    "TradeValue": "total", "ExportValue": "export", "ImportValue": "import",
    "TradeBalance": "balance", "GrowthRate": None, "Share": None, "Contribution": None,
    "ShareChange": None, "Multiple": None, "Quantity": None, "Count": None, "Rank": None,
    "InvestmentFlow": None, "InvestmentStock": None, "Capacity": None, "Target": None,
    "PriceChange": None, "CountChange": None, "OtherMeasure": None,
}
# Measures of a change, whose direction may be printed outside the quote (拉低了整体进口增速
# 1.4个百分点): an unsigned quote lets their value take either sign; a quote that prints a
# fall or a rise fixes it (see figures.reading).
CHANGE_MEASURES = {"GrowthRate", "Contribution", "ShareChange", "PriceChange", "CountChange"}
FLOWS = {"export": "Export", "import": "Import", "total": "TotalTrade", "balance": "Balance"}
UNITS = {"USD", "CNY", "RUB", "Tonne", "Percent", "PercentagePoint", "Times", "Number",
         "Position", "Year", "Month", "Week", "Day", "Kilometre", "KilometrePerHour",
         "DegreeCelsius"}
# Units of the ontology that settle a flow but never measure a figure (tests/test_namespaces
# checks that UNITS and these together are exactly the ontology's ekg:Unit values).
SETTLEMENT_ONLY_UNITS = {"InKind"}
# The units each measure may take; a mismatch is almost always a slip in the seed.
MEASURE_UNITS = {
    "TradeValue": {"USD", "CNY", "RUB"}, "ExportValue": {"USD", "CNY", "RUB"},
    "ImportValue": {"USD", "CNY", "RUB"}, "TradeBalance": {"USD", "CNY", "RUB"},
    "GrowthRate": {"Percent"}, "Share": {"Percent"}, "PriceChange": {"Percent"},
    "Contribution": {"PercentagePoint"},
    "ShareChange": {"PercentagePoint"}, "Multiple": {"Times"}, "Rank": {"Position"},
    "InvestmentFlow": {"USD", "CNY"}, "InvestmentStock": {"USD", "CNY", "Percent"},
}


class SeedError(Exception):
    """One or more problems in the seed tables; str() lists them all."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Citation:
    source: str
    line: int
    quote: str


@dataclass
class Source:
    file: str
    title_zh: str
    title_en: str
    date: str
    publisher: str
    kind: str
    language: str
    lines: int


@dataclass
class Entity:
    kind: str
    id: str
    type: str
    label_en: str
    label_zh: str
    aliases: tuple[str, ...]
    wikidata: str
    note_en: str
    extra: dict[str, str]
    citations: list[Citation] = field(default_factory=list)
    where: str = ""


@dataclass
class Flow:
    id: str
    supplier: str
    recipient: str
    commodity: str
    via: tuple[str, ...]
    period: Period | None
    in_exchange_for: tuple[str, ...]
    settled_in: tuple[str, ...]
    avoids: tuple[str, ...]
    note_en: str
    citations: list[Citation] = field(default_factory=list)
    where: str = ""
    modality: str = "fact"
    stated_by: str = ""


@dataclass
class Relation:
    subject: str
    predicate: str
    object: str
    period: Period | None
    commodity: str
    via: tuple[str, ...]
    note_en: str
    citations: list[Citation] = field(default_factory=list)
    where: str = ""
    modality: str = "fact"
    stated_by: str = ""

    @property
    def key(self) -> tuple[str, ...]:
        return (self.subject, self.predicate, self.object,
                self.period.text if self.period else "", self.commodity, "|".join(self.via),
                self.modality, self.stated_by)


@dataclass
class Observation:
    id: str
    measure: str
    reporter: str
    partner: str
    flow: str
    commodity: str
    via: tuple[str, ...]
    period: Period | None
    base_period: Period | None
    value: Decimal
    upper: Decimal | None
    unit: str
    approx: str | None
    note_en: str
    citation: Citation
    where: str = ""
    modality: str = "fact"
    stated_by: str = ""
    counts: str = ""
    share_of: str = ""
    restates: str = ""


@dataclass
class Seeds:
    """Everything in a seed folder, checked and cross-referenced."""

    folder: Path
    sources: dict[str, Source]
    entities: dict[str, Entity]
    flows: dict[str, Flow]
    relations: list[Relation]
    observations: list[Observation]

    def citations(self) -> Iterator[tuple[str, Citation]]:
        """Every citation with where it was written, for checking against the texts."""
        for e in self.entities.values():
            for c in e.citations:
                yield e.where, c
        for f in self.flows.values():
            for c in f.citations:
                yield f.where, c
        for r in self.relations:
            for c in r.citations:
                yield r.where, c
        for o in self.observations:
            yield o.where, o.citation


# --- reading -----------------------------------------------------------------------------


def table_files(folder: Path, kind: str) -> list[Path]:
    files = []
    single = folder / f"{kind}.csv"
    if single.is_file():
        files.append(single)
    sub = folder / kind
    if sub.is_dir():
        files.extend(sorted(sub.glob("*.csv")))
    return files


MAX_CELL = 131_072  # characters in one cell (csv's own default limit, now a clear error)


def read_rows(path: Path, columns: Iterable[str], root: Path,
              problems: list[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (where, row) with where = 'seeds/x.csv:LINE' (the line the row starts on);
    problems in the file go to problems.

    The text is handed to the csv module whole (never through str.splitlines, which would
    also split at U+2028, \\x0c or \\x85 inside a cell); a UTF-8 byte-order mark is
    accepted; quoting is read strictly, so a stray quote is reported at the row it opens.
    """
    columns = tuple(columns)
    rel = _rel(path, root)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(f"{rel}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    rows = _csv_rows(text, rel, problems)
    if not rows:
        return
    _, header = rows[0]
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        if missing:
            problems.append(f"{rel}:1: missing column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"{rel}:1: unknown column(s) {', '.join(unknown)} "
                            f"(expected {', '.join(columns)})")
        return
    for (start, end), values in rows[1:]:
        where = f"{rel}:{start}"
        runs_on = f" (the row runs on to line {end}: is a closing \" missing on line " \
                  f"{start}?)" if end > start else ""
        if len(values) > len(header):
            problems.append(f"{where}: more cells than columns{runs_on}")
            continue
        cells = {k: v.strip() for k, v in zip(header, values, strict=False)}
        cells.update({k: "" for k in header[len(values):]})
        too_long = [k for k, v in cells.items() if len(v) > MAX_CELL]
        if too_long:
            for k in too_long:
                problems.append(f"{where}: field '{k}': {len(cells[k]):,} characters; a cell "
                                f"may hold at most {MAX_CELL:,}{runs_on}")
            continue
        if not any(cells.values()) or cells[header[0]].startswith("#"):
            continue  # blank lines and comment rows
        yield where, cells


def _csv_rows(text: str, rel: str, problems: list[str]) -> list[tuple[tuple[int, int], list[str]]]:
    """((first line, last line), cells) of every row, problems reported at the line a row
    starts on. csv's field-size limit is raised for the read (a cell cannot be longer than
    the file) and restored after it; `read_rows` applies its own, clearer limit."""
    import io
    import sys

    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, min(sys.maxsize, len(text) + 1)))
    out = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        last = 0
        while True:
            start = last + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                end = reader.line_num
                if "end of data" in str(exc):
                    problems.append(f"{rel}:{start}: a quoted cell opened on this row is "
                                    f"never closed (a stray \" ?); it runs to line {end}")
                    break
                problems.append(f"{rel}:{start}: {exc} — a quote inside a cell is written "
                                f"twice (\"\"), and a quoted cell ends at its delimiter")
                last = end
                continue
            out.append(((start, reader.line_num), values))
            last = reader.line_num
    finally:
        csv.field_size_limit(previous)
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def split_cell(cell: str) -> tuple[str, ...]:
    """The values of a cell that holds several, separated by |."""
    return tuple(p.strip() for p in cell.split("|") if p.strip())


class _Checker:
    """Accumulates problems for one row; each check names its field."""

    def __init__(self, where: str, problems: list[str]):
        self.where = where
        self.problems = problems
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.problems.append(f"{self.where}: field '{column}': {message}")
        self.ok = False

    def required(self, row: dict[str, str], column: str) -> str:
        value = row[column]
        if not value:
            self.fail(column, "is empty")
        return value

    def period(self, row: dict[str, str], column: str) -> Period | None:
        if not row[column]:
            return None
        try:
            return parse_period(row[column])
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def modality(self, row: dict[str, str]) -> str:
        value = row["modality"] or "fact"
        if value not in MODALITIES:
            self.fail("modality", f"{value!r} is not one of {', '.join(MODALITIES)}")
        return value

    def citation(self, row: dict[str, str], sources: dict[str, Source]) -> Citation | None:
        """The row's citation; every fact and every event needs one."""
        src, line, quote = (row[c] for c in CITATION_COLUMNS)
        if not src:
            self.fail("source", "is empty: every fact needs its citation (source, line, quote)")
            return None
        if src not in sources:
            self.fail("source", f"unknown source document {src!r} (not in sources.csv)")
            return None
        if not line:
            self.fail("line", "is empty: cite the 1-based line of the source")
            return None
        if not line.isdigit() or int(line) < 1:
            self.fail("line", f"{line!r} is not a line number (1-based integer)")
            return None
        if int(line) > sources[src].lines:
            self.fail("line", f"line {line} is beyond the end of {src} "
                              f"({sources[src].lines} lines)")
            return None
        if not quote:
            self.fail("quote", "is empty: quote the figure or words exactly as printed")
            return None
        if len(quote) > MAX_QUOTE:
            self.fail("quote", f"is {len(quote)} characters; quote the figure or key words "
                               f"only (at most {MAX_QUOTE}), not the sentence")
            return None
        return Citation(src, int(line), quote)


def load_seeds(folder: Path) -> Seeds:
    """Read and check every table; raise SeedError listing all problems."""
    folder = Path(folder)
    problems: list[str] = []
    if not (folder / "sources.csv").is_file():
        raise SeedError([f"{folder}: no sources.csv here — is this an econkg seed folder?"])

    sources = _load_sources(folder, problems)
    entities = _load_entities(folder, sources, problems)
    flows = _load_flows(folder, sources, problems)
    relations = _load_relations(folder, sources, problems)
    observations = _load_observations(folder, sources, problems)
    seeds = Seeds(folder, sources, entities, flows, relations, observations)
    _cross_check(seeds, problems)
    if problems:
        raise SeedError(problems)
    return seeds


def _load_sources(folder: Path, problems: list[str]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for where, row in read_rows(folder / "sources.csv", SOURCE_COLUMNS, folder, problems):
        ck = _Checker(where, problems)
        name = ck.required(row, "file")
        if name and not SOURCE_RE.match(name):
            ck.fail("file", f"{name!r} is not a source file name like 000_9e5f7cb7cd004f31.txt")
        for col in ("title_zh", "title_en", "date", "lines"):
            ck.required(row, col)
        if not (row["publisher"] or row["kind"]):
            ck.fail("publisher", "give a publisher or a kind of document")
        if row["date"]:
            ck.period(row, "date")
        if row["lines"] and not row["lines"].isdigit():
            ck.fail("lines", f"{row['lines']!r} is not a whole number")
        if name in sources:
            ck.fail("file", f"{name} is listed twice")
        if ck.ok:
            sources[name] = Source(name, row["title_zh"], row["title_en"], row["date"],
                                   row["publisher"], row["kind"], row["language"],
                                   int(row["lines"]))
    return sources


def _load_entities(folder: Path, sources: dict[str, Source],
                   problems: list[str]) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for kind, (types, extra_cols) in ENTITY_KINDS.items():
        columns = ENTITY_COLUMNS + extra_cols
        if kind == "events":
            columns += CITATION_COLUMNS
        for path in table_files(folder, kind):
            for where, row in read_rows(path, columns, folder, problems):
                ck = _Checker(where, problems)
                ident = ck.required(row, "id")
                if ident and not ID_RE.match(ident):
                    ck.fail("id", f"{ident!r}: use lower-case letters, digits and hyphens")
                typ = ck.required(row, "type")
                if typ and typ not in types:
                    ck.fail("type", f"{typ!r} is not one of {', '.join(types)}")
                if not row["label_en"] and not (kind == "places" and row["iso_code"]):
                    ck.fail("label_en", "is empty (every entity needs an English label)")
                ck.required(row, "label_zh")
                if row["wikidata"] and not WIKIDATA_RE.match(row["wikidata"]):
                    ck.fail("wikidata", f"{row['wikidata']!r} is not a Wikidata id like Q148")
                extra = {c: row[c] for c in extra_cols}
                _check_extra(kind, extra, ck)
                citation = None
                if kind == "events":
                    extra["period"] = row["period"]
                    extra["modality"] = ck.modality(row)
                    ck.period(row, "period")
                    citation = ck.citation(row, sources)
                if ident in entities:
                    previous = entities[ident]
                    if kind == "events" and previous.kind == "events" and citation:
                        previous.citations.append(citation)  # the same event, cited again
                        continue
                    ck.fail("id", f"{ident!r} is already defined at {previous.where}")
                if ck.ok:
                    entities[ident] = Entity(kind, ident, typ, row["label_en"], row["label_zh"],
                                             split_cell(row["aliases"]), row["wikidata"],
                                             row["note_en"], extra,
                                             [citation] if citation else [], where)
    return entities


def _check_extra(kind: str, extra: dict[str, str], ck: _Checker) -> None:
    if kind == "places":
        for col, lo, hi in (("lat", -90, 90), ("lon", -180, 180)):
            if extra[col]:
                try:
                    v = parse_decimal(extra[col])
                    if not lo <= v <= hi:
                        ck.fail(col, f"{v} is outside {lo}..{hi}")
                except ValueError as exc:
                    ck.fail(col, str(exc))
        if bool(extra["lat"]) != bool(extra["lon"]):
            ck.fail("lat", "give both lat and lon, or neither")
    if kind == "commodities" and extra["hs_code"] and not HS_RE.match(extra["hs_code"]):
        ck.fail("hs_code", f"{extra['hs_code']!r} is not a 2-, 4- or 6-digit HS code")


def _load_flows(folder: Path, sources: dict[str, Source], problems: list[str]) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    columns = FACT_KINDS["flows"] + CITATION_COLUMNS
    for path in table_files(folder, "flows"):
        for where, row in read_rows(path, columns, folder, problems):
            ck = _Checker(where, problems)
            ident = ck.required(row, "id")
            if ident and not ID_RE.match(ident):
                ck.fail("id", f"{ident!r}: use lower-case letters, digits and hyphens")
            for col in ("supplier", "recipient"):
                ck.required(row, col)
            period = ck.period(row, "period")
            modality = ck.modality(row)
            citation = ck.citation(row, sources)
            if not ck.ok:
                continue
            flow = Flow(ident, row["supplier"], row["recipient"], row["commodity"],
                        split_cell(row["via"]), period, split_cell(row["in_exchange_for"]),
                        split_cell(row["settled_in"]), split_cell(row["avoids"]), row["note_en"],
                        [citation] if citation else [], where, modality, row["stated_by"])
            if ident in flows:
                previous = flows[ident]
                same = (previous.supplier, previous.recipient, previous.commodity,
                        previous.modality, previous.stated_by) == (
                    flow.supplier, flow.recipient, flow.commodity, flow.modality, flow.stated_by)
                if not same:
                    ck.fail("id", f"flow {ident!r} is defined differently at {previous.where}; "
                                  "a repeated id may only add a citation")
                    continue
                previous.citations.extend(flow.citations)
                previous.via = tuple(dict.fromkeys(previous.via + flow.via))
                previous.in_exchange_for = tuple(
                    dict.fromkeys(previous.in_exchange_for + flow.in_exchange_for))
                previous.settled_in = tuple(dict.fromkeys(previous.settled_in + flow.settled_in))
                previous.avoids = tuple(dict.fromkeys(previous.avoids + flow.avoids))
                continue
            flows[ident] = flow
    return flows


def _load_relations(folder: Path, sources: dict[str, Source],
                    problems: list[str]) -> list[Relation]:
    merged: dict[tuple[str, ...], Relation] = {}
    columns = FACT_KINDS["relations"] + CITATION_COLUMNS
    for path in table_files(folder, "relations"):
        for where, row in read_rows(path, columns, folder, problems):
            ck = _Checker(where, problems)
            for col in ("subject", "predicate", "object"):
                ck.required(row, col)
            period = ck.period(row, "period")
            modality = ck.modality(row)
            citation = ck.citation(row, sources)
            if not ck.ok or citation is None:
                continue
            rel = Relation(row["subject"], row["predicate"], row["object"], period,
                           row["commodity"], split_cell(row["via"]), row["note_en"], [citation],
                           where, modality, row["stated_by"])
            if rel.key in merged:  # the same statement, another reference
                first = merged[rel.key]
                first.citations.append(citation)
                if rel.note_en and rel.note_en not in first.note_en:
                    first.note_en = f"{first.note_en} {rel.note_en}".strip()
            else:
                merged[rel.key] = rel
    return list(merged.values())


def _load_observations(folder: Path, sources: dict[str, Source],
                       problems: list[str]) -> list[Observation]:
    out: list[Observation] = []
    seen: dict[str, str] = {}
    columns = FACT_KINDS["observations"] + CITATION_COLUMNS
    for path in table_files(folder, "observations"):
        for where, row in read_rows(path, columns, folder, problems):
            ck = _Checker(where, problems)
            obs = _observation(row, where, ck, sources)
            if obs is None or not ck.ok:
                continue
            if obs.id in seen:
                ck.fail("id", f"observation {obs.id!r} is already defined at {seen[obs.id]}")
                continue
            seen[obs.id] = where
            out.append(obs)
    return out


def _observation(row: dict[str, str], where: str, ck: _Checker,
                 sources: dict[str, Source]) -> Observation | None:
    measure = ck.required(row, "measure")
    if measure and measure not in MEASURES:
        ck.fail("measure", f"{measure!r} is not one of {', '.join(MEASURES)}")
    reporter = ck.required(row, "reporter")
    flow = row["flow"]
    implied = MEASURES.get(measure)
    if flow and flow not in FLOWS:
        ck.fail("flow", f"{flow!r} is not one of {', '.join(FLOWS)}")
    elif implied and flow and flow != implied:
        ck.fail("flow", f"{measure} implies flow {implied!r}, not {flow!r}")
    flow = flow or implied or ""
    unit = ck.required(row, "unit")
    if unit and unit not in UNITS:
        ck.fail("unit", f"{unit!r} is not one of {', '.join(sorted(UNITS))}")
    elif unit and measure in MEASURE_UNITS and unit not in MEASURE_UNITS[measure]:
        ck.fail("unit", f"{measure} is measured in {', '.join(sorted(MEASURE_UNITS[measure]))}, "
                        f"not {unit}")
    period = ck.period(row, "period")
    base = ck.period(row, "base_period")
    value = upper = None
    if ck.required(row, "value"):
        try:
            value = parse_decimal(row["value"])
        except ValueError as exc:
            ck.fail("value", str(exc))
    if row["upper"]:
        try:
            upper = parse_decimal(row["upper"])
        except ValueError as exc:
            ck.fail("upper", str(exc))
    modality = ck.modality(row)
    approx = row["approx"] or None
    if approx and approx not in (*APPROXIMATIONS, "none"):
        ck.fail("approx", f"{approx!r} is not one of {', '.join(APPROXIMATIONS)}, none")
    citation = ck.citation(row, sources)
    if citation is None or value is None or not ck.ok:
        return None
    reading = read_quote(citation.quote)
    change = measure in CHANGE_MEASURES
    if not reading.matches(value, change):
        readable = ", ".join(format(n, "f") for n in reading.numbers + reading.percent_like)
        ck.fail("value", f"{format(value, 'f')} does not match the quoted figure "
                         f"{citation.quote!r} (which reads as {readable or 'no number'}; "
                         "a fall is negative, a rise positive)")
    if upper is not None:
        if not reading.matches(upper, change):
            ck.fail("upper", f"{format(upper, 'f')} does not match the quoted figure "
                             f"{citation.quote!r}")
        if upper < value:
            ck.fail("upper", "is below value; value holds the lower bound of a range")
    if approx is None:
        approx = reading.approximation
    elif approx == "none":
        approx = None
    ident = row["id"]
    if ident and not ID_RE.match(ident):
        ck.fail("id", f"{ident!r}: use lower-case letters, digits and hyphens")
    if not ident:
        key = "|".join([citation.source, str(citation.line), citation.quote, measure, reporter,
                        row["partner"], flow, row["commodity"], row["via"], row["period"]])
        ident = citation.source[:3] + "-" + hashlib.sha1(key.encode()).hexdigest()[:10]
    return Observation(ident, measure, reporter, row["partner"], flow, row["commodity"],
                       split_cell(row["via"]), period, base, value, upper, unit, approx,
                       row["note_en"], citation, where, modality, row["stated_by"],
                       row["counts"], row["share_of"], row["restates"])


# --- cross-references ---------------------------------------------------------------------


def _cross_check(seeds: Seeds, problems: list[str]) -> None:
    """Every id a row names must exist, with the right kind where it matters."""
    ents, flows = seeds.entities, seeds.flows
    nodes = set(ents) | set(flows)

    def ref(where: str, column: str, ident: str, kinds: tuple[str, ...] | None = None,
            allow_terms: bool = False) -> None:
        if not ident:
            return
        if allow_terms and ident.startswith("ekg:"):
            return
        if ident not in nodes:
            hint = did_you_mean(ident, nodes)
            problems.append(f"{where}: field '{column}': unknown entity id {ident!r}{hint}")
        elif kinds and (ident not in ents or ents[ident].kind not in kinds):
            problems.append(f"{where}: field '{column}': {ident!r} is not one of the "
                            f"{'/'.join(kinds)}")

    for e in ents.values():
        if e.kind in ("places", "organisations", "corridors"):
            for parent in split_cell(e.extra.get("within", "")):
                ref(e.where, "within", parent, ("places",))
        if e.kind == "commodities":
            ref(e.where, "broader", e.extra["broader"], ("commodities",))
        if e.kind == "events":
            ref(e.where, "stated_by", e.extra["stated_by"])
            ref(e.where, "location", e.extra["location"], ("places",))
            for p in split_cell(e.extra["participants"]):
                ref(e.where, "participants", p)
        if e.kind == "places" and e.extra["iso_code"]:
            _check_iso(e, problems)
    _check_within_cycles(ents, problems)
    for f in flows.values():
        ref(f.where, "supplier", f.supplier)
        ref(f.where, "recipient", f.recipient)
        ref(f.where, "commodity", f.commodity, ("commodities",))
        for v in f.via:
            ref(f.where, "via", v, VIA_KINDS)
        for x in f.in_exchange_for:
            if x not in flows:
                problems.append(f"{f.where}: field 'in_exchange_for': unknown flow id {x!r}")
        for x in f.settled_in + f.avoids:
            ref(f.where, "settled_in", x, allow_terms=True)
        ref(f.where, "stated_by", f.stated_by)
    for r in seeds.relations:
        ref(r.where, "stated_by", r.stated_by)
        ref(r.where, "subject", r.subject)
        ref(r.where, "object", r.object, allow_terms=True)
        ref(r.where, "commodity", r.commodity, ("commodities",))
        for v in r.via:
            ref(r.where, "via", v, VIA_KINDS)
    observation_ids = {o.id for o in seeds.observations}
    for o in seeds.observations:
        ref(o.where, "stated_by", o.stated_by)
        if o.restates and o.restates not in observation_ids:
            hint = did_you_mean(o.restates, observation_ids)
            problems.append(f"{o.where}: field 'restates': unknown observation id "
                            f"{o.restates!r}{hint}")
        elif o.restates == o.id:
            problems.append(f"{o.where}: field 'restates': an observation cannot restate itself")
        ref(o.where, "reporter", o.reporter)
        ref(o.where, "partner", o.partner)
        ref(o.where, "commodity", o.commodity, ("commodities",))
        for v in o.via:
            ref(o.where, "via", v, VIA_KINDS)


def _check_within_cycles(ents: dict[str, Entity], problems: list[str]) -> None:
    """`within` must nest places in a tree: a place inside itself, directly or by a chain,
    would put Liaoning inside Dandong. Each cycle is reported once, at the row of its
    first member (in id order), naming the whole cycle."""
    parents = {i: [p for p in split_cell(e.extra.get("within", "")) if p in ents]
               for i, e in ents.items() if e.extra.get("within")}
    reported: set[frozenset[str]] = set()
    done: set[str] = set()  # explored already, from an earlier start
    for start in sorted(parents):
        if start in done:
            continue
        path, on_path = [start], {start: 0}
        stack = [iter(parents.get(start, ()))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                finished = path.pop()
                on_path.pop(finished, None)
                done.add(finished)
                continue
            if nxt in on_path:
                cycle = path[on_path[nxt]:]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    first = min(cycle)
                    k = cycle.index(first)
                    ring = [*cycle[k:], *cycle[:k], first]
                    problems.append(f"{ents[first].where}: field 'within': places are "
                                    f"inside each other in a cycle: {' → '.join(ring)}")
                continue
            if nxt in parents and nxt not in done:
                on_path[nxt] = len(path)
                path.append(nxt)
                stack.append(iter(parents[nxt]))


def did_you_mean(word: str, known: set[str]) -> str:
    """A hint naming the closest known words, or "" when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(known), n=3, cutoff=similarity_cutoff(word))
    return f" (did you mean {', '.join(close)}?)" if close else ""


def similarity_cutoff(word: str) -> float:
    """How close a suggestion must be. Chinese names are two or three characters, so one
    wrong character (丹冬 for 丹东) already halves difflib's ratio; accept that for them."""
    return 0.5 if any("\u3400" <= ch <= "\u9fff" for ch in word) else 0.6


def _check_iso(e: Entity, problems: list[str]) -> None:
    from .countries import lookup_iso

    try:
        lookup_iso(e.extra["iso_code"], e.type)
    except LookupError as exc:
        problems.append(f"{e.where}: field 'iso_code': {exc}")
