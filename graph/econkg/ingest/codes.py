"""Comtrade's code lists: economies, flows, classifications.

Economies: Comtrade numbers them with UN M49 codes, which for countries are the ISO 3166-1
numeric codes pycountry knows — except where Comtrade keeps codes of its own, listed in
`COMTRADE_OWN` (from Comtrade's reporter and partner reference lists: the code includes
overseas territories the ISO code leaves out, or names an area with no ISO code). A code
in neither is a bad row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Economy:
    code: str  # Comtrade's code as published
    alpha2: str | None  # ISO 3166-1, None for areas without one
    alpha3: str | None
    name: str
    kind: str  # "Country" or "Place" (World, areas not elsewhere specified, blocs)


# Comtrade's own codes for countries (ISO numeric in brackets), and areas that have no ISO
# code. The ISO letters Comtrade prints in reporterISO/partnerISO are given for areas.
COMTRADE_OWN: dict[str, tuple[str | None, str | None, str, str]] = {
    "842": ("US", "USA", "United States", "Country"),  # [840] incl. Puerto Rico, USVI
    "251": ("FR", "FRA", "France", "Country"),  # [250] incl. Monaco and overseas depts.
    "579": ("NO", "NOR", "Norway", "Country"),  # [578] incl. Svalbard and Jan Mayen
    "757": ("CH", "CHE", "Switzerland", "Country"),  # [756] incl. Liechtenstein
    "699": ("IN", "IND", "India", "Country"),  # [356] (Comtrade's code since 1975)
    "381": ("IT", "ITA", "Italy", "Country"),  # [380] incl. San Marino and Holy See
    "0": (None, "W00", "World", "Place"),
    "490": (None, "S19", "Other Asia, nes", "Place"),  # how Comtrade reports Taiwan
    "899": (None, "_X ", "Areas, nes", "Place"),
    "837": (None, "XZ ", "Bunkers", "Place"),
    "838": (None, "_X ", "Free Zones", "Place"),
    "839": (None, "_X ", "Special Categories", "Place"),
    "97": (None, "EUR", "European Union", "Place"),
}
# Countries whose ISO numeric code Comtrade does not use as a partner or reporter (it
# uses the code above instead); a row with 840 for the United States is still read, as
# M49, but reconcile questions match by entity, so both land on the same country.


@cache
def economy(code: str) -> Economy | None:
    """The economy a Comtrade reporter/partner code names, or None if it names none."""
    code = code.lstrip("0") or "0"
    if code in COMTRADE_OWN:
        a2, a3, name, kind = COMTRADE_OWN[code]
        return Economy(code, a2, a3.strip() if a3 else None, name, kind)
    import pycountry

    c = pycountry.countries.get(numeric=code.zfill(3))
    if c is None:
        return None
    return Economy(code, c.alpha_2, c.alpha_3, getattr(c, "common_name", c.name), "Country")


FLOWS = {  # flowCode → (flow direction, measure)
    "X": ("Export", "ExportValue"),
    "M": ("Import", "ImportValue"),
    "RX": ("ReExport", "ExportValue"),
    "RM": ("ReImport", "ImportValue"),
}

HS_CLASSIFICATIONS = {"H0", "H1", "H2", "H3", "H4", "H5", "H6", "HS"}
FREQUENCIES = {"A", "M"}
TRADE_TYPES = {"C", "S"}
ALL_CUSTOMS, ALL_SUPPLY, ALL_TRANSPORT, ALL_PARTNERS = "C00", "0", "0", "0"
