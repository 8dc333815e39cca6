"""SELECT ... INTO newtable FROM ... becomes CREATE TABLE newtable AS SELECT ...; INSERT ... DEFAULT VALUES is spelled out.

T-SQL::

    SELECT id, name INTO archive FROM customers WHERE active = 0
    INSERT INTO audit DEFAULT VALUES

Oracle::

    CREATE TABLE ARCHIVE AS SELECT ID, NAME FROM CUSTOMERS WHERE ACTIVE = 0
    INSERT INTO AUDIT (ID) VALUES (DEFAULT)

CTAS copies column types and NOT NULL but, like SELECT INTO, no keys or defaults; an
IDENTITY column of the source becomes a plain column in Oracle (SELECT INTO keeps the
identity property): noted. ``SELECT ... INTO #temp`` is marked (temporary tables are a
procedural conversion). ``DEFAULT VALUES`` names the table's first column from the catalog
(``VALUES (DEFAULT)`` for one column sets every column to its default, as in T-SQL); without
the table in the catalog it is marked.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0416", "dml.select_into", "dml", __doc__)


@transform(RULE, exp.Select, order="pre")
def select_into(node: exp.Select, ctx):
    into = node.args.get("into")
    if into is None or not isinstance(into.this, exp.Table):
        return node
    table = into.this
    if table.name.startswith("#") or into.args.get("temporary"):
        ctx.todo(RULE, node, f"SELECT ... INTO {table.name}: temporary tables are converted with the procedure "
                             "that uses them")
    if not isinstance(node.parent, (type(None),)):
        ctx.todo(RULE, node, "SELECT ... INTO inside another statement")
    query = node.copy()
    query.set("into", None)
    ctx.note(RULE, node, f"SELECT ... INTO {table.name} → CREATE TABLE AS SELECT: an IDENTITY column is copied as "
                         "a plain column; add keys, defaults and identity by hand")
    return exp.Create(this=table.copy(), kind="TABLE", expression=query)


@transform(RULE, exp.Insert, order="pre")
def default_values(node: exp.Insert, ctx):
    if not node.args.get("default"):
        return node
    table = node.this
    info = ctx.catalog.table(table.name) if ctx.catalog else None
    cols = list((info or {}).get("columns", {}).values())
    if not cols:
        ctx.todo(RULE, node, f"INSERT ... DEFAULT VALUES: table {table.name} is not in the catalog; name a column")
    node.set("default", None)
    node.set("this", exp.Schema(this=table.copy(), expressions=[exp.to_identifier(cols[0]["name"])]))
    node.set("expression", exp.Values(expressions=[exp.Tuple(expressions=[exp.var("DEFAULT")])]))
    ctx.fixed(RULE, node, "DEFAULT VALUES → (first column) VALUES (DEFAULT)")
    return node
