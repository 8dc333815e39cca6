"""Table-valued functions → pipelined functions over an object type and a collection type.

Rule TS0655 (documented in ``rules/ts0655_table_functions.py``). The types go to the
setup script (``ctx.setup``); the function pipes one object per row::

    CREATE OR REPLACE FUNCTION FN (p_a IN NUMBER) RETURN FN_TAB PIPELINED AS
    BEGIN
      FOR r IN (SELECT ...) LOOP
        PIPE ROW (FN_ROW(r.A, r.B));
      END LOOP;
      RETURN;
    END FN;

Column types come from CAST targets, the catalog, parameters and literals; a column whose
type cannot be known makes the function a TODO (never a guessed type).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp

from migrator.frontend.dialect import word
from migrator.frontend.nodes import Block, Statement
from migrator.names import var_name
from migrator.plsql import converter
from migrator.plsql.converter import IND, Var, indent
from migrator.rulebook import Unconvertible

RULE = "TS0655"


# --- T-SQL types of select expressions ----------------------------------------------------

_STR = re.compile(r"\s*(N?)(VAR)?CHAR\s*(?:\(\s*(\d+|MAX)\s*\))?\s*$", re.I)


def _str_len(tsql: str | None) -> tuple[bool, int | None] | None:
    """(national, length; None = MAX) of a T-SQL string type text, else None."""
    if not tsql:
        return None
    t = tsql.strip().strip("[]").upper()
    if t == "SYSNAME":
        return True, 128
    if t in {"TEXT", "NTEXT"}:
        return t == "NTEXT", None
    m = _STR.fullmatch(t)
    if not m:
        return None
    n = m.group(3)
    return bool(m.group(1)), None if n == "MAX" else int(n or (30 if m.group(2) else 1))


def _str_type(national: bool, n: int | None) -> str:
    limit = 4000 if national else 8000
    size = "MAX" if n is None or n > limit else str(max(n, 1))
    return f"{'n' if national else ''}varchar({size})"


class Typer:
    """The T-SQL type text (``"int"``, ``"nvarchar(20)"``) or, where only the family is
    known, an Oracle type (``"=NUMBER"``) of a select expression; None when unknown."""

    def __init__(self, conv, params: dict[str, str]):
        self.conv, self.params = conv, params

    def of(self, e: exp.Expression) -> str | None:
        from migrator import typing as ty

        if isinstance(e, (exp.Alias, exp.Paren)):
            return self.of(e.this)
        if isinstance(e, (exp.Cast, exp.TryCast)):
            to = e.args.get("to")
            return (to.meta.get("tsql") or to.sql(dialect="tsql")) if to is not None else None
        if isinstance(e, exp.Literal):
            if e.is_string:
                return _str_type(False, len(e.name))
            if re.fullmatch(r"\d+", e.name):
                return "int" if int(e.name) < 2 ** 31 else "=NUMBER"
            return "=NUMBER"
        if isinstance(e, exp.National):
            return _str_type(True, len(e.name))
        if isinstance(e, exp.Parameter):
            return self.params.get(e.name.lstrip("@").casefold())
        if isinstance(e, exp.Column):
            return self.column(e)
        if isinstance(e, exp.Subquery):
            q = e.this
            while isinstance(q, exp.SetOperation):
                q = q.this
            return self.of(q.selects[0]) if isinstance(q, exp.Select) and len(q.selects) == 1 else None
        if isinstance(e, exp.Add):
            a, b = self.of(e.this), self.of(e.expression)
            sa, sb = _str_len(a), _str_len(b)
            if sa and sb:
                n = None if sa[1] is None or sb[1] is None else sa[1] + sb[1]
                return _str_type(sa[0] or sb[0], n)
        if isinstance(e, exp.Case):
            branches = [i.args.get("true") for i in e.args.get("ifs") or []] + [e.args.get("default")]
            types = [self.of(b) for b in branches if b is not None and not isinstance(b, exp.Null)]
            strs = [_str_len(t) for t in types]
            if types and all(strs):
                n = None if any(s[1] is None for s in strs) else max(s[1] for s in strs)
                return _str_type(any(s[0] for s in strs), n)
            if types and len(set(types)) == 1:
                return types[0]
        name = e.sql_name().upper() if isinstance(e, exp.Func) else ""
        if isinstance(e, exp.Anonymous):
            name = str(e.name).upper()
        if isinstance(e, exp.Count) or name == "COUNT":
            return "int"
        if isinstance(e, (exp.RowNumber,)) or name in {"COUNT_BIG", "ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE"}:
            return "bigint"
        if isinstance(e, exp.Window):
            return self.of(e.this)
        if isinstance(e, (exp.Upper, exp.Lower, exp.Trim, exp.Reverse, exp.Nullif)) or name in {"LTRIM", "RTRIM"}:
            return self.of(e.this) if _str_len(self.of(e.this)) else None
        if isinstance(e, exp.Replace) or name == "REPLACE":  # T-SQL: varchar(8000) unless the input is MAX
            s = _str_len(self.of(e.this))
            return _str_type(s[0], None if s[1] is None else 8000) if s else None
        if isinstance(e, (exp.Max, exp.Min)) or name in {"ISNULL", "COALESCE"}:
            args = [e.this] + list(e.expressions or []) if name in {"ISNULL", "COALESCE"} else [e.this]
            if name == "ISNULL" or isinstance(e, exp.Coalesce) and e.args.get("is_null"):
                return self.of(args[0])
            types = [self.of(a) for a in args if not isinstance(a, exp.Null)]
            if types and len(set(types)) == 1:
                return types[0]
        fam = ty.infer(e, self.conv.ctx)
        if fam in ty.NUMERIC:
            return "=NUMBER"
        if fam == ty.DATE:
            return "=TIMESTAMP"
        if fam == ty.GUID:
            return "uniqueidentifier"
        return None

    def column(self, col: exp.Column) -> str | None:
        from migrator import typing as ty

        catalog = self.conv.ctx.catalog
        scope = ty._scope_of(col)
        while scope is not None:
            sources = ty._sources(scope)
            qual = col.table.casefold() if col.table else None
            cands = [s for k, s in sources if k == qual] if qual else [s for _, s in sources]
            found = []
            for src in cands:
                if isinstance(src, exp.Subquery):
                    found.append(self._query_col(src.this, src, col.name))
                    continue
                cte = ty._cte(scope, src.name) if not src.db else None
                if cte is not None:
                    found.append(self._query_col(cte.this, cte, col.name))
                    continue
                info = catalog.column(src.name, col.name) if catalog is not None else None
                if info is not None:
                    found.append(info.get("type"))
            found = [f for f in found if f is not None]
            if len(found) == 1 or (found and len(set(found)) == 1 and qual):
                return found[0]
            if found or qual or cands:
                return None
            scope = ty._scope_of(scope)
        return None

    def _query_col(self, q, holder, name: str) -> str | None:
        while isinstance(q, exp.SetOperation):
            q = q.this
        if not isinstance(q, exp.Select):
            return None
        alias_cols = holder.args.get("alias")
        cols = alias_cols.columns if isinstance(alias_cols, exp.TableAlias) else []
        for i, sel in enumerate(q.selects):
            out = cols[i].name if i < len(cols) else sel.alias_or_name
            if out.casefold() == name.casefold():
                return self.of(sel)
        return None


def oracle_attr_type(conv, tsql: str) -> str:
    if tsql.startswith("="):
        return tsql[1:]
    return conv.oracle_type(tsql)


# --- shared pieces ---------------------------------------------------------------------------

def _params(conv, h) -> tuple[list[str], dict[str, str]]:
    lines, types = [], {}
    for p in h.params:
        if p.readonly:
            raise Unconvertible("TS0600", f"table-valued parameter @{p.name} is not converted yet")
        oname = var_name(p.name, getattr(conv.project.config, "param_prefix", "p_"))
        conv.scope.variables[p.name.casefold()] = Var(oname, p.type_text, "param")
        types[p.name.casefold()] = p.type_text
        line = f"{oname} IN {conv.param_type(p.type_text)}"
        if p.default_text is not None:
            line += " DEFAULT " + conv.default_value(p)
        lines.append(line)
    return lines, types


def _names(conv, h):
    names = conv.project.names
    name = names.name(h.name)
    schema = names.schema(h.schema) if h.schema else None
    q = f"{schema}." if schema else ""
    return name, q, f"{q}{name}"


def _emit_types(conv, h, attrs: list[tuple[str, str]]) -> tuple[str, str]:
    name, q, _full = _names(conv, h)
    row, tab = f"{q}{name}_ROW", f"{q}{name}_TAB"
    body = ",\n".join(f"{IND}{a} {t}" for a, t in attrs)
    conv.ctx.setup[f"30-type-{row}"] = f"CREATE OR REPLACE TYPE {row} AS OBJECT (\n{body}\n);\n/"
    conv.ctx.setup[f"31-type-{tab}"] = f"CREATE OR REPLACE TYPE {tab} AS TABLE OF {row};\n/"
    conv.ctx.fixed(RULE, None, f"row type {row} and collection type {tab} emitted in the setup script")
    return row, tab


def _head(conv, h, params: list[str], tab: str) -> str:
    _n, _q, full = _names(conv, h)
    head = f"CREATE OR REPLACE FUNCTION {full}"
    if params:
        head += " (\n" + ",\n".join(IND + p for p in params) + "\n)"
    return head + f" RETURN {tab} PIPELINED AS\n"


def _options(conv, h):
    for opt in h.options:
        if opt.upper().startswith("EXECUTE AS"):
            conv.ctx.note("TS0600", None, f"WITH {opt}: use AUTHID DEFINER (the default) or AUTHID CURRENT_USER")
        elif opt:
            conv.ctx.fixed("TS0600", None, f"WITH {opt} removed")


def _query_columns(conv, q: exp.Expression, typer: Typer) -> list[tuple[str, str]]:
    """(output column name, T-SQL type) of a query, ``*`` expanded from the catalog."""
    first = q
    while isinstance(first, exp.SetOperation):
        first = first.this
    if not isinstance(first, exp.Select):
        raise Unconvertible(RULE, "table-valued function body is not a query")
    out = []
    for sel in first.selects:
        if isinstance(sel, exp.Star) or isinstance(sel, exp.Column) and isinstance(sel.this, exp.Star):
            out.extend(_star(conv, first, sel))
            continue
        name = sel.alias_or_name
        if not name or not (isinstance(sel, (exp.Alias, exp.Column))):
            raise Unconvertible(RULE, f"column {sel.sql(dialect='tsql')[:60]} has no name")
        t = typer.of(sel)
        if t is None:
            raise Unconvertible(RULE, f"column {name}: its type cannot be determined for the row object type "
                                      "(CAST it in the T-SQL, or write the type by hand)")
        out.append((name, t))
    return out


def _star(conv, sel: exp.Select, star) -> list[tuple[str, str]]:
    from migrator import typing as ty

    sources = ty._sources(sel)
    tables = {id(s): s for _, s in sources}
    qual = star.table.casefold() if isinstance(star, exp.Column) and star.table else None
    if qual:
        tables = {id(s): s for k, s in sources if k == qual}
    if len(tables) == 1:
        src = next(iter(tables.values()))
        cte = ty._cte(sel, src.name) if isinstance(src, exp.Table) and not src.db else None
        holder = cte if cte is not None else src if isinstance(src, exp.Subquery) else None
        if holder is not None:  # derived table or CTE: its output columns, typed in its own scope
            typer = Typer(conv, {k: v.tsql_type for k, v in conv.scope.variables.items()})
            q = holder.this
            while isinstance(q, exp.SetOperation):
                q = q.this
            alias = holder.args.get("alias")
            names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
            if isinstance(q, exp.Select) and not any(isinstance(x, exp.Star) for x in q.selects):
                out = [(names[i] if i < len(names) else x.alias_or_name, typer.of(x)) for i, x in enumerate(q.selects)]
                if all(n and t for n, t in out):
                    return out
        info = conv.ctx.catalog.table(src.name) if isinstance(src, exp.Table) else None
        if info and all(c.get("type") for c in info["columns"].values()):
            return [(c["name"], c["type"]) for c in info["columns"].values()]
    raise Unconvertible(RULE, "SELECT * in a table-valued function: list the columns (their types are needed "
                              "for the row object type)")


def _attr(conv, name: str) -> str:
    return conv.project.names.name(name)


# --- inline TVF ------------------------------------------------------------------------------

def inline_tvf(conv, node, h) -> str:
    from migrator.plsql.statements import _parse

    toks = node.tokens[h.body_start:]
    while toks and toks[-1].text == ";":
        toks = toks[:-1]
    if not toks or word(toks[0]) != "RETURN":
        raise Unconvertible(RULE, "inline table-valued function without RETURN query")
    toks = toks[1:]
    while toks and toks[0].text == "(" and toks[-1].text == ")" and _matching(toks) == len(toks) - 1:
        toks = toks[1:-1]
    params, ptypes = _params(conv, h)
    _options(conv, h)
    stmt = Statement(node.span, node.text, tokens=toks, keyword=word(toks[0]) if toks else "")
    tree = _parse(conv, stmt)
    if not isinstance(tree, exp.Query):
        raise Unconvertible(RULE, "inline table-valued function body is not a query")
    original = tree.copy()  # types are read from the T-SQL tree; conversion reports unconvertible SQL first
    text = conv.sql(tree)
    cols = _query_columns(conv, original, Typer(conv, ptypes))
    attrs = [(_attr(conv, n), oracle_attr_type(conv, t)) for n, t in cols]
    row, tab = _emit_types(conv, h, attrs)
    name = _names(conv, h)[0]
    args = ", ".join(f"r.{a}" for a, _t in attrs)
    body = (f"{IND}FOR r IN (\n{indent(text, IND * 2)}\n{IND}) LOOP\n"
            f"{IND * 2}PIPE ROW ({row}({args}));\n{IND}END LOOP;\n{IND}RETURN;\n")
    conv.ctx.fixed(RULE, None, "inline table-valued function → pipelined function; call it as TABLE(fn(...))")
    return f"{_head(conv, h, params, tab)}{conv.declarations()}BEGIN\n{body}END {name};\n/"


def _matching(toks) -> int:
    depth = 0
    for i, t in enumerate(toks):
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if depth == 0:
            return i
    return -1


# --- multi-statement TVF ----------------------------------------------------------------------

@dataclass
class TvfState:
    var: str  # casefold T-SQL name of @t
    row: str
    columns: list[tuple[str, str, exp.Expression | None]] = field(default_factory=list)  # (T-SQL, Oracle, default)
    collect: bool = False  # rows kept in a local collection, piped at RETURN
    coll: str = "v_result"


def multi_tvf(conv, node, h) -> str:
    from migrator.frontend.dialect import MigrateTSQL

    import sqlglot

    params, _ptypes = _params(conv, h)
    _options(conv, h)
    try:
        schema = sqlglot.parse_one(f"CREATE TABLE t {h.returns_table_text}", dialect=MigrateTSQL).this
    except Exception as e:  # noqa: BLE001 - any parse failure: the routine is a TODO
        raise Unconvertible(RULE, f"RETURNS @{h.returns_table_var} TABLE definition not understood: {e}")
    cols = []
    for cdef in schema.expressions:
        if not isinstance(cdef, exp.ColumnDef):
            conv.ctx.note(RULE, None, f"constraint on the returned table @{h.returns_table_var} not enforced "
                                      "(rows are piped as they are inserted)")
            continue
        default = None
        for c in cdef.constraints:
            k = c.args.get("kind")
            if isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
                raise Unconvertible(RULE, f"IDENTITY column {cdef.name} in the returned table")
            if isinstance(k, exp.ComputedColumnConstraint):
                raise Unconvertible(RULE, f"computed column {cdef.name} in the returned table")
            if isinstance(k, exp.DefaultColumnConstraint):
                default = k.this
            elif isinstance(k, (exp.PrimaryKeyColumnConstraint, exp.UniqueColumnConstraint,
                                exp.CheckColumnConstraint)):
                conv.ctx.note(RULE, None, f"constraint on column {cdef.name} of the returned table not enforced")
        kind = cdef.args.get("kind")
        cols.append((cdef.name, conv.oracle_type(kind.meta.get("tsql") or kind.sql(dialect="tsql")), default))
    attrs = [(_attr(conv, n), t) for n, t, _d in cols]
    row, tab = _emit_types(conv, h, attrs)
    state = TvfState(h.returns_table_var.casefold(), row, cols)
    state.collect = _needs_collection(node.tokens[h.body_start:], state.var)
    conv.tvf = state
    conv.ctx.tvf_tables = {state.var: state.coll} if state.collect else {}
    body_nodes = conv.segment(node.tokens[h.body_start:])
    if len(body_nodes) == 1 and isinstance(body_nodes[0], Block):
        body_nodes = body_nodes[0].body
    conv.prescan(node.text)
    conv.body_nodes = body_nodes  # temp_tables: table variables as collections (usage scan)
    if state.collect:
        conv.scope.declarations.insert(0, f"{state.coll} {tab} := {tab}();")
    body = conv.block(body_nodes, 1)
    if not body.rstrip().endswith("RETURN;"):
        body += _return(conv, 1)
    name = _names(conv, h)[0]
    conv.ctx.fixed(RULE, None, "multi-statement table-valued function → pipelined function")
    return f"{_head(conv, h, params, tab)}{conv.declarations()}BEGIN\n{body}END {name};\n/"


def _needs_collection(toks, var: str) -> bool:
    """Pipe rows as they are inserted unless the body reads or changes @t after inserting."""
    for i, t in enumerate(toks):
        name = toks[i + 1].text if t.text == "@" and i + 1 < len(toks) else t.text[1:] if t.text.startswith("@") \
            else None
        if name is None or name.casefold() != var:
            continue
        j = i - 1
        if j >= 0 and word(toks[j]) == "INTO":
            j -= 1
        if j >= 0 and word(toks[j]) == "INSERT":
            continue
        if j >= 0 and word(toks[j]) == "RETURNS":
            continue
        return True
    return False


def _return(conv, depth: int) -> str:
    pad = IND * depth
    st = conv.tvf
    if st.collect:
        return (f"{pad}FOR i IN 1 .. {st.coll}.COUNT LOOP\n{pad}{IND}PIPE ROW ({st.coll}(i));\n"
                f"{pad}END LOOP;\n{pad}RETURN;\n")
    return f"{pad}RETURN;\n"


def _insert(conv, node, depth: int) -> str | None:
    return insert_into_collection(conv, node, depth, conv.tvf)


def insert_into_collection(conv, node, depth: int, st: TvfState) -> str | None:
    """``INSERT INTO @t [(cols)] VALUES … | SELECT …`` where @t is held in a collection of
    object type ``st.row`` (a TVF's returned table, or a table variable with
    ``temp_tables: collection``): one object per row, piped or appended (``_put``)."""
    from migrator.plsql.statements import _parse

    tree = _parse(conv, node)
    target = tree.this
    cols = None
    if isinstance(target, exp.Schema):
        cols = [c.name for c in target.expressions]
        target = target.this
    if not (isinstance(tree, exp.Insert) and isinstance(target, exp.Table) and isinstance(target.this, exp.Parameter)
            and target.this.name.lstrip("@").casefold() == st.var):
        return None
    if tree.args.get("returning") is not None:
        raise Unconvertible(RULE, f"INSERT … OUTPUT into @{st.var}: rewrite by hand")
    names = [c[0].casefold() for c in st.columns]
    cols = cols or [c[0] for c in st.columns]
    for c in cols:
        if c.casefold() not in names:
            raise Unconvertible(RULE, f"column {c} is not in the returned table")
    pad = IND * depth
    src = tree.expression
    if isinstance(src, exp.Values):
        rows = [list(t.expressions) for t in src.expressions]
        if any(v.find(exp.Select, exp.Subquery, exp.Exists) for r in rows for v in r):
            src = exp.union(*[exp.select(*[v.copy() for v in r]) for r in rows], distinct=False) \
                if len(rows) > 1 else exp.select(*[v.copy() for v in rows[0]])
        else:
            rc = f"{pad}v_rowcount := {len(rows)};\n" if conv.scope.uses_rowcount else ""  # @@ROWCOUNT after it
            return "".join(_put(conv, _row_args(conv, st, cols, [conv.expr(v) for v in r]), depth, st)
                           for r in rows) + rc
    if not isinstance(src, exp.Query):
        raise Unconvertible(RULE, f"INSERT into @{st.var} form not understood")
    first = src
    while isinstance(first, exp.SetOperation):
        first = first.this
    if not isinstance(first, exp.Select) or any(isinstance(s, exp.Star) for s in first.selects):
        raise Unconvertible(RULE, f"INSERT into @{st.var} … SELECT *: list the columns")
    if len(first.selects) != len(cols):
        raise Unconvertible(RULE, f"INSERT into @{st.var}: column count does not match")
    outs, seen = [], set()
    sels = []
    for i, s in enumerate(first.selects):
        n = s.alias_or_name if isinstance(s, (exp.Alias, exp.Column)) else ""
        if not n or n.casefold() in seen:
            n = f"c{i + 1}"
            s = exp.alias_(s.this if isinstance(s, exp.Alias) else s, n)
        seen.add(n.casefold())
        outs.append(n)
        sels.append(s)
    first.set("expressions", sels)
    conv.scope.temp_counter += 1
    rec = f"r{conv.scope.temp_counter}"
    text = conv.sql(src)
    vals = [f"{rec}.{_attr(conv, n)}" for n in outs]
    count, counted = "", ""
    if conv.scope.uses_rowcount:  # @@ROWCOUNT after the INSERT: the rows it added
        count, counted = f"{pad}v_rowcount := 0;\n", f"{pad}{IND}v_rowcount := v_rowcount + 1;\n"
    return (f"{count}{pad}FOR {rec} IN (\n{indent(text, pad + IND)}\n{pad}) LOOP\n"
            f"{_put(conv, _row_args(conv, st, cols, vals), depth + 1, st)}{counted}{pad}END LOOP;\n")


def _row_args(conv, st, cols, values: list[str]) -> str:
    given = {c.casefold(): v for c, v in zip(cols, values)}
    args = []
    for name, _t, default in st.columns:
        v = given.get(name.casefold())
        if v is None:
            v = conv.expr(default) if default is not None else "NULL"
        args.append(v)
    return f"{st.row}({', '.join(args)})"


def _put(conv, obj: str, depth: int, st: TvfState | None = None) -> str:
    pad = IND * depth
    st = st or conv.tvf
    if st.collect:
        return f"{pad}{st.coll}.EXTEND;\n{pad}{st.coll}({st.coll}.LAST) := {obj};\n"
    return f"{pad}PIPE ROW ({obj});\n"


def _hook(conv, node, depth):
    if getattr(conv, "tvf", None) is None or not isinstance(node, Statement):
        return None
    if node.keyword == "RETURN":
        if len(node.tokens) > 1:
            raise Unconvertible(RULE, "RETURN with a value in a table-valued function")
        return _return(conv, depth)
    if node.keyword == "INSERT":
        return _insert(conv, node, depth)
    if node.keyword in {"UPDATE", "DELETE"}:
        toks = node.tokens
        i = 1
        if node.keyword == "DELETE" and i < len(toks) and word(toks[i]) == "FROM":
            i += 1
        t = toks[i + 1].text if i + 1 < len(toks) and toks[i].text == "@" else toks[i].text[1:] \
            if i < len(toks) and toks[i].text.startswith("@") else None
        if t is not None and t.casefold() == conv.tvf.var:
            raise Unconvertible(RULE, f"{node.keyword} of the returned table @{t}: rows already collected cannot "
                                      "be changed in SQL; rewrite the loop by hand")
    return None


def tvf(conv, node, h) -> str:
    if h.returns_table_var:
        return multi_tvf(conv, node, h)
    return inline_tvf(conv, node, h)


converter.ROUTINE_HANDLERS["tvf"] = tvf
converter.PRE_HOOKS.insert(0, _hook)  # before the temp-table hook: @t here is the returned table
