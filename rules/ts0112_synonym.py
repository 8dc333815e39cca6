"""CREATE SYNONYM s FOR [schema.]obj becomes CREATE OR REPLACE SYNONYM.

T-SQL::

    CREATE SYNONYM dbo.Cust FOR dbo.Customers

Oracle::

    CREATE OR REPLACE SYNONYM CUST FOR CUSTOMERS

A synonym for an object in another database (three- or four-part name) needs a
database link or a schema mapping: marked (TS0010).
"""

from migrator.frontend.parse_ddl import CreateSynonym
from migrator.rulebook import define, transform

RULE = define("TS0112", "ddl.synonym", "ddl", __doc__)


@transform(RULE, CreateSynonym, order="pre")
def synonym(node, ctx):
    target = node.expression
    if target.args.get("catalog") is not None:
        ctx.todo(RULE, node, f"synonym for {target.sql(dialect='tsql')} in another database: map it to a schema "
                             "or a database link by hand")
    ctx.fixed(RULE, node, "CREATE SYNONYM became CREATE OR REPLACE SYNONYM")
    return node
