"""String comparisons: SQL Server's usual collation is case-insensitive, Oracle's is not.

``WHERE c.CategoryName = @CategoryName`` matches 'beverages' and 'Beverages' on a default SQL
Server install; in Oracle only the exact case matches. The comparison is kept as it is, with a
NOTE on the statement (CONVERSION-POLICY: warn on string equality/LIKE). Comparisons where case
cannot matter are not flagged: against a literal with no letters (``year = '1998'``), or
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


@transform(RULE, exp.EQ, exp.NEQ, exp.Like, exp.In, order="pre")
def collation(node, ctx):
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
