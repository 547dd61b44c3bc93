"""Write `econkg/_ekg.py`, the checked namespace of the ontology, from ontology/econkg.ttl.

The module is a `DefinedNamespace` with `_fail = True`, one annotated line per term, laid out
like rdflib's own `rdflib/namespace/_RDF.py`: `EKG.Contry` is an AttributeError instead of a
new IRI that nothing defines. Run after editing the ontology:

    python3 -m econkg.namespace_gen          # rewrite graph/econkg/_ekg.py
    python3 -m econkg.namespace_gen --check  # exit 1 if the file is out of date

tests/test_namespaces.py regenerates the text and fails on any drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).with_name("_ekg.py")
NS = "https://w3id.org/econkg/ontology#"

# Sections in this order; instances of ekg: classes (measures, units…) follow, by class.
_KINDS = (
    ("http://www.w3.org/2002/07/owl#Class", "Classes"),
    ("http://www.w3.org/2002/07/owl#ObjectProperty", "Object properties"),
    ("http://www.w3.org/2002/07/owl#DatatypeProperty", "Datatype properties"),
    ("http://www.w3.org/2002/07/owl#AnnotationProperty", "Annotation properties"),
)


def _width(text: str) -> int:
    """Columns on screen, as ruff counts them: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    while _width(text) > limit - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def render(ontology_file: Path | None = None) -> str:
    """The text of `_ekg.py` for the ontology file (the packaged one by default)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    from .resources import ontology_dir

    path = ontology_file or ontology_dir() / "econkg.ttl"
    g = Graph().parse(path, format="turtle")
    terms = sorted({s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)
                    and str(s) != NS}, key=str)

    def label(term: URIRef, lang: str) -> str:
        for lit in sorted(g.objects(term, RDFS.label), key=str):
            if isinstance(lit, Literal) and lit.language == lang:
                return str(lit)
        return ""

    def comment(term: URIRef) -> str:
        for pred in (RDFS.comment, SKOS.definition):
            for lit in sorted(g.objects(term, pred), key=str):
                if isinstance(lit, Literal) and lit.language in (None, "en"):
                    return str(lit)
        return ""

    def section(term: URIRef) -> str:
        types = set(g.objects(term, RDF.type))
        for iri, _ in _KINDS:
            if URIRef(iri) in types:
                return iri
        own = sorted(str(t) for t in types if str(t).startswith(NS))
        if own:
            return own[0]
        return str(OWL.NamedIndividual)

    by_section: dict[str, list[URIRef]] = {}
    for term in terms:
        by_section.setdefault(section(term), []).append(term)
    order = [iri for iri, _ in _KINDS] + sorted(k for k in by_section
                                                  if k not in dict(_KINDS))
    out = [
        '"""The econkg ontology as a checked namespace: `EKG.Contry` raises AttributeError.',
        "",
        "Generated from ontology/econkg.ttl by `python3 -m econkg.namespace_gen`; do not edit.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class EKG(DefinedNamespace):",
        '    """econkg ontology (https://w3id.org/econkg/ontology#)"""',
        "",
        "    _fail = True",
        "",
    ]
    for key in order:
        if key not in by_section:
            continue
        out.append(f"    # {key}")
        for term in by_section[key]:
            name = str(term)[len(NS):]
            note = " / ".join(x for x in (label(term, "en"), label(term, "zh")) if x)
            text = comment(term)
            doc = _one_line(f"{note}: {text}" if note and text else note or text,
                            100 - len(f"    {name}: URIRef  # "))
            out.append(f"    {name}: URIRef  # {doc}" if doc else f"    {name}: URIRef")
        out.append("")
    out.append(f'    _NS = Namespace("{NS}")')
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python3 -m econkg.namespace_gen",
                  file=sys.stderr)
            return 1
        return 0
    tmp = TARGET.with_suffix(".py.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(TARGET)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
