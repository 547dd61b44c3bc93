"""The build end to end: ontology, shapes, seeds → RDF, exports, determinism, bad input."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from econkg.cli import main
from econkg.namespaces import EKG
from econkg.ontology import load_ontology, load_shapes
from econkg.resources import ontology_dir
from econkg.validate import union_graph, validate

SHAPE_CASES = sorted((Path(__file__).parent / "shapes").glob("*.ttl"))


# --- ontology and shapes -----------------------------------------------------------------


def test_ontology_and_shapes_parse():
    assert len(load_ontology()) > 500
    assert len(load_shapes()) > 50


def test_every_ontology_term_has_english_and_chinese_labels_and_a_comment():
    onto = Graph().parse(ontology_dir() / "econkg.ttl")
    terms = {s for s in onto.subjects(RDFS.isDefinedBy, None)}
    assert len(terms) > 100
    missing = []
    for term in terms:
        langs = {lbl.language for lbl in onto.objects(term, RDFS.label)}
        if not {"en", "zh"} <= langs:
            missing.append(f"{term} labels {langs}")
        if onto.value(term, RDFS.comment) is None:
            missing.append(f"{term} has no comment")
    assert missing == []


def test_ontology_declares_the_classes_the_design_asks_for():
    onto = load_ontology()
    for name in ("Country", "Bloc", "Province", "City", "Port", "BorderCrossing", "Corridor",
                 "Road", "Railway", "Bridge", "RiverCrossing", "SeaRoute", "Pipeline",
                 "Commodity", "HSChapter", "HSHeading", "HSSubheading", "Agreement",
                 "SanctionsRegime", "Organisation", "Platform", "Event", "SourceDocument",
                 "Citation", "TradeFlow", "Observation"):
        assert (EKG[name], RDF.type, OWL.Class) in onto, name


def _through_the_build(data: Graph):
    """Validate `data` the way `econkg build` does (quads → Oxigraph → sorted lines → rudof,
    pySHACL for the report): (violations, the N-Triples rudof read)."""
    from rdflib import URIRef

    from econkg.export import sorted_nquads
    from econkg.pipeline import check_shapes_of, union_ntriples
    from econkg.quadsink import QuadSink
    from econkg.store import OxigraphStore

    sink = QuadSink()
    g = sink.graph(URIRef("urn:econkg:test"))
    for t in data:
        g.add(t)
    store = OxigraphStore()
    store.store.load(sink.nquads(), format=store._ox.RdfFormat.N_QUADS)
    lines = sorted_nquads(store)
    violations, _ = check_shapes_of(sink, lines)
    return violations, union_ntriples(lines)


@pytest.mark.parametrize("case", SHAPE_CASES, ids=lambda p: p.stem)
def test_shape_cases(case: Path):
    """Each file says what it expects on its first line; the shapes must say exactly that:
    a negative case breaks one rule, so every violation it raises is that rule's. Checked
    through the build's own path, and with each engine alone: rudof (which decides) and
    pySHACL (which writes the report) give the same verdict on every case."""
    from econkg.validate import conforms

    expect = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
    data = Graph().parse(case) + load_ontology()
    violations, ntriples = _through_the_build(data)
    alone = validate(data, load_shapes())
    rudof, _ = conforms(ntriples, (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"))
    if expect == "conforms":
        assert violations == [] and alone == [] and rudof is True
    else:
        assert rudof is False
        assert [(v.message, v.severity) for v in violations] == \
            [(v.message, v.severity) for v in alone]
        messages = [v.message for v in violations]
        assert messages and all(m.startswith(expect) for m in messages), messages


def test_a_shacl_verdict_is_reused_only_for_the_same_triples(built, tmp_path):
    """`build` skips SHACL when the published release conformed on exactly these triples,
    shapes and engines; any other triples (or a manifest naming other ones) are validated."""
    import json

    from econkg.pipeline import current_release, write_build
    from econkg.pipeline import start_shapes_check as check

    def check_shapes_of(quads, lines, verdicts):
        return check(quads, lines, verdicts).wait()

    write_build(built, tmp_path, Path(__file__).parent.parent / "seeds")
    assert built.shacl["conforms"] is True
    assert check_shapes_of(built.quads, built.lines, tmp_path)[1].get("reused") is True
    fewer = [ln for ln in built.lines if b"/citation/" not in ln]  # citations dropped
    violations, verdict = check_shapes_of(built.quads, fewer, tmp_path)
    assert not verdict.get("reused") and verdict["key"] != built.shacl["key"]
    assert violations and verdict["conforms"] is False
    manifest = current_release(tmp_path) / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["shacl"]["key"] = "0" * 64
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    assert not check_shapes_of(built.quads, built.lines, tmp_path)[1].get("reused")


def test_every_shape_has_a_negative_case():
    """Each node shape and each of its property constraints is broken by some case."""
    from rdflib.namespace import SH

    shapes = load_shapes()
    expected = {case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:")
                .strip() for case in SHAPE_CASES}
    messages = {str(m) for m in shapes.objects(None, SH.message)}
    untested = sorted(m for m in messages if not any(m.startswith(e) for e in expected))
    assert untested == []
    assert len(SHAPE_CASES) >= len(messages)


def test_the_seed_graph_conforms(built):
    assert built.violations == []


# --- the statement model ---------------------------------------------------------------


def test_one_named_graph_per_source_document(dataset):
    names = {str(g.identifier).rsplit("/", 1)[1] for g in dataset.graphs() if len(g)}
    for doc in ("000_9e5f7cb7cd004f31", "002_a68b94a328799fa6"):
        assert doc in names


def test_direct_triple_has_a_statement_node_with_citation(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        PREFIX p: <https://w3id.org/econkg/prop/>
        PREFIX ps: <https://w3id.org/econkg/prop/statement/>
        SELECT ?line ?quote WHERE {
          kg:sinuiju ekg:adjoins kg:dandong .
          kg:sinuiju p:adjoins ?st . ?st ps:adjoins kg:dandong ; ekg:citation ?c .
          ?c ekg:line ?line ; ekg:quote ?quote .
        }""")
    assert [(int(r[0]), str(r[1])) for r in res.rows] == [(31, "毗邻中国丹东")]


