"""Spot checks of document 003 (customs press conference on 2025 trade), lines 1-127."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import observations

DOC3 = "003_8ba1e5c70a3d879f.txt"


def _cited(obs):
    return obs["source"], obs["line"], obs["quote"]


def _mine(store, **match):
    """Observations of this document's lines 1-127 (the opening statement and first answers)."""
    return [o for o in observations(store, **match) if o["source"] == DOC3 and o["line"] <= 127]


def _one(store, **match):
    rows = _mine(store, **match)
    assert len(rows) == 1, rows
    return rows[0]


def test_total_trade_2025_exact_and_rounded(store):
    rows = [o for o in _mine(store, measure="TradeValue", reporter="china", period="2025")
            if o.get("partner") is None]
    by_line = {o["line"]: o for o in rows}
    exact, rounded = by_line[15], by_line[17]
    assert exact["value"] == 45_470_000_000_000 and exact["unit"] == "CNY"
    assert exact["quote"] == "45.47万亿元" and exact["approximate"] is False
    assert rounded["value"] == 45_000_000_000_000 and rounded["approximate"] is True
    assert rounded["quote"] == "超过45万亿元"


def test_total_trade_growth_cited_twice(store):
    rows = [o for o in _mine(store, measure="GrowthRate", reporter="china", flow="TotalTrade",
                             period="2025")
            if o.get("partner") is None and o.get("commodity") is None]
    assert {(o["line"], o["value"]) for o in rows} == {(15, 3.8), (41, 3.8)}


def test_exports_and_imports(store):
    rows = [o for o in _mine(store, measure="ExportValue", reporter="china", period="2025")
            if o.get("commodity") is None]
    assert {(o["line"], o["value"]) for o in rows} == {(15, 26_990_000_000_000),
                                                       (59, 26_990_000_000_000)}
    growth = [o for o in _mine(store, measure="GrowthRate", reporter="china",
                               flow="Export", period="2025")
              if o.get("commodity") is None and o.get("partner") is None]
    assert {(o["line"], o["value"]) for o in growth} == {(15, 6.1), (59, 6.1)}
    imp = _one(store, measure="ImportValue", reporter="china", period="2025", line=15)
    assert (imp["value"], imp["quote"]) == (18_480_000_000_000, "进口18.48万亿元")


def test_united_states_trade_and_share(store):
    us = _one(store, measure="TradeValue", reporter="china", partner="united-states")
    assert us["value"] == 4_010_000_000_000 and us["unit"] == "CNY"
    assert _cited(us) == (DOC3, 79, "4.01万亿元")
    share = _one(store, measure="Share", reporter="china", partner="united-states")
    assert (share["value"], share["unit"]) == (8.8, "Percent")
    us_side = _one(store, measure="TradeValue", reporter="united-states", partner="china")
    assert (us_side["value"], us_side["unit"], us_side["period"]) == (
        373_640_000_000, "USD", "2025-01/2025-10")


def test_us_is_top_export_destination(store):
    rank = _one(store, measure="Rank", reporter="china", partner="united-states", flow="Export")
    assert rank["value"] == 1 and rank["line"] == 81


@pytest.mark.parametrize("partner,value,growth", [
    ("belt-and-road-partners", 23_600_000_000_000, 6.3),
    ("asean", 7_550_000_000_000, 8),
    ("latin-america", 3_930_000_000_000, 6.5),
    ("africa", 2_490_000_000_000, 18.4),
])
def test_partner_blocs(store, partner, value, growth):
    tv = _one(store, measure="TradeValue", reporter="china", partner=partner, line=19)
    assert tv["value"] == value and tv["unit"] == "CNY"
    gr = _one(store, measure="GrowthRate", reporter="china", partner=partner, line=19)
    assert gr["value"] == growth


def test_africa_nearly_2_5_trillion(store):
    obs = _one(store, measure="TradeValue", reporter="china", partner="africa", line=99)
    assert obs["value"] == 2_500_000_000_000 and obs["approximate"] is True


def test_high_tech_and_green_exports(store):
    ht = _one(store, measure="ExportValue", commodity="high-tech-products", line=21)
    assert (ht["value"], ht["line"], ht["quote"]) == (5_250_000_000_000, 21, "5.25万亿元")
    contrib = _one(store, measure="Contribution", commodity="high-tech-products")
    assert (contrib["value"], contrib["unit"]) == (2.4, "PercentagePoint")
    new3 = _one(store, measure="GrowthRate", commodity="new-three")
    assert new3["value"] == 27.1
    wind = {o["line"] for o in _mine(store, measure="GrowthRate", commodity="wind-turbines")
            if o["value"] == 48.7}
    assert wind == {21, 63}


