"""ISO 3166 codes and names from pycountry, never from a hand-typed table."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class IsoPlace:
    code: str
    alpha3: str | None
    names_en: tuple[str, ...]  # common name first, then the ISO and official names
    names_zh: tuple[str, ...]


@cache
def _translations(domain: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"],
                               fallback=True)


def lookup_iso(code: str, place_type: str = "Country") -> IsoPlace:
    """Resolve an ISO 3166-1 alpha-2 or ISO 3166-2 code; LookupError says what is wrong."""
    import pycountry

    if "-" in code:
        sub = pycountry.subdivisions.get(code=code)
        if sub is None:
            raise LookupError(f"{code!r} is not an ISO 3166-2 subdivision code")
        zh = _translations("iso3166-2").gettext(sub.name)
        return IsoPlace(code, None, (sub.name,), (zh,) if zh != sub.name else ())
    if place_type != "Country":
        raise LookupError(f"{code!r} is a country code but the place is a {place_type}")
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise LookupError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    names = [getattr(country, "common_name", None), country.name,
             getattr(country, "official_name", None)]
    en = tuple(dict.fromkeys(n for n in names if n))
    zh_names = [_translations("iso3166-1").gettext(n) for n in (country.name,
                getattr(country, "official_name", None)) if n]
    zh = tuple(dict.fromkeys(z for z in zh_names if z and z not in en))
    return IsoPlace(code, country.alpha_3, en, zh)
