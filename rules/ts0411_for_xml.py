"""STUFF((SELECT ',' + x ... FOR XML PATH('')), 1, n, '') becomes a LISTAGG subquery; other FOR XML is marked.

T-SQL::

    SELECT c.id, STUFF((SELECT ',' + o.code FROM o WHERE o.cid = c.id ORDER BY o.code
                        FOR XML PATH('')), 1, 1, '') AS codes
    FROM c

Oracle::

    SELECT C.ID, (SELECT LISTAGG(O.CODE, ',') WITHIN GROUP (ORDER BY O.CODE NULLS FIRST)
                  FROM O WHERE O.CID = C.ID) AS CODES
    FROM C

``SELECT DISTINCT`` in the subquery becomes ``LISTAGG(DISTINCT ...)`` (19c), and ordering by
the concatenated item (``ORDER BY ',' + x``, required with DISTINCT) orders by ``x``. The
typed form ``STUFF((SELECT ... FOR XML PATH(''), TYPE).value('.', 'nvarchar(max)'), 1, n, '')``
is the same idiom without the XML escaping.

Caveats (noted): FOR XML PATH escapes ``&``, ``<`` and ``>`` (``&amp;`` ...) unless the
``, TYPE).value(...)`` form is used, LISTAGG does not; LISTAGG's result is limited to 4000
bytes (ORA-01489 beyond). The idiom is recognised only in its exact shape: a literal
separator concatenated before one expression, ``STUFF(..., 1, len(separator), '')``.
Every other FOR XML / FOR JSON query is out of scope and marked.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0411", "query.for_xml", "query", __doc__)


def _xml_path_empty(select: exp.Select, typed: bool = False) -> bool:
    """FOR XML PATH('') (typed: FOR XML PATH(''), TYPE)."""
    for_ = select.args.get("for_")
    if not isinstance(for_, exp.ForClause) or (for_.args.get("kind") or "").upper() != "XML":
        return False
    opts = [o.this if isinstance(o, exp.QueryOption) else o for o in for_.expressions]
    if typed:
        if len(opts) != 2 or not (isinstance(opts[1], exp.Var) and opts[1].name.upper() == "TYPE"):
            return False
    elif len(opts) != 1:
        return False
    opt = opts[0]
    return isinstance(opt, exp.XMLKeyValueOption) and opt.name.upper() == "PATH" and \
        isinstance(opt.expression, exp.Literal) and opt.expression.name == ""


def _typed_value(sub: exp.Expression) -> exp.Select | None:
    """(SELECT ... FOR XML PATH(''), TYPE).value('.', 'nvarchar(max)') → the SELECT, with its
    ``a.b`` references (parsed as Dot inside the method-call chain) made columns again."""
    if not (isinstance(sub, exp.Dot) and isinstance(sub.this, exp.Subquery)
            and isinstance(sub.this.this, exp.Select)):
        return None
    call = sub.expression
    if not (isinstance(call, exp.Anonymous) and call.name.lower() == "value" and len(call.expressions) == 2
            and isinstance(call.expressions[0], exp.Literal) and call.expressions[0].name == "."):
        return None
    select = sub.this.this.copy()
    for dot in list(select.find_all(exp.Dot)):
        if isinstance(dot.this, exp.Identifier) and isinstance(dot.expression, exp.Identifier):
            dot.replace(exp.Column(this=dot.expression.copy(), table=dot.this.copy()))
    if any(True for _ in select.find_all(exp.Dot)):
        return None
    return select


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
    typed = _typed_value(sub)
    inner = typed if typed is not None else sub.this if isinstance(sub, exp.Subquery) else None
    if not isinstance(inner, exp.Select) or not _xml_path_empty(inner, typed is not None):
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
    order_exprs = [_by_value(o, inner.expressions[0].unalias(), value) for o in order_exprs]
    distinct = inner.args.get("distinct") is not None
    listagg = exp.GroupConcat(this=exp.Distinct(expressions=[value.copy()]) if distinct else value.copy(),
                              separator=sep.copy())
    listagg.meta["for_xml_idiom"] = True
    agg = exp.WithinGroup(this=listagg,
                          expression=exp.Order(expressions=[o.copy() for o in order_exprs]))
    new = inner.copy()
    new.set("for_", None)
    new.set("order", None)
    new.set("expressions", [agg])
    new.set("distinct", None)  # SELECT DISTINCT ... FOR XML → LISTAGG(DISTINCT ...) (19c)
    if typed is not None:  # , TYPE).value(...): T-SQL does not escape either
        ctx.note(RULE, node, "STUFF((... FOR XML PATH(''), TYPE).value(...)) → LISTAGG: the result is limited "
                             "to 4000 bytes")
    else:
        ctx.note(RULE, node, "STUFF(... FOR XML PATH('')) → LISTAGG: XML escaping of & < > is not reproduced, "
                             "and the result is limited to 4000 bytes")
    return exp.Subquery(this=new)


def _by_value(ordered: exp.Expression, concat: exp.Expression, value: exp.Expression) -> exp.Expression:
    """ORDER BY ',' + x (the concatenated item, as DISTINCT requires in T-SQL) sorts as ORDER BY x."""
    o = ordered.copy()
    if isinstance(o, exp.Ordered) and o.this == concat:
        o.set("this", value.copy())
    return o


@transform(RULE, exp.Select, order="pre")
def other_for_xml(node: exp.Select, ctx):
    for_ = node.args.get("for_")
    if isinstance(for_, exp.ForClause) and (for_.args.get("kind") or "").upper() in {"XML", "JSON"}:
        ctx.todo(RULE, node, f"FOR {for_.args['kind'].upper()} query: out of scope (only the STUFF(... FOR XML "
                             "PATH('')) concatenation idiom is converted)")
    return node
