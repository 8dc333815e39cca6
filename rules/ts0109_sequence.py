"""CREATE SEQUENCE in Oracle syntax; NEXT VALUE FOR s becomes S.NEXTVAL.

T-SQL::

    CREATE SEQUENCE dbo.OrderNo AS INT START WITH 1000 INCREMENT BY 1 NO CACHE
    SELECT NEXT VALUE FOR dbo.OrderNo

Oracle::

    CREATE SEQUENCE ORDERNO START WITH 1000 INCREMENT BY 1 NOCACHE;
    SELECT ORDERNO.NEXTVAL

``AS type`` has no Oracle form (Oracle sequences are NUMBER), but it bounds the T-SQL
sequence (``bigint`` when omitted): its range becomes explicit MINVALUE/MAXVALUE unless given
(``NO MINVALUE``/``NO MAXVALUE`` mean the type's bounds in T-SQL, Oracle's own defaults in
Oracle). A T-SQL sequence without START WITH starts at its minimum value when ascending (the
type's minimum: ``AS int`` starts at -2147483648), at its maximum when descending; the
START WITH is written out::

    CREATE SEQUENCE s AS int
    → CREATE SEQUENCE S START WITH -2147483648 MINVALUE -2147483648 MAXVALUE 2147483647;

A type whose range is unknown (an alias type) is dropped with a NOTE.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0109", "ddl.sequence", "ddl", __doc__)

_NO = {"NO CACHE": "NOCACHE", "NO CYCLE": "NOCYCLE", "NO MINVALUE": "NOMINVALUE", "NO MAXVALUE": "NOMAXVALUE"}


@transform(RULE, exp.Create, order="pre")
def create_sequence(node, ctx):
    if (node.args.get("kind") or "").upper() != "SEQUENCE":
        return node
    dtype = node.args.get("expression")
    bounds = _range(dtype) if dtype is not None else _range_of("BIGINT")
    if dtype is not None:
        ctx.fixed(RULE, node, f"AS {dtype.sql(dialect='tsql')}: Oracle sequences are NUMBER; the type's range "
                              "is written as MINVALUE/MAXVALUE")
        node.set("expression", None)
    props = node.args.get("properties")
    seq = None
    if isinstance(props, exp.Properties):
        seq = next((p for p in props.expressions if isinstance(p, exp.SequenceProperties)), None)
    if seq is None:
        seq = exp.SequenceProperties()
        if isinstance(props, exp.Properties):
            props.append("expressions", seq)
        else:
            node.set("properties", exp.Properties(expressions=[seq]))
    opts = []
    for o in seq.args.get("options") or []:
        text = " ".join(o.name.upper().split()) if isinstance(o, exp.Expression) else str(o).upper()
        if text in ("NO MINVALUE", "NO MAXVALUE") and bounds is not None:
            continue  # T-SQL: the type's bound, written below
        opts.append(exp.var(_NO.get(text, text)))
    seq.set("options", opts)
    if bounds is None:
        if seq.args.get("start") is None:
            ctx.note(RULE, node, "no START WITH: a T-SQL sequence starts at its type's minimum value (maximum when "
                                 "descending), Oracle's at MINVALUE (1 by default)")
        return node
    lo, hi = bounds
    if seq.args.get("minvalue") is None:
        seq.set("minvalue", _num(lo))
    if seq.args.get("maxvalue") is None:
        seq.set("maxvalue", _num(hi))
    if seq.args.get("start") is None:
        inc = seq.args.get("increment")
        descending = isinstance(inc, exp.Neg) or isinstance(inc, exp.Literal) and inc.name.startswith("-")
        seq.set("start", (seq.args["maxvalue"] if descending else seq.args["minvalue"]).copy())
    return node


_RANGES = {"TINYINT": (0, 255), "SMALLINT": (-32768, 32767), "INT": (-2147483648, 2147483647),
           "INTEGER": (-2147483648, 2147483647), "BIGINT": (-9223372036854775808, 9223372036854775807)}


def _range_of(name: str):
    return _RANGES.get(name)


def _range(dtype: exp.Expression):
    """(min, max) of a sequence's T-SQL type, or None when not known."""
    if not isinstance(dtype, exp.DataType):
        return None
    text = dtype.sql(dialect="tsql").upper()
    base = text.split("(")[0].strip()
    if base in _RANGES:
        return _RANGES[base]
    if base in ("DECIMAL", "NUMERIC"):
        params = [p.this if isinstance(p, exp.DataTypeParam) else p for p in dtype.expressions]
        p = int(params[0].name) if params and params[0].name.isdigit() else 18
        return -(10 ** p - 1), 10 ** p - 1
    return None


def _num(n: int) -> exp.Expression:
    return exp.Neg(this=exp.Literal.number(-n)) if n < 0 else exp.Literal.number(n)


@transform(RULE, exp.NextValueFor, order="pre")
def next_value(node, ctx):
    if node.args.get("order"):
        ctx.todo(RULE, node, "NEXT VALUE FOR ... OVER (ORDER BY ...) has no Oracle form")
    ref = node.this
    parts = [p.name for p in ([ref.args.get("db"), ref.args.get("table"), ref.this] if isinstance(ref, exp.Column)
                              else [ref.this]) if p is not None]
    table = exp.to_table(".".join(parts))
    ctx.fixed(RULE, node, "NEXT VALUE FOR became .NEXTVAL")
    return exp.Dot(this=table, expression=exp.var("NEXTVAL"))
