"""Convert the bitwise operators to BITAND arithmetic.

T-SQL → Oracle::

    a & b   → BITAND(a, b)
    a | b   → (a + b - BITAND(a, b))
    a ^ b   → (a + b - 2 * BITAND(a, b))
    ~a      → (-1 - a)

Exact for integer operands (Oracle's BITAND works on integers; negative values follow
two's complement as in T-SQL).
"""

from sqlglot import exp

from migrator.backend.functions import call, in_place, lit, paren
from migrator.rulebook import define, transform

RULE = define("TS0252", "functions.bitwise", "functions", __doc__)


@transform(RULE, exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseNot)
def bitwise(node, ctx):
    if isinstance(node, exp.BitwiseNot):
        return exp.Paren(this=exp.Sub(this=lit(-1), expression=paren(node.this)))
    a, b = node.this, node.expression
    band = call("BITAND", a, b)
    if isinstance(node, exp.BitwiseAnd):
        return band
    k = exp.Mul(this=lit(2), expression=band) if isinstance(node, exp.BitwiseXor) else band
    s = exp.Add(this=paren(a.copy()), expression=paren(b.copy()))
    return exp.Paren(this=exp.Sub(this=s, expression=k))
