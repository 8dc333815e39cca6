"""DML triggers → Oracle row triggers (``FOR EACH ROW`` with ``:NEW``/``:OLD``) where the body
is row-wise, else compound triggers that run the body once over the collected rows.

Rule TS0660 (documented, with the reasoning, in ``rules/ts0660_triggers.py``). The body is
converted statement by statement by the procedural converter. Row trigger: rule TS0660
rewrites every query over ``inserted``/``deleted`` into its one-row form while
``ctx.trigger`` is set. Compound trigger (``TriggerInfo.mode == "compound"``): AFTER EACH ROW
collects ``:NEW``/``:OLD`` into collections of a SQL object type emitted in the setup script,
AFTER STATEMENT runs the T-SQL body once with the pseudo-tables read as ``TABLE(v_inserted)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokens import TokenType

from migrator.frontend.dialect import word
from migrator.frontend.nodes import Block, If, Label, Statement, TryCatch, While
from migrator.plsql import converter
from migrator.plsql.converter import IND
from migrator.rulebook import Unconvertible

RULE = "TS0660"
UPDATE_FN = "TRG_UPDATE_COLUMN"  # UPDATE(col) in a condition, rewritten by the TS0660 rule


@dataclass
class TriggerInfo:
    table: str  # T-SQL table name (no schema)
    events: list[str]
    timing: str  # AFTER | INSTEAD OF | BEFORE
    name: str
    refs: set = field(default_factory=set)  # pseudo-tables the current statement reads
    guarded: bool = False  # a statement handler is running (may wrap in IF NOT INSERTING ...)
    mode: str = "row"  # "row": FOR EACH ROW over :NEW/:OLD | "compound": AFTER STATEMENT over collections
    fallback: bool = False  # row trigger for a body that is not row-wise: such statements are marked
    collections: dict = field(default_factory=dict)  # compound: "inserted"/"deleted" -> PL/SQL collection


def _only_raises(nodes) -> bool:
    """Body that only raises an error (plus SET/RETURN/ROLLBACK): the DML never happens."""
    seen = False
    for n in nodes:
        if isinstance(n, Block):
            if not _only_raises(n.body):
                return False
            seen = True
            continue
        if not isinstance(n, Statement):
            return False
        if n.keyword in {"RAISERROR", "THROW"}:
            seen = True
        elif n.keyword not in {"SET", "RETURN", "ROLLBACK"}:
            return False
    return seen


def trigger(conv, node, h) -> str:
    if h.timing == "DDL" or not h.table:
        raise Unconvertible(RULE, "DDL trigger (ON DATABASE / ALL SERVER): use an Oracle system trigger "
                                  "(AFTER DDL ON SCHEMA) by hand")
    if not h.events or h.timing is None:
        raise Unconvertible(RULE, "trigger events not understood")
    toks = node.tokens[h.body_start:]
    for i, t in enumerate(toks):  # UPDATE(col) → a marker function the rule turns into UPDATING('COL')
        if word(t) == "UPDATE" and i + 1 < len(toks) and toks[i + 1].text == "(" and i > 0 and \
                (word(toks[i - 1]) in {"IF", "AND", "OR", "NOT", "WHILE"} or toks[i - 1].text == "("):
            t.text, t.token_type = UPDATE_FN, TokenType.VAR
        if word(t) == "COLUMNS_UPDATED":
            raise Unconvertible(RULE, "COLUMNS_UPDATED() bit mask: test UPDATING('COL') per column by hand")
    body_nodes = conv.segment(toks)
    if len(body_nodes) == 1 and isinstance(body_nodes[0], Block):
        body_nodes = body_nodes[0].body
    tschema, tname = (h.table.split(".", 1) if "." in h.table else (None, h.table))
    tname = tname.strip("[]\"")
    catalog = conv.ctx.catalog
    timing, per_row = h.timing, True
    if h.timing == "INSTEAD OF" and catalog is not None and tname.casefold() not in catalog.views:
        if not _only_raises(body_nodes):
            raise Unconvertible(RULE, f"INSTEAD OF trigger on {h.table}, not a view: Oracle allows INSTEAD OF only "
                                      "on views; rewrite the replacement logic by hand")
        timing, per_row = "BEFORE", False
        conv.ctx.note(RULE, None, "INSTEAD OF trigger on a table that only raises an error → BEFORE statement "
                                  "trigger: the error aborts the statement (T-SQL skipped the DML and went on)")
    info = TriggerInfo(tname, h.events, timing, h.name)
    conv.body_nodes = body_nodes
    if h.timing == "AFTER" and not _row_wise(conv, body_nodes, info):
        columns = _trigger_columns(conv, tname, toks) if _refs(toks) else []
        if columns is not None:
            return compound(conv, node, h, info, body_nodes, columns, tschema, tname)
        info.fallback = True
        conv.ctx.note(RULE, None, f"the body is not row-wise (sets, or statements that run once per statement), but "
                                  f"the columns of {tname} are not in the project for a compound trigger: converted "
                                  "as a row trigger, the statements that are not row-wise marked")
    conv.trigger = info
    conv.ctx.trigger = info
    conv.prescan(node.text)
    if conv.scope.uses_rowcount:  # @@ROWCOUNT at trigger start: the rows of the triggering statement (≥ 1 here)
        conv.scope.declarations = ["v_rowcount PLS_INTEGER := 1;" if d.startswith("v_rowcount ") else d
                                   for d in conv.scope.declarations]
        conv.ctx.note(RULE, None, "@@ROWCOUNT at trigger start → 1: a row trigger runs once per affected row")
    body = conv.block(body_nodes, 1)
    names = conv.project.names
    name = names.name(h.name.strip("[]\""))
    schema = names.schema(h.schema.strip("[]\"")) if h.schema else None
    full = f"{schema}.{name}" if schema else name
    tab = names.name(tname)
    tsch = names.schema(tschema.strip("[]\"")) if tschema else None
    target = f"{tsch}.{tab}" if tsch else tab
    events = " OR ".join(h.events)
    head = f"CREATE OR REPLACE TRIGGER {full}\n{timing} {events} ON {target}\n"
    if per_row:
        head += "FOR EACH ROW\n"
    decls = conv.declarations()
    if h.timing == "AFTER":
        conv.ctx.fixed(RULE, None, "AFTER trigger over inserted/deleted sets → AFTER … FOR EACH ROW with :NEW/:OLD")
    elif per_row:
        conv.ctx.fixed(RULE, None, "INSTEAD OF trigger on a view → INSTEAD OF … FOR EACH ROW")
    return f"{head}{'DECLARE' + chr(10) + decls if decls else ''}BEGIN\n{body}END;\n/"


def _hook(conv, node, depth):
    info = getattr(conv, "trigger", None)
    if info is None or not isinstance(node, Statement):
        return None
    pad = IND * depth
    if info.mode == "compound" and node.keyword not in {"ROLLBACK", "COMMIT", "SAVE", "BEGIN"}:
        if node.keyword in {"INSERT", "UPDATE", "DELETE", "MERGE", "WITH"}:
            _check_self_change(conv, node, info)
        return None  # converted as in a procedure; TS0660 reads inserted/deleted from the collections
    if node.keyword == "ROLLBACK":
        conv.ctx.note(RULE, None, "ROLLBACK in a trigger → RAISE_APPLICATION_ERROR: Oracle triggers cannot end "
                                  "the transaction; the error undoes the triggering statement (and the caller "
                                  "decides about the rest of the transaction)")
        return f"{pad}RAISE_APPLICATION_ERROR(-20000, 'Transaction rolled back by trigger {info.name}');\n"
    if node.keyword in {"COMMIT", "SAVE"} or (node.keyword == "BEGIN" and len(node.tokens) > 1 and
                                              word(node.tokens[1]) in {"TRAN", "TRANSACTION"}):
        raise Unconvertible(RULE, "transaction control inside a trigger")
    if info.fallback and node.keyword not in {"ROLLBACK", "COMMIT", "SAVE", "BEGIN"} and \
            not _refs(node.tokens) and not _node_row_wise(conv, node, info):
        raise Unconvertible(RULE, "runs once per statement in T-SQL, once per row in a row trigger: rewrite as a "
                                  "compound trigger by hand (the table's columns are not in the project)")
    if node.keyword not in {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH"}:
        return None
    from migrator.plsql import statements

    from rules.ts0660_triggers import rewrite_statement

    info.refs, info.guarded = set(), True
    try:
        node.expr = rewrite_statement(statements._parse(conv, node), conv.ctx)
        out = statements.HANDLERS.get(node.keyword, statements.sql_statement)(conv, node, depth + 1)
    finally:
        info.guarded = False
    skip = []
    if "deleted" in info.refs and "INSERT" in info.events:
        skip.append("INSERTING")
    if "inserted" in info.refs and "DELETE" in info.events:
        skip.append("DELETING")
    if not skip:
        return "\n".join(line[len(IND):] if line.startswith(IND) else line for line in out.split("\n"))
    return f"{pad}IF NOT ({' OR '.join(skip)}) THEN\n{out}{pad}END IF;\n"


# --- which bodies are row-wise ------------------------------------------------------------

_RAISING = {"THROW", "ROLLBACK", "RETURN"}


def _pseudo_in(tree) -> bool:
    from rules.ts0660_triggers import _pseudo

    from sqlglot import exp

    return any(_pseudo(t) for t in tree.find_all(exp.Table))


def _table_in(tree, table: str) -> bool:
    from sqlglot import exp

    return any(t.name.casefold() == table.casefold() for t in tree.find_all(exp.Table))


def _probe(conv, tree, info: TriggerInfo, guarded: bool = True) -> bool:
    """Does the row-wise rewrite (rule TS0660) accept this statement? Tried on a copy with a
    scratch context: nothing is reported."""
    from migrator.rulebook import Context, Unconvertible

    from rules.ts0660_triggers import rewrite_statement

    scratch = Context(conv.ctx.catalog, conv.ctx.names, conv.ctx.config)
    scratch.trigger = TriggerInfo(info.table, info.events, info.timing, info.name, guarded=guarded)
    try:
        rewrite_statement(tree.copy(), scratch)
    except Unconvertible:
        return False
    return True


def _severity(conv, node) -> int | None:
    """The literal severity of a RAISERROR statement (None when not a literal)."""
    from migrator.rulebook import Unconvertible

    toks = node.tokens[1:]
    for i, t in enumerate(toks):
        if word(t) == "WITH" and (i == 0 or toks[i - 1].text == ")"):
            toks = toks[:i]
            break
    while toks and toks[-1].text == ";":
        toks = toks[:-1]
    if toks and toks[0].text == "(" and toks[-1].text == ")":
        toks = toks[1:-1]
    try:
        args = conv.parse_expr_tokens(toks)
    except Unconvertible:
        return None
    if len(args) >= 2 and args[1].is_int:
        return int(args[1].name)
    return None


def _raises_only(conv, n) -> bool:
    """A branch that only stops the statement (RAISERROR > 10, THROW, ROLLBACK, RETURN, SET
    options): running it for each row that meets the condition is the same as once."""
    if isinstance(n, Block):
        return all(_raises_only(conv, x) for x in n.body)
    if not isinstance(n, Statement):
        return False
    if n.keyword in _RAISING:
        return True
    if n.keyword == "RAISERROR":
        sev = _severity(conv, n)
        return sev is not None and sev > 10
    return n.keyword == "SET" and len(n.tokens) > 1 and not n.tokens[1].text.startswith("@")


def _row_wise(conv, nodes, info: TriggerInfo) -> bool:
    """Whether a FOR EACH ROW trigger does what the T-SQL body does once per statement: every
    statement over inserted/deleted distributes over the rows (TS0660's row-wise rewrite
    accepts it), conditions on them only guard errors, and nothing runs once per statement
    (DML without the pseudo-tables, EXEC, PRINT, loops, cursors)."""
    return all(_node_row_wise(conv, n, info) for n in nodes)


def _node_row_wise(conv, n, info: TriggerInfo) -> bool:
    from migrator.rulebook import Unconvertible
    from sqlglot import exp

    if isinstance(n, Block):
        return _row_wise(conv, n.body, info)
    if isinstance(n, If):
        try:
            conds = conv.parse_expr_tokens(n.cond_tokens)
        except Unconvertible:
            return True  # marked where it is converted
        cond = conds[0] if conds else None
        branches = [b for b in (n.then, n.else_) if b is not None]
        if cond is None or _table_in(cond, info.table):
            return False
        if _pseudo_in(cond):
            return _probe(conv, exp.select(cond.copy()), info, guarded=False) and \
                all(_raises_only(conv, b) for b in branches)
        return all(_node_row_wise(conv, b, info) for b in branches)
    if isinstance(n, (While, TryCatch, Label)) or not isinstance(n, Statement):
        return False
    kw = n.keyword
    if kw in _RAISING or kw in {"COMMIT", "SAVE", "BEGIN"}:
        return True  # stops the statement, or is transaction control (marked where converted)
    if kw == "RAISERROR":
        sev = _severity(conv, n)
        return sev is None or sev > 10
    if kw in {"SET", "DECLARE"}:
        if kw == "DECLARE" and any(word(t) == "CURSOR" for t in n.tokens[:5]):
            return False
        if kw == "SET" and not (len(n.tokens) > 1 and n.tokens[1].text.startswith("@")):
            return True  # SET NOCOUNT ON …
        tree = _tree(conv, n)
        return tree is None or not _pseudo_in(tree) and not _table_in(tree, info.table) or _probe(conv, tree, info)
    if kw in {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH"}:
        tree = _tree(conv, n)
        if tree is None:
            return True  # marked where it is converted
        if _table_in(tree, info.table):
            return False  # reads or changes the triggering table: ORA-04091 in a row trigger
        if not _pseudo_in(tree):
            # SELECT @v = … from other tables: the same value on every row; DML or a result set:
            # once per statement in T-SQL, once per row in a row trigger
            return isinstance(tree, exp.Select) and bool(tree.expressions) and all(
                isinstance(e, exp.EQ) and isinstance(e.this, exp.Parameter) for e in tree.expressions)
        return _probe(conv, tree, info)
    return False  # EXEC, PRINT, cursors, WAITFOR …: once per statement


def _tree(conv, n):
    from migrator.plsql.statements import _parse
    from migrator.rulebook import Unconvertible

    try:
        return _parse(conv, n)
    except Unconvertible:
        return None


# --- compound triggers ----------------------------------------------------------------------

def _trigger_columns(conv, tname: str, toks) -> list[tuple[str, str]] | None:
    """(column, Oracle type) of the triggering table for the row object type; None when the
    table is not in the project (or a column the body names has no known type)."""
    catalog = conv.ctx.catalog
    info = catalog.table(tname) if catalog is not None else None
    if not info or not info.get("columns"):
        return None
    words = {word(t).casefold() for t in toks} | {t.text.strip("[]\"").casefold() for t in toks}
    out = []
    for c in info["columns"].values():
        if not c.get("type"):
            if c["name"].casefold() in words:
                return None
            continue  # a computed column the body does not read
        try:
            out.append((c["name"], conv.oracle_type(c["type"])))
        except Unconvertible:
            return None  # a type an object attribute cannot take here: stay a row trigger
    return out or None


def _refs(toks) -> list[str]:
    found = {t.text.strip("[]\"").casefold() for t in toks}
    return [p for p in ("inserted", "deleted") if p in found]


def compound(conv, node, h, info: TriggerInfo, body_nodes, columns, tschema, tname) -> str:
    """AFTER trigger whose body works on inserted/deleted as sets → compound trigger::

        CREATE OR REPLACE TRIGGER TRG
        FOR INSERT OR UPDATE ON ORDERS
        COMPOUND TRIGGER
          v_inserted ORDERS_TRG_TAB := ORDERS_TRG_TAB();
          AFTER EACH ROW IS
          BEGIN
            v_inserted.EXTEND;
            v_inserted(v_inserted.LAST) := ORDERS_TRG_ROW(:NEW.ORDERID, :NEW.AMOUNT);
          END AFTER EACH ROW;
          AFTER STATEMENT IS
          BEGIN
            <the T-SQL body, once, over TABLE(v_inserted)>
          END AFTER STATEMENT;
        END TRG;
    """
    names = conv.project.names
    tab = names.name(tname)
    tsch = names.schema(tschema.strip("[]\"")) if tschema else None
    q = f"{tsch}." if tsch else ""
    row_t, tab_t = f"{q}{tab}_TRG_ROW", f"{q}{tab}_TRG_TAB"
    attrs = [(names.name(c), t) for c, t in columns]
    if attrs:
        body_attrs = ",\n".join(f"{IND}{a} {t}" for a, t in attrs)
        conv.ctx.setup[f"30-type-{row_t}"] = f"CREATE OR REPLACE TYPE {row_t} AS OBJECT (\n{body_attrs}\n);\n/"
        conv.ctx.setup[f"31-type-{tab_t}"] = f"CREATE OR REPLACE TYPE {tab_t} AS TABLE OF {row_t};\n/"
    info.mode = "compound"
    toks = node.tokens[h.body_start:]
    refs = _refs(toks)
    info.collections = {p: f"v_{p}" for p in refs}
    conv.trigger = info
    conv.ctx.trigger = info
    for p in refs:
        conv.scope.declarations.append(f"v_{p} {tab_t} := {tab_t}();")
    conv.prescan(node.text)
    body = conv.block(body_nodes, 2)
    events = set(h.events)
    collect = ""
    for p, corr, fills in (("inserted", "NEW", {"INSERT", "UPDATE"}), ("deleted", "OLD", {"UPDATE", "DELETE"})):
        if p not in refs:
            continue
        v = f"v_{p}"
        put = (f"{v}.EXTEND;\n{v}({v}.LAST) := {row_t}("
               + ", ".join(f":{corr}.{a}" for a, _t in attrs) + ");\n")
        when = sorted(events & fills)
        if not when:
            continue  # never filled for these events: an empty set, as in T-SQL
        if events <= fills:
            collect += "".join(IND * 2 + line + "\n" for line in put.rstrip("\n").split("\n"))
        else:
            test = " OR ".join({"INSERT": "INSERTING", "UPDATE": "UPDATING", "DELETE": "DELETING"}[e] for e in when)
            collect += f"{IND * 2}IF {test} THEN\n" + "".join(IND * 3 + line + "\n" for line in put.rstrip("\n").split("\n")) \
                + f"{IND * 2}END IF;\n"
    if conv.scope.uses_rowcount:  # @@ROWCOUNT at trigger start: the rows of the triggering statement
        collect += f"{IND * 2}v_rowcount := v_rowcount + 1;\n"
    name = names.name(h.name.strip("[]\""))
    schema = names.schema(h.schema.strip("[]\"")) if h.schema else None
    full = f"{schema}.{name}" if schema else name
    decls = conv.declarations()
    if not collect:  # nothing per row: a statement trigger (fires once per statement, also for no row)
        conv.ctx.fixed(RULE, None, "AFTER trigger whose body runs once per statement → AFTER statement trigger")
        body = "\n".join(line[len(IND):] if line.startswith(IND) else line for line in body.split("\n"))
        return (f"CREATE OR REPLACE TRIGGER {full}\nAFTER {' OR '.join(h.events)} ON {q}{tab}\n"
                f"{'DECLARE' + chr(10) + decls if decls else ''}BEGIN\n{body}END;\n/")
    conv.ctx.fixed(RULE, None, "AFTER trigger over inserted/deleted as sets → compound trigger: AFTER EACH ROW "
                               "collects the rows, AFTER STATEMENT runs the body once over them (TABLE())")
    if attrs:
        conv.ctx.note(RULE, None, f"compound trigger {name}: the changed rows are held in memory until the end of "
                                  f"the statement; types {row_t}/{tab_t} are in the setup script")
    return (f"CREATE OR REPLACE TRIGGER {full}\nFOR {' OR '.join(h.events)} ON {q}{tab}\nCOMPOUND TRIGGER\n"
            f"{decls}\n{IND}AFTER EACH ROW IS\n{IND}BEGIN\n{collect}{IND}END AFTER EACH ROW;\n\n"
            f"{IND}AFTER STATEMENT IS\n{IND}BEGIN\n{body}{IND}END AFTER STATEMENT;\nEND {name};\n/")


def _check_self_change(conv, node, info: TriggerInfo) -> None:
    """DML on the triggering table with one of the trigger's own events: Oracle fires the
    trigger again for it (and again…), T-SQL does not by default (RECURSIVE_TRIGGERS OFF)."""
    from sqlglot import exp

    tree = _tree(conv, node)
    if tree is None:
        return
    kinds = {exp.Insert: "INSERT", exp.Update: "UPDATE", exp.Delete: "DELETE"}
    stmt = tree if not isinstance(tree, exp.Merge) else None
    if isinstance(tree, exp.Merge):
        target = tree.this
        if isinstance(target, exp.Table) and target.name.casefold() == info.table.casefold():
            raise Unconvertible(RULE, f"MERGE into the triggering table {info.table}: the compound trigger would "
                                      "fire again for it (T-SQL triggers do not recurse by default); rewrite by hand")
        return
    kind = kinds.get(type(stmt))
    if kind is None or kind not in info.events:
        return
    target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    names = {target.name.casefold()} if isinstance(target, exp.Table) else set()
    frm = stmt.args.get("from_") or stmt.args.get("from")
    if isinstance(target, exp.Table) and frm is not None and not target.args.get("db"):
        for t in frm.find_all(exp.Table):  # UPDATE alias … FROM table alias
            if (t.alias or "").casefold() == target.name.casefold():
                names.add(t.name.casefold())
    if info.table.casefold() in names:
        raise Unconvertible(RULE, f"{kind} of the triggering table {info.table} inside its own {kind} trigger: "
                                  "Oracle fires the trigger again for it (T-SQL does not by default, "
                                  "RECURSIVE_TRIGGERS OFF); for a column set on the changed rows use a BEFORE EACH ROW "
                                  "trigger with :NEW by hand")


converter.ROUTINE_HANDLERS["trigger"] = trigger
converter.PRE_HOOKS.insert(0, _hook)
