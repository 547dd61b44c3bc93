"""econkg extract and accept on short texts written for these tests (never copied from a
source): every construct, both scripts, pinyin annotations, period phrases, bad input, and
the way from a new document to a cited figure in the graph."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from econkg.cli import main
from econkg.extract.attributes import last_flow
from econkg.extract.entities import find_entities, load_lexicon
from econkg.extract.normalise import clean, original_span, strip_pinyin
from econkg.extract.periods import base_period, find_periods, shift_year, streak
from econkg.extract.pipeline import extract_document
from econkg.extract.reading import DocumentError, decode, read_document

ROOT = Path(__file__).resolve().parents[1]

PLACES = """id,type,label_en,label_zh,aliases,iso_code,within,lat,lon,wikidata,note_en
china,Country,China,中国,PRC|我国,CN,,35.8,104.1,Q148,
north-korea,Country,North Korea,朝鲜,DPRK,KP,,40.3,127.5,Q423,
russia,Country,Russia,俄罗斯,Russian Federation,RU,,61.5,105.3,Q159,
united-states,Country,United States,美国,USA,US,,39.8,-98.5,Q30,
eu,Bloc,European Union,欧盟,EU,,,,,Q458,
world,Region,World,世界,全球,,,,,,
dandong,City,Dandong,丹东,丹东市,,china,40.1,124.3,,
sinuiju,City,Sinuiju,新义州,,,north-korea,40.1,124.3,,
hunchun,City,Hunchun,珲春,,,china,42.8,130.3,,
quanhe-port,BorderCrossing,Quanhe port,圈河口岸,,,hunchun,42.5,130.5,,
"""
COMMODITIES = """id,type,label_en,label_zh,aliases,hs_code,broader,wikidata,note_en
coal,HSHeading,Coal,煤炭,,2701,,,
"""
SOURCES = """file,title_zh,title_en,date,publisher,kind,language,lines
"""


@pytest.fixture()
def mini_seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "places.csv").write_text(PLACES, encoding="utf-8")
    (seeds / "commodities.csv").write_text(COMMODITIES, encoding="utf-8")
    (seeds / "sources.csv").write_text(SOURCES, encoding="utf-8")
    return seeds


@pytest.fixture()
def lexicon(mini_seeds: Path):
    return load_lexicon(mini_seeds)


def draft(tmp_path: Path, seeds: Path, text: str, date: str = "2019-04-12",
          encoding: str = "utf-8", name: str = "note.txt") -> list[dict[str, str]]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return extract_document(read_document(path), date, seeds).observations


def by_quote(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["quote"]: r for r in rows}


# --- figures, attributes, both scripts --------------------------------------------------

def test_simplified_figures_and_what_they_are(tmp_path, mini_seeds):
    rows = by_quote(draft(tmp_path, mini_seeds,
                          "今年一季度，中国对朝鲜出口2,315.4万美元，同比下降了4.1%。\n"))
    value = rows["2,315.4万美元"]
    assert (value["measure"], value["reporter"], value["partner"], value["flow"],
            value["period"], value["value"], value["unit"]) == (
        "ExportValue", "china", "north-korea", "export", "2019-Q1", "23154000", "USD")
    growth = rows["下降了4.1%"]
    assert (growth["measure"], growth["value"], growth["period"], growth["base_period"],
            growth["reporter"], growth["partner"]) == (
        "GrowthRate", "-4.1", "2019-Q1", "2018-Q1", "china", "north-korea")
    assert value["status"] == growth["status"] == "candidate"
    assert value["line"] == "1"


def test_traditional_script_big5(tmp_path, mini_seeds):
    text = "去年中國自俄羅斯進口煤炭3.27億噸，增長31.2%。\n"
    rows = by_quote(draft(tmp_path, mini_seeds, text, encoding="big5"))
    coal = rows["3.27億噸"]
    assert (coal["measure"], coal["value"], coal["unit"], coal["reporter"], coal["partner"],
            coal["commodity"], coal["period"]) == (
        "Quantity", "327000000", "Tonne", "china", "russia", "coal", "2018")
    assert rows["增長31.2%"]["value"] == "31.2"
    assert rows["增長31.2%"]["measure"] == "GrowthRate"


def test_full_width_digits_and_punctuation(tmp_path, mini_seeds):
    rows = by_quote(draft(tmp_path, mini_seeds, "中朝贸易额为２４．６億美元，占比０．３％。\n"))
    assert rows["２４．６億美元"]["value"] == "2460000000"
    assert rows["２４．６億美元"]["measure"] == "TradeValue"
    assert (rows["２４．６億美元"]["reporter"], rows["２４．６億美元"]["partner"]) == (
        "china", "north-korea")
    assert rows["０．３％"]["measure"] == "Share"


@pytest.mark.parametrize("text, quote, measure, value, unit", [
    ("中俄贸易额约为近300倍。", "近300倍", "Multiple", "300", "Times"),
    ("出口占全国的三分之一。", "三分之一", "Share", "33.33333333333333333333333333", "Percent"),
    ("美国是中国第三大贸易伙伴。", "第三大", "Rank", "3", "Position"),
    ("管道输送原油156萬桶/天。", "156萬桶/天", "Capacity", "1560000", "BarrelPerDay"),
    ("口岸距离丹东43公里。", "43公里", "OtherMeasure", "43", "Kilometre"),
    ("珲春新建3个口岸。", "3个", "Count", "3", "Number"),
    ("单价8,000美元。", "8,000美元", "TradeValue", "8000", "USD"),
    ("中朝贸易逆差收窄了12.5%。", "收窄了12.5%", "GrowthRate", "-12.5", "Percent"),
    ("出口拉动增长1.2个百分点。", "增长1.2个百分点", "Contribution", "1.2", "PercentagePoint"),
    ("其比重提升0.5个百分点。", "提升0.5个百分点", "ShareChange", "0.5", "PercentagePoint"),
])
def test_constructs(tmp_path, mini_seeds, text, quote, measure, value, unit):
    rows = by_quote(draft(tmp_path, mini_seeds, text + "\n"))
    assert quote in rows, list(rows)
    r = rows[quote]
    assert (r["measure"], r["value"], r["unit"]) == (measure, value, unit)


def test_growth_attaches_to_the_value_it_follows(tmp_path, mini_seeds):
    rows = draft(tmp_path, mini_seeds,
                 "2018年，中国自俄罗斯进口煤炭5000万吨，增长12%；对朝鲜出口6亿美元，下降3%。\n")
    q = by_quote(rows)
    assert (q["增长12%"]["partner"], q["增长12%"]["commodity"], q["增长12%"]["flow"]) == (
        "russia", "coal", "import")
    assert (q["下降3%"]["partner"], q["下降3%"]["flow"], q["下降3%"]["value"]) == (
        "north-korea", "export", "-3")


@pytest.mark.parametrize("text, reporter, partner", [
    ("中朝贸易额10亿美元。", "china", "north-korea"),
    ("中俄贸易额10亿美元。", "china", "russia"),
    ("中美贸易额10亿美元。", "china", "united-states"),
    ("中欧贸易额10亿美元。", "china", "eu"),
    ("我国对朝出口10亿美元。", "china", "north-korea"),
    ("我国自俄进口10亿美元。", "china", "russia"),
    ("中國對北韓出口10億美元。", "china", "north-korea"),
    ("朝鲜对华出口10亿美元。", "north-korea", "china"),
])
def test_reporter_and_partner_from_compounds(tmp_path, mini_seeds, text, reporter, partner):
    (row,) = draft(tmp_path, mini_seeds, text + "\n")
    assert (row["reporter"], row["partner"]) == (reporter, partner)


def test_respective_partners_with_fenbie(tmp_path, mini_seeds):
    rows = draft(tmp_path, mini_seeds, "我国对美国、欧盟出口分别增长3%和4%。\n")
    assert [(r["partner"], r["value"]) for r in rows] == [("united-states", "3"), ("eu", "4")]


@pytest.mark.parametrize("text, modality", [
    ("双方计划到2020年贸易额达到200亿美元。", "plan"),
    ("建议扩大对朝出口10亿美元。", "proposal"),
    ("预计明年出口增长5%。", "projection"),
    ("该口岸尚未开通，缺乏3个查验场地。", "lack"),
    ("我国对朝出口10亿美元。", ""),
])
def test_modality(tmp_path, mini_seeds, text, modality):
    rows = draft(tmp_path, mini_seeds, text + "\n")
    assert rows and all(r["modality"] == modality for r in rows)


# --- pinyin annotations and mixed scripts -----------------------------------------------

def test_pinyin_annotations_are_stripped_for_matching_but_kept_in_quotes(tmp_path, mini_seeds):
    line = "中(zhōng)國(guó)對(duì)朝(cháo)鮮(xiǎn)出口5億美元，下(xià)降3%。\n"
    rows = by_quote(draft(tmp_path, mini_seeds, line))
    assert set(rows) == {"5億美元", "下(xià)降3%"}
    assert (rows["5億美元"]["reporter"], rows["5億美元"]["partner"]) == ("china", "north-korea")
    assert rows["下(xià)降3%"]["value"] == "-3"
    for quote in rows:
        assert quote in line


def test_strip_pinyin_index_maps_back():
    text, index = strip_pinyin("經(jīng)濟(jì)增长")
    assert text == "經濟增长"
    assert original_span(index, 1, 3) == (7, 13)
    assert clean("國(guó)際")[0] == "国际"


def test_english_line_that_translates_the_chinese_above_is_not_drafted_twice(
        tmp_path, mini_seeds):
    rows = draft(tmp_path, mini_seeds, "我国对朝出口10亿美元，增长5%。\n"
                 "China's exports to the DPRK reached $1 billion, up 5%.\n")
    assert [r["line"] for r in rows] == ["1", "1"]


def test_english_text(tmp_path, mini_seeds):
    rows = by_quote(draft(tmp_path, mini_seeds,
                          "In 2018, China's exports to Russia rose 5% to US$2.73 billion.\n"))
    assert rows["rose 5%"]["value"] == "5"
    assert rows["2.73 billion"]["value"] == "2730000000"
    assert rows["2.73 billion"]["unit"] == "USD"


# --- periods ----------------------------------------------------------------------------

@pytest.mark.parametrize("phrase, period", [
    ("今年一季度", "2019-Q1"), ("今年第一季度", "2019-Q1"), ("去年", "2018"),
    ("前三季度", "2018-01/2018-09"), ("上半年", "2018-H1"), ("下半年", "2018-H2"),
    ("1至3月", "2019-01/2019-03"), ("1-3月", "2019-01/2019-03"), ("3月", "2019-03"),
    ("3月份", "2019-03"), ("12月份", "2018-12"), ("2017年", "2017"),
    ("2017年11月", "2017-11"), ("2013-2018年", "2013/2018"), ("2015年以来", "2015/.."),
    ("前年", "2017"), ("去年四季度", "2018-Q4"), ("今年上半年", "2019-H1"),
])
def test_period_phrases_against_the_document_date(phrase, period):
    found = find_periods(phrase, 2019, None, "2019-04-12")
    assert [p.period for p in found] == [period]


def test_a_span_not_yet_over_is_last_years():
    """前三季度 in April cannot be this year's; in October it is."""
    assert [p.period for p in find_periods("前三季度", 2019, None, "2019-10-20")] == [
        "2019-01/2019-09"]
    assert [p.period for p in find_periods("上半年", 2019, None, "2019-07-15")] == ["2019-H1"]
    assert [p.period for p in find_periods("今年上半年", 2019, None, "2019-04-12")] == [
        "2019-H1"]  # a year printed is kept, whatever the date


