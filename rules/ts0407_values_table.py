"""Table value constructors become SELECT ... FROM DUAL UNION ALL ...; multi-row INSERT VALUES too.

T-SQL::

    SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (n, s)
    INSERT INTO t (a, b) VALUES (1, 2), (3, 4)

Oracle::

    SELECT * FROM (SELECT 1 AS N, 'a' AS S FROM DUAL UNION ALL SELECT 2, 'b' FROM DUAL) V
    INSERT INTO T (A, B) SELECT 1, 2 FROM DUAL UNION ALL SELECT 3, 4 FROM DUAL

Oracle 19c has no VALUES table constructor and no multi-row VALUES (23ai added both).
A single-row ``INSERT ... VALUES`` is unchanged. The same holds under APPLY (the rows may
refer to the outer table, which a lateral query may do in Oracle 12c+)::

    CROSS APPLY (VALUES ('Q1', b.Q1), ('Q2', b.Q2)) AS v (Quarter, Amount)
    → CROSS APPLY (SELECT 'Q1' AS QUARTER, B.Q1 AS AMOUNT FROM DUAL
                   UNION ALL SELECT 'Q2', B.Q2 FROM DUAL) V
"""

from sqlglot import exp

from migrator.rulebook import define, transform
from rules.ts0403_from_dual import dual

RULE = define("TS0407", "query.values_table", "query", __doc__)


def _union(rows: list[exp.Expression], names: list[str] | None) -> exp.Expression:
    selects = []
    for i, row in enumerate(rows):
        vals = list(row.expressions) if isinstance(row, exp.Tuple) else [row]
        if i == 0 and names:
            vals = [exp.alias_(v, n) for v, n in zip(vals, names)]
        selects.append(exp.Select(expressions=vals, from_=dual()))
    query = selects[0]
    for s in selects[1:]:
        query = exp.Union(this=query, expression=s, distinct=False)
    return query


@transform(RULE, exp.Values, order="pre")
def values_table(node: exp.Values, ctx):
    parent = node.parent
    if isinstance(parent, exp.Insert):
        if len(node.expressions) < 2:
            return node
        ctx.fixed(RULE, node, "multi-row VALUES → SELECT ... FROM DUAL UNION ALL")
        return _union(node.expressions, None)
    if isinstance(parent, exp.Subquery) and isinstance(parent.parent, exp.Lateral):
        return _apply_values(node, parent.parent, ctx)
    if not isinstance(parent, (exp.From, exp.Join)):
        return node
    alias = node.args.get("alias")
    if alias is None or not alias.columns:
        ctx.todo(RULE, node, "VALUES table without a column list")
    names = [c.name for c in alias.columns]
    ctx.fixed(RULE, node, "VALUES table → SELECT ... FROM DUAL UNION ALL")
    return exp.Subquery(this=_union(node.expressions, names),
                        alias=exp.TableAlias(this=alias.this.copy()))


def _apply_values(node: exp.Values, lateral: exp.Lateral, ctx):
    alias = lateral.args.get("alias")
    if alias is None or not alias.columns:
        ctx.todo(RULE, node, "APPLY over VALUES without a column list")
    names = [c.name for c in alias.columns]
    lateral.set("alias", exp.TableAlias(this=alias.this.copy()))  # Oracle: no column list after the alias
    ctx.fixed(RULE, node, "APPLY (VALUES ...) → SELECT ... FROM DUAL UNION ALL")
    return _union(node.expressions, names)
