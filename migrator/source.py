"""Source layer: bytes → text (any encoding), newline style, GO batches with spans.

Everything downstream works on ``SourceFile.text`` with LF newlines; offsets,
lines and columns refer to that text (lines and columns are 1-based).

Newlines: ``SourceFile.newline`` records the input's style (CRLF when most lines
end in CRLF, as SSMS writes them). The pipeline writes each output script with
its input's newline style, always as UTF-8 without a BOM, so a Windows project
diffs cleanly against its converted copy; reports are LF.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

__all__ = ["SourceFile", "Batch", "Span", "decode", "split_batches", "DecodeError"]


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass(frozen=True)
class Span:
    start: int  # offset into SourceFile.text
    end: int  # exclusive
    line: int  # 1-based
    col: int  # 1-based
    end_line: int
    end_col: int

    def to_dict(self) -> dict:
        return {"line": self.line, "col": self.col, "end_line": self.end_line, "end_col": self.end_col}


@dataclass
class Batch:
    """Text between GO separators. ``repeat`` is n for ``GO n``."""

    text: str
    offset: int  # offset of text[0] in the file text
    line: int  # line of text[0] in the file (1-based)
    repeat: int = 1


@dataclass
class SourceFile:
    path: str
    text: str
    encoding: str
    newline: str = "\n"
    had_bom: bool = False
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", self.text))
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """(line, col), both 1-based, of an offset into ``text``."""
        import bisect

        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(max(start, end - 1))
        return Span(start, end, line, col, end_line, end_col + (1 if end > start else 0))

    @classmethod
    def from_bytes(cls, path: str, data: bytes) -> "SourceFile":
        text, encoding, bom = decode(data)
        crlf = text.count("\r\n")
        newline = "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return cls(path=path, text=text, encoding=encoding, newline=newline, had_bom=bom)

    @classmethod
    def from_text(cls, path: str, text: str) -> "SourceFile":
        return cls.from_bytes(path, text.encode("utf-8"))


_BOMS = [  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
]


def decode(data: bytes) -> tuple[str, str, bool]:
    """Decode SQL script bytes. Returns (text, encoding, had_bom).

    Order: BOM (UTF-8/16/32 as SSMS writes them), BOM-less UTF-16 detected by
    NUL bytes, strict UTF-8, then cp1252 (the usual Windows default). Text with
    NUL characters (or mostly control characters) left after decoding is not a
    SQL script: DecodeError. The BOM itself is never part of the text.
    """
    for bom, enc, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), f"{name} (BOM)", True
            except UnicodeDecodeError as e:
                raise DecodeError(f"file starts with a {name} byte-order mark but is not valid {name}: "
                                  f"{e.reason} at byte {e.start + len(bom)}") from None
    text = enc = None
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4 and data[0::2].count(0) == 0:
        enc = "utf-16-le"
    elif len(data) >= 4 and data[0::2].count(0) > len(data) // 4 and data[1::2].count(0) == 0:
        enc = "utf-16-be"
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            text = enc = None
    if text is None:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise DecodeError(f"binary content: NUL byte at offset {nul}; not a SQL script")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as e:
                raise DecodeError(f"not UTF-8, UTF-16 or cp1252 text (byte 0x{data[e.start]:02x} "
                                  f"at offset {e.start})") from None
    _check_text(text)
    return text, enc, False


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check_text(text: str) -> None:
    nul = text.find("\x00")
    if nul >= 0:
        raise DecodeError(f"binary content: NUL character at offset {nul}; not a SQL script")
    bad = len(_CONTROL.findall(text[:65536]))
    if bad > max(8, len(text[:65536]) // 100):
        raise DecodeError(f"binary content: {bad} control characters in the first 64 KiB; not a SQL script")


# A batch separator is GO alone on its line (optionally "GO n"), outside strings and comments.
_GO_LINE = re.compile(r"^[ \t]*GO(?:[ \t]+(\d+))?[ \t]*(?:--[^\n]*)?$", re.I | re.M)


_SPECIAL = re.compile(r"--|/\*|['\"\[]")
_CLOSERS = {"'": re.compile(r"'(?:[^']|'')*(?:'|\Z)"), '"': re.compile(r'"(?:[^"]|"")*(?:"|\Z)'),
            "[": re.compile(r"\[(?:[^\]]|\]\])*(?:\]|\Z)")}
_BLOCK_EDGE = re.compile(r"/\*|\*/")


def _skip_span(text: str, i: int) -> int:
    """End of the string, quoted identifier or comment starting at text[i] (len(text) if unterminated)."""
    return _scan_span(text, i)[0]


def _scan_span(text: str, i: int) -> tuple[int, bool]:
    """(end, closed) of the string, quoted identifier or comment starting at text[i]."""
    c = text[i]
    if c == "-":
        j = text.find("\n", i)
        return (len(text) if j < 0 else j), True
    if c == "/":  # block comments nest in T-SQL
        depth, j = 1, i + 2
        while depth:
            m = _BLOCK_EDGE.search(text, j)
            if not m:
                return len(text), False
            depth += 1 if m.group() == "/*" else -1
            j = m.end()
        return j, True
    m = _CLOSED[c].match(text, i)
    if m:
        return m.end(), True
    return _CLOSERS[c].match(text, i).end(), False


_CLOSED = {"'": re.compile(r"'(?:[^']|'')*+'"), '"': re.compile(r'"(?:[^"]|"")*+"'),
           "[": re.compile(r"\[(?:[^\]]|\]\])*+\]")}
_WHAT = {"'": "string literal without its closing quote", '"': 'quoted identifier without its closing "',
         "[": "bracketed identifier without its closing ]", "/": "block comment /* without its closing */"}


def find_unterminated(text: str) -> tuple[int, str] | None:
    """(offset, what) of the first string, quoted identifier or block comment never closed."""
    i = 0
    while True:
        m = _SPECIAL.search(text, i)
        if not m:
            return None
        i = m.start()
        j, closed = _scan_span(text, i)
        if not closed:
            return i, _WHAT[text[i]]
        i = j


# One search per string, quoted identifier or comment: the closed forms, else the opener of one
# never closed (it runs to the end of the text); ``/*`` nests, so its end is found by ``_scan_span``.
_SPAN = re.compile(r"""--[^\n]*|/\*|'[^']*(?:''[^']*)*'|"[^"]*(?:""[^"]*)*"|\[[^\]]*(?:\]\][^\]]*)*\]|['"\[]""")


def _code_mask(text: str) -> bytearray:
    """1 where text[i] is inside a string literal, quoted identifier or comment."""
    mask = bytearray(len(text))
    search = _SPAN.search
    n = len(text)
    i = 0
    while True:
        m = search(text, i)
        if not m:
            return mask
        i, j = m.span()
        if j - i < 3 and (j - i == 1 or text[i] == "/"):  # an unterminated opener, or /*
            j = _skip_span(text, i) if text[i] == "/" else n
        mask[i:j] = b"\x01" * (j - i)
        i = j


def split_batches(text: str) -> list[Batch]:
    """Split on GO lines that are real code (not inside strings or comments).

    ``GO`` is case-insensitive, alone on its line, optionally ``GO n`` (the batch
    runs n times) and a trailing ``--`` comment. Batches keep file offsets and
    lines, so every span downstream is file-relative. Linear in the text size.
    Recent texts' batches are remembered (``SPLIT_CACHE_CHARS``): a run splits each file
    in its catalog pass and again to convert it (batches are never changed after the split).
    """
    hit = _SPLITS.get(text)
    if hit is not None:
        return list(hit)
    batches = _split_batches(text)
    global _SPLIT_CHARS
    _SPLITS[text] = batches
    _SPLIT_CHARS += len(text)
    while _SPLIT_CHARS > SPLIT_CACHE_CHARS and len(_SPLITS) > 1:
        _SPLIT_CHARS -= len(next(iter(_SPLITS)))
        del _SPLITS[next(iter(_SPLITS))]
    return list(batches)


SPLIT_CACHE_CHARS = 8 * 1024 * 1024  # texts whose batches are kept (oldest dropped first)
_SPLITS: dict[str, list[Batch]] = {}
_SPLIT_CHARS = 0


def _split_batches(text: str) -> list[Batch]:
    mask = _code_mask(text) if _GO_WORD.search(text) else None
    batches: list[Batch] = []
    pos, line = 0, 1
    for m in _GO_LINE.finditer(text):
        go_at = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        if mask is not None and mask[go_at]:
            continue
        batches.append(Batch(text[pos:m.start()], pos, line, int(m.group(1) or 1)))
        line += text.count("\n", pos, m.end())
        pos = m.end()
    batches.append(Batch(text[pos:], pos, line, 1))
    return [b for b in batches if b.text.strip()]


_GO_WORD = re.compile(r"^[ \t]*GO\b", re.I | re.M)
