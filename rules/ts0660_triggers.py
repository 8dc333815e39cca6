"""DML triggers: row triggers over :NEW/:OLD where the body is row-wise, else compound triggers.

T-SQL → Oracle (row-wise body)::

    CREATE TRIGGER trg ON Orders AFTER INSERT AS
      INSERT INTO Audit (OrderID, Note) SELECT i.OrderID, 'new' FROM inserted i

    CREATE OR REPLACE TRIGGER TRG
    AFTER INSERT ON ORDERS
    FOR EACH ROW
    BEGIN
      INSERT INTO AUDIT (ORDERID, NOTE) SELECT :NEW.ORDERID, 'new' FROM DUAL;
    END;

Why row-wise is exact there: a T-SQL trigger runs once per statement over the sets
``inserted``/``deleted``; an Oracle ``FOR EACH ROW`` trigger runs once per row with
``:NEW``/``:OLD``. A statement whose query only *joins or filters* the pseudo-table
(``INSERT … SELECT … FROM inserted i [JOIN t ON …] WHERE …``, ``UPDATE x … FROM x JOIN
inserted i ON …``, ``SELECT @v = i.col FROM inserted i``) distributes over the rows: the set
result is the union of the per-row results. A body is row-wise when every statement is such
a statement, a condition on the pseudo-tables only guards errors (``IF EXISTS (SELECT … FROM
inserted WHERE …) RAISERROR … ROLLBACK``), and nothing else has an effect per execution.
``deleted`` in a trigger that also fires on INSERT is empty on insert: such a statement is
wrapped in ``IF NOT INSERTING``; ``inserted`` on DELETE likewise.

AFTER triggers whose body is not row-wise become compound triggers (19c), which run the
T-SQL body once per statement as T-SQL does::

    CREATE OR REPLACE TRIGGER TRG
    FOR INSERT OR UPDATE ON ORDERS
    COMPOUND TRIGGER
      v_inserted ORDERS_TRG_TAB := ORDERS_TRG_TAB();
      v_deleted ORDERS_TRG_TAB := ORDERS_TRG_TAB();
      AFTER EACH ROW IS
      BEGIN
        v_inserted.EXTEND;
        v_inserted(v_inserted.LAST) := ORDERS_TRG_ROW(:NEW.ORDERID, :NEW.AMOUNT);
        IF UPDATING THEN
          v_deleted.EXTEND;
          v_deleted(v_deleted.LAST) := ORDERS_TRG_ROW(:OLD.ORDERID, :OLD.AMOUNT);
        END IF;
      END AFTER EACH ROW;
      AFTER STATEMENT IS
      BEGIN
        <the body, inserted → TABLE(v_inserted) INSERTED, deleted → TABLE(v_deleted) DELETED>
      END AFTER STATEMENT;
    END TRG;

Not row-wise: aggregates, ``DISTINCT``, ``TOP``, ``GROUP BY`` or windows over a pseudo-table,
outer joins with it, reading the triggering table (a row trigger cannot: ORA-04091; AFTER
STATEMENT can), conditions on the pseudo-tables that guard anything but an error, and
statements that run once per statement (DML without the pseudo-tables, ``EXEC``, ``PRINT``,
loops, cursors). The collections are of a SQL object type and nested table type
``<TABLE>_TRG_ROW`` / ``<TABLE>_TRG_TAB`` emitted in the setup script (one attribute per
column of the triggering table, from the catalog): ``TABLE()`` in SQL needs a SQL-level
collection type (a type declared inside the trigger cannot be used there). ``@@ROWCOUNT``
at the start is the number of rows collected. A body that never reads the pseudo-tables
becomes a plain AFTER statement trigger. Changing the triggering table with one of the
trigger's own events is a statement TODO: Oracle would fire the trigger again for it (T-SQL
does not by default, RECURSIVE_TRIGGERS OFF). When the table is not in the project the
trigger stays a row trigger and the statements that are not row-wise are marked TODO.

Other pieces:

- ``UPDATE(col)`` → ``UPDATING('COL')``; with an INSERT event ``(INSERTING OR UPDATING('COL'))``
  (T-SQL's UPDATE() is true for every column on insert). ``COLUMNS_UPDATED()``: TODO.
- ``ROLLBACK`` → ``RAISE_APPLICATION_ERROR(-20000, …)`` (triggers cannot end the
  transaction in Oracle; the error undoes the triggering statement): noted.
- ``@@ROWCOUNT`` at the start of a row trigger → 1 (a row trigger runs for ≥ 1 row): noted.
- ``INSTEAD OF`` on a view → ``INSTEAD OF … FOR EACH ROW``; on a table (Oracle allows
  INSTEAD OF only on views) only when the body just raises an error → ``BEFORE`` statement
  trigger; otherwise TODO.
- DDL triggers (``ON DATABASE`` / ``ALL SERVER``): TODO.
"""

