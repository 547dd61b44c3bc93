"""How firmly a figure is printed: 约 (about), 近 (nearly), 超/余/多 (more than), 不足 (less)."""

from __future__ import annotations

# Markers that hedge a figure, mapped to the ontology's approximation concepts; the first
# marker found wins, so longer and more specific words come first.
APPROX_MARKERS: list[tuple[str, str]] = [
    ("左右", "about"), ("上下", "about"), ("大约", "about"), ("约", "about"),
    ("about", "about"), ("around", "about"),
    ("将近", "nearly"), ("接近", "nearly"), ("近", "nearly"), ("nearly", "nearly"),
    ("almost", "nearly"),
    ("不足", "less-than"), ("不到", "less-than"), ("以下", "less-than"),
    ("less than", "less-than"),
    ("至少", "more-than"), ("两位数", "more-than"),
    ("超过", "more-than"), ("以上", "more-than"), ("突破", "more-than"), ("逾", "more-than"),
    ("超", "more-than"), ("余", "more-than"), ("多", "more-than"), ("more than", "more-than"),
    ("over", "more-than"),
]
APPROXIMATIONS = ("about", "nearly", "more-than", "less-than")


def detect_approximation(quote: str) -> str | None:
    """The approximation a quote prints, if any (约23亿 → about; 500余种 → more-than)."""
    for marker, kind in APPROX_MARKERS:
        if marker in quote:
            return kind
    return None
