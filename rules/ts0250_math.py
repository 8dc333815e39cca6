"""Convert T-SQL math functions to Oracle's.

T-SQL → Oracle::

    CEILING(x)      → CEIL(x)            LOG(x)        → LN(x)
    LOG(x, b)       → LOG(b, x)          LOG10(x)      → LOG(10, x)
    SQUARE(x)       → POWER(x, 2)        PI()          → ACOS(-1)
    ROUND(x, n, 1)  → TRUNC(x, n)        ATN2(y, x)    → ATAN2(y, x)
    DEGREES(x)      → (x) * 180 / ACOS(-1)               RADIANS(x)   → (x) * ACOS(-1) / 180
    COT(x)          → 1 / TAN(x)         RAND()        → DBMS_RANDOM.VALUE
    STDEV/STDEVP    → STDDEV/STDDEV_POP  VAR/VARP      → VARIANCE/VAR_POP
    COUNT_BIG(x)    → COUNT(x)           SIGN ABS FLOOR POWER SQRT EXP: kept

``RAND(seed)`` is a repeatable sequence in T-SQL; ``DBMS_RANDOM.VALUE`` is not seeded per
call (``DBMS_RANDOM.SEED`` is a separate procedure): a NOTE says so.
"""

from sqlglot import exp

from migrator.backend.functions import call, in_place, lit, paren, tsql_name
from migrator.rulebook import define, transform

RULE = define("TS0250", "functions.math", "functions", __doc__)

_RENAMED = {"STDEVP": "STDDEV_POP", "VAR": "VARIANCE", "VARP": "VAR_POP"}


def _pi():
    return call("ACOS", lit(-1))


@transform(RULE, exp.Pi)
def pi(node, ctx):
    return _pi()


@transform(RULE, exp.Rand)
def rand(node: exp.Rand, ctx):
    if node.this is not None:
        ctx.note(RULE, node, "RAND(seed): the seed is dropped; call DBMS_RANDOM.SEED first for a repeatable sequence")
    return exp.Rand()


@transform(RULE, exp.Round)
def round_(node: exp.Round, ctx):
    trunc = node.args.get("truncate")
    if trunc is None:
        return node
    if isinstance(trunc, exp.Literal) and trunc.name == "0":
        node.set("truncate", None)
        return node
    if isinstance(trunc, exp.Literal):
        return exp.Trunc(this=node.this, decimals=node.args.get("decimals"))
    ctx.todo(RULE, node, "ROUND with a computed third argument")


@transform(RULE, exp.Degrees, exp.Radians, exp.Cot)
def trig(node, ctx):
    x = paren(node.this)
    if isinstance(node, exp.Degrees):
        out = exp.Div(this=exp.Mul(this=x, expression=lit(180)), expression=_pi())
    elif isinstance(node, exp.Radians):
        out = exp.Div(this=exp.Mul(this=x, expression=_pi()), expression=lit(180))
    else:
        out = exp.Div(this=lit(1), expression=call("TAN", node.this))
    return in_place(out, node)


@transform(RULE, exp.Anonymous)
def renamed(node: exp.Anonymous, ctx):
    name = tsql_name(node)
    if name in _RENAMED:
        return exp.Anonymous(this=_RENAMED[name], expressions=node.expressions)
    return node
