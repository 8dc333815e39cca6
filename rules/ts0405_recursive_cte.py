"""A recursive CTE gets the column alias list Oracle requires, inferred from its anchor member.

T-SQL::

    WITH r AS (SELECT id, parent, 1 AS lvl FROM t WHERE parent IS NULL
               UNION ALL
               SELECT t.id, t.parent, r.lvl + 1 FROM t JOIN r ON t.parent = r.id)
    SELECT * FROM r

Oracle::

    WITH R (ID, PARENT, LVL) AS (SELECT ... UNION ALL SELECT ...) SELECT * FROM R

Oracle's recursive subquery factoring (11gR2+) needs ``WITH name (c1, c2, ...)`` and rejects
the ``RECURSIVE`` keyword. The names are the anchor member's select names; an anchor column
without a name is marked. Non-recursive CTEs need nothing.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0405", "query.recursive_cte", "query", __doc__)


def _is_recursive(cte: exp.CTE) -> bool:
    name = cte.alias_or_name.casefold()
    query = cte.this
    if not isinstance(query, exp.Union):
        return False
    return any(t.name.casefold() == name and not t.db for t in query.find_all(exp.Table))


@transform(RULE, exp.With, order="pre")
def recursive_ctes(node: exp.With, ctx):
    node.set("recursive", None)
    for cte in node.expressions:
        if not isinstance(cte, exp.CTE) or not _is_recursive(cte):
            continue
        alias = cte.args.get("alias")
        if alias is not None and alias.columns:
            continue
        anchor = cte.this
        while isinstance(anchor, exp.SetOperation):
            anchor = anchor.this
        if not isinstance(anchor, exp.Select):
            ctx.todo(RULE, cte, f"recursive CTE {cte.alias_or_name}: cannot infer its column names")
        names = []
        for sel in anchor.selects:
            if isinstance(sel, exp.Star) or (isinstance(sel, exp.Column) and isinstance(sel.this, exp.Star)):
                ctx.todo(RULE, cte, f"recursive CTE {cte.alias_or_name}: SELECT * in the anchor member; "
                                    "list its columns")
            name = sel.alias if isinstance(sel, exp.Alias) else sel.name if isinstance(sel, exp.Column) else ""
            if not name:
                ctx.todo(RULE, cte, f"recursive CTE {cte.alias_or_name}: an anchor column has no name")
            names.append(exp.to_identifier(name))
        alias.set("columns", names)
        ctx.fixed(RULE, cte, f"recursive CTE {cte.alias_or_name}: column list added")
    return node
