"""DELETE / UPDATE through a CTE, and WITH before DELETE / UPDATE (Oracle DML has no WITH clause).

T-SQL::

    WITH d AS (SELECT id, ROW_NUMBER() OVER (PARTITION BY email ORDER BY id) AS rn FROM customers)
    DELETE FROM d WHERE rn > 1

    WITH q AS (SELECT TOP (10) * FROM jobs WHERE taken = 0 ORDER BY id)
    UPDATE q SET taken = 1

Oracle::

    DELETE FROM CUSTOMERS WHERE ROWID IN (
      WITH D AS (SELECT ID, ROW_NUMBER() OVER (...) AS RN, CUSTOMERS.ROWID AS RID_ FROM CUSTOMERS)
      SELECT RID_ FROM D WHERE RN > 1)

    UPDATE JOBS SET TAKEN = 1 WHERE ROWID IN (
      WITH Q AS (SELECT JOBS.*, JOBS.ROWID AS RID_ FROM JOBS WHERE TAKEN = 0 ORDER BY ID
                 FETCH FIRST 10 ROWS ONLY)
      SELECT RID_ FROM Q)

T-SQL lets DML target a CTE that reads a single table: the rows of that table go. Oracle
has no WITH before DELETE/UPDATE, so the CTE moves into a ``ROWID IN (...)`` subquery that
carries the base table's ROWID out of the CTE. Only a CTE over one base table (no join,
GROUP BY, DISTINCT, set operation) is rewritten, and an UPDATE only when every SET column
and every column its expressions read is a plain column of that table; otherwise TODO.
A WITH before DML on a base table moves into the subqueries that use it; before an INSERT,
into the INSERT's query (``INSERT INTO t WITH x AS (...) SELECT ...``); before a MERGE, into its
USING query (``USING (WITH x AS (...) SELECT * FROM x) X``).
"""

from __future__ import annotations

from sqlglot import exp

from migrator.rulebook import define, transform
from rules.ts0413_update_from import oracle_ident, rowid

RULE = define("TS0409", "dml.cte_dml", "dml", __doc__)

_RID = "RID_"


def _ctes(w: exp.With) -> dict[str, exp.CTE]:
    return {c.alias.casefold(): c for c in w.expressions}


def _single_table(body: exp.Expression, ctes: dict) -> exp.Table | None:
    if not isinstance(body, exp.Select) or body.args.get("joins") or body.args.get("group") \
            or body.args.get("distinct") or body.args.get("having"):
        return None
    frm = body.args.get("from_") or body.args.get("from")
    src = frm.this if frm is not None else None
    if not isinstance(src, exp.Table) or src.args.get("joins") or (not src.db and src.name.casefold() in ctes):
        return None
    if any(isinstance(s.this if isinstance(s, exp.Alias) else s, exp.AggFunc) for s in body.selects):
        return None
    return src


def _base_column(body: exp.Select, name: str) -> str | None:
    """The base-table column a CTE output column is (plain column or its alias), else None."""
    for sel in body.selects:
        if sel.alias_or_name.casefold() == name.casefold():
            inner = sel.this if isinstance(sel, exp.Alias) else sel
            return inner.name if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star) else None
    if any(isinstance(s, exp.Star) or isinstance(s, exp.Column) and isinstance(s.this, exp.Star)
           for s in body.selects):
        return name
    return None


def _rowid_cte(w: exp.With, cte_key: str, base: exp.Table) -> exp.With:
    qual = base.alias_or_name
    new = w.copy()
    for c in new.expressions:
        if c.alias.casefold() == cte_key:
            body = c.this
            sels = [exp.Column(this=exp.Star(), table=exp.to_identifier(qual)) if isinstance(s, exp.Star) else s
                    for s in body.selects]
            body.set("expressions", sels + [exp.alias_(rowid(qual), oracle_ident(_RID))])
    return new


def _rowid_filter(w: exp.With, cte_name: str, where: exp.Expression | None, top) -> exp.Where:
    sub = exp.Select(expressions=[exp.Column(this=oracle_ident(_RID))],
                     from_=exp.From(this=exp.Table(this=exp.to_identifier(cte_name))))
    if where is not None:
        sub.set("where", where.copy())
    if top is not None:
        from rules.ts0414_delete_join import _fetch

        sub.set("limit", _fetch(top))
    sub.set("with_", w)
    return exp.Where(this=exp.In(this=exp.Column(this=oracle_ident("ROWID")), query=exp.Subquery(this=sub)))


def _base_table(base: exp.Table) -> exp.Table:
    t = base.copy()
    t.set("alias", None)
    return t


@transform(RULE, exp.Insert, order="pre")
def insert_with(node: exp.Insert, ctx):
    """WITH x AS (...) INSERT INTO t SELECT ... FROM x → INSERT INTO t WITH x AS (...) SELECT ..."""
    w = node.args.get("with_")
    if w is None:
        return node
    src = node.expression
    if not isinstance(src, (exp.Select, exp.SetOperation)) or src.args.get("with_") is not None:
        ctx.todo(RULE, node, "WITH before INSERT ... VALUES/EXEC: Oracle INSERT has no WITH clause")
    node.set("with_", None)
    src.set("with_", w)
    ctx.fixed(RULE, node, "WITH before INSERT moved into the INSERT's query")
    return node


