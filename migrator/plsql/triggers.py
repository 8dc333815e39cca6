"""DML triggers → Oracle row triggers (``FOR EACH ROW`` with ``:NEW``/``:OLD``).

Rule TS0660 (documented, with the reasoning, in ``rules/ts0660_triggers.py``). The body is
converted statement by statement by the procedural converter; rule TS0660 rewrites every
query over ``inserted``/``deleted`` into its one-row form while ``ctx.trigger`` is set, and
refuses (statement TODO) what is not row-wise: aggregates over the pseudo-tables, reading
the triggering table (mutating table, ORA-04091), outer joins with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokens import TokenType

from migrator.frontend.dialect import word
from migrator.frontend.nodes import Block, Statement
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
    if node.keyword == "ROLLBACK":
        conv.ctx.note(RULE, None, "ROLLBACK in a trigger → RAISE_APPLICATION_ERROR: Oracle triggers cannot end "
                                  "the transaction; the error undoes the triggering statement (and the caller "
                                  "decides about the rest of the transaction)")
        return f"{pad}RAISE_APPLICATION_ERROR(-20000, 'Transaction rolled back by trigger {info.name}');\n"
    if node.keyword in {"COMMIT", "SAVE"} or (node.keyword == "BEGIN" and len(node.tokens) > 1 and
                                              word(node.tokens[1]) in {"TRAN", "TRANSACTION"}):
        raise Unconvertible(RULE, "transaction control inside a trigger")
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


converter.ROUTINE_HANDLERS["trigger"] = trigger
converter.PRE_HOOKS.insert(0, _hook)
