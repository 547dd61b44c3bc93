"""The build: seeds → rows → RDF → SHACL → a published release, and opening it again.

A build folder holds releases, each a directory with an on-disk Oxigraph store, the curated
graph as TriG and a manifest (the fingerprint of the inputs the build read, and the
statistics datasets ingested into the store):

    build/current -> releases/<id>      the release every read-only command opens
    build/releases/<id>/store/          Oxigraph (RocksDB) store: documents + statistics
    build/releases/<id>/econkg.trig     the curated graph (the documents), for people
    build/releases/<id>/manifest.json
    build/econkg.trig, build/manifest.json -> current/…

A release is written complete into a staging directory and published by replacing the
`current` symlink (an atomic rename), so a kill at any moment leaves either the old release
or the new one, never a dataset from one build beside the manifest of another. Read-only
commands open the current store read-only — nothing is parsed or rebuilt — when its
fingerprint matches the seeds and ontology, and otherwise build in memory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .ontology import ONTOLOGY_FILES, SHAPES_FILE, load_ontology, load_shapes
from .resources import ontology_dir
from .validate import Violation

if TYPE_CHECKING:
    from rdflib import Dataset

    from .quadsink import QuadSink
    from .seeds import Seeds
    from .store import OxigraphStore

DATASET_FILE = "econkg.trig"
MANIFEST_FILE = "manifest.json"
STORE_DIR = "store"
CURRENT = "current"
RELEASES = "releases"
KEEP_RELEASES = 2  # the current one and the one before (a reader may still hold it open)
READERS = ".readers"  # in each release: readers lock it shared, its remover exclusively


class ShapesVerdict:
    """The SHACL verdict of a build, reached in a thread of its own: rudof releases the GIL,
    so on two cores the TriG, the store and the staging directory are written while it
    validates. Reading `violations` or `report` waits for it; an error in the thread is
    raised there. Nothing is published before it is read (see `write_build`)."""

    def __init__(self, work: Callable[[], tuple[list[Violation], dict[str, Any]]] | None = None,
                 *, done: tuple[list[Violation], dict[str, Any]] = ([], {}),
                 ntriples: bytes | None = None):
        import threading

        self.ntriples = ntriples  # the union graph it is about (sorted N-Triples)
        self._answer = done
        self._error: BaseException | None = None
        self.seconds = 0.0
        self._thread = None
        if work is not None:
            def run() -> None:
                t = time.perf_counter()
                try:
                    self._answer = work()
                except BaseException as exc:  # handed to the reader
                    self._error = exc
                self.seconds = time.perf_counter() - t

            self._thread = threading.Thread(target=run, name="shacl", daemon=True)
            self._thread.start()

    def wait(self) -> tuple[list[Violation], dict[str, Any]]:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._answer

    @property
    def violations(self) -> list[Violation]:
        return self.wait()[0]

    @property
    def report(self) -> dict[str, Any]:
        return self.wait()[1]


class ShapesViolated(Exception):
    """The build does not conform to the SHACL shapes; nothing was published."""

    def __init__(self, violations: list[Violation]):
        super().__init__(f"{len(violations)} SHACL violation(s)")
        self.violations = violations


@dataclass
class BuildResult:
    """A build in memory: the quads as the build made them (`quads`), the same quads as
    sorted N-Quads lines (`lines`, what the store and exports hold) and an Oxigraph store
    of them; `dataset` is the rdflib Dataset, made on first use. `violations` and `shacl`
    wait for the SHACL verdict when it is still being reached."""

    seeds: Seeds
    verdict: ShapesVerdict = field(default_factory=ShapesVerdict)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    fingerprint: str = ""
    quads: QuadSink | None = None
    lines: list[bytes] = field(default_factory=list)
    store: OxigraphStore | None = None
    _dataset: Dataset | None = field(default=None, repr=False)

    @property
    def violations(self) -> list[Violation]:
        return self.verdict.violations

    @property
    def shacl(self) -> dict[str, Any]:
        return self.verdict.report  # (its time: verdict.seconds)

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = self.quads.to_dataset()
        return self._dataset


def input_files(seeds_dir: Path, onto_dir: Path | None = None) -> list[Path]:
    onto_dir = onto_dir or ontology_dir()
    return sorted(Path(seeds_dir).rglob("*.csv")) + [
        onto_dir / n for n in (*ONTOLOGY_FILES, SHAPES_FILE)]


def fingerprint(seeds_dir: Path, onto_dir: Path | None = None) -> str:
    """A hash of every input file, so a stale build is never mistaken for a fresh one."""
    h = hashlib.sha256(__version__.encode())
    root = Path(seeds_dir)
    for path in input_files(seeds_dir, onto_dir):
        name = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        h.update(str(name).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def build(seeds_dir: Path, *, check_shapes: bool = True,
          progress: Callable[[str], None] = lambda _: None,
          verdicts: Path | None = None) -> BuildResult:
    """Run the whole flow in memory; raises SeedError or OntologyError on bad input.

    The quads go straight from the seed rows into an in-memory Oxigraph store (rdflib's
    terms, no rdflib store). With `verdicts` (a build folder), a SHACL verdict of
    "conforms" recorded by its current release is reused when it was reached on exactly
    the same triples, shapes and engines (`shacl_key`), so it can never be stale.

    The fingerprint is taken before the tables are read and checked again after: if any
    input changed in between, the build is refused, so the fingerprint a release carries
    is the fingerprint of exactly the bytes it was built from."""
    from .consistency import check_consistency
    from .export import sorted_nquads
    from .provenance import add_provenance
    from .rdf import build_quads
    from .seeds import SeedError, load_seeds
    from .store import OxigraphStore

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    session = warm_rudof() if check_shapes else None  # while the seeds are read
    before = fingerprint(seeds_dir)
    progress("reading seed tables")
    seeds = load_seeds(Path(seeds_dir))
    ontology = load_ontology()
    seconds["seeds"] = time.perf_counter() - t

    t = time.perf_counter()
    progress("building RDF")
    quads = build_quads(seeds, ontology)
    add_provenance(quads, seeds, Path(seeds_dir))  # who proposed and accepted rows (PROV)
    nquads = quads.nquads()
    verdict = ShapesVerdict()
    sink = b""
    if check_shapes:  # in a thread from here on, on the sink's lines
        progress("validating against SHACL shapes")
        sink_lines = nquads.splitlines()
        verdict = start_shapes_check(quads, sink_lines, verdicts, session)
        sink = lines_digest(sorted(set(sink_lines)))
        del sink_lines  # (never beside the store and its lines)
    store = OxigraphStore()
    store.store.load(nquads, format=store._ox.RdfFormat.N_QUADS)
    del nquads
    lines = sorted_nquads(store)
    seconds["rdf"] = time.perf_counter() - t
    if check_shapes and lines_digest(lines) != sink \
            and union_ntriples(lines) != verdict.ntriples:
        # the store holds some literal in another form than the sink wrote it (the sink
        # writes decimals as Oxigraph does; other types it leaves to rdflib): validate
        # exactly what the store holds, so a verdict is always about the published triples
        # (the first test is the cheap one: the same lines make the same union graph)
        verdict = start_shapes_check(quads, lines, verdicts, session)
    warnings = check_consistency(seeds)
    if fingerprint(seeds_dir) != before:
        raise SeedError([f"{seeds_dir}: the seed tables or the ontology changed while the "
                         "build was reading them; run the build again"])
    return BuildResult(seeds, verdict, warnings, seconds, before, quads, lines, store)


def lines_digest(lines: list[bytes]) -> bytes:
    """A SHA-256 of a list of lines, read one at a time (no joined copy of them)."""
    h = hashlib.sha256()
    for ln in lines:
        h.update(ln)
        h.update(b"\n")
    return h.digest()


def union_ntriples(lines: list[bytes]) -> bytes:
    """The union of the named graphs as sorted N-Triples, from N-Quads lines (each
    ends ` <graph> .`; a graph name holds no space, so the split cannot cut a literal)."""
    return b"".join(t + b" .\n" for t in sorted({ln.rsplit(b" ", 2)[0] for ln in lines}))


def shacl_key(ntriples: bytes, shapes: bytes) -> str:
    from .validate import engine_version

    h = hashlib.sha256(engine_version().encode() + b"\0")
    h.update(hashlib.sha256(shapes).digest())
    h.update(hashlib.sha256(ntriples).digest())
    return h.hexdigest()


# rudof holds about 7 kB per triple while it validates (pySHACL over rdflib about a fifth of
# that, in ten times the time): above this many quads the graph is validated in pieces
# (shacl_chunks.py), so that memory stays bounded (benchmarks/seed_scale.py measures both
# sides of the line).
RUDOF_MAX_QUADS = 150_000


def warm_rudof() -> Callable[[], Any]:
    """Start a rudof session with the shapes in a thread (rudof's first read of data costs
    about 0.13 s, whatever the size); the function returned waits for it and hands it
    out once (a session serves one thread), and gives None after that or when it could
    not be made (the check then makes its own, and reports any error)."""
    import threading

    made: list = []

    def make() -> None:
        from .validate import rudof_session

        with contextlib.suppress(Exception):
            made.append(rudof_session((ontology_dir() / SHAPES_FILE).read_text(
                encoding="utf-8")))

    thread = threading.Thread(target=make, name="rudof", daemon=True)
    thread.start()

    def wait() -> Any:
        thread.join()
        try:
            return made.pop()  # atomic: two callers never get the same session
        except IndexError:
            return None

    return wait


def start_shapes_check(quads: QuadSink, lines: list[bytes], verdicts: Path | None = None,
                       session: Callable[[], Any] | None = None) -> ShapesVerdict:
    """SHACL over the union graph, ontology included (so subclass targets resolve). A
    verdict of "conforms" that the current release of `verdicts` reached on exactly the
    same triples, shapes and engines is reused at once; otherwise the shapes are checked
    in a thread (`check_shapes_of`) while the caller goes on."""
    shapes = (ontology_dir() / SHAPES_FILE).read_bytes()
    shape_graph = load_shapes()  # here, not in the thread: a malformed file is an
    # OntologyError naming file and line
    ntriples = union_ntriples(lines)
    key = shacl_key(ntriples, shapes)
    if verdicts is not None:
        release = current_release(Path(verdicts))
        seen = read_manifest(release).get("shacl", {}) if release else {}
        if seen.get("key") == key and seen.get("conforms") is True:
            return ShapesVerdict(done=([], {**seen, "reused": True}), ntriples=ntriples)
    count = len(lines)  # the thread holds the union graph, not the lines it came from
    return ShapesVerdict(lambda: _decide(quads, count, ntriples, shapes, key, shape_graph,
                                         session() if session else None),
                         ntriples=ntriples)


def check_shapes_of(quads: QuadSink, lines: list[bytes], *, ntriples: bytes | None = None,
                    shapes: bytes | None = None, key: str | None = None,
                    shape_graph=None) -> tuple[list[Violation], dict[str, Any]]:
    """rudof decides (up to RUDOF_MAX_QUADS; larger graphs in pieces); when it finds
    violations, pySHACL validates and writes the report (see validate.py). If the engines
    disagree the build is refused with rudof's findings: a rule one real engine says is
    broken is not waved through."""
    shapes = shapes if shapes is not None else (ontology_dir() / SHAPES_FILE).read_bytes()
    ntriples = ntriples if ntriples is not None else union_ntriples(lines)
    key = key or shacl_key(ntriples, shapes)
    shape_graph = shape_graph if shape_graph is not None else load_shapes()
    return _decide(quads, len(lines), ntriples, shapes, key, shape_graph)


def _decide(quads: QuadSink, count: int, ntriples: bytes, shapes: bytes, key: str,
            shape_graph, session=None) -> tuple[list[Violation], dict[str, Any]]:
    from .validate import conforms, validate

    if session is not None and session.shapes != shapes.decode("utf-8"):
        session = None  # made before the shapes file changed: the build will be refused
    if count <= RUDOF_MAX_QUADS:
        verdict = session.check(ntriples) if session is not None \
            else conforms(ntriples, shapes.decode("utf-8"))
        if verdict is not None and verdict[0]:
            return [], {"key": key, "conforms": True, "engine": "rudof"}
        violations = validate(quads.union_graph(), shape_graph)
        if not violations and verdict is not None:
            violations = verdict[1]
        return violations, {"key": key, "conforms": not violations, "engine": "pyshacl"}
    return _check_in_pieces(quads, ntriples, shapes, key, shape_graph, session)


def _check_in_pieces(quads: QuadSink, ntriples: bytes, shapes: bytes, key: str,
                     shape_graph, session=None) -> tuple[list[Violation], dict[str, Any]]:
    """A graph too large for rudof in one go: in pieces that give the whole graph's
    verdict (shacl_chunks.py), pySHACL writing the report of the pieces that fail; whole,
    by pySHACL, when the shapes can look arbitrarily far."""
    from .shacl_chunks import reach, read_predicates, validate_in_pieces
    from .validate import validate

    steps = reach(shape_graph)
    try:
        import pyrudof  # noqa: F401
    except ImportError:
        steps = None
    if steps is None:
        violations = validate(quads.union_graph(), shape_graph)
        return violations, {"key": key, "conforms": not violations, "engine": "pyshacl"}
    ok, found, failing = validate_in_pieces(ntriples, shapes.decode("utf-8"), steps,
                                            predicates=read_predicates(shape_graph),
                                            session=session)
    if ok:
        return [], {"key": key, "conforms": True, "engine": "rudof, in pieces"}
    violations: list[Violation] = []
    for owned, data in failing:
        violations.extend(validate(_graph_of(data), shape_graph, keep=owned))
    violations = sorted(violations, key=lambda v: (v.focus, v.path, v.message)) \
        or found  # the engines disagree: rudof's findings stand
    return violations, {"key": key, "conforms": False, "engine": "pyshacl, in pieces"}


def _graph_of(ntriples: bytes):
    """N-Triples as an rdflib Graph, read by Oxigraph, which keeps blank node labels (so
    a piece's owned blank nodes keep the names rudof gave them)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from .namespaces import bind_prefixes
    from .store import to_rdflib

    g = Graph()
    bind_prefixes(g)
    g.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), g)
           for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    return g


