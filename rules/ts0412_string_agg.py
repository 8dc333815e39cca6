"""STRING_AGG(x, sep) [WITHIN GROUP (ORDER BY ...)] becomes LISTAGG(x, sep) WITHIN GROUP (ORDER BY ...).

T-SQL::

    SELECT STRING_AGG(name, ', ') FROM t

Oracle::

    SELECT LISTAGG(NAME, ', ') WITHIN GROUP (ORDER BY NULL) FROM T

Without an order T-SQL concatenates in any order; ``ORDER BY NULL`` says the same in
Oracle. Note: LISTAGG returns VARCHAR2 limited to 4000 bytes (ORA-01489 beyond), where
STRING_AGG over NVARCHAR(MAX)/VARCHAR(MAX) input returns a LOB.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0412", "query.string_agg", "query", __doc__)


@transform(RULE, exp.GroupConcat, order="pre")
def string_agg(node: exp.GroupConcat, ctx):
    parent = node.parent
    if node.meta.get("for_xml_idiom"):  # built by TS0411, which noted it
        return node
    ctx.note(RULE, node, "STRING_AGG → LISTAGG: the result is limited to 4000 bytes (ORA-01489 beyond)")
    if isinstance(parent, exp.WithinGroup):
        return node
    if isinstance(node.this, exp.Order):  # STRING_AGG(x, sep) WITHIN GROUP (ORDER BY ...)
        order = node.this
        agg = exp.GroupConcat(this=order.this.copy(), separator=node.args.get("separator"))
        return exp.WithinGroup(this=agg, expression=exp.Order(expressions=[o.copy() for o in order.expressions]))
    if isinstance(node.this, exp.Distinct):
        ctx.todo(RULE, node, "STRING_AGG(DISTINCT ...) is not T-SQL")
    return exp.WithinGroup(this=node.copy(), expression=exp.Order(expressions=[exp.Ordered(this=exp.null())]))
