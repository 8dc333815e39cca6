"""ALTER TABLE: ADD columns/constraints, ALTER COLUMN, DROP, CHECK/NOCHECK CONSTRAINT.

==============================================  ===============================================
T-SQL                                           Oracle
==============================================  ===============================================
ALTER TABLE t ADD c INT, d INT                  ALTER TABLE T ADD (C NUMBER(10), D NUMBER(10))
ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY ..  ALTER TABLE T ADD CONSTRAINT FK FOREIGN KEY ..
ALTER TABLE t WITH NOCHECK ADD CONSTRAINT ...   ALTER TABLE T ADD CONSTRAINT ... ENABLE NOVALIDATE
ALTER TABLE t ALTER COLUMN c VARCHAR(10) NULL   ALTER TABLE T MODIFY (C VARCHAR2(10 CHAR) NULL)
ALTER TABLE t DROP COLUMN c                     ALTER TABLE T DROP COLUMN C
ALTER TABLE t DROP CONSTRAINT x                 ALTER TABLE T DROP CONSTRAINT X
ALTER TABLE t CHECK CONSTRAINT x                ALTER TABLE T ENABLE NOVALIDATE CONSTRAINT X
ALTER TABLE t WITH CHECK CHECK CONSTRAINT x     ALTER TABLE T ENABLE VALIDATE CONSTRAINT X
ALTER TABLE t NOCHECK CONSTRAINT x              ALTER TABLE T DISABLE CONSTRAINT X
==============================================  ===============================================

T-SQL ``CHECK CONSTRAINT`` re-enables without checking existing rows, which is Oracle's
NOVALIDATE. ``ALTER COLUMN`` without NULL/NOT NULL makes a T-SQL column nullable, while
Oracle's MODIFY keeps the current nullability (NOTE). ``CHECK CONSTRAINT ALL`` has no
single Oracle statement: marked.
"""

from sqlglot import exp

from migrator.frontend.parse_ddl import AlterConstraintState
from migrator.rulebook import define, transform

RULE = define("TS0107", "ddl.alter_table", "ddl", __doc__)


@transform(RULE, exp.Alter, order="pre")
def alter_table(node, ctx):
    if (node.args.get("kind") or "").upper() != "TABLE":
        return node
    if node.meta.get("tsql_check") == "NOCHECK":
        ctx.fixed(RULE, node, "WITH NOCHECK: constraint added ENABLE NOVALIDATE (existing rows not checked)")
    for action in node.args.get("actions") or []:
        if isinstance(action, exp.AlterColumn):
            if action.args.get("dtype") is None:
                ctx.todo(RULE, node, "ALTER COLUMN without a new data type has no Oracle form")
            if action.args.get("allow_null") is None:
                ctx.note(RULE, node, f"ALTER COLUMN {action.name} without NULL/NOT NULL makes the T-SQL column "
                                     "nullable; Oracle MODIFY keeps its current nullability")
            elif action.args.get("allow_null") is False and ctx.catalog is not None:
                col = ctx.catalog.column(node.this.name, action.name) if isinstance(node.this, exp.Table) else None
                if col is not None and col.get("nullable") is False:
                    action.set("allow_null", None)
                    ctx.fixed(RULE, node, f"NOT NULL left out: {action.name} is NOT NULL already (Oracle raises "
                                          "ORA-01442 when it is restated)")
                elif col is None:
                    ctx.note(RULE, node, f"ALTER COLUMN {action.name} ... NOT NULL: Oracle raises ORA-01442 if the "
                                         "column is NOT NULL already; remove NOT NULL then")
            if action.args.get("collate"):
                ctx.todo(RULE, node, "ALTER COLUMN ... COLLATE: map the collation by hand")
        elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() not in {"COLUMN", "CONSTRAINT"}:
            ctx.todo(RULE, node, f"ALTER TABLE DROP {action.args.get('kind')} has no Oracle form")
        elif not isinstance(action, (exp.ColumnDef, exp.AddConstraint, exp.AlterColumn, exp.Drop)):
            ctx.todo(RULE, node, f"ALTER TABLE {action.key.upper()} is not converted")
    return node


@transform(RULE, AlterConstraintState, order="pre")
def constraint_state(node, ctx):
    if any(c.name.upper() == "ALL" and not c.args.get("quoted") for c in node.expressions):
        ctx.todo(RULE, node, "CHECK/NOCHECK CONSTRAINT ALL: Oracle enables/disables constraints one by one "
                             "(loop over USER_CONSTRAINTS)")
    ctx.fixed(RULE, node, "CHECK/NOCHECK CONSTRAINT became ENABLE/DISABLE CONSTRAINT")
    return node
