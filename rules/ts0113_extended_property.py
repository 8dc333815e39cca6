"""MS_Description extended properties become COMMENT ON TABLE / COLUMN.

T-SQL::

    EXEC sp_addextendedproperty 'MS_Description', 'Customer master', 'SCHEMA', 'dbo', 'TABLE', 'Customer'
    EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Code',
        @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Customer',
        @level2type = N'COLUMN', @level2name = N'Code'

Oracle::

    COMMENT ON TABLE CUSTOMER IS 'Customer master';
    COMMENT ON COLUMN CUSTOMER.CODE IS 'Code';

Tables and views take comments in Oracle; other property names, other object levels
(procedures, indexes, constraints) and values that are not literals are marked.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0113", "ddl.extended_property", "ddl", __doc__)

_ORDER = ["name", "value", "level0type", "level0name", "level1type", "level1name", "level2type", "level2name"]


def _text(e):
    if isinstance(e, exp.National) or (isinstance(e, exp.Literal) and e.is_string):
        return e.name
    if isinstance(e, exp.Null):
        return None
    raise ValueError(e.sql(dialect="tsql"))


def _args(node) -> dict:
    out = {}
    for i, a in enumerate(node.expressions):
        if isinstance(a, exp.EQ):
            key = a.this.name.lstrip("@").lower()
            out[key] = _text(a.expression)
        else:
            if i >= len(_ORDER):
                raise ValueError("too many arguments")
            out[_ORDER[i]] = _text(a)
    return out


@transform(RULE, exp.Execute, order="pre")
def extended_property(node, ctx):
    if node.name.lower() != "sp_addextendedproperty":
        return node
    try:
        args = _args(node)
    except ValueError as e:
        ctx.todo(RULE, node, f"sp_addextendedproperty with a non-literal argument ({e}): convert by hand")
    if (args.get("name") or "").upper() != "MS_DESCRIPTION":
        ctx.todo(RULE, node, f"extended property {args.get('name')!r}: Oracle only has comments (MS_Description)")
    t0, t1, t2 = ((args.get(k) or "").upper() for k in ("level0type", "level1type", "level2type"))
    if t0 != "SCHEMA" or t1 not in {"TABLE", "VIEW"} or t2 not in {"", "COLUMN"}:
        levels = "/".join(x for x in (t0, t1, t2) if x)
        ctx.todo(RULE, node, f"MS_Description on {levels or 'the database'}: Oracle comments exist only on tables, "
                             "views and their columns")
    table = exp.Table(this=exp.to_identifier(args["level1name"]),
                      db=exp.to_identifier(args["level0name"]) if args.get("level0name") else None)
    if t2 == "COLUMN":
        target = exp.Column(this=exp.to_identifier(args["level2name"]), table=table.this.copy())
        schema = table.args.get("db")
        mapped = ctx.names.schema(schema.name) if (schema is not None and ctx.names is not None) else None
        if mapped:
            ident = exp.Identifier(this=mapped, quoted=False)
            ident.meta["mapped"] = True
            target.set("db", ident)
        kind = "COLUMN"
    else:
        target, kind = table, "TABLE"
    ctx.fixed(RULE, node, f"MS_Description became COMMENT ON {kind}")
    return exp.Comment(this=target, kind=kind, expression=exp.Literal.string(args.get("value") or ""))
