"""CROSS APPLY / OUTER APPLY over a derived table are kept (Oracle 12c+ has both).

T-SQL::

    SELECT c.id, x.total FROM c
    CROSS APPLY (SELECT TOP 1 total FROM o WHERE o.cid = c.id ORDER BY dt DESC) x

Oracle::

    SELECT C.ID, X.TOTAL FROM C
    CROSS APPLY (SELECT TOTAL FROM O WHERE O.CID = C.ID ORDER BY DT DESC NULLS LAST
                 FETCH FIRST 1 ROWS ONLY) X

Oracle 19c's ``cross_outer_apply_clause`` takes a table reference or a collection
expression. APPLY over a table-valued function is marked: the function becomes a pipelined
function (procedural conversion) read with ``TABLE(f(...))``.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0408", "query.apply", "query", __doc__)


@transform(RULE, exp.Lateral, order="pre")
def apply(node: exp.Lateral, ctx):
    if node.args.get("cross_apply") is None:
        return node
    kind = "CROSS APPLY" if node.args["cross_apply"] else "OUTER APPLY"
    from rules.ts0655_table_functions import is_tvf_call

    if not isinstance(node.this, exp.Subquery) and not is_tvf_call(node.this, ctx):  # TS0655 wraps TABLE()
        ctx.todo(RULE, node, f"{kind} over a table-valued function: convert the function to a pipelined "
                             "function and read it with TABLE(...)")
    if not node.alias:
        ctx.todo(RULE, node, f"{kind} derived table without an alias")
    ctx.fixed(RULE, node, f"{kind} kept")
    return node
