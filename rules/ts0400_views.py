"""CREATE / ALTER / CREATE OR ALTER VIEW become CREATE OR REPLACE VIEW; T-SQL view attributes are dropped.

T-SQL::

    CREATE OR ALTER VIEW dbo.v WITH SCHEMABINDING AS
    SELECT TOP 100 PERCENT a FROM dbo.t ORDER BY a

Oracle::

    CREATE OR REPLACE VIEW V AS
    SELECT A FROM T

``WITH SCHEMABINDING``, ``VIEW_METADATA`` and ``ENCRYPTION`` have no Oracle meaning (info).
Column lists and ``WITH CHECK OPTION`` are kept. ``ALTER VIEW`` redefines the view, which
is what ``CREATE OR REPLACE`` does in Oracle.

``TOP 100 PERCENT ... ORDER BY`` inside a view is a T-SQL idiom whose ORDER BY SQL Server
ignores (the view's rows have no order): both are dropped, with a note so that a client that
relied on the old SQL Server 2000 behaviour gets its ORDER BY in the outer query.
A view with ``TOP n`` (not 100 percent) keeps its ``ORDER BY`` and becomes ``FETCH FIRST``.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0400", "query.view", "query", __doc__)


def _top_100_percent(query: exp.Expression) -> bool:
    limit = query.args.get("limit")
    if not isinstance(limit, exp.Limit):
        return False
    opts = limit.args.get("limit_options")
    count = limit.expression
    return bool(opts and opts.args.get("percent") and not opts.args.get("with_ties")
                and isinstance(count, exp.Literal) and count.name == "100")


def _view_body(query: exp.Expression, ctx) -> None:
    if isinstance(query, exp.Select) and _top_100_percent(query):
        query.set("limit", None)
        if query.args.get("order"):
            query.set("order", None)
            ctx.note(RULE, query, "TOP 100 PERCENT ... ORDER BY dropped from the view: SQL Server ignores this "
                                  "ORDER BY too; order rows in the query that reads the view")
        else:
            ctx.fixed(RULE, query, "TOP 100 PERCENT dropped")


@transform(RULE, exp.Create, order="pre")
def create_view(node: exp.Create, ctx):
    if (node.args.get("kind") or "").upper() != "VIEW":
        return node
    node.set("replace", True)
    props = node.args.get("properties")
    if props is not None:
        attrs = [p for p in props.expressions if isinstance(p, exp.ViewAttributeProperty)]
        for p in attrs:
            ctx.fixed(RULE, node, f"WITH {p.name} dropped: no Oracle equivalent")
        rest = [p for p in props.expressions if not isinstance(p, exp.ViewAttributeProperty)]
        node.set("properties", exp.Properties(expressions=rest) if rest else None)
    _view_body(node.expression, ctx)
    ctx.fixed(RULE, node, "CREATE VIEW → CREATE OR REPLACE VIEW")
    return node


@transform(RULE, exp.Alter, order="pre")
def alter_view(node: exp.Alter, ctx):
    if (node.args.get("kind") or "").upper() != "VIEW":
        return node
    actions = node.args.get("actions") or []
    if len(actions) != 1 or not isinstance(actions[0], exp.Query):
        ctx.todo(RULE, node, "ALTER VIEW form not understood")
    create = exp.Create(this=node.this, kind="VIEW", replace=True, expression=actions[0])
    create.meta.update(node.meta)
    return create_view(create, ctx)
