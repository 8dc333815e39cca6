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

A number where T-SQL expects a date counts days from 1900-01-01 (``0`` is 1900-01-01, ``-1``
is 1899-12-31); Oracle has no such conversion, so ``0`` becomes ``DATE '1900-01-01'`` and
``n`` becomes ``(DATE '1900-01-01' + n)`` (also in DATEDIFF). The truncation idiom built on
it is recognised and written as Oracle writes it::

    DATEADD(mm, DATEDIFF(mm, 0, d), 0)      → TRUNC(d, 'MM')        (start of the month)
    DATEADD(yy, DATEDIFF(yy, 0, d), 0)      → TRUNC(d, 'YYYY')      (qq: 'Q', dd: TRUNC(d),
                                                                     hh: 'HH24', mi: 'MI')
    DATEADD(wk, DATEDIFF(wk, 0, d), 0)      → TRUNC(d + 1, 'IW')    (the Monday after the last
                                                                     Sunday boundary, as T-SQL)
    DATEADD(mm, DATEDIFF(mm, 0, d) + 1, 0)  → ADD_MONTHS(TRUNC(d, 'MM'), 1)
    DATEADD(mm, DATEDIFF(mm, 0, d), -1)     → TRUNC(d, 'MM') - 1    (last day of the month before)
"""

from sqlglot import exp

from migrator.backend.functions import call, date_literal, datepart, in_place, lit, paren
from migrator.backend.nodes import OracleRaw
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
    if isinstance(n, exp.Neg) and isinstance(n.this, exp.Literal) and n.this.name.isdigit() and not divide:
        return lit(-int(n.this.name) * factor)
    op = exp.Div if divide else exp.Mul
    return op(this=paren(n), expression=lit(factor))


_EPOCH = "DATE '1900-01-01'"


def _int_literal(node: exp.Expression) -> int | None:
    """Value of an integer literal (``0``, ``-1``), else None."""
    neg = isinstance(node, exp.Neg)
    inner = node.this if neg else node
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.name.isdigit():
        return -int(inner.name) if neg else int(inner.name)
    return None


def date_arg(node: exp.Expression) -> exp.Expression:
    """A T-SQL date argument as an Oracle date: string literals become DATE/TIMESTAMP literals,
    an integer literal counts days from 1900-01-01 (T-SQL's int → datetime conversion)."""
    n = _int_literal(node)
    if n is not None:
        epoch = OracleRaw(this=_EPOCH)
        if n == 0:
            return epoch
        op = exp.Add if n > 0 else exp.Sub
        return exp.Paren(this=op(this=epoch, expression=lit(abs(n))))
    return date_literal(node) or node


def _epoch_offset(node: exp.Expression) -> int | None:
    """Days from 1900-01-01 of a T-SQL date argument written as a number or a date string."""
    n = _int_literal(node)
    if n is not None:
        return n
    lit_ = date_literal(node)
    return 0 if isinstance(lit_, OracleRaw) and lit_.name == _EPOCH else None


_TRUNC_FORMATS = {"YEAR": "YYYY", "QUARTER": "Q", "MONTH": "MM", "DAY": None, "HOUR": "HH24", "MINUTE": "MI"}


@transform(RULE, TsqlCall, order="pre")
def truncation_idiom(node: TsqlCall, ctx):
    """DATEADD(u, DATEDIFF(u, 0, d) [+ k], b) → TRUNC(d, fmt) [moved by k units] [+ b days]."""
    if node.name != "DATEADD" or len(node.expressions) != 3:
        return node
    part, n, base = node.expressions
    unit, k, b = datepart(part), None, _epoch_offset(base)
    if b is None or b not in (0, -1) and unit not in {"DAY", "WEEK", "HOUR", "MINUTE"}:
        return node  # months from 1899-12-30 are not "end of month - 1": only 0 and -1 there
    if isinstance(n, (exp.Add, exp.Sub)) and _int_literal(n.expression) is not None:
        k = n.expression if isinstance(n, exp.Add) else exp.Neg(this=n.expression)
        n = n.this
    n = n.this if isinstance(n, exp.Paren) else n
    if not (isinstance(n, TsqlCall) and n.name == "DATEDIFF" and len(n.expressions) == 3
            and datepart(n.expressions[0]) == unit and _epoch_offset(n.expressions[1]) == 0):
        return node
    d = date_arg(n.expressions[2])
    if unit == "WEEK":
        out = exp.Trunc(this=exp.Add(this=paren(d), expression=lit(1)), decimals=lit("IW"))
    elif unit in _TRUNC_FORMATS:
        fmt = _TRUNC_FORMATS[unit]
        out = exp.Trunc(this=d, decimals=lit(fmt) if fmt else None)
    else:
        return node
    out.meta["period_start"] = True  # ADD_MONTHS of a first day: no last-day caveat
    ctx.fixed(RULE, node, f"DATEADD({part.name}, DATEDIFF({part.name}, 0, d), 0) truncation idiom → TRUNC")
    if k is not None and _int_literal(k) != 0:
        out = TsqlCall(this=node.this, expressions=[part.copy(), k.copy(), out])
    if b:
        out = (exp.Add if b > 0 else exp.Sub)(this=out, expression=lit(abs(b)))
        if isinstance(node.parent, (exp.Binary, exp.Unary)):
            out = exp.Paren(this=out)
    return out


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
        if not d.meta.get("period_start"):
            ctx.note(RULE, node, "DATEADD(month/quarter/year) → ADD_MONTHS: the result is a DATE, and a last day "
                                 "of a month stays the last day (T-SQL keeps the day number)")
        return call("ADD_MONTHS", d, _scaled(n, _MONTHS[unit]))
    if unit in _INTERVAL:
        iv, factor = _INTERVAL[unit]
        amount = _scaled(n, factor, divide=iv == "SECOND" and factor > 1) if unit != "WEEK" else _scaled(n, 7)
        return in_place(exp.Add(this=paren(d), expression=call("NUMTODSINTERVAL", amount, lit(iv))), node)
    ctx.todo(RULE, node, f"DATEADD({part.name}): no Oracle form")
