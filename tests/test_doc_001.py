"""Spot checks of exact figures and facts from document 001 (Jilin's trade with North Korea)."""

from __future__ import annotations

from conftest import observations

DOC1 = "001_e0cc51205be7c923.txt"
PREFIX = """
PREFIX ekg: <https://w3id.org/econkg/ontology#>
PREFIX kg: <https://w3id.org/econkg/id/>
"""


def _ids(res) -> set[str]:
    return {str(r[0]).rsplit("/", 1)[1] for r in res.rows}


def test_imports_fell_81_percent_in_2020(store):
    [obs] = observations(store, measure="GrowthRate", reporter="north-korea", period="2020")
    assert (obs["value"], obs["unit"], obs["flow"]) == (-81, "Percent", "Import")
    assert (obs["source"], obs["line"], obs["quote"]) == (DOC1, 42, "进口下降 81%")
    assert obs["approximate"] is False


def test_trade_under_half_of_former_average(store):
    [obs] = observations(store, measure="OtherMeasure", reporter="north-korea",
                         partner="china", source=DOC1, unit="Percent")
    assert obs["value"] == 50 and obs["approximate"] is True
    assert (obs["line"], obs["quote"]) == (40, "均水平的一半")


def test_visit_gaps_and_fifth_summit(store):
    [kim] = observations(store, measure="OtherMeasure", reporter="north-korea",
                         period="2018-03")
    assert (kim["value"], kim["unit"], kim["line"]) == (7, "Year", 10)
    [xi] = observations(store, measure="OtherMeasure", reporter="china", period="2019-06")
    assert (xi["value"], xi["unit"], xi["line"], xi["quote"]) == (14, "Year", 17, "相隔 14 年")
    [count] = observations(store, measure="Count", reporter="china", partner="north-korea",
                           source=DOC1)
    assert (count["value"], count["line"], count["quote"]) == (5, 19, "第五次会晤")
    [rank] = observations(store, measure="Rank", reporter="kim-jong-un")
    assert (rank["value"], rank["period"]) == (2, "2018-05")


def test_kim_visit_march_2018(store):
    res = store.query(PREFIX + """
        SELECT ?period ?where ?who ?line ?quote WHERE {
          kg:kim-visit-china-2018-03 ekg:period ?period ; ekg:location ?where ;
              ekg:participant ?who ; ekg:citation ?c .
          ?c ekg:line ?line ; ekg:quote ?quote .
        }""")
    rows = {(str(r[0]), str(r[1]).rsplit("/", 1)[1], str(r[2]).rsplit("/", 1)[1], int(r[3]),
             str(r[4])) for r in res.rows}
    assert ("2018-03-25/2018-03-28", "china", "kim-jong-un", 6, "3 月 25—28 日") in rows


def test_xi_visit_june_2019(store):
    res = store.query(PREFIX + """
        SELECT ?period ?where WHERE {
          kg:xi-visit-nk-2019-06 ekg:period ?period ; ekg:location ?where ;
              ekg:participant kg:xi-jinping .
        }""")
    [(period, where)] = [(str(a), str(b).rsplit("/", 1)[1]) for a, b in res.rows]
    assert (period, where) == ("2019-06", "north-korea")


def test_north_korea_ships_hs91_and_hs67_to_jilin(store):
    res = store.query(PREFIX + """
        SELECT ?what WHERE {
          ?f ekg:supplier kg:north-korea ; ekg:recipient kg:jilin ; ekg:commodity ?what ;
             ekg:period "2018/2019" ; ekg:citation ?c .
          ?c ekg:line 57 .
        }""")
    assert {"hs91", "hs67"} <= _ids(res)


