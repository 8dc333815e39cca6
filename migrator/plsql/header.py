"""Routine headers: CREATE PROCEDURE / FUNCTION / TRIGGER up to the body.

Parsed from the segmenter's tokens (sqlglot cannot read T-SQL routine headers);
parameter types go through sqlglot's type parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.frontend.dialect import word


@dataclass
class Param:
    name: str  # without @
    type_text: str  # T-SQL type text
    default_text: str | None = None
    output: bool = False
    readonly: bool = False


@dataclass
class Header:
    kind: str  # procedure | function | trigger
    schema: str | None
    name: str
    params: list[Param] = field(default_factory=list)
    returns_text: str | None = None  # scalar function: the T-SQL type; inline TVF: "TABLE"
    returns_table_var: str | None = None  # multi-statement TVF: @t
    returns_table_text: str | None = None  # its column list "(a int, ...)"
    options: list[str] = field(default_factory=list)  # WITH RECOMPILE, EXECUTE AS ...
    # triggers
    table: str | None = None
    timing: str | None = None  # AFTER | INSTEAD OF
    events: list[str] = field(default_factory=list)
    body_start: int = 0  # token index where the body begins
    error: str | None = None


def _qualified(toks, i):
    """Read [schema.]name starting at i; returns (schema, name, next index)."""
    parts = []
    while i < len(toks):
        parts.append(toks[i].text)
        if i + 1 < len(toks) and toks[i + 1].text == ".":
            i += 2
            continue
        i += 1
        break
    if len(parts) >= 2:
        return parts[-2], parts[-1], i
    return None, parts[0] if parts else "", i


def _span_text(sql: str, toks, i, j) -> str:
    return sql[toks[i].start:toks[j - 1].end + 1] if j > i else ""


def parse_header(toks, sql: str) -> Header:
    i = 1  # CREATE / ALTER
    if word(toks[i]) == "OR":
        i += 2
    kind_word = word(toks[i])
    kind = {"PROC": "procedure", "PROCEDURE": "procedure", "FUNCTION": "function", "TRIGGER": "trigger"}[kind_word]
    schema, name, i = _qualified(toks, i + 1)
    h = Header(kind=kind, schema=schema, name=name)
    if kind == "procedure" and i < len(toks) and toks[i].text == ";":  # numbered procedures ;1
        h.error = "numbered procedure groups (name;n)"
        i += 2
    if kind == "trigger":
        return _trigger(h, toks, i, sql)
    # parameters, optionally in parentheses
    paren = i < len(toks) and toks[i].text == "("
    if paren:
        i += 1
    while i < len(toks) and toks[i].text != ")" and word(toks[i]) not in {"AS", "WITH", "RETURNS", "FOR"}:
        if toks[i].text == "@" or toks[i].text.startswith("@"):
            i, p = _param(toks, i, sql)
            h.params.append(p)
        if i < len(toks) and toks[i].text == ",":
            i += 1
        elif i < len(toks) and toks[i].text not in {")"} and word(toks[i]) not in {"AS", "WITH", "RETURNS", "FOR"}:
            i += 1
    if paren and i < len(toks) and toks[i].text == ")":
        i += 1
    if kind == "function" and word(toks[i]) == "RETURNS":
        i += 1
        if toks[i].text == "@":
            h.returns_table_var = toks[i + 1].text
            i += 2
            if word(toks[i]) == "TABLE":
                i += 1
            j, depth = i, 0
            while j < len(toks):
                depth += {"(": 1, ")": -1}.get(word(toks[j]), 0)
                j += 1
                if depth == 0:
                    break
            h.returns_table_text = _span_text(sql, toks, i, j)
            h.returns_text = "TABLE"
            i = j
        else:
            j = i
            while j < len(toks) and word(toks[j]) not in {"AS", "WITH", "BEGIN"}:
                j += 1
            h.returns_text = _span_text(sql, toks, i, j)
            i = j
    if word(toks[i]) == "WITH":
        j = i + 1
        while j < len(toks) and (word(toks[j]) != "AS" or word(toks[j - 1]) == "EXECUTE"):
            j += 1
        h.options = [o.strip() for o in _span_text(sql, toks, i + 1, j).split(",")]
        i = j
    if word(toks[i]) == "FOR" and word(toks[i + 1]) == "REPLICATION":
        h.options.append("FOR REPLICATION")
        i += 2
    if word(toks[i]) == "AS":
        i += 1
    h.body_start = i
    return h


def _param(toks, i, sql):
    name = toks[i + 1].text if toks[i].text == "@" else toks[i].text[1:]
    i += 2 if toks[i].text == "@" else 1
    if word(toks[i]) == "AS":
        i += 1
    j, depth = i, 0
    while j < len(toks):
        t = word(toks[j])  # "" for string literals
        if depth == 0 and (t in {",", "=", ")"} or word(toks[j]) in {"OUTPUT", "OUT", "READONLY", "VARYING", "AS",
                                                                       "WITH", "RETURNS", "NULL"}):
            break
        depth += {"(": 1, ")": -1}.get(t, 0)
        j += 1
    p = Param(name=name, type_text=_span_text(sql, toks, i, j))
    i = j
    while i < len(toks):
        w = word(toks[i])
        if w == "VARYING" or w == "NULL":
            i += 1
        elif toks[i].text == "=":
            j, depth = i + 1, 0
            while j < len(toks):
                t = word(toks[j])  # "" for string literals
                if depth == 0 and (t in {",", ")"} or word(toks[j]) in {"OUTPUT", "OUT", "READONLY", "AS", "WITH"}):
                    break
                depth += {"(": 1, ")": -1}.get(t, 0)
                j += 1
            p.default_text = _span_text(sql, toks, i + 1, j)
            i = j
        elif w in {"OUTPUT", "OUT"}:
            p.output = True
            i += 1
        elif w == "READONLY":
            p.readonly = True
            i += 1
        else:
            break
    return i, p


def _trigger(h: Header, toks, i, sql) -> Header:
    if word(toks[i]) != "ON":
        h.error = "trigger without ON table"
        return h
    if word(toks[i + 1]) in {"DATABASE", "ALL"}:
        h.error = "DDL trigger"
        h.timing = "DDL"
        return h
    schema, table, i = _qualified(toks, i + 1)
    h.table = f"{schema}.{table}" if schema else table
    while i < len(toks) and word(toks[i]) == "WITH":
        i += 2
    w = word(toks[i])
    if w in {"FOR", "AFTER"}:
        h.timing = "AFTER"
        i += 1
    elif w == "INSTEAD":
        h.timing = "INSTEAD OF"
        i += 2
    while i < len(toks) and word(toks[i]) in {"INSERT", "UPDATE", "DELETE", ","}:
        if toks[i].text != ",":
            h.events.append(word(toks[i]))
        i += 1
    while i < len(toks) and word(toks[i]) != "AS":
        i += 1
    h.body_start = i + 1
    return h
