"""Official statistics: `econkg ingest comtrade`, the published store, and reconcile.

Every Comtrade file here is written by the test (benchmarks/comtrade_gen.py writes the
layout), a few rows to a few hundred.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from econkg.cli import main
from econkg.pipeline import current_release, read_manifest, write_build
from endpoint import get, running_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import comtrade_gen as gen  # noqa: E402

EKG = "https://w3id.org/econkg/ontology#"
KG = "https://w3id.org/econkg/id/"
PREFIXES = f"PREFIX ekg: <{EKG}>\nPREFIX kg: <{KG}>\nPREFIX qb: <http://purl.org/linked-data/cube#>\n"


@pytest.fixture(scope="module")
def published(built, tmp_path_factory) -> Path:
    """A build folder with the seed graph published (SHACL already passed in `built`)."""
    root = tmp_path_factory.mktemp("published") / "build"
    write_build(built, root, ROOT / "seeds")
    return root


@pytest.fixture
def root(published, tmp_path) -> Path:
    """A private copy of the published build folder, for tests that ingest into it."""
    target = tmp_path / "build"
    shutil.copytree(published, target, symlinks=True)
    return target


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, ["--build-dir", str(root), *args])


def select(root: Path, sparql: str) -> list[dict]:
    res = cli(root, "query", "--sparql", PREFIXES + sparql, "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


# The figures the reconcile test checks by hand. China's customs and North Korea's
# (mirror-estimated) report of 2025, and China–Russia 2023.
RECONCILE_ROWS = [
    gen.row(period=2025, reporterCode=156, partnerCode=408, flowCode="X",
            primaryValue="2280000000"),                                   # row 2
    gen.row(period=2025, reporterCode=156, partnerCode=408, flowCode="M",
            primaryValue="420000000"),                                    # row 3
    gen.row(period=2025, reporterCode=408, partnerCode=156, flowCode="M",
            primaryValue="2350000000", isReported="false"),               # row 4
    gen.row(period=2025, reporterCode=408, partnerCode=156, flowCode="X",
            primaryValue="400000000", isReported="false"),                # row 5
    gen.row(period=2023, reporterCode=156, partnerCode=643, flowCode="X",
            primaryValue="110970000000"),                                 # row 6
    gen.row(period=2023, reporterCode=156, partnerCode=643, flowCode="M",
            primaryValue="129140000000"),                                 # row 7
    # a breakdown by mode of transport is not a total and must not be compared
    gen.row(period=2023, reporterCode=156, partnerCode=643, flowCode="X",
            primaryValue="5", motCode="2000"),                            # row 8
    # China–Russia 2023 in CNY would be an unlike figure; Comtrade is USD only, so the
    # document's CNY figures simply find nothing (checked below)
]


def filler(n: int) -> list[dict]:
    return list(gen.generate(n, seed=7))


# --- mapping -----------------------------------------------------------------------------


def test_the_mapping_covers_every_comtrade_column():
    from econkg.ingest.comtrade import COLUMNS

    assert list(COLUMNS) == gen.COLUMNS and len(COLUMNS) == 37


def test_every_column_lands_in_the_graph(root, tmp_path):
    r = gen.row(period=202503, reporterCode=156, partnerCode=408, flowCode="RX",
                cmdCode="0203", cmdDesc="Meat of swine", primaryValue="1234.5",
                typeCode="S", partner2Code="643", customsCode="C01", mosCode="3",
                motCode="2100", qtyUnitCode="8", qty="77", isQtyEstimated="true",
                altQtyUnitCode="5", altQty="12", netWgt="76.5", isNetWgtEstimated="true",
                grossWgt="80", cifvalue="1300", fobvalue="1234.5",
                legacyEstimationFlag="4", isReported="false", isAggregate="true")
    path = gen.write(tmp_path / "one.csv", [*filler(5), r])
    res = cli(root, "ingest", "comtrade", str(path), "--dataset", "one")
    assert res.exit_code == 0, res.output
    rows = select(root, """
        SELECT ?p ?o WHERE { GRAPH <https://w3id.org/econkg/graph/stat/one> {
          ?obs ekg:sourceRow 7 ; ?p ?o } }""")
    got = {r["p"].split("#")[-1].split("/")[-1]: r["o"] for r in rows if "type" not in r["p"]}
    assert got == {
        "dataSet": KG + "dataset/one", "sourceRow": 7, "measure": EKG + "ExportValue",
        "flow": EKG + "ReExport", "reporter": KG + "china", "partner": KG + "north-korea",
        "commodity": KG + "pork",  # the seeds' own concept for HS 0203
        "period": "2025-03", "periodStart": "2025-03-01", "periodEnd": "2025-03-31",
        "value": 1234.5, "unit": EKG + "USD", "classification": "H6", "tradeType": "S",
        "isMirror": True, "isAggregate": True, "quantity": 77, "isQuantityEstimated": True,
        "netWeight": 76.5, "isNetWeightEstimated": True, "altQuantity": 12,
        "grossWeight": 80, "cifValue": 1300, "fobValue": 1234.5, "quantityUnit": "8",
        "altQuantityUnit": "5", "customsProcedure": "C01", "modeOfSupply": "3",
        "modeOfTransport": "2100", "secondPartner": KG + "russia",
        "legacyEstimationFlag": 4,
    }


def test_comtrade_codes_resolve_to_the_documents_entities(root, tmp_path):
    rows = [gen.row(reporterCode=c, partnerCode=p, flowCode="X")
            for c, p in (("842", "156"), ("156", "408"), ("643", "408"), ("699", "490"),
                         ("251", "0"))]
    path = gen.write(tmp_path / "codes.csv", rows)
    assert cli(root, "ingest", "comtrade", str(path)).exit_code == 0
    got = select(root, """
        SELECT ?row ?r ?rc ?p ?pl WHERE {
          ?o ekg:sourceRow ?row ; ekg:reporter ?r ; ekg:partner ?p .
          ?r ekg:m49Code ?rc . OPTIONAL { ?r ekg:isoCode ?ri }
          OPTIONAL { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?pl FILTER(LANG(?pl) = "en") }
        } ORDER BY ?row""")
    by_row = {}
    for g in got:
        by_row.setdefault(g["row"], g)
    # 842 is Comtrade's own code for the United States (ISO 840): the seeds' entity
    assert by_row[2]["r"] == KG + "united-states" and by_row[2]["rc"] == "842"
    assert by_row[2]["p"] == KG + "china"
    assert by_row[3]["r"] == KG + "china" and by_row[3]["p"] == KG + "north-korea"
    assert by_row[4]["r"] == KG + "russia"
    assert by_row[5]["r"] == KG + "country-ind" and by_row[5]["p"] == KG + "area-490"
    assert any(g["pl"] == "Other Asia, nes" for g in got if g["row"] == 5)
    assert by_row[6]["r"] == KG + "country-fra" and by_row[6]["p"] == KG + "area-0"
    # an economy the documents do not know becomes an entity with its ISO codes
    iso = select(root, "SELECT ?c WHERE { kg:country-ind ekg:isoCode ?c ; ekg:isoAlpha3 'IND' ; "
                       "ekg:m49Code '699' }")
    assert iso == [{"c": "IN"}]


def test_mirror_and_estimate_flags_are_kept(root, tmp_path):
    rows = [gen.row(isReported="false", cmdCode="27", qty="5", isQtyEstimated="true"),
            gen.row(isReported="true", cmdCode="27", qty="5", isQtyEstimated="false")]
    path = gen.write(tmp_path / "flags.csv", rows)
    assert cli(root, "ingest", "comtrade", str(path)).exit_code == 0
    got = select(root, """SELECT ?row ?m ?q WHERE {
        ?o ekg:sourceRow ?row ; ekg:isMirror ?m ; ekg:isQuantityEstimated ?q ;
           ekg:commodity kg:hs27 } ORDER BY ?row""")
    assert got == [{"row": 2, "m": True, "q": True}, {"row": 3, "m": False, "q": False}]


# --- reconcile ---------------------------------------------------------------------------


def test_reconcile_sets_document_figures_beside_official_and_mirror(root, tmp_path):
    path = gen.write(tmp_path / "official.csv", RECONCILE_ROWS + filler(300))
    res = cli(root, "ingest", "comtrade", str(path), "--dataset", "official")
    assert res.exit_code == 0, res.output
    res = cli(root, "analyze", "reconcile", "--json-out", "-")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)

    def one(**match):
        hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
        assert len(hits) == 1, (match, hits)
        return hits[0]

    # 000 line 5: 27.3亿美元 = 2 730 000 000 against China's 2 280 000 000 + 420 000 000
    # = 2 700 000 000: (2730 − 2700) / 2700 = +1.11 %; North Korea's side (estimated by
    # the publisher) 2 350 000 000 + 400 000 000 = 2 750 000 000: −0.73 %.
    r = one(source="000_9e5f7cb7cd004f31.txt", line=5, flow="total trade")
    assert (r["quote"], r["document"], r["unit"], r["period"]) == \
        ("27.3亿美元", 2730000000, "USD", "2025")
    assert (r["official"], r["difference_pct"], r["dataset"], r["rows"]) == \
        (2700000000, 1.1, "official", "2+3")
    assert (r["mirror"], r["mirror_difference_pct"], r["mirror_rows"]) == \
        (2750000000, -0.7, "5+4")
    assert r["official_estimated"] is False and r["mirror_estimated"] is True
    # 000 line 12: exports 约23亿美元 against 2 280 000 000: +0.88 % → +0.9; the mirror is
    # North Korea's imports from China, 2 350 000 000: −2.13 % → −2.1
    r = one(source="000_9e5f7cb7cd004f31.txt", line=12, flow="export")
    assert (r["official"], r["difference_pct"], r["rows"], r["mirror"],
            r["mirror_difference_pct"], r["mirror_rows"]) == \
        (2280000000, 0.9, "2", 2350000000, -2.1, "4")
    # 004 line 57: 2 401 亿美元 against 110 970 000 000 + 129 140 000 000 = 240 110 000 000
    # (the motCode 2000 breakdown row 8 is not added in); no Russian report was ingested
    r = one(source="004_5f87d5451554f62b.txt", line=57)
    assert (r["document"], r["official"], r["rows"], r["difference_pct"]) == \
        (240100000000, 240110000000, "6+7", 0)
    assert r["mirror"] is None
    # a CNY figure is never set against USD statistics
    assert not [r for r in rows if r["unit"] != "USD"]
    # China–Russia 2022 has no official row here, so it is not in the matched list …
    assert not [r for r in rows if r["period"] == "2022" and r["partner_id"] == "russia"]
    # … but --all lists it with the official columns empty
    res = cli(root, "analyze", "reconcile", "china", "russia", "--all", "--json-out", "-")
    r2022 = [r for r in json.loads(res.stdout) if r["period"] == "2022"]
    assert r2022 and r2022[0]["official"] is None and r2022[0]["quote"] == "1 902.71 亿美元"
    # the command's index-driven steps give the named question's rows, column for column
    from econkg.pipeline import open_store
    from econkg.queries import result_records, run_named
    from econkg.reconcile import reconcile

    store = open_store(root, ROOT / "seeds")
    named = [{k: v for k, v in r.items() if k != "modality"}
             for r in result_records(run_named(store, "reconcile", include="all"))]
    norm = lambda rows: sorted(  # noqa: E731
        json.dumps({k: float(v) if isinstance(v, int | float) and not isinstance(v, bool)
                    else v for k, v in r.items()}, sort_keys=True, ensure_ascii=False)
        for r in rows)
    assert norm(reconcile(store, matched_only=False)) == norm(named)
    assert len(named) >= 20


# --- bad rows ----------------------------------------------------------------------------


def test_a_bad_row_names_file_row_and_column_and_loads_nothing(root, tmp_path):
    before = current_release(root)
    rows = filler(20)
    rows[1]["partnerCode"] = "999"  # row 3
    rows[4]["primaryValue"] = "12x"  # row 6
    rows[7]["period"] = "2025"
    rows[7]["freqCode"] = "M"  # row 9
    path = gen.write(tmp_path / "bad.csv", rows)
    res = cli(root, "ingest", "comtrade", str(path))
    assert res.exit_code == 1
    assert f"{path}: row 3, column 'partnerCode': is not a UN M49 or Comtrade economy code " \
        "(value '999')" in res.output
    assert "row 6, column 'primaryValue': is not a number" in res.output
    assert "row 9, column 'period': is not a month YYYYMM (freqCode M)" in res.output
    assert "nothing was ingested" in res.output
    assert current_release(root) == before
    assert read_manifest(before)["datasets"] == []


def test_iso_letters_must_agree_with_the_code(root, tmp_path):
    path = gen.write(tmp_path / "iso.csv", [gen.row(reporterCode="156", reporterISO="PRK")])
    res = cli(root, "ingest", "comtrade", str(path))
    assert res.exit_code == 1
    assert "row 2, column 'reporterISO': does not agree with reporterCode 156" in res.output


def test_a_misspelt_column_is_named(root, tmp_path):
    cols = [c if c != "primaryValue" else "primaryValeu" for c in gen.COLUMNS]
    r = gen.row()
    r["primaryValeu"] = r.pop("primaryValue")
    path = gen.write(tmp_path / "cols.csv", [r], columns=cols)
    res = cli(root, "ingest", "comtrade", str(path))
    assert res.exit_code == 1
    assert "row 1 (the header)" in res.output and "'primaryValue' is missing" in res.output
    assert "did you mean 'primaryValue'?" in res.output


def test_skip_bad_loads_the_good_rows_and_reports_the_rest(root, tmp_path):
    rows = filler(30)
    rows[2]["flowCode"] = "Q"  # row 4
    rows[9]["isReported"] = "maybe"  # row 11
    path = gen.write(tmp_path / "some-bad.csv.gz", rows)
    res = cli(root, "ingest", "comtrade", str(path), "--skip-bad")
    assert res.exit_code == 0, res.output
    assert "ingested 28 rows" in res.output and "skipped 2 bad row(s)" in res.output
    release = current_release(root)
    report = (release / "rejected-some-bad.csv").read_text(encoding="utf-8").splitlines()
    assert report[0] == "file,row,column,value,problem"
    assert report[1].startswith("some-bad.csv.gz,4,flowCode,Q,is not one of X, M, RX, RM") or \
        report[1].startswith('some-bad.csv.gz,4,flowCode,Q,"is not one of')
    assert report[2].startswith("some-bad.csv.gz,11,isReported,maybe,")
    [d] = read_manifest(release)["datasets"]
    assert (d["name"], d["rows"], d["skipped"]) == ("some-bad", 28, 2)
    n = select(root, "SELECT (COUNT(*) AS ?n) WHERE { ?o qb:dataSet ?d ; ekg:sourceRow ?r }")
    assert n == [{"n": 28}]


# --- the store: reopened, shared, never partial -------------------------------------------


def _by_hand(rows: list[dict], reporter: str, flow: str, period: str, level: int,
             include_mirror: bool = False) -> list[tuple[str, float, int]]:
    """The ten largest partners summed in Python over the CSV rows themselves: (partner
    code, sum, rows), with the question's rules (one level, no breakdown rows, no World)."""
    from decimal import Decimal

    sums: dict[str, list] = {}
    for r in rows:
        cmd = r["cmdCode"]
        if (r["reporterCode"], r["flowCode"]) != (reporter, flow) or \
                r["period"] != period.replace("-", "") or \
                (0 if cmd == "TOTAL" else len(cmd)) != level or r["partnerCode"] == "0" or \
                (r["isReported"] == "false" and not include_mirror) or \
                (r["customsCode"], r["mosCode"], r["motCode"], r["partner2Code"]) != \
                ("C00", "0", "0", "0"):
            continue
        acc = sums.setdefault(r["partnerCode"], [Decimal(0), 0])
        acc[0] += Decimal(r["primaryValue"])
        acc[1] += 1
    ranked = sorted(sums.items(), key=lambda kv: -kv[1][0])[:10]
    return [(code, float(v), n) for code, (v, n) in ranked]


