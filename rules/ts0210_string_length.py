"""Convert LEN and DATALENGTH.

T-SQL → Oracle::

    LEN(x)          → LENGTH(RTRIM(x))      T-SQL LEN ignores trailing blanks
    DATALENGTH(x)   → LENGTHB(x)            note: byte counts depend on the character set

``LEN('')`` is 0 in T-SQL, but Oracle stores ``''`` as NULL and ``LENGTH(NULL)`` is NULL,
and so is ``LENGTH(RTRIM('   '))``: a NOTE says so whenever the argument is not a
non-blank literal.
"""

from sqlglot import exp

from migrator.backend.functions import call
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform

RULE = define("TS0210", "functions.string_length", "functions", __doc__)


def _nonblank_literal(node) -> bool:
    return isinstance(node, (exp.Literal, exp.National)) and node.name.strip() != "" \
        and (not isinstance(node, exp.Literal) or node.is_string)


@transform(RULE, TsqlCall)
def length(node: TsqlCall, ctx):
    if node.name == "LEN" and len(node.expressions) == 1:
        arg = node.expressions[0]
        if not _nonblank_literal(arg):
            ctx.note(RULE, node, "LEN('') and LEN of blanks are 0 in T-SQL; Oracle '' is NULL, so "
                                 "LENGTH(RTRIM(x)) is NULL there")
        return exp.Length(this=exp.Trim(this=arg, position="TRAILING"))
    if node.name == "DATALENGTH" and len(node.expressions) == 1:
        ctx.note(RULE, node, "DATALENGTH → LENGTHB: Oracle counts bytes in the database/national "
                             "character set (T-SQL: 2 bytes per NVARCHAR character)")
        return call("LENGTHB", node.expressions[0])
    return node
