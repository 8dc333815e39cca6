"""Let calls of the project's own functions through, with their Oracle names.

T-SQL → Oracle::

    dbo.fn_Total(x)            → FN_TOTAL(x)          (schema dbo dropped, like tables)
    tSQLt.Private_Name(x)      → TSQLT.PRIVATE_NAME(x) (other schemas mapped by the name map)

A function is the project's own when a ``CREATE FUNCTION`` of that name is in the
project (the catalog). Any other unknown function is refused by the guard (TS0900):
it is never printed as if Oracle had it.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0271", "functions.user_functions", "functions", __doc__)


def _known(ctx, name: str) -> bool:
    routines = getattr(getattr(ctx, "catalog", None), "routines", None) or {}
    info = routines.get(name.strip('[]"').casefold())
    return bool(info) and info.get("kind", "function") in ("function", "FUNCTION")


def _mapped(node: exp.Anonymous, ctx) -> exp.Anonymous:
    node.set("this", ctx.names.name(str(node.name).strip('[]"')))
    node.meta["oracle_ok"] = True
    return node


@transform(RULE, exp.Dot)
def qualified(node: exp.Dot, ctx):
    fn = node.expression
    if not isinstance(fn, exp.Anonymous) or not _known(ctx, str(fn.name)) or not isinstance(node.this, exp.Identifier):
        return node
    _mapped(fn, ctx)
    schema = ctx.names.schema(node.this.name.strip('[]"'))
    if schema is None:
        return fn
    ident = exp.Identifier(this=schema, quoted=False)
    ident.meta["mapped"] = True
    node.set("this", ident)
    return node


@transform(RULE, exp.Anonymous)
def unqualified(node: exp.Anonymous, ctx):
    if isinstance(node.parent, exp.Dot) or node.meta.get("oracle_ok") or not _known(ctx, str(node.name)):
        return node
    return _mapped(node, ctx)
