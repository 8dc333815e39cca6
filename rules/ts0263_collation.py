"""String comparisons: SQL Server's usual collation is case-insensitive, Oracle's is not.

``WHERE c.CategoryName = @CategoryName`` matches 'beverages' and 'Beverages' on a default SQL
Server install; in Oracle only the exact case matches. The comparison is kept as it is, with a
NOTE on the statement (CONVERSION-POLICY: warn on string equality/LIKE). Comparisons where case
cannot matter are not flagged: assignments (``UPDATE … SET col = 'x'``), UNPIVOT's column
list, ``UPPER(x) = 'ABC'`` / ``UPPER(a) = UPPER(b)`` (case already folded), comparisons
against a literal with no letters (``year = '1998'``), or
between two literals. Fix options: ``UPPER()`` on both sides (plus a function-based index), a
case-insensitive collation on the column (``COLLATE BINARY_CI``, 12.2+ with
MAX_STRING_SIZE=EXTENDED), or ``NLS_COMP=LINGUISTIC`` / ``NLS_SORT=BINARY_CI`` for the session.
"""

import re

from sqlglot import exp

from migrator.rulebook import define, transform
from migrator.typing import STRING, infer

RULE = define("TS0263", "expressions.collation", "expressions", __doc__)

_MSG = ("string comparison: SQL Server's default collation ignores case, Oracle compares case-sensitively "
        "(UPPER() both sides, a BINARY_CI collation, or NLS_COMP=LINGUISTIC if case must not matter)")


def _caseless(e: exp.Expression) -> bool:
    """A literal (or NULL) whose value has no letters: case cannot matter."""
    if isinstance(e, exp.Null):
        return True
    if isinstance(e, (exp.Literal, exp.National)):
        return not re.search(r"[^\W\d_]", e.name)
    return False


def _folded(side: exp.Expression, other: exp.Expression) -> bool:
    """UPPER(x) compared with a literal without lower-case letters (or LOWER(x) without upper-case):
    the comparison already ignores case."""
    if isinstance(other, (exp.Literal, exp.National)):
        if isinstance(side, exp.Upper):
            return other.name == other.name.upper()
        if isinstance(side, exp.Lower):
            return other.name == other.name.lower()
    return isinstance(side, exp.Upper) and isinstance(other, exp.Upper) or \
        isinstance(side, exp.Lower) and isinstance(other, exp.Lower)


def _not_a_comparison(node: exp.Expression) -> bool:
    """``col = 'x'`` of an UPDATE/MERGE SET list (an assignment), UNPIVOT's column list."""
    if isinstance(node, exp.EQ) and isinstance(node.parent, exp.Update) and node.arg_key == "expressions":
        return True
    return isinstance(node, exp.In) and isinstance(node.parent, exp.Pivot) and bool(node.parent.args.get("unpivot"))


@transform(RULE, exp.EQ, exp.NEQ, exp.Like, exp.In, order="pre")
def collation(node, ctx):
    if _not_a_comparison(node):
        return node
    if isinstance(node, (exp.EQ, exp.NEQ, exp.Like)) and (_folded(node.this, node.expression)
                                                       or _folded(node.expression, node.this)):
        return node
    left = node.this
    rights = node.expressions if isinstance(node, exp.In) else [node.expression]
    if isinstance(node, exp.In) and node.args.get("query") is not None:
        return node
    if any(isinstance(r, exp.Subquery) for r in rights if r is not None):
        return node
    sides = [left, *[r for r in rights if r is not None]]
    if not any(infer(s, ctx) == STRING for s in sides):
        return node
    if _caseless(left) and all(_caseless(r) for r in rights) or \
            (not _caseless(left) and all(_caseless(r) for r in rights)) or \
            (_caseless(left) and not isinstance(node, exp.In)):
        return node
    ctx.note(RULE, node, _MSG)
    return node
