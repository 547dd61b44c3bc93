"""The seed checks, rule by rule, on a tiny seed folder written per test: each case breaks
one cell and expects the one problem it causes, naming file, line and field."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from econkg import seeds
from econkg.seeds import SeedError, load_seeds

SRC = "000_9e5f7cb7cd004f31.txt"
SRC2 = "001_e0cc51205be7c923.txt"


def _row(columns, **cells):
    return {c: cells.get(c, "") for c in columns}


def base() -> dict[str, list[dict[str, str]]]:
    """A seed folder that loads cleanly: table name → rows."""
    cite = {"source": SRC, "line": "5", "quote": "27.3亿美元"}
    place = seeds.ENTITY_COLUMNS + seeds.ENTITY_KINDS["places"][1]
    commodity = seeds.ENTITY_COLUMNS + seeds.ENTITY_KINDS["commodities"][1]
    event = seeds.ENTITY_COLUMNS + seeds.ENTITY_KINDS["events"][1] + seeds.CITATION_COLUMNS
    flow = seeds.FACT_KINDS["flows"] + seeds.CITATION_COLUMNS
    rel = seeds.FACT_KINDS["relations"] + seeds.CITATION_COLUMNS
    obs = seeds.FACT_KINDS["observations"] + seeds.CITATION_COLUMNS
    return {
        "sources": [_row(seeds.SOURCE_COLUMNS, file=SRC, title_zh="标题", title_en="Title",
                         date="2026-01-29", kind="news", language="zh", lines="85"),
                    _row(seeds.SOURCE_COLUMNS, file=SRC2, title_zh="标题二",
                         title_en="Title 2", date="2021", publisher="P", language="zh",
                         lines="10")],
        "places": [
            _row(place, id="china", type="Country", label_en="China", label_zh="中国",
                 iso_code="CN"),
            _row(place, id="north-korea", type="Country", label_en="North Korea",
                 label_zh="朝鲜", iso_code="KP"),
            _row(place, id="dandong", type="City", label_en="Dandong", label_zh="丹东",
                 within="china", lat="40.1292", lon="124.3947"),
        ],
        "commodities": [
            _row(commodity, id="oil", type="HSHeading", label_en="Oil", label_zh="油",
                 hs_code="2709"),
            _row(commodity, id="fuel", type="HSChapter", label_en="Fuel", label_zh="燃料",
                 hs_code="27"),
        ],
        "events": [_row(event, id="visit", type="Visit", label_en="Visit", label_zh="访问",
                        period="2025-10", location="dandong", participants="china",
                        **cite)],
        "flows": [_row(flow, id="cn-kp-oil", supplier="china", recipient="north-korea",
                       commodity="oil", via="dandong", period="2025", settled_in="ekg:USD",
                       **cite)],
        "relations": [_row(rel, subject="china", predicate="tradesWith",
                           object="north-korea", period="2025", **cite)],
        "observations": [_row(obs, id="cn-kp-2025", measure="TradeValue", reporter="china",
                              partner="north-korea", period="2025", value="2730000000",
                              unit="USD", **cite)],
    }


def write(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return folder


def problems(tmp_path: Path, table: str, index: int = 0, **cells: str) -> list[str]:
    tables = base()
    tables[table][index].update(cells)
    try:
        load_seeds(write(tmp_path / "seeds", tables))
    except SeedError as exc:
        return exc.problems
    return []


def test_the_base_folder_loads_with_its_values(tmp_path):
    s = load_seeds(write(tmp_path / "seeds", base()))
    [o] = s.observations
    assert (o.id, o.measure, o.flow, o.value, o.unit, o.approx) == \
        ("cn-kp-2025", "TradeValue", "total", Decimal("2730000000"), "USD", None)
    assert o.citation == seeds.Citation(SRC, 5, "27.3亿美元")
    assert o.where == "seeds/observations.csv:2"
    assert set(s.entities) == {"china", "north-korea", "dandong", "oil", "fuel", "visit"}
    assert s.flows["cn-kp-oil"].via == ("dandong",)
    [r] = s.relations
    assert (r.subject, r.predicate, r.object, r.modality) == \
        ("china", "tradesWith", "north-korea", "fact")
    assert s.sources[SRC].lines == 85
    assert len(list(s.citations())) == 4


# One broken cell → one problem ---------------------------------------------------------------

CASES = [
    # sources
    ("sources", 0, {"file": "notes.txt"}, "seeds/sources.csv:2: field 'file': 'notes.txt' is "
     "not a source file name"),
    ("sources", 0, {"title_en": ""}, "seeds/sources.csv:2: field 'title_en': is empty"),
    ("sources", 0, {"title_zh": ""}, "field 'title_zh': is empty"),
    ("sources", 0, {"kind": ""}, "field 'publisher': give a publisher or a kind"),
    ("sources", 0, {"date": "2026-13"}, "field 'date': '2026-13': month 13 does not exist"),
    ("sources", 0, {"lines": "many"}, "field 'lines': 'many' is not a whole number"),
    ("sources", 1, {"file": SRC}, f"seeds/sources.csv:3: field 'file': {SRC} is listed twice"),
    # entities
    ("places", 0, {"id": "China"}, "seeds/places.csv:2: field 'id': 'China': use lower-case"),
    ("places", 0, {"type": "Planet"}, "field 'type': 'Planet' is not one of Country"),
    ("places", 2, {"label_en": ""}, "seeds/places.csv:4: field 'label_en': is empty"),
    ("places", 0, {"label_zh": ""}, "field 'label_zh': is empty"),
    ("places", 0, {"wikidata": "148"}, "field 'wikidata': '148' is not a Wikidata id"),
    ("places", 2, {"lat": "91"}, "field 'lat': 91 is outside -90..90"),
    ("places", 2, {"lat": "-90.5"}, "field 'lat': -90.5 is outside -90..90"),
    ("places", 2, {"lon": "180.5"}, "field 'lon': 180.5 is outside -180..180"),
    ("places", 2, {"lon": "-181"}, "field 'lon': -181 is outside -180..180"),
    ("places", 2, {"lon": ""}, "field 'lat': give both lat and lon, or neither"),
    ("places", 2, {"lat": "north"}, "field 'lat': "),
    ("places", 1, {"id": "china"}, "seeds/places.csv:3: field 'id': 'china' is already "
     "defined at seeds/places.csv:2"),
    ("places", 2, {"within": "chna"}, "field 'within': unknown entity id 'chna' (did you "
     "mean china?)"),
    ("places", 2, {"within": "oil"}, "field 'within': 'oil' is not one of the places"),
    ("places", 0, {"iso_code": "XX"}, "field 'iso_code': "),
    ("commodities", 0, {"hs_code": "270"}, "field 'hs_code': '270' is not a 2-, 4- or 6-digit"),
    ("commodities", 0, {"broader": "china"}, "field 'broader': 'china' is not one of the "
     "commodities"),
    ("events", 0, {"period": "2025-Q5"}, "field 'period': '2025-Q5' is not an ISO period"),
    ("events", 0, {"modality": "rumour"}, "field 'modality': 'rumour' is not one of fact"),
    ("events", 0, {"location": "oil"}, "field 'location': 'oil' is not one of the places"),
    ("events", 0, {"participants": "nobody"}, "field 'participants': unknown entity id"),
    ("events", 0, {"line": "86"}, "field 'line': line 86 is beyond the end of " + SRC),
    # citations
    ("flows", 0, {"source": ""}, "field 'source': is empty: every fact needs its citation"),
    ("flows", 0, {"source": "999_0000000000000000.txt"}, "field 'source': unknown source "
     "document"),
    ("flows", 0, {"line": ""}, "field 'line': is empty"),
    ("flows", 0, {"line": "0"}, "field 'line': '0' is not a line number"),
    ("flows", 0, {"line": "five"}, "field 'line': 'five' is not a line number"),
    ("flows", 0, {"line": "85", "quote": ""}, "field 'quote': is empty"),
    ("flows", 0, {"quote": "一二三四五六七八九十一二三四五六"}, "field 'quote': is 16 "
     "characters"),
    # flows
    ("flows", 0, {"id": "CN oil"}, "seeds/flows.csv:2: field 'id': 'CN oil': use lower-case"),
    ("flows", 0, {"id": ""}, "field 'id': is empty"),
    ("flows", 0, {"supplier": ""}, "field 'supplier': is empty"),
    ("flows", 0, {"recipient": ""}, "field 'recipient': is empty"),
    ("flows", 0, {"supplier": "chinaa"}, "field 'supplier': unknown entity id 'chinaa'"),
    ("flows", 0, {"recipient": "nk"}, "field 'recipient': unknown entity id 'nk'"),
    ("flows", 0, {"commodity": "china"}, "field 'commodity': 'china' is not one of the "
     "commodities"),
    ("flows", 0, {"via": "oil"}, "field 'via': 'oil' is not one of the places/corridors/"
     "platforms"),
    ("flows", 0, {"period": "2025/2024"}, "field 'period': '2025/2024': the interval ends"),
    ("flows", 0, {"modality": "maybe"}, "field 'modality': 'maybe' is not one of"),
    ("flows", 0, {"in_exchange_for": "nothing"}, "field 'in_exchange_for': unknown flow id "
     "'nothing'"),
    ("flows", 0, {"settled_in": "rubles"}, "field 'settled_in': unknown entity id 'rubles'"),
    ("flows", 0, {"stated_by": "someone"}, "field 'stated_by': unknown entity id 'someone'"),
    # relations
    ("relations", 0, {"subject": ""}, "seeds/relations.csv:2: field 'subject': is empty"),
    ("relations", 0, {"predicate": ""}, "field 'predicate': is empty"),
    ("relations", 0, {"object": ""}, "field 'object': is empty"),
    ("relations", 0, {"subject": "chin"}, "field 'subject': unknown entity id 'chin'"),
    ("relations", 0, {"object": "nowhere"}, "field 'object': unknown entity id 'nowhere'"),
    ("relations", 0, {"commodity": "dandong"}, "field 'commodity': 'dandong' is not one of "
     "the commodities"),
    ("relations", 0, {"via": "fuel"}, "field 'via': 'fuel' is not one of the places"),
    ("relations", 0, {"period": "soon"}, "field 'period': 'soon' is not an ISO period"),
    ("relations", 0, {"modality": "wish"}, "field 'modality': 'wish' is not one of"),
    ("relations", 0, {"stated_by": "x"}, "field 'stated_by': unknown entity id 'x'"),
    # observations
    ("observations", 0, {"measure": "Value"}, "seeds/observations.csv:2: field 'measure': "
     "'Value' is not one of TradeValue"),
    ("observations", 0, {"measure": ""}, "field 'measure': is empty"),
    ("observations", 0, {"reporter": ""}, "field 'reporter': is empty"),
    ("observations", 0, {"flow": "re-export"}, "field 'flow': 're-export' is not one of "
     "export, import, total, balance"),
    ("observations", 0, {"flow": "export"}, "field 'flow': TradeValue implies flow 'total', "
     "not 'export'"),
    ("observations", 0, {"unit": ""}, "field 'unit': is empty"),
    ("observations", 0, {"unit": "EUR"}, "field 'unit': 'EUR' is not one of CNY"),
    ("observations", 0, {"unit": "Tonne"}, "field 'unit': TradeValue is measured in CNY, RUB, "
     "USD, not Tonne"),
    ("observations", 0, {"period": "2025-H3"}, "field 'period': '2025-H3' is not an ISO"),
    ("observations", 0, {"base_period": "last year"}, "field 'base_period': 'last year' is "
     "not an ISO period"),
    ("observations", 0, {"value": ""}, "field 'value': is empty"),
    ("observations", 0, {"value": "lots"}, "field 'value': "),
    ("observations", 0, {"value": "2740000000"}, "field 'value': 2740000000 does not match "
     "the quoted figure '27.3亿美元' (which reads as 2730000000"),
    ("observations", 0, {"upper": "many"}, "field 'upper': "),
    ("observations", 0, {"upper": "2830000000"}, "field 'upper': 2830000000 does not match "
     "the quoted figure '27.3亿美元'"),
    ("observations", 0, {"modality": "guess"}, "field 'modality': 'guess' is not one of"),
    ("observations", 0, {"approx": "roughly"}, "field 'approx': 'roughly' is not one of "
     "about, nearly, more-than, less-than, none"),
    ("observations", 0, {"id": "Obs 1"}, "field 'id': 'Obs 1': use lower-case"),
    ("observations", 0, {"reporter": "chna"}, "field 'reporter': unknown entity id 'chna'"),
    ("observations", 0, {"partner": "nk"}, "field 'partner': unknown entity id 'nk'"),
    ("observations", 0, {"commodity": "china"}, "field 'commodity': 'china' is not one of "
     "the commodities"),
    ("observations", 0, {"via": "oil"}, "field 'via': 'oil' is not one of the places"),
    ("observations", 0, {"stated_by": "who"}, "field 'stated_by': unknown entity id 'who'"),
    ("observations", 0, {"restates": "cn-kp-2024"}, "field 'restates': unknown observation "
     "id 'cn-kp-2024' (did you mean cn-kp-2025?)"),
    ("observations", 0, {"restates": "cn-kp-2025"}, "field 'restates': an observation cannot "
     "restate itself"),
]


@pytest.mark.parametrize(("table", "index", "cells", "expected"), CASES,
                         ids=[f"{t}-{'-'.join(c)}" for t, _, c, _ in CASES])
def test_one_broken_cell_one_problem(tmp_path, table, index, cells, expected):
    """The first problem reported is the broken cell's; a row it invalidates may make later
    rows that name it fail too, but nothing is reported before it."""
    found = problems(tmp_path, table, index, **cells)
    assert found and expected in found[0], found


# Rules that are not one cell ------------------------------------------------------------------

def test_upper_below_value(tmp_path):
    tables = base()
    obs = tables["observations"][0]
    obs.update(value="2", upper="1", quote="1至2", unit="Tonne", measure="Quantity")
    with pytest.raises(SeedError) as info:
        load_seeds(write(tmp_path / "x" / "seeds", tables))
    assert info.value.problems == ["seeds/observations.csv:2: field 'upper': is below value; "
                                   "value holds the lower bound of a range"]


def test_a_range_with_value_and_upper_loads(tmp_path):
    tables = base()
    tables["observations"][0].update(value="10000", upper="20000", quote="1万至2万吨",
                                     unit="Tonne", measure="Quantity")
    [o] = load_seeds(write(tmp_path / "x" / "seeds", tables)).observations
    assert (o.value, o.upper) == (Decimal("10000"), Decimal("20000"))


def test_approx_is_read_from_the_quote_unless_given(tmp_path):
    tables = base()
    tables["observations"][0].update(value="2300000000", quote="约23亿美元")
    [o] = load_seeds(write(tmp_path / "a", tables)).observations
    assert o.approx == "about"
    tables["observations"][0]["approx"] = "none"
    [o] = load_seeds(write(tmp_path / "b", tables)).observations
    assert o.approx is None
    tables["observations"][0]["approx"] = "nearly"
    [o] = load_seeds(write(tmp_path / "c", tables)).observations
    assert o.approx == "nearly"


def test_an_observation_without_id_gets_a_stable_one(tmp_path):
    tables = base()
    tables["observations"][0]["id"] = ""
    [a] = load_seeds(write(tmp_path / "a", tables)).observations
    [b] = load_seeds(write(tmp_path / "b", tables)).observations
    assert a.id == b.id and a.id.startswith("000-") and len(a.id) == 14
    tables["observations"][0]["period"] = "2024"
    [c] = load_seeds(write(tmp_path / "c", tables)).observations
    assert c.id != a.id


def test_the_flow_is_implied_by_the_measure(tmp_path):
    tables = base()
    tables["observations"][0]["flow"] = "total"
    [o] = load_seeds(write(tmp_path / "a", tables)).observations
    assert o.flow == "total"
    tables["observations"][0].update(measure="Share", flow="", unit="Percent", value="84",
                                     quote="占比超84%")
    [o] = load_seeds(write(tmp_path / "b", tables)).observations
    assert o.flow == ""


def test_a_repeated_observation_id(tmp_path):
    tables = base()
    tables["observations"].append(dict(tables["observations"][0]))
    with pytest.raises(SeedError) as info:
        load_seeds(write(tmp_path / "x" / "seeds", tables))
    assert info.value.problems == ["seeds/observations.csv:3: field 'id': observation "
                                   "'cn-kp-2025' is already defined at "
                                   "seeds/observations.csv:2"]


def test_a_repeated_flow_adds_its_citation_and_route(tmp_path):
    tables = base()
    again = dict(tables["flows"][0], via="", line="6", in_exchange_for="", settled_in="ekg:CNY",
                 avoids="ekg:USD")
    tables["flows"].append(again)
    f = load_seeds(write(tmp_path / "x" / "seeds", tables)).flows["cn-kp-oil"]
    assert [c.line for c in f.citations] == [5, 6]
    assert (f.via, f.settled_in, f.avoids) == (("dandong",), ("ekg:USD", "ekg:CNY"),
                                              ("ekg:USD",))


def test_a_repeated_flow_id_that_differs_is_an_error(tmp_path):
    tables = base()
    tables["flows"].append(dict(tables["flows"][0], recipient="china", line="6"))
    with pytest.raises(SeedError) as info:
        load_seeds(write(tmp_path / "x" / "seeds", tables))
    assert info.value.problems == ["seeds/flows.csv:3: field 'id': flow 'cn-kp-oil' is "
                                   "defined differently at seeds/flows.csv:2; a repeated id "
                                   "may only add a citation"]


def test_the_same_relation_twice_is_one_with_two_citations(tmp_path):
    tables = base()
    tables["relations"][0]["note_en"] = "First."
    tables["relations"].append(dict(tables["relations"][0], line="7", note_en="Second."))
    tables["relations"].append(dict(tables["relations"][0], line="8", note_en="First."))
    [r] = load_seeds(write(tmp_path / "x" / "seeds", tables)).relations
    assert [c.line for c in r.citations] == [5, 7, 8]
    assert r.note_en == "First. Second."


def test_the_same_event_cited_twice(tmp_path):
    tables = base()
    tables["events"].append(dict(tables["events"][0], line="9"))
    e = load_seeds(write(tmp_path / "x" / "seeds", tables)).entities["visit"]
    assert [c.line for c in e.citations] == [5, 9]


def test_an_entity_id_reused_by_an_event(tmp_path):
    tables = base()
    tables["events"][0]["id"] = "china"
    with pytest.raises(SeedError) as info:
        load_seeds(write(tmp_path / "x" / "seeds", tables))
    assert "field 'id': 'china' is already defined at seeds/places.csv:2" in \
        info.value.problems[0]


def test_a_place_without_english_label_but_an_iso_code(tmp_path):
    tables = base()
    tables["places"][0]["label_en"] = ""
    assert "china" in load_seeds(write(tmp_path / "x" / "seeds", tables)).entities


# Files and headers -------------------------------------------------------------------------------

def test_no_sources_file(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SeedError, match=r"no sources\.csv here"):
        load_seeds(tmp_path / "empty")


def test_header_problems(tmp_path):
    tables = base()
    folder = write(tmp_path / "x" / "seeds", tables)
    text = (folder / "flows.csv").read_text(encoding="utf-8")
    (folder / "flows.csv").write_text(text.replace("note_en", "notes", 1), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_seeds(folder)
    assert info.value.problems[:2] == [
        "seeds/flows.csv:1: missing column(s) note_en",
        "seeds/flows.csv:1: unknown column(s) notes (expected "
        + ", ".join(seeds.FACT_KINDS["flows"] + seeds.CITATION_COLUMNS) + ")"]


def test_a_row_with_too_many_cells(tmp_path):
    folder = write(tmp_path / "x" / "seeds", base())
    with (folder / "relations.csv").open("a", encoding="utf-8") as fh:
        fh.write("china,tradesWith,north-korea,,,,,,,," + SRC + ",5,q,extra\n")
    with pytest.raises(SeedError) as info:
        load_seeds(folder)
    assert info.value.problems == ["seeds/relations.csv:3: more cells than columns"]


def test_blank_and_comment_rows_are_skipped(tmp_path):
    folder = write(tmp_path / "x" / "seeds", base())
    with (folder / "relations.csv").open("a", encoding="utf-8") as fh:
        fh.write(",,,,,,,,,,,\n# a comment,,,,,,,,,,,\n")
    assert len(load_seeds(folder).relations) == 1


def test_not_utf8(tmp_path):
    folder = write(tmp_path / "x" / "seeds", base())
    (folder / "relations.csv").write_bytes(b"subject\n" + "中".encode("gbk"))
    with pytest.raises(SeedError) as info:
        load_seeds(folder)
    assert info.value.problems[0].startswith("seeds/relations.csv: not UTF-8 text (")
    assert "at byte 8)" in info.value.problems[0]


def test_tables_in_a_folder_and_a_file_are_both_read(tmp_path):
    tables = base()
    folder = write(tmp_path / "x" / "seeds", tables)
    (folder / "relations").mkdir()
    extra = dict(tables["relations"][0], object="dandong", predicate="locatedIn")
    write(folder / "relations", {"b": [extra], "a": [extra]})
    assert [p.name for p in seeds.table_files(folder, "relations")] == \
        ["relations.csv", "a.csv", "b.csv"]
    rels = load_seeds(folder).relations
    assert len(rels) == 2
    assert [c.line for c in rels[1].citations] == [5, 5]


def test_split_cell():
    assert seeds.split_cell(" a | b ||c ") == ("a", "b", "c")
    assert seeds.split_cell("") == ()


def test_did_you_mean():
    assert seeds.did_you_mean("chna", {"china", "russia"}) == " (did you mean china?)"
    assert seeds.did_you_mean("zzz", {"china"}) == ""


@pytest.mark.parametrize("word, cutoff, hint", [
    ("丹冬", 0.5, " (did you mean 丹东?)"),   # one wrong character of two: ratio 0.5
    ("chiefs", 0.6, ""),                      # ratio 0.55 to china: too far for Latin
    ("chile", 0.6, " (did you mean china?)"),  # ratio 0.6: just close enough
])
def test_did_you_mean_is_looser_for_chinese_names(word, cutoff, hint):
    assert seeds.similarity_cutoff(word) == cutoff
    assert seeds.did_you_mean(word, {"丹东", "china", "russia"}) == hint


def test_the_chinese_cutoff_covers_the_whole_cjk_range():
    # U+3400 opens CJK Extension A, U+9FFF closes the Unified Ideographs block
    assert [seeds.similarity_cutoff(c) for c in ("\u33ff", "\u3400", "\u9fff", "\ua000")] \
        == [0.6, 0.5, 0.5, 0.6]


def test_seed_error_lists_every_problem():
    err = SeedError(["a", "b"])
    assert str(err) == "a\nb" and err.problems == ["a", "b"]


def test_a_cell_keeps_its_line_breaks(tmp_path):
    tables = base()
    tables["relations"][0]["note_en"] = "line one\r\nline two\nthree"
    [r] = load_seeds(write(tmp_path / "x" / "seeds", tables)).relations
    assert r.note_en == "line one\r\nline two\nthree"


def test_only_missing_columns(tmp_path):
    folder = write(tmp_path / "x" / "seeds", base())
    text = (folder / "relations.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    cols = header.rstrip("\r").split(",")
    keep = [c for c in cols if c not in ("note_en", "stated_by")]
    idx = [cols.index(c) for c in keep]
    rows = [",".join(line.rstrip("\r").split(",")[i] for i in idx)
            for line in rest.splitlines() if line]
    (folder / "relations.csv").write_text("\n".join([",".join(keep), *rows]) + "\n",
                                          encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_seeds(folder)
    assert info.value.problems[0] == "seeds/relations.csv:1: missing column(s) stated_by, note_en"


def test_rows_after_a_bad_or_blank_row_are_still_read(tmp_path):
    tables = base()
    folder = write(tmp_path / "x" / "seeds", tables)
    second = dict(tables["relations"][0], object="dandong", predicate="locatedIn")
    cols = list(second)
    with (folder / "relations.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write(",,,,,,,,,,,\n")
        csv.writer(fh).writerow([second[c] for c in cols])
    assert len(load_seeds(folder).relations) == 2
    with (folder / "relations.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write("a,b,c,,,,,,,,,,,extra\n")
        third = dict(second, object="north-korea", predicate="bordersOn")
        csv.writer(fh).writerow([third[c] for c in cols])
    with pytest.raises(SeedError) as info:
        load_seeds(folder)
    assert info.value.problems == ["seeds/relations.csv:5: more cells than columns"]


def test_a_path_outside_the_root_is_named_in_full(tmp_path):
    assert seeds._rel(Path("/elsewhere/t.csv"), tmp_path / "seeds") == "/elsewhere/t.csv"
    assert seeds._rel(tmp_path / "seeds" / "t.csv", tmp_path / "seeds") == "seeds/t.csv"


def test_a_row_with_no_citation_at_all(tmp_path):
    found = problems(tmp_path, "flows", 0, source="", line="", quote="")
    assert found[0] == ("seeds/flows.csv:2: field 'source': is empty: every fact needs its "
                        "citation (source, line, quote)")
    found = problems(tmp_path / "o", "observations", 0, source="", line="", quote="")
    assert "field 'source': is empty" in found[0]


def test_line_one_and_a_fifteen_character_quote_are_fine(tmp_path):
    tables = base()
    tables["relations"][0].update(line="1", quote="一二三四五六七八九十一二三四五")
    [r] = load_seeds(write(tmp_path / "x" / "seeds", tables)).relations
    assert (r.citations[0].line, len(r.citations[0].quote)) == (1, 15)
    assert problems(tmp_path / "y", "relations", 0, line="86")[0].endswith(
        f"field 'line': line 86 is beyond the end of {SRC} (85 lines)")
    assert problems(tmp_path / "z", "relations", 0, line="85") == []


def test_message_lists_are_comma_separated(tmp_path):
    found = problems(tmp_path, "flows", 0, modality="maybe")
    assert found[0].endswith("'maybe' is not one of fact, plan, proposal, projection, lack")
    assert seeds.did_you_mean("chin", {"china", "chine", "chins", "chino", "chink"}) == \
        " (did you mean chins, chino, chink?)"


def test_a_bad_sources_header_is_reported(tmp_path):
    folder = write(tmp_path / "x" / "seeds", base())
    text = (folder / "sources.csv").read_text(encoding="utf-8")
    (folder / "sources.csv").write_text(text.replace("lines", "length", 1), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_seeds(folder)
    assert info.value.problems[0] == "seeds/sources.csv:1: missing column(s) lines"


# Observations: the sign of a change, every field kept, exact messages -----------------------

def _observations(tmp_path: Path, **cells: str):
    tables = base()
    tables["observations"][0].update(cells)
    return [o for o in load_seeds(write(tmp_path / "seeds", tables)).observations
            if o.id != "other"]


def test_a_change_quoted_without_its_direction_may_be_either_sign(tmp_path):
    """A growth rate printed as 5% (the word for rise or fall outside the quote) may be
    -5; a trade value printed as 27.3亿美元 may not be negative, and a fall printed as
    下降5% may not be positive."""
    growth = dict(measure="GrowthRate", unit="Percent", quote="同比5%")
    [o] = _observations(tmp_path / "a", value="-5", **growth)
    assert o.value == Decimal("-5")
    [o] = _observations(tmp_path / "b", value="5", **growth)
    assert o.value == Decimal("5")
    tables = base()
    tables["observations"][0].update(value="-2730000000")
    with pytest.raises(SeedError) as info:
        load_seeds(write(tmp_path / "c" / "seeds", tables))
    assert info.value.problems == [
        "seeds/observations.csv:2: field 'value': -2730000000 does not match the quoted "
        "figure '27.3亿美元' (which reads as 2730000000.0; a fall is negative, a rise positive)"]
    tables = base()
    tables["observations"][0].update(value="5", measure="GrowthRate", unit="Percent",
                                     quote="下降5%", upper="6")
    with pytest.raises(SeedError) as info:
        load_seeds(write(tmp_path / "d" / "seeds", tables))
    assert info.value.problems == [
        "seeds/observations.csv:2: field 'value': 5 does not match the quoted figure '下降5%' "
        "(which reads as -5; a fall is negative, a rise positive)",
        "seeds/observations.csv:2: field 'upper': 6 does not match the quoted figure '下降5%'"]


def test_every_field_of_an_observation_is_kept(tmp_path):
    from econkg.periods import parse_period

    tables = base()
    tables["observations"].append(dict(tables["observations"][0], id="other"))
    tables["observations"][0].update(
        id="cn-kp-growth", measure="GrowthRate", unit="Percent", value="-5", quote="下降5%",
        period="2025", base_period="2024", via="dandong", commodity="oil", flow="export",
        modality="plan", stated_by="china", counts="oil", share_of="fuel", restates="other",
        note_en="a note", approx="about")
    [o] = [o for o in load_seeds(write(tmp_path / "seeds", tables)).observations
           if o.id != "other"]
    assert (o.id, o.measure, o.reporter, o.partner, o.flow, o.commodity, o.via) == (
        "cn-kp-growth", "GrowthRate", "china", "north-korea", "export", "oil", ("dandong",))
    assert (o.period, o.base_period) == (parse_period("2025"), parse_period("2024"))
    assert (o.value, o.upper, o.unit, o.approx, o.note_en) == (
        Decimal("-5"), None, "Percent", "about", "a note")
    assert (o.modality, o.stated_by, o.counts, o.share_of, o.restates) == (
        "plan", "china", "oil", "fuel", "other")
    assert (o.citation.source, o.citation.line, o.citation.quote) == (SRC, 5, "下降5%")


@pytest.mark.parametrize(("cells", "message"), [
    (dict(measure="Size"), "field 'measure': 'Size' is not one of " + ", ".join(seeds.MEASURES)),
    (dict(unit="Yen"), "field 'unit': 'Yen' is not one of " + ", ".join(sorted(seeds.UNITS))),
    (dict(value="12,5"), "field 'value': "),
    (dict(upper="x"), "field 'upper': "),
])
def test_observation_messages_are_whole(tmp_path, cells, message):
    found = problems(tmp_path, "observations", 0, **cells)
    assert found and found[0].startswith(f"seeds/observations.csv:2: {message}"), found
    assert "None" not in found[0]


@pytest.mark.parametrize(("table", "column", "line"), [
    ("flows", "supplier", 2), ("flows", "recipient", 2), ("flows", "commodity", 2),
    ("flows", "via", 2), ("flows", "stated_by", 2), ("observations", "reporter", 2),
    ("observations", "partner", 2), ("observations", "commodity", 2),
    ("observations", "via", 2), ("observations", "stated_by", 2),
    ("relations", "subject", 2), ("relations", "object", 2), ("relations", "commodity", 2),
    ("relations", "via", 2), ("relations", "stated_by", 2), ("events", "participants", 2),
    ("events", "location", 2), ("events", "stated_by", 2), ("places", "within", 4),
    ("commodities", "broader", 2),
])
def test_an_unknown_id_is_named_with_file_line_and_field(tmp_path, table, column, line):
    index = 2 if table == "places" else 0
    found = problems(tmp_path, table, index, **{column: "nowhere"})
    assert f"seeds/{table}.csv:{line}: field '{column}': unknown entity id 'nowhere'" in found, \
        found


def test_ontology_terms_stand_only_where_terms_may(tmp_path):
    assert problems(tmp_path / "a", "relations", 0, object="ekg:USD") == []
    assert problems(tmp_path / "b", "flows", 0, settled_in="ekg:USD") == []
    found = problems(tmp_path / "c", "flows", 0, supplier="ekg:USD")
    assert found == ["seeds/flows.csv:2: field 'supplier': unknown entity id 'ekg:USD'"]


def _places_within(tmp_path: Path, within: dict[str, str]) -> list[str]:
    tables = base()
    place = seeds.ENTITY_COLUMNS + seeds.ENTITY_KINDS["places"][1]
    for ident, parent in within.items():
        tables["places"].append(_row(place, id=ident, type="City", label_en=ident.upper(),
                                     label_zh="城", within=parent))
    try:
        load_seeds(write(tmp_path / "seeds", tables))
    except SeedError as exc:
        return [p for p in exc.problems if "cycle" in p]
    return []


def test_a_cycle_is_named_from_its_smallest_id_once_at_that_row(tmp_path):
    # a (row 5) leads into the cycle d → c → d without being part of it; b too
    found = _places_within(tmp_path / "a", {"a": "d", "b": "c", "c": "d", "d": "c"})
    assert found == ["seeds/places.csv:7: field 'within': places are inside each other in a "
                     "cycle: c → d → c"]
    two = _places_within(tmp_path / "b", {"p": "q", "q": "p", "x": "y", "y": "z", "z": "x"})
    assert two == [
        "seeds/places.csv:5: field 'within': places are inside each other in a cycle: "
        "p → q → p",
        "seeds/places.csv:7: field 'within': places are inside each other in a cycle: "
        "x → y → z → x"]
    assert _places_within(tmp_path / "c", {"a": "china", "b": "a", "c": "b|dandong"}) == []


def test_every_field_of_an_entity_is_kept(tmp_path):
    tables = base()
    tables["places"][2].update(aliases="安东|Antung", wikidata="Q5555", note_en="a city")
    ents = load_seeds(write(tmp_path / "seeds", tables)).entities
    e = ents["dandong"]
    assert (e.kind, e.id, e.type, e.label_en, e.label_zh) == (
        "places", "dandong", "City", "Dandong", "丹东")
    assert (e.aliases, e.wikidata, e.note_en) == (("安东", "Antung"), "Q5555", "a city")
    assert e.extra["within"] == "china" and e.where == "seeds/places.csv:4"
    visit = ents["visit"]
    assert (visit.extra["period"], visit.extra["modality"]) == ("2025-10", "fact")
