"""Split an Oracle script into SQL statements, PL/SQL units and SQL*Plus commands.

SQL statements end with ``;`` (or a line holding only ``/``); PL/SQL units (CREATE ...
PROCEDURE/FUNCTION/PACKAGE [BODY]/TYPE [BODY]/TRIGGER, anonymous DECLARE/BEGIN blocks) end
with a line holding only ``/`` (or the end of the file). SQL*Plus commands are recognised
at the start of a statement and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SQLPLUS = {"SET", "PROMPT", "REM", "REMARK", "SPOOL", "WHENEVER", "EXEC", "EXECUTE", "SHOW", "CONNECT",
           "CONN", "DEFINE", "UNDEFINE", "COLUMN", "COL", "TTITLE", "BTITLE", "BREAK", "COMPUTE", "CLEAR",
           "PAUSE", "ACCEPT", "VARIABLE", "VAR", "PRINT", "HOST", "EXIT", "QUIT", "START", "DESC", "DESCRIBE",
           "STORE", "TIMING", "REPHEADER", "REPFOOTER", "SPO", "PRO", "DISCONNECT", "PASSWORD", "RECOVER",
           "STARTUP", "SHUTDOWN", "ARCHIVE", "ATTRIBUTE", "COPY", "SAVE", "GET", "EDIT", "RUN", "LIST", "DEL",
           "INPUT", "APPEND", "CHANGE", "XQUERY"}
SQL_SET = {"TRANSACTION", "ROLE", "CONSTRAINT", "CONSTRAINTS"}
PLSQL_KINDS = {"PROCEDURE", "FUNCTION", "PACKAGE", "TYPE", "TRIGGER", "LIBRARY", "JAVA"}
CREATE_MODIFIERS = {"OR", "REPLACE", "EDITIONABLE", "NONEDITIONABLE", "EDITIONING", "NONEDITIONING",
                    "AND", "COMPILE", "RESOLVE", "NOFORCE", "FORCE", "SHARING", "=", "METADATA", "DATA", "NONE",
                    "EXTENDED", "SOURCE", "NAMED"}

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$#]*|@@?|[^\sA-Za-z_]")


@dataclass
class Unit:
    kind: str          # "sql" | "plsql" | "sqlplus"
    start: int         # offset of the first character
    end: int           # offset just past the body (terminator excluded)
    text: str
    head: list[str]    # first words, upper-cased

    @property
    def title(self) -> str:
        words = [w for w in self.head if w not in CREATE_MODIFIERS]
        return " ".join(words[:4])


def _skip_space(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            break
    return i


def _head_words(text: str, i: int, k: int = 8) -> list[str]:
    words = []
    while len(words) < k:
        i = _skip_space(text, i)
        m = _WORD.match(text, i)
        if not m:
            break
        words.append(m.group(0).upper())
        i = m.end()
    return words


def _line_only_slash(text: str, i: int) -> int | None:
    """If the line starting at ``i`` holds only '/', return the offset after that line."""
    j = i
    n = len(text)
    while j < n and text[j] in " \t":
        j += 1
    if j < n and text[j] == "/" and not text.startswith("/*", j):
        k = j + 1
        while k < n and text[k] in " \t\r":
            k += 1
        if k >= n or text[k] == "\n":
            return k + 1 if k < n else n
    return None


def _at_line_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def _scan(text: str, i: int, plsql: bool) -> tuple[int, int]:
    """Scan from ``i`` to the unit's end; return (body_end, next_start)."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            after = _line_only_slash(text, i + 1)
            if after is not None:
                return i + 1, after
            i += 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "qQnN" and text[i + 1:i + 2] in ("'",) and c in "qQ" and i + 2 < n:
            close = {"[": "]", "(": ")", "{": "}", "<": ">"}.get(text[i + 2], text[i + 2])
            j = text.find(close + "'", i + 3)
            i = n if j < 0 else j + 2
        elif c == "'":
            j = i + 1
            while True:
                j = text.find("'", j)
                if j < 0:
                    j = n
                    break
                if text.startswith("''", j):
                    j += 2
                    continue
                break
            i = j + 1
        elif c == '"':
            j = text.find('"', i + 1)
            i = n if j < 0 else j + 1
        elif c == ";" and not plsql:
            return i, i + 1
        else:
            i += 1
    return n, n


def split(text: str) -> list[Unit]:
    units: list[Unit] = []
    i, n = 0, len(text)
    while True:
        i = _skip_space(text, i)
        if i >= n:
            break
        after = _line_only_slash(text, i) if _at_line_start(text, i) else None
        if after is not None:
            i = after
            continue
        head = _head_words(text, i)
        first = head[0] if head else ""
        if (first in SQLPLUS and not (first == "SET" and len(head) > 1 and head[1] in SQL_SET)
                and _at_line_start(text, i)) or first in ("@", "@@"):
            j = text.find("\n", i)
            end = n if j < 0 else j
            units.append(Unit("sqlplus", i, end, text[i:end], head))
            i = end
            continue
        words = [w for w in head[1:] if w not in CREATE_MODIFIERS]
        plsql = first in ("DECLARE", "BEGIN", "<") or (first == "CREATE" and words and words[0] in PLSQL_KINDS)
        end, nxt = _scan(text, i, plsql)
        units.append(Unit("plsql" if plsql else "sql", i, end, text[i:end], head))
        i = nxt
    return units
