"""A recursive-descent PL/SQL front end over sqlglot's Oracle tokens.

It checks the block structure (declarations, statements, handlers), hands every expression
and embedded SQL statement to the SQL checks (``oracle_sql``), and resolves names against
the scopes (parameters, locals, loop records, cursors), the project catalog, Oracle's
built-ins and the standard packages. Errors carry Oracle's own codes where one applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.validate import builtins as B
from migrator.validate.core import ERROR, WARNING, Tok

SQL_STARTS = {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "LOCK"}
DDL_STARTS = {"CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "RENAME", "COMMENT", "ANALYZE",
              "AUDIT", "NOAUDIT", "FLASHBACK", "PURGE"}
SUBPROG_PREFIX = {"MEMBER", "STATIC", "CONSTRUCTOR", "MAP", "ORDER", "OVERRIDING", "FINAL", "INSTANTIABLE",
                  "NOT"}


class Stop(Exception):
    """Too many syntax errors in a unit: give up on it."""


@dataclass
class Param:
    name: str
    mode: str  # IN, OUT, IN OUT
    has_default: bool = False


@dataclass
class Sym:
    kind: str  # var, const, cursor, type, exception, proc, func, label, record, param
    params: list[list[Param]] = field(default_factory=list)  # overloads, for proc/func/cursor


class Scope:
    def __init__(self, parent: Scope | None = None, open_names: bool = False):
        self.parent = parent
        self.names: dict[str, Sym] = {}
        self.open_names = open_names or (parent.open_names if parent else False)

    def add(self, name: str, kind: str, params: list[Param] | None = None) -> None:
        sym = self.names.get(name)
        if sym is None or sym.kind != kind:
            sym = self.names[name] = Sym(kind)
        if params is not None:
            sym.params.append(params)

    def find(self, name: str) -> Sym | None:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None


class Parser:
    """Parses one PL/SQL unit's tokens; reports through ``report(code, msg, tok_from, tok_to, sev)``."""

    def __init__(self, toks: list[Tok], ctx):
        self.t = toks
        self.i = 0
        self.ctx = ctx  # the Validator: report(), catalog, check_sql(), check_expr_syntax()
        self.syntax_errors = 0

    # ---- token helpers -------------------------------------------------------------
    def peek(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def up(self, k: int = 0) -> str:
        tok = self.peek(k)
        if tok is None:
            return "<EOF>"
        return tok.up if tok.kind == "NAME" else (tok.text if tok.kind != "QNAME" else '"' + tok.text + '"')

    def at(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in ("NAME", "SEMICOLON", "L_PAREN", "R_PAREN", "COMMA", "COLON_EQ",
                                                "EQ", "DOTDOT", "DOT", "FARROW") and self.up() in words

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.i += 1
            return True
        return False

    def expect(self, *words: str) -> Tok:
        if self.at(*words):
            self.i += 1
            return self.t[self.i - 1]
        self.syntax(f"encountered the symbol \"{self.up()}\" when expecting {' or '.join(words)}")
        raise _Resync()

    def syntax(self, msg: str, tok: Tok | None = None, code: str = "PLS-00103") -> None:
        tok = tok or self.peek() or (self.t[-1] if self.t else None)
        self.syntax_errors += 1
        self.ctx.report(code, msg[0].upper() + msg[1:], tok, tok, ERROR)
        if self.syntax_errors >= 3:
            raise Stop()

    def name(self) -> str:
        tok = self.peek()
        if tok is None or not tok.is_name:
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting an identifier")
            raise _Resync()
        self.i += 1
        return tok.up

    def qualified_name(self) -> str:
        parts = [self.name()]
        while self.at(".") and self.peek(1) is not None and self.peek(1).is_name:
            self.i += 1
            parts.append(self.name())
        return ".".join(parts)

    def skip_to_semicolon(self) -> None:
        depth = 0
        while self.peek() is not None:
            k = self.peek().kind
            if k == "L_PAREN":
                depth += 1
            elif k == "R_PAREN":
                depth = max(0, depth - 1)
            elif k == "SEMICOLON" and depth == 0:
                self.i += 1
                return
            self.i += 1

    def balanced_until(self, stops: set[str], case_nesting: bool = True) -> tuple[int, int]:
        """Advance over an expression up to (not including) a stop word/symbol at depth 0."""
        start = self.i
        depth = 0
        case = 0
        while self.peek() is not None:
            tok = self.peek()
            word = tok.up if tok.kind == "NAME" else tok.text
            if tok.kind == "L_PAREN":
                depth += 1
            elif tok.kind == "R_PAREN":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and case == 0 and (word in stops and tok.kind != "QNAME" and tok.kind != "STRING"):
                break
            elif tok.kind == "NAME" and case_nesting and word == "CASE":
                case += 1
            elif tok.kind == "NAME" and case_nesting and word == "END" and case > 0:
                case -= 1
            elif tok.kind == "SEMICOLON" and depth == 0:
                break
            self.i += 1
        return start, self.i

    # ---- units ---------------------------------------------------------------------------
    def unit(self, scope: Scope) -> None:
        try:
            self._unit(scope)
        except (Stop, _Resync):
            return

    def _unit(self, scope: Scope) -> None:
        if self.at("DECLARE", "BEGIN") or self.up() == "<":
            self.block(scope, allow_declare=True)
            self.trailing()
            return
        self.expect("CREATE")
        if self.accept("OR"):
            self.expect("REPLACE")
        while self.accept("EDITIONABLE", "NONEDITIONABLE"):
            pass
        kind = self.expect("PROCEDURE", "FUNCTION", "PACKAGE", "TYPE", "TRIGGER", "LIBRARY", "JAVA").up
        if kind in ("LIBRARY", "JAVA"):
            return
        body = self.accept("BODY")
        if kind in ("PROCEDURE", "FUNCTION"):
            self.i -= 1
            self.subprogram(scope, standalone=True)
        elif kind == "PACKAGE":
            name = self.qualified_name()
            inner = Scope(scope)
            self.ctx.enter_package(name.split(".")[-1], inner, body)
            self.header_until_is()
            self.declarations(inner, package_spec=not body)
            if body and self.accept("BEGIN"):
                self.statements(inner, {"END", "EXCEPTION"})
                if self.accept("EXCEPTION"):
                    self.handlers(inner)
            self.expect("END")
            if self.peek() is not None and self.peek().is_name:
                self.i += 1
            self.expect(";")
        elif kind == "TYPE":
            name = self.qualified_name()
            if not body:
                return  # object type specifications: checked for balance only by the splitter
            inner = Scope(scope, open_names=True)  # attributes of the object type are in scope
            inner.add("SELF", "var")
            self.header_until_is()
            while not self.at("END") and self.peek() is not None:
                while self.accept(*SUBPROG_PREFIX):
                    pass
                if self.at("PROCEDURE", "FUNCTION"):
                    self.subprogram(inner)
                else:
                    self.syntax(f"encountered the symbol \"{self.up()}\" in a type body")
                    self.skip_to_semicolon()
            self.expect("END")
            self.accept(";")
        elif kind == "TRIGGER":
            self.trigger(scope)
        self.trailing()

    def trailing(self) -> None:
        if self.peek() is not None:
            self.syntax(f"encountered the symbol \"{self.up()}\" after the end of the unit")

    def header_until_is(self) -> None:
        start, _ = self.balanced_until({"IS", "AS"})
        self.expect("IS", "AS")

    def trigger(self, scope: Scope) -> None:
        self.qualified_name()
        inner = Scope(scope)
        for n in ("NEW", "OLD", "PARENT", "INSERTING", "UPDATING", "DELETING"):
            inner.add(n, "var")
        depth = 0
        while self.peek() is not None:
            if depth == 0 and self.at("DECLARE", "BEGIN", "COMPOUND", "CALL"):
                break
            if self.at("REFERENCING"):
                self.i += 1
                while self.accept("NEW", "OLD", "PARENT"):
                    self.accept("AS")
                    inner.add(self.name(), "var")
                continue
            if self.peek().kind == "L_PAREN":
                depth += 1
            elif self.peek().kind == "R_PAREN":
                depth -= 1
            self.i += 1
        if self.accept("COMPOUND"):
            self.expect("TRIGGER")
            self.declarations(inner)
            while self.at("BEFORE", "AFTER", "INSTEAD"):
                self.balanced_until({"IS"})
                self.expect("IS")
                self.block(Scope(inner), allow_declare=False, timing=True)
            self.expect("END")
            if self.peek() is not None and self.peek().is_name:
                self.i += 1
            self.expect(";")
            return
        if self.accept("CALL"):
            self.skip_to_semicolon()
            return
        self.block(inner, allow_declare=True)

    # ---- subprograms ------------------------------------------------------------------
    def params(self) -> list[Param]:
        out: list[Param] = []
        if not self.accept("("):
            return out
        while True:
            pname = self.name()
            mode = "IN"
            if self.accept("IN"):
                if self.accept("OUT"):
                    mode = "IN OUT"
            elif self.accept("OUT"):
                mode = "OUT"
            self.accept("NOCOPY")
            self.datatype(param=True)
            has_default = False
            if self.accept(":=", "DEFAULT"):
                has_default = True
                s, e = self.balanced_until({",", ")"})
                self.ctx.check_expr(s, e, self.scope_for_defaults)
            out.append(Param(pname, mode, has_default))
            if self.accept(","):
                continue
            self.expect(")")
            return out

    scope_for_defaults: Scope | None = None

    def datatype(self, param: bool = False) -> None:
        """Skip a datatype; a length/precision on a parameter's or return type is PLS-00103."""
        tok = self.peek()
        if tok is None or not tok.is_name:
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting a datatype")
            raise _Resync()
        first = tok.up
        self.qualified_name()
        if self.at("MOD") or (self.peek() is not None and self.peek().kind == "MOD"):
            self.i += 1
            self.expect("TYPE", "ROWTYPE")
        if first == "REF":
            self.qualified_name()
        elif first in ("LONG",) and self.at("RAW"):
            self.i += 1
        elif first == "DOUBLE":
            self.accept("PRECISION")
        elif first in ("CHARACTER", "CHAR", "NATIONAL") and self.at("VARYING", "CHARACTER", "CHAR"):
            self.i += 1
            self.accept("VARYING")
        if self.peek() is not None and self.peek().kind == "L_PAREN":
            if param:
                self.syntax("encountered the symbol \"(\": a parameter or return type takes no length or "
                            "precision in PL/SQL (write VARCHAR2, not VARCHAR2(n))")
            self.balanced_paren()
        if first == "TIMESTAMP" and self.accept("WITH"):
            self.accept("LOCAL")
            self.expect("TIME")
            self.expect("ZONE")
        elif first == "INTERVAL":
            if self.accept("DAY"):
                if self.peek() is not None and self.peek().kind == "L_PAREN":
                    self.balanced_paren()
                self.expect("TO")
                self.expect("SECOND")
            elif self.accept("YEAR"):
                if self.peek() is not None and self.peek().kind == "L_PAREN":
                    self.balanced_paren()
                self.expect("TO")
                self.expect("MONTH")
            if self.peek() is not None and self.peek().kind == "L_PAREN":
                self.balanced_paren()
        if self.accept("CHARACTER"):
            self.expect("SET")
            self.qualified_name()
            if self.peek() is not None and self.peek().kind == "MOD":
                self.i += 1
                self.name()
        if not param or True:
            self.ctx.check_type(first, tok, self)

    def balanced_paren(self) -> None:
        depth = 0
        while self.peek() is not None:
            k = self.peek().kind
            self.i += 1
            if k == "L_PAREN":
                depth += 1
            elif k == "R_PAREN":
                depth -= 1
                if depth == 0:
                    return

    def subprogram(self, scope: Scope, standalone: bool = False, spec_only: bool = False) -> None:
        kind = self.expect("PROCEDURE", "FUNCTION").up
        name = self.qualified_name().split(".")[-1]
        inner = Scope(scope)
        self.scope_for_defaults = scope
        params = self.params()
        scope.add(name, "func" if kind == "FUNCTION" else "proc", params)
        for p in params:
            inner.add(p.name, "param_in" if p.mode == "IN" else "param")
        if kind == "FUNCTION":
            self.expect("RETURN")
            self.datatype(param=True)
        while not self.at("IS", "AS", ";") and self.peek() is not None:
            if self.at("AUTHID", "DETERMINISTIC", "PIPELINED", "PARALLEL_ENABLE", "RESULT_CACHE", "ACCESSIBLE",
                       "AGGREGATE", "DEFAULT", "SHARING", "USING", "RELIES_ON", "SQL_MACRO", "CURRENT_USER",
                       "DEFINER", "COLLATION", "USING_NLS_COMP", "BY", "PARTITION", "ANY", "HASH", "RANGE",
                       "ORDER", "CLUSTER"):
                self.i += 1
                if self.peek() is not None and self.peek().kind == "L_PAREN":
                    self.balanced_paren()
                continue
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting IS or AS")
            raise _Resync()
        if self.accept(";"):
            return  # a forward declaration or a spec
        self.expect("IS", "AS")
        if self.at("LANGUAGE", "EXTERNAL"):
            self.skip_to_semicolon()
            return
        self.declarations(inner)
        self.block(inner, allow_declare=False, name=name)
        if standalone:
            return

    # ---- declarations ----------------------------------------------------------------------
    def declarations(self, scope: Scope, package_spec: bool = False) -> None:
        # BEFORE/AFTER/INSTEAD: the timing-point sections of a compound trigger end its declarations
        while self.peek() is not None and not self.at("BEGIN", "END", "BEFORE", "AFTER", "INSTEAD"):
            save = self.i
            try:
                self.declaration(scope)
            except _Resync:
                if self.i == save:
                    self.i += 1
                self.skip_to_semicolon()

    def declaration(self, scope: Scope) -> None:
        word = self.up()
        if word == "PRAGMA":
            self.i += 1
            s, e = self.balanced_until(set())
            self.expect(";")
            return
        if word in ("PROCEDURE", "FUNCTION"):
            self.subprogram(scope)
            return
        if word == "CURSOR":
            self.i += 1
            cname = self.name()
            inner = Scope(scope)
            params = self.params()
            for p in params:
                inner.add(p.name, "param")
            scope.add(cname, "cursor", params)
            if self.accept("RETURN"):
                self.datatype()
            if self.accept("IS"):
                self.sql_statement(inner, cursor=True)
            else:
                self.expect(";")
            return
        if word in ("TYPE", "SUBTYPE"):
            self.i += 1
            tname = self.name()
            scope.add(tname, "type")
            self.expect("IS")
            s, e = self.balanced_until(set())
            self.expect(";")
            return
        tok = self.peek()
        if tok is None or not tok.is_name:
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting a declaration")
            raise _Resync()
        vname = self.name()
        if self.accept("EXCEPTION"):
            scope.add(vname, "exception")
            self.expect(";")
            return
        const = self.accept("CONSTANT")
        self.datatype()
        if self.accept("NOT"):
            self.expect("NULL")
        if self.at("=") and self.peek().kind == "EQ":
            self.syntax("encountered the symbol \"=\" when expecting := (use := or DEFAULT for an initial value)")
            raise _Resync()
        if self.accept(":=", "DEFAULT"):
            s, e = self.balanced_until(set())
            self.ctx.check_expr(s, e, scope)
        scope.add(vname, "const" if const else "var")
        self.expect(";")

    # ---- blocks and statements --------------------------------------------------------------
    def block(self, scope: Scope, allow_declare: bool, name: str | None = None, timing: bool = False) -> None:
        self.labels(scope)
        if allow_declare and self.accept("DECLARE"):
            scope = Scope(scope)
            self.declarations(scope)
        self.expect("BEGIN")
        self.statements(scope, {"END", "EXCEPTION"})
        if self.accept("EXCEPTION"):
            self.handlers(scope)
        self.expect("END")
        if timing:
            self.accept("BEFORE", "AFTER", "INSTEAD")
            self.accept("STATEMENT", "EACH")
            self.accept("ROW", "OF")
        elif self.peek() is not None and self.peek().is_name and not self.at("IF", "LOOP", "CASE"):
            self.i += 1
        self.expect(";")

    def labels(self, scope: Scope) -> None:
        while self.peek() is not None and self.peek().kind == "LT" and self.peek(1) is not None \
                and self.peek(1).kind == "LT":
            self.i += 2
            scope.add(self.name(), "label")
            if not (self.peek() and self.peek().kind == "GT" and self.peek(1) and self.peek(1).kind == "GT"):
                self.syntax("expected >> after a label")
                raise _Resync()
            self.i += 2

    def handlers(self, scope: Scope) -> None:
        if not self.at("WHEN"):
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting WHEN")
            raise _Resync()
        while self.accept("WHEN"):
            while True:
                tok = self.peek()
                ename = self.qualified_name()
                self.ctx.check_exception(ename, tok, scope)
                if not self.accept("OR"):
                    break
            self.expect("THEN")
            self.statements(scope, {"END", "WHEN"})

    def statements(self, scope: Scope, stops: set[str]) -> None:
        count = 0
        while self.peek() is not None and not (self.peek().kind == "NAME" and self.up() in stops):
            save = self.i
            try:
                self.statement(scope)
                count += 1
            except _Resync:
                if self.i == save:
                    self.i += 1
                self.skip_to_semicolon()
        if count == 0 and self.peek() is not None and self.syntax_errors == 0:
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting a statement "
                        "(a block or branch needs at least one statement, e.g. NULL;)")

    def statement(self, scope: Scope) -> None:
        self.labels(scope)
        tok = self.peek()
        if tok is None:
            return
        word = self.up()
        if tok.kind != "NAME":
            if tok.kind == "COLON":  # :new.x := ...
                self.i += 1
                self.assignment_or_call(scope, bind=True)
                return
            if tok.kind == "L_PAREN" and self.peek(1) is not None and self.peek(1).up in ("SELECT", "WITH"):
                self.sql_statement(scope)
                return
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting a statement")
            raise _Resync()
        if word == "NULL":
            self.i += 1
            self.expect(";")
        elif word in ("DECLARE", "BEGIN"):
            self.block(Scope(scope), allow_declare=True)
        elif word == "IF":
            self.i += 1
            self.condition(scope, "THEN")
            self.statements(scope, {"ELSIF", "ELSE", "END"})
            while self.accept("ELSIF"):
                self.condition(scope, "THEN")
                self.statements(scope, {"ELSIF", "ELSE", "END"})
            if self.accept("ELSE"):
                self.statements(scope, {"END"})
            self.expect("END")
            self.expect("IF")
            self.expect(";")
        elif word == "CASE":
            self.i += 1
            if not self.at("WHEN"):
                s, e = self.balanced_until({"WHEN"})
                self.ctx.check_expr(s, e, scope)
            while self.accept("WHEN"):
                self.condition(scope, "THEN")
                self.statements(scope, {"WHEN", "ELSE", "END"})
            if self.accept("ELSE"):
                self.statements(scope, {"END"})
            self.expect("END")
            self.expect("CASE")
            if self.peek() is not None and self.peek().is_name:
                self.i += 1
            self.expect(";")
        elif word in ("LOOP", "WHILE", "FOR"):
            self.loop(scope)
        elif word == "FORALL":
            self.i += 1
            inner = Scope(scope)
            inner.add(self.name(), "var")
            self.expect("IN")
            if self.accept("INDICES", "VALUES"):
                self.expect("OF")
            s, e = self.balanced_until({"SAVE", "INSERT", "UPDATE", "DELETE", "MERGE", "EXECUTE"})
            self.ctx.check_expr(s, e, scope, range_ok=True)
            if self.accept("SAVE"):
                self.expect("EXCEPTIONS")
            self.statement(inner)
        elif word in ("EXIT", "CONTINUE"):
            self.i += 1
            if self.peek() is not None and self.peek().is_name and not self.at("WHEN"):
                self.i += 1
            if self.accept("WHEN"):
                self.condition(scope, ";")
            self.expect(";")
        elif word == "RETURN":
            self.i += 1
            if not self.at(";"):
                s, e = self.balanced_until(set())
                self.ctx.check_expr(s, e, scope)
            self.expect(";")
        elif word == "RAISE":
            self.i += 1
            if not self.at(";"):
                etok = self.peek()
                self.ctx.check_exception(self.qualified_name(), etok, scope)
            self.expect(";")
        elif word == "GOTO":
            self.i += 1
            self.name()
            self.expect(";")
        elif word == "OPEN":
            self.i += 1
            ctok = self.peek()
            cname = self.qualified_name()
            if self.peek() is not None and self.peek().kind == "L_PAREN":
                s, e = self.balanced_until(set())
                self.ctx.check_expr(s, e, scope)
            if self.accept("FOR"):
                if self.at("SELECT", "WITH") or (self.peek() and self.peek().kind == "L_PAREN"):
                    self.sql_statement(scope, cursor=True, stops={"USING"})
                    if self.accept("USING"):
                        s, e = self.balanced_until(set())
                        self.ctx.check_expr(s, e, scope, list_ok=True)
                        self.expect(";")
                else:
                    s, e = self.balanced_until({"USING"})
                    self.ctx.check_expr(s, e, scope)
                    if self.accept("USING"):
                        s, e = self.balanced_until(set())
                        self.ctx.check_expr(s, e, scope, list_ok=True)
                    self.expect(";")
            else:
                self.ctx.check_name(cname, ctok, scope)
                self.expect(";")
        elif word == "FETCH":
            self.i += 1
            ctok = self.peek()
            self.ctx.check_name(self.qualified_name(), ctok, scope)
            if self.accept("BULK"):
                self.expect("COLLECT")
            self.expect("INTO")
            s, e = self.balanced_until({"LIMIT"})
            self.ctx.check_expr(s, e, scope, list_ok=True)
            if self.accept("LIMIT"):
                s, e = self.balanced_until(set())
                self.ctx.check_expr(s, e, scope)
            self.expect(";")
        elif word == "CLOSE":
            self.i += 1
            ctok = self.peek()
            self.ctx.check_name(self.qualified_name(), ctok, scope)
            self.expect(";")
        elif word == "EXECUTE" and self.peek(1) is not None and self.peek(1).up == "IMMEDIATE":
            self.i += 2
            s, e = self.balanced_until({"INTO", "USING", "RETURNING", "RETURN", "BULK"})
            self.ctx.check_expr(s, e, scope)
            while self.at("INTO", "USING", "RETURNING", "RETURN", "BULK"):
                w = self.up()
                self.i += 1
                if w == "BULK":
                    self.expect("COLLECT")
                    self.expect("INTO")
                elif w in ("RETURNING", "RETURN"):
                    self.expect("INTO")
                s, e = self.balanced_until({"INTO", "USING", "RETURNING", "RETURN", "BULK"})
                self.ctx.check_expr(s, e, scope, list_ok=True, using=(w == "USING"))
            self.expect(";")
        elif word == "PIPE":
            self.i += 1
            self.expect("ROW")
            s, e = self.balanced_until(set())
            self.ctx.check_expr(s, e, scope)
            self.expect(";")
        elif word in ("COMMIT", "ROLLBACK", "SAVEPOINT", "SET") and not self._is_assignment():
            if word == "SET" and not (self.peek(1) and self.peek(1).up in ("TRANSACTION", "ROLE", "CONSTRAINT",
                                                                             "CONSTRAINTS")):
                self.syntax("encountered the symbol \"SET\": T-SQL SET assignment is not PL/SQL (use :=)")
                raise _Resync()
            self.skip_to_semicolon()
        elif word in SQL_STARTS and not self._is_assignment():
            self.sql_statement(scope)
        elif word in DDL_STARTS and not self._is_assignment():
            self.syntax(f"encountered the symbol \"{word}\": DDL is not allowed as static SQL in PL/SQL "
                        "(use EXECUTE IMMEDIATE)")
            raise _Resync()
        else:
            self.assignment_or_call(scope)

    def _is_assignment(self) -> bool:
        nxt = self.peek(1)
        return nxt is not None and nxt.kind in ("COLON_EQ", "DOT") and nxt.kind != "L_PAREN"

    def condition(self, scope: Scope, stop: str) -> None:
        s, e = self.balanced_until({stop} if stop != ";" else set())
        if s == e:
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting an expression")
            raise _Resync()
        self.ctx.check_expr(s, e, scope)
        if stop != ";":
            self.expect(stop)

    def loop(self, scope: Scope) -> None:
        inner = Scope(scope)
        if self.accept("WHILE"):
            self.condition(scope, "LOOP")
        elif self.accept("FOR"):
            var = self.name()
            self.expect("IN")
            self.accept("REVERSE")
            if self.peek() is not None and self.peek().kind == "L_PAREN" and self.peek(1) is not None \
                    and self.peek(1).up in ("SELECT", "WITH"):
                inner.add(var, "record")
                self.i += 1
                self.sql_statement(scope, cursor=True, stops=set(), close_paren=True)
                self.expect("LOOP")
            else:
                s, e = self.balanced_until({"LOOP"})
                rng = any(self.t[k].kind == "DOTDOT" for k in range(s, e))
                inner.add(var, "var" if rng else "record")
                if s < e and not rng:
                    ctok = self.t[s]
                    if ctok.is_name:
                        self.ctx.check_name(ctok.up, ctok, scope)
                    self.ctx.check_expr(s, e, scope)
                else:
                    self.ctx.check_expr(s, e, scope, range_ok=True)
                self.expect("LOOP")
        else:
            self.expect("LOOP")
        self.statements(inner, {"END"})
        self.expect("END")
        self.expect("LOOP")
        if self.peek() is not None and self.peek().is_name:
            self.i += 1
        self.expect(";")

    def assignment_or_call(self, scope: Scope, bind: bool = False) -> None:
        s, e = self.balanced_until({":=", "="} if True else set(), case_nesting=False)
        if self.peek() is not None and self.peek().kind == "EQ":
            self.syntax("encountered the symbol \"=\" when expecting := (assignment in PL/SQL is :=)")
            raise _Resync()
        if s == e:
            self.syntax(f"encountered the symbol \"{self.up()}\" when expecting a statement")
            raise _Resync()
        if self.accept(":="):
            if not bind:
                self.ctx.check_target(s, e, scope)
            s2, e2 = self.balanced_until(set())
            if s2 == e2:
                self.syntax(f"encountered the symbol \"{self.up()}\" when expecting an expression")
                raise _Resync()
            self.ctx.check_expr(s2, e2, scope)
        else:
            self.ctx.check_call(s, e, scope)
        self.expect(";")

    def sql_statement(self, scope: Scope, cursor: bool = False, stops: set[str] | None = None,
                      close_paren: bool = False) -> None:
        s, e = self.balanced_until(stops or set())
        if close_paren:
            # we consumed "(" before the SELECT: the statement ends at the matching ")"
            if self.peek() is None or self.peek().kind != "R_PAREN":
                self.syntax(f"encountered the symbol \"{self.up()}\" when expecting )")
                raise _Resync()
            self.ctx.check_sql(s, e, scope, cursor=True)
            self.i += 1
            return
        self.ctx.check_sql(s, e, scope, cursor=cursor)
        if stops and self.at(*stops):
            return
        self.expect(";")


class _Resync(Exception):
    pass
