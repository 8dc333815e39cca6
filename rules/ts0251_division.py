"""Keep T-SQL integer division and modulo semantics.

T-SQL → Oracle::

    a / b      (both integer types)  → TRUNC(a / b)     T-SQL truncates toward zero
    a / b      (either not integer)  → a / b
    a / b      (types unknown)       → a / b  with a NOTE
    a % b                            → MOD(a, b)        same sign rule (the dividend's)

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
    a, b = infer(node.this, ctx), infer(node.expression, ctx)
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
