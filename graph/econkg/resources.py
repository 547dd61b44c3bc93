"""Where the ontology, seeds and named queries are: the checkout when run from one, else the
copies inside the installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    packaged = _PACKAGE / "data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parents[1] / name  # graph/econkg → repository root
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"econkg cannot find its {name}/ folder (looked in {packaged} "
                            f"and {checkout}); reinstall the package")


def ontology_dir() -> Path:
    """$ECONKG_ONTOLOGY (for trying an edited ontology without reinstalling), else shipped."""
    env = os.environ.get("ECONKG_ONTOLOGY")
    return Path(env) if env else _find("ontology")


def queries_dir() -> Path:
    """$ECONKG_QUERIES (a folder of your own .rq files), else the shipped questions."""
    env = os.environ.get("ECONKG_QUERIES")
    return Path(env) if env else _find("queries")


def default_seeds_dir() -> Path:
    """$ECONKG_SEEDS, else ./seeds when it is an econkg seed folder, else the packaged seeds.

    Curators edit ./seeds in a checkout; an analyst elsewhere gets the shipped tables.
    """
    env = os.environ.get("ECONKG_SEEDS")
    if env:
        return Path(env)
    local = Path("seeds")
    if (local / "sources.csv").is_file():
        return local
    return _find("seeds")
