"""PIVOT / UNPIVOT: the IN list's column names become literals with aliases; the source alias is dropped.

T-SQL::

    SELECT * FROM (SELECT yr, amt FROM sales) s PIVOT (SUM(amt) FOR yr IN ([1996], [1997])) p

Oracle::

    SELECT * FROM (SELECT YR, AMT FROM SALES) PIVOT (SUM(AMT) FOR YR IN (1996 AS X_1996, 1997 AS X_1997)) P

In T-SQL the IN list names the output columns and implies the values; Oracle takes values
with optional aliases. A name of digits becomes a number literal, any other a string literal
(``'Q1' AS Q1``); the alias is the same identifier, so the outer query's references map to it
through the name map. Oracle allows the alias only after the PIVOT clause, and after PIVOT only
that alias is visible in T-SQL too, so the source's alias is dropped.

UNPIVOT's IN list is a list of columns in both databases, but the values it puts in the FOR
column differ: T-SQL writes each column's name as spelled in the IN list (``'HomePhone'``),
Oracle its (upper-case) identifier (``'HOMEPHONE'``). Each column gets its T-SQL spelling as an
explicit literal::

    UNPIVOT (Phone FOR PhoneType IN (HomePhone, WorkPhone))
    → UNPIVOT (PHONE FOR PHONETYPE IN (HOMEPHONE AS 'HomePhone', WORKPHONE AS 'WorkPhone'))
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0417", "query.pivot", "query", __doc__)


@transform(RULE, exp.Pivot, order="pre")
def pivot(node: exp.Pivot, ctx):
    parent = node.parent
    if parent is not None and parent.args.get("alias") is not None:
        if not node.alias:
            node.set("alias", parent.args["alias"].copy())
        parent.set("alias", None)
    if node.args.get("unpivot"):
        return _unpivot(node, ctx)
    for field in node.args.get("fields") or []:
        if not isinstance(field, exp.In):
            ctx.todo(RULE, node, "PIVOT form not understood")
        items = []
        for item in field.expressions:
            if not isinstance(item, exp.Column) or item.table:
                ctx.todo(RULE, node, "PIVOT IN list item is not a column name")
            name = item.name
            value = exp.Literal.number(name) if name.isdigit() else exp.Literal.string(name)
            items.append(exp.PivotAlias(this=value, alias=exp.to_identifier(name)))
        field.set("expressions", items)
    node.set("columns", None)
    ctx.fixed(RULE, node, "PIVOT IN list → literals with aliases")
    return node


def _unpivot(node: exp.Pivot, ctx):
    for field in node.args.get("fields") or []:
        if not isinstance(field, exp.In):
            ctx.todo(RULE, node, "UNPIVOT form not understood")
        items = []
        for item in field.expressions:
            if not isinstance(item, exp.Column):
                ctx.todo(RULE, node, "UNPIVOT IN list item is not a column name")
            items.append(exp.PivotAlias(this=item, alias=exp.Literal.string(item.name)))
        field.set("expressions", items)
    ctx.fixed(RULE, node, "UNPIVOT IN list: each column's T-SQL name as the FOR column's value")
    return node
