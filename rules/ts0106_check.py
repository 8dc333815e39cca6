"""CHECK constraints: the condition is converted like any expression; NOT FOR REPLICATION dropped.

T-SQL::

    CONSTRAINT CK_Qty CHECK NOT FOR REPLICATION (Quantity > 0)
    zip CHAR(5) CHECK (zip LIKE '[0-9][0-9][0-9][0-9][0-9]')

Oracle::

    CONSTRAINT CK_QTY CHECK (QUANTITY > 0)
    ZIP CHAR(5) CHECK (REGEXP_LIKE(ZIP, '^[0-9][0-9][0-9][0-9][0-9]$'))

T-SQL LIKE patterns with character classes (``[0-9]``, ``[A-Z]``) mean nothing to
Oracle's LIKE (a check would reject every row silently): inside a CHECK they become
REGEXP_LIKE with the same meaning (``%`` → ``.*``, ``_`` → ``.``, anchored).
"""

import re

from sqlglot import exp

from migrator.patterns import like_to_regex
from migrator.rulebook import define, transform

RULE = define("TS0106", "ddl.check", "ddl", __doc__)


@transform(RULE, exp.CheckColumnConstraint)
def check(node, ctx):
    if node.meta.get("not_for_replication"):
        ctx.fixed(RULE, node, "NOT FOR REPLICATION dropped: no Oracle equivalent")
    return node


@transform(RULE, exp.Like, order="pre")
def like_class(node, ctx):
    if node.find_ancestor(exp.CheckColumnConstraint) is None or node.args.get("escape") is not None:
        return node
    pat = node.expression
    if not (isinstance(pat, exp.Literal) and pat.is_string and "[" in pat.this):
        return node
    regex = like_to_regex(pat.this)
    if regex is None:
        ctx.todo(RULE, node, f"LIKE pattern {pat.this!r} with character classes: rewrite with REGEXP_LIKE")
    ctx.note(RULE, node, "LIKE with character classes became REGEXP_LIKE, which is case-sensitive (T-SQL LIKE "
                         "follows the collation, usually case-insensitive)")
    new = exp.Anonymous(this="REGEXP_LIKE", expressions=[node.this, exp.Literal.string(regex)])
    return exp.Not(this=new) if node.args.get("negate") else new  # NOT LIKE: sqlglot's negate flag
