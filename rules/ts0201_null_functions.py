"""Convert ISNULL to NVL; COALESCE and NULLIF are kept.

T-SQL → Oracle::

    ISNULL(a, b)        → NVL(a, b)
    COALESCE(a, b, c)   → COALESCE(a, b, c)
    NULLIF(a, b)        → NULLIF(a, b)

Both ``ISNULL`` and ``NVL`` return the type of the first argument and convert the second
to it, so ``NVL`` is the exact counterpart (``COALESCE`` would take the type of the highest
precedence argument in T-SQL and requires same-family arguments in Oracle).
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0201", "functions.null", "functions", __doc__)


@transform(RULE, exp.Coalesce)
def isnull(node: exp.Coalesce, ctx):
    if node.args.get("is_null"):
        node.set("is_null", None)
        node.set("is_nvl", True)
    return node