def test_what_jilin_exports_and_imports(store):
    out = store.query(PREFIX + """
        SELECT ?what WHERE { ?f ekg:supplier kg:jilin ; ekg:recipient kg:north-korea ;
                                ekg:commodity ?what . }""")
    assert {"agricultural-products", "steel"} <= _ids(out)
    back = store.query(PREFIX + """
        SELECT ?what WHERE { ?f ekg:supplier kg:north-korea ; ekg:recipient kg:jilin ;
                                ekg:commodity ?what . }""")
    assert {"edible-aquatic-products", "mineral-products"} <= _ids(back)


def test_fertiliser_and_electricity_in_2020(store):
    res = store.query(PREFIX + """
        SELECT ?what WHERE { ?f ekg:supplier kg:north-korea ; ekg:recipient kg:china ;
                                ekg:commodity ?what ; ekg:period "2020" . }""")
    assert {"hs31", "electricity"} <= _ids(res)


def test_tourist_sites_are_placed_in_north_korea(store):
    res = store.query(PREFIX + """
        SELECT ?site WHERE {
          kg:kim-jong-un ekg:promotes ?site .
          ?site ekg:locatedIn+ kg:north-korea .
        }""")
    assert {"yangdok-hot-springs", "wonsan-kalma", "mount-kumgang"} <= _ids(res)


def test_trade_association_sits_in_jilin(store):
    # That it should promote trade with North Korea is the paper's proposal (checked below).
    res = store.query(PREFIX + "ASK { kg:jilin-nk-trade-association ekg:locatedIn kg:jilin . }")
    assert res.boolean is True


# --- what kind of claim each row is (read from the seed tables) ---------------------------

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "modality"


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    from econkg.seeds import load_seeds

    return load_seeds(seeds_dir)


def test_no_fact_row_cites_a_recommendation_or_lack_line(seeds):
    listed = json.loads((FIXTURES / "001.json").read_text())
    lines = {n for key in ("plan", "proposal", "projection", "lack") for n in listed[key]}
    rows = [(o.modality, [o.citation], o.where) for o in seeds.observations]
    rows += [(f.modality, f.citations, f.where) for f in seeds.flows.values()]
    rows += [(r.modality, r.citations, r.where) for r in seeds.relations]
    rows += [(e.extra.get("modality") or "fact", e.citations, e.where)
             for e in seeds.entities.values() if e.kind == "events"]
    bad = [where for modality, citations, where in rows for c in citations
           if c.source == DOC1 and c.line in lines and modality == "fact"]
    assert len(lines) > 60 and bad == []


def test_recommendations_are_proposals_not_plans(seeds):
    mine = [r for r in seeds.relations if r.citations[0].source == DOC1]
    assert not [r for r in mine if r.predicate == "plans"]
    proposals = {(r.subject, r.object) for r in mine if r.modality == "proposal"}
    assert {("jilin", "jilin-nk-special-fund"), ("jilin", "jilin-sea-outlet"),
            ("china-nk-export-easing", "china"),
            ("jilin-nk-trade-association", "north-korea")} <= proposals


def test_gaps_are_lacks(seeds):
    lacks = {(r.subject, r.predicate, r.object, r.citations[0].line)
             for r in seeds.relations if r.citations[0].source == DOC1 and r.modality == "lack"}
    assert ("border-area-fiscal-transfers", "appliesTo", "jilin-nk-traders", 145) in lacks
    assert ("jilin", "tradesWith", "north-korea", 164) in lacks
    assert ("north-korea", "produces", "grain", 216) in lacks


def test_no_un_sanctions_where_the_paper_says_international(seeds):
    assert not [r for r in seeds.relations
                if r.citations[0].source == DOC1 and "un-sanctions-dprk" in (r.subject, r.object)]


def test_measures_and_open_periods(seeds):
    [week] = [o for o in seeds.observations if o.id == "nk-delegation-gap-weeks"]
    assert (week.value, week.unit) == (1, "Week")
    [half] = [o for o in seeds.observations if o.id == "kp-cn-trade-after-sanctions"]
    assert (half.period.text, half.base_period.text) == ("2017/..", "../2016")
    assert seeds.entities["covid-19-pandemic"].extra["period"] == "2019-12/.."