def test_base_periods():
    assert base_period("同比", "2019-Q1") == "2018-Q1"
    assert base_period("与去年同期相比", "2019-01/2019-03") == "2018-01/2018-03"
    assert base_period("较2015年", "2019") == "2015"
    assert base_period("较上年", "2019") == "2018"
    assert base_period("出口", "2019") is None
    assert shift_year("2019-01/2019-09", -1) == "2018-01/2018-09"
    assert streak("2025", 9, "Year") == "2017/2025"
    assert streak("2025-Q4", 3, "Number") == "2025-Q2/2025-Q4"


def test_flow_words():
    assert last_flow("中朝进出口") == "total"
    assert last_flow("中国对朝出口") == "export"
    assert last_flow("自俄进口") == "import"
    assert last_flow("贸易顺差") == "balance"


def test_entities_in_both_scripts(lexicon):
    ids = [m.entity.id for m in find_entities("丹东与新义州", lexicon)]
    assert ids == ["dandong", "sinuiju"]
    trad, _ = clean("丹東與新義州")
    assert [m.entity.id for m in find_entities(trad, lexicon)] == ["dandong", "sinuiju"]


# --- relations and new names ------------------------------------------------------------

def test_candidate_relations_and_unknown_names(tmp_path, mini_seeds):
    path = tmp_path / "rel.txt"
    path.write_text("丹东与新义州隔江相望。圈河口岸位于珲春。货物经圈河口岸运往朝鲜。"
                    "长岭子口岸正在建设。\n", encoding="utf-8")
    d = extract_document(read_document(path), "2019-04-12", mini_seeds)
    triples = {(r["subject"], r["predicate"], r["object"]) for r in d.relations}
    assert ("dandong", "adjoins", "sinuiju") in triples
    assert ("quanhe-port", "locatedIn", "hunchun") in triples
    assert any(p == "passesThrough" and o == "quanhe-port" for _, p, o in triples)
    assert all(r["quote"] in path.read_text(encoding="utf-8") for r in d.relations)
    names = {e["label_zh"]: e for e in d.entities}
    assert names["长岭子口岸"]["type"] == "BorderCrossing"
    assert names["长岭子口岸"]["kind"] == "places"


