"""Rewrite comparisons with the empty string, which Oracle stores as NULL.

T-SQL → Oracle::

    x = ''     → x IS NULL        NOTE: also true for rows where x was NULL in SQL Server
    x <> ''    → x IS NOT NULL    exact: T-SQL excluded both NULL and '' rows too

Policy choice: Oracle ``x = ''`` is never true (it compares with NULL), which would
silently change results; ``IS NULL`` keeps the rows that held ``''`` (now NULL after the
data migration) and a NOTE says it also matches former NULLs.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0261", "functions.empty_string", "functions", __doc__)


def _empty(node) -> bool:
    return isinstance(node, (exp.Literal, exp.National)) and (not isinstance(node, exp.Literal) or node.is_string) \
        and node.name.strip() == ""


@transform(RULE, exp.EQ, exp.NEQ, order="pre")
def empty_compare(node, ctx):
    left, right = node.this, node.expression
    if _empty(right):
        other = left
    elif _empty(left):
        other = right
    else:
        return node
    if isinstance(node, exp.EQ):
        ctx.note(RULE, node, "x = '' became x IS NULL: Oracle stores '' as NULL, so this also matches "
                             "rows that were NULL in SQL Server")
        return exp.Is(this=other, expression=exp.null())
    return exp.Not(this=exp.Is(this=other, expression=exp.null()))
