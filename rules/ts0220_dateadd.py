"""Convert DATEADD to ADD_MONTHS or interval arithmetic.

T-SQL → Oracle::

    DATEADD(year, n, d)     → ADD_MONTHS(d, n * 12)
    DATEADD(quarter, n, d)  → ADD_MONTHS(d, n * 3)
    DATEADD(month, n, d)    → ADD_MONTHS(d, n)
    DATEADD(week, n, d)     → d + NUMTODSINTERVAL(n * 7, 'DAY')
    DATEADD(day, n, d)      → d + NUMTODSINTERVAL(n, 'DAY')       (also dayofyear, weekday)
    DATEADD(hour, n, d)     → d + NUMTODSINTERVAL(n, 'HOUR')      (minute, second alike)
    DATEADD(ms, n, d)       → d + NUMTODSINTERVAL(n / 1000, 'SECOND')

Interval arithmetic keeps a TIMESTAMP a TIMESTAMP (``d + n`` would turn it into a DATE
and drop the fractions). ``ADD_MONTHS`` returns a DATE and moves a last day of a month
to the last day of the target month (T-SQL: 2021-02-28 + 1 month = 2021-03-28, Oracle
2021-03-31): a NOTE says so. A date string argument becomes a DATE/TIMESTAMP literal.
"""

from sqlglot import exp

from migrator.backend.functions import call, date_literal, datepart, in_place, lit, paren
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform

RULE = define("TS0220", "functions.dateadd", "functions", __doc__)

_MONTHS = {"YEAR": 12, "QUARTER": 3, "MONTH": 1}
_INTERVAL = {"DAY": ("DAY", 1), "DAYOFYEAR": ("DAY", 1), "WEEKDAY": ("DAY", 1), "WEEK": ("DAY", 7),
             "HOUR": ("HOUR", 1), "MINUTE": ("MINUTE", 1), "SECOND": ("SECOND", 1),
             "MILLISECOND": ("SECOND", 1000), "MICROSECOND": ("SECOND", 1000000),
             "NANOSECOND": ("SECOND", 1000000000)}


def _scaled(n: exp.Expression, factor: int, divide: bool = False) -> exp.Expression:
    if factor == 1:
        return n
    if isinstance(n, exp.Literal) and not n.is_string and n.name.lstrip("-").isdigit() and not divide:
        return lit(int(n.name) * factor)
    op = exp.Div if divide else exp.Mul
    return op(this=paren(n), expression=lit(factor))


def date_arg(node: exp.Expression) -> exp.Expression:
    return date_literal(node) or node


@transform(RULE, TsqlCall)
def dateadd(node: TsqlCall, ctx):
    if node.name != "DATEADD":
        return node
    if len(node.expressions) != 3:
        ctx.todo(RULE, node, "DATEADD needs three arguments")
    part, n, d = node.expressions
    unit = datepart(part)
    d = date_arg(d)
    if unit in _MONTHS:
        ctx.note(RULE, node, "DATEADD(month/quarter/year) → ADD_MONTHS: the result is a DATE, and a last day "
                             "of a month stays the last day (T-SQL keeps the day number)")
        return call("ADD_MONTHS", d, _scaled(n, _MONTHS[unit]))
    if unit in _INTERVAL:
        iv, factor = _INTERVAL[unit]
        amount = _scaled(n, factor, divide=iv == "SECOND" and factor > 1) if unit != "WEEK" else _scaled(n, 7)
        return in_place(exp.Add(this=paren(d), expression=call("NUMTODSINTERVAL", amount, lit(iv))), node)
    ctx.todo(RULE, node, f"DATEADD({part.name}): no Oracle form")
