"""HammerDB extractor: SQL Server <-> Oracle pairs from a HammerDB checkout (``--hammerdb PATH``).

HammerDB keeps its SQL inside Tcl: each GUI builder proc (``build_mssqlstpcc``, ``loadoratpch``...)
inserts a generated script with ``.ed_mainFrame...text fastinsert end {BODY}``; ``BODY`` defines
inner procs (``set_query``, ``CreateStoredProcs``, ``CreateTables``, ``CreateIndexes``,
``prep_statement``) whose ``set sql(N) ...`` commands hold the SQL. This module reads the four
source files with a Tcl word scanner (:mod:`training.corpus.tcl`), follows ``if``/``elseif``/``else``
for one configuration (the last assignment to a key wins, as at run time) and pairs the dialects:

* ``queries``    TPC-H Q1..Q22 (``set_query``), paired by query number;
* ``procedures`` TPC-C stored procedures (``CreateStoredProcs``), paired by procedure name;
* ``calls``      the driver's calls of those procedures (``prep_statement``), paired by name;
* ``ddl``        schema statements (``CreateTables``/``CreateIndexes``), paired by table and
  object name (table, index or constraint); statements without a counterpart are counted only.

Tcl variables. Braced words are literal: ``@loop$bound`` in T-SQL stays as it is. In quoted words
``$maxdop`` and ``$myposition`` are run-time values HammerDB substitutes; they are replaced by
``maxdop``/``position`` unless ``keep_tcl_vars`` and reported in notes; any other ``$name`` is left
and reported. Backslash escapes in quoted words are decoded. TPC-H ``:N`` markers are kept (HammerDB
replaces them with random values before running; they are not binds) and listed in the notes.

The SQL texts are GPL-3.0 (HammerDB); the extractor reads a checkout, it ships none of them.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from training.corpus.tcl import (Command, Part, TclSyntaxError, Word, bracket_end, parse_list,
                                 parse_script, quoted_parts)

SOURCE = "hammerdb"

FILES = {
    ("mssql", "tpch"): "src/mssqlserver/mssqlsolap.tcl",
    ("oracle", "tpch"): "src/oracle/oraolap.tcl",
    ("mssql", "tpcc"): "src/mssqlserver/mssqlsoltp.tcl",
    ("oracle", "tpcc"): "src/oracle/oraoltp.tcl",
}
# outer GUI procs whose generated script holds the SQL
QUERY_PROCS = {"mssql": "loadmssqlstpch", "oracle": "loadoratpch"}
TPCC_BUILD = {"mssql": "build_mssqlstpcc", "oracle": "build_oratpcc"}
TPCH_BUILD = {"mssql": "build_mssqlstpch", "oracle": "build_oratpch"}
TPCC_DRIVER = {"mssql": "loadmssqlstpcc", "oracle": "loadoratpcc"}

# HammerDB's defaults (config/mssqlserver.xml, config/oracle.xml): disk tables, no column store,
# bcp load, no partitioning, Oracle Database (not TimesTen), no hash clusters.
DEFAULT_CONFIG: dict[str, object] = {
    "imdb": 0, "colstore": 0, "bcp": "true", "partition_orders_and_lineitems": "false",
    "timesten": 0, "hash_clusters": 0, "num_part": 0,
}
DIALECT_SIDE = {"mssql": "tsql", "oracle": "oracle"}
CATEGORIES = ("queries", "procedures", "calls", "ddl")

_SQL_KEY = re.compile(r"sql\((\w+)\)")
_CLUST_KEY = re.compile(r"sqlclust\((\w+)\)")
_MARKER = re.compile(r"(?<![\w:]):(\d+)(?!\d)")
_PROC_NAME = re.compile(r"(?is)^\s*CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?PROC(?:EDURE)?\s+"
                        r"((?:\[[^\]]+\]|\w+)(?:\s*\.\s*(?:\[[^\]]+\]|\w+))?)")
_CALL = re.compile(r"(?is)^\s*(?:EXEC(?:UTE)?|BEGIN|CALL)\s+((?:\[[^\]]+\]|\w+)(?:\.(?:\[[^\]]+\]|\w+))?)")
_VARREF = re.compile(r"\$(?:\{[^}]*\}|(?:[A-Za-z0-9_]|::)+)")


class HammerDBLayoutError(RuntimeError):
    """The checkout is missing a file, or a file lacks a proc / pattern the extractor relies on."""


# ---------------------------------------------------------------------------------------------
# condition evaluation (the small subset of Tcl expr that HammerDB's if/else use)

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?) |
    (?P<var>\$\{[^}]*\}|\$(?:[A-Za-z0-9_]|::)+) |
    (?P<str>"[^"]*"|\{[^}]*\}) |
    (?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\)|\[) |
    (?P<word>[A-Za-z_]\w*)
)""", re.X)
_PREC = {"||": 1, "&&": 2, "eq": 3, "ne": 3, "==": 4, "!=": 4, "<": 5, ">": 5, "<=": 5, ">=": 5}