from sqlglot import exp

from migrator.plsql.triggers import UPDATE_FN
from migrator.rulebook import define, transform

RULE = define("TS0660", "procedural.triggers", "procedural", __doc__)

PSEUDO = {"inserted": "NEW", "deleted": "OLD"}


def _pseudo(t) -> str | None:
    if isinstance(t, exp.Table) and not t.db and isinstance(t.this, exp.Identifier):
        return PSEUDO.get(t.name.casefold()) and t.name.casefold()
    return None


def _scope(node):
    p = node.parent
    while p is not None and not isinstance(p, (exp.Select, exp.Update, exp.Delete)):
        p = p.parent
    return p


@transform(RULE, exp.Table, order="pre")
def collected_rows(node, ctx):
    """Compound trigger: ``inserted``/``deleted`` → ``TABLE(v_inserted)`` / ``TABLE(v_deleted)``,
    the rows AFTER EACH ROW collected (the alias, or the pseudo-table's name, kept)."""
    info = getattr(ctx, "trigger", None)
    if info is None or getattr(info, "mode", "row") != "compound" or not _pseudo(node):
        return node
    coll = info.collections.get(_pseudo(node))
    if coll is None:
        ctx.todo(RULE, node, f"{node.name}: not collected by this trigger")
    fn = exp.Anonymous(this="TABLE", expressions=[exp.Var(this=coll)])
    fn.meta["oracle_ok"] = True
    alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(node.name))
    ctx.fixed(RULE, node, f"{node.name} → TABLE({coll}) (the rows collected AFTER EACH ROW)")
    return exp.Table(this=fn, alias=alias.copy())