def test_top_partners_sums_exactly_the_rows_of_one_level(root, tmp_path):
    import random

    rng = random.Random(5)
    rows = []
    for reporter in ("156", "643"):
        for partner in ("408", "643", "842", "392", "410", "276", "826", "344", "496", "398",
                        "704", "764", "156", "0"):
            for cmd in ("01", "02", "27", "84", "TOTAL", "0101", "2709", "270900"):
                for period in ("2020", "2018", "201903"):
                    for flow in ("X", "M"):
                        if partner == reporter:
                            continue
                        r = gen.row(period=period, reporterCode=reporter, partnerCode=partner,
                                    flowCode=flow, cmdCode=cmd,
                                    primaryValue=f"{rng.lognormvariate(13, 2):.2f}")
                        if rng.random() < 0.15:
                            r["isReported"] = "false"
                        rows.append(r)
    # breakdown rows of China's (by transport, by customs procedure) are never added
    rows.append(gen.row(period=2020, reporterCode=156, partnerCode=408, cmdCode="27",
                        primaryValue="9e15", motCode="2000"))
    rows.append(gen.row(period=2020, reporterCode=156, partnerCode=842, cmdCode="01",
                        primaryValue="8e15", customsCode="C01"))
    path = gen.write(tmp_path / "top.csv", rows)
    assert cli(root, "ingest", "comtrade", str(path), "--dataset", "top").exit_code == 0
    m49_of = {k: v["m49"] for k, v in _entities(root).items()}
    for period, level, include in (("2020", 2, "facts"), ("2020", 4, "all"),
                                   ("2018", 0, "facts"), ("2019-03", 2, "facts")):
        res = cli(root, "query", "top-partners-official", "-p", "reporter=china",
                  "-p", "flow=ekg:Export", "-p", f"period={period}", "-p", f"level={level}",
                  "-p", f"include={include}", "--format", "json")
        assert res.exit_code == 0, res.output
        got = [(m49_of[r["partner_id"]], r["value"], r["rows"]) for r in json.loads(res.stdout)]
        assert got == _by_hand(rows, "156", "X", period, level, include == "all"), period
        assert len(got) >= 8  # eleven partners (World left out), less mirror-only ones
        assert all(r["dataset"] == "top" and r["unit"] == "USD" for r in json.loads(res.stdout))
        if (period, level) == ("2020", 2):
            got_2020 = got
    # each dataset answers on its own rows, never added to another's
    assert cli(root, "ingest", "comtrade", str(path), "--dataset", "top2").exit_code == 0
    both = json.loads(cli(root, "query", "top-partners-official", "-p", "period=2020",
                          "-p", "level=2", "--format", "json").stdout)
    assert sorted({r["dataset"] for r in both}) == ["top", "top2"]
    assert [r["value"] for r in both] == [v for _, v, _ in _by_hand(rows, "156", "X", "2020", 2)
                                          for _ in (0, 1)][:10]
    one = json.loads(cli(root, "query", "top-partners-official", "-p", "period=2020",
                         "-p", "level=2", "-p", "dataset=top2", "--format", "json").stdout)
    assert {r["dataset"] for r in one} == {"top2"} and len(one) == len(got_2020)
    # the same sums straight from the rows, without the slices
    raw = select(root, """
        SELECT ?p (SUM(?v) AS ?total) WHERE { GRAPH ?g {
          ?o ekg:reporter kg:china ; ekg:flow ekg:Export ; ekg:period "2020" ;
             ekg:commodity ?k ; ekg:partner ?p ; ekg:value ?v ;
             qb:dataSet <https://w3id.org/econkg/id/dataset/top> .
          FILTER NOT EXISTS { ?o ekg:isMirror true }
          FILTER NOT EXISTS { ?o ekg:modeOfTransport|ekg:customsProcedure|ekg:modeOfSupply|
                                 ekg:secondPartner ?b }
          FILTER NOT EXISTS { ?p ekg:m49Code "0" } }
          ?k a ekg:HSChapter }  # a chapter the documents know is typed in their graph
        GROUP BY ?p ORDER BY DESC(?total) LIMIT 10""")
    assert [(m49_of[r["p"].removeprefix(KG)], r["total"]) for r in raw] == \
        [(c, v) for c, v, _ in _by_hand(rows, "156", "X", "2020", 2)]


