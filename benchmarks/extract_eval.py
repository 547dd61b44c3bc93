"""Score `econkg extract` against the curated seed tables, blind.

For each source document listed in seeds/sources.csv (texts from ../shared/seeds or
--sources), run the extractor with only the document, its date and the graph's entity
labels, then pair its observations with the curated ones: a pair is on the same line, in
the same unit, with values within 0.5 % of each other (sign included). Reports per document:

  recall     curated rows whose printed figure the extractor found
  precision  extracted figures that a curator also recorded (in any row)
  measure / reporter / partner / period: agreement over the paired figures

Goals (issue 12): recall ≥ 97 %, precision ≥ 90 %, each attribute ≥ 85 %.

    python3 benchmarks/extract_eval.py [--seeds seeds] [--sources ../shared/seeds] [--misses]
"""

from __future__ import annotations

import argparse
import csv
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "graph"))

from econkg.extract.entities import load_lexicon  # noqa: E402
from econkg.extract.pipeline import extract_document  # noqa: E402
from econkg.extract.reading import read_document  # noqa: E402
from econkg.seeds import table_files  # noqa: E402

ATTRIBUTES = ("measure", "reporter", "partner", "period")
GOALS = {"recall": 0.97, "precision": 0.90, **{a: 0.85 for a in ATTRIBUTES}}


def _near(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= Decimal("0.005") * max(abs(a), abs(b))


def curated(seeds: Path) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for path in table_files(seeds, "observations"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("source") and not row["id"].startswith("#"):
                    out.setdefault(row["source"], []).append(row)
    return out


def pair(found: list[dict[str, str]], wanted: list[dict[str, str]]):
    """Pair each curated row with an extracted figure on the same line, in the same unit,
    within 0.5 % (preferring the same measure). One printed figure may stand behind several
    curated rows (6成以上 for two kinds of robot), so an extracted figure may pair with more
    than one row; it is a figure, not a row, that is found or not."""
    used: set[int] = set()
    pairs, misses = [], []
    for w in wanted:
        best = None
        for i, f in enumerate(found):
            if f["line"] != w["line"] or f["unit"] != w["unit"]:
                continue
            if not _near(Decimal(f["value"]), Decimal(w["value"])):
                continue
            if best is None or (f["measure"] == w["measure"]
                                and found[best]["measure"] != w["measure"]):
                best = i
        if best is None:
            misses.append(w)
        else:
            used.add(best)
            pairs.append((found[best], w))
    extra = [f for i, f in enumerate(found) if i not in used]
    return pairs, misses, extra, len(used)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    ap.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--misses", action="store_true", help="list misses and extra figures")
    args = ap.parse_args(argv)
    if not args.sources.is_dir():
        print(f"no source texts at {args.sources}; pass --sources", file=sys.stderr)
        return 2
    lex = load_lexicon(args.seeds)
    gold = curated(args.seeds)
    with (args.seeds / "sources.csv").open(encoding="utf-8", newline="") as handle:
        docs = [r for r in csv.DictReader(handle)]
    header = f"{'document':28} {'seed':>5} {'found':>5} {'recall':>7} {'precis.':>7} " + \
        " ".join(f"{a:>8}" for a in ATTRIBUTES)
    print(header)
    totals = {"wanted": 0, "found": 0, "paired": 0, "hits": 0, **{a: 0 for a in ATTRIBUTES}}
    ok = True
    for d in docs:
        path = args.sources / d["file"]
        if not path.is_file():
            print(f"{d['file']}: not in {args.sources}", file=sys.stderr)
            continue
        drafts = extract_document(read_document(path), d["date"], args.seeds, lexicon=lex,
                                  name=d["file"])
        wanted = gold.get(d["file"], [])
        pairs, misses, extra, hits = pair(drafts.observations, wanted)
        agree = {a: sum(1 for f, w in pairs if f[a] == w[a]) for a in ATTRIBUTES}
        n = len(pairs) or 1
        recall = len(pairs) / (len(wanted) or 1)
        precision = hits / (len(drafts.observations) or 1)
        print(f"{d['file']:28} {len(wanted):5} {len(drafts.observations):5} {recall:7.1%} "
              f"{precision:7.1%} " + " ".join(f"{agree[a] / n:8.1%}" for a in ATTRIBUTES))
        totals["wanted"] += len(wanted)
        totals["found"] += len(drafts.observations)
        totals["paired"] += len(pairs)
        totals["hits"] += hits
        for a in ATTRIBUTES:
            totals[a] += agree[a]
        if args.misses:
            for w in misses:
                print(f"   miss  L{w['line']:>4} {w['measure']:13} {w['value']:>16} {w['unit']:15}"
                      f" {w['quote']}")
            for f in extra:
                print(f"   extra L{f['line']:>4} {f['measure']:13} {f['value']:>16} "
                      f"{f['unit']:15} {f['quote']}")
            for f, w in pairs:
                diff = [f"{a}: {f[a] or '∅'} ≠ {w[a] or '∅'}" for a in ATTRIBUTES if f[a] != w[a]]
                if diff:
                    print(f"   diff  L{w['line']:>4} {w['quote']:16} " + "; ".join(diff))
    n = totals["paired"] or 1
    scores = {"recall": totals["paired"] / (totals["wanted"] or 1),
              "precision": totals["hits"] / (totals["found"] or 1),
              **{a: totals[a] / n for a in ATTRIBUTES}}
    print(f"{'all':28} {totals['wanted']:5} {totals['found']:5} {scores['recall']:7.1%} "
          f"{scores['precision']:7.1%} " + " ".join(f"{scores[a]:8.1%}" for a in ATTRIBUTES))
    print("goals: " + ", ".join(f"{k} ≥ {v:.0%} {'ok' if scores[k] >= v else 'MISSED'}"
                                for k, v in GOALS.items()))
    ok = all(scores[k] >= v for k, v in GOALS.items())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
