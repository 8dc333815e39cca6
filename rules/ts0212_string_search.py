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
from migrator.rulebook import define, transform

RULE = define("TS0212", "functions.string_search", "functions", __doc__)

_CASE = "CHARINDEX/PATINDEX are case-insensitive under the usual SQL Server collation; INSTR is case-sensitive"


@transform(RULE, exp.StrPosition)
def charindex(node: exp.StrPosition, ctx):
    ctx.note(RULE, node, _CASE)
    return node


def like_to_regex(pattern: str) -> str:
    """Translate a T-SQL LIKE pattern (as PATINDEX uses it) to an anchored POSIX regex."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                raise ValueError("unclosed [")
            body = pattern[i + 1:j]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j
        else:
            out.append(re.escape(ch) if ch in ".^$*+?(){}|\\" else ch)
        i += 1
    rx = "".join(out)
    rx = rx[2:] if rx.startswith(".*") else "^" + rx
    rx = rx[:-2] if rx.endswith(".*") and not rx.endswith("\\.*") else rx + "$"
    return rx


@transform(RULE, exp.Anonymous)
def patindex(node: exp.Anonymous, ctx):
    if tsql_name(node) != "PATINDEX" or len(node.expressions) != 2:
        return node
    pat, s = node.expressions
    if not (isinstance(pat, (exp.Literal, exp.National)) and (not isinstance(pat, exp.Literal) or pat.is_string)):
        ctx.todo(RULE, node, "PATINDEX with a computed pattern: translate the LIKE pattern to a regular "
                             "expression for REGEXP_INSTR by hand")
    try:
        rx = like_to_regex(pat.name)
    except ValueError:
        ctx.todo(RULE, node, f"PATINDEX pattern {pat.name!r} not understood")
    ctx.note(RULE, node, _CASE)
    return call("REGEXP_INSTR", s, lit(rx))
