"""Spot checks of exact figures from document 004 (China–Russia cooperation), with citations,
and of what kind of claim each curated row is (the article's gaps, advice and prospects)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import observations

DOC4 = "004_5f87d5451554f62b.txt"
MODALITY_LINES = Path(__file__).parent / "fixtures" / "modality" / "004.json"


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    from econkg.seeds import load_seeds

    return load_seeds(seeds_dir)


def _rows_citing(seeds, lines):
    """(row, modality) of every relation, flow and observation citing one of 004's lines."""
    out = []
    for r in seeds.relations:
        if any(c.source == DOC4 and c.line in lines for c in r.citations):
            out.append(r)
    for f in seeds.flows.values():
        if any(c.source == DOC4 and c.line in lines for c in f.citations):
            out.append(f)
    out.extend(o for o in seeds.observations
               if o.citation.source == DOC4 and o.citation.line in lines)
    return out


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


def test_russian_crude_oil_to_china_2023(store, seeds):
    found = observations(store, measure="Quantity", reporter="russia", partner="china",
                         commodity="crude-oil", period="2023")
    [obs] = [o for o in found if not o["approximate"]]
    assert (obs["value"], obs["unit"], obs["source"], obs["line"], obs["quote"]) == (
        107_000_000, "Tonne", DOC4, 137, "1.07 亿吨")
    # "topped 100 million tonnes" is the same figure rounded, linked to the exact one
    [rounded] = [o for o in found if o["approximate"]]
    assert (rounded["value"], rounded["quote"]) == (100_000_000, "首次突破 1 亿吨")
    [row] = [o for o in seeds.observations if o.id == "ru-cn-crude-oil-threshold-2023"]
    assert row.restates == "ru-cn-crude-oil-2023"
    [rank] = observations(store, measure="Rank", reporter="china", partner="russia",
                          commodity="crude-oil", period="2023")
    assert (rank["value"], rank["flow"], rank["line"]) == (1, "Import", 139)
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


def test_russian_crude_oil_flow_is_china_bound(seeds):
    flow = seeds.flows["ru-cn-crude-oil"]
    assert (flow.supplier, flow.recipient, flow.commodity, flow.stated_by) == (
        "russia", "china", "crude-oil", "sputnik")
    # "largest supplier" is a rank, not a dependence the line never states
    assert not [r for r in seeds.relations if r.predicate == "dependsOn"
                and any(c.source == DOC4 for c in r.citations)]


def test_talent_gap_is_not_a_trade_share(store, seeds):
    assert not observations(store, measure="Share", source=DOC4, line=212)
    [gap] = observations(store, measure="OtherMeasure", quote="存在 90% 的缺口")
    assert (gap["value"], gap["unit"], gap["line"]) == (90, "Percent", 212)
    [row] = [o for o in seeds.observations if o.id == "cn-ru-talent-gap"]
    assert row.counts == "trade specialists in short supply"
    assert row.share_of and row.stated_by == "rosstat"


def test_russias_top_two_exports_share_names_its_whole(seeds):
    [row] = [o for o in seeds.observations if o.id == "ru-cn-top-two-share-2023"]
    assert (row.measure, row.value, row.commodity, row.share_of) == (
        "Share", Decimal("83.2"), "mineral-and-precious-metal-products",
        "Russia's exports to China")


def test_gaps_are_lacks_not_trade(seeds):
    rows = _rows_citing(seeds, set(range(184, 197)) | {242, 244})
    assert len(rows) == 19
    assert {r.modality for r in rows} == {"lack"}
    assert not [r for r in rows if r.predicate == "tradesWith"]
    lacking = {r.object for r in rows if r.subject == "cn-ru-sector-cooperation-plans"}
    assert lacking == {"agricultural-products", "manufactured-products", "high-tech-products"}
    little = {r.object for r in rows if r.subject == "cn-ru-industrial-cooperation"}
    assert little == {"information-technology", "new-materials", "big-data",
                      "artificial-intelligence"}


def test_recommendations_are_proposals(seeds):
    rows = _rows_citing(seeds, set(range(313, 372)))
    assert len(rows) == 9
    assert {r.modality for r in rows} == {"proposal"}
    invests = {r.commodity for r in rows if (r.subject, r.predicate, r.object) == (
        "china", "invests", "russia")}
    assert invests == {"overseas-warehousing", "cross-border-ecommerce-goods"}


def test_energy_prospects_are_projections(seeds):
    rows = _rows_citing(seeds, {414})
    assert {r.object for r in rows} == {"renewable-energy", "hydrogen-energy", "carbon-trading"}
    assert {r.modality for r in rows} == {"projection"}


def test_trade_target_is_a_projection(seeds):
    [row] = [o for o in seeds.observations if o.id == "cn-ru-trade-target"]
    assert (row.measure, row.value, row.modality, row.period) == (
        "Target", 200_000_000_000, "projection", None)


def test_no_positive_investment_in_disinvestment_years(seeds):
    """Lines 81-85: China's net direct investment into Russia was negative in 2019 and 2021."""
    for r in seeds.relations:
        if r.predicate == "invests" and r.period is not None:
            assert r.period.text not in ("2019", "2021"), r.where
    values = {o.period.text: o.value for o in seeds.observations
              if (o.measure, o.reporter, o.partner) == ("InvestmentFlow", "china", "russia")}
    assert values == {"2015": 2_961_000_000}


def test_cptpp_is_only_a_benchmark(seeds):
    rows = [r for r in seeds.relations if r.subject in ("cptpp", "depa")
            and any(c.source == DOC4 for c in r.citations)]
    assert {(r.subject, r.predicate, r.object, r.modality) for r in rows} == {
        ("cptpp", "affects", "cn-ru-it-innovation-base", "proposal"),
        ("depa", "affects", "cn-ru-it-innovation-base", "proposal")}


def test_time_frames_are_periods(seeds):
    [row] = [o for o in seeds.observations if o.id == "cn-ru-odi-rank-2018-on"]
    assert (row.period.text, row.value, row.approx) == ("2018/..", 20, "more-than")
    [streak] = [o for o in seeds.observations if o.id == "ru-cn-partner-rank-streak"]
    assert (streak.period.text, streak.value, streak.unit) == ("2010/2022", 13, "Year")


def test_modality_lines_hold_no_facts(seeds):
    """Every row citing a line listed in the fixture carries that line's kind of claim."""
    listed = json.loads(MODALITY_LINES.read_text(encoding="utf-8"))
    assert set(listed) == {"plan", "proposal", "projection", "lack"}
    for modality, lines in listed.items():
        for row in _rows_citing(seeds, set(lines)):
            assert row.modality == modality, (row.where, modality)
    assert 186 in listed["lack"] and 345 in listed["proposal"] and 414 in listed["projection"]
