"""Convert DATEPART, YEAR/MONTH/DAY and DATENAME to NLS-independent Oracle forms.

T-SQL → Oracle::

    YEAR(d), DATEPART(year, d)     → EXTRACT(YEAR FROM d)          (month, day alike)
    DATEPART(quarter, d)           → TO_NUMBER(TO_CHAR(d, 'Q'))
    DATEPART(dayofyear, d)         → TO_NUMBER(TO_CHAR(d, 'DDD'))
    DATEPART(hour, d)              → TO_NUMBER(TO_CHAR(d, 'HH24'))  (minute 'MI', second 'SS')
    DATEPART(weekday, d)           → MOD(TRUNC(d) - TRUNC(d, 'IW') + 1, 7) + 1
    DATEPART(week, d)              → (TRUNC(d + 1, 'IW') - TRUNC(TRUNC(d, 'YYYY') + 1, 'IW')) / 7 + 1
    DATEPART(iso_week, d)          → TO_NUMBER(TO_CHAR(d, 'IW'))
    DATENAME(month, d)             → TO_CHAR(d, 'FMMonth', 'NLS_DATE_LANGUAGE=ENGLISH')
    DATENAME(weekday, d)           → TO_CHAR(d, 'FMDay', 'NLS_DATE_LANGUAGE=ENGLISH')
    DATENAME(year, d)              → TO_CHAR(EXTRACT(YEAR FROM d))

``EXTRACT(HOUR ...)`` fails on an Oracle DATE, hence ``TO_CHAR`` for time parts.
``weekday``/``week`` assume ``SET DATEFIRST 7`` (the us_english default: Sunday = 1); a NOTE
says so. ``DATENAME`` is English here, as under the default T-SQL language; a NOTE says so.
"""

from sqlglot import exp

from migrator.backend.functions import call, datepart, in_place, lit, paren
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform
from rules.ts0220_dateadd import date_arg

RULE = define("TS0222", "functions.datepart", "functions", __doc__)

_FMT = {"QUARTER": "Q", "DAYOFYEAR": "DDD", "HOUR": "HH24", "MINUTE": "MI", "SECOND": "SS", "ISO_WEEK": "IW"}


def part_of(unit: str, d: exp.Expression, node, ctx) -> exp.Expression:
    if unit in {"YEAR", "MONTH", "DAY"}:
        return exp.Extract(this=exp.var(unit), expression=d)
    if unit in _FMT:
        return call("TO_NUMBER", call("TO_CHAR", d, lit(_FMT[unit])))
    if unit == "WEEKDAY":
        ctx.note(RULE, node, "DATEPART(weekday) assumes SET DATEFIRST 7 (Sunday = 1)")
        inner = exp.Add(this=exp.Sub(this=exp.Trunc(this=d), expression=exp.Trunc(this=d.copy(), decimals=lit("IW"))),
                        expression=lit(1))
        return in_place(exp.Add(this=exp.Mod(this=inner, expression=lit(7)), expression=lit(1)), node)
    if unit == "WEEK":
        ctx.note(RULE, node, "DATEPART(week) assumes SET DATEFIRST 7 (weeks start on Sunday)")
        plus1 = lambda x: exp.Add(this=paren(x), expression=lit(1))  # noqa: E731
        first = exp.Trunc(this=d.copy(), decimals=lit("YYYY"))
        weeks = exp.Sub(this=exp.Trunc(this=plus1(d), decimals=lit("IW")),
                        expression=exp.Trunc(this=plus1(first), decimals=lit("IW")))
        return exp.Paren(this=exp.Add(this=exp.Div(this=exp.Paren(this=weeks), expression=lit(7)), expression=lit(1)))
    ctx.todo(RULE, node, f"DATEPART({unit.lower()}): no exact Oracle form; write it by hand")


@transform(RULE, TsqlCall)
def datepart_(node: TsqlCall, ctx):
    name, args = node.name, node.expressions
    if name in {"YEAR", "MONTH", "DAY"} and len(args) == 1:
        return part_of(name, date_arg(args[0]), node, ctx)
    if name == "DATEPART" and len(args) == 2:
        return part_of(datepart(args[0]) or args[0].name.upper(), date_arg(args[1]), node, ctx)
    if name == "DATENAME" and len(args) == 2:
        unit, d = datepart(args[0]) or args[0].name.upper(), date_arg(args[1])
        if unit in {"MONTH", "WEEKDAY"}:
            ctx.note(RULE, node, "DATENAME gives English names here (T-SQL follows SET LANGUAGE)")
            fmt = "FMMonth" if unit == "MONTH" else "FMDay"
            return call("TO_CHAR", d, lit(fmt), lit("NLS_DATE_LANGUAGE=ENGLISH"))
        return call("TO_CHAR", part_of(unit, d, node, ctx))
    return node
