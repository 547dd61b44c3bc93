"""Spot checks of exact figures from documents 000 and 002, with their citations."""

from __future__ import annotations

from conftest import observations

DOC0 = "000_9e5f7cb7cd004f31.txt"
DOC2 = "002_a68b94a328799fa6.txt"


def test_china_north_korea_trade_2025(store):
    [obs] = observations(store, measure="TradeValue", reporter="china", partner="north-korea",
                         period="2025")
    assert obs["value"] == 2_730_000_000
    assert obs["unit"] == "USD"
    assert (obs["source"], obs["line"], obs["quote"]) == (DOC0, 5, "27.3亿美元")
    assert obs["approximate"] is False


def test_growth_is_25_percent(store):
    [obs] = observations(store, measure="GrowthRate", reporter="china", partner="north-korea",
                         period="2025")
    assert (obs["value"], obs["unit"], obs["line"]) == (25, "Percent", 5)


def test_exports_are_approximate_and_surplus_nearly(store):
    [ex] = observations(store, measure="ExportValue", reporter="china", partner="north-korea")
    [bal] = observations(store, measure="TradeBalance", reporter="china", partner="north-korea")
    assert ex["value"] == 2_300_000_000 and ex["approximate"] is True
    assert ex["quote"] == "约23亿美元"
    assert bal["value"] == 1_900_000_000 and bal["approximate"] is True and bal["line"] == 12


def test_medical_multiples_for_january_to_november(store):
    [obs] = observations(store, measure="Multiple", commodity="optical-microscopes")
    assert (obs["value"], obs["period"], obs["line"]) == (30, "2025-01/2025-11", 16)


def test_russian_pork_via_tumen(store):
    [obs] = observations(store, measure="Quantity", reporter="russia", commodity="pork",
                         period="2025")
    assert (obs["value"], obs["unit"], obs["source"], obs["line"]) == (4500, "Tonne", DOC2, 6)
    [jan] = observations(store, measure="Quantity", commodity="pork", period="2026-01")
    assert jan["value"] == 760


def test_grain_capacity_keeps_both_bounds(store):
    [obs] = observations(store, measure="Capacity", reporter="russia", commodity="grain")
    assert (obs["value"], obs["upper"]) == (50_000_000, 60_000_000)
    assert obs["quote"] == "5000万至6000万吨"


def test_barter_pork_for_troops(store):
    res = store.query("""
        PREFIX ekg: <https://w3id.org/econkg/ontology#>
        PREFIX kg: <https://w3id.org/econkg/id/>
        SELECT ?what WHERE {
          ?f ekg:supplier kg:russia ; ekg:recipient kg:north-korea ; ekg:commodity kg:pork ;
             ekg:via kg:tumen-river-crossing ; ekg:inExchangeFor ?g ; ekg:settledIn ekg:RUB .
          ?g ekg:commodity ?what .
        }""")
    what = {str(r[0]).rsplit("/", 1)[1] for r in res.rows}
    assert {"troops", "labour", "munitions"} <= what


# --- what kind of claim each row is (read from the seed tables) ---------------------------

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "modality"


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    from econkg.seeds import load_seeds

    return load_seeds(seeds_dir)


def _facts_cited_to(seeds, source: str) -> dict[int, list[str]]:
    """line → what fact rows cite it (observations, flows, relations, events)."""
    out: dict[int, list[str]] = {}
    rows = [(o.modality, [o.citation], o.where) for o in seeds.observations]
    rows += [(f.modality, f.citations, f.where) for f in seeds.flows.values()]
    rows += [(r.modality, r.citations, r.where) for r in seeds.relations]
    rows += [(e.extra.get("modality") or "fact", e.citations, e.where)
             for e in seeds.entities.values() if e.kind == "events"]
    for modality, citations, where in rows:
        for c in citations:
            if c.source == source and modality == "fact":
                out.setdefault(c.line, []).append(where)
    return out


