"""Expression type inference over T-SQL trees: what family of value an expression yields.

``infer(node, ctx)`` returns ``"string" | "number" | "integer" | "date" | "binary" | "guid"``
or ``None`` when it cannot be known (never a guess). ``"integer"`` is the integer subset of
``"number"`` (``INT``, ``BIGINT``, ``SMALLINT``, ``TINYINT``, ``BIT``, integer literals): rules
that need "numeric" test ``family in NUMERIC``.

Sources, in order: literals; ``CAST``/``CONVERT`` targets; known function result types;
``CASE``/``IIF`` branches; arithmetic; columns resolved through the catalog using the tables
and aliases of the enclosing ``SELECT``/``UPDATE``/``DELETE`` (derived tables and CTEs by
their select expressions); variables and parameters through ``ctx.variables`` (a dict
name → T-SQL type text that the procedural converter fills in).

``nullable(node, ctx)`` answers True/False/None (unknown) with the same resolution.

Rules usually run this in ``order="pre"`` transforms, while the tree is still T-SQL; it also
understands the Oracle types (``OracleType``) rule TS0100 leaves behind.
"""

from __future__ import annotations

import re

from sqlglot import exp

from migrator.catalog import type_family

STRING, NUMBER, INTEGER, DATE, BINARY, GUID = "string", "number", "integer", "date", "binary", "guid"
NUMERIC = {NUMBER, INTEGER}

