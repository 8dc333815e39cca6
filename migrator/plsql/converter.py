"""Procedural T-SQL → PL/SQL: routines, blocks, control flow, variables, errors, cursors.

The front end gives a tree of ``Statement``/``If``/``While``/``Block``/``TryCatch``
nodes; SQL inside them (queries, DML, expressions) goes through the same rule engine
and Oracle back end as everything else, with the routine's variables in
``ctx.variables``. Procedural statements are written here as PL/SQL text.

A statement that cannot be converted does not sink the routine: it is kept verbatim
in a comment under ``-- MIGRATION TODO [ID]`` and replaced by a
``RAISE_APPLICATION_ERROR(-20999, ...)`` so that the routine compiles but fails loudly
if that path runs; the unit is counted as marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from migrator.backend.oracle import generate
from migrator.frontend.dialect import parse_tokens, word
from migrator.frontend.nodes import Block, If, Label, Node, Opaque, Routine, Statement, TryCatch, While
from migrator.frontend.segment import Segmenter, parse_statement
from migrator.names import var_name
from migrator.plsql.header import Header, parse_header
from migrator.rulebook import NOTE, TODO, Context, Unconvertible

IND = "  "

SET_OPTIONS = {"NOCOUNT", "ANSI_NULLS", "ANSI_WARNINGS", "ANSI_PADDING", "QUOTED_IDENTIFIER", "ARITHABORT",
               "CONCAT_NULL_YIELDS_NULL", "NUMERIC_ROUNDABORT", "DATEFORMAT", "DATEFIRST", "LANGUAGE",
               "DEADLOCK_PRIORITY", "LOCK_TIMEOUT", "ROWCOUNT", "TEXTSIZE", "FMTONLY", "NOEXEC", "IMPLICIT_TRANSACTIONS",
               "STATISTICS", "SHOWPLAN_ALL", "XACT_ABORT", "NOEXPAND", "FORCEPLAN", "ANSI_DEFAULTS",
               "CONCAT_NULL_YIELDS_NULL", "PARSEONLY", "QUERY_GOVERNOR_COST_LIMIT", "REMOTE_PROC_TRANSACTIONS",
               "ARITHIGNORE", "FIPS_FLAGGER", "OFFSETS", "SHOWPLAN_TEXT", "SHOWPLAN_XML", "ANSI_NULL_DFLT_ON", "CURSOR_CLOSE_ON_COMMIT"}


# Extension points, filled by the plsql modules for temp tables, table functions, triggers:
PRE_HOOKS: list = []  # fn(conv, node, depth) -> str | None, tried before the statement handlers
IF_HOOKS: list = []  # fn(conv, if_node, depth) -> str | None: IF idioms (temp_tables: IF OBJECT_ID('tempdb..#t') DROP)
ROUTINE_HANDLERS: dict = {}  # "trigger" | "tvf" -> fn(conv, routine_node, header) -> str


def _load_extensions() -> None:
    import importlib

    for name in ("temp_tables", "functions", "triggers"):
        try:
            importlib.import_module(f"migrator.plsql.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"migrator.plsql.{name}":
                raise


@dataclass
class Var:
    name: str  # Oracle name
    tsql_type: str | None
    kind: str = "var"  # var | param | cursor


@dataclass
class Scope:
    variables: dict[str, Var] = field(default_factory=dict)  # casefold T-SQL name (no @) -> Var
    declarations: list[str] = field(default_factory=list)  # PL/SQL declaration lines
    cursors: dict[str, str] = field(default_factory=dict)  # casefold cursor -> Oracle name
    last_cursor: str | None = None
    temp_counter: int = 0
    uses_rowcount: bool = False
    result_sets: int = 0
    todo: int = 0


class ProcConverter:
    def __init__(self, ctx: Context, project, src, batch):
        self.ctx, self.project, self.src, self.batch = ctx, project, src, batch
        self.scope = Scope()
        self.ctx.variables = {}
        self.extra_params: list[str] = []  # OUT SYS_REFCURSOR result sets (option)
        self.cursor_decls: list[str] = []  # after variables: cursors may reference them
        self.in_script = False
        self.in_catch = 0
        self.is_function = False
        self.status_out = False
        self.ret_type = None
        self.ret_tsql = None

    # --- SQL through the rule engine ----------------------------------------------------
    def sql(self, tree: exp.Expression, into: list[str] | None = None) -> str:
        """Convert and print one SQL tree; ``into`` adds PL/SQL ``INTO`` targets to a SELECT
        after conversion (so no rule mistakes it for T-SQL ``SELECT ... INTO table``)."""
        self.ctx.variables = {k: v.name for k, v in self.scope.variables.items()}
        if self.scope.last_cursor:
            self.ctx.variables["@fetch_cursor"] = self.scope.last_cursor
        self.ctx.variable_types = {k: v.tsql_type for k, v in self.scope.variables.items()}
        tree = self.project.get_engine().apply(tree, self.ctx)
        if into:
            tree.set("into", exp.Into(expressions=[exp.Var(this=t) for t in into]))
        return generate(tree)

    def parse_expr_tokens(self, toks) -> list[exp.Expression]:
        """Parse comma-separated expressions from a token slice (positions kept for events)."""
        if not toks:
            return []
        var_tokens(toks)
        t0 = toks[0]
        fake = Token(TokenType.SELECT, "SELECT", t0.line, t0.col, t0.start, t0.start - 1)
        try:
            trees = parse_tokens([fake, *toks], self.batch.text)
        except (ParseError, TokenError) as e:
            raise Unconvertible("TS0001", f"expression the parser could not read: {str(e).splitlines()[0][:120]}")
        sel = trees[0]
        if not isinstance(sel, exp.Select):
            raise Unconvertible("TS0001", "expression the parser could not read")
        return list(sel.expressions)

    def expr(self, e: exp.Expression) -> str:
        return self.sql(e.copy())

    # --- routines ---------------------------------------------------------------------
    def routine(self, node: Routine) -> str:
        toks = node.tokens
        h = parse_header(toks, self.batch.text)
        if h.error:
            raise Unconvertible("TS0660" if h.kind == "trigger" else "TS0600",  # TS0660: trigger header errors
                               f"CREATE {h.kind.upper()} {h.name}: {h.error} not supported")
        _load_extensions()
        self.routine_name = h.name  # temp_tables: table variables are named after their routine
        if h.kind == "trigger":
            if "trigger" not in ROUTINE_HANDLERS:
                raise Unconvertible("TS0660", "triggers are not converted yet")
            return ROUTINE_HANDLERS["trigger"](self, node, h)
        if h.kind == "function" and h.returns_text and h.returns_text.upper() == "TABLE":
            if "tvf" not in ROUTINE_HANDLERS:
                raise Unconvertible("TS0655", "table-valued functions are not converted yet")
            return ROUTINE_HANDLERS["tvf"](self, node, h)
        params = []
        for p in h.params:
            oname = var_name(p.name, getattr(self.project.config, "param_prefix", "p_"))
            self.scope.variables[p.name.casefold()] = Var(oname, p.type_text, "param")
            if p.readonly:  # TS0670: table-valued parameter -> collection type (migrator/plsql/temp_tables.py)
                from migrator.plsql.temp_tables import table_param

                params.append(table_param(self, p, oname))
                continue
            mode = "IN OUT" if p.output else "IN"
            ptype = self.param_type(p.type_text)
            line = f"{oname} {mode} {ptype}"
            if p.default_text is not None and p.output:
                # PLS-00230: OUT and IN OUT parameters cannot have a default; calls converted from the
                # project that omit it pass a variable holding the default (migrator/plsql/calls.py)
                self.ctx.note("TS0600", None, f"@{p.name} = {p.default_text.strip()} OUTPUT: a PL/SQL IN OUT "
                                              f"parameter cannot have a default (PLS-00230), so every caller must "
                                              f"pass a variable for {oname.upper()}")
            elif p.default_text is not None:
                line += " DEFAULT " + self.default_value(p)
            params.append(line)
            if not p.output and p.name.casefold() in _assigned_vars(toks[h.body_start:]):
                # T-SQL parameters are local copies the body may change; a PL/SQL IN parameter is
                # read-only (PLS-00363): the body works on a local initialised from it
                local = var_name(p.name, getattr(self.project.config, "var_prefix", "v_"))
                self.scope.variables[p.name.casefold()] = Var(local, p.type_text, "var")
                self.scope.declarations.append(f"{local} {self.var_type(p.type_text)} := {oname};")
        if h.body_start + 1 < len(toks) and word(toks[h.body_start]) == "EXTERNAL" and \
                word(toks[h.body_start + 1]) == "NAME":
            raise Unconvertible("TS0600", f"CLR {h.kind} (AS EXTERNAL NAME): .NET assembly code is out of scope; "
                                          "rewrite in PL/SQL or Java by hand")
        body_nodes = self.segment(toks[h.body_start:])
        # strip one outer BEGIN ... END wrapper
        if len(body_nodes) == 1 and isinstance(body_nodes[0], Block):
            body_nodes = body_nodes[0].body
        self.prescan(node.text)
        self.scan_labels(body_nodes)
        self.body_nodes = body_nodes  # temp_tables: table variables as collections (usage scan)
        if h.kind == "function":
            self.ret_tsql = h.returns_text or ""
            self.ret_type = self.param_type(self.ret_tsql)
        authid = self.authid(h.options)
        self.is_function = h.kind == "function"
        body = self.block(body_nodes, 1)
        params += self.extra_params
        name = self.project.names.name(h.name)
        schema = self.project.names.schema(h.schema) if h.schema else None
        full = f"{schema}.{name}" if schema else name
        if self.status_out:
            params.append("p_return_status OUT NUMBER")
            self.ctx.note("TS0600", None, "RETURN n (status code) → OUT parameter P_RETURN_STATUS; callers pass a "
                                          "variable for it")
        head = f"CREATE OR REPLACE {'FUNCTION' if self.is_function else 'PROCEDURE'} {full}"
        if params:
            head += " (\n" + ",\n".join(IND + p for p in params) + "\n)"
        if self.is_function:
            head += f" RETURN {self.ret_type}"
        if authid:
            head += f" AUTHID {authid}"
        if self.status_out:  # T-SQL returns 0 from a procedure that ends without RETURN n
            body = f"{IND}p_return_status := 0;\n" + body
        return f"{head} AS\n{self.declarations()}BEGIN\n{body}END {name};\n/"

    def default_value(self, p) -> str:
        """A parameter's DEFAULT, converted (date strings typed after the parameter)."""
        if p.default_text.strip().upper() == "NULL":
            return "NULL"
        from migrator.plsql.statements import typed_literal

        return self.expr(typed_literal(self, self.parse_expr_tokens(self._tokens_of(p.default_text))[0], p.type_text))

    def authid(self, options: list[str]) -> str | None:
        """WITH options of a routine header: EXECUTE AS → AUTHID, the rest removed."""
        authid = None
        for opt in options:
            o = " ".join(opt.upper().split())
            if o.startswith("EXECUTE AS"):
                who = o[len("EXECUTE AS"):].strip()
                if who in {"OWNER", "SELF"}:
                    authid = "DEFINER"
                    self.ctx.fixed("TS0600", None, f"WITH {o} → AUTHID DEFINER")
                elif who == "CALLER":
                    authid = "CURRENT_USER"
                    self.ctx.note("TS0600", None, "WITH EXECUTE AS CALLER → AUTHID CURRENT_USER: privileges and "
                                                  "unqualified names resolve for the caller (no ownership chaining)")
                else:
                    authid = "DEFINER"
                    self.ctx.note("TS0600", None, f"WITH {opt} → AUTHID DEFINER: the routine runs with its owner's "
                                                  "privileges, not those of the named user")
            elif o in {"RECOMPILE", "ENCRYPTION", "SCHEMABINDING", "NATIVE_COMPILATION", "FOR REPLICATION"} or \
                    o.startswith("INLINE"):
                self.ctx.fixed("TS0600", None, f"WITH {o} removed (no PL/SQL equivalent needed)")
            elif o in {"RETURNS NULL ON NULL INPUT", "CALLED ON NULL INPUT"}:
                if o.startswith("RETURNS"):
                    self.ctx.note("TS0600", None, "WITH RETURNS NULL ON NULL INPUT removed: the function body now "
                                                  "runs for NULL arguments")
                else:
                    self.ctx.fixed("TS0600", None, f"WITH {o} removed (PL/SQL default)")
            elif o:
                self.ctx.note("TS0600", None, f"WITH {opt} removed")
        return authid

    def script(self, nodes: list[Node]) -> str:
        """Script-level control flow and variables → an anonymous block."""
        self.in_script = True
        self.prescan("\n".join(n.text for n in nodes))
        self.scan_labels(nodes)
        self.body_nodes = nodes
        body = self.block(nodes, 1)
        decls = self.declarations()
        return (f"DECLARE\n{decls}" if decls else "") + f"BEGIN\n{body}END;\n/"

    def scan_labels(self, nodes: list[Node], path: tuple = ()) -> None:
        """Where each label and GOTO sits (the chain of IF/LOOP/TRY/CATCH bodies around it): PL/SQL
        GOTO may only jump to a label in the same or an enclosing body (TS0640)."""
        if not hasattr(self, "label_paths"):
            self.label_paths, self.goto_paths = {}, {}
        for n in nodes:
            if isinstance(n, Label):
                self.label_paths[n.name.casefold()] = path
            elif isinstance(n, Statement) and n.keyword == "GOTO":
                self.goto_paths[id(n)] = path
            elif isinstance(n, Block):
                self.scan_labels(n.body, path)
            elif isinstance(n, If):
                self.scan_labels(self._body(n.then), path + (id(n), "then"))
                if n.else_ is not None:
                    self.scan_labels(self._body(n.else_), path + (id(n), "else"))
            elif isinstance(n, While):
                self.scan_labels(self._body(n.body), path + (id(n),))
            elif isinstance(n, TryCatch):
                self.scan_labels(n.try_body, path + (id(n), "try"))
                self.scan_labels(n.catch_body, path + (id(n), "catch"))

    def declarations(self) -> str:
        lines = list(dict.fromkeys(self.scope.declarations)) + self.cursor_decls
        return "".join(IND + d + "\n" for d in lines)

    def prescan(self, text: str) -> None:
        """Routine-wide facts decided before converting: @@ROWCOUNT capture, error variables."""
        up = text.upper()
        self.ctx.xact_abort = bool(re.search(r"\bSET\s+XACT_ABORT\s+ON\b", text, re.I))  # TS0650
        # SAVE TRAN names: a later (or earlier) ROLLBACK TRAN name rolls back to the savepoint
        self.savepoints = {m.group(1).replace(" ", "").casefold()
                           for m in re.finditer(r"\bSAVE\s+TRAN(?:SACTION)?\s+(@?\s*\w+)", text, re.I)}
        if "@@ROWCOUNT" in up:
            self.scope.uses_rowcount = True
            self.scope.declarations.append("v_rowcount PLS_INTEGER := 0;")
            self.scope.variables["@rowcount"] = Var("v_rowcount", "int", "system")

    def ret_var_type(self) -> str:
        return self.var_type(self.ret_tsql or "")

    def _tokens_of(self, text: str):
        from migrator.frontend.dialect import tokenize

        return tokenize(text)

    def segment(self, toks) -> list[Node]:
        seg = Segmenter(self.src, self.batch, toks)
        nodes, i = seg.parse_list(0, set())
        while i < seg.n:
            nodes.append(Opaque(seg.span(i, i + 1), seg.text(i, i + 1), f"unexpected {seg.toks[i].text}"))
            more, i = seg.parse_list(i + 1, set())
            nodes.extend(more)
        return nodes

    # --- types ------------------------------------------------------------------------
    def oracle_type(self, tsql_type: str) -> str:
        from rules.ts0100_types import oracle_type

        if re.fullmatch(r"\s*(?:\[?sys\]?\.)?\[?sysname\]?\s*", tsql_type, re.I):
            tsql_type = "nvarchar(128)"  # the built-in alias type sysname
        try:
            dt = exp.DataType.build(tsql_type, dialect="tsql")
        except (ParseError, ValueError):
            raise Unconvertible("TS0100", f"unknown data type {tsql_type}")
        dt.meta["tsql"] = tsql_type
        return oracle_type(dt, self.ctx)

    def param_type(self, tsql_type: str) -> str:
        """PL/SQL parameter and return types carry no length or precision."""
        t = self.oracle_type(tsql_type)
        base = re.sub(r"\(.*?\)", "", t).strip()
        return {"NUMBER": "NUMBER", "VARCHAR2": "VARCHAR2", "NVARCHAR2": "NVARCHAR2", "CHAR": "CHAR",
                "NCHAR": "NCHAR", "RAW": "RAW"}.get(base.split()[0], base)

    def var_type(self, tsql_type: str) -> str:
        """Local variable type: lengths kept; PL/SQL strings hold up to 32767 bytes, so only
        ``MAX`` types become LOBs (PL/SQL handles CLOBs with the string functions)."""
        if re.fullmatch(r"\s*(?:\[?sys\]?\.)?\[?sysname\]?\s*", tsql_type, re.I):
            tsql_type = "nvarchar(128)"
        m = re.fullmatch(r"\s*(N?VARCHAR|VARBINARY)\s*\(\s*(\d+)\s*\)\s*", tsql_type, re.I)
        if m:
            kind, n = m.group(1).upper(), int(m.group(2))
            if kind == "VARCHAR" and n <= 8000:
                return f"VARCHAR2({n} CHAR)"
            if kind == "NVARCHAR" and n <= 4000:
                return f"NVARCHAR2({n})"
            if kind == "VARBINARY" and n <= 8000:
                return f"RAW({min(n, 32767)})"
        return self.oracle_type(tsql_type)

    # --- blocks and statements ---------------------------------------------------------
    def block(self, nodes: list[Node], depth: int) -> str:
        out = []
        for i, n in enumerate(nodes):
            self.next_node = nodes[i + 1] if i + 1 < len(nodes) else None  # dml: @@ROWCOUNT after a result set
            out.append(self.stmt(n, depth))
        text = "".join(out)
        return text or IND * depth + "NULL;\n"

    def stmt(self, node: Node, depth: int) -> str:
        pad = IND * depth
        try:
            return self._stmt(node, depth)
        except Unconvertible as u:
            self.scope.todo += 1
            self.ctx._event(u.rule, TODO, None, u.message) if not any(
                e.severity == TODO and e.message == u.message for e in self.ctx.events) else None
            body = node.text.strip()
            if "*/" in body or body.endswith("/*"):
                original = "\n".join(pad + "-- " + line.rstrip() for line in body.split("\n"))
            else:  # verbatim, so it can be copied back out
                original = f"{pad}/*\n{body}\n{pad}*/"
            msg = " ".join(u.message.split()).replace("'", "''")[:180]
            return (f"{pad}-- MIGRATION TODO [{u.rule}]: {' '.join(u.message.split())}\n{original}\n"
                    f"{pad}RAISE_APPLICATION_ERROR(-20999, 'MIGRATION TODO [{u.rule}] line {node.span.line}: "
                    f"{msg}');\n")

    def _stmt(self, node: Node, depth: int) -> str:
        pad = IND * depth
        if isinstance(node, Block):
            return self.block(node.body, depth) if node.body else ""
        if isinstance(node, If):
            _load_extensions()
            for hook in IF_HOOKS:
                out = hook(self, node, depth)
                if out is not None:
                    return out
            cond = self.condition(node.cond_tokens, depth)
            pre, test = cond
            test = _cont(test, pad)
            text = pre + f"{pad}IF {test} THEN\n" + self.block(self._body(node.then), depth + 1)
            else_ = node.else_
            while isinstance(else_, If):  # ELSE IF chains → ELSIF
                pre2, test2 = self.condition(else_.cond_tokens, depth)
                if pre2:
                    break
                text += f"{pad}ELSIF {_cont(test2, pad)} THEN\n" + self.block(self._body(else_.then), depth + 1)
                else_ = else_.else_
            if else_ is not None:
                text += f"{pad}ELSE\n" + self.block(self._body(else_), depth + 1)
            return text + f"{pad}END IF;\n"
        if isinstance(node, While):
            pre, test = self.condition(node.cond_tokens, depth + 1)
            body = self.block(self._body(node.body), depth + 1)
            test = _cont(test, pad)
            if pre:
                return f"{pad}LOOP\n{pre}{pad}{IND}EXIT WHEN NOT ({test});\n{body}{pad}END LOOP;\n"
            return f"{pad}WHILE {test} LOOP\n{body}{pad}END LOOP;\n"
        if isinstance(node, TryCatch):
            self.in_try = getattr(self, "in_try", 0) + 1  # statements: RAISERROR inside TRY jumps to CATCH
            body = self.block(node.try_body, depth + 1)
            self.in_try -= 1
            self.in_catch += 1
            if "v_error_message" not in "".join(self.scope.declarations):
                self.scope.declarations += ["v_error_number NUMBER;", "v_error_message VARCHAR2(4000);"]
            self.scope.variables["@error_number"] = Var("v_error_number", "int", "system")
            self.scope.variables["@error_message"] = Var("v_error_message", "nvarchar(4000)", "system")
            wants_line = "ERROR_LINE" in "\n".join(n.text for n in node.catch_body).upper()
            if wants_line:
                if "v_error_line NUMBER;" not in self.scope.declarations:
                    self.scope.declarations.append("v_error_line NUMBER;")
                self.scope.variables["@error_line"] = Var("v_error_line", "int", "system")
            if getattr(self, "routine_name", None) and not self.in_script:
                self.scope.variables["@routine_name"] = Var(self.project.names.name(self.routine_name), None,
                                                            "system")
            self.ctx.in_catch = self.in_catch  # TS0650: XACT_STATE() under XACT_ABORT ON
            handler = self.block(node.catch_body, depth + 2)
            self.in_catch -= 1
            self.ctx.in_catch = self.in_catch
            grab = (f"{pad}{IND}{IND}v_error_number := SQLCODE;\n"
                    f"{pad}{IND}{IND}v_error_message := SQLERRM;\n")
            if wants_line:  # the first "line N" of the backtrace is where the error was raised
                grab += (f"{pad}{IND}{IND}v_error_line := TO_NUMBER(REGEXP_SUBSTR("
                         f"DBMS_UTILITY.FORMAT_ERROR_BACKTRACE, 'line ([0-9]+)', 1, 1, NULL, 1));\n")
            return f"{pad}BEGIN\n{body}{pad}EXCEPTION\n{pad}{IND}WHEN OTHERS THEN\n{grab}{handler}{pad}END;\n"
        if isinstance(node, Label):
            return f"{pad}<<{node.name.lower()}>>\n{pad}NULL;\n"
        if isinstance(node, Opaque):
            raise Unconvertible("TS0001", node.reason)
        if isinstance(node, Routine):
            raise Unconvertible("TS0600", "nested CREATE inside a routine")
        assert isinstance(node, Statement)
        from migrator.plsql import statements

        _load_extensions()
        statements.rowcount_guard(self, node)
        for hook in PRE_HOOKS:
            out = hook(self, node, depth)
            if out is not None:
                return out
        handler = statements.HANDLERS.get(node.keyword)
        if handler is None:
            handler = statements.sql_statement
        return handler(self, node, depth)

    def _body(self, node: Node | None) -> list[Node]:
        if node is None:
            return []
        if isinstance(node, Block):
            return node.body
        return [node]

    def condition(self, toks, depth: int) -> tuple[str, str]:
        """(statements to run first, PL/SQL boolean). Subqueries are not allowed in PL/SQL
        conditions: such a condition is evaluated by a query into a flag first."""
        trees = self.parse_expr_tokens(toks)
        if len(trees) != 1:
            raise Unconvertible("TS0001", "condition the parser could not read")
        cond = trees[0]
        if cond.find(exp.Select, exp.Subquery, exp.Exists):
            self.scope.temp_counter += 1
            flag = f"v_cond{self.scope.temp_counter}"
            self.scope.declarations.append(f"{flag} NUMBER(1);")
            case = exp.Case(ifs=[exp.If(this=cond.copy(), true=exp.Literal.number(1))],
                            default=exp.Literal.number(0))
            q = exp.select(case).from_("DUAL")
            text = self.sql(q, into=[flag])
            pad = IND * depth
            return indent(text + ";", pad) + "\n", f"{flag} = 1"
        return "", self.expr(cond)


