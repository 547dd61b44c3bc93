"""Spot checks of exact figures from document 004 (China–Russia cooperation), with citations."""

from __future__ import annotations

from conftest import observations

DOC4 = "004_5f87d5451554f62b.txt"


def test_china_russia_trade_2023(store):
    [obs] = observations(store, measure="TradeValue", reporter="china", partner="russia",
                         period="2023")
    assert obs["value"] == 240_100_000_000
    assert obs["unit"] == "USD"
    assert (obs["source"], obs["line"], obs["quote"]) == (DOC4, 57, "2 401 亿美元")
    assert obs["approximate"] is False


def test_china_russia_trade_2022_and_growth(store):
    [obs] = observations(store, measure="TradeValue", reporter="china", partner="russia",
                         period="2022")
    assert obs["value"] == 190_271_000_000
    assert (obs["source"], obs["line"], obs["quote"]) == (DOC4, 51, "1 902.71 亿美元")
    [growth] = observations(store, measure="GrowthRate", reporter="china", partner="russia",
                            period="2022")
    assert (growth["value"], growth["unit"], growth["line"]) == (29.3, "Percent", 51)


def test_first_quarter_2024(store):
    [obs] = observations(store, measure="TradeValue", reporter="china", partner="russia",
                         period="2024-Q1")
    assert obs["value"] == 56_680_000_000 and obs["line"] == 61


def test_russian_crude_oil_to_china_2023(store):
    [obs] = observations(store, measure="Quantity", reporter="russia", partner="china",
                         commodity="crude-oil", period="2023")
    assert (obs["value"], obs["unit"], obs["source"], obs["line"], obs["quote"]) == (
        107_000_000, "Tonne", DOC4, 137, "1.07 亿吨")
    [growth] = observations(store, measure="GrowthRate", reporter="russia",
                            commodity="crude-oil", period="2023")
    assert (growth["value"], growth["line"]) == (24, 139)


def test_russian_lng_to_china_2023(store):
    [obs] = observations(store, measure="Quantity", reporter="russia", partner="china",
                         commodity="lng", period="2023")
    assert (obs["value"], obs["unit"], obs["line"], obs["quote"]) == (
        8_000_000, "Tonne", 141, "800 万吨")
    [rank] = observations(store, measure="Rank", reporter="china", partner="russia",
                          commodity="lng")
    assert (rank["value"], rank["unit"]) == (3, "Position")


def test_russian_investment_in_china_is_small(store):
    values = {o["period"]: o["value"] for o in observations(
        store, measure="InvestmentFlow", reporter="russia", partner="china")}
    assert values == {"2016": 73_000_000, "2021": 8_000_000, "2023": 31_000_000}


def test_eighteen_border_ports(store):
    [obs] = observations(store, measure="Count", reporter="china", partner="russia",
                         quote="中俄边境口岸 18 个")
    assert (obs["value"], obs["unit"], obs["line"]) == (18, "Number", 107)


def test_border_port_provinces_are_in_china(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        SELECT DISTINCT ?prov WHERE {
          kg:china-russia-border-ports ekg:locatedIn ?prov .
          ?prov a ekg:Province ; ekg:locatedIn+ kg:china .
        }""")
    provinces = {str(r[0]).rsplit("/", 1)[1] for r in res.rows}
    assert provinces == {"jilin", "heilongjiang", "inner-mongolia"}


def test_footnote_sources_are_linked(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        SELECT DISTINCT ?org WHERE { kg:china ekg:reportedBy ?org }""")
    orgs = {str(r[0]).rsplit("/", 1)[1] for r in res.rows}
    assert {"china-customs", "mofcom", "ofdi-bulletin", "sputnik", "rosstat"} <= orgs
