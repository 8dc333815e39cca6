"""A small Tcl word scanner (enough to read SQL out of HammerDB's Tcl sources).

It follows Tcl's word rules (the "Dodekalogue") without evaluating anything:

* commands are separated by newlines and ``;``; ``#`` starts a comment only where a command starts;
* ``{...}`` words nest by brace depth, ignore backslash-escaped braces and keep their text verbatim;
* ``"..."`` words end at an unescaped ``"``; ``[...]`` command substitutions inside them (and inside
  bare words) are scanned as nested scripts, so quotes and braces inside them do not end the word;
* ``$name``, ``${name}`` and ``$name(index)`` are variable references (never expanded here);
* backslash-newline (plus following blanks) separates words like a space;
* ``{*}`` as a word prefix is the expansion syntax.

Every word keeps absolute offsets into the text it was scanned from, so callers can report lines.
:func:`quoted_parts` splits the content of a quoted word into literal text (backslashes decoded),
variable references and command substitutions; nothing else in this module interprets Tcl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Command", "Part", "TclSyntaxError", "Word", "bracket_end", "decode_backslashes", "line_of",
           "parse_list", "parse_script", "quoted_parts"]

_BLANK = " \t\r\f\v"
_NAME_CHARS = re.compile(r"(?:[A-Za-z0-9_]|::)+")


class TclSyntaxError(ValueError):
    """The text is not well-formed Tcl (unbalanced braces, quotes or brackets)."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} (offset {offset})")
        self.offset = offset


@dataclass(frozen=True)
class Word:
    """One Tcl word. ``kind`` is ``brace``, ``quote`` or ``bare``; ``expand`` marks a ``{*}`` prefix."""

    kind: str
    start: int          # offset of the first character of the word (its delimiter included)
    end: int            # offset just past the word
    text: str           # the word's source text, delimiters included
    expand: bool = False

    @property
    def content_start(self) -> int:
        return self.start + 1 if self.kind in ("brace", "quote") else self.start

    @property
    def content_end(self) -> int:
        return self.end - 1 if self.kind in ("brace", "quote") else self.end

    @property
    def content(self) -> str:
        """The text between the delimiters (verbatim, nothing substituted or decoded)."""
        return self.text[1:-1] if self.kind in ("brace", "quote") else self.text

    @property
    def literal(self) -> str | None:
        """The word's value when it needs no substitution (braced, or plain bare text), else None."""
        if self.kind == "brace":
            return self.content
        if self.kind == "bare" and not any(c in self.text for c in "$[\\"):
            return self.text
        if self.kind == "quote" and not any(c in self.content for c in "$[\\"):
            return self.content
        return None


@dataclass(frozen=True)
class Command:
    words: tuple[Word, ...]
    start: int
    end: int

    @property
    def name(self) -> str | None:
        return self.words[0].literal if self.words else None


@dataclass(frozen=True)
class Part:
    """A piece of a quoted word: ``text`` (backslashes decoded), ``var`` or ``cmd``."""

    kind: str
    raw: str            # source text of the piece
    value: str          # decoded text (text), variable name (var) or the bracketed script (cmd)


