"""The checked namespace and the seed vocabularies agree with the ontology."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from econkg import namespace_gen, seeds
from econkg.namespaces import EKG
from econkg.ontology import load_ontology


@pytest.fixture(scope="module")
def ontology():
    return load_ontology()


def test_generated_namespace_matches_the_ontology():
    current = namespace_gen.TARGET.read_text(encoding="utf-8")
    assert current == namespace_gen.render(), (
        "graph/econkg/_ekg.py is out of date: run python3 -m econkg.namespace_gen")


def test_check_mode_reports_drift(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "_ekg.py"
    stale.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(namespace_gen, "TARGET", stale)
    assert namespace_gen.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert namespace_gen.main([]) == 0
    assert namespace_gen.main(["--check"]) == 0


def test_every_ontology_term_is_in_the_namespace(ontology):
    defined = {str(s)[len(str(EKG)):] for s in ontology.subjects()
               if isinstance(s, URIRef) and str(s).startswith(str(EKG)) and str(s) != str(EKG)}
    for name in defined:
        assert EKG[name] == URIRef(str(EKG) + name)


@pytest.mark.parametrize("typo", ["Contry", "tradeswith", "USd", "periodstart"])
def test_a_misspelt_term_is_an_error(typo):
    with pytest.raises(AttributeError, match=typo):
        getattr(EKG, typo)


def _instances(ontology, cls) -> set[str]:
    return {str(s)[len(str(EKG)):] for s in ontology.subjects(RDF.type, cls)}


def test_seed_measures_are_the_ontology_measures(ontology):
    assert set(seeds.MEASURES) == _instances(ontology, EKG.Measure)


def test_seed_units_are_the_ontology_units(ontology):
    assert set(seeds.UNITS) | seeds.SETTLEMENT_ONLY_UNITS == _instances(ontology, EKG.Unit)
    assert not seeds.UNITS & seeds.SETTLEMENT_ONLY_UNITS
    for measure, units in seeds.MEASURE_UNITS.items():
        assert measure in seeds.MEASURES
        assert units <= seeds.UNITS, measure


def test_seed_flow_directions_are_the_ontology_ones(ontology):
    assert set(seeds.FLOWS.values()) == _instances(ontology, EKG.FlowDirection)
