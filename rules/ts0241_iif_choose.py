"""Convert IIF and CHOOSE to CASE expressions.

T-SQL → Oracle::

    IIF(c, a, b)        → CASE WHEN c THEN a ELSE b END
    CHOOSE(i, a, b, c)  → CASE i WHEN 1 THEN a WHEN 2 THEN b WHEN 3 THEN c END
"""

from sqlglot import exp

from migrator.backend.functions import lit, tsql_name
from migrator.rulebook import define, transform

RULE = define("TS0241", "functions.iif_choose", "functions", __doc__)


@transform(RULE, exp.If)
def iif(node: exp.If, ctx):
    if isinstance(node.parent, exp.Case):
        return node  # a WHEN branch of a CASE
    case = exp.Case(ifs=[exp.If(this=node.this, true=node.args.get("true"))])
    if node.args.get("false") is not None:
        case.set("default", node.args["false"])
    return case


@transform(RULE, exp.Anonymous)
def choose(node: exp.Anonymous, ctx):
    if tsql_name(node) != "CHOOSE" or len(node.expressions) < 2:
        return node
    idx, *vals = node.expressions
    return exp.Case(this=idx, ifs=[exp.If(this=lit(i), true=v) for i, v in enumerate(vals, 1)])
