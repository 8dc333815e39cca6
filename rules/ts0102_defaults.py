"""Column defaults: named default constraints become plain DEFAULT, redundant parentheses go.

T-SQL::

    Qty SMALLINT NOT NULL CONSTRAINT DF_Qty DEFAULT ((1))
    ALTER TABLE t ADD CONSTRAINT DF_t_c DEFAULT (0) FOR c

Oracle::

    QTY NUMBER(5) DEFAULT 1 NOT NULL
    ALTER TABLE T MODIFY (C DEFAULT 0)

Oracle cannot name a default (it is a column property, not a constraint), so the
name is dropped (info event). The generator puts DEFAULT before the constraints,
where Oracle requires it.
"""

from sqlglot import exp

from migrator.frontend.parse_ddl import AlterDefault
from migrator.rulebook import define, transform

RULE = define("TS0102", "ddl.defaults", "ddl", __doc__)


def _unwrap(e):
    while isinstance(e, exp.Paren):
        e = e.this
    return e


@transform(RULE, exp.ColumnConstraint, order="pre")
def default_constraint(node, ctx):
    kind = node.args.get("kind")
    if not isinstance(kind, exp.DefaultColumnConstraint):
        return node
    if node.this is not None:
        ctx.fixed(RULE, node, f"default constraint name {node.this.name} dropped: Oracle defaults have no name")
        node.set("this", None)
    kind.set("this", _unwrap(kind.this))
    return node


@transform(RULE, AlterDefault, order="pre")
def alter_default(node, ctx):
    if node.args.get("constraint") is not None:
        ctx.fixed(RULE, node, f"default constraint name {node.args['constraint'].name} dropped: "
                              "Oracle defaults have no name")
        node.set("constraint", None)
    node.set("default", _unwrap(node.args["default"]))
    return node
