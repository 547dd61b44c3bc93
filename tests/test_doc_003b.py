"""Spot checks of document 003, lines 128–257: EU, Belt and Road, imports, the 14th Five-Year
Plan, regions, enterprise types and the Hainan Free Trade Port."""

from __future__ import annotations

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
