"""Every named question answers correctly on the real seed graph.

Each `queries/NAME.rq` has its expected answers in `tests/queries/NAME.json`: a list of cases,
each with the parameters to pass and rows that must be in the answer (only the columns
given are compared), or the row that must come first. The figures and citations in those
files were checked by hand against the source documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from econkg.cli import main
from econkg.queries import bindings_for, get_query, list_queries, result_records, run_named
from econkg.store import QueryError

EXPECTED = Path(__file__).parent / "queries"
NAMES = [q.name for q in list_queries()]
# Questions about the place hierarchy also list places known only from reference data
# (pycountry, the curated hierarchy) that no source line mentions.
MAY_BE_UNCITED = {"located-in", "ports-and-crossings", "entity-lookup"}


@pytest.fixture(scope="module")
def ox(dataset):
    from econkg.store import OxigraphStore

    return OxigraphStore.from_dataset(dataset)


def test_there_are_at_least_fifteen_questions_each_with_expectations():
    assert len(NAMES) >= 15
    missing = [n for n in NAMES if not (EXPECTED / f"{n}.json").is_file()]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name):
    q = get_query(name)
    assert q.title and q.question_en and q.question_zh and q.columns
    assert any("\u4e00" <= ch <= "\u9fff" for ch in q.question_zh)


def _matches(row: dict, want: dict) -> bool:
    return all(row.get(k) == v for k, v in want.items())


@pytest.mark.parametrize("name", NAMES)
def test_named_query_answers(name, ox):
    for case in json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8")):
        rows = result_records(run_named(ox, name, **case["params"]))
        assert rows, f"{name} {case['params']} returned nothing"
        for want in case.get("contains", []):
            assert any(_matches(r, want) for r in rows), (name, case["params"], want, rows[:5])
        if "first" in case:
            assert _matches(rows[0], case["first"]), (name, rows[0])
        if {"source", "line", "quote"} <= set(rows[0]) and name not in MAY_BE_UNCITED:
            cited = [r for r in rows if r["source"] and r["line"] and r["quote"]]
            assert len(cited) == len(rows), f"{name}: rows without a citation"


def test_rdflib_and_oxigraph_agree_on_a_question(memory_store, ox):
    """The engines behind the seam give the same answer (rdflib binds with initBindings,
    Oxigraph by substitution)."""
    a = result_records(run_named(memory_store, "trade-over-time", partner="russia"))
    b = result_records(run_named(ox, "trade-over-time", partner="russia"))
    key = lambda r: (r["period"] or "", r["measure"], r["source"], r["line"])  # noqa: E731
    assert sorted(a, key=key) == sorted(b, key=key)


@pytest.mark.parametrize("evil", [
    'china> . } SELECT * WHERE { ?s ?p ?o } #',
    'x" } UNION { ?s ?p ?o } #',
    '丹东" ) } #',
])
def test_a_parameter_cannot_change_the_query(ox, evil):
    q = get_query("entity-lookup")
    rows = result_records(ox.query(q.text, bindings_for(q, {"name": evil}, ox)))
    assert rows == []
    with pytest.raises(QueryError):
        bindings_for(get_query("trade-over-time"), {"partner": evil}, ox)


def test_unknown_parameter_and_unknown_query_are_explained(ox):
    with pytest.raises(QueryError, match="has no parameter colour"):
        bindings_for(get_query("trade-over-time"), {"colour": "red"}, ox)
    with pytest.raises(KeyError, match="did you mean trade-over-time"):
        get_query("trade-over-tme")


def test_python_api_returns_a_dataframe(dataset):
    import econkg

    df = econkg.query(dataset, "trade-over-time", reporter="china", partner="朝鲜")
    row = df[df["measure"] == "trade value"].iloc[0]
    assert (row["value"], row["line"], row["quote"]) == (2730000000, 5, "27.3亿美元")


def test_cli_formats(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["query", "trade-over-time", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "2025,trade value,total trade,2730000000" in res.output
    res = runner.invoke(main, ["query", "entity-lookup", "-p", "name=丹东", "--format", "json"])
    assert json.loads(res.stdout)[0]["en"] == "Dandong"
    res = runner.invoke(main, ["queries"])
    assert all(n in res.output for n in NAMES)


def test_cli_bad_sparql_gives_parser_message_not_traceback():
    res = CliRunner().invoke(main, ["query", "--sparql", "SELECT ?x WHERE { ?x"])
    assert res.exit_code == 1
    assert "SPARQL syntax error" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(main, ["query", "trade-overtime"])
    assert "did you mean trade-over-time" in res.output