@transform(RULE, exp.Merge, order="pre")
def merge_with(node: exp.Merge, ctx):
    """WITH x AS (...) MERGE INTO t USING x ... → MERGE INTO t USING (WITH x AS (...) SELECT * FROM x) X ..."""
    w = node.args.get("with_")
    if w is None:
        return node
    using = node.args.get("using")
    if isinstance(using, exp.Subquery) and isinstance(using.this, (exp.Select, exp.SetOperation)):
        query = using.this
    elif isinstance(using, exp.Table):
        query = exp.Select(expressions=[exp.Star()], from_=exp.From(this=exp.Table(this=using.this.copy(),
                                                                                   db=using.args.get("db"))))
        using = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(using.alias_or_name)))
        node.set("using", using)
    else:
        ctx.todo(RULE, node, "WITH before MERGE: Oracle MERGE has no WITH clause; rewrite by hand")
    if query.args.get("with_") is not None:
        ctx.todo(RULE, node, "WITH before MERGE whose source has its own WITH: rewrite by hand")
    node.set("with_", None)
    query.set("with_", w)
    ctx.fixed(RULE, node, "WITH before MERGE moved into the USING query")
    return node


@transform(RULE, exp.Delete, exp.Update, order="pre")
def cte_dml(node, ctx):
    w = node.args.get("with_")
    if w is None or not w.expressions:
        return node
    kind = "DELETE" if isinstance(node, exp.Delete) else "UPDATE"
    ctes = _ctes(w)
    target = node.this
    key = target.name.casefold() if isinstance(target, exp.Table) and not target.db else None
    if key not in ctes:
        return _move_with(node, w, ctes, kind, ctx)
    if node.args.get("tables") or node.meta.get("tsql_from") is not None or node.args.get("from_") is not None:
        ctx.todo(RULE, node, f"{kind} through a CTE with a FROM clause: rewrite by hand")
    if node.args.get("returning") is not None:
        ctx.todo(RULE, node, f"{kind} through a CTE with an OUTPUT clause: rewrite by hand (RETURNING in PL/SQL)")
    body = ctes[key].this
    base = _single_table(body, ctes)
    if base is None:
        ctx.todo(RULE, node, f"{kind} through CTE {target.name} that does not read a single table "
                             "(join, grouping, DISTINCT or set operation): rewrite against the base table")
    where = _rowid_filter(_rowid_cte(w, key, base), target.name, node.args.get("where"), node.meta.get("tsql_top"))
    if isinstance(node, exp.Delete):
        ctx.fixed(RULE, node, f"DELETE through CTE {target.name} → DELETE FROM {base.name} WHERE ROWID IN (...)")
        return exp.Delete(this=_base_table(base), where=where)
    sets = []
    for item in node.expressions:
        if not (isinstance(item, exp.EQ) and isinstance(item.this, exp.Column)):
            ctx.todo(RULE, node, "UPDATE through a CTE with a SET item that is not column = value")
        item = item.copy()
        for col in [item.this, *item.expression.find_all(exp.Column)]:
            if col.find_ancestor(exp.Subquery) is not None and col is not item.this:
                ctx.todo(RULE, node, "UPDATE through a CTE with a subquery in SET: rewrite by hand")
            name = _base_column(body, col.name)
            if name is None:
                ctx.todo(RULE, node, f"UPDATE through CTE {target.name}: {col.name} is not a plain column of "
                                     f"{base.name}; rewrite by hand (MERGE)")
            col.set("this", exp.to_identifier(name))
            col.set("table", None)
        sets.append(item)
    ctx.fixed(RULE, node, f"UPDATE through CTE {target.name} → UPDATE {base.name} WHERE ROWID IN (...)")
    return exp.Update(this=_base_table(base), expressions=sets, where=where)


def _move_with(node, w: exp.With, ctes: dict, kind: str, ctx):
    """WITH before DML on a base table: attach it to each outermost subquery that uses a CTE."""
    if node.args.get("tables") or node.meta.get("tsql_from") is not None or node.args.get("from_") is not None:
        direct = [t for t in node.find_all(exp.Table) if t.find_ancestor(exp.With) is None]
        if any(not t.db and t.name.casefold() in ctes for t in direct):
            ctx.todo(RULE, node, f"WITH before {kind} ... FROM: Oracle DML has no WITH clause; rewrite by hand")
    node.set("with_", None)
    done = []
    for sub in list(node.find_all(exp.Select)):
        if any(_inside(sub, d) for d in done):
            continue
        if any(not t.db and t.name.casefold() in ctes for t in sub.find_all(exp.Table)):
            sub.set("with_", w.copy())
            done.append(sub)
    ctx.fixed(RULE, node, f"WITH before {kind}: moved into the subqueries that use it")
    return node


def _inside(node: exp.Expression, outer: exp.Expression) -> bool:
    p = node.parent
    while p is not None:
        if p is outer:
            return True
        p = p.parent
    return False
