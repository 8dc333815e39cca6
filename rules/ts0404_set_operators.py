"""EXCEPT becomes MINUS; INTERSECT and UNION [ALL] are kept; EXCEPT ALL / INTERSECT ALL are marked.

T-SQL::

    SELECT a FROM t EXCEPT SELECT a FROM u

Oracle::

    SELECT A FROM T MINUS SELECT A FROM U

Oracle 19c has no EXCEPT keyword (21c added it) and no ALL variants of MINUS/INTERSECT.
The MINUS spelling is printed by the back end (``backend/dml.py``).
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0404", "query.set_operators", "query", __doc__)


@transform(RULE, exp.Except, exp.Intersect, order="pre")
def set_ops(node, ctx):
    if node.args.get("distinct") is False:
        ctx.todo(RULE, node, f"{node.key.upper()} ALL has no Oracle 19c form")
    if isinstance(node, exp.Except):
        ctx.fixed(RULE, node, "EXCEPT → MINUS")
    return node
