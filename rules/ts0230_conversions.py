"""Convert CAST, CONVERT (with style codes), TRY_CAST and TRY_CONVERT.

T-SQL → Oracle::

    CAST(x AS VARCHAR)              → CAST(x AS VARCHAR2(30 CHAR))   (T-SQL's default length in CAST is 30,
                                                                     for CHAR/NCHAR/NVARCHAR too)
    CAST(n AS INT)                  → CAST(TRUNC(n) AS NUMBER(10))   (T-SQL truncates, Oracle rounds)
    CAST(m AS INT)                  → CAST(m AS NUMBER(10))          (money/smallmoney: T-SQL rounds too)
    CAST(n AS BIT)                  → SIGN(ABS(n))                   (any non-zero is 1; NULL stays NULL;
                                                                     strings 'TRUE'/'FALSE' are 1/0)
    CAST(dt AS DATE)                → TRUNC(dt)                      (an Oracle DATE keeps the time of day)
    CAST('2020-01-31' AS DATE)      → DATE '2020-01-31'
    CONVERT(INT, x)                 → CAST(x AS NUMBER(10))
    CONVERT(VARCHAR(10), d, 120)    → SUBSTR(TO_CHAR(d, 'YYYY-MM-DD HH24:MI:SS'), 1, 10)
    CONVERT(DATETIME, s, 112)       → TO_TIMESTAMP(s, 'YYYYMMDD')
    TRY_CAST(x AS INT)              → CAST(x AS NUMBER(10) DEFAULT NULL ON CONVERSION ERROR)
    TRY_CONVERT(DATE, s, 103)       → CAST(s AS DATE DEFAULT NULL ON CONVERSION ERROR, 'DD/MM/YYYY')

Date style codes supported (date → string with ``TO_CHAR``, string → date with
``TO_DATE``/``TO_TIMESTAMP``); 2-digit-year forms are the code minus 100:

====  =============================  ====  ==================================
101   MM/DD/YYYY                     111   YYYY/MM/DD
102   YYYY.MM.DD                     112   YYYYMMDD
103   DD/MM/YYYY                     113   DD Mon YYYY HH24:MI:SS:FF3
104   DD.MM.YYYY                     114   HH24:MI:SS:FF3
105   DD-MM-YYYY                     120   YYYY-MM-DD HH24:MI:SS
106   DD Mon YYYY                    121   YYYY-MM-DD HH24:MI:SS.FF3
107   Mon DD, YYYY                   23    YYYY-MM-DD
108   HH24:MI:SS                     126   YYYY-MM-DD"T"HH24:MI:SS.FF3
110   MM-DD-YYYY                     0/100 Mon DD YYYY HH:MIAM (note: T-SQL pads the day with a blank)
====  =============================  ====  ==================================

A decimal or float value stored into an integer column (``INSERT … SELECT``/``VALUES``,
``UPDATE … SET``) is truncated by T-SQL and rounded by Oracle: it gets ``TRUNC`` when both
types are known (money rounds in both and is left alone). Variables: the procedural rules.

Month names are English (``NLS_DATE_LANGUAGE``), as T-SQL's default language. Any other
style is marked TODO. ``CAST`` of a date to a string without a style uses T-SQL's default
style (0 for datetime, 23 for date). ``CAST`` of a non-literal string to a date depends on
Oracle's ``NLS_DATE_FORMAT``: a NOTE says so.
"""

from sqlglot import exp

from migrator.backend.functions import call, date_literal, in_place, lit
from migrator.rulebook import define, transform
from migrator.typing import DATE, INTEGER, NUMERIC, STRING, family_of_type, infer
from rules.typetext import base_type, type_text

RULE = define("TS0230", "functions.conversions", "functions", __doc__)

STYLES = {
    0: "Mon DD YYYY HH:MIAM", 100: "Mon DD YYYY HH:MIAM", 101: "MM/DD/YYYY", 102: "YYYY.MM.DD",
    103: "DD/MM/YYYY", 104: "DD.MM.YYYY", 105: "DD-MM-YYYY", 106: "DD Mon YYYY", 107: "Mon DD, YYYY",
    108: "HH24:MI:SS", 110: "MM-DD-YYYY", 111: "YYYY/MM/DD", 112: "YYYYMMDD", 113: "DD Mon YYYY HH24:MI:SS:FF3",
    114: "HH24:MI:SS:FF3", 120: "YYYY-MM-DD HH24:MI:SS", 121: "YYYY-MM-DD HH24:MI:SS.FF3", 23: "YYYY-MM-DD",
    126: 'YYYY-MM-DD"T"HH24:MI:SS.FF3', 8: "HH24:MI:SS", 20: "YYYY-MM-DD HH24:MI:SS",
    21: "YYYY-MM-DD HH24:MI:SS.FF3", 24: "HH24:MI:SS", 25: "YYYY-MM-DD HH24:MI:SS.FF3", 13: "DD Mon YYYY HH24:MI:SS:FF3",
    14: "HH24:MI:SS:FF3",
}
for _k in (1, 2, 3, 4, 5, 6, 7, 10, 11, 12):
    STYLES[_k] = STYLES[_k + 100].replace("YYYY", "YY")
