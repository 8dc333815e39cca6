"""Turn date strings compared with date columns into Oracle DATE/TIMESTAMP literals.

T-SQL → Oracle::

    OrderDate >= '1997-01-01'                    → ORDERDATE >= DATE '1997-01-01'
    OrderDate BETWEEN '19970101' AND '19971231'  → ORDERDATE BETWEEN DATE '1997-01-01' AND DATE '1997-12-31'
    OrderDate < '1997-01-01 12:30'               → ORDERDATE < TIMESTAMP '1997-01-01 12:30:00'
    OrderDate = '7/4/1996'                       → ORDERDATE = TO_DATE('7/4/1996', 'MM/DD/YYYY')  (NOTE)

Oracle would otherwise convert the string with ``NLS_DATE_FORMAT``, a session setting.
``YYYYMMDD`` and ``YYYY-MM-DD[ hh:mi[:ss[.fff]]]`` are read the same under every T-SQL
setting; ``M/D/YYYY`` is read as month first (``SET DATEFORMAT mdy``, the us_english
default) with a NOTE. Other strings are left with a NOTE.
"""

import re

from sqlglot import exp

from migrator.backend.functions import call, date_literal, lit
from migrator.rulebook import define, transform
from migrator.typing import DATE, infer

RULE = define("TS0262", "functions.date_literals", "functions", __doc__)


def _is_str(node) -> bool:
    return isinstance(node, (exp.Literal, exp.National)) and (not isinstance(node, exp.Literal) or node.is_string)


def to_date(node, ctx, at) -> exp.Expression:
    if not _is_str(node):
        return node
    out = date_literal(node)
    if out is not None:
        out.meta["type_family"] = DATE
        return out
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", node.name.strip()):
        ctx.note(RULE, at, f"'{node.name}' read as month/day/year (SET DATEFORMAT mdy)")
        return call("TO_DATE", node, lit("MM/DD/YYYY"))
    ctx.note(RULE, at, f"date string '{node.name}' left to Oracle's NLS_DATE_FORMAT: give it an explicit format")
    return node


@transform(RULE, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, order="pre")
def compare(node, ctx):
    left, right = node.this, node.expression
    if _is_str(right) and not _is_str(left) and infer(left, ctx) == DATE:
        node.set("expression", to_date(right, ctx, node))
    elif _is_str(left) and not _is_str(right) and infer(right, ctx) == DATE:
        node.set("this", to_date(left, ctx, node))
    return node


@transform(RULE, exp.Between, order="pre")
def between(node: exp.Between, ctx):
    if infer(node.this, ctx) == DATE:
        for key in ("low", "high"):
            node.set(key, to_date(node.args[key], ctx, node))
    return node


@transform(RULE, exp.In, order="pre")
def in_list(node: exp.In, ctx):
    if node.expressions and infer(node.this, ctx) == DATE:
        node.set("expressions", [to_date(e, ctx, node) for e in node.expressions])
    return node
