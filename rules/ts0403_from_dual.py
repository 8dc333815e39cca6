"""SELECT without FROM gets FROM DUAL.

T-SQL::

    SELECT 1 AS one, 'x' AS two

Oracle::

    SELECT 1 AS ONE, 'x' AS TWO FROM DUAL

Oracle's query block always has a FROM clause; DUAL is its one-row table.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0403", "query.from_dual", "query", __doc__)


def dual() -> exp.From:
    ident = exp.Identifier(this="DUAL", quoted=False)
    ident.meta["mapped"] = True
    return exp.From(this=exp.Table(this=ident))


@transform(RULE, exp.Select)
def from_dual(node: exp.Select, ctx):
    if node.args.get("from_") is None:
        node.set("from_", dual())
        ctx.fixed(RULE, node, "FROM DUAL added")
    return node
