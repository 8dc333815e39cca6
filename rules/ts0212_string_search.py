"""Convert CHARINDEX to INSTR and PATINDEX to REGEXP_INSTR.

T-SQL → Oracle::

    CHARINDEX('x', s)         → INSTR(s, 'x')
    CHARINDEX('x', s, 5)      → INSTR(s, 'x', 5)
    PATINDEX('%[0-9]%', s)    → REGEXP_INSTR(s, '[0-9]')
    PATINDEX('ab%', s)        → REGEXP_INSTR(s, '^ab')

The LIKE pattern of PATINDEX is translated to a regular expression only when it is a
literal (``%`` → ``.*`` or an open end, ``_`` → ``.``, ``[...]`` kept, regex characters
escaped); a computed pattern is marked TODO. T-SQL compares with the column's collation
(usually case-insensitive); Oracle is case-sensitive: a NOTE says so.
"""

import re

from sqlglot import exp

from migrator.backend.functions import call, lit, tsql_name
from migrator.patterns import like_to_regex
from migrator.rulebook import define, transform

RULE = define("TS0212", "functions.string_search", "functions", __doc__)

_CASE = "CHARINDEX/PATINDEX are case-insensitive under the usual SQL Server collation; INSTR is case-sensitive"


@transform(RULE, exp.StrPosition)
def charindex(node: exp.StrPosition, ctx):
    ctx.note(RULE, node, _CASE)
    return node


@transform(RULE, exp.Anonymous)
def patindex(node: exp.Anonymous, ctx):
    if tsql_name(node) != "PATINDEX" or len(node.expressions) != 2:
        return node
    pat, s = node.expressions
    if not (isinstance(pat, (exp.Literal, exp.National)) and (not isinstance(pat, exp.Literal) or pat.is_string)):
        ctx.todo(RULE, node, "PATINDEX with a computed pattern: translate the LIKE pattern to a regular "
                             "expression for REGEXP_INSTR by hand")
    rx = like_to_regex(pat.name)
    if rx is None:
        ctx.todo(RULE, node, f"PATINDEX pattern {pat.name!r} not understood")
    ctx.note(RULE, node, _CASE)
    return call("REGEXP_INSTR", s, lit(rx))