# --- bad input --------------------------------------------------------------------------

def test_encodings_detected_and_forced():
    text = "中国对朝鲜出口增长了百分之五，贸易额达到十亿美元。" * 3
    assert decode(text.encode("gb18030"), "x")[1] == "gb18030"
    assert decode(text.encode("utf-8"), "x")[1] == "utf-8"
    trad = "中國對北韓出口增長了百分之五，貿易額達到十億美元。" * 3
    assert decode(trad.encode("big5"), "x") == (trad, "big5")
    assert decode(text.encode("gb18030"), "x", "gb18030")[0] == text
    with pytest.raises(DocumentError, match="not valid utf-8"):
        decode(text.encode("gb18030"), "x", "utf-8")
    with pytest.raises(DocumentError, match="unknown encoding"):
        decode(b"abc", "x", "klingon")


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (bytes(range(128, 256)) * 8, "encoding|not valid|control"),
])
def test_bad_files_give_clear_errors(tmp_path, mini_seeds, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["--seeds", str(mini_seeds), "extract", str(path),
                                       "--date", "2019-04-12", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert __import__("re").search(message, result.output), result.output
    assert not (tmp_path / "out").exists()


def test_bad_date_and_missing_file(tmp_path, mini_seeds):
    path = tmp_path / "ok.txt"
    path.write_text("出口5亿美元。\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--seeds", str(mini_seeds), "extract", str(path), "--date",
                                  "12/04/2019", "-o", str(tmp_path / "o")])
    assert r.exit_code == 1 and "YYYY-MM-DD" in r.output
    r = CliRunner().invoke(main, ["--seeds", str(mini_seeds), "extract",
                                  str(tmp_path / "nope.txt"), "--date", "2019-04-12",
                                  "-o", str(tmp_path / "o")])
    assert r.exit_code == 1 and "no such file" in r.output


def test_a_line_with_200_figures_is_drafted_in_full(tmp_path, mini_seeds):
    line = "，".join(f"出口{i + 1}万吨" for i in range(200)) + "。\n"
    rows = draft(tmp_path, mini_seeds, line)
    assert [r["value"] for r in rows] == [str((i + 1) * 10000) for i in range(200)]


# --- accept -----------------------------------------------------------------------------

def _extract(tmp_path: Path, seeds: Path, text: str) -> Path:
    doc = tmp_path / "bulletin.txt"
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / "drafts"
    r = CliRunner().invoke(main, ["--seeds", str(seeds), "extract", str(doc), "--date",
                                  "2019-04-12", "--title", "边境贸易快报", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((out / "sources.csv").open(encoding="utf-8")))
    rows[0]["title_en"] = "Border trade bulletin"
    with (out / "sources.csv").open("w", encoding="utf-8", newline="") as h:
        w = csv.DictWriter(h, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


def _edit(path: Path, line: int, **cells: str) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[line - 2].update(cells)
    with path.open("w", encoding="utf-8", newline="") as h:
        w = csv.DictWriter(h, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("cells, message", [
    ({"value": "2730000"}, "does not match the quoted figure"),
    ({"value": "4.1"}, "does not match the quoted figure"),   # a fall accepted as a rise
    ({"quote": "下降了4.2%"}, "is not printed on line 1"),
    ({"reporter": "atlantis"}, "unknown entity id 'atlantis'"),
])
def test_accept_refuses_a_row_that_no_longer_matches(tmp_path, mini_seeds, cells, message):
    drafts = _extract(tmp_path, mini_seeds, "今年一季度，中国对朝鲜出口2,315.4万美元，"
                                            "同比下降了4.1%。\n")
    rows = list(csv.DictReader((drafts / "observations.csv").open(encoding="utf-8")))
    line = 2 + next(i for i, r in enumerate(rows) if r["quote"] == "下降了4.1%")
    _edit(drafts / "observations.csv", line, **cells)
    before = _snapshot(mini_seeds)
    r = CliRunner().invoke(main, ["--seeds", str(mini_seeds), "accept", str(drafts), "--all"])
    assert r.exit_code == 1
    assert "nothing was written" in r.output
    assert f"observations.csv:{line}" in r.output
    assert message in r.output
    assert _snapshot(mini_seeds) == before


def test_accept_needs_a_selection(tmp_path, mini_seeds):
    drafts = _extract(tmp_path, mini_seeds, "中国对朝鲜出口5亿美元。\n")
    r = CliRunner().invoke(main, ["--seeds", str(mini_seeds), "accept", str(drafts)])
    assert r.exit_code == 1 and "status=accepted" in r.output
    r = CliRunner().invoke(main, ["--seeds", str(mini_seeds), "accept", str(drafts),
                                  "--rows", "1"])
    assert r.exit_code == 1 and "header" in r.output


def test_extract_accept_build_query(tmp_path, mini_seeds):
    """The whole way: a new text → drafts → accept → build → the figure, with its citation."""
    drafts = _extract(tmp_path, mini_seeds, "快报\n今年一季度，中国对朝鲜出口2,315.4万美元，"
                                            "同比下降了4.1%。\n丹东与新义州隔江相望。\n")
    rows = list(csv.DictReader((drafts / "observations.csv").open(encoding="utf-8")))
    for i in range(len(rows)):
        _edit(drafts / "observations.csv", i + 2, status="accepted")
    _edit(drafts / "relations.csv", 2, status="accepted")
    runner = CliRunner()
    r = runner.invoke(main, ["--seeds", str(mini_seeds), "accept", str(drafts), "--curator",
                             "Test Curator"])
    assert r.exit_code == 0, r.output
    src = next(csv.DictReader((drafts / "sources.csv").open(encoding="utf-8")))["file"]
    nnn = src[:3]
    assert (mini_seeds / "observations" / f"{nnn}.csv").is_file()
    assert (mini_seeds / "relations" / f"{nnn}.csv").is_file()
    prov = list(csv.DictReader((mini_seeds / "provenance.csv").open(encoding="utf-8")))
    assert {p["generated_by"] for p in prov} == {"econkg extract"}
    assert {p["attributed_to"] for p in prov} == {"Test Curator"}

    build_dir = tmp_path / "build"
    r = runner.invoke(main, ["--seeds", str(mini_seeds), "--build-dir", str(build_dir), "build"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--seeds", str(mini_seeds), "--build-dir", str(build_dir), "query",
                             "--format", "csv", "--sparql",
                             "PREFIX ekg: <https://w3id.org/econkg/ontology#> "
                             "PREFIX prov: <http://www.w3.org/ns/prov#> "
                             "SELECT ?value ?line ?quote ?who WHERE { GRAPH ?g { "
                             "?o ekg:value ?value ; ekg:citation ?c ; "
                             "prov:wasAttributedTo ?a . "
                             "?c ekg:line ?line ; ekg:quote ?quote } "
                             "?a <http://www.w3.org/2000/01/rdf-schema#label> ?who } "
                             "ORDER BY ?value"])
    assert r.exit_code == 0, r.output
    assert "-4.1,2,下降了4.1%,Test Curator" in r.output
    assert '23154000' in r.output and '"2,315.4万美元"' in r.output


def test_build_never_reads_a_drafts_folder(tmp_path, mini_seeds):
    from econkg.seeds import load_seeds

    drafts = mini_seeds / "drafts"
    drafts.mkdir()
    (drafts / "observations.csv").write_text("nonsense,columns\n1,2\n", encoding="utf-8")
    seeds = load_seeds(mini_seeds)
    assert seeds.observations == []


def test_cli_import_stays_light():
    code = ("import sys, econkg.cli; heavy = [m for m in ('opencc', 'charset_normalizer', "
            "'rdflib', 'econkg.extract', 'econkg.figures') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT / "graph")})
    assert out.stdout.strip() == "[]"


def test_commands_are_listed():
    r = CliRunner().invoke(main, ["--help"])
    assert "extract" in r.output and "accept" in r.output


def test_verify_citations_checks_the_sign_against_the_whole_line(tmp_path, mini_seeds):
    """拉低…1.4个百分点: the quote leaves the direction out, the line does not."""
    from econkg.citations import verify_citations
    from econkg.seeds import load_seeds

    src = "005_0123456789abcdef.txt"
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / src).write_text("受价格下跌影响，进口增速被拉低1.4个百分点。\n", encoding="utf-8")
    with (mini_seeds / "sources.csv").open("a", encoding="utf-8") as h:
        h.write(f"{src},快报,Bulletin,2019-04-12,,bulletin,zh,1\n")
    (mini_seeds / "observations").mkdir()
    header = ("id,measure,reporter,partner,flow,commodity,via,period,base_period,value,upper,"
              "unit,approx,modality,stated_by,counts,share_of,restates,note_en,source,line,quote\n")
    for value, bad in (("-1.4", False), ("1.4", True)):
        (mini_seeds / "observations" / "005.csv").write_text(
            header + f"x,Contribution,china,,import,,,2019,,{value},,PercentagePoint,,,,,,,"
                     f"Drag.,{src},1,1.4个百分点\n", encoding="utf-8")
        _, problems = verify_citations(load_seeds(mini_seeds), texts)
        assert bool(problems) is bad, problems
        if bad:
            assert "observations/005.csv:2: field 'value': 1.4 has the wrong sign" in problems[0]


# --- the reading rules added for real prose -----------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # a parallel list: parties and figures in turn, with or without 分别
    ("我国对美国、欧盟进出口3亿美元、4亿美元。",
     [("united-states", "300000000"), ("eu", "400000000")]),
    # 是: the figure is the second party's, the first is its partner
    ("欧盟是我国第二大贸易伙伴，占我国外贸的13%。", [("eu", "2"), ("eu", "13")]),
])
def test_partners_in_lists_and_is_constructions(tmp_path, mini_seeds, text, expected):
    rows = draft(tmp_path, mini_seeds, text + "\n")
    assert [(r["partner"], r["value"]) for r in rows] == expected
    assert all(r["reporter"] == "china" for r in rows)


def test_the_whole_of_a_share_is_not_its_reporter(tmp_path, mini_seeds):
    (row,) = draft(tmp_path, mini_seeds, "丹东进出口占中国的比重为5%。\n")
    assert (row["reporter"], row["measure"]) == ("dandong", "Share")


def test_rank_owner_and_ranked(tmp_path, mini_seeds):
    (row,) = draft(tmp_path, mini_seeds, "中国是俄罗斯第一大贸易伙伴。\n")
    assert (row["reporter"], row["partner"], row["value"], row["unit"]) == (
        "russia", "china", "1", "Position")


def test_a_sentence_continues_across_hard_wrapped_lines(tmp_path, mini_seeds):
    rows = draft(tmp_path, mini_seeds, "2017年，中国对俄罗斯的出口\n\n达到 428 亿美元，同比增长\n"
                                       "15%。\n")
    assert [(r["line"], r["reporter"], r["partner"], r["period"], r["value"]) for r in rows] == [
        ("3", "china", "russia", "2017", "42800000000"), ("4", "china", "russia", "2017", "15")]


@pytest.mark.parametrize("text, period", [
    ("“十四五”时期，我国对朝出口增长30%。", "2021/2025"),
    ("5年来，我国对朝出口增长30%。", "2014/2018"),
    ("2018年12月1日至2019年1月10日，我国对朝出口3亿美元。", "2018-12-01/2019-01-10"),
    ("2018年前10个月，我国对朝出口3亿美元。", "2018-01/2018-10"),
    ("与2016年相比，2018年我国对朝出口增长30%。", "2018"),
])
def test_period_phrases_in_sentences(tmp_path, mini_seeds, text, period):
    rows = draft(tmp_path, mini_seeds, "2018年。\n" + text + "\n", date="2019-02-01")
    assert rows and rows[-1]["period"] == period


def test_same_period_takes_the_period_just_reported(tmp_path, mini_seeds):
    rows = draft(tmp_path, mini_seeds, "2018年1月至3月，我国对朝出口3亿美元。同期，"
                                       "我国自俄进口5亿美元。\n")
    assert [r["period"] for r in rows] == ["2018-01/2018-03", "2018-01/2018-03"]


def test_who_states_a_figure_is_not_whose_it_is(tmp_path, mini_seeds):
    with (mini_seeds / "organisations.csv").open("w", encoding="utf-8") as h:
        h.write("id,type,label_en,label_zh,aliases,wikidata,note_en,within\n"
                "wto,Organisation,World Trade Organization,世界贸易组织,世贸组织,,,\n")
    (row,) = draft(tmp_path, mini_seeds, "据世贸组织统计，2018年朝鲜对华出口增长5%。\n")
    assert (row["reporter"], row["partner"], row["stated_by"]) == ("north-korea", "china", "wto")
