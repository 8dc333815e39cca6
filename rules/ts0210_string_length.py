"""Convert LEN and DATALENGTH.

T-SQL → Oracle::

    LEN(x)          → LENGTH(RTRIM(x))      T-SQL LEN ignores trailing blanks
    DATALENGTH(x)   → LENGTHB(x)            note: byte counts depend on the character set

``LEN('')`` is 0 in T-SQL, but Oracle stores ``''`` as NULL and ``LENGTH(NULL)`` is NULL,
and so is ``LENGTH(RTRIM('   '))``: a NOTE says so whenever the argument is not a
non-blank literal. When the argument cannot be NULL (a NOT NULL column, a concatenation of
such), a NULL length can only come from blanks: ``NVL(LENGTH(RTRIM(x)), 0)`` is exact.
Comparisons with 0 follow the empty-string policy (TS0261)::

    LEN(x) = 0          → RTRIM(x) IS NULL       NOTE: also true for rows that were NULL
    DATALENGTH(x) = 0   → x IS NULL              NOTE: likewise
    LEN(x) > 0          → LENGTH(RTRIM(x)) > 0   exact (any test false for 0: <> 0, >= 1, = 3)
    LEN(x) < 5          → NVL(LENGTH(RTRIM(x)), 0) < 5   NOTE: also true for rows that were NULL

``LENGTH(RTRIM(x)) = 0`` would never be true in Oracle.
"""

from sqlglot import exp

from migrator.backend.functions import call
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform
from migrator.typing import nullable

RULE = define("TS0210", "functions.string_length", "functions", __doc__)


def _nonblank_literal(node) -> bool:
    return isinstance(node, (exp.Literal, exp.National)) and node.name.strip() != "" \
        and (not isinstance(node, exp.Literal) or node.is_string)


_FLIP = {exp.GT: exp.LT, exp.LT: exp.GT, exp.GTE: exp.LTE, exp.LTE: exp.GTE, exp.EQ: exp.EQ, exp.NEQ: exp.NEQ}


def _int(node) -> int | None:
    return int(node.name) if isinstance(node, exp.Literal) and not node.is_string and node.name.isdigit() else None


@transform(RULE, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, order="pre")
def compare_with_zero(node, ctx):
    """LEN(x) = 0 → RTRIM(x) IS NULL; LEN(x) > 0 stays (exact)."""
    op, call_, k = type(node), node.this, _int(node.expression)
    if not isinstance(call_, TsqlCall):
        op, call_, k = _FLIP[type(node)], node.expression, _int(node.this)
    if not (isinstance(call_, TsqlCall) and call_.name in ("LEN", "DATALENGTH") and len(call_.expressions) == 1) \
            or k is None:
        return node
    true_at_zero = {exp.EQ: k == 0, exp.NEQ: k != 0, exp.GT: False, exp.GTE: k == 0, exp.LT: k > 0,
                    exp.LTE: True}[op]
    if not true_at_zero:
        call_.meta["compared_positive"] = True  # NULL for '' is as false as 0 was: exact, no note
        return node
    arg = call_.expressions[0]
    if not ((op in (exp.EQ, exp.LTE) and k == 0) or (op is exp.LT and k == 1)):
        call_.meta["compared_positive"] = True
        ctx.note(RULE, node, f"{call_.name}(x) compared with {k}: '' is NULL in Oracle, so its length is "
                             "counted as 0 with NVL(..., 0), which also counts rows that were NULL in SQL Server")
        repl = exp.Coalesce(this=call_.copy(), expressions=[exp.Literal.number(0)], is_nvl=True)
        return node.__class__(this=repl, expression=node.expression) if node.this is call_ else \
            node.__class__(this=node.this, expression=repl)
    if call_.name == "LEN":
        ctx.note(RULE, node, "LEN(x) = 0 became RTRIM(x) IS NULL: Oracle stores '' as NULL, so this also "
                             "matches rows that were NULL in SQL Server")
        return exp.Is(this=exp.Trim(this=arg, position="TRAILING"), expression=exp.null())
    ctx.note(RULE, node, "DATALENGTH(x) = 0 became x IS NULL: Oracle stores '' as NULL, so this also "
                         "matches rows that were NULL in SQL Server")
    return exp.Is(this=arg, expression=exp.null())


@transform(RULE, TsqlCall)
def length(node: TsqlCall, ctx):
    if node.name == "LEN" and len(node.expressions) == 1:
        arg = node.expressions[0]
        not_null = nullable(arg, ctx) is False  # before arg moves into the new node (out of its query)
        out = exp.Length(this=exp.Trim(this=arg, position="TRAILING"))
        if _nonblank_literal(arg) or node.meta.get("compared_positive"):
            return out
        if not_null:  # never NULL: a NULL length can only be a blank value, 0 in T-SQL
            return exp.Coalesce(this=out, expressions=[exp.Literal.number(0)], is_nvl=True)
        ctx.note(RULE, node, "LEN('') and LEN of blanks are 0 in T-SQL; Oracle '' is NULL, so "
                             "LENGTH(RTRIM(x)) is NULL there")
        return out
    if node.name == "DATALENGTH" and len(node.expressions) == 1:
        ctx.note(RULE, node, "DATALENGTH → LENGTHB: Oracle counts bytes in the database/national "
                             "character set (T-SQL: 2 bytes per NVARCHAR character)")
        return call("LENGTHB", node.expressions[0])
    return node
