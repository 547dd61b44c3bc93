"""Plain-text tables that fit the terminal, with CJK characters counted as two columns."""

from __future__ import annotations

import re
import shutil
import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, w = "", 0
    for ch in text:
        cw = width(ch)
        if w + cw > limit - 1:
            break
        out += ch
        w += cw
    return out + "…"


def format_table(rows: list[dict[str, object]], max_width: int | None = None) -> str:
    if not rows:
        return "(no rows)"
    cols = list(rows[0])
    cells = [[("" if r.get(c) is None else str(r.get(c))).replace("\n", " ") for c in cols]
             for r in rows]
    widths = [max(width(c), *(width(row[i]) for row in cells)) for i, c in enumerate(cols)]
    total = max_width or shutil.get_terminal_size((160, 24)).columns
    # Shrink the widest columns until the table fits.
    while sum(widths) + 2 * (len(widths) - 1) > total and max(widths) > 8:
        i = widths.index(max(widths))
        widths[i] -= 1

    def line(values: list[str]) -> str:
        parts = []
        for v, w in zip(values, widths, strict=True):
            v = _clip(v, w)
            parts.append(v + " " * (w - width(v)))
        return "  ".join(parts).rstrip()

    out = [line(cols), line(["─" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


# Cells for spreadsheets ------------------------------------------------------------------
#
# A spreadsheet opening a CSV runs a cell that begins with = + - @ (and, in some, a tab or
# carriage return before them) as a formula: `=HYPERLINK(…)`, `=cmd|' /C calc'!A0`. CSV
# files we write are opened in spreadsheets, so such a cell gets a leading apostrophe —
# the mark Excel, LibreOffice and Google Sheets read as "this is text" and do not show —
# as OWASP's CSV-injection advice and well-kept exporters do. A cell that is a number
# (-81, +3.5, -2.7e9) is left alone: a spreadsheet reads it as that number, never as a
# formula, and a leading apostrophe would turn a real value into text.

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """`cell`, with an apostrophe in front if a spreadsheet would run it as a formula."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
