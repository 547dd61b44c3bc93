"""Read a document's bytes as text: UTF-8, GB18030 or Big5, detected or forced.

The text keeps every character (no newline translation beyond splitting lines), because a
citation's quote must be found on its line exactly as printed.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
CANDIDATES = ("utf_8", "gb18030", "big5")
_FAMILY = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "gb18030",
           "big5": "big5", "big5hkscs": "big5", "cp950": "big5", "utf_8": "utf-8",
           "ascii": "utf-8", "utf_8_sig": "utf-8-sig"}


class DocumentError(ValueError):
    """The document cannot be read as text; the message says why and what to try."""


@dataclass(frozen=True)
class Document:
    path: Path
    encoding: str
    lines: tuple[str, ...]  # without their line endings; line n is lines[n - 1]


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding). Forced encodings decode strictly; otherwise UTF-8 first (with or
    without BOM), then the charset detector restricted to GB18030 and Big5."""
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DocumentError(f"{name}: unknown encoding {encoding!r} "
                                "(try utf-8, gb18030 or big5)") from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{name}: not valid {encoding} ({exc.reason} at byte "
                                f"{exc.start}); try another --encoding") from None
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{name}: looks like a binary file (NUL bytes), not plain text; "
                            "export the document as .txt first")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CANDIDATES[1:])).best()
    if best is None:
        raise DocumentError(f"{name}: cannot tell the encoding (not UTF-8, GB18030 or Big5); "
                            "give it with --encoding")
    enc = _FAMILY.get(best.encoding, best.encoding)
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{name}: not valid {enc} ({exc.reason} at byte {exc.start}); "
                            "give the encoding with --encoding") from None


def read_document(path: Path, encoding: str | None = None) -> Document:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(f"{path.name}: {size} bytes is more than the "
                                f"{MAX_BYTES // 1024 // 1024} MB a plain-text document "
                                "should need")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror})") from None
    text, enc = decode(data, path.name, encoding)
    if any(ord(ch) < 32 and ch not in "\t\r\n\f\v" for ch in text[:8192]):
        raise DocumentError(f"{path.name}: holds control characters; is it a binary file?")
    lines = tuple(text.splitlines())
    if not any(line.strip() for line in lines):
        raise DocumentError(f"{path.name}: the file holds no text")
    return Document(path, enc, lines)
