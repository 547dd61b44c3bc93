"""Check every citation against the source texts: the quote must be printed on its line."""

from __future__ import annotations

from pathlib import Path

from .seeds import Seeds


def verify_citations(seeds: Seeds, sources_dir: Path) -> tuple[int, list[str]]:
    """Return (citations checked, problems). A problem names the seed row and the source."""
    texts: dict[str, list[str]] = {}
    problems: list[str] = []
    checked = 0
    for where, c in seeds.citations():
        if c.source not in texts:
            path = Path(sources_dir) / c.source
            if not path.is_file():
                problems.append(f"{where}: source {c.source} is not in {sources_dir}")
                texts[c.source] = []
                continue
            texts[c.source] = path.read_text(encoding="utf-8").splitlines()
            declared = seeds.sources[c.source].lines
            if declared != len(texts[c.source]):
                problems.append(f"sources.csv: {c.source} has {len(texts[c.source])} lines, "
                                f"not {declared} as the 'lines' column says")
        lines = texts[c.source]
        if not lines:
            continue
        checked += 1
        if c.line > len(lines):
            problems.append(f"{where}: line {c.line} is beyond the end of {c.source}")
        elif c.quote not in lines[c.line - 1]:
            near = [n for n in range(max(1, c.line - 3), min(len(lines), c.line + 3) + 1)
                    if c.quote in lines[n - 1]]
            hint = f" (it is on line {', '.join(map(str, near))})" if near else ""
            problems.append(f"{where}: {c.quote!r} is not printed on {c.source} line "
                            f"{c.line}{hint}")
    problems += _check_signs(seeds, texts)
    return checked, problems


def _check_signs(seeds: Seeds, texts: dict[str, list[str]]) -> list[str]:
    """A value must agree in sign with its line: a change the line prints as a fall
    (下降, 拉低 …) is negative, one printed as a rise positive, even when the quote's 15
    characters leave the direction word out."""
    from .figures import sign_on_line

    problems = []
    for o in seeds.observations:
        lines = texts.get(o.citation.source) or []
        if not 1 <= o.citation.line <= len(lines) or o.value == 0:
            continue
        sign = sign_on_line(lines[o.citation.line - 1], o.citation.quote)
        if sign and (o.value > 0) != (sign > 0):
            word = "a fall" if sign < 0 else "a rise"
            problems.append(f"{o.where}: field 'value': {format(o.value, 'f')} has the wrong "
                            f"sign: line {o.citation.line} prints {o.citation.quote!r} as {word}")
    return problems
