"""UPDATE ... SET ... FROM t JOIN u ... becomes a MERGE over the target's ROWID.

T-SQL::

    UPDATE o SET o.total = s.total FROM orders o JOIN sums s ON s.id = o.id WHERE s.total > 0

Oracle::

    MERGE INTO ORDERS O
    USING (SELECT O.ROWID AS RID_, S.TOTAL AS V1_ FROM ORDERS O JOIN SUMS S ON S.ID = O.ID
           WHERE S.TOTAL > 0) SRC_
    ON (O.ROWID = SRC_.RID_)
    WHEN MATCHED THEN UPDATE SET O.TOTAL = SRC_.V1_

Every SET expression is computed in the source query, over exactly the T-SQL FROM/WHERE,
so no expression needs rewriting. Note: when the join matches a target row several times
T-SQL silently picks one source row; Oracle's MERGE raises ORA-30926 instead.
A target that is not among the FROM sources is cross joined (T-SQL's meaning).

When every SET expression uses only the target's own columns (or constants), the join only
chooses rows, and the exact form has no ORA-30926 risk::

    UPDATE ORDERS O SET STATUS = 'Shipped'
    WHERE O.ROWID IN (SELECT O.ROWID FROM ORDERS O JOIN LINES L ON L.ORDER_ID = O.ID WHERE …)
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0413", "dml.update_from", "dml", __doc__)


def oracle_ident(name: str) -> exp.Identifier:
    ident = exp.Identifier(this=name, quoted=False)
    ident.meta["mapped"] = True
    return ident


def rowid(qualifier: str | None) -> exp.Column:
    return exp.Column(this=oracle_ident("ROWID"), table=exp.to_identifier(qualifier) if qualifier else None)


def sources(from_this: exp.Expression) -> list[exp.Expression]:
    return [from_this, *[j.this for j in from_this.args.get("joins") or []]]


def find_target(target: exp.Table, from_this: exp.Expression) -> exp.Table | None:
    """The FROM source the DML target names (by alias, or by table name when unaliased)."""
    want = target.name.casefold()
    by_alias = [s for s in sources(from_this) if isinstance(s, exp.Table) and s.alias.casefold() == want]
    if by_alias:
        return by_alias[0]
    same = [s for s in sources(from_this) if isinstance(s, exp.Table)
            and s.name.casefold() == want and (s.db or "").casefold() == (target.db or "").casefold()]
    # "If the object being updated is the same as the object in the FROM clause and there is only one
    # reference to it in the FROM clause, an object alias may or may not be specified" (T-SQL UPDATE docs)
    return same[0] if len(same) == 1 else None


@transform(RULE, exp.Update, order="pre")
def update_from(node: exp.Update, ctx):
    from_ = node.args.get("from_")
    if from_ is None:
        return node
    target = node.this
    if target.args.get("joins"):
        ctx.todo(RULE, node, "UPDATE with joins in its target")
    source_from = from_.this.copy()
    hit = find_target(target, source_from)
    if hit is None:  # UPDATE t ... FROM u WHERE t.id = u.id: t is cross joined
        base = target.copy()
        base.set("alias", None)
        base.set("joins", None)
        source_from = base
        joins = [exp.Join(this=from_.this.copy())]
        qualifier = target.name
        merge_target = target.copy()
    else:
        joins = None
        qualifier = hit.alias_or_name
        merge_target = hit.copy()
        merge_target.set("joins", None)
    if hit is not None and _target_only(node, qualifier, hit, ctx):
        return _rowid_in(node, merge_target, qualifier, source_from, ctx)
    cols: list[exp.Expression] = [exp.alias_(rowid(qualifier), oracle_ident("RID_"))]
    sets = []
    for i, eq in enumerate(node.expressions, 1):
        if not isinstance(eq, exp.EQ) or not isinstance(eq.this, exp.Column):
            ctx.todo(RULE, node, "UPDATE ... FROM with a SET item that is not column = expression")
        name = f"V{i}_"
        cols.append(exp.alias_(eq.expression.copy(), oracle_ident(name)))
        col = exp.Column(this=eq.this.this.copy())
        sets.append(exp.EQ(this=col, expression=exp.Column(this=oracle_ident(name), table=oracle_ident("SRC_"))))
    query = exp.Select(expressions=cols, from_=exp.From(this=source_from))
    if joins:
        query.set("joins", joins)
    if node.args.get("where") is not None:
        query.set("where", node.args["where"].copy())
    on = exp.Paren(this=exp.EQ(this=rowid(qualifier), expression=exp.Column(this=oracle_ident("RID_"),
                                                                           table=oracle_ident("SRC_"))))
    merge = exp.Merge(this=merge_target, using=exp.Subquery(this=query, alias=exp.TableAlias(this=oracle_ident("SRC_"))),
                      on=on, whens=exp.Whens(expressions=[exp.When(matched=True, then=exp.Update(expressions=sets))]))
    merge.meta["tsql_update_from"] = True
    ctx.note(RULE, node, "UPDATE ... FROM → MERGE: a target row matched by several source rows raises ORA-30926 "
                         "in Oracle, where SQL Server silently uses one of them")
    return merge


def _target_only(node: exp.Update, qualifier: str, hit: exp.Table, ctx) -> bool:
    """Do the SET expressions read only the target row (qualified by its alias, or unqualified
    columns the catalog places in the target table)?"""
    for eq in node.expressions:
        if not isinstance(eq, exp.EQ) or not isinstance(eq.this, exp.Column):
            return False
        for col in eq.expression.find_all(exp.Column):
            if col.table:
                if col.table.casefold() != qualifier.casefold():
                    return False
            elif ctx.catalog is None or ctx.catalog.column(hit.name, col.name) is None:
                return False
        if eq.expression.find(exp.Select, exp.Subquery):
            return False
    return True


def _rowid_in(node: exp.Update, target: exp.Table, qualifier: str, source_from, ctx) -> exp.Update:
    query = exp.Select(expressions=[rowid(qualifier)], from_=exp.From(this=source_from))
    if node.args.get("where") is not None:
        query.set("where", node.args["where"].copy())
    sets = [exp.EQ(this=exp.Column(this=eq.this.this.copy()), expression=eq.expression.copy())
            for eq in node.expressions]
    update = exp.Update(this=target, expressions=sets,
                        where=exp.Where(this=exp.In(this=rowid(qualifier), query=exp.Subquery(this=query))))
    ctx.fixed(RULE, node, "UPDATE ... FROM whose SET reads only the target → UPDATE ... WHERE ROWID IN (join)")
    return update
