"""Convert STUFF (plain string use) and HASHBYTES; mark PARSENAME.

T-SQL → Oracle::

    STUFF(s, 3, 2, 'x')        → SUBSTR(s, 1, 2) || 'x' || SUBSTR(s, 5)
    STUFF(s, i, n, r)          → SUBSTR(s, 1, i - 1) || r || SUBSTR(s, i + n)   (NOTE)
    HASHBYTES('MD5', x)        → STANDARD_HASH(x, 'MD5')      (SHA1, SHA2_256 → 'SHA256', SHA2_512 → 'SHA512')
    PARSENAME(x, n)            → TODO

T-SQL ``STUFF`` returns NULL when the start is below 1 or past the end of the string; the
Oracle form does not: a NOTE unless the start is a positive literal. ``STUFF((SELECT ...
FOR XML PATH('')), 1, 1, '')`` is the string-aggregation idiom, left to the query rules.
``HASHBYTES`` of an NVARCHAR hashes UTF-16 bytes; ``STANDARD_HASH`` hashes the database
character set's bytes: a NOTE.
"""

from sqlglot import exp

from migrator.backend.functions import call, in_place, lit, paren, tsql_name
from migrator.rulebook import define, transform

RULE = define("TS0217", "functions.stuff_hash", "functions", __doc__)


def _posint(x):
    return isinstance(x, exp.Literal) and not x.is_string and x.name.isdigit() and int(x.name) >= 1


@transform(RULE, exp.Stuff)
def stuff(node: exp.Stuff, ctx):
    s, start, length, repl = node.this, node.args.get("start"), node.args.get("length"), node.expression
    if s is None or start is None or length is None or list(s.find_all(exp.Select)):
        return node  # the FOR XML PATH idiom: TS04xx
    if _posint(start) and _posint(length) or (_posint(start) and isinstance(length, exp.Literal)):
        head_len = lit(int(start.name) - 1)
        tail = lit(int(start.name) + int(length.name))
    else:
        ctx.note(RULE, node, "STUFF returns NULL when the start is outside the string; the SUBSTR form does not")
        head_len = exp.Sub(this=paren(start), expression=lit(1))
        tail = exp.Add(this=paren(start.copy()), expression=paren(length))
    parts = []
    if not (isinstance(head_len, exp.Literal) and head_len.name == "0"):
        parts.append(exp.Substring(this=s, start=lit(1), length=head_len))
    if repl is not None and not isinstance(repl, exp.Null) and not (isinstance(repl, exp.Literal) and repl.is_string
                                                                     and repl.name == ""):
        parts.append(paren(repl))
    parts.append(exp.Substring(this=s.copy(), start=tail))
    out = parts[0]
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=p, safe=True)
    return in_place(out, node)


_ALGO = {"MD5": "MD5", "SHA1": "SHA1", "SHA": "SHA1", "SHA2_256": "SHA256", "SHA2_512": "SHA512"}


@transform(RULE, exp.MD5, exp.SHA, exp.SHA2)
def hashbytes(node, ctx):
    if isinstance(node, exp.MD5):
        algo = "MD5"
    elif isinstance(node, exp.SHA):
        algo = "SHA1"
    else:
        algo = {"256": "SHA256", "512": "SHA512", "384": "SHA384"}.get(node.text("length") or "256")
    if algo is None:
        ctx.todo(RULE, node, "HASHBYTES algorithm without an Oracle STANDARD_HASH equivalent")
    ctx.note(RULE, node, "HASHBYTES → STANDARD_HASH: the bytes hashed are the database character set's "
                         "(T-SQL: UTF-16 for NVARCHAR)")
    return call("STANDARD_HASH", node.this, lit(algo))


@transform(RULE, exp.Anonymous)
def parsename(node, ctx):
    if tsql_name(node) == "PARSENAME":
        ctx.todo(RULE, node, "PARSENAME splits a bracket-quoted T-SQL object name: rewrite with REGEXP_SUBSTR "
                             "by hand")
    return node