_LENGTH = {0: 19, 100: 19, 101: 10, 102: 10, 103: 10, 104: 10, 105: 10, 106: 11, 107: 12, 108: 8, 110: 10,
           111: 10, 112: 8, 113: 24, 114: 12, 120: 19, 121: 23, 23: 10, 126: 23, 8: 8, 20: 19, 21: 23, 24: 8,
           25: 23, 13: 24, 14: 12, 1: 8, 2: 8, 3: 8, 4: 8, 5: 8, 6: 9, 7: 10, 10: 8, 11: 8, 12: 6}

_STRING_TYPES = {exp.DataType.Type.VARCHAR, exp.DataType.Type.NVARCHAR, exp.DataType.Type.CHAR,
                 exp.DataType.Type.NCHAR}


def _type_len(dt: exp.DataType) -> int | None:
    for p in dt.expressions:
        inner = p.this if isinstance(p, exp.DataTypeParam) else p
        if isinstance(inner, exp.Literal) and inner.name.isdigit():
            return int(inner.name)
    return None


def _fmt_args(fmt: str) -> list[exp.Expression]:
    args = [lit(fmt)]
    if "Mon" in fmt:
        args.append(lit("NLS_DATE_LANGUAGE=ENGLISH"))
    return args


def to_char(x: exp.Expression, style: int, length: int | None, node, ctx) -> exp.Expression:
    fmt = STYLES[style]
    if "FF" in fmt:
        from migrator.backend.nodes import OracleType

        x = exp.Cast(this=x, to=OracleType.of("TIMESTAMP"))  # FF needs a TIMESTAMP
        x.meta["ts0230"] = True
    if style in (0, 100):
        ctx.note(RULE, node, "datetime style 0/100: T-SQL pads a one-digit day with a blank ('Jan  1'), "
                             "Oracle prints '01'")
    out = call("TO_CHAR", x, *_fmt_args(fmt))
    if length is not None and length < _LENGTH.get(style, 99):
        out = exp.Substring(this=out, start=lit(1), length=lit(length))
    return out


def _style(node, ctx) -> int | None:
    style = node.args.get("style")
    if style is None:
        return None
    if not (isinstance(style, exp.Literal) and style.name.isdigit()):
        ctx.todo(RULE, node, "CONVERT with a computed style code")
    return int(style.name)


def _target_family(dt: exp.DataType) -> str | None:
    return family_of_type(dt.meta.get("tsql") or dt.sql(dialect="tsql"))


def convert_to(x: exp.Expression, dt: exp.DataType, style: int | None, safe: bool, node, ctx) -> exp.Expression:
    source = infer(x, ctx)  # before x moves into the new node (out of its query's scope)
    out = _convert_to(x, dt, style, safe, node, ctx)
    if _target_family(dt) == DATE and not out.meta.get("type_family"):
        out.meta["type_family"] = DATE  # a DATE literal / TRUNC stays known as a date (recursive CTEs)
    if dt.this == exp.DataType.Type.DATE and not safe and source == STRING \
            and isinstance(out, (exp.Cast, exp.Anonymous)):
        fmt = out.expressions[1].name if isinstance(out, exp.Anonymous) and len(out.expressions) > 1 else None
        if fmt is None or "HH" in fmt:
            return exp.Trunc(this=out)  # T-SQL date has no time of day: an Oracle DATE would keep it
    return out


