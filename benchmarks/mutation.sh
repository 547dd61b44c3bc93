#!/usr/bin/env bash
# Mutation score of the checks the project's claims rest on (issue 10).
#
#   bash benchmarks/mutation.sh              # mutate, test, print the score table
#   MUTMUT_JOBS=1 bash benchmarks/mutation.sh
#   ONLY=src/econkg/seeds.py bash benchmarks/mutation.sh   # one module (or glob) of the list
#   ONLY="src/econkg/figures/*" bash benchmarks/mutation.sh
#   ONLY=src/econkg/seeds.py MUTANTS='econkg.seeds.x_did_you_mean*' bash benchmarks/mutation.sh
#
# Needs mutmut 3 (pip install 'mutmut>=3,<4', the project's [mutation] extra). mutmut reads
# [tool.mutmut] in pyproject.toml: the modules it mutates and the fast unit tests it runs
# for each mutant. mutmut 3 only understands a src/ layout, so the checkout is staged in a
# temporary folder with graph/ as src/. Not part of CI: it takes minutes.
# The SHACL shapes are mutated by benchmarks/shape_mutation.py (mutmut mutates Python only).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STAGE="${MUTATION_STAGE:-$(mktemp -d /tmp/econkg-mutation.XXXXXX)}"
mkdir -p "$STAGE"
rm -rf "$STAGE/src" "$STAGE/mutants"
cp -r "$ROOT/graph" "$STAGE/src"
for x in tests ontology seeds queries pyproject.toml; do cp -r "$ROOT/$x" "$STAGE/"; done
find "$STAGE" -name __pycache__ -prune -exec rm -rf {} +
if [ -n "${ONLY:-}" ]; then  # mutate one module only (the staged copy's settings)
  python3 - "$STAGE/pyproject.toml" "$ONLY" <<'PY'
import re, sys
path, only = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = re.sub(r"^only_mutate = \[[^\]]*\]", f'only_mutate = ["{only}"]', text, flags=re.M)
open(path, "w", encoding="utf-8").write(text)
PY
fi
cd "$STAGE"
unset PYTHONPATH  # mutmut puts mutants/src first on the path itself
# MUTANTS: only the mutants whose names match these patterns (word-split on purpose)
# shellcheck disable=SC2086
python3 -m mutmut run --max-children "${MUTMUT_JOBS:-2}" ${MUTANTS:-} > "$STAGE/mutmut-run.log" 2>&1 || {
  tail -c 3000 "$STAGE/mutmut-run.log" >&2; exit 1; }
python3 -m mutmut results --all true > "$STAGE/results-mutmut.txt" 2>/dev/null || true
# mutmut's timeouts are CPU limits in a worker that has already spent CPU: re-run each one
# on its own tests with a wall clock (benchmarks/mutation_recheck.py says why)
python3 "$ROOT/benchmarks/mutation_recheck.py" "$STAGE" "$STAGE/results-mutmut.txt" \
  > "$STAGE/results.txt"
python3 - "$STAGE/results.txt" <<'PY'
import collections, sys
per = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1], encoding="utf-8"):
    name, _, status = line.strip().rpartition(": ")
    if "__mutmut_" not in name:
        continue
    module = name.split(".x_")[0].split(".xǁ")[0]
    per[module][status] += 1
# the score is mutmut's own, (killed + timeout) / tested, after the timeouts were re-run
# (a mutant whose tests still run past two minutes is caught); "not checked" mutants (a
# run cut short) are not counted
print(f"{'module':22} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} "
      f"{'unrun':>6} {'score':>6}")
total = collections.Counter()


def row(name, c):
    tested = sum(c.values()) - c["not checked"]
    caught = c["killed"] + c["timeout"]
    print(f"{name:22} {sum(c.values()):7} {c['killed']:7} {c['timeout']:7} {c['survived']:8} "
          f"{c['not checked']:6} {100 * caught / tested if tested else 0:5.1f}%")


for module, c in sorted(per.items()):
    total += c
    row(module, c)
if total:
    row("all", total)
PY
grep -v ": killed$" "$STAGE/results.txt" | sed 's/^ */not killed: /' || true
echo "staged in $STAGE (python3 -m mutmut show NAME there shows a mutant)"
