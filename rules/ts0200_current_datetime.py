"""Convert the current date/time functions to Oracle's server clock.

T-SQL → Oracle::

    GETDATE(), CURRENT_TIMESTAMP                  → CAST(SYSTIMESTAMP AS TIMESTAMP(3))
    SYSDATETIME()                                 → CAST(SYSTIMESTAMP AS TIMESTAMP(7))
    SYSDATETIMEOFFSET()                           → SYSTIMESTAMP
    GETUTCDATE(), SYSUTCDATETIME()                → SYS_EXTRACT_UTC(SYSTIMESTAMP)
    CAST(GETDATE() AS DATE)                       → TRUNC(SYSDATE)

Why SYSTIMESTAMP and not LOCALTIMESTAMP: T-SQL's ``GETDATE()`` is the database server's
clock, whatever the client's time zone; ``SYSTIMESTAMP`` is the database server's clock
too, while ``LOCALTIMESTAMP``/``CURRENT_TIMESTAMP`` follow the session's time zone, which
each client sets. But ``SYSTIMESTAMP`` is a ``TIMESTAMP WITH TIME ZONE`` (the server's
offset): compared with a ``TIMESTAMP`` column (``WHERE OrderDate < SYSTIMESTAMP``), Oracle
converts the column to ``TIMESTAMP WITH TIME ZONE`` in the *session* time zone, so the test
shifts by the difference between client and server zones. ``GETDATE()`` is a ``datetime``
with no zone: ``CAST(SYSTIMESTAMP AS TIMESTAMP(3))`` keeps the server's wall-clock time and
drops the zone (precision 3 as ``datetime``, 7 as ``datetime2`` for ``SYSDATETIME()``).
``SYSDATETIMEOFFSET()`` has an offset: ``SYSTIMESTAMP`` as it is. ``SYS_EXTRACT_UTC`` returns
a ``TIMESTAMP`` already.
"""

from sqlglot import exp

from migrator.backend.functions import call, tsql_name
from migrator.backend.nodes import OracleRaw, OracleType
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform

RULE = define("TS0200", "functions.current_datetime", "functions", __doc__)

_UTC = {"GETUTCDATE", "SYSUTCDATETIME"}


@transform(RULE, exp.CurrentTimestamp, exp.CurrentTimestampLTZ)
def now(node, ctx):
    if isinstance(node, exp.CurrentTimestampLTZ):
        return exp.Systimestamp()  # SYSDATETIMEOFFSET(): a value with its offset
    # GETDATE() and SYSDATETIME() parse alike: the name token's length tells them apart
    m = node.meta
    sysdatetime = "start" in m and "end" in m and m["end"] - m["start"] + 1 == len("SYSDATETIME")
    cast = exp.Cast(this=exp.Systimestamp(), to=OracleType(this="TIMESTAMP(7)" if sysdatetime else "TIMESTAMP(3)"))
    cast.meta["ts0230"] = True
    return cast


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
