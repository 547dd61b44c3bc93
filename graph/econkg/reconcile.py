"""Document figures beside official statistics: the `reconcile` question, as records.

The comparison itself is the named question queries/reconcile.rq (standard SPARQL, so any
store behind the seam answers it); this module shapes its rows for the command: each row
keeps both citations — the document's file, line and quote, and the dataset and row(s) of
the official and mirror figures.
"""

from __future__ import annotations

from typing import Any


def reconcile(store: Any, reporter: str | None = None, partner: str | None = None, *,
              matched_only: bool = True) -> list[dict[str, Any]]:
    """Rows of the reconcile question; with `matched_only`, only figures that have an
    official or a mirror counterpart."""
    from .queries import result_records, run_named

    params = {k: v for k, v in (("reporter", reporter), ("partner", partner)) if v}
    rows = result_records(run_named(store, "reconcile", **params))
    if matched_only:
        rows = [r for r in rows if r["official"] is not None or r["mirror"] is not None]
    return rows
