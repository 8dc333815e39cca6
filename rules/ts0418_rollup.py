"""``GROUP BY a, b WITH ROLLUP`` / ``WITH CUBE`` → ``GROUP BY ROLLUP (a, b)`` / ``CUBE (a, b)``.

T-SQL::

    SELECT pub_id, type, SUM(price) FROM titles GROUP BY pub_id, type WITH ROLLUP

Oracle::

    SELECT PUB_ID, TYPE, SUM(PRICE) FROM TITLES GROUP BY ROLLUP (PUB_ID, TYPE)

The same super-aggregate rows, with NULL in the rolled-up columns (``GROUPING()`` works
the same way). The ``WITH`` forms have no Oracle syntax.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0418", "query.rollup", "query", __doc__)


@transform(RULE, exp.Group)
def rollup(node: exp.Group, ctx):
    for key, cls in (("rollup", exp.Rollup), ("cube", exp.Cube)):
        flags = node.args.get(key)
        if flags and all(isinstance(f, cls) and not f.expressions for f in flags):
            cols = [e.copy() for e in node.expressions]
            if not cols:
                ctx.todo(RULE, node, f"WITH {key.upper()} without grouping columns")
            node.set(key, None)
            node.set("expressions", [cls(expressions=cols)])
            ctx.fixed(RULE, node, f"GROUP BY … WITH {key.upper()} → GROUP BY {key.upper()} (…)")
    return node