def test_iso_codes_and_names_come_from_pycountry(dataset):
    g = union_graph(dataset)
    from econkg.namespaces import KG

    assert str(g.value(KG["north-korea"], EKG.isoCode)) == "KP"
    assert str(g.value(KG["north-korea"], EKG.isoAlpha3)) == "PRK"
    alt = {str(x) for x in g.objects(KG["north-korea"], SKOS.altLabel)}
    assert "Democratic People's Republic of Korea" in alt


# --- exports -------------------------------------------------------------------------------


def _export(tmp_path: Path, fmt: str, name: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["--build-dir", str(tmp_path / "b"), "export",
                                       "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def stored(dataset) -> Dataset:
    """The built dataset as the store holds it: Oxigraph keeps every string byte for byte
    but writes numbers in their canonical XSD 1.1 form (2730000000, not 2730000000.0)."""
    from econkg.store import OxigraphStore

    back = Dataset()
    back.parse(data=OxigraphStore.from_dataset(dataset).dump_nquads(), format="nquads")
    return back


def test_the_store_changes_numbers_only_in_lexical_form(dataset, stored):
    from econkg.namespaces import KG

    node = KG["observation/cn-kp-trade-2025"]
    a, b = union_graph(dataset).value(node, EKG.value), union_graph(stored).value(node, EKG.value)
    assert (str(a), str(b)) == ("2730000000.0", "2730000000")
    assert a.toPython() == b.toPython() == 2730000000
    strings = lambda g: sorted(  # noqa: E731
        (s, p, str(o)) for s, p, o in union_graph(g) if getattr(o, "datatype", None) is None)
    assert strings(dataset) == strings(stored)


def test_turtle_export_parses_back_isomorphic(tmp_path, stored):
    out = _export(tmp_path, "turtle", "kg.ttl")
    back = Graph().parse(out, format="turtle")
    assert isomorphic(back, union_graph(stored))


def test_trig_export_keeps_named_graphs(tmp_path, dataset, stored):
    out = _export(tmp_path, "trig", "kg.trig")
    back = Dataset()
    back.parse(out, format="trig")
    for g in dataset.graphs():
        if len(g):
            assert isomorphic(back.graph(g.identifier), stored.graph(g.identifier)), \
                g.identifier


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nquads", "jsonld"])
def test_two_builds_give_byte_identical_output(tmp_path, fmt):
    a = _export(tmp_path, fmt, "a.out").read_bytes()
    b = _export(tmp_path, fmt, "b.out").read_bytes()
    assert a == b and len(a) > 10_000


def test_build_writes_a_dataset_later_commands_reuse(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["--build-dir", str(tmp_path), "build"])
    assert res.exit_code == 0, res.output
    assert "SHACL: conforms" in res.output
    assert (tmp_path / "econkg.trig").is_file() and (tmp_path / "manifest.json").is_file()
    res = runner.invoke(main, ["--build-dir", str(tmp_path), "stats", "--json"])
    assert res.exit_code == 0
    assert "out of date" not in res.output
    assert '"000_9e5f7cb7cd004f31.txt"' in res.output


# --- citations ---------------------------------------------------------------------------


def test_verify_citations_against_the_sources(sources_dir):
    res = CliRunner().invoke(main, ["verify-citations", "--sources", str(sources_dir)])
    assert res.exit_code == 0, res.output
    assert re.search(r"all \d+ citations match", res.output)


def test_verify_citations_catches_a_wrong_line(seed_copy, sources_dir):
    path = seed_copy / "observations" / "000.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("000_9e5f7cb7cd004f31.txt,5,27.3亿美元",
                                 "000_9e5f7cb7cd004f31.txt,7,27.3亿美元"), encoding="utf-8")
    res = CliRunner().invoke(main, ["--seeds", str(seed_copy), "verify-citations",
                                    "--sources", str(sources_dir)])
    assert res.exit_code == 1
    assert "'27.3亿美元' is not printed on 000_9e5f7cb7cd004f31.txt line 7" in res.output
    assert "(it is on line 5)" in res.output


