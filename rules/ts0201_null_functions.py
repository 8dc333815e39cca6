"""Convert ISNULL to NVL; COALESCE and NULLIF are kept.

T-SQL → Oracle::

    ISNULL(a, b)        → NVL(a, b)
    COALESCE(a, b, c)   → COALESCE(a, b, c)
    NULLIF(a, b)        → NULLIF(a, b)

Both ``ISNULL`` and ``NVL`` return the type of the first argument and convert the second
to it, so ``NVL`` is the exact counterpart (``COALESCE`` would take the type of the highest
precedence argument in T-SQL and requires same-family arguments in Oracle).

But ``ISNULL`` also keeps the first argument's length, while ``NVL`` returns a ``VARCHAR2``
as long as the value: with ``@code varchar(3)``, ``ISNULL(@code, 'UNKNOWN')`` is ``'UNK'``.
When the first argument's length is known and the second is longer, the second is cut as
T-SQL does (a literal directly: ``NVL(v_code, 'UNK')``; else ``SUBSTR(b, 1, n)``). Likewise a
literal with decimals after an integer first argument is truncated (``ISNULL(i, 2.5)`` is 2).
``COALESCE`` takes the wider type in T-SQL too and is kept.
"""

from sqlglot import exp

from migrator.backend.functions import lit
from migrator.rulebook import define, transform
from rules.typetext import base_type, type_length, type_text

RULE = define("TS0201", "functions.null", "functions", __doc__)


@transform(RULE, exp.Coalesce)
def isnull(node: exp.Coalesce, ctx):
    if node.args.get("is_null"):
        node.set("is_null", None)
        node.set("is_nvl", True)
    return node


_INT_TYPES = {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT"}


@transform(RULE, exp.Coalesce, order="pre")
def isnull_first_type(node: exp.Coalesce, ctx):
    """ISNULL(a, b): b converted to a's type, as T-SQL does (length cut, integer truncation)."""
    if not node.args.get("is_null") or len(node.expressions) != 1:
        return node
    first, second = node.this, node.expressions[0]
    text = type_text(first, ctx)
    n = type_length(text)
    is_str = isinstance(second, exp.National) or isinstance(second, exp.Literal) and second.is_string
    if n is not None:
        if is_str:
            if len(second.name) > n:
                ctx.fixed(RULE, node, f"ISNULL returns {text}: {second.name!r} cut to {second.name[:n]!r} as in T-SQL")
                node.set("expressions", [type(second)(this=second.name[:n], is_string=True)
                                         if isinstance(second, exp.Literal) else exp.National(this=second.name[:n])])
            return node
        other = type_length(type_text(second, ctx))
        if other is None and base_type(type_text(second, ctx)) not in {"VARCHAR", "NVARCHAR", "CHAR", "NCHAR"} \
                or other is not None and other <= n:
            return node
        ctx.fixed(RULE, node, f"ISNULL returns {text}: the replacement is cut to {n} characters as in T-SQL")
        node.set("expressions", [exp.Substring(this=second, start=lit(1), length=lit(n))])
        return node
    neg = isinstance(second, exp.Neg)
    num = second.this if neg else second
    if base_type(text) in _INT_TYPES and isinstance(num, exp.Literal) and not num.is_string \
            and not num.name.isdigit():
        try:
            value = int(float(num.name)) * (-1 if neg else 1)  # int() truncates toward zero, as T-SQL
        except ValueError:
            return node
        ctx.fixed(RULE, node, f"ISNULL returns {text}: {second.sql()} truncated to {value} as in T-SQL")
        node.set("expressions", [lit(value)])
    return node
