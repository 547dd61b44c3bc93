"""CSV for spreadsheets: text that a spreadsheet would run as a formula is neutralised
with a leading apostrophe; numbers (also negative ones) and ordinary text are untouched."""

from __future__ import annotations

import csv
import io

import pytest

from econkg.tables import spreadsheet_safe


@pytest.mark.parametrize(("cell", "expected"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+cmd", "'+1+cmd"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-81", "-81"), ("+3.5", "+3.5"), ("-2.73e9", "-2.73e9"), ("-.5", "-.5"),
    ("27.3亿美元", "27.3亿美元"), ("Dandong", "Dandong"), ("", ""), ("a=b", "a=b"),
    ("-", "'-"), ("--81", "'--81"),
])
def test_spreadsheet_safe(cell, expected):
    assert spreadsheet_safe(cell) == expected


def test_cli_csv_neutralises_text_and_keeps_numbers(capsys):
    from econkg.commands.query import emit_rows

    emit_rows(["label", "value", "text"],
              [{"label": "=HYPERLINK(\"http://x\")", "value": -81, "text": "-81"},
               {"label": "丹东", "value": -2.5, "text": "@x"}], "csv")
    out = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert out == [["label", "value", "text"], ["'=HYPERLINK(\"http://x\")", "-81", "-81"],
                   ["丹东", "-2.5", "'@x"]]


def test_endpoint_csv_and_tsv_writers_neutralise():
    import pyoxigraph as ox

    from econkg.serve.writers import write_csv, write_tsv

    rows = [(ox.Literal("=1+1"), ox.Literal("-81", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), ox.NamedNode("http://e/x"))]
    body = write_csv(["f", "n", "iri"], rows).decode("utf-8")
    assert list(csv.reader(io.StringIO(body))) == [["f", "n", "iri"],
                                                   ["'=1+1", "-81", "http://e/x"]]
    tsv = write_tsv(["f", "n", "iri"], rows).decode("utf-8").splitlines()
    assert tsv[1].split("\t") == ['"\'=1+1"', '"-81"^^<http://www.w3.org/2001/XMLSchema#integer>',
                                  "<http://e/x>"]
