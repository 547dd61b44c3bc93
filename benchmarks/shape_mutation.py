"""Mutation score of the SHACL shapes against their cases (tests/shapes/*.ttl).

mutmut mutates Python only, so the shapes get their own small mutation run: each mutant
drops one constraint of ontology/shapes.ttl (a minCount, a datatype, a pattern, one branch
of an sh:or) or moves one numeric bound by one, and the cases run against it. A mutant is
killed when some case no longer gets exactly what it expects (the rule of
tests/test_build.py::test_shape_cases). Only the cases whose expected message is the
mutated shape's, plus every "conforms" case, run per mutant: a few seconds each.

    python3 benchmarks/shape_mutation.py          # prints the table and the survivors
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "graph"))

from rdflib import BNode, Graph, Literal  # noqa: E402
from rdflib.namespace import SH  # noqa: E402

CASES = sorted((ROOT / "tests" / "shapes").glob("*.ttl"))
DROPPABLE = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.pattern, SH.minInclusive,
             SH.maxInclusive, SH.minLength, SH.lessThanOrEquals, SH.hasValue, SH.uniqueLang,
             SH.qualifiedMinCount, SH["or"], SH["not"], SH.property}
NUMERIC = {SH.minCount, SH.maxCount, SH.minInclusive, SH.maxInclusive, SH.minLength,
           SH.qualifiedMinCount}


def expectation(case: Path) -> str:
    return case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()


def outcome_ok(case_graph: Graph, expect: str, shapes: Graph) -> bool:
    from econkg.validate import validate

    messages = [v.message for v in validate(case_graph, shapes)]
    if expect == "conforms":
        return messages == []
    return bool(messages) and all(m.startswith(expect) for m in messages)


def message_of(shapes: Graph, node) -> str:
    """The sh:message that reports a violation of `node` (its own, or its shape's)."""
    own = shapes.value(node, SH.message)
    if own is not None:
        return str(own)
    for parent in shapes.subjects(None, node):
        if parent != node:
            return message_of(shapes, parent)
    for lst in shapes.subjects(None, node):  # inside an RDF list: walk up to its owner
        return message_of(shapes, lst)
    return ""


def mutants(shapes: Graph):
    for s, p, o in sorted(shapes, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if p not in DROPPABLE:
            continue
        value = "[…]" if isinstance(o, BNode) else o.n3(shapes.namespace_manager)
        if p == SH.property:
            value = repr(str(shapes.value(o, SH.message) or "")[:40])
        label = f"{shapes.qname(p)} {value}"
        # Dropping a whole property shape is reported under that shape's own message.
        yield (o if p == SH.property else s), f"drop {label}", [(s, p, o)], []
        if p in NUMERIC and isinstance(o, Literal):
            for delta in (-1, 1):
                v = Decimal(str(o.toPython())) + delta
                if p in (SH.minCount, SH.maxCount, SH.minLength, SH.qualifiedMinCount) and v < 0:
                    continue
                new = Literal(int(v)) if o.datatype and o.datatype.endswith("integer") \
                    else Literal(v)
                yield s, f"{shapes.qname(p)} {o} → {new}", [(s, p, o)], [(s, p, new)]


def main() -> int:
    from econkg.ontology import load_ontology, load_shapes

    shapes = load_shapes()
    ontology = load_ontology()
    graphs = {c: Graph().parse(c) + ontology for c in CASES}
    expects = {c: expectation(c) for c in CASES}
    positives = [c for c in CASES if expects[c] == "conforms"]
    started = time.monotonic()
    killed, survived = 0, []
    for node, label, remove, add in mutants(shapes):
        msg = message_of(shapes, node)
        chosen = [c for c in CASES if expects[c] != "conforms" and msg.startswith(expects[c])]
        chosen += positives
        for t in remove:
            shapes.remove(t)
        for t in add:
            shapes.add(t)
        try:
            dead = any(not outcome_ok(graphs[c], expects[c], shapes) for c in chosen)
        except Exception:  # shapes pySHACL refuses to load: the build would fail too
            dead = True
        finally:
            for t in add:
                shapes.remove(t)
            for t in remove:
                shapes.add(t)
        if dead:
            killed += 1
        else:
            survived.append(f"{msg[:60]!r}: {label}")
    total = killed + len(survived)
    print(f"{'module':22} {'mutants':>7} {'killed':>7} {'survived':>8} {'score':>6}")
    print(f"{'ontology/shapes.ttl':22} {total:7} {killed:7} {len(survived):8} "
          f"{100 * killed / max(total, 1):5.1f}%")
    for s in survived:
        print("survived:", s)
    print(f"({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
