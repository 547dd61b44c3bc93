"""Every character survives: build → store → every export format → parse, and the release
is published as one unit.

Labels and notes of random Unicode (line and paragraph separators, vertical tab, form
feed, NEL, multi-line text, quotes, backslashes, astral characters) go through the path a
build takes — the dataset loaded into the store, each export written from it — and are
read back by rdflib, byte for byte and as an isomorphic graph.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from econkg.export import FORMATS, serialize
from econkg.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
NOTE = URIRef("https://w3id.org/econkg/ontology#note")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
G = URIRef("https://w3id.org/econkg/graph/000_test")

TRICKY = ["\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\n", "\r\n", "\r", '"', '"""', "\\",
          "'''", "    ", "\t", "#", "}", "<", "\U0001f600", "丹东", "\x00", "\x7f"]
text = st.lists(st.one_of(st.sampled_from(TRICKY),
                          st.text(st.characters(exclude_categories=("Cs",)), max_size=8)),
                min_size=1, max_size=12).map("".join)
PARSE = {"turtle": "turtle", "trig": "trig", "nt": "nt", "nquads": "nquads",
         "jsonld": "json-ld"}


def _dataset(values: list[str]) -> Dataset:
    ds = Dataset()
    g = ds.graph(G)
    for i, v in enumerate(values):
        node = URIRef(f"https://w3id.org/econkg/id/thing-{i}")
        g.add((node, LABEL, Literal(v, lang="en")))
        g.add((node, NOTE, Literal(v)))
    return ds


def _texts(graph) -> list[str]:
    return sorted(str(o) for o in graph.objects(None, NOTE))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text, min_size=1, max_size=5, unique=True))
def test_random_text_survives_every_export(values):
    ds = _dataset(values)
    store = OxigraphStore.from_dataset(ds)
    for fmt in FORMATS:
        data = serialize(store, fmt)
        assert serialize(store, fmt) == data  # deterministic
        if fmt in ("trig", "nquads", "jsonld"):
            back = Dataset()
            back.parse(data=data, format=PARSE[fmt])
            g = back.graph(G)
        else:
            g = Graph().parse(data=data, format=PARSE[fmt])
        assert _texts(g) == sorted(values), fmt  # byte for byte
        assert isomorphic(g, ds.graph(G)), fmt
        # and Oxigraph reads its own output back to the same quads
        again = OxigraphStore()
        if fmt in ("trig", "nquads", "jsonld"):
            import pyoxigraph as ox

            again.store.load(data, format={"trig": ox.RdfFormat.TRIG,
                                           "nquads": ox.RdfFormat.N_QUADS,
                                           "jsonld": ox.RdfFormat.JSON_LD}[fmt])
            assert serialize(again, "nquads") == serialize(store, "nquads"), fmt


def test_a_multi_line_note_is_not_indented_in_the_trig_file():
    ds = _dataset(["River\nfacing Sinuiju.\u2028next"])
    data = serialize(ds, "trig")
    twice = serialize(OxigraphStore.from_dataset(_parse_trig(data)), "trig")
    assert data == twice
    assert "    facing" not in data.decode() and "\u2028" in data.decode()


def test_trig_groups_quads_by_graph_with_and_without_a_default_graph():
    """A line's graph name is its last term only when no quad is in the default graph: a
    default-graph triple whose object is a graph's name must stay in the default graph."""
    import pyoxigraph as ox

    from econkg.export import _by_graph, _named_only

    other = URIRef("https://w3id.org/econkg/graph/001_other")
    a, b = URIRef("https://w3id.org/econkg/id/a"), URIRef("https://w3id.org/econkg/id/b")
    ds = Dataset()
    ds.graph(other).add((b, LABEL, Literal("b")))
    ds.graph(G).add((a, LABEL, Literal("a \" <x> .")))
    ds.graph(G).add((b, NOTE, Literal("n")))
    named = OxigraphStore.from_dataset(ds)
    assert _named_only(named)
    lines = named.dump_nquads().splitlines()
    lines.sort()
    grouped = _by_graph(lines, named_only=True)
    assert grouped == _by_graph(lines, named_only=False)
    # graph names in order (…/000_test before …/001_other), lines sorted within each
    assert [ln.rsplit(b" ", 2)[1] for ln in grouped] == [f"<{G}>".encode()] * 2 + [
        f"<{other}>".encode()]
    assert grouped[:2] == sorted(grouped[:2])
    ds.default_context.add((a, NOTE, other))  # ends in a graph's name, in no graph
    mixed = OxigraphStore.from_dataset(ds)
    assert not _named_only(mixed)
    trig = serialize(mixed, "trig")
    back = ox.Dataset(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert ox.Quad(ox.NamedNode(str(a)), ox.NamedNode(str(NOTE)), ox.NamedNode(str(other)),
                   ox.DefaultGraph()) in back
    assert len(back) == 4


def _parse_trig(data: bytes) -> Dataset:
    ds = Dataset()
    ds.parse(data=data, format="trig")
    return ds


# --- publishing --------------------------------------------------------------------------


def test_a_seed_edited_during_the_build_is_refused(seed_copy, monkeypatch):
    """The fingerprint is of the bytes the build read: a table that changes while the build
    runs makes it fail rather than publish a dataset under the wrong fingerprint."""
    import econkg.rdf
    from econkg.pipeline import build
    from econkg.seeds import SeedError

    real = econkg.rdf.build_quads

    def edit_then_build(seeds, ontology):
        path = seed_copy / "observations" / "000.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return real(seeds, ontology)

    monkeypatch.setattr(econkg.rdf, "build_quads", edit_then_build)
    with pytest.raises(SeedError, match="changed while the build was reading them"):
        build(seed_copy, check_shapes=False)


def test_dataset_and_manifest_are_one_release(built, tmp_path):
    from econkg.pipeline import current_release, read_manifest, write_build

    root = tmp_path / "b"
    write_build(built, root, ROOT / "seeds")
    first = current_release(root)
    write_build(built, root, ROOT / "seeds")
    second = current_release(root)
    assert first != second
    # the names people open are links into the current release, swapped as one
    assert os.readlink(root / "current") == f"releases/{second.name}"
    assert (root / "econkg.trig").resolve() == second / "econkg.trig"
    assert (root / "manifest.json").resolve() == second / "manifest.json"
    assert read_manifest(second)["fingerprint"] == built.fingerprint
    assert (second / "store" / "CURRENT").is_file()


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_honour_the_umask(tmp_path, umask, mode):
    code = (f"import os; os.umask({umask}); from pathlib import Path; "
            "from econkg.export import write_atomic; "
            f"write_atomic(Path({str(tmp_path / 'f.txt')!r}), b'x')")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "graph"))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == mode


def test_build_output_is_0644_under_umask_022(tmp_path):
    code = ("import os, sys; os.umask(0o022); from econkg.cli import main; "
            f"sys.argv = ['econkg', '--build-dir', {str(tmp_path / 'b')!r}, 'build']; main()")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "graph"))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    for name in ("econkg.trig", "manifest.json"):
        assert (tmp_path / "b" / name).resolve().stat().st_mode & 0o777 == 0o644, name
