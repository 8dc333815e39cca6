"""CREATE SEQUENCE in Oracle syntax; NEXT VALUE FOR s becomes S.NEXTVAL.

T-SQL::

    CREATE SEQUENCE dbo.OrderNo AS INT START WITH 1000 INCREMENT BY 1 NO CACHE
    SELECT NEXT VALUE FOR dbo.OrderNo

Oracle::

    CREATE SEQUENCE ORDERNO START WITH 1000 INCREMENT BY 1 NOCACHE;
    SELECT ORDERNO.NEXTVAL

``AS type`` has no Oracle form (Oracle sequences are NUMBER): dropped (info). A T-SQL
sequence without START WITH starts at its minimum value (the type's minimum unless
MINVALUE is given); Oracle starts at 1 (ascending): NOTE.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0109", "ddl.sequence", "ddl", __doc__)

_NO = {"NO CACHE": "NOCACHE", "NO CYCLE": "NOCYCLE", "NO MINVALUE": "NOMINVALUE", "NO MAXVALUE": "NOMAXVALUE"}


@transform(RULE, exp.Create, order="pre")
def create_sequence(node, ctx):
    if (node.args.get("kind") or "").upper() != "SEQUENCE":
        return node
    if node.args.get("expression") is not None:
        ctx.fixed(RULE, node, f"AS {node.expression.sql(dialect='tsql')} dropped: Oracle sequences are NUMBER")
        node.set("expression", None)
    props = node.args.get("properties")
    seq = None
    if isinstance(props, exp.Properties):
        seq = next((p for p in props.expressions if isinstance(p, exp.SequenceProperties)), None)
    if seq is not None:
        opts = []
        for o in seq.args.get("options") or []:
            text = " ".join(o.name.upper().split()) if isinstance(o, exp.Expression) else str(o).upper()
            opts.append(exp.var(_NO.get(text, text)))
        seq.set("options", opts)
    if seq is None or (seq.args.get("start") is None and seq.args.get("minvalue") is None):
        ctx.note(RULE, node, "no START WITH: a T-SQL sequence starts at its type's minimum value, Oracle's at 1")
    elif seq.args.get("start") is None:
        ctx.note(RULE, node, "no START WITH: a T-SQL sequence starts at MINVALUE, Oracle's too when ascending")
    return node


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
