"""CREATE TABLE #temp is marked for now: temporary tables are converted with procedures.

T-SQL::

    CREATE TABLE #work (id INT)

Oracle: ``-- MIGRATION TODO [TS0115]`` with the original commented out. Oracle's
counterpart is a global temporary table created once (CONVERSION-POLICY), which the
procedural conversion emits in a setup file.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0115", "ddl.temp_table", "ddl", __doc__)


@transform(RULE, exp.Create, order="pre")
def temp_table(node, ctx):
    if (node.args.get("kind") or "").upper() != "TABLE":
        return node
    table = node.this.this if isinstance(node.this, exp.Schema) else node.this
    if isinstance(table, exp.Table) and (table.name.startswith("#") or table.this.args.get("temporary")):
        ctx.todo(RULE, node, f"temporary table #{table.name.lstrip('#')}: converted with the procedures that use it "
                             "(global temporary table)")
    return node