@transform(RULE, exp.Select, exp.Update, exp.Delete, order="pre")
def row_wise(node, ctx):
    info = getattr(ctx, "trigger", None)
    if info is None or getattr(info, "mode", "row") == "compound":
        return node
    if info.timing != "INSTEAD OF":
        for t in node.find_all(exp.Table):
            if t.name.casefold() == info.table.casefold():
                ctx.todo(RULE, t, f"reads the triggering table {info.table}: a row trigger cannot (ORA-04091 "
                                  "mutating table); rewrite as a compound trigger by hand")
    frm = node.args.get("from_")
    joins = list(node.args.get("joins") or [])
    nested = isinstance(node, (exp.Update, exp.Delete)) and frm is not None and isinstance(frm.this, exp.Table)
    if nested and frm.this.args.get("joins"):  # UPDATE … FROM a JOIN b: sqlglot keeps the joins on the table
        if not any(_pseudo(j.this) for j in frm.this.args["joins"]) and not _pseudo(frm.this):
            return node
        joins = list(frm.this.args["joins"]) + joins
        frm.this.set("joins", None)
    items = []  # (kind, holder, table)
    if frm is not None:
        items.append(("from", frm, frm.this))
        items += [("comma", frm, e) for e in frm.expressions or []]
    items += [("join", j, j.this) for j in joins]
    pseudo = [(k, h, t) for k, h, t in items if _pseudo(t)]
    if not pseudo:
        return node
    if not info.guarded and any(_pseudo(t) == "deleted" and "INSERT" in info.events or
                                _pseudo(t) == "inserted" and "DELETE" in info.events for _k, _h, t in pseudo):
        ctx.todo(RULE, node, "inserted/deleted in a condition of a trigger that fires on several events "
                             "(the pseudo-table is empty for one of them)")
    if isinstance(node, exp.Select) and (node.args.get("group") or node.args.get("distinct") or node.args.get("limit")
                                         or any(s.find(exp.AggFunc, exp.Window) for s in node.selects)):
        ctx.todo(RULE, node, "aggregate, DISTINCT, TOP or window over inserted/deleted: not row-wise; rewrite as a "
                             "compound trigger by hand")
    where = []
    aliases = {}
    for kind, holder, t in pseudo:
        if kind == "join" and (holder.args.get("side") or (holder.args.get("kind") or "").upper() not in
                               {"", "INNER", "CROSS"}):
            ctx.todo(RULE, holder, "outer join with inserted/deleted: not row-wise; rewrite by hand")
        info.refs.add(_pseudo(t))
        aliases[(t.alias or t.name).casefold()] = PSEUDO[_pseudo(t)]
        if kind == "join":
            if holder.args.get("on") is not None:
                where.append(holder.args["on"])
            joins.remove(holder)
        elif kind == "comma":
            frm.set("expressions", [e for e in frm.expressions if e is not t])
    if any(k == "from" for k, _h, _t in pseudo):
        rest = frm.expressions or []
        if rest:
            frm.set("this", rest[0])
            frm.set("expressions", rest[1:])
        elif joins and not joins[0].args.get("side"):
            first = joins.pop(0)
            if first.args.get("on") is not None:
                where.append(first.args["on"])
            frm.set("this", first.this)
        elif joins:
            ctx.todo(RULE, node, "outer join after inserted/deleted: not row-wise; rewrite by hand")
        elif isinstance(node, exp.Select):
            frm.set("this", exp.to_table("DUAL"))
        else:
            node.set("from_", None)
    if nested and frm.args.get("this") is not None and isinstance(frm.this, exp.Table):
        frm.this.set("joins", joins or None)
    elif not (nested and not joins):
        node.set("joins", joins or None)
    only = len(items) == len(pseudo)
    for col in list(node.find_all(exp.Column)):
        q = col.table.casefold() if col.table else None
        if (q and q in aliases) or (not q and only and _scope(col) is node):
            corr = aliases[q] if q else next(iter(aliases.values()))
            col.replace(exp.Var(this=f":{corr}.{ctx.names.name(col.name)}"))
    if where:
        cond = exp.and_(*[w.copy() for w in where], *( [node.args["where"].this] if node.args.get("where") else []))
        for col in list(cond.find_all(exp.Column)):
            q = col.table.casefold() if col.table else None
            if q and q in aliases:
                col.replace(exp.Var(this=f":{aliases[q]}.{ctx.names.name(col.name)}"))
        node.set("where", exp.Where(this=cond))
    _collapse_target(node)
    ctx.fixed(RULE, node, "query over inserted/deleted → one row (:NEW/:OLD)")
    return node


def _collapse_target(node) -> None:
    """``UPDATE x … FROM x WHERE …`` left after removing the pseudo-table → ``UPDATE x … WHERE …``."""
    if not isinstance(node, (exp.Update, exp.Delete)):
        return
    frm = node.args.get("from_")
    target = node.this
    if frm is None or frm.expressions or node.args.get("joins") or not isinstance(target, exp.Table):
        return
    src = frm.this
    if isinstance(src, exp.Table) and target.name.casefold() in {src.name.casefold(), src.alias.casefold()}:
        node.set("this", src.copy())
        node.set("from_", None)


@transform(RULE, exp.Anonymous)
def updating(node, ctx):
    info = getattr(ctx, "trigger", None)
    if info is None or str(node.name).upper() != UPDATE_FN or len(node.expressions) != 1:
        return node
    col = node.expressions[0]
    name = col.name if isinstance(col, (exp.Column, exp.Identifier)) else col.sql()
    call = exp.Anonymous(this="UPDATING", expressions=[exp.Literal.string(ctx.names.name(name))])
    call.meta["oracle_ok"] = True
    ctx.fixed(RULE, node, f"UPDATE({name}) → UPDATING('{ctx.names.name(name)}')")
    if "INSERT" in info.events:
        return exp.Paren(this=exp.or_(exp.Var(this="INSERTING"), call))
    return call


def rewrite_statement(tree: exp.Expression, ctx) -> exp.Expression:
    """Row-wise rewrite of a whole trigger statement before other rules see it (``UPDATE …
    FROM … JOIN inserted`` must lose the pseudo-table before TS0413 turns it into MERGE)."""
    for scope in list(tree.find_all(exp.Select, exp.Update, exp.Delete)):
        row_wise(scope, ctx)
    for t in tree.find_all(exp.Table):  # a form the rewrite does not know: never leave the pseudo-table
        if _pseudo(t):
            ctx.todo(RULE, t, f"{t.name} used in a form not converted to a row trigger; rewrite by hand")
    return tree
