r"""Convert CHARINDEX to INSTR, PATINDEX to REGEXP_INSTR, LIKE character classes to REGEXP_LIKE.

T-SQL → Oracle::

    CHARINDEX('x', s)         → INSTR(s, 'x')
    CHARINDEX('x', s, 5)      → INSTR(s, 'x', 5)
    PATINDEX('%[0-9]%', s)    → REGEXP_INSTR(s, '[0-9]')
    PATINDEX('ab%', s)        → REGEXP_INSTR(s, '^ab')

The LIKE pattern of PATINDEX is translated to a regular expression only when it is a
literal (``%`` → ``.*`` or an open end, ``_`` → ``.``, ``[...]`` kept, regex characters
escaped); a computed pattern is marked TODO. T-SQL compares with the column's collation
(usually case-insensitive); Oracle is case-sensitive: a NOTE says so.

LIKE patterns with ``[...]`` (T-SQL only: Oracle's LIKE takes ``[`` literally, so the test
would silently match nothing)::

    a LIKE 'x[_]y%'           → A LIKE 'x\_y%' ESCAPE '\'     a one-character class is an escape
    a LIKE '[A-C]%'           → REGEXP_LIKE(A, '^[A-C]', 'i')
    a NOT LIKE '%[^0-9]%'     → NOT REGEXP_LIKE(A, '[^0-9]')
    a LIKE 'A_[0-9]' ESCAPE '!' → REGEXP_LIKE(A, '^A.[0-9]$', 'in')   ('n': _ and % match a newline)

A pattern with letters gets the ``'i'`` flag: T-SQL's usual collation is case-insensitive,
and so is the match (a NOTE says that letter ranges follow the collation order in T-SQL,
plain code points in the regular expression). A plain pattern (no brackets) is left alone
(TS0263 notes its case sensitivity). The regular expression is anchored like the
LIKE (``%`` at an end drops the anchor); ESCAPE sequences become literal characters; an
escaped ``[`` (``'![' ESCAPE '!'``) becomes a plain ``[`` (Oracle rejects an escape before
anything but ``%``/``_``/itself). A pattern built from literals and ``CHAR(n)`` is read as
the constant it is (``'%[^ ' + CHAR(9) + ']%'``; control characters stay ``CHR(n)``); any
other computed pattern holding a ``[`` literal is marked TODO.
LIKE inside a CHECK constraint is TS0106's.
"""

import re

from sqlglot import exp

from migrator.backend.functions import call, lit, tsql_name
from migrator.rulebook import define, transform
from migrator.patterns import like_literal_brackets, like_to_regex, regex_has_wildcard_dot

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


_LIKE_RANGE = ("LIKE character range such as [a-z] → REGEXP_LIKE: T-SQL ranges follow the collation order "
               "(accented letters included), the regular expression uses plain character ranges")


def _string_literal(node) -> bool:
    return isinstance(node, exp.National) or isinstance(node, exp.Literal) and node.is_string


@transform(RULE, exp.Like, exp.Escape, order="pre")
def like_classes(node, ctx):
    if isinstance(node, exp.Like) and isinstance(node.parent, exp.Escape):
        return node  # the Escape node handles it
    like, escape = (node.this, node.expression) if isinstance(node, exp.Escape) else (node, None)
    if not isinstance(like, exp.Like) or node.find_ancestor(exp.CheckColumnConstraint) is not None:
        return node
    pat = like.expression
    if escape is not None and not (_string_literal(escape) and len(escape.name) == 1):
        return node
    esc = escape.name if escape is not None else None
    folded = _constant_text(pat)
    if folded is not None and not _string_literal(pat) and "[" in folded:
        return _like_text(node, like, folded, esc, ctx)
    if not _string_literal(pat):
        if any(_string_literal(x) and "[" in x.name for x in pat.find_all(exp.Literal, exp.National)):
            ctx.todo(RULE, node, "LIKE with a computed pattern holding '[': T-SQL character classes mean nothing "
                                 "to Oracle's LIKE; build a REGEXP_LIKE pattern by hand")
        return node
    if "[" not in pat.name and (esc is None or like_literal_brackets(pat.name, esc) == (pat.name, esc)):
        return node
    return _like_text(node, like, pat.name, esc, ctx, national=isinstance(pat, exp.National))


def _like_text(node, like: exp.Like, text: str, esc: str | None, ctx, national: bool = False):
    """LIKE with the constant pattern ``text`` (holding brackets or escapes) in Oracle form."""
    plain = like_literal_brackets(text, esc)
    if plain is not None:
        new_text, new_esc = plain
        new = exp.Like(this=like.this, expression=_string(new_text, national), negate=like.args.get("negate"))
        ctx.fixed(RULE, node, "LIKE: one-character classes ([_], [%], [[]) became ESCAPE sequences")
        return exp.Escape(this=new, expression=lit(new_esc)) if new_esc else new
    rx = like_to_regex(text, esc)
    if rx is None:
        ctx.todo(RULE, node, f"LIKE pattern {text!r} not understood: rewrite with REGEXP_LIKE by hand")
    letters = bool(re.search(r"[^\W\d_]", text))
    if re.search(r"\[\^?[^\]]*[^\W\d_]-[^\W\d_]", text):
        ctx.note(RULE, node, _LIKE_RANGE)
    flags = ("i" if letters else "") + ("n" if regex_has_wildcard_dot(rx) else "")
    args = [like.this, _string(rx, False)] + ([lit(flags)] if flags else [])
    test = call("REGEXP_LIKE", *args)
    return exp.Not(this=test) if like.args.get("negate") else test


def _constant_text(node) -> str | None:
    """The value of a pattern built from string literals and CHAR(n)/NCHAR(n) with +, else None."""
    if _string_literal(node):
        return node.name
    if isinstance(node, exp.Paren):
        return _constant_text(node.this)
    if isinstance(node, (exp.Add, exp.DPipe)):
        a, b = _constant_text(node.this), _constant_text(node.expression)
        return a + b if a is not None and b is not None else None
    if isinstance(node, exp.Chr) and len(node.expressions) == 1:
        n = node.expressions[0]
        if isinstance(n, exp.Literal) and not n.is_string and n.name.isdigit() and int(n.name) < 128:
            return chr(int(n.name))
    return None


def _string(text: str, national: bool) -> exp.Expression:
    """An Oracle string for ``text``: control characters as CHR(n) pieces joined with ||."""
    parts, buf = [], ""
    for ch in text:
        if ord(ch) < 32:
            if buf:
                parts.append(exp.National(this=buf) if national else lit(buf))
                buf = ""
            parts.append(call("CHR", lit(ord(ch))))
        else:
            buf += ch
    if buf or not parts:
        parts.append(exp.National(this=buf) if national else lit(buf))
    out = parts[0]
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=p, safe=True)
    return exp.Paren(this=out) if len(parts) > 1 else out
