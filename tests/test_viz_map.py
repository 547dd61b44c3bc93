"""The map and time parts of the drawing, in Python: projection, basemap, what the map
carries (markers, corridor lines, flow arcs with their US-dollar widths, the unplaced list),
the period control's years and the charts' series (one measure and unit each)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from econkg import viz
from econkg.viz import geo, timeline
from econkg.viz.model import Cite, Entity, Fact, Model


@pytest.fixture(scope="module")
def model(dataset):
    return viz.load_model(dataset)


@pytest.fixture(scope="module")
def data(model):
    return viz.page_data(viz.draw(model, tab="map"))


def test_mercator_projection():
    assert geo.project(0, 0) == (500.0, 500.0)
    assert geo.project(-180, 0)[0] == 0 and geo.project(180, 0)[0] == 1000
    x, y = geo.project(124.39, 40.12)  # Dandong: east of centre, north of the equator
    assert x == pytest.approx(845.53, abs=0.01) and y < 500
    assert geo.project(0, 89.9) == geo.project(0, geo.MAX_LAT)  # clipped, not infinite


def test_basemap_has_the_countries_of_the_region():
    outlines = {c["n"]: c["d"] for c in geo.basemap()}
    assert {"China", "North Korea", "Russia", "South Korea", "Mongolia"} <= set(outlines)
    assert len(outlines) > 200
    d = outlines["North Korea"]
    assert d.startswith("M") and d.endswith("z") and d.count("l") > 50
    # Its first point lies where North Korea is, in grid units of the projection.
    x, y = (int(v) for v in d[1:].split("l")[0].split())
    lon_x, lat_y = x * geo.GRID, y * geo.GRID
    assert geo.project(124, 43)[0] < lon_x < geo.project(131, 37)[0]
    assert geo.project(124, 43)[1] < lat_y < geo.project(131, 37)[1]


def test_markers_are_the_places_with_coordinates(model, data):
    markers = {m["id"]: m for m in data["map"]["markers"]}
    placed = {i for i, e in model.entities.items() if e.lat is not None}
    assert set(markers) == placed
    tumen = markers["tumen-river-crossing"]
    e = model.entities["tumen-river-crossing"]
    assert (tumen["x"], tumen["y"]) == geo.project(e.lon, e.lat)
    # Its tooltip carries the facts of the lines that touch it, with citations.
    assert any(c[0] == "002_a68b94a328799fa6.txt" for f in tumen["tip"]["f"] for c in f["c"])


def test_unplaced_places_and_corridors_are_listed(model, data):
    unplaced = {u["id"]: u["why"] for u in data["map"]["unplaced"]}
    assert unplaced["russia-nk-railway"] == viz.WORDS["en"]["no_ends"]
    assert unplaced["asean"] == viz.WORDS["en"]["no_coords"]
    lines = {line["id"] for line in data["map"]["lines"]}
    corridors = {i for i, e in model.entities.items() if e.group == "corridor"}
    assert lines | {u for u in unplaced if u in corridors} == corridors
    bridge = next(line for line in data["map"]["lines"]
                  if line["id"] == "hong-kong-zhuhai-macao-bridge")
    assert sorted(bridge["ends"]) == ["hong-kong", "macau", "zhuhai"]


def test_flow_arcs_take_their_width_from_usd_of_their_own_direction(data):
    arcs = data["map"]["arcs"]
    out = next(a for a in arcs if (a["from"], a["to"], a["directed"], a["via"])
               == ("china", "north-korea", True, []))
    back = next(a for a in arcs if (a["from"], a["to"], a["directed"], a["via"])
                == ("north-korea", "china", True, []))
    both = next(a for a in arcs if {a["from"], a["to"]} == {"china", "north-korea"}
                and not a["directed"])
    # 2025: China exported about 2.3 billion USD to North Korea and imported more than 0.4
    # billion from it; the two-way total was 2.73 billion (000, line 5 and around).
    assert max(v[2] for v in out["usd"]) == 2.3e9
    assert max(v[2] for v in back["usd"]) == 4e8
    assert max(v[2] for v in both["usd"]) == 2.73e9
    # A click on the China–Russia two-way arc charts its trade values over the years, one
    # measure and unit per chart (2022: 190.271 billion USD; 2023: 240.1 billion USD).
    cn_ru = next(a for a in arcs if {a["from"], a["to"]} == {"china", "russia"}
                 and not a["directed"] and not a["via"])
    usd = next(c for c in cn_ru["tip"]["series"] if (c["measure"], c["unit"])
               == ("TradeValue", "USD"))
    assert {(p["p"], p["y"]) for p in usd["points"]} >= {("2022", 190271000000.0),
                                                          ("2023", 240100000000.0)}
    # The first quarter of 2024 (56.68 billion USD) is not a year: it is not on that chart.
    assert usd["span"] == "year" and "2024-Q1" not in {p["p"] for p in usd["points"]}
    # No currency but USD ever sets a width.
    assert all("CNY" not in str(v) for a in arcs for v in a["usd"])


def _fact(value: str, unit: str, start: date, end: date, line: int, measure="TradeValue"):
    return Fact("figures", "a", "b", period=str(start.year), start=start, end=end,
                parts=[("flow", "TotalTrade")], citations=[Cite("x.txt", line, value)],
                figure=(measure, Decimal(value), unit, ""))


def _tiny_model() -> Model:
    ents = {i: Entity(i, i, "Country", "country", i.upper()) for i in ("a", "b")}
    return Model(ents, [], {}, {}, {})


def test_series_keep_one_measure_and_unit_each():
    facts = [_fact("10", "USD", date(2023, 1, 1), date(2023, 12, 31), 1),
             _fact("12", "USD", date(2024, 1, 1), date(2024, 12, 31), 2),
             _fact("70", "CNY", date(2023, 1, 1), date(2023, 12, 31), 3),
             _fact("80", "CNY", date(2024, 1, 1), date(2024, 12, 31), 4),
             _fact("5", "Percent", date(2024, 1, 1), date(2024, 12, 31), 5, "GrowthRate")]
    m = _tiny_model()
    charts = timeline.series(m, facts, "en", lambda f: {"t": f.period, "c": [
        [c.source, c.line, c.quote] for c in f.citations]})
    assert [(c["measure"], c["unit"]) for c in charts] == [("TradeValue", "CNY"),
                                                           ("TradeValue", "USD")]
    usd = charts[1]
    assert [p["y"] for p in usd["points"]] == [10.0, 12.0]
    assert [p["c"] for p in usd["points"]] == [[["x.txt", 1, "10"]], [["x.txt", 2, "12"]]]
    assert usd["points"][0]["x"] < usd["points"][1]["x"]
    # A quarter beside two years is an unlike figure: it starts no chart of its own alone.
    quarter = _fact("3", "USD", date(2024, 1, 1), date(2024, 3, 31), 6)
    charts = timeline.series(m, [*facts, quarter], "en", lambda f: {"t": "", "c": []})
    assert [p["y"] for p in charts[1]["points"]] == [10.0, 12.0]


def test_periods_are_the_years_of_dated_facts():
    facts = [_fact("1", "USD", date(2023, 1, 1), date(2023, 12, 31), 1),
             _fact("1", "USD", date(2025, 1, 1), date(2026, 1, 31), 1),
             _fact("1", "USD", date(2001, 1, 1), date(2020, 12, 31), 1),  # too long a span
             Fact("locatedIn", "a", "b")]
    assert timeline.periods(facts) == ["2023", "2025", "2026"]


def test_other_claims_only_when_asked_and_dashed():
    """Every statement of a small graph made a plan: none is drawn by default; asked for, they
    are drawn dashed and say what kind of claim they are, on the network and the map."""
    from pathlib import Path

    from rdflib import Dataset, Literal
    from rdflib.namespace import RDF

    from econkg.namespaces import EKG, KG, WGS
    from econkg.readmodel import MODALITY  # ekg:modality, once the ontology has it

    ds = Dataset()
    ds.parse(Path(__file__).parent / "fixtures" / "viz_xss.trig", format="trig")
    for g in list(ds.graphs()):
        for node in list(g.subjects(RDF.type, EKG.Statement)) + list(
                g.subjects(RDF.type, EKG.TradeFlow)):
            g.add((node, MODALITY, Literal("plan")))
    entities = ds.graph(KG[""].replace("/id/", "/graph/") + "entities")
    for ident, lat, lon in (("evil-a", 40.0, 125.0), ("evil-b", 41.0, 126.0),
                            ("evil-c", 42.0, 127.0)):
        entities.add((KG[ident], WGS.lat, Literal(lat)))
        entities.add((KG[ident], WGS.long, Literal(lon)))
    facts_only = viz.page_data(viz.draw(ds))
    everything = viz.page_data(viz.draw(ds, modalities=None))
    assert not [e for e in facts_only["edges"] if e.get("dashes")]
    dashed = [e for e in everything["edges"] if e.get("dashes")]
    assert dashed and len(everything["edges"]) > len(facts_only["edges"])
    assert all("kind of claim" in " ".join(f["t"] for f in e["tip"]["f"]) for e in dashed)
    planned = [a for a in everything["map"]["arcs"] if a["modal"] == ["plan"]]
    assert planned and not [a for a in facts_only["map"]["arcs"] if a["modal"] != ["fact"]]