class _UnknownVariable(KeyError):
    pass


def _number(v: object) -> float | None:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v).strip())
    except ValueError:
        return None


def _truth(v: object) -> bool:
    num = _number(v)
    if num is not None:
        return num != 0
    s = str(v).strip().lower()
    if s in ("true", "yes", "on"):
        return True
    if s in ("false", "no", "off"):
        return False
    raise ValueError(f"expected boolean value but got {v!r}")


def _text(v: object) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def eval_condition(expr: str, config: dict[str, object]) -> bool:
    """Evaluate a HammerDB ``if`` condition (``$imdb``, ``!$timesten && $num_part != 0``,
    ``[expr {$p != true } ]``...) against ``config``. Unknown variables raise KeyError."""
    tokens = _tokenize(expr)
    pos = 0

    def primary() -> object:
        nonlocal pos
        kind, val = tokens[pos]
        pos += 1
        if kind == "op" and val == "!":
            return not _truth(primary())
        if kind == "op" and val == "(":
            v = binary(0)
            if pos >= len(tokens) or tokens[pos] != ("op", ")"):
                raise ValueError(f"missing ) in {expr!r}")
            pos += 1
            return v
        if kind == "bracket":
            return eval_condition(val, config)
        if kind == "num":
            return float(val) if "." in val else int(val)
        if kind == "var":
            name = val[2:-1] if val.startswith("${") else val[1:]
            if name not in config:
                raise _UnknownVariable(name)
            v = config[name]
            return int(v) if isinstance(v, bool) else v
        if kind == "str":
            return val[1:-1]
        if kind == "word":
            return val
        raise ValueError(f"unexpected {val!r} in {expr!r}")

    def binary(min_prec: int) -> object:
        nonlocal pos
        left = primary()
        while pos < len(tokens):
            kind, op = tokens[pos]
            prec = _PREC.get(op) if kind in ("op", "word") else None
            if prec is None or prec < min_prec:
                break
            pos += 1
            right = binary(prec + 1)
            left = _apply(op, left, right)
        return left

    value = binary(0)
    if pos != len(tokens):
        raise ValueError(f"cannot evaluate {expr!r}")
    return _truth(value)


