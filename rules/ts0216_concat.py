"""Convert CONCAT and CONCAT_WS to ``||`` concatenation.

T-SQL → Oracle::

    CONCAT(a, b, c)          → a || b || c
    CONCAT_WS(', ', a, b)    → SUBSTR(NVL2(a, ', ' || a, NULL) || NVL2(b, ', ' || b, NULL), 3)

T-SQL ``CONCAT`` treats NULL as ``''``, which is exactly what Oracle ``||`` does (Oracle's
own ``CONCAT`` takes two arguments only). ``CONCAT_WS`` skips NULL arguments together with
their separator: each argument brings its own separator and the leading one is cut off.
Dates and numbers are converted to text with Oracle's NLS formats, not T-SQL's: a NOTE.
"""

from sqlglot import exp

from migrator.backend.functions import call, in_place, lit, paren
from migrator.rulebook import define, transform
from migrator.typing import DATE, NUMBER, infer

RULE = define("TS0216", "functions.concat", "functions", __doc__)


def _chain(parts: list[exp.Expression]) -> exp.Expression:
    out = paren(parts[0])
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=paren(p), safe=True)
    return out


def _check_types(node, args, ctx):
    fams = {infer(a, ctx) for a in args}
    if DATE in fams or NUMBER in fams:
        ctx.note(RULE, node, "CONCAT of a date or decimal: Oracle converts it with NLS formats, T-SQL with its own")


@transform(RULE, exp.Concat, order="pre")
def concat(node: exp.Concat, ctx):
    if type(node) is not exp.Concat:
        return node
    args = list(node.expressions)
    _check_types(node, args, ctx)
    return in_place(_chain(args), node) if len(args) > 1 else (args[0] if args else lit(""))


@transform(RULE, exp.ConcatWs, order="pre")
def concat_ws(node: exp.ConcatWs, ctx):
    sep, *args = node.expressions
    if not (isinstance(sep, (exp.Literal, exp.National)) and (not isinstance(sep, exp.Literal) or sep.is_string)) \
            or not sep.name:
        ctx.todo(RULE, node, "CONCAT_WS with a computed or empty separator")
    _check_types(node, args, ctx)
    parts = [call("NVL2", a, exp.DPipe(this=sep.copy(), expression=paren(a.copy()), safe=True), exp.null())
             for a in args]
    return exp.Substring(this=_chain(parts), start=lit(len(sep.name) + 1))
