"""DELETE with a FROM ... JOIN (and DELETE/UPDATE TOP) become a ROWID IN (subquery) filter.

T-SQL::

    DELETE o FROM orders o JOIN gone g ON g.id = o.cid WHERE g.flag = 1
    DELETE FROM orders FROM orders o JOIN gone g ON g.id = o.cid
    DELETE TOP (100) FROM log WHERE ts < @cutoff
    UPDATE TOP (10) q SET taken = 1 WHERE taken = 0

Oracle::

    DELETE FROM ORDERS WHERE ROWID IN (SELECT O.ROWID FROM ORDERS O JOIN GONE G ON G.ID = O.CID
                                       WHERE G.FLAG = 1)
    DELETE FROM LOG WHERE ROWID IN (SELECT ROWID FROM LOG WHERE TS < ... FETCH FIRST 100 ROWS ONLY)
    UPDATE Q SET TAKEN = 1 WHERE ROWID IN (SELECT ROWID FROM Q WHERE TAKEN = 0 FETCH FIRST 10 ROWS ONLY)

The subquery keeps the T-SQL FROM and WHERE verbatim, so the same rows go; TOP picks
arbitrary rows in both databases (an ``ORDER BY`` is not allowed with DML TOP in T-SQL).
"""

from sqlglot import exp

from migrator.rulebook import define, transform
from rules.ts0413_update_from import find_target, oracle_ident, rowid

RULE = define("TS0414", "dml.delete_join", "dml", __doc__)


def _fetch(top: exp.Limit) -> exp.Fetch:
    opts = top.args.get("limit_options")
    return exp.Fetch(direction="FIRST", count=top.expression.copy(),
                     limit_options=exp.LimitOptions(percent=bool(opts and opts.args.get("percent")), rows=True))


def _rowid_in(qualifier, from_this, where, top) -> exp.Where:
    sub = exp.Select(expressions=[rowid(qualifier)], from_=exp.From(this=from_this))
    if where is not None:
        sub.set("where", where.copy())
    if top is not None:
        sub.set("limit", _fetch(top))
    return exp.Where(this=exp.In(this=exp.Column(this=oracle_ident("ROWID")), query=exp.Subquery(this=sub)))


@transform(RULE, exp.Delete, order="pre")
def delete_join(node: exp.Delete, ctx):
    tables = node.args.get("tables") or []
    top = node.meta.get("tsql_top")
    extra_from = node.meta.get("tsql_from")
    this = node.this
    if tables:  # DELETE t FROM t JOIN u ...
        if len(tables) != 1:
            ctx.todo(RULE, node, "DELETE of several tables")
        target, source = tables[0], this
    elif extra_from is not None:  # DELETE FROM t FROM t x JOIN u ...
        target, source = this, extra_from
    else:
        target, source = this, None
    if source is None or (not source.args.get("joins") and find_target(target, source) is source
                          and not source.alias):
        if top is None:
            if tables:
                node.set("tables", None)
                node.set("this", target)
            return node
        plain = (source or target).copy()
        node.set("tables", None)
        node.set("this", plain)
        node.set("where", _rowid_in(None, plain.copy(), node.args.get("where"), top))
        ctx.fixed(RULE, node, "DELETE TOP → ROWID IN (... FETCH FIRST)")
        return node
    hit = find_target(target, source)
    if hit is None:
        ctx.todo(RULE, node, f"DELETE target {target.name} is not one of the FROM tables")
    base = hit.copy()
    base.set("alias", None)
    base.set("joins", None)
    where = _rowid_in(hit.alias_or_name, source.copy(), node.args.get("where"), top)
    new = exp.Delete(this=base, where=where)
    ctx.fixed(RULE, node, "DELETE ... FROM ... JOIN → DELETE ... WHERE ROWID IN (...)")
    return new


@transform(RULE, exp.Update, order="pre")
def update_top(node: exp.Update, ctx):
    top = node.meta.get("tsql_top")
    if top is None:
        return node
    if node.args.get("from_") is not None:
        ctx.todo(RULE, node, "UPDATE TOP ... FROM: rewrite by hand")
    target = node.this
    src = target.copy()
    node.set("where", _rowid_in(None, src, node.args.get("where"), top))
    node.meta.pop("tsql_top", None)
    ctx.fixed(RULE, node, "UPDATE TOP → ROWID IN (... FETCH FIRST)")
    return node