def _tokenize(expr: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(expr):
        if expr[i].isspace():
            i += 1
            continue
        if expr[i] == "[":
            j = bracket_end(expr, i)
            inner = parse_script(expr, i + 1, j - 1)
            if len(inner) != 1 or inner[0].name != "expr":
                raise ValueError(f"unsupported command substitution in condition {expr!r}")
            out.append(("bracket", " ".join(w.content for w in inner[0].words[1:])))
            i = j
            continue
        m = _TOKEN.match(expr, i)
        if not m or m.end() == i:
            raise ValueError(f"cannot evaluate {expr!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        i = m.end()
    return out


def _apply(op: str, a: object, b: object) -> object:
    if op == "&&":
        return _truth(a) and _truth(b)
    if op == "||":
        return _truth(a) or _truth(b)
    if op in ("eq", "ne"):
        return (_text(a) == _text(b)) == (op == "eq")
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        x, y = na, nb
    else:
        x, y = _text(a), _text(b)                 # type: ignore[assignment]
    return {"==": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


# ---------------------------------------------------------------------------------------------
# source files

class _TclFile:
    def __init__(self, root: Path, rel: str):
        path = root / rel
        if not path.is_file():
            raise HammerDBLayoutError(
                f"{rel}: file not found under {root} (expected a HammerDB checkout with "
                "src/mssqlserver/mssqlsolap.tcl, mssqlsoltp.tcl and src/oracle/oraolap.tcl, oraoltp.tcl)")
        self.rel = rel
        self.text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        self._newlines = [i for i, c in enumerate(self.text) if c == "\n"]
        self._procs: dict[str, Word] | None = None
        self._generated: dict[str, dict[str, Word]] = {}

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    @property
    def line_count(self) -> int:
        return len(self._newlines) + (0 if self.text.endswith("\n") or not self.text else 1)

    def parse(self, start: int, end: int) -> list[Command]:
        try:
            return parse_script(self.text, start, end)
        except TclSyntaxError as exc:
            raise HammerDBLayoutError(f"{self.rel}:{self.line(exc.offset)}: Tcl syntax: {exc}") from exc

    def proc(self, name: str) -> Word:
        if self._procs is None:
            self._procs = _procs_in(self.parse(0, len(self.text)))
        if name not in self._procs:
            raise HammerDBLayoutError(f"{self.rel}: top-level `proc {name}` not found")
        return self._procs[name]

    def inner_proc(self, outer: str, name: str) -> Word:
        """Body of ``proc name`` defined in the braced ``fastinsert`` script of ``proc outer``."""
        if outer not in self._generated:
            procs: dict[str, Word] = {}
            bodies = self._fastinsert_bodies(self.proc(outer))
            if not bodies:
                raise HammerDBLayoutError(
                    f"{self.rel}: proc {outer}: no braced `... fastinsert end {{script}}` found")
            for body in bodies:
                for pname, pbody in _procs_in(self.parse(body.content_start, body.content_end)).items():
                    procs.setdefault(pname, pbody)
            self._generated[outer] = procs
        procs = self._generated[outer]
        if name not in procs:
            raise HammerDBLayoutError(
                f"{self.rel}: proc {outer}: `proc {name}` not found in its generated (fastinsert) script")
        return procs[name]

    def _fastinsert_bodies(self, body: Word) -> list[Word]:
        found: list[Word] = []

        def scan(w: Word) -> None:
            for cmd in self.parse(w.content_start, w.content_end):
                ws = cmd.words
                if len(ws) >= 4 and ws[1].literal == "fastinsert" and ws[-1].kind == "brace":
                    found.append(ws[-1])
                elif cmd.name == "if":
                    for _, branch in self.if_clauses(cmd):
                        if branch.kind == "brace":
                            scan(branch)
        scan(body)
        return found

    def if_clauses(self, cmd: Command) -> list[tuple[Word | None, Word]]:
        """``[(condition, body), ...]`` of an ``if`` command; the ``else`` body has no condition."""
        ws = cmd.words
        out: list[tuple[Word | None, Word]] = []
        i = 1
        try:
            while True:
                cond = ws[i]
                i += 1
                if ws[i].literal == "then":
                    i += 1
                out.append((cond, ws[i]))
                i += 1
                if i >= len(ws):
                    return out
                if ws[i].literal == "elseif":
                    i += 1
                    continue
                if ws[i].literal == "else":
                    i += 1
                out.append((None, ws[i]))
                return out
        except IndexError:
            raise HammerDBLayoutError(f"{self.rel}:{self.line(cmd.start)}: malformed if command") from None


def _procs_in(commands: list[Command]) -> dict[str, Word]:
    out: dict[str, Word] = {}
    for cmd in commands:
        if cmd.name == "proc" and len(cmd.words) == 4 and cmd.words[1].literal:
            out.setdefault(cmd.words[1].literal or "", cmd.words[3])
    return out


def _walk(f: _TclFile, body: Word, config: dict, visit, conds: tuple[str, ...] = ()) -> None:
    """Visit the commands of ``body`` that run under ``config`` (descending into the chosen
    ``if``/``elseif``/``else`` branch), with the conditions that led there."""
    for cmd in f.parse(body.content_start, body.content_end):
        if cmd.name != "if":
            visit(cmd, conds)
            continue
        negated: list[str] = []
        for cond, branch in f.if_clauses(cmd):
            if cond is None:
                label = f"else[{' && '.join(negated)}]"
            else:
                text = cond.content.strip()
                try:
                    taken = eval_condition(text, config)
                except _UnknownVariable as exc:
                    raise HammerDBLayoutError(
                        f"{f.rel}:{f.line(cond.start)}: condition {{{text}}} uses ${exc.args[0]}, "
                        "which the extraction configuration does not set") from None
                except ValueError as exc:
                    raise HammerDBLayoutError(f"{f.rel}:{f.line(cond.start)}: {exc}") from None
                label = (f"if[{text}]" if not negated else f"elseif[{' && '.join(negated + [text])}]")
                if not taken:
                    negated.append(f"!({text})")
                    continue
            if branch.kind != "brace":
                raise HammerDBLayoutError(f"{f.rel}:{f.line(branch.start)}: if-branch body is not braced")
            _walk(f, branch, config, visit, conds + (label,))
            break


def _key_order(key: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", key)
    return (int(m.group(1)), m.group(2)) if m else (10**9, key)


# ---------------------------------------------------------------------------------------------
# statements

@dataclass
class Statement:
    """One SQL text as HammerDB would run it, with where it came from."""

    dialect: str                  # mssql | oracle
    bench: str                    # tpch | tpcc
    role: str                     # query | procedure | call | ddl
    key: str                      # query number, procedure name, or Tcl array key (ddl)
    file: str
    tcl_var: str
    proc_path: str
    line_start: int
    line_end: int
    conditions: list[str]
    tcl_word: str
    raw: str                      # the word's text, Tcl variables kept, backslashes decoded
    parts: list[Part] | None = None   # quoted words: pieces for variable substitution
    tcl_vars: list[str] = field(default_factory=list)   # $refs Tcl substitutes at run time
    group: str = ""               # ddl: 0clusters | 1tables | 2indexes
    ddl: tuple[str, str | None, str] = ("", None, "")   # ddl: (file kind, table, object name)

    def render(self, subs: dict[str, str]) -> tuple[str, list[str], list[str], list[str]]:
        """(text, substituted, unresolved, command substitutions) under ``subs``."""
        if self.parts is None:
            return self.raw, [], list(self.tcl_vars), []
        out: list[str] = []
        done: list[str] = []
        left: list[str] = []
        cmds: list[str] = []
        for p in self.parts:
            if p.kind == "text":
                out.append(p.value)
            elif p.kind == "var" and p.value in subs:
                out.append(subs[p.value])
                done.append(p.raw)
            elif p.kind == "var":
                out.append(p.raw)
                left.append(p.raw)
            else:
                out.append(p.raw)
                cmds.append(p.raw)
        return "".join(out), _uniq(done), _uniq(left), _uniq(cmds)

    def origin(self) -> dict:
        return {"file": self.file, "line_start": self.line_start, "line_end": self.line_end,
                "tcl_var": self.tcl_var, "proc_path": self.proc_path, "tcl_vars": list(self.tcl_vars),
                "conditions": list(self.conditions), "tcl_word": self.tcl_word}


def _uniq(items) -> list[str]:
    return list(dict.fromkeys(items))


def _word_statement(f: _TclFile, cmd: Command, word: Word, **kw) -> Statement | None:
    """A Statement for the SQL word of ``set NAME WORD`` (braced, quoted or [subst -nocommands])."""
    common = dict(file=f.rel, line_start=f.line(cmd.start), line_end=f.line(max(word.end - 1, word.start)), **kw)
    if word.kind == "brace":
        return Statement(tcl_word="brace-literal", raw=word.content, **common)
    if word.kind == "quote":
        parts = quoted_parts(word.content)
        raw = "".join(p.value if p.kind == "text" else p.raw for p in parts)
        kind = "quote-backslash-decoded" if "\\" in word.content else "quote-verbatim"
        return Statement(tcl_word=kind, raw=raw, parts=parts,
                         tcl_vars=_uniq(p.raw for p in parts if p.kind == "var"), **common)
    if word.kind == "bare" and word.text.startswith("[") and word.text.endswith("]"):
        inner = f.parse(word.start + 1, word.end - 1)
        if len(inner) == 1 and [w.literal for w in inner[0].words[:2]] == ["subst", "-nocommands"] \
                and len(inner[0].words) == 3 and inner[0].words[2].kind == "brace":
            text = inner[0].words[2].content
            return Statement(tcl_word="subst-nocommands-brace-verbatim", raw=text,
                             tcl_vars=_uniq(_VARREF.findall(text)), **common)
    return None


def _sets(f: _TclFile, body: Word, config: dict, pattern: re.Pattern) -> list[tuple[str, Command, tuple]]:
    """``set NAME WORD`` commands with NAME matching ``pattern`` that run under ``config``;
    the last assignment to a name wins. Sorted by the array key."""
    last: dict[str, tuple[Command, tuple]] = {}

    def visit(cmd: Command, conds: tuple) -> None:
        if cmd.name == "set" and len(cmd.words) == 3:
            target = cmd.words[1].literal
            if target and pattern.fullmatch(target):
                last[target] = (cmd, conds)
    _walk(f, body, config, visit)
    found = [(t, c, conds) for t, (c, conds) in last.items()]
    return sorted(found, key=lambda x: _key_order(pattern.fullmatch(x[0]).group(1)))  # type: ignore[union-attr]


def _queries(f: _TclFile, dialect: str, config: dict) -> list[Statement]:
    outer = QUERY_PROCS[dialect]
    body = f.inner_proc(outer, "set_query")
    out = []
    for target, cmd, conds in _sets(f, body, config, _SQL_KEY):
        st = _word_statement(f, cmd, cmd.words[2], dialect=dialect, bench="tpch", role="query",
                             key=_SQL_KEY.fullmatch(target).group(1), tcl_var=target,  # type: ignore[union-attr]
                             proc_path=f"{outer}/set_query", conditions=list(conds))
        if st is None:
            raise HammerDBLayoutError(f"{f.rel}:{f.line(cmd.start)}: {target}: SQL word is not quoted or braced")
        out.append(st)
    if not out:
        raise HammerDBLayoutError(f"{f.rel}: proc {outer}/set_query: no `set sql(N) \"...\"` found")
    return out


def _procedures(f: _TclFile, dialect: str, config: dict) -> list[Statement]:
    outer = TPCC_BUILD[dialect]
    body = f.inner_proc(outer, "CreateStoredProcs")
    out = []
    for target, cmd, conds in _sets(f, body, config, _SQL_KEY):
        st = _word_statement(f, cmd, cmd.words[2], dialect=dialect, bench="tpcc", role="procedure",
                             key="", tcl_var=target, proc_path=f"{outer}/CreateStoredProcs",
                             conditions=list(conds))
        m = _PROC_NAME.match(st.raw) if st else None
        if st is None or m is None:
            raise HammerDBLayoutError(
                f"{f.rel}:{f.line(cmd.start)}: {target} in CreateStoredProcs is not a CREATE PROCEDURE text")
        st.key = _last_name(m.group(1))
        out.append(st)
    if not out:
        raise HammerDBLayoutError(f"{f.rel}: proc {outer}/CreateStoredProcs: no `set sql(N) {{CREATE ...}}` found")
    return out


def _last_name(qname: str) -> str:
    return re.split(r"\s*\.\s*", qname)[-1].strip("[]\"").lower()


def _calls(f: _TclFile, dialect: str, config: dict) -> list[Statement]:
    outer = TPCC_DRIVER[dialect]
    body = f.inner_proc(outer, "prep_statement")
    switches: list[tuple[Command, tuple]] = []
    _walk(f, body, config, lambda cmd, conds: switches.append((cmd, conds)) if cmd.name == "switch" else None)
    if not switches:
        raise HammerDBLayoutError(f"{f.rel}: proc {outer}/prep_statement: no `switch` over statements found")
    out: list[Statement] = []
    for sw, conds in switches:
        for pattern, arm in _switch_arms(f, sw):
            st = _call_in_arm(f, arm, dialect=dialect, proc_path=f"{outer}/prep_statement",
                              conditions=list(conds) + [f"switch[{pattern}]"])
            if st is not None:
                out.append(st)
    if not out:
        raise HammerDBLayoutError(f"{f.rel}: proc {outer}/prep_statement: no EXEC/BEGIN call text found")
    return out


def _switch_arms(f: _TclFile, cmd: Command) -> list[tuple[str, Word]]:
    ws = list(cmd.words[1:])
    while ws and (ws[0].literal or "").startswith("-"):
        opt = ws.pop(0).literal
        if opt == "--":
            break
    if len(ws) == 2 and ws[1].kind == "brace":
        items = parse_list(f.text, ws[1].content_start, ws[1].content_end)
    else:
        items = ws[1:]
    arms: list[tuple[str, Word]] = []
    pending: list[str] = []
    for i in range(0, len(items) - 1, 2):
        pat, body = items[i].content, items[i + 1]
        if body.literal == "-":
            pending.append(pat)
            continue
        for p in pending + [pat]:
            arms.append((p, body))
        pending = []
    return arms


def _call_in_arm(f: _TclFile, arm: Word, **kw) -> Statement | None:
    if arm.kind != "brace":
        return None
    for cmd in f.parse(arm.content_start, arm.content_end):
        if cmd.name != "set" or len(cmd.words) != 3:
            continue
        target = cmd.words[1].literal or ""
        candidates: list[tuple[Command, Word, str]] = []
        w = cmd.words[2]
        if w.kind == "quote":
            candidates.append((cmd, w, ""))
        elif w.kind == "bare" and w.text.startswith("[") and w.text.endswith("]"):
            for inner in f.parse(w.start + 1, w.end - 1):
                verb = inner.words[1].literal if len(inner.words) > 1 else None
                candidates += [(cmd, iw, f"{verb}-") for iw in inner.words[1:] if iw.kind == "quote"]
        for c, word, via in candidates:
            m = _CALL.match(word.content)
            if m:
                st = _word_statement(f, c, word, bench="tpcc", role="call", key=_last_name(m.group(1)),
                                     tcl_var=target, **kw)
                if st is not None:
                    st.tcl_word = via + st.tcl_word
                    return st
    return None


# -- ddl --------------------------------------------------------------------------------------

_ID = r"(?:\[[^\]]+\]|\"[^\"]+\"|[A-Za-z_#][\w$#]*)"
_QN = rf"{_ID}(?:\s*\.\s*{_ID})*"
_DDL_PATTERNS = [
    ("create_table", re.compile(rf"(?is)^\s*CREATE\s+(?:GLOBAL\s+TEMPORARY\s+)?TABLE\s+({_QN})")),
    ("create_view", re.compile(rf"(?is)^\s*CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?VIEW\s+({_QN})")),
    ("create_cluster", re.compile(rf"(?is)^\s*CREATE\s+CLUSTER\s+({_QN})")),
    ("index", re.compile(rf"(?is)^\s*CREATE\s+(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+)?(?:COLUMNSTORE\s+)?"
                         rf"INDEX\s+({_QN})\s+ON\s+({_QN})")),
    ("alter_table", re.compile(rf"(?is)^\s*ALTER\s+TABLE\s+({_QN})\s*(.*)")),
    ("alter_session", re.compile(r"(?is)^\s*ALTER\s+SESSION\b")),
]
_CONSTRAINT = re.compile(rf"(?is)^(?:WITH\s+(?:NO)?CHECK\s+)*(?:ADD|(?:NO)?CHECK|DROP|ENABLE|DISABLE|MODIFY)"
                         rf"\s+CONSTRAINT\s+({_ID})")


def ddl_identity(sql: str) -> tuple[str, str | None, str]:
    """(file kind, table, object name) of a DDL statement; names lower-case, schema and brackets
    dropped. ``object`` is the table for CREATE TABLE, else the index/constraint name (or a tag)."""
    for kind, rx in _DDL_PATTERNS:
        m = rx.match(sql)
        if not m:
            continue
        if kind == "alter_session":
            return "alter_session", None, "alter_session"
        if kind == "index":
            idx, table = _last_name(m.group(1)), _last_name(m.group(2))
            return f"index_{idx}", table, idx
        name = _last_name(m.group(1))
        if kind == "alter_table":
            rest = m.group(2)
            c = _CONSTRAINT.match(rest)
            if c:
                obj = _last_name(c.group(1))
            else:
                obj = re.sub(r"\W+", "_", " ".join(rest.split()[:2]).lower()).strip("_") or "alter"
            return f"alter_table_{name}", name, obj
        return f"{kind}_{name}", name, name
    words = re.findall(r"\w+", sql.lower())[:3]
    return "_".join(words) or "statement", None, "_".join(words)


def _ddl(f: _TclFile, dialect: str, bench: str, config: dict) -> list[Statement]:
    outer = (TPCC_BUILD if bench == "tpcc" else TPCH_BUILD)[dialect]
    out: list[Statement] = []
    for inner, group_of in (("CreateTables", {"sqlclust": "0clusters", "sql": "1tables"}),
                            ("CreateIndexes", {"sqlclust": "0clusters", "sql": "2indexes"})):
        body = f.inner_proc(outer, inner)
        for rx, prefix in ((_CLUST_KEY, "sqlclust"), (_SQL_KEY, "sql")):
            for target, cmd, conds in _sets(f, body, config, rx):
                key = rx.fullmatch(target).group(1)  # type: ignore[union-attr]
                st = _word_statement(f, cmd, cmd.words[2], dialect=dialect, bench=bench, role="ddl",
                                     key=key, tcl_var=target, proc_path=f"{outer}/{inner}",
                                     conditions=list(conds), group=group_of[prefix])
                if st is None:
                    raise HammerDBLayoutError(f"{f.rel}:{f.line(cmd.start)}: {target} in {inner}: "
                                              "SQL word is not quoted, braced or [subst -nocommands {...}]")
                st.ddl = ddl_identity(st.raw)
                out.append(st)
    out.sort(key=lambda s: (s.group, _key_order(s.key)))
    if not out:
        raise HammerDBLayoutError(f"{f.rel}: procs {outer}/CreateTables, CreateIndexes: no `set sql(N)` found")
    return out


# ---------------------------------------------------------------------------------------------
# pairing

@dataclass
class Extraction:
    records: list[dict]
    statements: list[Statement]
    stats: dict


def _side(stmts: list[Statement], subs: dict[str, str], joiner: str = ";\n") -> tuple[str, dict, list[str]]:
    """Text, origin and notes of one side of a pair (several statements joined by ``joiner``)."""
    texts: list[str] = []
    notes: list[str] = []
    done: list[str] = []
    left: list[str] = []
    seen: set[str] = set()
    kept: list[Statement] = []
    for st in stmts:
        text, d, l_, cmds = st.render(subs)
        if text in seen:
            notes.append(f"duplicate statement dropped ({st.tcl_var}, line {st.line_start})")
            continue
        seen.add(text)
        kept.append(st)
        texts.append(text)
        done += d
        left += l_
        notes += [f"tcl-command-substitution-left: {c}" for c in cmds]
    first = kept[0]
    origin = first.origin() if len(kept) == 1 else {
        "file": first.file, "line_start": min(s.line_start for s in kept),
        "line_end": max(s.line_end for s in kept), "tcl_var": ",".join(s.tcl_var for s in kept),
        "proc_path": ",".join(_uniq(s.proc_path for s in kept)),
        "tcl_vars": _uniq(v for s in kept for v in s.tcl_vars),
        "conditions": _uniq(c for s in kept for c in s.conditions),
        "tcl_word": ",".join(_uniq(s.tcl_word for s in kept)),
        "statements": [s.origin() for s in kept]}
    for name in _uniq(done):
        notes.append(f"tcl-var-substituted: {name}={subs[name[1:].strip('{}')]}")
    for name in _uniq(left):
        notes.append(f"tcl-var-unresolved: {name}")
    if len(kept) > 1:
        notes.append(f"joined {len(kept)} statements")
    return joiner.join(texts), origin, notes


def _record(rid: str, category: str, obj: str, ms: list[Statement], ora: list[Statement],
            subs: dict[str, str], extra: list[str] | None = None) -> dict:
    tsql, o_t, n_t = _side(ms, subs)
    oracle, o_o, n_o = _side(ora, subs)
    notes = [f"tsql: {n}" for n in n_t] + [f"oracle: {n}" for n in n_o] + list(extra or [])
    return {"id": rid, "source": SOURCE, "category": category, "object": obj, "tsql": tsql,
            "oracle": oracle, "origin": {"tsql": o_t, "oracle": o_o}, "notes": notes}


def _markers(text: str) -> list[str]:
    return sorted(set(f":{m}" for m in _MARKER.findall(text)), key=lambda s: int(s[1:]))


def _statement_count(sql: str) -> int:
    """Statements separated by ';' outside quotes (trailing empties ignored)."""
    parts, buf, quote = [], [], False
    for c in sql:
        if c == "'":
            quote = not quote
        if c == ";" and not quote:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(c)
    parts.append("".join(buf))
    return len([p for p in parts if p.strip()])


def extract_all(checkout: Path | str, *, maxdop: int = 2, position: int = 1, keep_tcl_vars: bool = False,
                config: dict | None = None) -> Extraction:
    """Every statement of the configuration and the pairs built from them (see module docstring)."""
    root = Path(checkout)
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    subs = {} if keep_tcl_vars else {"maxdop": str(maxdop), "myposition": str(position)}
    files = {k: _TclFile(root, rel) for k, rel in FILES.items()}

    by: dict[tuple[str, str], list[Statement]] = {}
    for d in ("mssql", "oracle"):
        by[(d, "queries")] = _queries(files[(d, "tpch")], d, cfg)
        by[(d, "procedures")] = _procedures(files[(d, "tpcc")], d, cfg)
        by[(d, "calls")] = _calls(files[(d, "tpcc")], d, cfg)
        by[(d, "ddl")] = _ddl(files[(d, "tpcc")], d, "tpcc", cfg) + _ddl(files[(d, "tpch")], d, "tpch", cfg)

    records: list[dict] = []
    unpaired: dict[str, dict] = {}

    def pair_by_key(category: str, make) -> None:
        ms = {s.key: s for s in by[("mssql", category)]}
        ora = {s.key: s for s in by[("oracle", category)]}
        for key in sorted(set(ms) & set(ora), key=_key_order):
            records.append(make(key, ms[key], ora[key]))
        unpaired[category] = {"mssql": sorted(set(ms) - set(ora), key=_key_order),
                              "oracle": sorted(set(ora) - set(ms), key=_key_order)}

    def query(key: str, m: Statement, o: Statement) -> dict:
        n = int(key)
        extra = []
        marks = _markers(m.raw + "\n" + o.raw)
        if marks:
            extra.append("tpch-substitution-markers: " + " ".join(marks) +
                         " (replaced with random values by HammerDB's sub_query before running; not binds)")
        count = max(_statement_count(m.raw), _statement_count(o.raw))
        if count > 1:
            extra.append(f"multi-statement: {count} statements in one string (HammerDB splits it on ';')")
        rid = f"hammerdb:tpch:q{n:02d}"
        rec = _record(rid, "queries", rid, [m], [o], subs, extra)
        rec["origin"]["tsql"]["placeholders"] = _markers(m.raw)
        rec["origin"]["oracle"]["placeholders"] = _markers(o.raw)
        return rec

    def procedure(key: str, m: Statement, o: Statement) -> dict:
        rid = f"hammerdb:tpcc:{key}"
        return _record(rid, "procedures", rid, [m], [o], subs, [
            "equivalent workload written separately per dialect, not a line-by-line translation"])

    def call(key: str, m: Statement, o: Statement) -> dict:
        return _record(f"hammerdb:tpcc:{key}:call", "calls", f"hammerdb:tpcc:{key}", [m], [o], subs, [
            "driver call: ':name' are client bind placeholders (TDBC / Oratcl)"])

    pair_by_key("queries", query)
    pair_by_key("procedures", procedure)
    pair_by_key("calls", call)

    # ddl: group each dialect's statements by (bench, table, object) in run order
    groups: dict[str, dict[tuple, list[Statement]]] = {"mssql": {}, "oracle": {}}
    for d in groups:
        for st in by[(d, "ddl")]:
            _, table, obj = st.ddl
            key = (st.bench, table, obj) if table else (st.bench, None, f"{st.group}:{st.key}:{obj}")
            groups[d].setdefault(key, []).append(st)
    ddl_unmatched = {"mssql": [], "oracle": []}
    for key in groups["mssql"]:
        bench, table, obj = key
        if key not in groups["oracle"]:
            continue
        rid = f"hammerdb:{bench}:ddl:{table}" + ("" if obj == table else f".{obj}")
        records.append(_record(rid, "ddl", f"hammerdb:{bench}:table:{table}", groups["mssql"][key],
                               groups["oracle"][key], subs, [f"paired by table {table!r} and object {obj!r}"]))
    for d, other in (("mssql", "oracle"), ("oracle", "mssql")):
        for key, sts in groups[d].items():
            if key not in groups[other]:
                ddl_unmatched[d] += [f"{s.bench}:{s.group}:{s.tcl_var}:{s.ddl[0]}" for s in sts]
    unpaired["ddl"] = ddl_unmatched

    statements = [s for d in ("mssql", "oracle") for c in CATEGORIES for s in by[(d, c)]]
    stats = {
        "checkout": str(root),
        "config": cfg,
        "tcl_vars": "kept" if keep_tcl_vars else subs,
        "files": {rel: {"lines": files[k].line_count, "chars": len(files[k].text)} for k, rel in FILES.items()},
        "pairs": {c: sum(1 for r in records if r["category"] == c) for c in CATEGORIES},
        "statements": {d: {c: len(by[(d, c)]) for c in CATEGORIES} for d in ("mssql", "oracle")},
        "unpaired": {c: {d: len(v) for d, v in unpaired[c].items()} for c in CATEGORIES},
        "unpaired_detail": unpaired,
    }
    return Extraction(records, statements, stats)


def extract(checkout: Path | str, *, maxdop: int = 2, position: int = 1, keep_tcl_vars: bool = False,
            config: dict | None = None) -> list[dict]:
    """One record per SQL Server / Oracle pair (queries, procedures, calls, ddl)."""
    return extract_all(checkout, maxdop=maxdop, position=position, keep_tcl_vars=keep_tcl_vars,
                       config=config).records


# ---------------------------------------------------------------------------------------------
# per-dialect files

def statement_path(st: Statement) -> str:
    """Relative output path of a statement (the layout of the reference corpus)."""
    if st.role == "query":
        return f"tpch/{st.dialect}/q{int(st.key):02d}.sql"
    if st.role == "procedure":
        return f"tpcc/{st.dialect}/{st.key}.sql"
    if st.role == "call":
        return f"tpcc/{st.dialect}/calls/{st.key}_call.sql"
    num = f"{int(st.key):02d}" if st.key.isdigit() else st.key
    return f"schema/{st.dialect}/{st.bench}_{st.group}_{num}_{st.ddl[0]}.sql"


def extract_files(checkout: Path | str, out_dir: Path | str, *, maxdop: int = 2, position: int = 1,
                  keep_tcl_vars: bool = False, config: dict | None = None) -> dict:
    """Write every statement to ``out_dir`` (tpch/mssql/q01.sql, tpcc/oracle/neword.sql,
    schema/mssql/tpcc_1tables_01_create_table_customer.sql, ...), plus ``manifest.jsonl`` (one
    record per file) and ``pairs.jsonl``. Returns the stats."""
    ex = extract_all(checkout, maxdop=maxdop, position=position, keep_tcl_vars=keep_tcl_vars, config=config)
    out = Path(out_dir)
    subs = {} if keep_tcl_vars else {"maxdop": str(maxdop), "myposition": str(position)}
    manifest = []
    for st in ex.statements:
        rel = statement_path(st)
        text, done, left, _ = st.render(subs)
        data = text.encode("utf-8", errors="surrogateescape")
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest.append({"out": rel, "role": f"{st.bench}-{st.role}", "source_file": st.file,
                         "line_start": st.line_start, "line_end": st.line_end, "proc_path": st.proc_path,
                         "tcl_var": st.tcl_var, "conditions": st.conditions, "tcl_word": st.tcl_word,
                         "substituted_tcl_vars": done, "unresolved_tcl_vars": left,
                         "placeholders": _markers(st.raw) if st.role == "query" else [],
                         "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                         "lines": text.count("\n") + 1})
    (out / "manifest.jsonl").write_text("".join(json.dumps(m) + "\n" for m in manifest), encoding="utf-8")
    (out / "pairs.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ex.records),
                                     encoding="utf-8", errors="surrogateescape")
    return {**ex.stats, "written": len(manifest)}


# ---------------------------------------------------------------------------------------------
# CLI

def _summary(stats: dict) -> str:
    lines = [f"hammerdb checkout: {stats['checkout']}"]
    for rel, info in stats["files"].items():
        lines.append(f"  {rel}: {info['lines']} lines")
    lines.append("pairs:")
    for c in CATEGORIES:
        un = stats["unpaired"][c]
        lines.append(f"  {c:<11}{stats['pairs'][c]:>4}   (statements mssql {stats['statements']['mssql'][c]}, "
                     f"oracle {stats['statements']['oracle'][c]}; unpaired mssql {un['mssql']}, "
                     f"oracle {un['oracle']})")
    lines.append(f"  {'total':<11}{sum(stats['pairs'].values()):>4}")
    if "written" in stats:
        lines.append(f"files written: {stats['written']} (+ manifest.jsonl, pairs.jsonl)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.corpus.hammerdb",
                                 description="Extract SQL Server / Oracle pairs from a HammerDB checkout.")
    ap.add_argument("--hammerdb", required=True, type=Path, help="HammerDB checkout (contains src/)")
    ap.add_argument("--out", type=Path, help="write per-dialect .sql files, manifest.jsonl and pairs.jsonl here")
    ap.add_argument("--maxdop", type=int, default=2, help="value for $maxdop (default 2)")
    ap.add_argument("--position", type=int, default=1, help="value for $myposition (default 1)")
    ap.add_argument("--keep-tcl-vars", action="store_true", help="leave $maxdop / $myposition in the SQL")
    ap.add_argument("--json", action="store_true", help="print the stats as JSON")
    args = ap.parse_args(argv)
    kw = dict(maxdop=args.maxdop, position=args.position, keep_tcl_vars=args.keep_tcl_vars)
    try:
        stats = extract_files(args.hammerdb, args.out, **kw) if args.out else extract_all(args.hammerdb, **kw).stats
    except HammerDBLayoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats, indent=2, default=str) if args.json else _summary(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