# --- bad input ---------------------------------------------------------------------------

ROW = "000_9e5f7cb7cd004f31.txt,5,27.3亿美元"
GOOD = "cn-kp-trade-2025,TradeValue,china,north-korea,total,,,2025,,2730000000,,USD,,,,,,"


@pytest.mark.parametrize("old,new,where,message", [
    (GOOD + ",China–North Korea trade in 2025 (Chinese customs).," + ROW,
     GOOD + ",x,,,", "observations/000.csv:2: field 'source'", "every fact needs its citation"),
    ("cn-kp-trade-2025,TradeValue,china,north-korea",
     "cn-kp-trade-2025,TradeValue,china,nort-korea",
     "observations/000.csv:2: field 'partner'", "unknown entity id 'nort-korea' (did you mean"),
    ("2025,,2730000000,,USD", "2025,,27.3e8x,,USD", "observations/000.csv:2: field 'value'",
     "is not a number"),
    ("north-korea,total,,,2025,,2730000000", "north-korea,total,,,2025-13,,2730000000",
     "observations/000.csv:2: field 'period'", "month 13 does not exist"),
    (ROW, "000_9e5f7cb7cd004f31.txt,500,27.3亿美元", "observations/000.csv:2: field 'line'",
     "beyond the end of 000_9e5f7cb7cd004f31.txt (85 lines)"),
    ("2025,,2730000000,,USD", "2025,,2370000000,,USD", "observations/000.csv:2: field 'value'",
     "2370000000 does not match the quoted figure '27.3亿美元'"),
])
def test_bad_seed_rows_fail_with_file_row_field_and_write_nothing(
        seed_copy, tmp_path, old, new, where, message):
    path = seed_copy / "observations" / "000.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["--seeds", str(seed_copy), "--build-dir", str(out), "build"])
    assert res.exit_code == 1
    assert where in res.output and message in res.output, res.output
    assert "nothing was written" in res.output
    assert not out.exists()


