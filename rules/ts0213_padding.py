"""Convert REPLICATE, SPACE, STR and TRIM of a character set to RPAD/LPAD/LTRIM/RTRIM forms.

T-SQL → Oracle::

    REPLICATE('-', n)      → RPAD('-', n, '-')
    REPLICATE(s, n)        → RPAD(s, n * LENGTH(s), s)
    SPACE(n)               → RPAD(' ', n)
    STR(x)                 → LPAD(TO_CHAR(ROUND(x, 0)), 10)
    STR(x, 8, 2)           → LPAD(TO_CHAR(ROUND(x, 2), 'FM9999999990.00'), 8)
    TRIM('.,' FROM x)      → LTRIM(RTRIM(x, '.,'), '.,')

A count of 0 gives ``''`` in T-SQL and NULL in Oracle (``''`` is NULL there); a NULL or
negative count gives NULL in both. ``STR`` prints ``*`` when the number does not fit in
the length; LPAD truncates instead: a NOTE says so.

T-SQL 2022 ``TRIM(chars FROM x)`` removes any of the characters of ``chars`` from both ends;
Oracle's ``TRIM`` takes exactly one character (ORA-30001 otherwise), while ``LTRIM``/``RTRIM``
take a set as T-SQL does: anything but a one-character literal becomes ``LTRIM(RTRIM(…))``.
``TRIM(LEADING|TRAILING chars FROM x)`` already is ``LTRIM``/``RTRIM(x, chars)``.
"""

from sqlglot import exp

from migrator.backend.functions import call, lit, paren, tsql_name
from migrator.rulebook import define, transform

RULE = define("TS0213", "functions.padding", "functions", __doc__)


def _single_char(node) -> bool:
    return isinstance(node, (exp.Literal, exp.National)) and len(node.name) == 1 and \
        (not isinstance(node, exp.Literal) or node.is_string)


@transform(RULE, exp.Repeat)
def replicate(node: exp.Repeat, ctx):
    s, n = node.this, node.args.get("times")
    if _single_char(s):
        return call("RPAD", s, n, s.copy())
    return call("RPAD", s, exp.Mul(this=paren(n), expression=exp.Length(this=s.copy())), s.copy())


@transform(RULE, exp.Space)
def space(node: exp.Space, ctx):
    return call("RPAD", lit(" "), node.this)


def _int(node, default: int) -> int | None:
    if node is None:
        return default
    if isinstance(node, exp.Literal) and not node.is_string and node.name.isdigit():
        return int(node.name)
    return None


@transform(RULE, exp.Anonymous)
def str_(node: exp.Anonymous, ctx):
    if tsql_name(node) != "STR" or not 1 <= len(node.expressions) <= 3:
        return node
    args = node.expressions
    length = _int(args[1] if len(args) > 1 else None, 10)
    dec = _int(args[2] if len(args) > 2 else None, 0)
    if length is None or dec is None:
        ctx.todo(RULE, node, "STR with a computed length or number of decimals: write the TO_CHAR format by hand")
    dec = min(dec, 16)
    ctx.note(RULE, node, "STR prints '*' when the number does not fit its length; LPAD truncates instead")
    rounded = exp.Round(this=args[0], decimals=lit(dec))
    if dec == 0:
        text = call("TO_CHAR", rounded)
    else:
        whole = max(length - dec - 1, 1)
        fmt = "FM" + "9" * (whole - 1) + "0." + "0" * dec
        text = call("TO_CHAR", rounded, lit(fmt))
    return call("LPAD", text, lit(length))


@transform(RULE, exp.Trim)
def trim_set(node: exp.Trim, ctx):
    chars = node.args.get("expression")
    position = (node.args.get("position") or "BOTH").upper()
    if chars is None or position != "BOTH" or _single_char(chars):
        return node
    return call("LTRIM", call("RTRIM", node.this, chars), chars.copy())
