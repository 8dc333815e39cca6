"""Convert the current date/time functions to Oracle's server clock.

T-SQL → Oracle::

    GETDATE(), CURRENT_TIMESTAMP, SYSDATETIME()   → SYSTIMESTAMP
    SYSDATETIMEOFFSET()                           → SYSTIMESTAMP
    GETUTCDATE(), SYSUTCDATETIME()                → SYS_EXTRACT_UTC(SYSTIMESTAMP)
    CAST(GETDATE() AS DATE)                       → TRUNC(SYSDATE)

Why SYSTIMESTAMP and not LOCALTIMESTAMP: T-SQL's ``GETDATE()`` is the database server's
clock, whatever the client's time zone; ``SYSTIMESTAMP`` is the database server's clock
too, while ``LOCALTIMESTAMP``/``CURRENT_TIMESTAMP`` follow the session's time zone, which
each client sets. ``SYSTIMESTAMP`` carries fractional seconds (like ``SYSDATETIME()``) and
a time zone, which Oracle drops when the value is stored in a ``TIMESTAMP`` column.
"""

from sqlglot import exp

from migrator.backend.functions import call, tsql_name
from migrator.backend.nodes import OracleRaw
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform

RULE = define("TS0200", "functions.current_datetime", "functions", __doc__)

_UTC = {"GETUTCDATE", "SYSUTCDATETIME"}


@transform(RULE, exp.CurrentTimestamp, exp.CurrentTimestampLTZ)
def now(node, ctx):
    return exp.Systimestamp()


@transform(RULE, exp.Anonymous, TsqlCall)
def utc_now(node, ctx):
    if tsql_name(node) in _UTC and not node.expressions:
        return call("SYS_EXTRACT_UTC", exp.Systimestamp())
    return node


@transform(RULE, exp.Cast, order="pre")
def today(node, ctx):
    to = node.args.get("to")
    if isinstance(node.this, exp.CurrentTimestamp) and isinstance(to, exp.DataType) \
            and to.this == exp.DataType.Type.DATE:
        return exp.Trunc(this=OracleRaw(this="SYSDATE"))
    return node
