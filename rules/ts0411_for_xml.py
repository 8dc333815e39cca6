"""STUFF((SELECT ',' + x ... FOR XML PATH('')), 1, n, '') becomes a LISTAGG subquery; other FOR XML is marked.

T-SQL::

    SELECT c.id, STUFF((SELECT ',' + o.code FROM o WHERE o.cid = c.id ORDER BY o.code
                        FOR XML PATH('')), 1, 1, '') AS codes
    FROM c

Oracle::

    SELECT C.ID, (SELECT LISTAGG(O.CODE, ',') WITHIN GROUP (ORDER BY O.CODE NULLS FIRST)
                  FROM O WHERE O.CID = C.ID) AS CODES
    FROM C

Caveats (noted): FOR XML PATH escapes ``&``, ``<`` and ``>`` (``&amp;`` ...) unless the
``, TYPE).value(...)`` form is used, LISTAGG does not; LISTAGG's result is limited to 4000
bytes (ORA-01489 beyond). The idiom is recognised only in its exact shape: a literal
separator concatenated before one expression, ``STUFF(..., 1, len(separator), '')``.
Every other FOR XML / FOR JSON query is out of scope and marked.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0411", "query.for_xml", "query", __doc__)


def _xml_path_empty(select: exp.Select) -> bool:
    for_ = select.args.get("for_")
    if not isinstance(for_, exp.ForClause) or (for_.args.get("kind") or "").upper() != "XML":
        return False
    opts = for_.expressions
    if len(opts) != 1:
        return False
    opt = opts[0].this if isinstance(opts[0], exp.QueryOption) else opts[0]
    return isinstance(opt, exp.XMLKeyValueOption) and opt.name.upper() == "PATH" and \
        isinstance(opt.expression, exp.Literal) and opt.expression.name == ""


def _concat_parts(e: exp.Expression):
    """',' + x  →  (',', x) for the separator-first concatenation."""
    if isinstance(e, exp.Add) and isinstance(e.this, exp.Literal) and e.this.is_string:
        return e.this, e.expression
    if isinstance(e, exp.DPipe) and isinstance(e.this, exp.Literal) and e.this.is_string:
        return e.this, e.expression
    return None


@transform(RULE, exp.Stuff, exp.Anonymous, order="pre")
def stuff_for_xml(node, ctx):
    if isinstance(node, exp.Anonymous) and node.name.upper() != "STUFF":
        return node
    args = [node.this, *node.expressions] if isinstance(node, exp.Stuff) else list(node.expressions)
    if isinstance(node, exp.Stuff):
        args = [node.this, node.args.get("start"), node.args.get("length"), node.expression]
    if len(args) != 4:
        return node
    sub, start, length, repl = args
    inner = sub.this if isinstance(sub, exp.Subquery) else None
    if not isinstance(inner, exp.Select) or not _xml_path_empty(inner):
        return node
    if len(inner.expressions) != 1:
        return node
    parts = _concat_parts(inner.expressions[0].unalias())
    if parts is None or not (isinstance(start, exp.Literal) and start.name == "1") or \
            not (isinstance(length, exp.Literal) and length.name == str(len(parts[0].name))) or \
            not (isinstance(repl, exp.Literal) and repl.name == ""):
        return node
    sep, value = parts
    order = inner.args.get("order")
    order_exprs = order.expressions if order is not None else [exp.Ordered(this=exp.null())]
    listagg = exp.GroupConcat(this=value.copy(), separator=sep.copy())
    listagg.meta["for_xml_idiom"] = True
    agg = exp.WithinGroup(this=listagg,
                          expression=exp.Order(expressions=[o.copy() for o in order_exprs]))
    new = inner.copy()
    new.set("for_", None)
    new.set("order", None)
    new.set("expressions", [agg])
    ctx.note(RULE, node, "STUFF(... FOR XML PATH('')) → LISTAGG: XML escaping of & < > is not reproduced, and "
                         "the result is limited to 4000 bytes")
    return exp.Subquery(this=new)


@transform(RULE, exp.Select, order="pre")
def other_for_xml(node: exp.Select, ctx):
    for_ = node.args.get("for_")
    if isinstance(for_, exp.ForClause) and (for_.args.get("kind") or "").upper() in {"XML", "JSON"}:
        ctx.todo(RULE, node, f"FOR {for_.args['kind'].upper()} query: out of scope (only the STUFF(... FOR XML "
                             "PATH('')) concatenation idiom is converted)")
    return node
