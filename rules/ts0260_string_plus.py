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
unknown nullability) a NOTE says that T-SQL yields NULL where Oracle ``||`` skips the NULL;
when operands are known to be nullable (catalog columns, the table's own columns in a
computed column), the whole chain is guarded instead, exactly::

    CompanyName + ' (' + City + ')'   (City nullable)
    → CASE WHEN CITY IS NOT NULL THEN COMPANYNAME || ' (' || CITY || ')' END

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


def _nullable(node, ctx) -> bool | None:
    """``migrator.typing.nullable``, reading a CREATE TABLE's own column definitions right
    (an explicit ``NULL`` is a NotNullColumnConstraint with allow_null in sqlglot)."""
    if isinstance(node, exp.Column):
        schema = node.find_ancestor(exp.Schema)
        if schema is not None and isinstance(schema.parent, exp.Create):
            for cdef in schema.expressions:
                if isinstance(cdef, exp.ColumnDef) and cdef.name.casefold() == node.name.casefold():
                    kinds = [c.args.get("kind") for c in cdef.constraints]
                    return not any(isinstance(k, exp.PrimaryKeyColumnConstraint) or
                                   isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null")
                                   for k in kinds)
    if isinstance(node, exp.Paren):
        return _nullable(node.this, ctx)
    return nullable(node, ctx)


def _leaves(node: exp.Expression, ctx) -> list[exp.Expression]:
    """The operands of a chain of string ``+`` (a + ' ' + b → a, ' ', b)."""
    out = []
    for side in (node.this, node.expression):
        if isinstance(side, exp.Add) and _decide(kind(side.this, ctx), kind(side.expression, ctx),
                                                 side.this, side.expression) == STRING:
            side.meta["ts0260_inner"] = True
            out.extend(_leaves(side, ctx))
        else:
            out.append(side)
    return out


def _null_guard(node: exp.Add, ctx) -> list[exp.Expression]:
    """Nullable operands of the whole chain to guard (CASE WHEN x IS NOT NULL ...), noting unknown ones."""
    leaves = _leaves(node, ctx)
    states = [(leaf, _nullable(leaf, ctx)) for leaf in leaves]
    if any(st is None for _, st in states):
        ctx.note(RULE, node, "string + : T-SQL yields NULL when an operand is NULL, Oracle || skips NULL "
                             "operands (wrap nullable operands in CASE/NVL2 if that matters)")
    guard, seen = [], set()
    for leaf, st in states:
        key = leaf.sql(dialect="tsql")
        if st is True and key not in seen:
            seen.add(key)
            guard.append(leaf)
    return guard


@transform(RULE, exp.Add, order="pre")
def plus(node: exp.Add, ctx):
    a, b = kind(node.this, ctx), kind(node.expression, ctx)
    decided = _decide(a, b, node.this, node.expression)
    if decided in ("number", DATE):
        return node
    if decided == STRING:
        guard = [] if node.meta.get("ts0260_inner") else _null_guard(node, ctx)
        keep = lambda x: x if isinstance(x, exp.Add) else paren(x)  # noqa: E731  (an inner + becomes ||)
        concat = exp.DPipe(this=keep(node.this), expression=keep(node.expression), safe=True)
        if guard:
            ctx.fixed(RULE, node, "string + with a nullable operand: CASE WHEN ... IS NOT NULL keeps T-SQL's NULL")
            cond = exp.and_(*[exp.Not(this=exp.Is(this=g.copy(), expression=exp.null())) for g in guard])
            return in_place(exp.Case(ifs=[exp.If(this=cond, true=concat)]), node)
        return in_place(concat, node)
    ctx.todo(RULE, node, f"cannot tell whether + is addition or string concatenation: types of "
                         f"{node.sql(dialect='tsql')[:80]} unknown (add the tables to the project or --schema)")
