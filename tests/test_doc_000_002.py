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
