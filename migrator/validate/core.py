"""Findings, positions and tokens shared by the offline validator."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass

from sqlglot.dialects.oracle import Oracle
from sqlglot.tokens import TokenType

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found in a validated file; positions are 1-based in that file."""

    path: str
    unit: str
    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    severity: str = ERROR

    def to_dict(self) -> dict:
        return asdict(self)

    def human(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message} [{self.unit}]"


class Text:
    """A file's text with offset -> (line, col) mapping."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def pos(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def offset(self, line: int, col: int) -> int:
        line = max(1, min(line, len(self.starts)))
        return self.starts[line - 1] + col - 1


@dataclass
class Tok:
    kind: str        # NAME, QNAME (quoted), NUMBER, STRING, or the punctuation's sqlglot token type name
    text: str
    start: int       # file offsets, end exclusive
    end: int

    @property
    def up(self) -> str:
        return self.text.upper() if self.kind != "QNAME" else self.text

    @property
    def is_name(self) -> bool:
        return self.kind in ("NAME", "QNAME")

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.kind} {self.text!r}@{self.start}>"


_STRINGS = {TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.RAW_STRING, TokenType.HEX_STRING,
            TokenType.BIT_STRING, TokenType.BYTE_STRING, TokenType.HEREDOC_STRING}


class _Tokenizer(Oracle.Tokenizer):
    COMMANDS: set = set()  # EXECUTE IMMEDIATE, SHOW, ... are statements to parse, not opaque commands


class TokenizeError(Exception):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def tokenize(text: str, base: int) -> list[Tok]:
    """Tokens of ``text`` (a slice of the file starting at offset ``base``), comments dropped."""
    try:
        raw = _Tokenizer().tokenize(text)
    except Exception as exc:  # sqlglot TokenError: unterminated string/comment, odd character
        msg = str(exc)
        return _fail(msg, text, base)
    out: list[Tok] = []
    for t in raw:
        tt = t.token_type
        start, end = base + t.start, base + t.end + 1
        if tt == TokenType.VAR or (t.text[:1].isalpha() or t.text[:1] == "_") and tt not in _STRINGS \
                and tt != TokenType.IDENTIFIER and tt != TokenType.NUMBER and not any(c.isspace() for c in t.text):
            out.append(Tok("NAME", t.text, start, end))
        elif tt == TokenType.IDENTIFIER:
            out.append(Tok("QNAME", t.text, start, end))
        elif tt == TokenType.NUMBER:
            if t.text.endswith(".") and len(t.text) > 1 and text[t.end + 1:t.end + 2] == ".":
                out.append(Tok("NUMBER", t.text[:-1], start, end - 1))
                out.append(Tok("DOT", ".", end - 1, end))
            else:
                out.append(Tok("NUMBER", t.text, start, end))
        elif tt != TokenType.IDENTIFIER and tt not in _STRINGS and any(c.isspace() for c in t.text.strip()):
            # sqlglot merges some keyword pairs ("PRIMARY KEY", "BULK COLLECT INTO"): split them
            import re as _re
            for m in _re.finditer(r"\S+", text[t.start:t.end + 1]):
                out.append(Tok("NAME", m.group(0), start + m.start(), start + m.end()))
        elif tt in _STRINGS:
            out.append(Tok("STRING", t.text, start, end))
        else:
            out.append(Tok(tt.name, t.text, start, end))
    merged: list[Tok] = []
    for tok in out:  # a..b
        if tok.kind == "DOT" and merged and merged[-1].kind == "DOT" and merged[-1].end == tok.start:
            merged[-1] = Tok("DOTDOT", "..", merged[-1].start, tok.end)
        else:
            merged.append(tok)
    return merged


def _fail(msg: str, text: str, base: int):
    # best effort position: sqlglot does not give one; look for an unterminated quote
    raise TokenizeError(msg.splitlines()[0][:200], base + _guess_unterminated(text))


def _guess_unterminated(text: str) -> int:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return i
            i = j + 2
        elif c in "'\"":
            j = text.find(c, i + 1)
            while j >= 0 and c == "'" and text.startswith("''", j):
                j = text.find(c, j + 2)
            if j < 0:
                return i
            i = j + 1
        else:
            i += 1
    return 0
