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
Oracle's MODIFY keeps the current nullability (NOTE).

``NOCHECK CONSTRAINT ALL`` / ``[WITH CHECK] CHECK CONSTRAINT ALL`` (the foreign key and check
constraints of the table) have no single Oracle statement: they become a block that loops over
the table's constraints in the data dictionary, leaving out Oracle's NOT NULL constraints
(a T-SQL NOT NULL is no constraint and NOCHECK leaves it alone)::

    BEGIN
      FOR c IN (SELECT CONSTRAINT_NAME FROM USER_CONSTRAINTS WHERE TABLE_NAME = 'T'
                AND (CONSTRAINT_TYPE = 'R' OR CONSTRAINT_TYPE = 'C'
                     AND SEARCH_CONDITION_VC NOT LIKE '% IS NOT NULL')) LOOP
        EXECUTE IMMEDIATE 'ALTER TABLE T DISABLE CONSTRAINT "' || c.CONSTRAINT_NAME || '"';
      END LOOP;
    END;
    /

``sp_rename`` (script level) becomes the matching DDL; the new name goes through the
project's name map::

    EXEC sp_rename 'dbo.Orders', 'SalesOrders'                  → ALTER TABLE ORDERS RENAME TO SALESORDERS
    EXEC sp_rename 'dbo.Orders.Qty', 'Quantity', 'COLUMN'       → ALTER TABLE ORDERS RENAME COLUMN QTY TO QUANTITY
    EXEC sp_rename 'dbo.Orders.IX_Qty', 'IX_Quantity', 'INDEX'  → ALTER INDEX IX_QTY RENAME TO IX_QUANTITY

An object that is not a table of the catalog (a view, a procedure, a constraint: 'OBJECT')
is marked TODO: Oracle renames each kind differently, and other code must follow the rename.
"""

from sqlglot import exp

from migrator.frontend.parse_ddl import AlterConstraintState
from migrator.frontend.dialect import word
from migrator.frontend.nodes import Statement
from migrator.rulebook import define, transform, unit_transform

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


_STATE = {("NOCHECK", False): "DISABLE", ("CHECK", False): "ENABLE NOVALIDATE", ("CHECK", True): "ENABLE VALIDATE"}


@unit_transform(RULE, Statement)
def constraint_state_all(node: Statement, ctx, project):
    """ALTER TABLE t [WITH CHECK] {CHECK|NOCHECK} CONSTRAINT ALL → a loop over the dictionary."""
    toks = [t for t in node.tokens if t.text != ";"]
    words = [word(t) for t in toks]
    if len(toks) < 6 or words[:2] != ["ALTER", "TABLE"] or words[-2:] != ["CONSTRAINT", "ALL"]:
        return None
    from migrator.plsql.header import _qualified

    schema, table, i = _qualified(toks, 2)
    rest = words[i:-2]
    validate = rest[:2] == ["WITH", "CHECK"]
    if rest[:2] in (["WITH", "CHECK"], ["WITH", "NOCHECK"]):
        rest = rest[2:]
    if rest not in (["CHECK"], ["NOCHECK"]) or (rest == ["NOCHECK"] and validate):
        return None
    state = _STATE[(rest[0], validate)]
    name = project.names.name(table.strip('[]"'))
    owner = project.names.schema(schema.strip('[]"')) if schema else None
    target = f"{owner}.{name}" if owner else name
    view = f"ALL_CONSTRAINTS WHERE OWNER = '{owner}' AND" if owner else "USER_CONSTRAINTS WHERE"
    ctx.fixed(RULE, None, f"{rest[0]} CONSTRAINT ALL → {state} each foreign key and check constraint of {name}")
    return (f"BEGIN\n"
            f"  FOR c IN (SELECT CONSTRAINT_NAME FROM {view} TABLE_NAME = '{name}'\n"
            f"            AND (CONSTRAINT_TYPE = 'R' OR CONSTRAINT_TYPE = 'C'\n"
            f"                 AND SEARCH_CONDITION_VC NOT LIKE '% IS NOT NULL')) LOOP\n"
            f"    EXECUTE IMMEDIATE 'ALTER TABLE {target} {state} CONSTRAINT \"' || c.CONSTRAINT_NAME || '\"';\n"
            f"  END LOOP;\n"
            f"END;\n/")


_STRINGS = {"STRING", "NATIONAL_STRING"}


def _sp_rename_args(toks) -> dict | None:
    """objname/newname/objtype of ``EXEC sp_rename`` (positional or @name = literal)."""
    names = ["objname", "newname", "objtype"]
    out, i, pos = {}, 2, 0
    while i < len(toks):
        key = None
        if toks[i].text == "@" and i + 3 < len(toks) and toks[i + 2].text == "=":
            key, i = toks[i + 1].text.lower(), i + 3
        elif toks[i].text.startswith("@") and i + 2 < len(toks) and toks[i + 1].text == "=":
            key, i = toks[i].text[1:].lower(), i + 2
        if toks[i].token_type.name not in _STRINGS:
            return None
        if key is None:
            if pos >= len(names):
                return None
            key = names[pos]
        out[key] = toks[i].text
        pos += 1
        i += 1
        if i < len(toks):
            if toks[i].text != ",":
                return None
            i += 1
    return out if "objname" in out and "newname" in out else None


@unit_transform(RULE, Statement)
def sp_rename(node: Statement, ctx, project):
    toks = [t for t in node.tokens if t.text != ";"]
    if len(toks) < 4 or word(toks[0]) not in ("EXEC", "EXECUTE") or \
            toks[1].text.strip("[]").lower().split(".")[-1] != "sp_rename":
        return None
    args = _sp_rename_args(toks)
    if args is None:
        ctx.todo(RULE, None, "sp_rename with computed arguments: rename with ALTER TABLE/INDEX ... RENAME by hand")
    parts = [p.strip("[]\"") for p in args["objname"].split(".")]
    new = args["newname"].strip("[]\"")
    kind = (args.get("objtype") or "").upper()
    if kind == "COLUMN" and len(parts) >= 2:
        table, col = parts[-2], parts[-1]
        ctx.fixed(RULE, None, f"sp_rename of column {table}.{col} → ALTER TABLE ... RENAME COLUMN")
        return f"ALTER TABLE {_owned(project, parts[:-1])} RENAME COLUMN {project.names.name(col)} TO " \
               f"{project.names.name(new)};"
    if kind == "INDEX" and len(parts) >= 2:
        schema = parts[-3] if len(parts) >= 3 else None
        index = _owned(project, [schema, parts[-1]] if schema else [parts[-1]])
        ctx.fixed(RULE, None, f"sp_rename of index {parts[-1]} → ALTER INDEX ... RENAME TO")
        return f"ALTER INDEX {index} RENAME TO {project.names.name(new)};"
    if not kind and project.catalog.tables.get(parts[-1].casefold()) is not None:
        ctx.fixed(RULE, None, f"sp_rename of table {parts[-1]} → ALTER TABLE ... RENAME TO")
        return f"ALTER TABLE {_owned(project, parts)} RENAME TO {project.names.name(new)};"
    ctx.todo(RULE, None, f"sp_rename of {args['objname']} ({kind or 'not a table of the project'}): rename it by "
                         "hand (RENAME for views and sequences, ALTER TABLE ... RENAME CONSTRAINT, or re-create "
                         "the procedure/function under the new name)")


def _owned(project, parts: list[str]) -> str:
    name = project.names.name(parts[-1])
    owner = project.names.schema(parts[-2]) if len(parts) >= 2 else None
    return f"{owner}.{name}" if owner else name
