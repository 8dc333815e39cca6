"""Computed columns become virtual columns.

T-SQL::

    LineTotal AS (Quantity * UnitPrice) PERSISTED

Oracle::

    LINETOTAL GENERATED ALWAYS AS (QUANTITY * UNITPRICE) VIRTUAL

The expression is converted like any expression. Oracle virtual columns are never
stored (PERSISTED: a NOTE; index the column if it was persisted for speed), and may
not refer to other virtual columns: such references are replaced by that column's
expression (from the project catalog).
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0104", "ddl.computed", "ddl", __doc__)


def _table_of(node) -> str | None:
    parent = node.parent
    if isinstance(parent, exp.Schema) and isinstance(parent.this, exp.Table):
        return parent.this.name
    if isinstance(parent, exp.Alter) and isinstance(parent.this, exp.Table):
        return parent.this.name
    return None


def _inline(expr, table, ctx, own):
    import sqlglot

    from migrator.frontend.dialect import DIALECT

    if not table or ctx.catalog is None:
        return expr
    for _ in range(5):
        changed = False
        for col in list(expr.find_all(exp.Column)):
            info = ctx.catalog.column(table, col.name)
            if info and info.get("computed") and info.get("expression") and col.name.casefold() != own:
                sub = sqlglot.parse_one(info["expression"], read=DIALECT)
                sub = sub if isinstance(sub, exp.Paren) else exp.Paren(this=sub)
                if col is expr:
                    expr = sub
                else:
                    col.replace(sub)
                ctx.note(RULE, col, f"{col.name} is a virtual column in Oracle: its expression is repeated "
                                    "in the other virtual columns that use it")
                changed = True
        if not changed:
            break
    return expr


_LOB = {"TEXT", "NTEXT", "IMAGE", "XML"}


def _is_lob(type_sql: str | None) -> bool:
    t = (type_sql or "").upper().replace(" ", "")
    return t.split("(")[0] in _LOB or "(MAX)" in t or any(
        t.startswith(k + "(") and t[len(k) + 1:-1].isdigit() and int(t[len(k) + 1:-1]) > lim
        for k, lim in (("VARCHAR", 4000), ("NVARCHAR", 2000), ("VARBINARY", 2000)))


@transform(RULE, exp.ColumnDef, order="pre")
def computed(node, ctx):
    for c in node.constraints:
        kind = c.args.get("kind")
        if isinstance(kind, exp.ComputedColumnConstraint):
            table = _table_of(node)
            if table and ctx.catalog is not None:
                lobs = sorted({col.name for col in kind.this.find_all(exp.Column)
                               if _is_lob((ctx.catalog.column(table, col.name) or {}).get("type"))})
                if lobs:
                    ctx.todo(RULE, node, f"computed column {node.name} uses LOB column(s) {', '.join(lobs)}: an "
                                         "Oracle virtual column cannot be a LOB (ORA-54004); use a view or a "
                                         "trigger-maintained column")
            kind.set("this", _inline(kind.this, table, ctx, node.name.casefold()))
            if kind.args.get("persisted"):
                ctx.note(RULE, node, f"computed column {node.name} was PERSISTED: Oracle virtual columns are "
                                     "computed on read (index it if it was persisted for speed)")
                kind.set("persisted", False)
            ctx.fixed(RULE, node, f"computed column {node.name} became a virtual column")
    return node