def _assigned_vars(toks) -> set[str]:
    """Variables a body may assign (``SET @x =``, ``SELECT @x =``, ``FETCH … INTO @x``, ``@x OUTPUT``,
    ``UPDATE … SET @x =``), casefold without @; over-approximated (a local copy is harmless)."""
    words = []  # (text, is_variable) with "@" "name" pairs joined
    i = 0
    while i < len(toks):
        t = toks[i].text
        if t == "@" and i + 1 < len(toks):
            words.append(("@" + toks[i + 1].text, True))
            i += 2
            continue
        words.append((t, t.startswith("@") and not t.startswith("@@")))
        i += 1
    out, into, in_exec = set(), False, False
    for i, (text, is_var) in enumerate(words):
        prev = words[i - 1][0].upper() if i else ""
        nxt = words[i + 1][0].upper() if i + 1 < len(words) else ""
        up = text.upper()
        if up in {"EXEC", "EXECUTE"}:
            in_exec = True
        elif in_exec and (up in _STATEMENT_WORDS or text == ";"):
            in_exec = False  # EXEC arguments are constants and variables: a statement word ends them
        if in_exec and is_var and nxt == "=" and prev not in {"EXEC", "EXECUTE"}:
            continue  # EXEC p @param = value / sp_executesql …, @param = value: a parameter name
        if is_var and (nxt in {"=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^="}
                       and (prev in {"SET", "SELECT", ",", ")", "EXEC", "EXECUTE"} or prev.isdigit())
                       or nxt in {"OUTPUT", "OUT"} and _ends_argument(words, i + 2) or into):
            out.add(text[1:].casefold())
        up = text.upper()
        if up == "INTO" and any(w[0].upper() == "FETCH" for w in words[max(0, i - 6):i]):
            into = True
        elif into and not (is_var or text == ","):
            into = False
    return out


