"""The build: seeds → rows → RDF → SHACL → the build folder, and loading it back.

The build folder holds the dataset as TriG and a manifest with a fingerprint of the inputs.
Read-only commands (export, stats, query, viz, serve) reuse the built dataset when the
fingerprint still matches the seeds and ontology, and otherwise build in memory.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from . import __version__
from .export import serialize, write_atomic
from .ontology import ONTOLOGY_FILES, SHAPES_FILE, load_ontology, load_shapes
from .provenance import add_provenance
from .rdf import build_dataset
from .resources import ontology_dir
from .seeds import Seeds, load_seeds
from .validate import Violation, validate

DATASET_FILE = "econkg.trig"
MANIFEST_FILE = "manifest.json"


@dataclass
class BuildResult:
    dataset: Dataset
    seeds: Seeds
    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def fingerprint(seeds_dir: Path, onto_dir: Path | None = None) -> str:
    """A hash of every input file, so a stale build is never mistaken for a fresh one."""
    onto_dir = onto_dir or ontology_dir()
    h = hashlib.sha256(__version__.encode())
    files = sorted(Path(seeds_dir).rglob("*.csv")) + [
        onto_dir / n for n in (*ONTOLOGY_FILES, SHAPES_FILE)]
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def build(seeds_dir: Path, *, check_shapes: bool = True,
          progress: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Run the whole flow in memory; raises SeedError or OntologyError on bad input."""
    from .consistency import check_consistency

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    progress("reading seed tables")
    seeds = load_seeds(Path(seeds_dir))
    ontology = load_ontology()
    seconds["seeds"] = time.perf_counter() - t

    t = time.perf_counter()
    progress("building RDF")
    ds = build_dataset(seeds, ontology)
    add_provenance(ds, seeds, Path(seeds_dir))  # who proposed and accepted rows (PROV)
    seconds["rdf"] = time.perf_counter() - t

    violations: list[Violation] = []
    if check_shapes:
        t = time.perf_counter()
        progress("validating against SHACL shapes")
        violations = validate(ds, load_shapes())
        seconds["shacl"] = time.perf_counter() - t
    warnings = check_consistency(seeds)
    return BuildResult(ds, seeds, violations, warnings, seconds)


def write_build(result: BuildResult, out_dir: Path, seeds_dir: Path) -> Path:
    """Write the dataset and manifest; the manifest goes last so a half-written build is
    never taken for a valid one."""
    out_dir = Path(out_dir)
    data = serialize(result.dataset, "trig")
    write_atomic(out_dir / DATASET_FILE, data)
    manifest = {
        "econkg": __version__,
        "fingerprint": fingerprint(seeds_dir),
        "seeds": str(Path(seeds_dir).resolve()),
        "triples": sum(1 for _ in result.dataset.quads((None, None, None, None))),
        "warnings": result.warnings,
    }
    write_atomic(out_dir / MANIFEST_FILE,
                 (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return out_dir / DATASET_FILE


def load_dataset(out_dir: Path, seeds_dir: Path,
                 note: Callable[[str], None] = lambda _: None) -> Dataset:
    """The built dataset if it is fresh, else a new in-memory build (without SHACL)."""
    out_dir = Path(out_dir)
    manifest_path = out_dir / MANIFEST_FILE
    if manifest_path.is_file() and (out_dir / DATASET_FILE).is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            manifest = {}
        if manifest.get("fingerprint") == fingerprint(seeds_dir):
            ds = Dataset()
            ds.parse(out_dir / DATASET_FILE, format="trig")
            return ds
        note(f"{out_dir} is out of date with {seeds_dir}; building in memory "
             "(run `econkg build` to validate and cache it)")
    return build(seeds_dir, check_shapes=False).dataset
