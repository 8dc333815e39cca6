"""Convert CHAR, NCHAR, UNICODE and ASCII character-code functions.

T-SQL → Oracle::

    CHAR(13)     → CHR(13)
    NCHAR(8364)  → NCHR(8364)
    UNICODE(s)   → ASCII(s)       note: equal to the code point for ASCII characters only
    ASCII(s)     → ASCII(s)

``CHR(n)`` for ``n`` above 127 is a byte of the database character set (in AL32UTF8 not a
whole character), while T-SQL ``CHAR`` uses the code page of the collation: a NOTE is
given unless ``n`` is a literal below 128.
"""

from sqlglot import exp

from migrator.backend.functions import call, tsql_name
from migrator.rulebook import define, transform

RULE = define("TS0214", "functions.char_codes", "functions", __doc__)


@transform(RULE, exp.Chr)
def char(node: exp.Chr, ctx):
    args = node.expressions
    n = args[0] if args else None
    if not (isinstance(n, exp.Literal) and n.name.isdigit() and int(n.name) < 128):
        ctx.note(RULE, node, "CHAR(n) above 127 depends on the code page; Oracle CHR(n) gives a byte of the "
                             "database character set: use NCHR or UNISTR for non-ASCII characters")
    return call("CHR", *args)


@transform(RULE, exp.Anonymous)
def nchar(node: exp.Anonymous, ctx):
    if tsql_name(node) == "NCHAR" and len(node.expressions) == 1:
        return call("NCHR", node.expressions[0])
    return node


@transform(RULE, exp.Unicode)
def unicode(node: exp.Unicode, ctx):
    ctx.note(RULE, node, "UNICODE → ASCII: the code point only for ASCII characters; ASCII returns the "
                         "character-set encoding for others")
    return exp.Ascii(this=node.this)
