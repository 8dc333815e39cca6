"""References to temp tables, table variables and table-valued parameters → their Oracle names.

T-SQL::

    SELECT w.Id, #Work.Name FROM #Work w JOIN @t t ON t.Id = w.Id
    SELECT Id FROM @ids            -- @ids: dbo.IdList READONLY parameter

Oracle::

    SELECT W.ID, TT_WORK.NAME FROM TT_WORK W JOIN TT_P_T T ON T.ID = W.ID
    SELECT ID FROM TABLE(p_ids)

The names come from the routine's temp tables (TS0670); a ``#temp`` table created by a
caller is looked up in the project (noted); one created nowhere is marked TODO (its columns
are unknown). Outside routines, a ``#temp`` table created by a script of the project maps to
the same global temporary table.
"""

from sqlglot import exp

from migrator.rulebook import Unconvertible, define, transform

RULE = define("TS0671", "procedural.temp_table_refs", "procedural", __doc__)


def _ident(name: str) -> exp.Identifier:
    ident = exp.Identifier(this=name, quoted=False)
    ident.meta["mapped"] = True
    return ident


def _oracle_name(key: str, node, ctx) -> str:
    from migrator.plsql import temp_tables

    names = getattr(ctx, "temp_tables", None)
    if names is not None and key in names:
        return names[key]
    resolver = getattr(ctx, "temp_resolver", None)
    try:
        if resolver is not None:
            return resolver(key, node)
        defs = temp_tables.project_definitions(ctx.catalog, key)
        if not defs:
            ctx.todo(RULE, node, f"temp table {key} is not created anywhere in the project: its columns are unknown")
        name = temp_tables.project_name(ctx.catalog, key, None, None)
        ctx.note(RULE, node, f"{key} is created elsewhere ({', '.join(sorted(defs))}): global temporary table {name}")
        if names is not None:
            names[key] = name
        return name
    except Unconvertible as u:
        ctx.todo(RULE, node, u.message)


@transform(RULE, exp.Table, order="pre")
def table_ref(node: exp.Table, ctx):
    from migrator.plsql.temp_tables import temp_key

    this = node.this
    if isinstance(this, exp.Parameter) and isinstance(this.this, exp.Var):
        raw = this.this.name.casefold()
        params = getattr(ctx, "table_params", None) or {}
        if raw in params:
            fn = exp.Anonymous(this="TABLE", expressions=[exp.Var(this=params[raw])])
            fn.meta["oracle_ok"] = True
            node.set("this", fn)
            return node
        names = getattr(ctx, "temp_tables", None) or {}
        if "@" + raw in names:
            node.set("this", _ident(names["@" + raw]))
            return node
        if getattr(ctx, "variables", None) is not None:
            ctx.todo(RULE, node, f"table variable @{this.this.name} is not declared in this routine")
        return node
    key = temp_key(this)
    if key is None:
        return node
    node.set("this", _ident(_oracle_name(key, node, ctx)))
    node.set("db", None)
    node.set("catalog", None)  # tempdb..#t
    return node


@transform(RULE, exp.Column, order="pre")
def column_ref(node: exp.Column, ctx):
    from migrator.plsql.temp_tables import temp_key

    key = temp_key(node.args.get("table"))
    if key is None:
        return node
    node.set("table", _ident(_oracle_name(key, node, ctx)))
    return node


@transform(RULE, exp.Drop, exp.TruncateTable, order="pre")
def drop_temp(node, ctx):
    """DROP / TRUNCATE TABLE #t in a plain script → DELETE FROM TT_T (the table stays; TRUNCATE commits)."""
    from migrator.plsql.temp_tables import temp_key

    tables = node.args.get("tables") if isinstance(node, exp.Drop) else node.expressions
    keys = [temp_key(t.this) if isinstance(t, exp.Table) else None for t in tables or []]
    if not keys or all(k is None for k in keys):
        return node
    if len(keys) != 1 or keys[0] is None:
        ctx.todo(RULE, node, "DROP/TRUNCATE of several tables including a temp table: one statement per table")
    ctx.fixed(RULE, node, f"DROP/TRUNCATE TABLE {keys[0]} → DELETE of its rows (the global temporary table stays)")
    return exp.Delete(this=exp.Table(this=exp.Identifier(this=_oracle_name(keys[0], node, ctx), quoted=False)))
