"""Convert QUOTENAME to concatenation with the closing quote doubled.

T-SQL → Oracle::

    QUOTENAME(x)         → '[' || REPLACE(x, ']', ']]') || ']'
    QUOTENAME(x, '''')   → '''' || REPLACE(x, '''', '''''') || ''''
    QUOTENAME(x, '"')    → '"' || REPLACE(x, '"', '""') || '"'

T-SQL returns NULL for input longer than 128 characters; Oracle does not (a NOTE). A
bracket-quoted name is T-SQL syntax: when the result builds dynamic SQL for Oracle, use the
``'"'`` form (or DBMS_ASSERT.ENQUOTE_NAME).
"""

from sqlglot import exp

from migrator.backend.functions import in_place, lit, tsql_name
from migrator.rulebook import define, transform

RULE = define("TS0215", "functions.quotename", "functions", __doc__)

_PAIRS = {"[": "]", "]": "]", "'": "'", '"': '"', "(": ")", ")": ")", "<": ">", ">": ">", "{": "}", "}": "}",
          "`": "`"}


@transform(RULE, exp.Anonymous)
def quotename(node: exp.Anonymous, ctx):
    if tsql_name(node) != "QUOTENAME" or not 1 <= len(node.expressions) <= 2:
        return node
    x = node.expressions[0]
    q = node.expressions[1] if len(node.expressions) > 1 else lit("[")
    if not isinstance(q, (exp.Literal, exp.National)) or q.name not in _PAIRS:
        ctx.todo(RULE, node, "QUOTENAME with a computed quote character")
    open_ = "[" if q.name == "]" else "(" if q.name == ")" else "<" if q.name == ">" else "{" if q.name == "}" \
        else q.name
    close = _PAIRS[q.name]
    ctx.note(RULE, node, "QUOTENAME returns NULL for input over 128 characters in T-SQL; the Oracle form does not")
    body = exp.Replace(this=x, expression=lit(close), replacement=lit(close * 2))
    return in_place(exp.DPipe(this=exp.DPipe(this=lit(open_), expression=body, safe=True), expression=lit(close),
                              safe=True), node)
