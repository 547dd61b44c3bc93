"""Spot checks of document 003, lines 128–257: EU, Belt and Road, imports, the 14th Five-Year
Plan, regions, enterprise types and the Hainan Free Trade Port."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import observations

DOC3 = "003_8ba1e5c70a3d879f.txt"


def _cite(obs):
    return (obs["source"], obs["line"], obs["quote"])


def test_china_eu_trade_2025(store):
    [obs] = observations(store, measure="TradeValue", reporter="china", partner="eu",
                         period="2025", commodity=None)
    assert obs["value"] == 5_930_000_000_000
    assert obs["unit"] == "CNY"
    assert _cite(obs) == (DOC3, 129, "5.93万亿元")
    assert obs["approximate"] is False


def test_china_eu_second_largest_partners_both_ways(store):
    ranks = observations(store, measure="Rank", quote="第二大贸易伙伴")
    pairs = {(o["reporter"], o["partner"], o["value"], o["unit"]) for o in ranks}
    assert pairs == {("china", "eu", 2, "Position"), ("eu", "china", 2, "Position")}


def test_eu_ranks_for_consumer_and_high_tech_goods(store):
    got = {(o["flow"], o["commodity"], o["value"])
           for o in observations(store, measure="Rank", reporter="china", partner="eu")}
    assert {("Import", "consumer-goods", 1), ("Export", "consumer-goods", 1),
            ("Import", "high-tech-products", 2), ("Export", "high-tech-products", 3)} <= got


def test_eu_own_figure_is_more_than_700_billion_dollars(store):
    [obs] = observations(store, measure="TradeValue", reporter="eu", partner="china")
    assert (obs["value"], obs["unit"], obs["period"]) == (700_000_000_000, "USD",
                                                          "2025-01/2025-10")
    assert obs["approximate"] is True


def test_belt_and_road_trade_and_share(store):
    [val] = observations(store, measure="TradeValue", reporter="china",
                         partner="belt-and-road-partners", commodity=None, line=146)
    assert val["value"] == 23_600_000_000_000
    [share] = observations(store, measure="Share", reporter="china",
                           partner="belt-and-road-partners", period="2025", commodity=None,
                           line=146)
    assert share["value"] == 51.9


def test_imports_record_and_rank(store):
    [imp] = observations(store, measure="ImportValue", reporter="china", period="2025",
                         commodity=None, partner=None, line=162)
    assert imp["value"] == 18_480_000_000_000
    assert _cite(imp) == (DOC3, 162, "18.48万亿元")
    [rank] = observations(store, measure="Rank", reporter="china", line=162)
    assert rank["value"] == 2 and rank["unit"] == "Position"


def test_five_year_plan_cumulative_trade(store):
    [obs] = observations(store, measure="TradeValue", reporter="china", period="2021/2025",
                         quote="突破200万亿元")
    assert obs["value"] == 200_000_000_000_000 and obs["approximate"] is True


def test_seven_provinces(store):
    [obs] = observations(store, measure="TradeValue", reporter="leading-trade-provinces")
    assert obs["value"] == 34_110_000_000_000
    assert _cite(obs) == (DOC3, 198, "34.11万亿元")
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        SELECT ?p WHERE { ?p ekg:partOf kg:leading-trade-provinces }""")
    members = {str(r[0]).rsplit("/", 1)[1] for r in res.rows}
    assert members == {"guangdong", "jiangsu", "zhejiang", "shanghai", "shandong", "beijing",
                       "fujian"}


def test_xiongan_over_70_billion(store):
    [obs] = observations(store, measure="TradeValue", reporter="xiongan-new-area")
    assert obs["value"] == 70_000_000_000
    assert obs["approximate"] is True
    assert _cite(obs) == (DOC3, 202, "突破了700亿元")


def test_greater_bay_area_keeps_threshold_and_exact_figure(store):
    values = sorted(o["value"] for o in observations(
        store, measure="TradeValue", reporter="gba-mainland-cities"))
    assert values == [9_000_000_000_000, 9_150_000_000_000]


def test_enterprise_types(store):
    [fie] = observations(store, measure="TradeValue", reporter="foreign-invested-enterprises")
    [soe] = observations(store, measure="TradeValue", reporter="state-owned-enterprises")
    assert fie["value"] == 13_270_000_000_000 and soe["value"] == 6_060_000_000_000
    [share] = observations(store, measure="Share", reporter="china-private-enterprises",
                           line=212, quote="57.3%")
    assert share["value"] == 57.3