def _convert_to(x: exp.Expression, dt: exp.DataType, style: int | None, safe: bool, node, ctx) -> exp.Expression:
    target = _target_family(dt)
    source = infer(x, ctx)
    if dt.this in _STRING_TYPES and not dt.expressions and dt.this in (exp.DataType.Type.VARCHAR,
                                                                         exp.DataType.Type.NVARCHAR,
                                                                         exp.DataType.Type.CHAR,
                                                                         exp.DataType.Type.NCHAR):
        dt = dt.copy()
        dt.set("expressions", [exp.DataTypeParam(this=lit(30))])
        dt.meta["tsql"] = f"{dt.this.value}(30)"
    if style is not None and style not in STYLES and (target == DATE or source == DATE):
        ctx.todo(RULE, node, f"CONVERT style {style} is not supported: write the TO_CHAR/TO_DATE format by hand")
    if style is not None and target == STRING and source is None:
        if style in STYLES and style not in (0, 1, 2):
            source = DATE  # a date style code: the argument is a date
        else:
            ctx.todo(RULE, node, f"CONVERT style {style} of an argument of unknown type: check the catalog")
    if style not in (None, 0) and source in NUMERIC:
        ctx.todo(RULE, node, f"CONVERT style {style} of a number (thousands separators/decimals): use "
                             "TO_CHAR with an explicit format")
    if style is not None and style not in STYLES:
        ctx.todo(RULE, node, f"CONVERT style {style} is not supported: write the conversion by hand")
    if target == STRING and source == DATE:
        if style is None:
            tsql_src = _source_type(x, ctx)
            style = 23 if tsql_src == "DATE" else 0 if tsql_src in {"DATETIME", "SMALLDATETIME"} else None
            if style is None:
                ctx.note(RULE, node, "date converted to text without a style: Oracle uses NLS_DATE_FORMAT / "
                                     "NLS_TIMESTAMP_FORMAT")
                return _cast(x, dt, safe)
        if safe:
            ctx.note(RULE, node, "TRY_CONVERT of a date to text cannot fail in Oracle either: converted as CONVERT")
        return to_char(x, style, _type_len(dt), node, ctx)
    if dt.this == exp.DataType.Type.BIT and not safe:
        return _to_bit(x, source, dt, node, ctx)
    if dt.this == exp.DataType.Type.DATE and not safe and date_literal(x) is None:
        tsql_src = base_type(type_text(x, ctx))
        if source == DATE:
            return x if tsql_src == "DATE" else exp.Trunc(this=x)  # an Oracle DATE keeps the time of day
        if source is None:
            ctx.note(RULE, node, "CAST(x AS date) of an argument of unknown type → TRUNC(CAST(x AS DATE)): a "
                                 "string is read with NLS_DATE_FORMAT (give TO_DATE the format the data uses)")
            return exp.Trunc(this=_cast(x, dt, safe))
    if target == DATE and source in (STRING, None):
        lit_date = date_literal(x)
        if lit_date is not None and style in (None, 112, 12, 23, 120, 121, 126, 20, 21):
            return lit_date
        if style is not None and style in STYLES:
            fmt = STYLES[style]
            if safe:
                cast = _cast(x, dt, True)
                cast.set("format", lit(fmt))
                return cast
            is_ts = "FF" in fmt or dt.this not in (exp.DataType.Type.DATE,)
            return call("TO_TIMESTAMP" if is_ts else "TO_DATE", x, *_fmt_args(fmt))
        if source == STRING or style is None:
            ctx.note(RULE, node, "string converted to a date without a format: Oracle uses NLS_DATE_FORMAT; "
                                 "add the format the data uses (TO_DATE(x, 'YYYY-MM-DD'))")
        return _cast(x, dt, safe)
    if target == INTEGER and source != INTEGER and source is not None or (target == INTEGER and source is None
                                                                          and not isinstance(x, exp.Literal)):
        if base_type(type_text(x, ctx)) in MONEY_TYPES:
            return _cast(x, dt, safe)  # money → int rounds in T-SQL, as Oracle's CAST does
        if source in NUMERIC or source is None:
            return _cast(exp.Trunc(this=x), dt, safe) if not safe else _cast(x, dt, safe)
    return _cast(x, dt, safe)


MONEY_TYPES = {"MONEY", "SMALLMONEY"}


def _to_bit(x, source, dt, node, ctx) -> exp.Expression:
    """T-SQL bit conversion: any non-zero number is 1, NULL stays NULL, 'TRUE'/'FALSE' are 1/0."""
    if isinstance(x, exp.Literal) and not x.is_string:
        try:
            return lit(0 if float(x.name) == 0 else 1)
        except ValueError:
            pass
    if base_type(type_text(x, ctx)) == "BIT":
        return _cast(x, dt, False)
    if source == STRING:
        word = exp.Upper(this=exp.Trim(this=x.copy()))
        return exp.Case(ifs=[exp.If(this=exp.EQ(this=word, expression=lit("TRUE")), true=lit(1)),
                             exp.If(this=exp.EQ(this=word.copy(), expression=lit("FALSE")), true=lit(0))],
                        default=call("SIGN", exp.Abs(this=call("TO_NUMBER", x))))
    return call("SIGN", exp.Abs(this=x))


def _source_type(x, ctx) -> str | None:
    """The T-SQL base type name of a column argument, when the catalog knows it."""
    if isinstance(x, exp.Column) and getattr(ctx, "catalog", None) is not None:
        from migrator.typing import _scope_of, _sources

        scope = _scope_of(x)
        if scope is None:
            return None
        qual = x.table.casefold() if x.table else None
        for k, src in _sources(scope):
            if isinstance(src, exp.Table) and (qual is None or k == qual):
                t = ctx.catalog.column_type(src.name, x.name)
                if t:
                    return t.upper().split("(")[0].strip()
    if isinstance(x, (exp.Cast, exp.TryCast)):
        return (x.to.meta.get("tsql") or x.to.sql(dialect="tsql")).upper().split("(")[0]
    return None


