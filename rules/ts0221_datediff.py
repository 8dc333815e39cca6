"""Convert DATEDIFF with T-SQL's boundary-counting semantics.

T-SQL counts the unit boundaries crossed between two values, not elapsed time:
``DATEDIFF(year, '2020-12-31', '2021-01-01')`` is 1. T-SQL → Oracle::

    DATEDIFF(year, a, b)     → EXTRACT(YEAR FROM b) - EXTRACT(YEAR FROM a)
    DATEDIFF(quarter, a, b)  → (EXTRACT(YEAR FROM b) - EXTRACT(YEAR FROM a)) * 4
                               + TO_NUMBER(TO_CHAR(b, 'Q')) - TO_NUMBER(TO_CHAR(a, 'Q'))
    DATEDIFF(month, a, b)    → MONTHS_BETWEEN(TRUNC(b, 'MM'), TRUNC(a, 'MM'))
    DATEDIFF(week, a, b)     → (TRUNC(b + 1, 'IW') - TRUNC(a + 1, 'IW')) / 7   (Sunday boundaries)
    DATEDIFF(day, a, b)      → TRUNC(b) - TRUNC(a)
    DATEDIFF(hour, a, b)     → ROUND((TRUNC(b, 'HH24') - TRUNC(a, 'HH24')) * 24)
    DATEDIFF(minute, a, b)   → ROUND((TRUNC(b, 'MI') - TRUNC(a, 'MI')) * 1440)
    DATEDIFF(second, a, b)   → ROUND((TRUNC(b, 'MI') - TRUNC(a, 'MI')) * 86400)
                               + TO_NUMBER(TO_CHAR(b, 'SS')) - TO_NUMBER(TO_CHAR(a, 'SS'))

``TRUNC`` of a TIMESTAMP returns a DATE, so every difference is a NUMBER (never an
INTERVAL); ``TO_CHAR(x, 'Q'/'SS')`` and ``'IW'`` do not depend on NLS settings. Sub-second
units are marked TODO.
"""

from sqlglot import exp

from migrator.backend.functions import call, datepart, lit, paren
from migrator.backend.nodes import OracleRaw
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform
from rules.ts0220_dateadd import date_arg

RULE = define("TS0221", "functions.datediff", "functions", __doc__)


def _server_date(x):
    """GETDATE() (CAST(SYSTIMESTAMP AS TIMESTAMP(n)) after TS0200) → SYSDATE where only whole seconds
    matter: the same server clock, shorter."""
    if isinstance(x, exp.Cast) and isinstance(x.this, exp.Systimestamp):
        return OracleRaw(this="SYSDATE")
    return x.copy()


def _trunc(x, fmt=None):
    return exp.Trunc(this=_server_date(x), decimals=lit(fmt) if fmt else None)


def _num(x, fmt):
    return call("TO_NUMBER", call("TO_CHAR", _server_date(x), lit(fmt)))


def _year(x):
    return exp.Extract(this=exp.var("YEAR"), expression=_server_date(x))


def diff(unit: str, a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    sub = lambda x, y: exp.Sub(this=x, expression=y)  # noqa: E731
    if unit == "YEAR":
        return sub(_year(b), _year(a))
    if unit == "QUARTER":
        years = exp.Mul(this=exp.Paren(this=sub(_year(b), _year(a))), expression=lit(4))
        return sub(exp.Add(this=years, expression=_num(b, "Q")), _num(a, "Q"))
    if unit == "MONTH":
        return call("MONTHS_BETWEEN", _trunc(b, "MM"), _trunc(a, "MM"))
    if unit == "WEEK":
        shift = lambda x: exp.Trunc(this=exp.Add(this=paren(_server_date(x)), expression=lit(1)),  # noqa: E731
                                    decimals=lit("IW"))
        return exp.Div(this=exp.Paren(this=sub(shift(b), shift(a))), expression=lit(7))
    if unit in {"DAY", "DAYOFYEAR", "WEEKDAY"}:
        return sub(_trunc(b), _trunc(a))
    if unit in {"HOUR", "MINUTE"}:
        fmt, k = ("HH24", 24) if unit == "HOUR" else ("MI", 1440)
        return exp.Round(this=exp.Mul(this=exp.Paren(this=sub(_trunc(b, fmt), _trunc(a, fmt))), expression=lit(k)))
    if unit == "SECOND":
        mins = exp.Round(this=exp.Mul(this=exp.Paren(this=sub(_trunc(b, "MI"), _trunc(a, "MI"))),
                                      expression=lit(86400)))
        return sub(exp.Add(this=mins, expression=_num(b, "SS")), _num(a, "SS"))
    return None


@transform(RULE, TsqlCall)
def datediff(node: TsqlCall, ctx):
    if node.name not in {"DATEDIFF", "DATEDIFF_BIG"}:
        return node
    if len(node.expressions) != 3:
        ctx.todo(RULE, node, "DATEDIFF needs three arguments")
    part, a, b = node.expressions
    out = diff(datepart(part) or "", date_arg(a), date_arg(b))
    if out is None:
        ctx.todo(RULE, node, f"DATEDIFF({part.name}): no exact Oracle form; write it by hand")
    return exp.Paren(this=out) if not isinstance(out, (exp.Func, exp.Paren)) else out