def test_hainan_free_trade_port_window(store):
    [trade] = observations(store, measure="TradeValue", reporter="hainan-free-trade-port")
    assert trade["value"] == 21_420_000_000
    assert trade["period"] == "2025-12-18/2026-01-10"
    cats = sorted(o["value"] for o in observations(
        store, measure="Count", reporter="hainan-offshore-duty-free-policy"))
    assert cats == [45, 47]


def test_guangdong_and_hainan_port_are_in_china(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        SELECT ?x WHERE {
          ?x ekg:locatedIn+ kg:china .
          FILTER(?x IN (kg:guangdong, kg:hainan-free-trade-port, kg:hzmb-port,
                        kg:xiongan-new-area))
        }""")
    found = {str(r[0]).rsplit("/", 1)[1] for r in res.rows}
    assert found == {"guangdong", "hainan-free-trade-port", "hzmb-port", "xiongan-new-area"}


# --- how the rows assert what the lines say (modality, attribution, direction) -------------

@pytest.fixture(scope="module")
def seeds(seeds_dir):
    from econkg.seeds import load_seeds

    return load_seeds(seeds_dir)


def _at(seeds, line, quote, **match):
    rows = [o for o in seeds.observations
            if o.citation.source == DOC3 and o.citation.line == line and o.citation.quote == quote
            and all(getattr(o, k) == v for k, v in match.items())]
    assert len(rows) == 1, rows
    return rows[0]


def test_growth_by_mode_of_transport(seeds):
    got = {o.via: o.value for o in seeds.observations
           if o.citation.source == DOC3 and o.citation.line == 148 and o.measure == "GrowthRate"
           and o.via}
    assert got == {("waterborne-transport",): Decimal("6.2"),
                   ("overland-transport",): Decimal("12.4"),
                   ("air-transport",): Decimal("8.2")}


def test_price_falls_are_price_changes(store):
    rows = observations(store, measure="PriceChange", reporter="china", line=162)
    assert {(o["commodity"], o["value"]) for o in rows} == {("crude-oil", -10), ("iron-ore", -10)}
    [drag] = observations(store, measure="Contribution", reporter="china", line=162)
    assert drag["value"] == -1.4


def test_survey_share_is_not_a_trade_share(seeds, store):
    o = _at(seeds, 214, "超9成")
    assert (o.measure, o.reporter, o.partner, o.flow, o.value) == (
        "Share", "mnc-survey-institutions", "", "", 90)
    assert o.share_of == "multinational firms responding to the survey"
    assert o.stated_by == "mnc-survey-institutions"
    [plan] = [r for r in seeds.relations if r.predicate == "invests"
              and r.subject == "foreign-invested-enterprises"]
    assert (plan.modality, plan.stated_by) == ("plan", "mnc-survey-institutions")


def test_streaks_span_their_whole_run(store):
    [fie] = observations(store, measure="Count", reporter="foreign-invested-enterprises")
    assert (fie["value"], fie["period"]) == (7, "2024-Q2/2025-Q4")
    [months] = observations(store, measure="Count", reporter="china", line=164)
    assert (months["value"], months["unit"], months["period"]) == (7, "Month",
                                                                    "2025-06/2025-12")
    [border] = observations(store, measure="Count", reporter="border-provinces")
    assert (border["value"], border["unit"], border["period"]) == (4, "Year", "2022/2025")


def test_increases_are_count_changes_and_durations_have_units(store):
    rows = observations(store, measure="CountChange", line=166)
    assert sorted(o["value"] for o in rows) == [190, 83_000]
    [window] = observations(store, reporter="hainan-free-trade-port", quote="24天")
    assert (window["value"], window["unit"]) == (24, "Day")


def test_border_provinces_are_not_named(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        SELECT ?p WHERE { ?p ekg:partOf kg:border-provinces }""")
    assert list(res.rows) == []


def test_plans_of_customs(seeds):
    plans = {(r.subject, r.object) for r in seeds.relations
             if r.modality == "plan" and any(c.source == DOC3 for c in r.citations)}
    assert {("china-customs", "bri-eight-major-steps"),
            ("customs-heads-deliver-policies", "china-customs"),
            ("china-customs", "hainan-free-trade-port")} <= plans
    rank = _at(seeds, 162, "第二大进口市场")
    assert (rank.modality, rank.partner) == ("projection", "")


def test_merged_duplicates(seeds):
    assert "hainan" not in seeds.entities and "hs30" not in seeds.entities
    labels = [e.id for e in seeds.entities.values() if e.label_en == "Pharmaceutical products"]
    assert labels == ["pharmaceuticals"]
    assert seeds.entities["passenger-cars"].extra["broader"] == "cars"
    assert _at(seeds, 131, "4成以上", commodity="passenger-cars").value == 40
