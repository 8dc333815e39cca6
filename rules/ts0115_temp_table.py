"""CREATE TABLE #temp in a plain script → global temporary table in the setup script.

T-SQL::

    CREATE TABLE #work (id INT)

Oracle (the file; the table is created once by ``migration-setup.sql``)::

    DELETE FROM TT_WORK;

    -- setup: CREATE GLOBAL TEMPORARY TABLE TT_WORK (ID NUMBER(10)) ON COMMIT PRESERVE ROWS;

Oracle has no tables created at run time for one session: a global temporary table is
created once and its rows are private to each session (CONVERSION-POLICY). The script
clears the rows where T-SQL created the table. Inside routines and scripts with
procedural code the same conversion is done by TS0670; references are renamed by TS0671.
"""

from sqlglot import exp

from migrator.rulebook import Unconvertible, define, transform

RULE = define("TS0115", "ddl.temp_table", "ddl", __doc__)

_ENGINE = []


@transform(RULE, exp.Create, order="pre")
def temp_table(node, ctx):
    from migrator.plsql import temp_tables as tt

    if (node.args.get("kind") or "").upper() != "TABLE":
        return node
    table = node.this.this if isinstance(node.this, exp.Schema) else node.this
    key = tt.temp_key(table.this) if isinstance(table, exp.Table) else None
    if key is None:
        return node
    if not isinstance(node.this, exp.Schema) or node.expression is not None:
        ctx.todo(RULE, node, f"temporary table {key}: form not understood")
    definition = tt._norm(node.sql(dialect="tsql"))
    try:
        name = tt.project_name(ctx.catalog, key, None, None)
    except Unconvertible as u:
        ctx.todo(RULE, node, u.message)
    create = node.copy()
    create.this.set("this", tt._table(name))
    create.set("properties", None)
    tt.strip_foreign_keys(ctx, create.this, name)
    from migrator.rulebook import Engine

    if not _ENGINE:
        _ENGINE.append(Engine())
    saved = ctx.variables
    ctx.variables = None
    try:
        tree = _ENGINE[0].apply(create, ctx)
    finally:
        ctx.variables = saved
    from migrator.backend.oracle import generate

    text = generate(tree).rstrip().rstrip(";")
    ctx.setup[f"20-gtt-{name}"] = "CREATE GLOBAL TEMPORARY TABLE " + text[len("CREATE TABLE "):] + \
        "\nON COMMIT PRESERVE ROWS;"
    ctx.fixed(RULE, node, f"temp table {key} → global temporary table {name} (setup script); its rows are cleared "
                          "here")
    del definition
    return exp.Delete(this=tt._table(name))
