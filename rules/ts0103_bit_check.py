"""BIT columns become NUMBER(1) with a CHECK (col IN (0, 1)) constraint.

T-SQL::

    IsActive BIT NOT NULL DEFAULT 1

Oracle::

    ISACTIVE NUMBER(1) DEFAULT 1 NOT NULL CHECK (ISACTIVE IN (0, 1))

Oracle 19c has no boolean column type; without the check a NUMBER(1) column
accepts -9..9 where BIT accepts only 0, 1 (and converts other non-zero values to 1).
No check is added when the table already has a CHECK on the column.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0103", "ddl.bit_check", "ddl", __doc__)


def _is_bit(kind, ctx) -> bool:
    if not isinstance(kind, exp.DataType):
        return False
    if kind.this == exp.DataType.Type.BIT:
        return True
    if kind.this == exp.DataType.Type.USERDEFINED and ctx.catalog is not None:
        alias = ctx.catalog.alias_type(kind.sql(dialect="tsql").split(".")[-1].strip('[]"'))
        return bool(alias) and alias["base"].strip().upper() == "BIT"
    return False


def _checks_on(column: str, checks) -> bool:
    for chk in checks:
        if any(c.name.casefold() == column.casefold() for c in chk.find_all(exp.Column)):
            return True
    return False


@transform(RULE, exp.ColumnDef, order="pre")
def bit_check(node, ctx):
    if not _is_bit(node.args.get("kind"), ctx):
        return node
    checks = [c.args["kind"] for c in node.constraints if isinstance(c.args.get("kind"), exp.CheckColumnConstraint)]
    schema = node.parent if isinstance(node.parent, exp.Schema) else None
    if schema is not None:
        for item in schema.expressions:
            if isinstance(item, exp.Constraint):
                checks.extend(e for e in item.expressions if isinstance(e, exp.CheckColumnConstraint))
            elif isinstance(item, exp.CheckColumnConstraint):
                checks.append(item)
    if _checks_on(node.name, checks) or (checks and node.parent is not None and not schema):
        return node
    cond = exp.In(this=exp.column(node.name), expressions=[exp.Literal.number(0), exp.Literal.number(1)])
    node.append("constraints", exp.ColumnConstraint(kind=exp.CheckColumnConstraint(this=cond)))
    ctx.fixed(RULE, node, f"BIT column {node.name}: CHECK ({node.name} IN (0, 1)) added")
    return node