def _entities(root: Path) -> dict[str, dict]:
    """id → {m49} for the economies the statistics graph names."""
    rows = select(root, "SELECT ?e ?m WHERE { GRAPH ?g { ?e ekg:m49Code ?m } }")
    out: dict[str, dict] = {}
    for r in rows:
        out.setdefault(r["e"].removeprefix(KG), {"m49": r["m"]})
    return out


def test_ingesting_a_dataset_again_replaces_it_and_keeps_the_others(root, tmp_path):
    first = gen.write(tmp_path / "a.csv", RECONCILE_ROWS + filler(150))
    other = gen.write(tmp_path / "b.csv", RECONCILE_ROWS[:2])
    assert cli(root, "ingest", "comtrade", str(first), "--dataset", "a").exit_code == 0
    assert cli(root, "ingest", "comtrade", str(other), "--dataset", "b").exit_code == 0
    second = gen.write(tmp_path / "a2.csv", RECONCILE_ROWS[:3])
    assert cli(root, "ingest", "comtrade", str(second), "--dataset", "a").exit_code == 0
    count = "SELECT ?g (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?o ekg:sourceRow ?r } } GROUP BY ?g"
    sizes = {r["g"].rsplit("/", 1)[-1]: r["n"] for r in select(root, count)}
    assert sizes == {"a": 3, "b": 2}
    manifest = read_manifest(current_release(root))
    assert {d["name"]: d["rows"] for d in manifest["datasets"]} == {"a": 3, "b": 2}
    # the documents' graphs came through the copy whole
    assert select(root, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER(!STRSTARTS(STR(?g), 'https://w3id.org/econkg/graph/stat/')) }"
                  )[0]["n"] == manifest["triples"]


