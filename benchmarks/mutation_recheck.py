"""Re-run every mutant mutmut reports as a timeout, on its own tests, with a wall clock.

mutmut 3 stops a mutant's test run at a CPU-time limit counted in its forked worker, which
has already spent CPU on start-up; short test runs (the store's, about a second) then hit
the limit although the mutant's tests pass. A timeout counted as a kill would hide such
survivors, so each one is run again here, in a fresh process, and reclassified: the tests
pass (survived), fail (killed), or really run past `--seconds` (timeout).

    python3 benchmarks/mutation_recheck.py STAGE results.txt > results-rechecked.txt
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def recheck(stage: Path, name: str, tests: list[str], seconds: float) -> str:
    env = {**os.environ, "PYTHONPATH": "src", "MUTANT_UNDER_TEST": name}
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                              "no:cacheprovider", *tests], cwd=stage / "mutants", env=env,
                             capture_output=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if run.returncode == 0 else "killed"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stage", type=Path)
    ap.add_argument("results", type=Path, help="`mutmut results --all true` output")
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    stats = json.loads((args.stage / "mutants" / "mutmut-stats.json").read_text())
    tests = stats["tests_by_mangled_function_name"]
    lines = [ln.rstrip("\n") for ln in args.results.open(encoding="utf-8")]
    todo = {}
    for i, ln in enumerate(lines):
        name, _, status = ln.strip().rpartition(": ")
        if status == "timeout":
            todo[i] = name
    with ThreadPoolExecutor(args.jobs) as pool:
        verdicts = pool.map(lambda n: recheck(args.stage, n, sorted(tests.get(
            n.rsplit("__mutmut_", 1)[0], [])), args.seconds), todo.values())
        for i, verdict in zip(todo, verdicts, strict=True):
            lines[i] = f"    {todo[i]}: {verdict}"
    print("\n".join(lines))


if __name__ == "__main__":
    main()
