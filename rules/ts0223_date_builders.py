"""Convert EOMONTH, DATEFROMPARTS, DATETRUNC; mark ISDATE.

T-SQL → Oracle::

    EOMONTH(d)                → TRUNC(LAST_DAY(d))
    EOMONTH(d, n)             → TRUNC(LAST_DAY(ADD_MONTHS(d, n)))
    DATEFROMPARTS(2020, 1, 2) → DATE '2020-01-02'
    DATEFROMPARTS(y, m, d)    → TO_DATE(TO_CHAR(y, 'FM0000') || TO_CHAR(m, 'FM00') || TO_CHAR(d, 'FM00'), 'YYYYMMDD')
    DATETRUNC(month, d)       → TRUNC(d, 'MM')        (year 'YYYY', quarter 'Q', day 'DD', hour 'HH24', minute 'MI')
    ISDATE(x)                 → TODO: the accepted formats depend on SET DATEFORMAT/LANGUAGE

``EOMONTH`` returns a date without time; ``LAST_DAY`` keeps the time of its argument,
hence the ``TRUNC``.
"""

from sqlglot import exp

from migrator.backend.functions import call, datepart, lit
from migrator.backend.nodes import OracleRaw
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform
from rules.ts0220_dateadd import date_arg

RULE = define("TS0223", "functions.date_builders", "functions", __doc__)

_TRUNC = {"YEAR": "YYYY", "QUARTER": "Q", "MONTH": "MM", "DAY": "DD", "DAYOFYEAR": "DD", "HOUR": "HH24",
          "MINUTE": "MI"}


@transform(RULE, TsqlCall)
def eomonth(node: TsqlCall, ctx):
    args = node.expressions
    if node.name == "EOMONTH" and 1 <= len(args) <= 2:
        d = date_arg(args[0])
        if len(args) == 2:
            d = call("ADD_MONTHS", d, args[1])
        return exp.Trunc(this=call("LAST_DAY", d))
    if node.name == "DATETRUNC" and len(args) == 2:
        unit = datepart(args[0])
        if unit not in _TRUNC:
            ctx.todo(RULE, node, f"DATETRUNC({args[0].name.lower()}): write it by hand")
        return exp.Trunc(this=date_arg(args[1]), decimals=lit(_TRUNC[unit]))
    return node


def _intlit(x):
    return isinstance(x, exp.Literal) and not x.is_string and x.name.isdigit()


@transform(RULE, exp.DateFromParts)
def datefromparts(node: exp.DateFromParts, ctx):
    y, m, d = node.args.get("year"), node.args.get("month"), node.args.get("day")
    if all(_intlit(x) for x in (y, m, d)):
        return OracleRaw(this=f"DATE '{int(y.name):04d}-{int(m.name):02d}-{int(d.name):02d}'")
    text = exp.DPipe(this=exp.DPipe(this=call("TO_CHAR", y, lit("FM0000")), expression=call("TO_CHAR", m, lit("FM00")),
                                    safe=True), expression=call("TO_CHAR", d, lit("FM00")), safe=True)
    return call("TO_DATE", text, lit("YYYYMMDD"))


@transform(RULE, exp.Anonymous)
def isdate(node: exp.Anonymous, ctx):
    if node.name.upper() == "ISDATE":
        ctx.todo(RULE, node, "ISDATE accepts formats that depend on SET DATEFORMAT/LANGUAGE: use "
                             "VALIDATE_CONVERSION(x AS DATE, 'format') with the format the data uses")
    return node
