"""CREATE INDEX: storage words and options dropped, INCLUDE and filtered indexes rewritten.

T-SQL::

    CREATE NONCLUSTERED INDEX IX_a ON t (a DESC) INCLUDE (b) WITH (FILLFACTOR = 90) ON [PRIMARY]
    CREATE UNIQUE INDEX UX_code ON t (code) WHERE code IS NOT NULL

Oracle::

    CREATE INDEX IX_A ON T (A DESC, B);
    CREATE UNIQUE INDEX UX_CODE ON T (CASE WHEN CODE IS NOT NULL THEN CODE END);

INCLUDE columns: appended to the key of a non-unique index (NOTE: a wider key), dropped
from a unique one (NOTE: adding them would change what is unique). A filtered unique
index becomes a function-based index that only indexes the rows of the filter (rows
whose key is all NULL are not indexed in Oracle); a filtered non-unique index becomes a
plain index (NOTE). Index names share one namespace per Oracle schema: an index whose
name another table's index already uses in the project is renamed ``<TABLE>_<NAME>``.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0108", "ddl.index", "ddl", __doc__)


@transform(RULE, exp.Create, order="pre")
def create_index(node, ctx):
    kind = (node.args.get("kind") or "").upper()
    if not kind.endswith("INDEX"):
        return node
    words = kind.split()
    if "COLUMNSTORE" in words or node.args.get("clustered") is not None:
        ctx.todo(RULE, node, "COLUMNSTORE index: no Oracle 19c equivalent (consider In-Memory column store)")
    if words[0] in {"CLUSTERED", "NONCLUSTERED"}:
        ctx.fixed(RULE, node, f"{words[0]} dropped: Oracle indexes are B-tree indexes")
    if len(words) > 1 and words[0] not in {"CLUSTERED", "NONCLUSTERED"}:
        ctx.todo(RULE, node, f"CREATE {kind}: no Oracle form")
    node.set("kind", "INDEX")
    index = node.this
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if params is None:
        return node
    unique = bool(node.args.get("unique"))
    cols = list(params.args.get("columns") or [])
    include = params.args.get("include") or []
    if include:
        names = ", ".join(i.name for i in include)
        if unique:
            ctx.note(RULE, node, f"INCLUDE ({names}) dropped: Oracle indexes have no included columns")
        else:
            ctx.note(RULE, node, f"INCLUDE ({names}) appended to the index key: Oracle indexes have no "
                                 "included columns")
            cols += [exp.column(i.name) for i in include]
        params.set("include", None)
    where = params.args.get("where")
    if where is not None:
        cond = where.this
        if unique:
            ctx.note(RULE, node, "filtered unique index became a function-based index on CASE WHEN <filter> "
                                 "THEN <column> END: only rows of the filter are constrained")
            cols = [exp.Case(ifs=[exp.If(this=cond.copy(), true=(c.this if isinstance(c, exp.Ordered) else c).copy())])
                    for c in cols]
        else:
            ctx.note(RULE, node, "filter of a filtered index dropped: the Oracle index covers all rows")
        params.set("where", None)
    params.set("columns", cols)
    for arg in ("with_storage", "on", "partition_by", "tablespace", "using"):
        if params.args.get(arg):
            ctx.fixed(RULE, node, f"index option {arg.upper()} dropped: SQL Server storage option")
            params.set(arg, None)
    table = index.args.get("table")
    if ctx.catalog is not None and index.this is not None and isinstance(table, exp.Table):
        if ctx.catalog.index_rank(index.this.name, table.name) > 0:
            new = f"{table.name}_{index.this.name}"
            ctx.note(RULE, node, f"index {index.this.name} renamed {new}: another table's index in the project "
                                 "has that name, and Oracle index names are unique per schema")
            index.set("this", exp.to_identifier(new))
    return node