class _Scanner:
    def __init__(self, src: str, end: int):
        self.s = src
        self.n = end

    # -- scripts and commands ---------------------------------------------------------
    def script(self, i: int, close: str | None = None) -> tuple[list[Command], int]:
        s, n = self.s, self.n
        cmds: list[Command] = []
        while True:
            while i < n:
                c = s[i]
                if c in _BLANK or c in "\n;":
                    i += 1
                elif c == "\\" and i + 1 < n and s[i + 1] == "\n":
                    i += 2
                else:
                    break
            if i >= n:
                if close:
                    raise TclSyntaxError("missing close-bracket", i)
                return cmds, i
            if close and s[i] == close:
                return cmds, i
            if s[i] == "#":
                i = self._comment(i)
                continue
            cmd, i = self._command(i, close)
            if cmd.words:
                cmds.append(cmd)

    def _command(self, i: int, close: str | None) -> tuple[Command, int]:
        s, n = self.s, self.n
        words: list[Word] = []
        start = i
        while True:
            while i < n:
                c = s[i]
                if c in _BLANK:
                    i += 1
                elif c == "\\" and i + 1 < n and s[i + 1] == "\n":
                    i += 2
                else:
                    break
            if i >= n or s[i] in "\n;" or (close and s[i] == close):
                return Command(tuple(words), start, i), i
            word, i = self._word(i, close)
            words.append(word)

    def _comment(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n:
            if s[i] == "\\":
                i += 2
                continue
            if s[i] == "\n":
                return i + 1
            i += 1
        return n

    # -- words ------------------------------------------------------------------------
    def _word(self, i: int, close: str | None) -> tuple[Word, int]:
        s, n = self.s, self.n
        expand = False
        if s.startswith("{*}", i) and i + 3 < n and s[i + 3] not in _BLANK + "\n;":
            expand = True
            i += 3
        c = s[i]
        if c == "{":
            j, kind = self._brace(i), "brace"
        elif c == '"':
            j, kind = self._quote(i), "quote"
        else:
            j, kind = self._bare(i, close), "bare"
        if kind != "bare" and j < n:
            nxt = s[j]
            ok = nxt in _BLANK or nxt in "\n;" or (close is not None and nxt == close) or \
                (nxt == "\\" and j + 1 < n and s[j + 1] == "\n")
            if not ok:
                what = "close-brace" if kind == "brace" else "close-quote"
                raise TclSyntaxError(f"extra characters after {what}", j)
        return Word(kind, i, j, s[i:j], expand), j

    def _brace(self, i: int) -> int:
        s, n = self.s, self.n
        depth, j = 0, i
        while j < n:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        raise TclSyntaxError("missing close-brace", i)

    def _quote(self, i: int) -> int:
        s, n = self.s, self.n
        j = i + 1
        while j < n:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == '"':
                return j + 1
            if c == "[":
                _, j = self.script(j + 1, "]")
                j += 1
                continue
            if c == "$":
                j = self._var(j)
                continue
            j += 1
        raise TclSyntaxError('missing "', i)

    def _bare(self, i: int, close: str | None) -> int:
        s, n = self.s, self.n
        j = i
        while j < n:
            c = s[j]
            if c in _BLANK or c in "\n;" or (close and c == close):
                break
            if c == "\\":
                if j + 1 < n and s[j + 1] == "\n":
                    break
                j += 2
                continue
            if c == "[":
                _, j = self.script(j + 1, "]")
                j += 1
                continue
            if c == "$":
                j = self._var(j)
                continue
            j += 1
        return min(j, n)

    def _var(self, j: int) -> int:
        """Offset just past the variable reference starting at ``s[j] == '$'``."""
        s, n = self.s, self.n
        k = j + 1
        if k < n and s[k] == "{":
            e = s.find("}", k, n)
            if e < 0:
                raise TclSyntaxError("missing close-brace for variable name", j)
            return e + 1
        m = _NAME_CHARS.match(s, k, n)
        if not m:
            return j + 1                       # a lone '$' is literal
        k = m.end()
        if k < n and s[k] == "(":
            k += 1
            while k < n and s[k] != ")":
                if s[k] == "\\":
                    k += 2
                elif s[k] == "[":
                    _, k = self.script(k + 1, "]")
                    k += 1
                elif s[k] == "$":
                    k = self._var(k)
                else:
                    k += 1
            if k >= n:
                raise TclSyntaxError("missing ) in array variable reference", j)
            k += 1
        return k

    # -- lists ------------------------------------------------------------------------
    def list_words(self, i: int) -> list[Word]:
        s, n = self.s, self.n
        out: list[Word] = []
        while True:
            while i < n and (s[i] in _BLANK or s[i] == "\n"):
                i += 1
            if i >= n:
                return out
            if s[i] == "{":
                j = self._brace(i)
                kind = "brace"
            elif s[i] == '"':
                j = self._quote(i)
                kind = "quote"
            else:
                j = i
                while j < n and s[j] not in _BLANK + "\n":
                    j += 2 if s[j] == "\\" else 1
                j = min(j, n)
                kind = "bare"
            if j < n and s[j] not in _BLANK + "\n":
                raise TclSyntaxError("list element in braces followed by other characters", j)
            out.append(Word(kind, i, j, s[i:j]))
            i = j


def parse_script(src: str, start: int = 0, end: int | None = None) -> list[Command]:
    """Split ``src[start:end]`` into commands; offsets in the result are offsets into ``src``."""
    commands, _ = _Scanner(src, len(src) if end is None else end).script(start)
    return commands


def bracket_end(src: str, start: int, end: int | None = None) -> int:
    """Offset just past the ``]`` that closes the command substitution opened at ``src[start] == '['``."""
    if src[start] != "[":
        raise TclSyntaxError("not a command substitution", start)
    _, j = _Scanner(src, len(src) if end is None else end).script(start + 1, "]")
    return j + 1


def parse_list(src: str, start: int = 0, end: int | None = None) -> list[Word]:
    """Split ``src[start:end]`` as a Tcl list (newlines are plain whitespace, no comments)."""
    return _Scanner(src, len(src) if end is None else end).list_words(start)


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX = "0123456789abcdefABCDEF"


def _decode_one(s: str, i: int) -> tuple[str, int]:
    """Decode the backslash sequence at ``s[i] == '\\'``; return (text, next offset)."""
    if i + 1 >= len(s):
        return "\\", i + 1
    c = s[i + 1]
    if c == "\n":                                  # backslash-newline + leading blanks -> one space
        j = i + 2
        while j < len(s) and s[j] in " \t":
            j += 1
        return " ", j
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 2
    if c in "01234567":
        j = i + 1
        while j < len(s) and j < i + 4 and s[j] in "01234567":
            j += 1
        return chr(int(s[i + 1:j], 8) & 0xFF), j
    for lead, width in (("x", 2), ("u", 4), ("U", 8)):
        if c == lead:
            j = i + 2
            while j < len(s) and j < i + 2 + width and s[j] in _HEX:
                j += 1
            if j == i + 2:
                return lead, i + 2                 # '\x' without digits is just 'x'
            return chr(int(s[i + 2:j], 16)), j
    return c, i + 2


def decode_backslashes(text: str) -> str:
    """Tcl backslash substitution only (``$`` and ``[...]`` are left as they are)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        j = text.find("\\", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        piece, i = _decode_one(text, j)
        out.append(piece)
    return "".join(out)


def quoted_parts(content: str) -> list[Part]:
    """Split the content of a quoted word into text / variable / command-substitution parts."""
    scanner = _Scanner(content, len(content))
    parts: list[Part] = []
    buf_raw: list[str] = []
    buf_val: list[str] = []

    def flush() -> None:
        if buf_raw:
            parts.append(Part("text", "".join(buf_raw), "".join(buf_val)))
            buf_raw.clear()
            buf_val.clear()

    i = 0
    n = len(content)
    while i < n:
        c = content[i]
        if c == "\\":
            piece, j = _decode_one(content, i)
            buf_raw.append(content[i:j])
            buf_val.append(piece)
            i = j
        elif c == "$":
            j = scanner._var(i)
            if j == i + 1:                          # lone '$'
                buf_raw.append("$")
                buf_val.append("$")
                i = j
                continue
            flush()
            raw = content[i:j]
            name = raw[2:-1] if raw.startswith("${") else raw[1:]
            parts.append(Part("var", raw, name))
            i = j
        elif c == "[":
            _, j = scanner.script(i + 1, "]")
            flush()
            parts.append(Part("cmd", content[i:j + 1], content[i + 1:j]))
            i = j + 1
        else:
            buf_raw.append(c)
            buf_val.append(c)
            i += 1
    flush()
    return parts


def line_of(src: str, offset: int) -> int:
    """1-based line number of ``offset`` in ``src``."""
    return src.count("\n", 0, offset) + 1
