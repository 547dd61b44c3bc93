"""Printed totals against their printed parts: warnings, not errors.

Sources round and restate. When a document prints a total and its parts (exports and
imports for the same reporter, partner, commodity and period), the build checks that they
add up within the rounding the quotes allow, and reports both citations when they do not.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .seeds import Observation, Seeds

# How far apart printed figures may be before we call it a disagreement.
TOLERANCE = Decimal("0.05")


def _key(o: Observation) -> tuple[str, ...]:
    return (o.reporter, o.partner, o.commodity, o.period.text if o.period else "", o.unit)


def _cite(o: Observation) -> str:
    c = o.citation
    return f"{c.source}:{c.line} «{c.quote}»"


def check_consistency(seeds: Seeds) -> list[str]:
    by_key: dict[tuple[str, ...], dict[str, list[Observation]]] = defaultdict(
        lambda: defaultdict(list))
    for o in seeds.observations:
        if o.measure in ("TradeValue", "ExportValue", "ImportValue", "TradeBalance"):
            by_key[_key(o)][o.measure].append(o)
    warnings = []
    for key, m in sorted(by_key.items()):
        for total in m.get("TradeValue", []):
            for ex in m.get("ExportValue", []):
                for im in m.get("ImportValue", []):
                    parts = ex.value + im.value
                    if _off(total.value, parts, total, ex, im):
                        warnings.append(
                            f"exports + imports = {parts:,} but the total is {total.value:,} "
                            f"for {' '.join(filter(None, key[:4]))}: {_cite(total)} vs "
                            f"{_cite(ex)} + {_cite(im)}")
        for bal in m.get("TradeBalance", []):
            for ex in m.get("ExportValue", []):
                for im in m.get("ImportValue", []):
                    diff = ex.value - im.value
                    if _off(bal.value, diff, bal, ex, im):
                        warnings.append(
                            f"exports − imports = {diff:,} but the balance is {bal.value:,} "
                            f"for {' '.join(filter(None, key[:4]))}: {_cite(bal)} vs "
                            f"{_cite(ex)} − {_cite(im)}")
    return warnings


def _off(stated: Decimal, computed: Decimal, *obs: Observation) -> bool:
    """Approximate figures (约, 超, 多) get a wider margin than exact ones."""
    tolerance = TOLERANCE * (3 if any(o.approx for o in obs) else 1)
    if stated == 0:
        return computed != 0
    return abs(stated - computed) / abs(stated) > tolerance