_STATEMENT_WORDS = {"SET", "SELECT", "IF", "ELSE", "EXEC", "EXECUTE", "END", "RETURN", "INSERT", "UPDATE", "DELETE",
                    "PRINT", "WHILE", "BEGIN", "DECLARE", "COMMIT", "ROLLBACK", "FETCH", "CLOSE", "OPEN", "MERGE",
                    "DEALLOCATE", "RAISERROR", "THROW", "GOTO", "WAITFOR", "WITH", "TRUNCATE", "BREAK", "CONTINUE"}


def _ends_argument(words, i) -> bool:
    """``@x OUTPUT`` is an EXEC argument (not an OUTPUT clause) when the call goes on or ends."""
    return i >= len(words) or words[i][0] in {",", ";"} or words[i][0].upper() in _STATEMENT_WORDS


def indent(text: str, pad: str) -> str:
    return "\n".join(pad + line if line.strip() else line for line in text.split("\n"))


def _cont(test: str, pad: str) -> str:
    """A condition the generator split over lines: continuation lines indented under the keyword."""
    return test.replace("\n", "\n" + pad + IND + IND)


def var_tokens(toks) -> None:
    """``@enable``, ``@open`` …: the name after ``@`` is a variable even when it is a keyword."""
    for prev, tok in zip(toks, toks[1:]):
        if prev.text == "@" and prev.end + 1 == tok.start and re.fullmatch(r"[A-Za-z_]\w*", tok.text) and \
                tok.token_type not in (TokenType.VAR, TokenType.STRING, TokenType.IDENTIFIER):
            tok.token_type = TokenType.VAR
