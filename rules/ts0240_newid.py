"""Convert NEWID() and NEWSEQUENTIALID() to SYS_GUID().

T-SQL → Oracle::

    NEWID()             → SYS_GUID()                                  (guid = raw16, the default)
    NEWID()             → REGEXP_REPLACE(RAWTOHEX(SYS_GUID()),
                            '(.{8})(.{4})(.{4})(.{4})(.{12})', '\\1-\\2-\\3-\\4-\\5')   (guid = varchar36)

``SYS_GUID()`` returns RAW(16), the default mapping of UNIQUEIDENTIFIER. With the
``guid = "varchar36"`` option the value is formatted as the 36-character text T-SQL shows
(upper-case hex). ``NEWSEQUENTIALID()`` values are not ordered the same way: a NOTE.

``ORDER BY NEWID()`` is the T-SQL idiom for a random order; ``SYS_GUID()`` values are not
random (they increase on many platforms), so there it becomes ``DBMS_RANDOM.VALUE``
(also in ``OVER (ORDER BY NEWID())``).
"""

from sqlglot import exp

from migrator.backend.functions import call, lit, tsql_name
from migrator.backend.nodes import OracleRaw
from migrator.rulebook import define, transform

RULE = define("TS0240", "functions.newid", "functions", __doc__)


def _guid(ctx) -> exp.Expression:
    g = call("SYS_GUID")
    if getattr(ctx.config, "guid", "raw16") == "varchar36":
        return call("REGEXP_REPLACE", call("RAWTOHEX", g), lit("(.{8})(.{4})(.{4})(.{4})(.{12})"),
                    lit("\\1-\\2-\\3-\\4-\\5"))
    return g


@transform(RULE, exp.Uuid)
def newid(node, ctx):
    if isinstance(node.parent, exp.Ordered):
        ctx.fixed(RULE, node, "ORDER BY NEWID() (random order) → ORDER BY DBMS_RANDOM.VALUE")
        node.parent.set("nulls_first", False)  # never NULL: no NULLS FIRST noise
        return OracleRaw(this="DBMS_RANDOM.VALUE")
    return _guid(ctx)


@transform(RULE, exp.Anonymous)
def newsequentialid(node, ctx):
    if tsql_name(node) == "NEWSEQUENTIALID" and not node.expressions:
        ctx.note(RULE, node, "NEWSEQUENTIALID → SYS_GUID: the values do not sort in creation order")
        return _guid(ctx)
    return node
