"""Rewrite comparisons with the empty string, which Oracle stores as NULL.

T-SQL → Oracle::

    x = ''              → x IS NULL        NOTE: also true for rows where x was NULL in SQL Server
    x <> ''             → x IS NOT NULL    exact: T-SQL excluded both NULL and '' rows too
    UPDATE t SET x = '' → SET x = NULL     NOTE: an assignment, not a comparison: Oracle stores NULL

Policy choice: Oracle ``x = ''`` is never true (it compares with NULL), which would
silently change results; ``IS NULL`` keeps the rows that held ``''`` (now NULL after the
data migration) and a NOTE says it also matches former NULLs. Only comparisons become
``IS NULL``: the ``col = ''`` items of ``UPDATE … SET`` (and ``MERGE … UPDATE SET``) are
assignments and become ``col = NULL`` (what Oracle stores for ``''`` anyway), with a NOTE.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0261", "functions.empty_string", "functions", __doc__)


def _empty(node) -> bool:
    return isinstance(node, (exp.Literal, exp.National)) and (not isinstance(node, exp.Literal) or node.is_string) \
        and node.name.strip() == ""


def is_assignment(node: exp.Expression) -> bool:
    """``col = value`` of an UPDATE's (or MERGE's WHEN MATCHED UPDATE's) SET list."""
    return isinstance(node, exp.EQ) and isinstance(node.parent, exp.Update) and node.arg_key == "expressions"


@transform(RULE, exp.EQ, exp.NEQ, order="pre")
def empty_compare(node, ctx):
    left, right = node.this, node.expression
    if is_assignment(node):
        if _empty(right):
            ctx.note(RULE, node, f"SET {left.sql(dialect='tsql')} = '' stores NULL in Oracle ('' is NULL): "
                                 "a NOT NULL column rejects it, and later tests for '' must test IS NULL")
            node.set("expression", exp.null())
        return node
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