_INT_TYPES = {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BIT", "UTINYINT"}

# function names (upper case) -> result family; "arg" = the family of the first argument
_FUNCTION_TYPES = {
    STRING: """LEFT RIGHT SUBSTRING SUBSTR UPPER LOWER LTRIM RTRIM TRIM REPLACE REVERSE REPLICATE SPACE STR
        CHAR NCHAR CHR NCHR QUOTENAME CONCAT CONCAT_WS FORMAT DATENAME STUFF TRANSLATE SOUNDEX STRING_AGG
        TO_CHAR RPAD LPAD USER_NAME SUSER_SNAME SUSER_NAME HOST_NAME APP_NAME DB_NAME OBJECT_NAME
        ERROR_MESSAGE ERROR_PROCEDURE STRING_ESCAPE FORMATMESSAGE SYS_CONTEXT NVARCHAR2""",
    INTEGER: """LEN LENGTH DATALENGTH LENGTHB CHARINDEX PATINDEX INSTR ASCII UNICODE DATEDIFF DATEDIFF_BIG
        DATEPART YEAR MONTH DAY COUNT COUNT_BIG ROW_NUMBER RANK DENSE_RANK NTILE SIGN ISNUMERIC ISDATE
        OBJECT_ID DB_ID COL_LENGTH ERROR_NUMBER ERROR_LINE ERROR_SEVERITY ERROR_STATE CHECKSUM
        BINARY_CHECKSUM DIFFERENCE GROUPING GROUPING_ID""",
    NUMBER: """RAND PI SQRT SQUARE EXP LOG LOG10 LN POWER SIN COS TAN ASIN ACOS ATAN ATN2 ATAN2 COT DEGREES
        RADIANS STDEV STDEVP VAR VARP STDDEV VARIANCE PERCENT_RANK CUME_DIST MONTHS_BETWEEN""",
    DATE: """GETDATE SYSDATETIME GETUTCDATE SYSUTCDATETIME SYSDATETIMEOFFSET CURRENT_TIMESTAMP DATEADD
        EOMONTH DATEFROMPARTS DATETIMEFROMPARTS SMALLDATETIMEFROMPARTS DATETIME2FROMPARTS DATETRUNC
        SYSTIMESTAMP SYSDATE TRUNC_DATE LAST_DAY ADD_MONTHS TO_DATE TO_TIMESTAMP SWITCHOFFSET
        TODATETIMEOFFSET""",
    GUID: "NEWID NEWSEQUENTIALID",
    BINARY: "HASHBYTES COMPRESS DECOMPRESS SYS_GUID",
}
FUNCTION_TYPES: dict[str, str] = {n: fam for fam, names in _FUNCTION_TYPES.items() for n in names.split()}
# result has the type of an argument: (index of the argument, or "all" = first known one)
_ARG_TYPED = {"ISNULL": "all", "COALESCE": "all", "NULLIF": 0, "NVL": "all", "ABS": 0, "CEILING": 0, "CEIL": 0,
              "FLOOR": 0, "ROUND": 0, "MIN": 0, "MAX": 0, "SUM": 0, "GREATEST": "all", "LEAST": "all",
              "FIRST_VALUE": 0, "LAST_VALUE": 0, "LAG": 0, "LEAD": 0, "CHOOSE": "rest", "IIF": "rest"}

_CLASS_TYPES: list[tuple[type, str]] = [
    (exp.CurrentTimestamp, DATE), (exp.CurrentDate, DATE), (exp.DateAdd, DATE), (exp.LastDay, DATE),
    (exp.DateFromParts, DATE), (exp.TimestampFromParts, DATE), (exp.TimestampTrunc, DATE),
    (exp.Length, INTEGER), (exp.StrPosition, INTEGER), (exp.DateDiff, INTEGER), (exp.Extract, INTEGER),
    (exp.Year, INTEGER), (exp.Month, INTEGER), (exp.Day, INTEGER), (exp.Count, INTEGER),
    (exp.Ascii, INTEGER), (exp.Unicode, INTEGER), (exp.RowNumber, INTEGER),
    (exp.Upper, STRING), (exp.Lower, STRING), (exp.Trim, STRING), (exp.Replace, STRING),
    (exp.Substring, STRING), (exp.Left, STRING), (exp.Right, STRING), (exp.Concat, STRING),
    (exp.ConcatWs, STRING), (exp.Repeat, STRING), (exp.Space, STRING), (exp.Chr, STRING),
    (exp.Reverse, STRING), (exp.Stuff, STRING), (exp.GroupConcat, STRING), (exp.TimeToStr, STRING),
    (exp.CurrentUser, STRING), (exp.Translate, STRING), (exp.Soundex, STRING),
    (exp.Uuid, GUID), (exp.Rand, NUMBER), (exp.Pi, NUMBER), (exp.Sqrt, NUMBER), (exp.Exp, NUMBER),
    (exp.Ln, NUMBER), (exp.Log, NUMBER), (exp.Pow, NUMBER), (exp.Avg, NUMBER), (exp.Stddev, NUMBER),
]


# --- type text -> family -------------------------------------------------------------------

def family_of_type(type_sql: str | None) -> str | None:
    """Family of a T-SQL (or Oracle) type text; integer types give ``"integer"``."""
    if not type_sql:
        return None
    text = " ".join(type_sql.upper().replace("[", "").replace("]", "").split())
    base = text.split("(")[0].strip().split(".")[-1]
    if base in _INT_TYPES:
        return INTEGER
    if base in {"NUMERIC", "DECIMAL"}:
        m = re.search(r"\(\s*\d+\s*(?:,\s*(\d+)\s*)?\)", text)
        return INTEGER if m and (m.group(1) or "0") == "0" else NUMBER
    if base == "NUMBER":  # Oracle, after TS0100: NUMBER(p) / NUMBER(p,0) are integers
        m = re.search(r"\(\s*\d+\s*(?:,\s*(\d+)\s*)?\)", text)
        return INTEGER if m and (m.group(1) or "0") == "0" else NUMBER
    if base in {"VARCHAR2", "NVARCHAR2", "CLOB", "NCLOB", "XMLTYPE"}:
        return STRING
    if base in {"BINARY_DOUBLE", "BINARY_FLOAT"}:
        return NUMBER
    if base in {"RAW", "BLOB"}:
        return BINARY
    if base.startswith("TIMESTAMP") or base.startswith("DATETIME"):
        return DATE
    return type_family(text)


def _datatype_family(dt: exp.Expression, ctx=None) -> str | None:
    from migrator.backend.nodes import OracleType

    if isinstance(dt, OracleType):
        return family_of_type(dt.name)
    if isinstance(dt, exp.DataType):
        text = dt.meta.get("tsql") or dt.sql(dialect="tsql")
        fam = family_of_type(text)
        if fam is None and ctx is not None and getattr(ctx, "catalog", None) is not None:
            alias = ctx.catalog.alias_type(text.strip("[]"))
            if alias:
                return family_of_type(alias.get("base"))
        return fam
    return None


# --- scope: the tables a column may come from --------------------------------------------

def _scope_of(node: exp.Expression) -> exp.Expression | None:
    p = node.parent
    while p is not None and not isinstance(p, (exp.Select, exp.Update, exp.Delete)):
        p = p.parent
    return p


def _sources(scope: exp.Expression) -> list[tuple[str, exp.Expression]]:
    """(alias-or-name casefolded, Table or Subquery) for every source in the scope's FROM/JOINs."""
    items: list[exp.Expression] = []
    frm = scope.args.get("from_") or scope.args.get("from")
    if frm is not None:
        items.append(frm.this)
        items.extend(frm.expressions or [])
    for j in scope.args.get("joins") or []:
        items.append(j.this)
    if isinstance(scope, (exp.Update, exp.Delete)) and isinstance(scope.this, exp.Table):
        items.append(scope.this)
    out = []
    stack = list(items)
    while stack:  # nested joins in parentheses: (a JOIN (b JOIN c ON ...) ON ...)
        it = stack.pop(0)
        if isinstance(it, exp.Table):
            out.append(((it.alias or it.name).casefold(), it))
            if it.alias:
                out.append((it.name.casefold(), it))
            stack.extend(j.this for j in it.args.get("joins") or [])
        elif isinstance(it, exp.Subquery) and it.alias:
            out.append((it.alias.casefold(), it))
        elif isinstance(it, exp.Subquery) and not it.alias or isinstance(it, exp.Paren):
            inner = it.this
            if isinstance(inner, exp.Select):
                continue
            stack.append(inner)
        elif isinstance(it, exp.Join):
            stack.append(it.this)
        if isinstance(it, (exp.Subquery, exp.Paren)):
            stack.extend(j.this for j in it.args.get("joins") or [])
    return out


def _cte(scope: exp.Expression, name: str) -> exp.Expression | None:
    p = scope
    while p is not None:
        w = p.args.get("with_") or p.args.get("with")
        if w is not None:
            for cte in w.expressions:
                if cte.alias.casefold() == name.casefold():
                    return cte
        p = p.parent
    return None


_RESOLVING: set = set()


def _query_column(query: exp.Expression, column: str, ctx, want: str):
    """A derived table's or CTE's column, from its select expression. A column met again while
    it is being resolved (a recursive CTE's own column) is unknown: without this guard the
    recursion branches at every operator and never ends in practice."""
    key = (id(query), column.casefold(), want)
    if key in _RESOLVING:
        return None
    _RESOLVING.add(key)
    try:
        return _query_column_of(query, column, ctx, want)
    finally:
        _RESOLVING.discard(key)


def _query_column_of(query: exp.Expression, column: str, ctx, want: str):
    q = query.this if isinstance(query, (exp.Subquery, exp.CTE)) else query
    while isinstance(q, exp.SetOperation):
        q = q.this
    if not isinstance(q, exp.Select):
        return None
    for sel in q.selects:
        if sel.alias_or_name.casefold() == column.casefold():
            inner = sel.this if isinstance(sel, exp.Alias) else sel
            return infer(inner, ctx) if want == "type" else nullable(inner, ctx)
    return None


def _column_info(col: exp.Column, ctx, want: str):
    """Type family (want='type') or nullability (want='null') of a column reference."""
    catalog = getattr(ctx, "catalog", None)
    scope = _scope_of(col)
    if scope is None:
        return _create_column(col, want)
    while scope is not None:
        sources = _sources(scope)
        qual = col.table.casefold() if col.table else None
        candidates = [s for k, s in sources if k == qual] if qual else [s for _, s in sources]
        results = []
        for src in candidates:
            if isinstance(src, exp.Subquery):
                r = _query_column(src, col.name, ctx, want)
                if r is not None:
                    results.append(r)
                continue
            cte = _cte(scope, src.name) if not src.db else None
            if cte is not None:
                r = _query_column(cte, col.name, ctx, want)
                if r is not None:
                    results.append(r)
                continue
            if catalog is None:
                continue
            info = catalog.column(src.name, col.name)
            if info is None:
                continue
            if want == "type":
                fam = family_of_type(info.get("type"))
                if fam is not None:
                    results.append(fam)
            else:
                results.append(info.get("nullable", True))
        if len(set(map(str, results))) == 1 and (qual or len(results) == 1):
            return results[0]
        if results or qual:
            return None  # ambiguous, or qualified but unknown: do not guess
        scope = _scope_of(scope)  # correlated reference: look in the outer query
    return None


def _variable(node: exp.Expression, ctx) -> str | None:
    """Type family of a T-SQL variable or parameter, from ``ctx.variable_types`` (procedural scope)."""
    types = getattr(ctx, "variable_types", None) or {}
    name = node.name if isinstance(node, (exp.Parameter, exp.Var)) else None
    if not name or not types:
        return None
    name = name.lstrip("@").casefold()
    for k, v in types.items():
        if k.lstrip("@").casefold() == name:
            return family_of_type(v) if v else None
    return None


def _create_column(col: exp.Column, want: str):
    """A column referenced inside CREATE TABLE (computed column, CHECK): its own definition."""
    p = col.parent
    while p is not None and not isinstance(p, exp.Schema):
        p = p.parent
    if p is None:
        return None
    for cdef in p.expressions:
        if isinstance(cdef, exp.ColumnDef) and cdef.name.casefold() == col.name.casefold():
            kind = cdef.args.get("kind")
            if want == "type":
                return _datatype_family(kind) if kind is not None else None
            return not any(isinstance(c.args.get("kind"), (exp.NotNullColumnConstraint,
                                                           exp.PrimaryKeyColumnConstraint))
                           for c in cdef.constraints)
    return None


# --- inference --------------------------------------------------------------------------------

def _arith(a: str | None, b: str | None, op: type) -> str | None:
    if a is None or b is None:
        if op is exp.Add and STRING in (a, b) and None in (a, b):
            return None
        return None
    if a in NUMERIC and b in NUMERIC:
        return INTEGER if a == b == INTEGER else NUMBER
    if op in (exp.Add, exp.Sub) and DATE in (a, b) and (a in NUMERIC or b in NUMERIC):
        return DATE
    if op is exp.Add and a == STRING and b == STRING:
        return STRING
    if op is exp.Sub and a == b == DATE:
        return NUMBER
    if op is exp.Add and STRING in (a, b) and (a in NUMERIC or b in NUMERIC):
        return NUMBER  # T-SQL converts the string to the number (precedence)
    return None


_DEPTH = [0]


def infer(node: exp.Expression | None, ctx=None) -> str | None:
    """The family of values ``node`` yields, or None when unknown."""
    if node is None:
        return None
    if _DEPTH[0] > 25:  # a recursive CTE refers to itself: its type is not knowable this way
        return None
    _DEPTH[0] += 1
    try:
        return _infer(node, ctx)
    finally:
        _DEPTH[0] -= 1


def _infer(node: exp.Expression, ctx=None) -> str | None:
    if node.meta.get("type_family"):
        return node.meta["type_family"]
    if isinstance(node, exp.Literal):
        if node.is_string:
            return STRING
        return INTEGER if re.fullmatch(r"\d+", node.name) else NUMBER
    if isinstance(node, exp.National):
        return STRING
    if isinstance(node, (exp.HexString, exp.ByteString)):
        return BINARY
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, (exp.Paren, exp.Alias, exp.Window)):
        return infer(node.this, ctx)
    if isinstance(node, exp.Neg):
        return infer(node.this, ctx)
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return _datatype_family(node.args.get("to"), ctx)
    if isinstance(node, exp.Convert):
        return _datatype_family(node.this, ctx)
    if isinstance(node, exp.Column):
        return _column_info(node, ctx, "type")
    if isinstance(node, (exp.Parameter, exp.Var)):
        return _variable(node, ctx)
    if isinstance(node, exp.DPipe):
        return STRING
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        return _arith(infer(node.this, ctx), infer(node.expression, ctx), type(node))
    if isinstance(node, exp.Mod):
        return _arith(infer(node.this, ctx), infer(node.expression, ctx), exp.Mul)
    if isinstance(node, exp.Case):
        fams = {infer(i.args.get("true"), ctx) for i in node.args.get("ifs") or []}
        fams.add(infer(node.args.get("default"), ctx) if node.args.get("default") is not None else None)
        return _common(fams)
    if isinstance(node, exp.If):
        return _common({infer(node.args.get("true"), ctx), infer(node.args.get("false"), ctx)})
    if isinstance(node, exp.Subquery):
        return _query_column_type(node, ctx)
    if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)):
        return _common({infer(a, ctx) for a in [node.this, *node.expressions]})
    if isinstance(node, exp.Nullif):
        return infer(node.this, ctx)
    if isinstance(node, (exp.Abs, exp.Ceil, exp.Floor, exp.Round, exp.Min, exp.Max, exp.Sum)):
        inner = infer(node.this, ctx)
        if isinstance(node, exp.Round) and inner == INTEGER:
            return INTEGER
        if isinstance(node, (exp.Ceil, exp.Floor)) and inner in NUMERIC:
            return inner
        return inner
    if isinstance(node, (exp.Predicate, exp.Not, exp.And, exp.Or)):
        return None
    for cls, fam in _CLASS_TYPES:
        if isinstance(node, cls):
            return fam
    if isinstance(node, exp.Func):
        name = _func_name(node)
        if name in FUNCTION_TYPES:
            return FUNCTION_TYPES[name]
        how = _ARG_TYPED.get(name)
        args = _func_args(node)
        if how == "all":
            return _common({infer(a, ctx) for a in args})
        if how == "rest":
            return _common({infer(a, ctx) for a in args[1:]})
        if isinstance(how, int) and len(args) > how:
            return infer(args[how], ctx)
        if name in (getattr(getattr(ctx, "catalog", None), "routines", None) or {}):
            ret = ctx.catalog.routines[name].get("returns") if isinstance(ctx.catalog.routines[name], dict) else None
            return family_of_type(ret) if isinstance(ret, str) else None
    return None


