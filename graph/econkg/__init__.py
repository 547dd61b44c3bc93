"""econkg: a cited knowledge graph of cross-border economic relations.

Importing the package does no work: heavy libraries load inside the functions that need them,
and submodules load on first use (`econkg.viz.draw(...)` works after a bare `import econkg`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import pandas as pd
    from rdflib import Dataset, Graph


def query(graph: Dataset | Graph | Any, name: str, /, **params: Any) -> pd.DataFrame:
    """Run the named query NAME on a graph (or a Store) and return a pandas DataFrame."""
    from .queries import run_named_dataframe

    return run_named_dataframe(graph, name, **params)


def load(seeds: str | None = None) -> Dataset:
    """Build the graph from seed tables (the packaged ones by default) without SHACL."""
    from pathlib import Path

    from .pipeline import build
    from .resources import default_seeds_dir

    return build(Path(seeds) if seeds else default_seeds_dir(), check_shapes=False).dataset


def open_store(build_dir: str = "build", seeds: str | None = None) -> Any:
    """The store `econkg build` / `econkg ingest` published in BUILD_DIR, opened read-only
    (milliseconds, whatever its size; documents and statistics). Pass it to `query` to
    answer many questions without rebuilding anything:

        store = econkg.open_store()
        econkg.query(store, "reconcile", reporter="china")
    """
    from pathlib import Path

    from .pipeline import open_store as _open
    from .resources import default_seeds_dir

    return _open(Path(build_dir), Path(seeds) if seeds else default_seeds_dir())


# Submodules reachable as attributes of the package, imported on first access (PEP 562):
# `import econkg; econkg.viz.draw(...)` works without importing every module up front.
def __getattr__(name: str) -> Any:
    import importlib.util

    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
