"""T-SQL MERGE becomes Oracle MERGE: ON in parentheses, AND conditions as WHERE; unsupported branches marked.

T-SQL::

    MERGE t AS tgt USING s ON tgt.id = s.id
    WHEN MATCHED AND s.x = 1 THEN UPDATE SET tgt.a = s.a
    WHEN NOT MATCHED THEN INSERT (id, a) VALUES (s.id, s.a);

Oracle::

    MERGE INTO T TGT USING S ON (TGT.ID = S.ID)
    WHEN MATCHED THEN UPDATE SET TGT.A = S.A WHERE S.X = 1
    WHEN NOT MATCHED THEN INSERT (ID, A) VALUES (S.ID, S.A)

Marked (no exact Oracle form): ``WHEN NOT MATCHED BY SOURCE`` (needs a separate DELETE/UPDATE),
``WHEN MATCHED THEN DELETE`` and two ``WHEN MATCHED`` branches (Oracle has one, with
``UPDATE ... DELETE WHERE`` that only sees updated rows), and updating a column used in the ON
clause (ORA-38104).
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0415", "dml.merge", "dml", __doc__)


@transform(RULE, exp.Merge, order="pre")
def merge(node: exp.Merge, ctx):
    if node.meta.get("tsql_update_from"):
        return node
    on = node.args.get("on")
    whens = node.args.get("whens")
    matched = [w for w in whens.expressions if w.args.get("matched")]
    if len(matched) > 1:
        ctx.todo(RULE, node, "MERGE with two WHEN MATCHED branches: Oracle allows one")
    target = node.this
    tname = (target.alias or target.name).casefold()
    on_cols = {c.name.casefold() for c in on.find_all(exp.Column)
               if not c.table or c.table.casefold() == tname}
    for w in whens.expressions:
        then = w.args.get("then")
        cond = w.args.get("condition")
        if w.args.get("source"):
            ctx.todo(RULE, node, "MERGE ... WHEN NOT MATCHED BY SOURCE: Oracle MERGE has no such branch; "
                                 "add a separate DELETE/UPDATE")
        if isinstance(then, exp.Var) and then.name.upper() == "DELETE" or isinstance(then, exp.Delete):
            ctx.todo(RULE, node, "MERGE ... THEN DELETE: Oracle deletes only rows it updated "
                                 "(UPDATE SET ... DELETE WHERE ...)")
        if isinstance(then, exp.Update):
            for eq in then.expressions:
                if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column) and \
                        eq.this.name.casefold() in on_cols:
                    ctx.todo(RULE, node, f"MERGE updates {eq.this.name}, a column of its ON clause (ORA-38104)")
        if cond is not None and isinstance(then, (exp.Update, exp.Insert)):
            then.set("where", exp.Where(this=cond.copy()))
            w.set("condition", None)
            ctx.fixed(RULE, node, "WHEN ... AND condition → WHERE condition")
    if not isinstance(on, exp.Paren):
        node.set("on", exp.Paren(this=on.copy()))
    return node
