"""Seed tables as curators (and their spreadsheets) really write them: a byte-order mark,
stray quotes, huge cells, odd line separators inside cells, and `within` cycles."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from econkg.seeds import MAX_CELL, SeedError, load_seeds, read_rows

COLUMNS = ("id", "note")


def rows(tmp_path: Path, text: str | bytes) -> tuple[list, list[str]]:
    path = tmp_path / "seeds" / "things.csv"
    path.parent.mkdir(exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    problems: list[str] = []
    return list(read_rows(path, COLUMNS, tmp_path / "seeds", problems)), problems


def test_a_byte_order_mark_is_accepted(tmp_path):
    got, problems = rows(tmp_path, "\ufeffid,note\na,first\n")
    assert problems == [] and got == [("seeds/things.csv:2", {"id": "a", "note": "first"})]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c"])
def test_line_separators_inside_a_cell_do_not_split_the_row(tmp_path, separator):
    got, problems = rows(tmp_path, f"id,note\na,River{separator}facing Sinuiju.\nb,two\n")
    assert problems == []
    assert got == [("seeds/things.csv:2", {"id": "a", "note": f"River{separator}facing Sinuiju."}),
                   ("seeds/things.csv:3", {"id": "b", "note": "two"})]


def test_a_quoted_cell_may_span_lines_and_later_rows_keep_their_line(tmp_path):
    got, problems = rows(tmp_path, 'id,note\na,"one\ntwo"\nb,three\n')
    assert problems == []
    assert got == [("seeds/things.csv:2", {"id": "a", "note": "one\ntwo"}),
                   ("seeds/things.csv:4", {"id": "b", "note": "three"})]


def test_a_stray_quote_is_reported_on_its_own_line(tmp_path):
    lines = ["id,note", "a,fine", 'b,"opened and never closed'] + \
        [f"r{i},row {i}" for i in range(15)]
    _, problems = rows(tmp_path, "\n".join(lines) + "\n")
    assert len(problems) == 1 and problems[0].startswith("seeds/things.csv:3: ")
    assert "never closed" in problems[0] and "line 18" in problems[0]


def test_a_quote_in_the_middle_of_a_quoted_cell_is_reported_at_its_row(tmp_path):
    got, problems = rows(tmp_path, 'id,note\na,fine\nb,"say "no" now"\nc,after\n')
    assert [p.split(": ")[0] for p in problems] == ["seeds/things.csv:3"]
    assert '""' in problems[0]
    assert ("seeds/things.csv:4", {"id": "c", "note": "after"}) in got


def test_a_cell_over_the_limit_names_file_row_and_field(tmp_path):
    before = csv.field_size_limit()
    got, problems = rows(tmp_path, f"id,note\na,short\nb,{'x' * (MAX_CELL + 1)}\nc,ok\n")
    assert csv.field_size_limit() == before  # the global switch is put back
    assert problems == [f"seeds/things.csv:3: field 'note': {MAX_CELL + 1:,} characters; a "
                        f"cell may hold at most {MAX_CELL:,}"]
    assert [w for w, _ in got] == ["seeds/things.csv:2", "seeds/things.csv:4"]
    # a cell exactly at the limit is kept whole
    got, problems = rows(tmp_path, f"id,note\na,{'y' * MAX_CELL}\n")
    assert problems == [] and len(got[0][1]["note"]) == MAX_CELL


def test_within_cycles_are_refused_with_the_cycle_named(seed_copy):
    path = seed_copy / "places.csv"
    text = path.read_text(encoding="utf-8")
    old = "liaoning,Province,Liaoning,辽宁省,辽宁|Liaoning Province,CN-LN,china,"
    assert old in text
    path.write_text(text.replace(old, old.replace(",china,", ",dandong,")), encoding="utf-8")
    with pytest.raises(SeedError) as err:
        load_seeds(seed_copy)
    found = [p for p in err.value.problems if "cycle" in p]
    assert len(found) == 1
    assert found[0].startswith("seeds/places.csv:")
    assert "dandong → liaoning → dandong" in found[0]


def test_a_place_within_itself_is_a_cycle(seed_copy):
    path = seed_copy / "places.csv"
    text = path.read_text(encoding="utf-8")
    old = ",丹东市,,liaoning,"
    path.write_text(text.replace(old, ",丹东市,,dandong,"), encoding="utf-8")
    with pytest.raises(SeedError) as err:
        load_seeds(seed_copy)
    assert any("dandong → dandong" in p for p in err.value.problems)


def test_unknown_columns_are_all_named_with_the_expected_ones(tmp_path):
    got, problems = rows(tmp_path, "id,note,colour,size\na,b,c,d\n")
    assert got == []
    assert problems == ["seeds/things.csv:1: unknown column(s) colour, size "
                        "(expected id, note)"]


def test_a_row_with_too_many_cells_is_reported_and_the_next_rows_still_read(tmp_path):
    got, problems = rows(tmp_path, 'id,note\na,one,two\nb,"runs\non",three\nc,fine\n')
    assert problems == [
        "seeds/things.csv:2: more cells than columns",
        'seeds/things.csv:3: more cells than columns (the row runs on to line 4: is a '
        'closing " missing on line 3?)']
    assert got == [("seeds/things.csv:5", {"id": "c", "note": "fine"})]


def test_rows_before_a_quote_never_closed_are_kept(tmp_path):
    got, problems = rows(tmp_path, 'id,note\na,fine\nb,"never closed\nc,lost\n')
    assert got == [("seeds/things.csv:2", {"id": "a", "note": "fine"})]
    assert problems[0].startswith("seeds/things.csv:3: a quoted cell opened on this row")


def test_a_quote_never_closed_in_the_header_is_reported_on_line_1(tmp_path):
    got, problems = rows(tmp_path, 'id,"note\na,b\n')
    assert got == [] and len(problems) == 1
    assert problems[0].startswith("seeds/things.csv:1: a quoted cell opened on this row")


def test_a_short_row_leaves_its_last_cells_empty(tmp_path):
    got, problems = rows(tmp_path, "id,note\na\n")
    assert problems == [] and got == [("seeds/things.csv:2", {"id": "a", "note": ""})]