def test_the_manifest_counts_the_triples_the_store_holds(root, tmp_path):
    path = gen.write(tmp_path / "count.csv", RECONCILE_ROWS + filler(300))
    assert cli(root, "ingest", "comtrade", str(path), "--dataset", "count").exit_code == 0
    manifest = read_manifest(current_release(root))
    entry = next(d for d in manifest["datasets"] if d["name"] == "count")
    n = select(root, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                     "FILTER(?g = <https://w3id.org/econkg/graph/stat/count>) }")[0]["n"]
    assert entry["triples"] == n > 300 * 16


def test_a_second_process_opens_the_store_and_answers_the_same_rows(root, tmp_path):
    path = gen.write(tmp_path / "shared.csv", RECONCILE_ROWS + filler(200))
    assert cli(root, "ingest", "comtrade", str(path)).exit_code == 0
    q = (PREFIXES + "SELECT ?row ?v WHERE { ?o ekg:sourceRow ?row ; ekg:value ?v } "
         "ORDER BY ?row")
    here = select(root, q[len(PREFIXES):])
    cmd = [sys.executable, "-m", "econkg", "--build-dir", str(root), "query", "--sparql", q,
           "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "graph"))
    # two processes at once: read-only opens do not lock each other out
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        assert "building in memory" not in err.decode()
        assert json.loads(out) == here
    assert len(here) == 207


def test_a_kill_during_ingest_leaves_the_previous_store(root, tmp_path):
    first = gen.write(tmp_path / "first.csv", RECONCILE_ROWS)
    assert cli(root, "ingest", "comtrade", str(first)).exit_code == 0
    before = current_release(root)
    manifest = read_manifest(before)
    big = gen.write(tmp_path / "big.csv", gen.generate(150_000, seed=3))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "graph"))
    proc = subprocess.Popen([sys.executable, "-m", "econkg", "--build-dir", str(root),
                             "ingest", "comtrade", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    staging = root / "releases"
    while not list(staging.glob(".staging-*/store/CURRENT")):
        assert proc.poll() is None, "the ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert current_release(root) == before
    assert read_manifest(before) == manifest
    n = select(root, "SELECT (COUNT(*) AS ?n) WHERE { ?o ekg:sourceRow ?r }")
    assert n == [{"n": len(RECONCILE_ROWS)}]
    # the next writer clears what the killed one left
    assert cli(root, "ingest", "comtrade", str(first), "--dataset", "again").exit_code == 0
    assert not list(staging.glob(".staging-*"))


def test_rebuilding_the_documents_keeps_ingested_statistics(root, tmp_path):
    path = gen.write(tmp_path / "keep.csv", RECONCILE_ROWS)
    assert cli(root, "ingest", "comtrade", str(path)).exit_code == 0
    res = CliRunner().invoke(main, ["--build-dir", str(root), "build"])
    assert res.exit_code == 0, res.output
    assert [d["name"] for d in read_manifest(current_release(root))["datasets"]] == ["keep"]
    n = select(root, "SELECT (COUNT(*) AS ?n) WHERE { ?o ekg:sourceRow ?r }")
    assert n == [{"n": len(RECONCILE_ROWS)}]


def test_exports_carry_the_statistics_graph(root, tmp_path):
    from rdflib import Dataset, URIRef

    path = gen.write(tmp_path / "exp.csv", RECONCILE_ROWS)
    assert cli(root, "ingest", "comtrade", str(path)).exit_code == 0
    out = tmp_path / "all.trig"
    assert cli(root, "export", "--format", "trig", "-o", str(out)).exit_code == 0
    ds = Dataset()
    ds.parse(out, format="trig")
    g = ds.graph(URIRef("https://w3id.org/econkg/graph/stat/exp"))
    assert len(g) > 100
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_serve_opens_the_published_store(root, tmp_path):
    path = gen.write(tmp_path / "served.csv", RECONCILE_ROWS)
    assert cli(root, "ingest", "comtrade", str(path)).exit_code == 0
    with running_server(tmp_path, "--workers", "1", build=root) as (base, _, log):
        q = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?o ekg:sourceRow ?r }"
        status, _, body = get(base, q, accept="application/sparql-results+json")
        assert status == 200, body
        n = json.loads(body)["results"]["bindings"][0]["n"]["value"]
        assert n == str(len(RECONCILE_ROWS))
    assert "building in memory" not in log.read_text(errors="replace")


def test_ingest_then_reconcile_from_nothing(tmp_path):
    """`econkg ingest comtrade FILE && econkg query reconcile` on a fresh checkout: the
    documents' graph is built first."""
    path = gen.write(tmp_path / "x.csv", RECONCILE_ROWS)
    root = tmp_path / "fresh"
    res = cli(root, "ingest", "comtrade", str(path))
    assert res.exit_code == 0, res.output
    assert "building the documents' graph first" in res.output and "SHACL: conforms" in res.output
    res = cli(root, "query", "reconcile", "-p", "partner=north-korea", "--format", "json")
    assert res.exit_code == 0, res.output
    [total] = [r for r in json.loads(res.stdout) if r["line"] == 5]
    assert (total["official"], total["rows"], total["dataset"]) == (2700000000, "2+3", "x")


def test_ingest_into_a_stale_build_is_refused_below_the_command(root, tmp_path, seed_copy):
    from econkg.ingest.load import IngestError, ingest_comtrade

    path = gen.write(tmp_path / "x.csv", RECONCILE_ROWS)
    (seed_copy / "observations" / "000.csv").write_text("changed", encoding="utf-8")
    with pytest.raises(IngestError, match="run `econkg build` first"):
        ingest_comtrade(path, root, seed_copy)