def test_a_failed_build_keeps_the_previous_build(seed_copy, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(main, ["--seeds", str(seed_copy), "--build-dir", str(out),
                                "build"]).exit_code == 0
    before = (out / "econkg.trig").read_bytes()
    path = seed_copy / "observations" / "000.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2730000000,", ",oops,"),
                    encoding="utf-8")
    assert runner.invoke(main, ["--seeds", str(seed_copy), "--build-dir", str(out),
                                "build"]).exit_code == 1
    assert (out / "econkg.trig").read_bytes() == before


def test_unknown_predicate_names_close_matches(seed_copy, tmp_path):
    path = seed_copy / "relations" / "000.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("sinuiju,adjoins,dandong",
                                                             "sinuiju,adjoin,dandong"),
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["--seeds", str(seed_copy), "--build-dir",
                                    str(tmp_path / "o"), "build"])
    assert res.exit_code == 1
    assert "field 'predicate': 'adjoin' is not a relation of the ontology" in res.output
    assert "did you mean adjoins" in res.output


def test_malformed_ontology_gives_a_clear_error(tmp_path, monkeypatch):
    onto = tmp_path / "ontology"
    onto.mkdir()
    for f in ontology_dir().glob("*.ttl"):
        (onto / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    bad = '@prefix ekg: <x#> .\nekg:A a ekg:B .\nekg:C ekg:d "unterminated .\n'
    (onto / "econkg.ttl").write_text(bad, encoding="utf-8")
    monkeypatch.setenv("ECONKG_ONTOLOGY", str(onto))
    res = CliRunner().invoke(main, ["--build-dir", str(tmp_path / "o"), "build"])
    assert res.exit_code == 1
    assert "econkg.ttl: not valid Turtle: Parser error between line 3 column 13" in res.output
    assert "Traceback" not in res.output


def _ontology_copy(tmp_path: Path, monkeypatch, extra_shapes: str) -> Path:
    onto = tmp_path / "ontology"
    onto.mkdir()
    for f in ontology_dir().glob("*.ttl"):
        (onto / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    with open(onto / "shapes.ttl", "a", encoding="utf-8") as fh:
        fh.write(extra_shapes)
    monkeypatch.setenv("ECONKG_ONTOLOGY", str(onto))
    return onto


def test_a_build_that_breaks_a_shape_publishes_nothing(seed_copy, tmp_path, monkeypatch):
    """SHACL runs while the release is written; its verdict still decides: the staging
    directory goes, the previous release stays current, and `validate` says the same."""
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["--seeds", str(seed_copy), "--build-dir", str(out)]
    assert runner.invoke(main, [*args, "build"]).exit_code == 0
    before = (out / "current").resolve()
    _ontology_copy(tmp_path, monkeypatch, """
<urn:test:EnglishOnly> a sh:NodeShape ;
    sh:targetNode <https://w3id.org/econkg/id/dandong> ;
    sh:property [ sh:path rdfs:label ; sh:languageIn ( "en" ) ;
                  sh:message "test: English labels only" ] .
""")
    for command in ("build", "validate"):
        res = runner.invoke(main, [*args, command])
        assert res.exit_code == 1, res.output
        assert "Violation: kg:dandong rdfs:label: test: English labels only" in res.output
        assert "Error: 1 SHACL violation(s); nothing was written" in res.output
    assert (out / "current").resolve() == before
    assert [d.name for d in (out / "releases").iterdir()] == [before.name]  # no staging


def test_a_release_being_read_is_kept_until_its_reader_lets_go(tmp_path):
    """Writers keep the two newest releases; an older one a reader still holds (a long
    `econkg serve`) stays until it is let go, and the next writer removes it then."""
    from econkg.pipeline import hold_release, publish

    root = tmp_path / "b"

    def fill(staging: Path) -> dict:
        (staging / "data").write_text("x", encoding="utf-8")
        return {}

    first = publish(root, fill)
    legacy = publish(root, fill)
    (legacy / ".readers").unlink()  # as releases were before readers held them
    hold = hold_release(first)
    assert hold is not None and hold_release(legacy) is None
    for _ in range(3):
        newest = publish(root, fill)
    kept = sorted(d.name for d in (root / "releases").iterdir())
    assert first.name in kept and legacy.name not in kept and len(kept) == 3
    assert newest.name in kept and (root / "current").resolve() == newest
    hold.close()
    publish(root, fill)
    assert not first.exists() and len(list((root / "releases").iterdir())) == 2


def test_commands_hold_the_release_they_read(built, tmp_path):
    from conftest import SEEDS
    from econkg.pipeline import open_store, write_build

    write_build(built, tmp_path / "b", SEEDS)
    store = open_store(tmp_path / "b", SEEDS)
    assert store.hold is not None and not store.hold.closed


def test_a_malformed_shapes_file_is_named(seed_copy, tmp_path, monkeypatch):
    _ontology_copy(tmp_path, monkeypatch, '\n<urn:x> a sh:NodeShape ; sh:name "open .\n')
    res = CliRunner().invoke(main, ["--seeds", str(seed_copy), "--build-dir",
                                    str(tmp_path / "o"), "build"])
    assert res.exit_code == 1
    assert "shapes.ttl: not valid Turtle: Parser error between line" in res.output
    assert "nothing was written" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o" / "current").exists()


def test_the_shapes_verdict_waits_and_hands_errors_over():
    import threading

    from econkg.pipeline import ShapesVerdict

    gate = threading.Event()
    verdict = ShapesVerdict(lambda: (gate.wait(), (["v"], {"conforms": False}))[1])
    assert verdict._thread.is_alive()  # still working: nothing has been decided
    gate.set()
    assert verdict.violations == ["v"] and verdict.report == {"conforms": False}
    assert verdict.seconds > 0

    def fail():
        raise RuntimeError("engine broke")

    with pytest.raises(RuntimeError, match=r"^engine broke$"):
        ShapesVerdict(fail).wait()
    done = ShapesVerdict(done=([], {"reused": True}))
    assert (done.violations, done.report, done.seconds) == ([], {"reused": True}, 0.0)


# --- start-up ----------------------------------------------------------------------------


def test_cli_import_loads_no_heavy_library():
    code = ("import sys, econkg.cli; heavy = [m for m in ('rdflib', 'pyshacl', 'networkx', "
            "'pyvis', 'pandas', 'pyoxigraph') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_query_command_reads_the_store_without_rdflib(built, tmp_path):
    """`econkg query` on a published build opens the Oxigraph store and prints: no rdflib,
    pyshacl or pandas is imported, so it starts fast (and its rows are the usual ones)."""
    from conftest import SEEDS
    from econkg.pipeline import write_build

    write_build(built, tmp_path / "b", SEEDS)
    code = ("import sys\nfrom econkg.cli import main\ntry:\n"
            f"    main(['--seeds', {str(SEEDS)!r}, '--build-dir', {str(tmp_path / 'b')!r}, "
            "'query', 'trade-over-time', '--format', 'csv'])\n"
            "except SystemExit as exc:\n    code = exc.code\n"
            "heavy = [m for m in ('rdflib', 'pyshacl', 'pandas', 'networkx', 'fastapi') "
            "if m in sys.modules]\nprint(code, heavy, file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stderr.strip().splitlines()[-1] == "0 []"
    assert "2025,trade value,total trade,2730000000,,US dollar,,,fact," \
           "000_9e5f7cb7cd004f31.txt,5,27.3亿美元" in res.stdout.splitlines()


def test_the_console_command_flushes_its_output_and_keeps_its_exit_code(built, tmp_path):
    """`python -m econkg` leaves by os._exit after flushing: every row reaches a pipe,
    an error exits 1 with its message, and a reader that leaves early is not an error."""
    from conftest import SEEDS
    from econkg.pipeline import write_build

    write_build(built, tmp_path / "b", SEEDS)
    cmd = [sys.executable, "-m", "econkg", "--seeds", str(SEEDS), "--build-dir",
           str(tmp_path / "b")]
    whole = subprocess.run([*cmd, "export", "--format", "nt"], capture_output=True)
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.endswith(b" .\n") and whole.stdout.count(b"\n") > 20_000
    bad = subprocess.run([*cmd, "query", "no-such-question"], capture_output=True, text=True)
    assert bad.returncode != 0 and "no-such-question" in bad.stderr
    assert "Traceback" not in bad.stderr
    early = subprocess.Popen([*cmd, "export", "--format", "nt"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert early.stdout.read(100)
    early.stdout.close()  # the reader leaves (`| head`)
    assert early.wait(timeout=60) == 0
    assert b"Traceback" not in early.stderr.read()


def test_the_prompt_exit_waits_when_threads_or_workers_still_run():
    import multiprocessing
    import threading

    from econkg.cli import _still_running

    assert not _still_running()
    gate = threading.Event()
    thread = threading.Thread(target=gate.wait)
    thread.start()
    assert _still_running()
    gate.set()
    thread.join()
    assert not _still_running()
    child = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,),
                                                          daemon=True)
    child.start()
    try:
        assert _still_running()
    finally:
        child.kill()
        child.join()
    assert not _still_running()


def test_help_lists_every_command():
    """The Commands section of --help names exactly the commands the CLI has."""
    from econkg.cli import COMMANDS

    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0
    section = res.output.split("Commands:", 1)[1]
    listed = {line.split()[0] for line in section.splitlines()
              if line.startswith("  ") and not line.startswith("   ")}
    assert listed == set(COMMANDS)
    assert {"analyze", "viz", "serve", "query", "queries"} <= listed


# --- consistency -------------------------------------------------------------------------


def test_printed_parts_are_checked_against_printed_totals(built):
    """China–North Korea 2025: 约23亿 + 4亿多 ≈ 27.3亿 and 约23亿 − 4亿多 ≈ 近19亿 agree."""
    assert not [w for w in built.warnings if "north-korea" in w]


def test_a_total_that_disagrees_with_its_parts_is_a_warning_with_both_citations(seed_copy):
    from econkg.pipeline import build

    path = seed_copy / "observations" / "000.csv"
    text = path.read_text(encoding="utf-8")
    # A mistyped total (37.3亿 instead of 27.3亿) no longer matches exports + imports.
    text = text.replace("2025,,2730000000,,USD,,,,,,,China–North Korea trade in 2025 (Chinese "
                        "customs).,000_9e5f7cb7cd004f31.txt,5,27.3亿美元",
                        "2025,,3730000000,,USD,,,,,,,x,000_9e5f7cb7cd004f31.txt,5,37.3亿美元")
    path.write_text(text, encoding="utf-8")
    result = build(seed_copy, check_shapes=False)
    [warning] = [w for w in result.warnings if "exports + imports" in w]
    assert "000_9e5f7cb7cd004f31.txt:5 «37.3亿美元»" in warning
    assert "000_9e5f7cb7cd004f31.txt:12 «4亿多美元»" in warning


def test_the_installed_package_works_outside_the_checkout(tmp_path):
    """Run from an empty folder with no ECONKG_* variables: the ontology, shapes, seeds and
    queries come from the package itself."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("ECONKG_")}
    for command, expected in (("queries", "trade-over-time"), ("validate", "SHACL: conforms")):
        code = ("import sys; from econkg.cli import main; "
                f"sys.argv = ['econkg', '--build-dir', 'b', '{command}']; main()")
        res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        assert expected in res.stdout


def test_statement_value_shape_lists_every_seed_relation():
    """The statement-value shape names the ps: properties one by one (core SHACL, fast);
    the list must be the ontology's relations, or a new relation's statements go unchecked."""
    from rdflib import URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    from econkg.readmodel import schema_from

    shapes = load_shapes()
    shape = URIRef("https://w3id.org/econkg/shapes#StatementValueShape")
    [prop] = shapes.objects(shape, SH.property)
    path = shapes.value(prop, SH.path)
    listed = {str(p).rsplit("/", 1)[-1]
              for p in Collection(shapes, shapes.value(path, SH.alternativePath))}
    assert listed == schema_from(load_ontology()).seed_relations


def test_the_quads_the_build_loads_are_rdflibs(built):
    """The build writes N-Quads from its quads without rdflib's store; the lines are the
    ones the store holds (so SHACL can start on them before the store is loaded), and,
    decimals aside (canonical, as Oxigraph writes them), the ones rdflib's serializer
    writes for the same dataset, odd literals included."""
    from decimal import Decimal

    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from econkg.quadsink import QuadSink

    def lines(data: bytes) -> set[bytes]:
        return {ln for ln in data.split(b"\n") if ln.strip()}

    assert lines(built.quads.nquads()) == set(built.lines)
    rdflib_lines = lines(built.dataset.serialize(format="nquads", encoding="utf-8"))
    changed = lines(built.quads.nquads()) - rdflib_lines
    assert len(changed) == len(rdflib_lines - lines(built.quads.nquads())) > 100
    assert all(b"XMLSchema#decimal>" in ln for ln in changed)
    sink = QuadSink()
    g = sink.graph(URIRef("urn:econkg:g"))
    x = URIRef("urn:econkg:x")
    odd = [Literal("x", lang="en"), Literal("x", lang="zh"), Literal("1", datatype=XSD.integer),
           Literal("01", datatype=XSD.integer), Literal('a "b"\n\\c\u2028'), BNode("b1"),
           URIRef("b1"), Literal("b1")]
    for o in odd:
        g.add((x, x, o))
    assert lines(sink.nquads()) == lines(sink.to_dataset().serialize(format="nquads",
                                                                     encoding="utf-8"))
    assert len(lines(sink.nquads())) == len(odd) - 1  # "1" and "01" are one integer
    for value, text in (("1700.0", "1700"), ("2.50", "2.5"), ("-0.0", "0"), ("+.5", "0.5")):
        one = QuadSink()
        one.graph(URIRef("urn:econkg:g")).add((x, x, Literal(Decimal(value))))
        assert one.nquads() == (f'<urn:econkg:x> <urn:econkg:x> "{text}"^^<{XSD.decimal}> '
                                "<urn:econkg:g> .\n").encode()


def test_shacl_judges_the_lines_the_store_holds(monkeypatch):
    """SHACL starts on the sink's lines before the store is loaded; when the store holds
    some literal in another form (here: decimals written as rdflib writes them, which
    Oxigraph rewrites), the verdict is reached again on the store's own lines."""
    from econkg import pipeline, quadsink

    monkeypatch.setattr(quadsink, "canonical_decimal", lambda text: text)
    started = []
    real = pipeline.start_shapes_check

    def spy(quads, lines, verdicts=None, session=None):
        verdict = real(quads, lines, verdicts, session)
        started.append(verdict.ntriples)
        return verdict

    monkeypatch.setattr(pipeline, "start_shapes_check", spy)
    result = pipeline.build(Path(__file__).parent.parent / "seeds")
    assert len(started) == 2 and started[0] != started[1]
    assert b'"2730000000.0"^^' in started[0] and b'"2730000000.0"^^' not in started[1]
    assert result.verdict.ntriples == pipeline.union_ntriples(result.lines) == started[1]
    assert result.violations == [] and result.shacl["conforms"] is True
