"""The offline validator: split scripts, parse, resolve names, report ``Finding``s."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from migrator.validate import builtins as B
from migrator.validate import oracle_sql
from migrator.validate.core import ERROR, WARNING, Finding, Text, Tok, TokenizeError, tokenize
from migrator.validate.plsql import Param, Parser, Scope, Sym
from migrator.validate.splitter import CREATE_MODIFIERS, Unit, split

logging.getLogger("sqlglot").setLevel(logging.ERROR)

PREDEFINED_EXCEPTIONS = frozenset("""
NO_DATA_FOUND TOO_MANY_ROWS ZERO_DIVIDE DUP_VAL_ON_INDEX INVALID_CURSOR INVALID_NUMBER VALUE_ERROR
CURSOR_ALREADY_OPEN LOGIN_DENIED NOT_LOGGED_ON PROGRAM_ERROR STORAGE_ERROR TIMEOUT_ON_RESOURCE ROWTYPE_MISMATCH
SELF_IS_NULL SUBSCRIPT_BEYOND_COUNT SUBSCRIPT_OUTSIDE_LIMIT SYS_INVALID_ROWID COLLECTION_IS_NULL CASE_NOT_FOUND
ACCESS_INTO_NULL OTHERS
""".split())

TSQL_TYPES = frozenset("""DATETIME DATETIME2 SMALLDATETIME DATETIMEOFFSET BIT TINYINT MONEY SMALLMONEY
UNIQUEIDENTIFIER NTEXT TEXT IMAGE SQL_VARIANT SYSNAME VARBINARY HIERARCHYID""".split())

EXPR_WORDS = frozenset("""
AND OR NOT IS NULL IN LIKE LIKE2 LIKE4 LIKEC BETWEEN CASE WHEN THEN ELSE END ESCAPE MEMBER SUBMULTISET OF
EMPTY A SET NAN INFINITE PRIOR DISTINCT ALL ANY SOME EXISTS AS MULTISET CURSOR DATE TIMESTAMP INTERVAL DAY
MONTH YEAR HOUR MINUTE SECOND TO TIME ZONE AT LOCAL FROM BOTH LEADING TRAILING USING CHAR BYTE TRUE FALSE
OUT NOCOPY MOD REM DEFAULT ON CONVERSION ERROR IGNORE NULLS RESPECT OVER PARTITION BY ORDER ASC DESC FIRST
LAST ROWS RANGE UNBOUNDED PRECEDING FOLLOWING CURRENT ROW WITHIN GROUP KEEP DENSE_RANK SEPARATOR WITH
TRUNCATION COUNT OVERFLOW WITHOUT RETURNING VARCHAR2 NUMBER CLOB BLOB FORMAT JSON STRICT LAX ERROR
EMPTY PRETTY ASCII WRAPPER ARRAY CONDITIONAL UNCONDITIONAL KEY VALUE ABSENT ENTITYESCAPING NOENTITYESCAPING
NAME EVALNAME CONTENT DOCUMENT WELLFORMED VERSION STANDALONE YES NO INDENT SIZE HIDE SHOW DEFAULTS
PASSING COLUMNS ORDINALITY PATH XMLNAMESPACES
""".split())


@dataclass
class Catalog:
    """Objects known to exist: collected from the validated scripts plus an optional external list."""

    objects: dict[str, str] = field(default_factory=dict)          # NAME -> kind
    packages: dict[str, Scope] = field(default_factory=dict)       # package NAME -> its spec scope
    top: Scope = field(default_factory=Scope)                      # standalone procedures/functions
    complete: bool = False                                         # strict mode: unknown table = error

    def has(self, name: str) -> bool:
        return name in self.objects or name in self.packages or self.top.find(name) is not None

    def add_external(self, names: list[str]) -> None:
        for n in names:
            n = n.strip().upper()
            if n and not n.startswith("#"):
                self.objects[n.split(".")[-1]] = "external"
                if "." in n:
                    self.objects[n.split(".")[0]] = "schema"


_CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:EDITIONABLE|NONEDITIONABLE|EDITIONING|FORCE|NOFORCE|"
                     r"GLOBAL|PRIVATE|TEMPORARY|PUBLIC|SHARDED|DUPLICATED|BLOCKCHAIN|IMMUTABLE|BIGFILE|"
                     r"MATERIALIZED|UNIQUE|BITMAP)\s+)*(TABLE|VIEW|SEQUENCE|SYNONYM|TYPE|PACKAGE|PROCEDURE|FUNCTION|"
                     r"TRIGGER|INDEX|DIRECTORY|CONTEXT|LIBRARY|CLUSTER|USER|ROLE)\s+(?:BODY\s+)?"
                     r"((?:\"[^\"]+\"|[\w$#]+)(?:\s*\.\s*(?:\"[^\"]+\"|[\w$#]+))?)", re.I)


def _norm(name: str) -> str:
    return name[1:-1] if name.startswith('"') else name.upper()


class Validator:
    def __init__(self, catalog: Catalog | None = None):
        self.catalog = catalog or Catalog()
        self.findings: list[Finding] = []
        self._files: list[tuple[str, str]] = []
        self.collecting = False

    # ---- catalog ------------------------------------------------------------------------
    def add_file(self, path: str, text: str) -> None:
        self._files.append((path, text))
        for unit in split(text):
            m = _CREATE.match(unit.text)
            if m:
                kind = m.group(1).upper()
                parts = [_norm(p.strip()) for p in m.group(2).split(".")]
                if kind == "USER":
                    self.catalog.objects[parts[-1]] = "schema"
                if kind == "INDEX":
                    continue
                self.catalog.objects.setdefault(parts[-1], kind)
                if len(parts) == 2:
                    self.catalog.objects.setdefault(parts[0], "schema")
            if unit.kind == "plsql":
                self._collect(unit, text)

    def _collect(self, unit: Unit, text: str) -> None:
        try:
            toks = tokenize(unit.text, unit.start)
        except TokenizeError:
            return
        self.collecting = True
        self._begin(path="", text=Text(text), unit=unit, toks=toks)
        try:
            p = Parser(toks, self)
            p.unit(self.catalog.top)
        finally:
            self.collecting = False

    def enter_package(self, name: str, scope: Scope, body: bool) -> None:
        if self.collecting and not body:
            self.catalog.packages[name] = scope
        elif not self.collecting and body and name in self.catalog.packages:
            # a body sees its spec's declarations
            for k, v in self.catalog.packages[name].names.items():
                scope.names.setdefault(k, v)

    # ---- running ---------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        for path, text in self._files:
            self.validate_text(path, text)
        return self.findings

    def validate_text(self, path: str, text: str) -> list[Finding]:
        ftext = Text(text)
        out_start = len(self.findings)
        for unit in split(text):
            if unit.kind == "sqlplus":
                continue
            try:
                toks = tokenize(unit.text, unit.start)
            except TokenizeError as err:
                self._begin(path, ftext, unit, [])
                self._report_at("PLS-00103" if unit.kind == "plsql" else "ORA-01756",
                                f"cannot tokenize: {err}", err.offset, err.offset + 1, ERROR)
                continue
            if not toks:
                continue
            self._begin(path, ftext, unit, toks)
            if unit.kind == "plsql":
                Parser(toks, self).unit(Scope(self.catalog.top))
            else:
                self.sql_unit(unit, toks)
        return self.findings[out_start:]

    def _begin(self, path: str, text: Text, unit: Unit, toks: list[Tok]) -> None:
        self.path, self.text, self.unit, self.toks = path, text, unit, toks
        self.unit_name = unit.title

    # ---- reporting -----------------------------------------------------------------------------
    def report(self, code: str, message: str, t0: Tok | None, t1: Tok | None, severity: str = ERROR) -> None:
        if self.collecting:
            return
        if t0 is None:
            start = end = self.unit.start
        else:
            start, end = t0.start, (t1 or t0).end
        self._report_at(code, message, start, end, severity)

    def _report_at(self, code: str, message: str, start: int, end: int, severity: str) -> None:
        line, col = self.text.pos(start)
        eline, ecol = self.text.pos(max(start, end - 1))
        f = Finding(self.path, self.unit_name, code, message, line, col, eline, ecol + 1, severity)
        if f not in self.findings:
            self.findings.append(f)

    # ---- SQL ---------------------------------------------------------------------------------
    def sql_unit(self, unit: Unit, toks: list[Tok]) -> None:
        first = toks[0].up if toks[0].kind == "NAME" else toks[0].text
        if first not in oracle_sql.SQL_COMMANDS:
            self.report("ORA-00900", f"invalid SQL statement: \"{toks[0].text}\" does not start an Oracle SQL "
                        "statement", toks[0], toks[0])
            return
        self.check_sql(0, len(toks), Scope(self.catalog.top), cursor=True, standalone=True)

    def check_sql(self, s: int, e: int, scope: Scope, cursor: bool = False, standalone: bool = False) -> None:
        if self.collecting or s >= e:
            return
        toks = self.toks
        first = toks[s].up
        if first in ("SELECT", "WITH") and not cursor:
            depth, into = 0, False
            for k in range(s, e):
                kk = toks[k].kind
                depth += kk == "L_PAREN"
                depth -= kk == "R_PAREN"
                if depth == 0 and kk == "NAME" and toks[k].up == "INTO":
                    into = True
                    break
            if not into:
                self.report("PLS-00428", "an INTO clause is expected in this SELECT statement", toks[s], toks[s])
        n_before = len(self.findings)
        for code, msg, tok, sev in oracle_sql.token_checks(toks, s, e):
            self.report(code, msg, tok, tok, sev)
        if not (first == "CREATE" and not any(t.kind == "NAME" and t.up in ("VIEW", "TRIGGER")
                                              for t in toks[s:min(e, s + 8)])):
            self.names(s, e, scope, sql=True)
        if len(self.findings) > n_before and any(f.severity == ERROR for f in self.findings[n_before:]):
            return  # the grammar would only repeat what was said
        ddl = first in ("CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "TRUNCATE", "RENAME", "ANALYZE",
                        "AUDIT", "NOAUDIT", "PURGE", "FLASHBACK", "ASSOCIATE", "DISASSOCIATE", "ADMINISTER")
        if ddl and not first == "CREATE":
            return
        start, end = toks[s].start, toks[e - 1].end
        sql = self.masked(s, e)
        trees, err = oracle_sql.parse(sql)
        if err:
            msg, line, col, code = err
            off = Text(sql).offset(line, col) + start
            sev = ERROR
            if ddl or first == "MERGE":  # sqlglot's Oracle DDL grammar is incomplete: no verdict
                sev = WARNING
            if not standalone:
                code = "PLS-00103"
            self._report_at(code, f"syntax error: {msg}", off, off + 1, sev)
            return
        if not trees or ddl:
            return
        for tree in trees:
            if tree is None:
                continue
            for t in oracle_sql.tables(tree):
                name = t.name if t.this.quoted else t.name.upper()
                if self.catalog.has(name) or scope.find(name) is not None:
                    continue
                tok = next((x for x in toks[s:e] if x.is_name and x.up == name.upper()), toks[s])
                sev = ERROR if self.catalog.complete else WARNING
                self.report("ORA-00942", f"table or view {name} does not exist in the project catalog",
                            tok, tok, sev)

    def masked(self, s: int, e: int) -> str:
        """The SQL text of toks[s:e] with PL/SQL-only parts blanked (INTO targets, named-argument names)."""
        toks = self.toks
        base = toks[s].start
        chars = list(self.text.text[base:toks[e - 1].end])

        def blank(a: int, b: int) -> None:  # token range [a, b)
            for k in range(a, b):
                for c in range(toks[k].start - base, toks[k].end - base):
                    if chars[c] != "\n":
                        chars[c] = " "

        depth = 0
        first = toks[s].up
        k = s
        while k < e:
            kk = toks[k].kind
            depth += kk == "L_PAREN"
            depth -= kk == "R_PAREN"
            if kk == "NAME" and toks[k].up == "INTO" and depth == 0 and first in ("SELECT", "WITH", "UPDATE",
                                                                                 "DELETE", "INSERT", "MERGE"):
                a = k - 2 if k - 2 >= s and toks[k - 2].up == "BULK" else k
                ret = any(toks[j].up in ("RETURNING", "RETURN") for j in range(s, k))
                if ret:
                    blank(a, e)
                    break
                if first in ("SELECT", "WITH"):
                    j, d = k + 1, 0
                    while j < e and not (d == 0 and toks[j].kind == "NAME" and toks[j].up == "FROM"):
                        d += toks[j].kind == "L_PAREN"
                        d -= toks[j].kind == "R_PAREN"
                        j += 1
                    blank(a, j)
                    k = j
                    continue
            if kk == "FARROW" and k > s:
                blank(k - 1, k + 1)
            k += 1
        return "".join(chars)

    # ---- names ------------------------------------------------------------------------------------
    def check_expr(self, s: int, e: int, scope: Scope | None, range_ok: bool = False, list_ok: bool = False,
                   using: bool = False) -> None:
        if self.collecting or s >= e or scope is None:
            return
        self.names(s, e, scope, sql=False)
        # syntax: each comma/range separated part as a scalar expression
        parts, depth, begin = [], 0, s
        for k in range(s, e):
            kk = self.toks[k].kind
            depth += kk == "L_PAREN"
            depth -= kk == "R_PAREN"
            if depth == 0 and ((list_ok and kk == "COMMA") or (range_ok and kk == "DOTDOT")):
                parts.append((begin, k))
                begin = k + 1
        parts.append((begin, e))
        for a, b in parts:
            while a < b and self.toks[a].kind == "NAME" and self.toks[a].up in ("IN", "OUT"):
                a += 1
            if a >= b:
                self.report("PLS-00103", "encountered a separator when expecting an expression",
                            self.toks[min(a, e - 1)], None)
                continue
            self.expr_syntax(a, b)

    def expr_syntax(self, a: int, b: int) -> None:
        start, end = self.toks[a].start, self.toks[b - 1].end
        body = re.sub(r"\b[\w$#]+\s*=>", lambda m: " " * len(m.group(0)), self.text.text[start:end])
        body = re.sub(r"%\s*(ROWCOUNT|FOUND|NOTFOUND|ISOPEN|BULK_ROWCOUNT|BULK_EXCEPTIONS|TYPE|ROWTYPE)\b",
                      lambda m: "_" * len(m.group(0)), body, flags=re.I)
        sql = "SELECT " + body + " FROM dual"
        trees, err = oracle_sql.parse(sql)
        if err:
            msg, line, col, _ = err
            off = Text(sql).offset(line, col) - 7
            off = max(0, min(off, len(body)))
            self._report_at("PLS-00103", f"syntax error in expression: {msg}", start + off, start + off + 1, ERROR)

    def names(self, s: int, e: int, scope: Scope, sql: bool) -> None:
        toks = self.toks
        if not sql and any(t.kind == "NAME" and t.up == "SELECT" for t in toks[s:e]):
            sql = True
        for k in range(s, e):
            tok = toks[k]
            if not tok.is_name:
                continue
            prev = toks[k - 1] if k > 0 else None
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if prev is not None and prev.kind in ("DOT", "COLON", "MOD"):
                continue
            if nxt is not None and nxt.kind == "FARROW":
                continue
            head = tok.up
            is_call = nxt is not None and nxt.kind == "L_PAREN" and k + 1 < e
            dotted = nxt is not None and nxt.kind == "DOT" and k + 1 < e
            if sql:
                if not is_call or tok.kind == "QNAME" or head in B.NOT_CALLS or head in B.FUNCTIONS:
                    continue
                if prev is not None and prev.kind == "NAME" and prev.up in ("INTO", "TABLE", "JOIN", "FROM",
                                                                           "UPDATE", "WITH", "REFERENCES", "ON",
                                                                           "INDEX", "VIEW", "EXISTS", "TYPE",
                                                                           "KEY", "CONSTRAINT", "TRIGGER"):
                    continue
                if prev is not None and prev.kind == "COMMA" and self._cte_like(k + 1):
                    continue
                if scope.find(head) is not None or self.catalog.has(head) or head in B.PSEUDO:
                    continue
                self._unknown(tok, head, "ORA-00904", call=True)
                continue
            if head in EXPR_WORDS and tok.kind == "NAME" and not (is_call and head in B.TSQL_FUNCTIONS):
                continue
            if scope.find(head) is not None or head in B.PSEUDO or head in B.FUNCTIONS \
                    or head in PREDEFINED_EXCEPTIONS or head in B.TYPES:
                continue
            if dotted:
                member = toks[k + 2].up if k + 2 < len(toks) and toks[k + 2].is_name else None
                if head in B.PACKAGES:
                    known = B.PACKAGES[head]
                    if known is not None and member and member not in known:
                        self.report("PLS-00302", f"component '{member}' of {head} is not one the validator knows",
                                    toks[k + 2], toks[k + 2], WARNING)
                    continue
                if head in self.catalog.packages:
                    if member and self.catalog.packages[head].find(member) is None:
                        self.report("PLS-00302", f"component '{member}' must be declared in package {head}",
                                    toks[k + 2], toks[k + 2], ERROR)
                    continue
                if self.catalog.has(head):
                    continue
                if scope.open_names:
                    continue
                sev = ERROR if self.catalog.complete else WARNING
                self.report("PLS-00201", f"identifier '{head}' must be declared (unknown package or schema)",
                            tok, tok, sev)
                continue
            if self.catalog.has(head):
                continue
            if scope.open_names and head not in B.TSQL_FUNCTIONS:
                continue
            self._unknown(tok, head, "PLS-00201", call=is_call)

    def _cte_like(self, k: int) -> bool:
        """``name (a, b) AS (`` in a WITH list: a CTE's column list, not a call."""
        depth = 0
        toks = self.toks
        for j in range(k, len(toks)):
            depth += toks[j].kind == "L_PAREN"
            depth -= toks[j].kind == "R_PAREN"
            if depth == 0:
                return j + 1 < len(toks) and toks[j + 1].up == "AS"
        return False

    def _unknown(self, tok: Tok, head: str, code: str, call: bool) -> None:
        if head in B.TSQL_FUNCTIONS and (call or head in ("GETDATE",)):
            hint = B.TSQL_HINT.get(head)
            msg = f"{head} is a SQL Server built-in, not Oracle" + (f" (Oracle: {hint})" if hint else "")
            self.report(code, msg, tok, tok, ERROR)
            return
        if code == "ORA-00904":
            self.report(code, f"{head}: invalid identifier (no such function in Oracle or the project)", tok, tok)
        else:
            self.report(code, f"identifier '{head}' must be declared", tok, tok)

    def check_name(self, name: str, tok: Tok, scope: Scope) -> None:
        if self.collecting:
            return
        head = name.split(".")[0]
        if scope.find(head) or self.catalog.has(head) or head in B.PACKAGES or head in B.PSEUDO \
                or scope.open_names:
            return
        self.report("PLS-00201", f"identifier '{head}' must be declared", tok, tok)

    def check_exception(self, name: str, tok: Tok, scope: Scope) -> None:
        if self.collecting:
            return
        head = name.split(".")[0]
        if "." not in name and (head in PREDEFINED_EXCEPTIONS or scope.find(head)):
            return
        if "." in name and (head in B.PACKAGES or self.catalog.has(head) or scope.find(head)):
            return
        if scope.open_names:
            return
        self.report("PLS-00201", f"identifier '{name}' must be declared (not a predefined or declared exception)",
                    tok, tok)

    def check_type(self, first: str, tok: Tok, parser: Parser) -> None:
        if self.collecting:
            return
        if first in TSQL_TYPES and not self.catalog.has(first):
            self.report("PLS-00201", f"identifier '{first}' must be declared: {first} is a SQL Server type",
                        tok, tok)

    def check_target(self, s: int, e: int, scope: Scope) -> None:
        if self.collecting:
            return
        tok = self.toks[s]
        if not tok.is_name:
            self.report("PLS-00103", f"encountered the symbol \"{tok.text}\" when expecting a variable", tok, tok)
            return
        sym = scope.find(tok.up)
        if sym is None:
            if not scope.open_names and not self.catalog.has(tok.up):
                self.report("PLS-00201", f"identifier '{tok.up}' must be declared", tok, tok)
        elif sym.kind in ("const", "param_in") and e - s == 1:
            what = "a constant" if sym.kind == "const" else "an IN parameter"
            self.report("PLS-00363", f"expression '{tok.up}' cannot be used as an assignment target ({what})",
                        tok, tok)
        self.check_expr(s + 1, e, scope) if e - s > 1 and self.toks[s + 1].kind == "L_PAREN" else None

    def check_call(self, s: int, e: int, scope: Scope) -> None:
        if self.collecting:
            return
        self.names(s, e, scope, sql=False)
        toks = self.toks
        # callee
        k = s
        parts = [toks[k].up] if toks[k].is_name else []
        while k + 2 < e and toks[k + 1].kind == "DOT" and toks[k + 2].is_name:
            parts.append(toks[k + 2].up)
            k += 2
        if not parts or k + 1 >= e or toks[k + 1].kind != "L_PAREN":
            return
        args = self._args(k + 1, e)
        overloads = self._signatures(parts, scope)
        if not overloads:
            return
        for i, (name, a, b) in enumerate(args):
            bad = []
            for params in overloads:
                if len(params) < len(args):
                    continue
                p = next((x for x in params if x.name == name), None) if name else params[i]
                bad.append(p is not None and "OUT" in p.mode and not self._assignable(a, b))
            if bad and all(bad):
                self.report("PLS-00363", f"expression '{self.text.text[toks[a].start:toks[b - 1].end]}' cannot be "
                            "used as an assignment target (it is passed to an OUT/IN OUT parameter)",
                            toks[a], toks[b - 1])

    def _args(self, lp: int, e: int) -> list[tuple[str | None, int, int]]:
        toks, out, depth, begin = self.toks, [], 0, lp + 1
        for k in range(lp, e):
            kk = toks[k].kind
            if kk == "L_PAREN":
                depth += 1
            elif kk == "R_PAREN":
                depth -= 1
                if depth == 0:
                    if k > begin:
                        out.append((begin, k))
                    break
            elif kk == "COMMA" and depth == 1:
                out.append((begin, k))
                begin = k + 1
        res = []
        for a, b in out:
            if b - a >= 2 and toks[a + 1].kind == "FARROW":
                res.append((toks[a].up, a + 2, b))
            else:
                res.append((None, a, b))
        return res

    def _assignable(self, a: int, b: int) -> bool:
        toks = self.toks
        if a >= b:
            return True
        k = a
        if toks[k].kind == "COLON":
            k += 1
        if not toks[k].is_name:
            return False
        depth = 0
        for j in range(k + 1, b):  # name(.name | (index))*
            kk = toks[j].kind
            if kk == "L_PAREN":
                depth += 1
            elif kk == "R_PAREN":
                depth -= 1
            elif depth == 0 and kk not in ("DOT", "NAME", "QNAME"):
                return False
        return True

    def _signatures(self, parts: list[str], scope: Scope) -> list[list[Param]]:
        sym: Sym | None = None
        if len(parts) == 1:
            sym = scope.find(parts[0]) or self.catalog.top.find(parts[0])
        elif len(parts) == 2 and parts[0] in self.catalog.packages:
            sym = self.catalog.packages[parts[0]].find(parts[1])
        if sym is None or sym.kind not in ("proc", "func"):
            return []
        return sym.params


def validate_paths(paths: list[str], catalog: Catalog | None = None, strict: bool = False,
                   external: list[str] | None = None) -> list[Finding]:
    """Validate every .sql/.pks/.pkb/... file under ``paths`` together (one shared catalog)."""
    files: list[Path] = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            files += sorted(f for f in pp.rglob("*") if f.is_file() and f.suffix.lower() in
                            (".sql", ".pks", ".pkb", ".tps", ".tpb", ".plsql", ".pls", ".plb", ".prc", ".fnc",
                             ".trg", ".vw", ".ddl"))
        else:
            files.append(pp)
    v = Validator(catalog)
    v.catalog.complete = strict or v.catalog.complete
    if external:
        v.catalog.add_external(external)
    for f in files:
        v.add_file(str(f), f.read_text(encoding="utf-8", errors="replace"))
    return v.run()


def validate_text(text: str, path: str = "<text>", catalog: Catalog | None = None,
                  strict: bool = False) -> list[Finding]:
    v = Validator(catalog)
    v.catalog.complete = strict or v.catalog.complete
    v.add_file(path, text)
    return v.run()