def _common(fams: set) -> str | None:
    fams = {f for f in fams if f is not None}
    if fams == {INTEGER, NUMBER}:
        return NUMBER
    return fams.pop() if len(fams) == 1 else None


def _query_column_type(sub: exp.Subquery, ctx) -> str | None:
    q = sub.this
    if isinstance(q, exp.Select) and len(q.selects) == 1:
        sel = q.selects[0]
        return infer(sel.this if isinstance(sel, exp.Alias) else sel, ctx)
    return None


def _func_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous) or node.meta.get("tsql_call"):
        return str(node.name).upper()
    return node.sql_name().upper() if hasattr(node, "sql_name") else type(node).__name__.upper()


def _func_args(node: exp.Func) -> list[exp.Expression]:
    if isinstance(node, exp.Anonymous) or node.meta.get("tsql_call"):
        return list(node.expressions)
    args = [node.this] if isinstance(node.this, exp.Expression) else []
    return args + [e for e in node.expressions]


# --- nullability ------------------------------------------------------------------------------

def nullable(node: exp.Expression | None, ctx=None) -> bool | None:
    """True when ``node`` may be NULL, False when it cannot, None when unknown."""
    if node is None:
        return None
    if isinstance(node, exp.Null):
        return True
    if isinstance(node, (exp.Literal, exp.National, exp.HexString, exp.CurrentTimestamp)):
        return False
    if isinstance(node, (exp.Paren, exp.Alias)):
        return nullable(node.this, ctx)
    if isinstance(node, exp.Column):
        return _column_info(node, ctx, "null")
    if isinstance(node, (exp.Cast, exp.Trim, exp.Upper, exp.Lower)):
        return nullable(node.this, ctx)
    if isinstance(node, exp.Convert):
        return nullable(node.expression, ctx)
    if isinstance(node, exp.Coalesce):
        vals = [nullable(a, ctx) for a in [node.this, *node.expressions]]
        return False if False in vals else (True if all(v is True for v in vals) else None)
    if isinstance(node, (exp.Concat,)):
        return False
    if isinstance(node, (exp.Add, exp.DPipe)):
        a, b = nullable(node.this, ctx), nullable(node.expression, ctx)
        if a is True or b is True:
            return True
        return False if a is False and b is False else None
    if isinstance(node, exp.Case):
        vals = [nullable(i.args.get("true"), ctx) for i in node.args.get("ifs") or []]
        default = node.args.get("default")
        vals.append(True if default is None else nullable(default, ctx))
        return True if True in vals else (False if all(v is False for v in vals) else None)
    return None
