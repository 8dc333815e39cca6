"""Map every identifier through the project's name map; drop ``dbo``, map other schemas.

T-SQL ``[Order Details]``, ``"OrderID"``, ``dbo.Customers`` become Oracle
``ORDER_DETAILS``, ``ORDERID``, ``CUSTOMERS``: unquoted upper case, so Oracle
code written by hand later can use them without quotes. Reserved words get a
suffix (``Level`` → ``LEVEL_``). The whole map is written to ``name-map.json``
and can be overridden there or in ``migrate.toml``.

T-SQL::

    SELECT [o].[Order ID] FROM dbo.[Order Details] AS o

Oracle::

    SELECT o.ORDER_ID FROM ORDER_DETAILS o
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0010", "names.identifiers", "names", __doc__)


@transform(RULE, exp.Identifier)
def map_identifier(node: exp.Identifier, ctx) -> exp.Identifier:
    meta = node._meta  # (every identifier of every statement comes here: no empty meta dict made)
    if meta and meta.get("mapped"):
        return node
    name = node.name
    target = ctx.names.name(name)
    if target.replace("_", "") != name.upper().replace("_", ""):
        # more than case folding: say so where the name is used, for reviewers and searches
        ctx.comments.append(f'[TS0010] name map: "{name}" -> {target}')
    new = exp.Identifier(this=target, quoted=False)
    args = node.args
    for flag in ("temporary", "global_"):  # #temp / ##global tables: the guard refuses them
        if args.get(flag):
            new.set(flag, True)
    new.meta["mapped"] = True
    return new


@transform(RULE, exp.Table, order="pre")
def map_schema(node: exp.Table, ctx) -> exp.Table:
    db = node.args.get("db")
    catalog = node.args.get("catalog")
    if catalog is not None:
        ctx.todo(RULE, node, f"three-part name {node.sql(dialect='tsql')}: another database; map it to a "
                             "schema or database link by hand")
    if db is not None:
        target = ctx.names.schema(db.name.strip('[]"'))
        if target is None:
            node.set("db", None)
        else:
            ident = exp.Identifier(this=target, quoted=False)
            ident.meta["mapped"] = True
            node.set("db", ident)
    return node