def _cast(x, dt, safe) -> exp.Cast:
    c = exp.Cast(this=x, to=dt)
    if safe:
        c.set("default", exp.null())
    c.meta["ts0230"] = True
    return c


@transform(RULE, exp.Convert, order="pre")
def convert(node: exp.Convert, ctx):
    return in_place(convert_to(node.expression, node.this, _style(node, ctx), bool(node.args.get("safe")), node, ctx), node)


@transform(RULE, exp.TryCast, order="pre")
def try_cast(node: exp.TryCast, ctx):
    return in_place(convert_to(node.this, node.args["to"], None, True, node, ctx), node)


@transform(RULE, exp.Cast, order="pre")
def cast(node: exp.Cast, ctx):
    if node.meta.get("ts0230") or type(node) is not exp.Cast or not isinstance(node.args.get("to"), exp.DataType):
        return node
    if isinstance(node.this, exp.CurrentTimestamp):
        return node  # CAST(GETDATE() AS DATE): TS0200
    from migrator.backend.nodes import OracleType

    if isinstance(node.args["to"], OracleType) or node.args["to"].meta.get("oracle_ok"):
        return node
    return in_place(convert_to(node.this, node.args["to"], None, bool(node.args.get("default")), node, ctx), node)


# --- implicit conversions on assignment: a decimal stored into an integer column --------------

_INT_TYPES = {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT"}


def _truncated_on_assignment(value: exp.Expression, ctx) -> bool:
    """A value T-SQL truncates when it is stored into an integer column (decimal, float), where
    Oracle rounds. Money rounds in both; integers and unknown types are left alone."""
    if infer(value, ctx) != "number" or isinstance(value, exp.Null):
        return False
    for n in value.walk():
        if isinstance(n, (exp.Column, exp.Parameter, exp.Var, exp.Cast, exp.Convert)) \
                and base_type(type_text(n, ctx)) in MONEY_TYPES:
            return False
        if isinstance(n, exp.Avg) and infer(n.this, ctx) == INTEGER:
            return False  # AVG of integers is an integer (TS0251 truncates it)
    return True


def _int_column(table: exp.Table, column: str, ctx) -> bool:
    catalog = getattr(ctx, "catalog", None)
    info = catalog.column(table.name, column) if catalog is not None and isinstance(table, exp.Table) else None
    return bool(info) and base_type(info.get("type")) in _INT_TYPES


def _trunc_value(value: exp.Expression, ctx, node) -> exp.Expression:
    ctx.fixed(RULE, node, "decimal stored into an integer column: T-SQL truncates, Oracle rounds → TRUNC")
    inner = value.this if isinstance(value, exp.Neg) else value
    if isinstance(inner, exp.Literal) and not inner.is_string:
        n = int(float(inner.name))  # int() truncates toward zero, as T-SQL does
        return lit(-n if isinstance(value, exp.Neg) else n)
    return exp.Trunc(this=value)


@transform(RULE, exp.Insert, order="pre")
def insert_into_int(node: exp.Insert, ctx):
    target = node.this
    if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table):
        return node
    cols = [c.name for c in target.expressions]
    ints = [i for i, c in enumerate(cols) if _int_column(target.this, c, ctx)]
    if not ints:
        return node
    src = node.expression
    rows = []
    if isinstance(src, exp.Values):
        rows = [r.expressions for r in src.expressions if isinstance(r, exp.Tuple)]
    else:
        queries = [src]
        while queries:
            q = queries.pop()
            if isinstance(q, exp.Union):
                queries += [q.this, q.expression]
            elif isinstance(q, exp.Select):
                rows.append(q.selects)
    for row in rows:
        if len(row) != len(cols):
            continue
        for i in ints:
            item = row[i]
            value = item.this if isinstance(item, exp.Alias) else item
            if _truncated_on_assignment(value, ctx):
                new = _trunc_value(value.copy(), ctx, value)
                value.replace(new)
    return node


@transform(RULE, exp.EQ, order="pre")
def update_int_column(node: exp.EQ, ctx):
    upd = node.parent
    if not (isinstance(upd, exp.Update) and node.arg_key == "expressions" and isinstance(node.this, exp.Column)):
        return node
    if base_type(type_text(node.this, ctx)) not in _INT_TYPES or not _truncated_on_assignment(node.expression, ctx):
        return node
    node.set("expression", _trunc_value(node.expression.copy(), ctx, node.expression))
    return node