# --- releases ------------------------------------------------------------------------------


def current_release(root: Path) -> Path | None:
    """The published release directory, or None before the first build."""
    link = Path(root) / CURRENT
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if (target / MANIFEST_FILE).is_file() else None


def read_manifest(release: Path) -> dict[str, Any]:
    try:
        return json.loads((release / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """One writer (build or ingest) at a time per build folder; readers never wait."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another econkg build or ingest is writing {root}; "
                               "wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish(root: Path, fill: Callable[[Path], dict[str, Any]]) -> Path:
    """Make a release: `fill(staging_dir)` writes the store and files and returns the
    manifest; the release is then renamed into place and `current` swapped to it. On any
    exception (or a kill) the staging directory is all that is left, and the next writer
    removes it; `current` is untouched."""
    root = Path(root)
    releases = root / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(releases)
    staging = releases / f".staging-{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    try:
        (staging / READERS).touch()
        manifest = fill(staging)
        _write_manifest(staging / MANIFEST_FILE, manifest)
        _fsync_tree(staging)
        final = releases / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_link(root / CURRENT, Path(RELEASES) / final.name)
    for name in (DATASET_FILE, MANIFEST_FILE):
        link = root / name
        if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
            _swap_link(link, Path(CURRENT) / name)
    _fsync_dir(root)
    _remove_old_releases(releases, keep=final)
    return final


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    from .export import write_atomic

    write_atomic(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
                 .encode("utf-8"))


def _swap_link(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for dirpath, _, files in os.walk(path):
        for f in files:
            fd = os.open(os.path.join(dirpath, f), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _remove_stale_staging(releases: Path) -> None:
    for d in releases.glob(".staging-*"):
        pid = int(d.name.split("-")[1]) if d.name.split("-")[1].isdigit() else 0
        if pid and _alive(pid) and pid != os.getpid():
            continue
        shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_old_releases(releases: Path, keep: Path) -> None:
    """Remove all but the newest releases, except one a reader holds (`hold_release`):
    a long-running reader (`econkg serve`) keeps its release until it lets go, and a
    later writer removes it then."""
    done = sorted((d for d in releases.iterdir() if not d.name.startswith(".")),
                  key=lambda d: d.name)
    for d in done[:-KEEP_RELEASES]:
        if d == keep:
            continue
        if not (d / READERS).is_file():  # a release made before readers held them
            shutil.rmtree(d, ignore_errors=True)
            continue
        with open(d / READERS, "rb") as fh:  # (writers hold the writer lock: no race)
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being read
            shutil.rmtree(d, ignore_errors=True)


def hold_release(release: Path):
    """A shared lock on a release, so that no writer removes it while it is read: the
    open file returned holds it until it is closed (or the process ends); None when the
    release is being removed, or predates this lock (then it is read unheld). The file
    is opened read-only, so a reader needs no write access to the build folder."""
    try:
        fh = open(Path(release) / READERS, "rb")  # noqa: SIM115 (outlives this call)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


# --- writing a build -----------------------------------------------------------------------


LOAD_BATCH = 200_000  # quads per bulk load of a release's store


def write_build(result: BuildResult, out_dir: Path, seeds_dir: Path) -> Path:
    """Publish the built graph as a new release. Statistics datasets ingested into the
    previous release are carried over (its store is copied by checkpoint, the curated
    graphs replaced), so rebuilding the documents never drops official statistics."""
    from .export import serialize, write_atomic
    from .store import OxigraphStore

    root = Path(out_dir)
    memory = result.store if result.store is not None \
        else OxigraphStore.from_dataset(result.dataset)
    lines = result.lines or _nquads_lines(memory)
    trig = serialize(memory, "trig", lines=lines)
    sizes = memory.graph_sizes()
    graphs = sorted(sizes)

    def fill(staging: Path) -> dict[str, Any]:
        previous = current_release(root)
        old = read_manifest(previous) if previous else {}
        datasets = old.get("datasets", []) if previous else []
        if datasets and (previous / STORE_DIR).is_dir():
            store = OxigraphStore.open(previous / STORE_DIR).copy_to(staging / STORE_DIR)
            store.remove_graphs(old.get("graphs", []))
        else:
            datasets = []
            store = OxigraphStore(staging / STORE_DIR)
        for start in range(0, len(lines), LOAD_BATCH):  # never a second copy of it all
            store.bulk_load(data=b"\n".join(lines[start:start + LOAD_BATCH]) + b"\n")
        del store
        write_atomic(staging / DATASET_FILE, trig)
        if result.violations:  # waits for SHACL, which ran while the above was written
            raise ShapesViolated(result.violations)
        return {
            "econkg": __version__,
            "fingerprint": result.fingerprint or fingerprint(seeds_dir),
            "seeds": str(Path(seeds_dir).resolve()),
            "triples": len(lines),
            "graphs": graphs,
            "graph_sizes": sizes,
            "warnings": result.warnings,
            "datasets": datasets,
            **({"shacl": {k: v for k, v in result.shacl.items() if k != "reused"}}
               if result.shacl.get("conforms") else {}),
        }

    with writer_lock(root):
        publish(root, fill)
    return root / DATASET_FILE


def _nquads_lines(store: OxigraphStore) -> list[bytes]:
    from .export import sorted_nquads

    return sorted_nquads(store)


# --- reading a build -----------------------------------------------------------------------


def fresh_release(out_dir: Path, seeds_dir: Path,
                  note: Callable[[str], None] = lambda _: None) -> Path | None:
    """The current release if its fingerprint matches the inputs, else None (with a note
    when there is a release that is out of date)."""
    release = current_release(Path(out_dir))
    if release is None:
        return None
    manifest = read_manifest(release)
    if manifest.get("fingerprint") == fingerprint(seeds_dir) \
            and (release / STORE_DIR / "CURRENT").is_file():
        return release
    extra = ""
    if manifest.get("datasets"):
        extra = (f"; the {len(manifest['datasets'])} statistics dataset(s) in it are not "
                 "in this answer")
    note(f"{out_dir} is out of date with {seeds_dir}; building in memory "
         f"(run `econkg build` to validate and cache it){extra}")
    return None


def open_store(out_dir: Path, seeds_dir: Path,
               note: Callable[[str], None] = lambda _: None) -> OxigraphStore:
    """The published store, opened read-only (milliseconds, whatever its size), or an
    in-memory store of a fresh build when there is no up-to-date release."""
    from .store import OxigraphStore

    release = fresh_release(out_dir, seeds_dir, note)
    if release is not None:
        hold = hold_release(release)  # before opening: the release stays while it is read
        store = OxigraphStore.open(release / STORE_DIR)
        store.hold = hold  # (let go when the store is)
        manifest = read_manifest(release)
        sizes = manifest.get("graph_sizes", {})
        sizes.update({d["graph"]: d["triples"] for d in manifest.get("datasets", [])})
        store.sizes = sizes or None
        return store
    return build(seeds_dir, check_shapes=False).store


def load_dataset(out_dir: Path, seeds_dir: Path,
                 note: Callable[[str], None] = lambda _: None) -> Dataset:
    """The curated graph (documents, entities, ontology) as an rdflib Dataset, for the
    commands that walk it in Python (stats, viz, analyses). Statistics datasets stay in
    the store; the questions reach them through `open_store`."""
    from rdflib import Dataset, URIRef

    from .namespaces import bind_prefixes

    release = fresh_release(out_dir, seeds_dir, note)
    if release is None:
        return build(seeds_dir, check_shapes=False).dataset
    import pyoxigraph as ox

    from .store import OxigraphStore

    hold = hold_release(release)
    try:
        store = OxigraphStore.open(release / STORE_DIR).store
        ds = Dataset()
        bind_prefixes(ds)
        for name in read_manifest(release).get("graphs", []):
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            ds.graph(URIRef(name)).parse(data=data, format="nt")
    finally:
        if hold is not None:
            hold.close()
    return ds
