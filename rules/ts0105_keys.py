"""Keys and table storage: PRIMARY KEY / UNIQUE / FOREIGN KEY in Oracle form, storage clauses dropped.

T-SQL::

    CREATE TABLE t (
      id INT CONSTRAINT PK_t PRIMARY KEY CLUSTERED (id ASC) WITH (PAD_INDEX = OFF) ON [PRIMARY],
      p INT REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE
    ) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]

Oracle::

    CREATE TABLE T (
      ID NUMBER(10) CONSTRAINT PK_T PRIMARY KEY (ID),
      P NUMBER(10) REFERENCES P (ID) ON DELETE CASCADE
    );

CLUSTERED/NONCLUSTERED, index options, filegroups and table compression options have no
Oracle meaning here (info events). Oracle has no ON UPDATE CASCADE: it is removed with a
NOTE (update child rows with a trigger if the key really changes). ON DELETE/UPDATE NO ACTION
is Oracle's behaviour already. ON DELETE SET DEFAULT has no Oracle form: marked.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0105", "ddl.keys", "ddl", __doc__)


def _storage(node, ctx):
    for what in node.meta.get("tsql_storage", []):
        ctx.fixed(RULE, node, f"{what.split('(')[0].strip()} dropped: SQL Server storage option")
    if node.meta.get("not_for_replication"):
        ctx.fixed(RULE, node, "NOT FOR REPLICATION dropped: no Oracle equivalent")
    kind = node.meta.get("tsql_index_kind")
    if kind:
        ctx.fixed(RULE, node, f"{kind} dropped: Oracle key indexes are B-tree indexes (no clustered index)")


def _clear_params(node, ctx):
    params = node.args.get("include")
    if isinstance(params, exp.IndexParameters):
        for arg in ("with_storage", "on", "tablespace", "using"):
            if params.args.get(arg):
                ctx.fixed(RULE, node, f"key option {arg.upper().replace('_STORAGE', '')} dropped: SQL Server "
                                      "storage option")
                params.set(arg, None)


@transform(RULE, exp.PrimaryKey, exp.PrimaryKeyColumnConstraint, exp.UniqueColumnConstraint)
def keys(node, ctx):
    _storage(node, ctx)
    _clear_params(node, ctx)
    for o in node.find_all(exp.Ordered):
        if o.args.get("desc"):
            ctx.fixed(RULE, node, "DESC dropped from a key column: Oracle key constraints have no sort order")
            o.set("desc", False)
    if isinstance(node, exp.UniqueColumnConstraint) and isinstance(node.this, exp.Schema) and \
            node.this.this is None and not node.this.expressions:
        node.set("this", None)
    return node


@transform(RULE, exp.ForeignKey, exp.Reference)
def foreign_key(node, ctx):
    _storage(node, ctx)
    if isinstance(node, exp.ForeignKey):
        delete, update = (node.args.get("delete") or "").upper(), (node.args.get("update") or "").upper()
        if update and update != "NO ACTION":
            ctx.note(RULE, node, f"ON UPDATE {update} removed: Oracle has no ON UPDATE action (child keys "
                                 "must be updated by hand or by a trigger)")
        node.set("update", None)
        if delete == "NO ACTION":
            node.set("delete", None)
        elif delete == "SET DEFAULT":
            ctx.todo(RULE, node, "ON DELETE SET DEFAULT has no Oracle form")
        ref = node.args.get("reference")
        if isinstance(node.parent, exp.ColumnConstraint) and not node.expressions and isinstance(ref, exp.Reference):
            # column-level FOREIGN KEY REFERENCES ...: Oracle's inline form is REFERENCES ... only
            if node.args.get("delete"):
                ref.set("options", [*(ref.args.get("options") or []), f"ON DELETE {node.args['delete']}"])
            return ref
        return node
    opts = []
    for opt in node.args.get("options") or []:
        o = opt.upper()
        if o.startswith("ON UPDATE"):
            if o != "ON UPDATE NO ACTION":
                ctx.note(RULE, node, f"{o} removed: Oracle has no ON UPDATE action (child keys must be updated "
                                     "by hand or by a trigger)")
            continue
        if o == "ON DELETE NO ACTION":
            continue
        if o == "ON DELETE SET DEFAULT":
            ctx.todo(RULE, node, "ON DELETE SET DEFAULT has no Oracle form")
        opts.append(o)
    node.set("options", opts)
    return node


@transform(RULE, exp.Constraint)
def named_constraint(node, ctx):
    # NOT FOR REPLICATION after a table constraint parses as a separate constraint item
    keep = [e for e in node.expressions if not isinstance(e, exp.NotForReplicationColumnConstraint)]
    if len(keep) != len(node.expressions):
        ctx.fixed(RULE, node, "NOT FOR REPLICATION dropped: no Oracle equivalent")
        node.set("expressions", keep)
    return node


@transform(RULE, exp.Create)
def table_storage(node, ctx):
    if (node.args.get("kind") or "").upper() != "TABLE":
        return node
    props = node.args.get("properties")
    if not isinstance(props, exp.Properties):
        return node
    keep = []
    for p in props.expressions:
        if isinstance(p, exp.TemporaryProperty):
            keep.append(p)
            continue
        ctx.fixed(RULE, node, f"table option {p.sql(dialect='tsql')} dropped: SQL Server storage option")
    node.set("properties", exp.Properties(expressions=keep) if keep else None)
    return node
