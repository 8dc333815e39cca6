"""Decide what T-SQL ``+`` means from the operand types: addition or string concatenation.

T-SQL → Oracle::

    FirstName + ' ' + LastName   (string columns)   → FIRSTNAME || ' ' || LASTNAME
    Price + 1                    (numbers)          → PRICE + 1
    OrderDate + 7                (date + number)    → ORDERDATE + 7
    'Order ' + x                 (x of unknown type) → 'Order ' || X
    a + b                        (types unknown)    → TODO

Types come from ``migrator.typing`` (literals, CAST targets, functions, catalog columns).
A string literal that cannot be read as a number is evidence of concatenation: T-SQL
would otherwise fail converting it. When an operand may be NULL (a nullable column, or
unknown nullability) a NOTE says that T-SQL yields NULL where Oracle ``||`` skips the NULL.
When neither side is known, the statement is marked TODO rather than guessed. This runs
as an ``order="pre"`` transform, while the operands are still T-SQL.
"""

import re

from sqlglot import exp

from migrator.backend.functions import in_place, paren
from migrator.rulebook import define, transform
from migrator.typing import DATE, NUMERIC, STRING, infer, nullable

RULE = define("TS0260", "functions.string_plus", "functions", __doc__)


def _textual(node) -> bool:
    """A string literal T-SQL cannot convert to a number."""
    if isinstance(node, exp.Paren):
        return _textual(node.this)
    if isinstance(node, (exp.Literal, exp.National)) and (not isinstance(node, exp.Literal) or node.is_string):
        return not re.fullmatch(r"\s*[-+]?\d*\.?\d*\s*", node.name)
    if isinstance(node, exp.Add):
        return _textual(node.this) or _textual(node.expression)
    return False


def kind(node, ctx) -> str | None:
    """'string' | 'number' | 'date' | None for an operand of +, following T-SQL's rules."""
    if isinstance(node, exp.Paren):
        return kind(node.this, ctx)
    if isinstance(node, exp.Add):
        a, b = kind(node.this, ctx), kind(node.expression, ctx)
        return _decide(a, b, node.this, node.expression)
    fam = infer(node, ctx)
    return "number" if fam in NUMERIC else fam


def _decide(a, b, left, right) -> str | None:
    if a == "number" or b == "number":
        return DATE if DATE in (a, b) else "number"
    if DATE in (a, b):
        return DATE
    if a == STRING and b == STRING:
        return STRING
    if (a == STRING or _textual(left)) and (b in (STRING, None)) and (_textual(left) or _textual(right)):
        return STRING
    if (b == STRING or _textual(right)) and a in (STRING, None) and (_textual(left) or _textual(right)):
        return STRING
    return None


def _null_note(node, ctx):
    for side in (node.this, node.expression):
        if isinstance(side, exp.Add):
            continue  # judged when that + is converted
        if nullable(side, ctx) is not False:
            ctx.note(RULE, node, "string + : T-SQL yields NULL when an operand is NULL, Oracle || skips NULL "
                                 "operands (wrap nullable operands in CASE/NVL2 if that matters)")
            return


@transform(RULE, exp.Add, order="pre")
def plus(node: exp.Add, ctx):
    a, b = kind(node.this, ctx), kind(node.expression, ctx)
    decided = _decide(a, b, node.this, node.expression)
    if decided in ("number", DATE):
        return node
    if decided == STRING:
        _null_note(node, ctx)
        keep = lambda x: x if isinstance(x, exp.Add) else paren(x)  # noqa: E731  (an inner + becomes ||)
        return in_place(exp.DPipe(this=keep(node.this), expression=keep(node.expression), safe=True), node)
    ctx.todo(RULE, node, f"cannot tell whether + is addition or string concatenation: types of "
                         f"{node.sql(dialect='tsql')[:80]} unknown (add the tables to the project or --schema)")