def test_enterprise_count_and_private_firms(store):
    firms = _one(store, measure="Count", reporter="china", quote="超过78万家")
    assert firms["value"] == 780_000 and firms["approximate"] is True
    priv = _one(store, measure="Share", reporter="china-private-enterprises")
    assert priv["value"] == 57.3


def test_partner_counts(store):
    exact = _one(store, measure="Count", reporter="china", quote="249个")
    assert exact["value"] == 249 and exact["approximate"] is False
    rough = _one(store, measure="Count", reporter="china", quote="240多个国家和地区")
    assert rough["value"] == 240 and rough["approximate"] is True


def test_cars_from_europe(store):
    obs = _one(store, measure="Share", partner="europe", commodity="cars")
    assert obs["value"] == 60 and obs["approximate"] is True and obs["line"] == 101


def test_busan_meeting_and_fta(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        ASK {
          kg:china ekg:partyTo kg:china-asean-fta-3 .
          kg:australia ekg:partyTo kg:rcep .
          kg:lu-daliang ekg:leaderOf kg:gacc-statistics-department .
        }""")
    assert res.boolean is True


# --- how the rows assert what the lines say (modality, attribution, direction) -------------

@pytest.fixture(scope="module")
def seeds(seeds_dir):
    from econkg.seeds import load_seeds

    return load_seeds(seeds_dir)


def _obs(seeds, ident):
    [o] = [o for o in seeds.observations if o.id == ident]
    return o


def test_world_import_share_is_chinas_place_in_world_imports_and_an_outlook(seeds):
    o = _obs(seeds, "cn-world-import-share-2025")
    assert (o.reporter, o.partner, o.share_of, o.value) == ("china", "", "world imports", 10)
    assert (o.modality, o.stated_by) == ("projection", "wang-jun")
    rank = _obs(seeds, "cn-goods-trade-rank-2025")
    assert (rank.partner, rank.modality, rank.value) == ("", "projection", 1)


def test_wto_forecast_is_a_projection_stated_by_the_wto(seeds):
    o = _obs(seeds, "wto-world-goods-trade-forecast-2026")
    assert (o.value, o.modality, o.stated_by) == (Decimal("0.5"), "projection", "wto")
    ai = _obs(seeds, "world-ai-trade-growth-contribution-2025-h1")
    assert (ai.stated_by, ai.share_of) == ("wto", "increase in world trade")


def test_rounded_figures_restate_the_precise_ones(seeds):
    pairs = {(o.id, o.restates) for o in seeds.observations if o.restates}
    assert {("cn-africa-trade-2025-rounded", "cn-africa-trade-2025"),
            ("cn-trade-2025-rounded", "cn-trade-2025"),
            ("cn-partner-count-2025", "cn-partner-count-2025-exact"),
            ("cn-imports-2025-qa", "cn-imports-2025")} <= pairs


def test_speakers_and_us_statistics(seeds):
    assert _obs(seeds, "cn-us-trade-2025").stated_by == "lu-daliang"
    assert _obs(seeds, "cn-trade-2025").stated_by == "wang-jun"
    assert _obs(seeds, "us-cn-trade-2025-01-10").stated_by == "united-states"


def test_increases_of_counts_are_count_changes(store):
    rows = _mine(store, measure="CountChange", reporter="china")
    assert {(o["line"], o["value"]) for o in rows} == {(45, 3), (93, 2), (93, 6), (93, 10)}
    assert not [o for o in _mine(store, measure="OtherMeasure") if o["line"] in (45, 93)]


def test_double_digit_growth_to_latin_america(store):
    rows = _mine(store, measure="GrowthRate", partner="latin-america", line=103)
    assert {(o["commodity"], o["value"], o["approximate"]) for o in rows} == {
        ("agricultural-machinery", 10, True), ("construction-machinery", 10, True)}


def test_line_81_names_no_leader(seeds):
    cited = [r for r in seeds.relations if r.predicate == "leaderOf"
             and any(c.source == DOC3 and c.line == 81 for c in r.citations)]
    assert cited == []
    [meeting] = [e for e in seeds.entities.values() if e.id == "china-us-busan-meeting-2025"]
    assert meeting.extra["participants"] == "china|united-states"
