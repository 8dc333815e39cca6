"""Binary constants ``0x1F2E…`` → ``HEXTORAW('1F2E…')``.

T-SQL::

    INSERT INTO t (flags, picture) VALUES (0x0F, 0x151C2F00…)

Oracle::

    INSERT INTO T (FLAGS, PICTURE) VALUES (HEXTORAW('0F'), HEXTORAW('151C2F00…'))

A SQL string literal holds at most 4000 bytes, so a constant longer than 2000 bytes (4000 hex
digits) is marked TODO: load such data with DBMS_LOB, SQL*Loader or Data Pump instead.
``0x`` (empty) is an empty binary value, NULL in Oracle (note).
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0232", "functions.binary_literals", "functions", __doc__)


@transform(RULE, exp.HexString)
def hex_literal(node: exp.HexString, ctx):
    digits = node.name
    if len(digits) > 4000:
        ctx.todo(RULE, node, f"binary constant of {len(digits) // 2} bytes: longer than a SQL literal can hold "
                             "(4000 bytes); load it with DBMS_LOB, SQL*Loader or Data Pump")
    if not digits:
        ctx.note(RULE, node, "0x (empty binary) is NULL in Oracle")
        return exp.Null()
    if len(digits) % 2:
        digits = "0" + digits
    out = exp.Anonymous(this="HEXTORAW", expressions=[exp.Literal.string(digits.upper())])
    return out
