"""Keep T-SQL integer division and modulo semantics.

T-SQL → Oracle::

    a / b      (both integer types)  → TRUNC(a / b)     T-SQL truncates toward zero
    a / b      (either not integer)  → a / b
    a / b      (types unknown)       → a / b  with a NOTE
    a % b                            → MOD(a, b)        same sign rule (the dividend's)
    AVG(i)     (i of an integer type) → TRUNC(AVG(i))   T-SQL's AVG of integers is an integer
    AVG(i) OVER (...)                 → TRUNC(AVG(i) OVER (...))

Types come from ``migrator.typing`` (literals, casts, catalog columns). Runs before the
operands are converted (``order="pre"``), while their T-SQL types are still visible.
"""

from sqlglot import exp

from migrator.rulebook import define, transform
from migrator.typing import INTEGER, NUMERIC, infer

RULE = define("TS0251", "functions.division", "functions", __doc__)


@transform(RULE, exp.Div, order="pre")
def division(node: exp.Div, ctx):
    if node.meta.get("ts0251"):
        return node
    node.meta["ts0251"] = True
    a, b = family(node.this, ctx), family(node.expression, ctx)
    if a == INTEGER and b == INTEGER:
        parent, key, index = node.parent, node.arg_key, node.index
        new = exp.Trunc(this=node)
        if parent is not None:  # attach at once: rules on the operands still see the enclosing query
            parent.set(key, new, index=index)
        return new
    if (a is None and b in (INTEGER, None)) or (b is None and a in (INTEGER, None)):
        if not ({a, b} & (NUMERIC - {INTEGER})):
            ctx.note(RULE, node, "division of operands of unknown type: if both are integers, T-SQL truncates "
                                 "the result (wrap it in TRUNC)")
    return node


def _avg_of_integers(node: exp.Expression, ctx) -> bool:
    if isinstance(node, exp.Window):
        node = node.this
    if not isinstance(node, exp.Avg):
        return False
    arg = node.this
    if isinstance(arg, exp.Distinct) and len(arg.expressions) == 1:
        arg = arg.expressions[0]
    return infer(arg, ctx) == INTEGER


def family(node: exp.Expression, ctx) -> str | None:
    """``infer``, knowing that T-SQL's AVG of integers is an integer."""
    inner = node.this if isinstance(node, exp.Paren) else node
    return INTEGER if _avg_of_integers(inner, ctx) else infer(node, ctx)


@transform(RULE, exp.Avg, exp.Window, order="pre")
def integer_avg(node, ctx):
    if node.meta.get("ts0251") or isinstance(node, exp.Avg) and isinstance(node.parent, exp.Window):
        return node
    node.meta["ts0251"] = True
    if not _avg_of_integers(node, ctx):
        return node
    if isinstance(node.parent, exp.Pivot):
        ctx.note(RULE, node, "PIVOT AVG of an integer column: T-SQL truncates the averages to integers, Oracle "
                             "keeps the decimals (PIVOT takes a bare aggregate: TRUNC the pivoted columns outside)")
        return node
    ctx.fixed(RULE, node, "AVG of an integer column is an integer in T-SQL (truncated): TRUNC(AVG(...))")
    parent, key, index = node.parent, node.arg_key, node.index
    new = exp.Trunc(this=node)
    new.meta["type_family"] = INTEGER
    if parent is not None:
        parent.set(key, new, index=index)
    return new
