"""Table types and CLR objects: kept for later conversion, marked TODO.

T-SQL::

    CREATE TYPE dbo.IdList AS TABLE (Id INT PRIMARY KEY)
    CREATE TYPE tSQLt.Private EXTERNAL NAME tSQLtCLR.[tSQLtCLR.tSQLtPrivate]
    CREATE ASSEMBLY tSQLtCLR FROM 0x4D5A...

Oracle: ``-- MIGRATION TODO [TS0111]`` with the original commented out.

A table type (table-valued parameter) becomes an object type and a collection type
together with the procedures that use it; it is recorded in the catalog now. CLR types
and assemblies are .NET code: out of scope (CONVERSION-POLICY).
"""

from migrator.frontend.parse_ddl import ClrObject, TableTypeDef
from migrator.rulebook import define, transform

RULE = define("TS0111", "ddl.table_type", "ddl", __doc__)


@transform(RULE, TableTypeDef, order="pre")
def table_type(node, ctx):
    ctx.todo(RULE, node, f"table type {node.this.name}: table-valued parameter type, converted with procedures")
    return node


@transform(RULE, ClrObject, order="pre")
def clr(node, ctx):
    what = "CLR type" if node.text("kind") == "TYPE" else "CLR assembly"
    ctx.todo(RULE, node, f"{what} {node.this.name}: .NET code has no Oracle form (CLR objects are out of scope)")
    return node