@pytest.mark.parametrize("doc,source", [("000", DOC0), ("002", DOC2)])
def test_no_fact_row_cites_a_non_factual_line(seeds, doc, source):
    listed = json.loads((FIXTURES / f"{doc}.json").read_text())
    facts = _facts_cited_to(seeds, source)
    lines = {n for key in ("plan", "proposal", "projection", "lack") for n in listed[key]}
    assert lines, "the fixture lists no lines"
    assert {n: facts[n] for n in lines if n in facts} == {}


def _obs(seeds, ident):
    [o] = [o for o in seeds.observations if o.id == ident]
    return o


def test_2026_outlook_is_a_projection(seeds):
    assert seeds.flows["cn-kp-construction-machinery"].modality == "projection"
    assert seeds.flows["kp-cn-tourism"].modality == "projection"
    firms = _obs(seeds, "nk-ecommerce-firms-2026")
    assert (firms.measure, firms.value, firms.modality) == ("Count", 50, "projection")
    assert _obs(seeds, "nk-ecommerce-firms-now").modality == "fact"
    assert seeds.entities["nk-tourism-opening-2026"].extra["modality"] == "projection"


def test_china_plans_digital_trade_zones(seeds):
    [rel] = [r for r in seeds.relations if r.subject == "digital-trade-demo-zones"]
    assert (rel.predicate, rel.object, rel.modality) == ("imposedBy", "china", "plan")


def test_customs_and_platform_figures_are_attributed(seeds):
    assert _obs(seeds, "cn-kp-microscopes-2025").stated_by == "china-customs"
    assert _obs(seeds, "cn-kp-microscopes-2025").base_period is None
    assert _obs(seeds, "chaowu-products-2026-01").stated_by == "chaowu-shangxian"
    assert _obs(seeds, "ru-kp-pork-2025").stated_by == "authoritative-channels-002"


def test_north_korea_depends_on_china_not_the_reverse(seeds):
    share = _obs(seeds, "kp-cn-share-of-trade")
    assert (share.reporter, share.partner, share.value, share.approx) == (
        "north-korea", "china", 90, "more-than")
    export_share = _obs(seeds, "cn-kp-export-share-2025")
    assert export_share.share_of == "China–North Korea total trade"


def test_plastics_are_processed_for_a_fee_not_bartered(seeds):
    goods = seeds.flows["kp-world-processed-goods"]
    assert goods.in_exchange_for == ()
    fee = seeds.flows["kp-world-processing"]
    assert (fee.supplier, fee.recipient, fee.commodity) == (
        "north-korea", "world", "processing-services")
    assert fee.citations[0].line == 33


def test_sinuiju_is_north_koreas_largest_export_port(seeds):
    rank = _obs(seeds, "sinuiju-port-export-rank")
    assert (rank.measure, rank.value, rank.flow, rank.citation.line) == ("Rank", 1, "export", 31)


def test_refining_and_milling_deals_are_north_korean_plans(seeds):
    # 002:22 reports signs that North Korea is planning (谋划) to become a hub; nobody
    # recommends the deals, so they are plans, like the hub itself, not proposals.
    for ident in ("ru-kp-crude-oil", "ru-kp-grain", "kp-sea-flour", "kp-region-refined-oil"):
        assert seeds.flows[ident].modality == "plan", ident
    [hub] = [r for r in seeds.relations if r.object == "nk-russia-goods-hub"]
    assert (hub.subject, hub.predicate, hub.modality) == ("north-korea", "plans", "plan")
    assert seeds.flows["kp-sea-flour"].in_exchange_for == ()
    projected = _obs(seeds, "ru-kp-pork-2026-projection")
    assert (projected.measure, projected.value, projected.modality) == (
        "Quantity", 10000, "projection")


def test_russia_south_korea_trade_is_before_2024(seeds):
    obs = _obs(seeds, "ru-kr-trade-pre-2024")
    assert obs.period.text == "../2023"
    assert (obs.value, obs.upper) == (9_000_000_000, 10_000_000_000)
