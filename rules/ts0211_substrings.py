"""Convert SUBSTRING, LEFT and RIGHT to SUBSTR forms that keep T-SQL results.

T-SQL → Oracle::

    SUBSTRING(x, 2, 3)  → SUBSTR(x, 2, 3)
    LEFT(x, n)          → SUBSTR(x, 1, n)
    RIGHT(x, n)         → SUBSTR(x, GREATEST(LENGTH(x) - n + 1, 1))
    RIGHT(x, 3)         → SUBSTR(x, GREATEST(LENGTH(x) - 2, 1))

``RIGHT`` is not ``SUBSTR(x, -n)``: Oracle returns NULL when ``n`` exceeds the length and the
whole string when ``n`` is 0. ``SUBSTRING`` with a start below 1 counts the missing
positions in T-SQL (``SUBSTRING('abc', 0, 2)`` is ``'a'``) while Oracle treats 0 as 1: a
NOTE is given when the start is not a positive literal.
"""

from sqlglot import exp

from migrator.backend.functions import lit, paren
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform

RULE = define("TS0211", "functions.substrings", "functions", __doc__)


def _positive(node) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and node.name.isdigit() and int(node.name) >= 1


@transform(RULE, exp.Substring)
def substring(node: exp.Substring, ctx):
    start = node.args.get("start")
    if start is not None and not _positive(start):
        ctx.note(RULE, node, "SUBSTRING start may be below 1: T-SQL then shortens the result, "
                             "Oracle SUBSTR treats 0 as 1")
    return node


@transform(RULE, TsqlCall)
def left_right(node: TsqlCall, ctx):
    if node.name not in {"LEFT", "RIGHT"} or len(node.expressions) != 2:
        return node
    x, n = node.expressions
    if node.name == "LEFT":
        return exp.Substring(this=x, start=lit(1), length=n)
    if isinstance(n, exp.Literal) and not n.is_string and n.name.isdigit() and int(n.name) >= 1:
        k = int(n.name) - 1
        pos = exp.Sub(this=exp.Length(this=x.copy()), expression=lit(k)) if k else exp.Length(this=x.copy())
    else:
        pos = exp.Add(this=exp.Sub(this=exp.Length(this=x.copy()), expression=paren(n)), expression=lit(1))
    start = exp.Greatest(this=pos, expressions=[lit(1)])
    return exp.Substring(this=x, start=start)
