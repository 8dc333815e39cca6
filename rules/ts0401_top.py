"""SELECT TOP n [PERCENT] [WITH TIES] becomes FETCH FIRST n [PERCENT] ROWS ONLY | WITH TIES.

T-SQL::

    SELECT TOP (5) PERCENT WITH TIES a FROM t ORDER BY a

Oracle::

    SELECT A FROM T ORDER BY A NULLS FIRST FETCH FIRST 5 PERCENT ROWS WITH TIES

Oracle 12c+ row limiting clause; stock sqlglot loses PERCENT and WITH TIES.
``TOP`` without ``ORDER BY`` returns arbitrary rows in both databases.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0401", "query.top", "query", __doc__)


@transform(RULE, exp.Select, order="pre")
def top_to_fetch(node: exp.Select, ctx):
    limit = node.args.get("limit")
    if not isinstance(limit, exp.Limit):
        return node
    opts = limit.args.get("limit_options")
    percent = bool(opts and opts.args.get("percent"))
    ties = bool(opts and opts.args.get("with_ties"))
    if ties and not node.args.get("order"):
        ctx.todo(RULE, node, "TOP ... WITH TIES without ORDER BY")
    node.set("limit", exp.Fetch(direction="FIRST", count=limit.expression,
                                limit_options=exp.LimitOptions(percent=percent, rows=True, with_ties=ties)))
    ctx.fixed(RULE, node, "TOP → FETCH FIRST")
    return node
