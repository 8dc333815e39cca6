"""Temp tables, table variables and table-valued parameters inside PL/SQL (rule TS0670).

``#t`` / ``##t`` and ``DECLARE @t TABLE (...)`` become global temporary tables created once
in the generated setup script (``CREATE GLOBAL TEMPORARY TABLE … ON COMMIT PRESERVE ROWS``,
setup key ``20-gtt-<NAME>``); the routine clears their rows where T-SQL created, declared,
truncated or dropped them (``DELETE FROM TT_T``: DDL in a PL/SQL body is never static SQL,
and ``TRUNCATE`` would commit). References are renamed by rule TS0671 from ``ctx.temp_tables``.

Names: ``#Orders`` → ``TT_ORDERS``; different definitions of one ``#name`` in the project →
``TT_ORDERS_<ROUTINE>`` with a note; a table variable ``@t`` of routine ``P`` → ``TT_P_T``
(script: ``TT_<FILE>_T``). Table-valued parameters ``@ids dbo.IdList READONLY`` →
``p_ids IN IDLIST`` (the collection type of TS0111), read as ``TABLE(p_ids)``.
"""

from __future__ import annotations

import os
import re

from sqlglot import exp

from migrator.frontend.dialect import word
from migrator.frontend.nodes import Block, If, Statement
from migrator.names import default_name
from migrator.rulebook import Unconvertible

IND = "  "
RULE = "TS0670"


# --- names ------------------------------------------------------------------------------

def temp_key(ident: exp.Expression | None) -> str | None:
    """'#name' / '##name' (casefolded) for a temp table identifier, else None."""
    if not isinstance(ident, exp.Identifier):
        return None
    name = ident.name
    if ident.args.get("global_") or name.startswith("##"):
        return "##" + name.lstrip("#").casefold()
    if ident.args.get("temporary") or name.startswith("#"):
        return "#" + name.lstrip("#").casefold()
    return None


def gtt_name(raw: str, suffix: str | None = None) -> str:
    base = "TT_" + default_name(raw.lstrip("#").replace(".", "_"))
    if suffix:
        base += "_" + default_name(suffix)
    return base.rstrip("_")[:128]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"--[^\n]*", " ", text).split()).rstrip(";").casefold()


# --- project-wide definitions (catalog pass) ------------------------------------------

_TEMP_DEF = re.compile(r"(?is)\bCREATE\s+TABLE\s+(\[?##?[^\s(\]]+\]?)|\bINTO\s+(\[?##?[^\s(\]]+\]?)")


def catalog_temp_tables(src, batch, routine, catalog) -> None:
    """Record every ``CREATE TABLE #t`` / ``SELECT … INTO #t`` of a routine in
    ``catalog.temp_tables['#t|routine']`` (normalised statement text): the converter uses it
    for temp tables created by a caller and to detect different definitions of one name."""
    if not _TEMP_DEF.search(routine.text):
        return
    if isinstance(routine, Statement):  # CREATE TABLE #t at script level: owned by the file
        key = _defined_key(routine)
        owner = os.path.splitext(os.path.basename(getattr(src, "path", "") or "script"))[0]
        if key:
            catalog.temp_tables[f"{key}|{owner.casefold()}"] = {"name": key, "routine": owner,
                                                                "definition": _norm(routine.text)}
        return
    from migrator.frontend.segment import Segmenter
    from migrator.plsql.header import parse_header

    h = parse_header(routine.tokens, batch.text)
    if h.error:
        return
    seg = Segmenter(src, batch, routine.tokens[h.body_start:])
    nodes, _ = seg.parse_list(0, set())
    for st in _statements(nodes):
        key = _defined_key(st)
        if key:
            catalog.temp_tables[f"{key}|{h.name.casefold()}"] = {"name": key, "routine": h.name,
                                                                  "definition": _norm(st.text)}


def _statements(nodes):
    for n in nodes:
        if isinstance(n, Statement):
            yield n
        elif isinstance(n, If):
            yield from _statements([x for x in (n.then, n.else_) if x is not None])
        elif isinstance(n, Block) or hasattr(n, "body") or hasattr(n, "try_body"):
            for attr in ("body", "try_body", "catch_body"):
                yield from _statements(getattr(n, attr, None) or [])


def _defined_key(st: Statement) -> str | None:
    toks = st.tokens
    w = [word(t) for t in toks[:3]]
    if st.keyword == "CREATE" and len(w) > 2 and w[1] == "TABLE":
        return _temp_at(toks, 2)
    if st.keyword in {"SELECT", "WITH"}:
        for i, t in enumerate(toks[:-1]):
            if word(t) == "INTO" and _temp_at(toks, i + 1):
                return _temp_at(toks, i + 1)
    return None


def _temp_at(toks, i: int) -> str | None:
    """Temp table key of the name starting at token i ('#' 'name', '#' '#' 'name' or '[#name]')."""
    if i >= len(toks):
        return None
    if toks[i].text == "#":
        if i + 2 < len(toks) and toks[i + 1].text == "#":
            return "##" + toks[i + 2].text.strip("[]\"").casefold()
        return "#" + toks[i + 1].text.strip("[]\"").casefold() if i + 1 < len(toks) else None
    return _tok_key(toks[i].text)


def _temp_keys(toks) -> set[str]:
    return {k for i in range(len(toks)) for k in [_temp_at(toks, i)] if k and (i == 0 or toks[i - 1].text != "#")}


def _tok_key(text: str) -> str | None:
    name = text.strip("[]\"")
    if not name.startswith("#"):
        return None
    return ("##" if name.startswith("##") else "#") + name.lstrip("#").casefold()


def project_definitions(catalog, key: str) -> dict[str, str]:
    """routine (casefold) -> normalised definition, for one temp table key."""
    store = getattr(catalog, "temp_tables", None) or {}
    return {k.split("|", 1)[1]: v["definition"] for k, v in store.items() if k.split("|", 1)[0] == key}


def project_name(catalog, key: str, routine: str | None, definition: str | None, ctx=None, node=None) -> str:
    """The Oracle name of temp table ``key``: TT_NAME, or TT_NAME_ROUTINE when the project
    holds different definitions of it."""
    raw = key.lstrip("#")
    defs = project_definitions(catalog, key)
    distinct = set(defs.values()) | ({definition} if definition else set())
    if len(distinct) <= 1:
        return gtt_name(raw)
    if definition and routine:
        name = gtt_name(raw, routine)
        if ctx is not None:
            ctx.note(RULE, node, f"{key}: the project creates it with different definitions; this routine's one "
                                 f"is global temporary table {name}")
        return name
    raise Unconvertible(RULE, f"temp table {key} is created with different definitions by "
                              f"{', '.join(sorted(defs))}: which one this code reads is decided at run time in T-SQL")


# --- per-routine state ------------------------------------------------------------------

class TempState:
    def __init__(self):
        self.names: dict[str, str] = {}  # '#t' / '@t' -> Oracle table name
        self.definitions: dict[str, str] = {}  # '#t' -> normalised definition text
        self.columns: dict[str, list[tuple[str, str]]] = {}  # key -> [(column, T-SQL type)]
        self.table_params: dict[str, str] = {}  # 'ids' -> p_ids
        self.identity: dict[str, tuple[str, int, int]] = {}  # key -> (identity column, seed, increment)
        self.collections: dict[str, object] = {}  # '@t' -> functions.TvfState (temp_tables: collection)


def state(conv) -> TempState:
    st = getattr(conv, "temp_state", None)
    if st is None:
        st = conv.temp_state = TempState()
        conv.ctx.temp_tables = st.names
        conv.ctx.table_params = st.table_params
        conv.ctx.temp_resolver = lambda key, node=None: resolve(conv, key, node)
    return st


def routine_name(conv) -> str | None:
    return getattr(conv, "routine_name", None)


def _owner(conv) -> str:
    name = routine_name(conv)
    if name:
        return name
    path = getattr(conv.src, "path", "") or "script"
    return os.path.splitext(os.path.basename(path))[0]


def resolve(conv, key: str, node=None) -> str:
    """Oracle name for a temp table referenced (not created) here: created earlier in this
    routine, or by a caller somewhere in the project."""
    st = state(conv)
    if key in st.names:
        return st.names[key]
    defs = project_definitions(conv.project.catalog, key)
    if not defs:
        raise Unconvertible(RULE, f"temp table {key} is not created in this routine nor anywhere in the project: "
                                  "its columns are unknown")
    own = (routine_name(conv) or _owner(conv)).casefold()
    if own in defs:  # used before this routine's own CREATE (e.g. dropped first if it exists)
        name = project_name(conv.project.catalog, key, own, defs[own], conv.ctx, node)
    else:
        name = project_name(conv.project.catalog, key, None, None)
        creators = ", ".join(sorted(defs))
        conv.ctx.note(RULE, node, f"{key} is created by the caller ({creators}): global temporary table {name}")
    st.names[key] = name
    ident = {_identity_in_text(d) for d in defs.values()}
    if len(ident) == 1 and None not in ident:  # INSERTs here number the rows like the creator's IDENTITY
        st.identity[key] = next(iter(ident))
    return name


_IDENTITY_TEXT = re.compile(r"(\[[^\]]+\]|\w+)\s+\w+(?:\s*\([^)]*\))?\s+identity\b\s*(?:\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\))?")


def _identity_in_text(definition: str) -> tuple[str, int, int] | None:
    """(column, seed, increment) of the IDENTITY column in a normalised CREATE TABLE text."""
    m = _IDENTITY_TEXT.search(definition)
    if not m:
        return None
    return m.group(1).strip("[]"), int(m.group(2) or 1), int(m.group(3) or 1)


def _identity_of(schema: exp.Schema) -> tuple[str, int, int] | None:
    for c in schema.expressions:
        if not isinstance(c, exp.ColumnDef):
            continue
        for cons in c.constraints:
            k = cons.args.get("kind")
            if isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
                def num(e, default):
                    if e is None:
                        return default
                    if isinstance(e, exp.Neg):
                        return -int(e.this.name)
                    return int(e.name)
                try:
                    return c.name, num(k.args.get("start"), 1), num(k.args.get("increment"), 1)
                except (ValueError, AttributeError):
                    raise Unconvertible(RULE, f"IDENTITY column {c.name} of a temp table: seed or increment not "
                                              "understood")
    return None


def _gtt_ddl(conv, create: exp.Create, name: str) -> str:
    """CREATE GLOBAL TEMPORARY TABLE text for a converted CREATE TABLE tree."""
    from migrator.backend.oracle import generate

    create.set("properties", None)  # T-SQL's TEMPORARY marker: the text below says GLOBAL TEMPORARY
    saved = conv.ctx.variables
    conv.ctx.variables = None  # DDL of the setup script: no routine variables
    try:
        tree = conv.project.get_engine().apply(create, conv.ctx)
    finally:
        conv.ctx.variables = saved
    text = generate(tree).rstrip().rstrip(";")
    if not text.startswith("CREATE TABLE "):
        raise Unconvertible(RULE, f"temp table {name}: its definition has no Oracle form")
    return "CREATE GLOBAL TEMPORARY TABLE " + text[len("CREATE TABLE "):] + "\nON COMMIT PRESERVE ROWS;"


def _strip_foreign_keys(conv, schema: exp.Schema, name: str) -> None:
    strip_foreign_keys(conv.ctx, schema, name)


def strip_foreign_keys(ctx, schema: exp.Schema, name: str) -> None:
    kept = []
    for e in schema.expressions:
        if isinstance(e, exp.Constraint) and e.find(exp.ForeignKey) or isinstance(e, exp.ForeignKey):
            ctx.note(RULE, None, f"{name}: FOREIGN KEY removed (Oracle temporary tables cannot have one)")
            continue
        if isinstance(e, exp.ColumnDef):
            cons = [c for c in e.constraints if not isinstance(c.args.get("kind"), exp.Reference)]
            if len(cons) != len(e.constraints):
                ctx.note(RULE, None, f"{name}: REFERENCES removed (Oracle temporary tables cannot have a "
                                          "foreign key)")
                e.set("constraints", cons)
        kept.append(e)
    schema.set("expressions", kept)


def _register(conv, key: str, definition: str, columns, ddl_of, node) -> str:
    """Name the table, add its DDL to the setup script; returns the Oracle name."""
    st = state(conv)
    if key in st.definitions and st.definitions[key] != definition:
        raise Unconvertible(RULE, f"{key} is created twice in this routine with different definitions")
    if key.startswith("@"):
        name = "TT_" + default_name(_owner(conv)) + "_" + default_name(key.lstrip("@"))
        name = name[:128]
    else:
        name = project_name(conv.project.catalog, key, (routine_name(conv) or "").casefold() or None, definition,
                            conv.ctx, None)
    st.names[key] = name
    st.definitions[key] = definition
    st.columns[key] = columns
    conv.ctx.setup[f"20-gtt-{name}"] = ddl_of(name)
    if key.startswith("##"):
        conv.ctx.note(RULE, None, f"global temp table {key} → {name}: T-SQL shares ##tables across sessions, "
                                  "Oracle temporary table rows are private to each session")
    elif key.startswith("@"):
        conv.ctx.note(RULE, None, f"table variable {key} → global temporary table {name}: its rows are rolled "
                                  "back with the transaction (T-SQL table variables are not)")
    else:
        conv.ctx.fixed(RULE, None, f"temp table {key} → global temporary table {name} (setup script)")
    return name


def _delete(name: str, depth: int) -> str:
    return f"{IND * depth}DELETE FROM {name};\n"


# --- statement hooks ---------------------------------------------------------------

def hook(conv, node, depth):
    """PRE_HOOK: temp-table DDL and table variables inside a routine or script."""
    if not isinstance(node, Statement) or not node.tokens:
        return None
    toks = node.tokens
    w = [word(t) for t in toks[:4]]
    kw = node.keyword
    if kw == "CREATE" and len(w) > 2 and w[1] == "TABLE" and _temp_at(toks, 2):
        return create_table(conv, node, depth)
    if kw in {"DROP", "TRUNCATE"} and len(w) > 2 and w[1] == "TABLE" and _temp_keys(toks[2:]):
        return drop_or_truncate(conv, node, depth)
    if kw == "ALTER" and len(w) > 2 and w[1] == "TABLE" and _temp_at(toks, 2):
        raise Unconvertible(RULE, "ALTER TABLE on a temp table: define its final columns in the CREATE TABLE")
    if kw == "CREATE" and "INDEX" in w and _temp_keys(toks):
        conv.ctx.note(RULE, None, "CREATE INDEX on a temp table removed: add the index to the global temporary "
                                  "table in the setup script by hand if it is needed")
        return f"{IND * depth}NULL; -- CREATE INDEX on a temp table: see the setup script\n"
    if kw in {"SELECT", "WITH"} and _defined_key(node):
        return select_into(conv, node, depth)
    colls = getattr(getattr(conv, "temp_state", None), "collections", None)
    if colls and kw in {"INSERT", "DELETE", "TRUNCATE"}:
        out = collection_statement(conv, node, depth, colls)
        if out is not None:
            return out
    if kw in {"INSERT", "WITH"}:
        key = _insert_key(conv, toks)
        if key is not None and key in getattr(getattr(conv, "temp_state", None), "identity", {}):
            return insert_identity(conv, node, depth, key)
    if kw == "DECLARE" and len(toks) > 2 and any(word(t) == "TABLE" for t in toks[1:5]) \
            and toks[1].text.startswith("@"):
        return declare_table(conv, node, depth)
    return None


def _parse(conv, node):
    from migrator.plsql.statements import _parse as parse

    return parse(conv, node)


def create_table(conv, node, depth):
    tree = _parse(conv, node)
    if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Schema):
        raise Unconvertible(RULE, "CREATE TABLE #temp form not understood")
    table = tree.this.this
    key = temp_key(table.this)
    columns = [(c.name, (c.args["kind"].sql(dialect="tsql") if c.args.get("kind") else ""))
               for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]

    def ddl(name):
        t = tree.copy()
        _strip_foreign_keys(conv, t.this, name)
        t.this.set("this", _table(name))
        return _gtt_ddl(conv, t, name)

    name = _register(conv, key, _norm(node.text), columns, ddl, node)
    _register_identity(conv, key, _identity_of(tree.this))
    return _delete(name, depth)


def _register_identity(conv, key: str, ident) -> None:
    if ident is None:
        return
    state(conv).identity[key] = ident
    conv.ctx.note(RULE, None, f"{key}: IDENTITY column {ident[0]} numbered by the INSERTs from the rows already in "
                              f"the table (MAX + increment), so it restarts at {ident[1]} on each call as in T-SQL; "
                              "after a DELETE of the highest rows their numbers are given again (T-SQL never reuses "
                              "an identity value)")


def _table(name: str) -> exp.Table:
    ident = exp.Identifier(this=name, quoted=False)
    ident.meta["mapped"] = True
    return exp.Table(this=ident)


def drop_or_truncate(conv, node, depth):
    tree = _parse(conv, node)
    tables = tree.args.get("tables") if isinstance(tree, exp.Drop) else tree.expressions \
        if isinstance(tree, exp.TruncateTable) else None
    if not tables:
        raise Unconvertible(RULE, "DROP/TRUNCATE of a temp table: form not understood")
    out = ""
    for t in tables:
        key = temp_key(t.this) if isinstance(t, exp.Table) else None
        if key is None:
            raise Unconvertible(RULE, "DROP TABLE of a temp table together with a permanent table")
        out += _delete(resolve(conv, key, None), depth)
    what = "TRUNCATE" if isinstance(tree, exp.TruncateTable) else "DROP"
    conv.ctx.fixed(RULE, None, f"{what} TABLE of a temp table → DELETE of its rows (the global temporary table "
                               "stays)")
    return out


def declare_table(conv, node, depth):
    tree = _parse(conv, node)
    if not isinstance(tree, exp.Declare):
        raise Unconvertible(RULE, "DECLARE @t TABLE form not understood")
    out = ""
    for item in tree.expressions:
        if getattr(conv.project.config, "temp_tables", "gtt") == "collection":
            coll = declare_collection(conv, item, depth)
            if coll is not None:
                out += coll
                continue
        kind = item.args.get("kind")
        names = item.this if isinstance(item.this, list) else [item.this]
        if not isinstance(kind, exp.Schema) or len(names) != 1:
            raise Unconvertible(RULE, "DECLARE of a table variable together with other variables: declare them "
                                      "separately")
        raw = names[0].this.name if isinstance(names[0], exp.Parameter) else names[0].name
        key = "@" + raw.casefold()
        columns = [(c.name, (c.args["kind"].sql(dialect="tsql") if c.args.get("kind") else ""))
                   for c in kind.expressions if isinstance(c, exp.ColumnDef)]

        def ddl(name, kind=kind):
            schema = kind.copy()
            _strip_foreign_keys(conv, schema, name)
            schema.set("this", _table(name))
            return _gtt_ddl(conv, exp.Create(this=schema, kind="TABLE"), name)

        name = _register(conv, key, _norm(item.sql(dialect="tsql")), columns, ddl, node)
        _register_identity(conv, key, _identity_of(kind))
        out += _delete(name, depth)
    return out


# --- table variables as PL/SQL collections (temp_tables: collection) ----------------------

def _walk(nodes):
    """Every statement and IF/WHILE condition (tokens) under ``nodes``."""
    for n in nodes or []:
        if isinstance(n, Statement):
            yield n, n.tokens
        elif isinstance(n, If):
            yield None, n.cond_tokens
            yield from _walk([x for x in (n.then, n.else_) if x is not None])
        elif isinstance(n, Block):
            yield from _walk(n.body)
        elif hasattr(n, "try_body"):
            yield from _walk(n.try_body)
            yield from _walk(n.catch_body)
        elif hasattr(n, "cond_tokens"):  # WHILE
            yield None, n.cond_tokens
            yield from _walk([n.body] if n.body is not None else [])
        else:
            yield n, getattr(n, "tokens", [])


def _mentions_var(toks, name: str) -> bool:
    for i, t in enumerate(toks):
        if t.text == "@" and i + 1 < len(toks) and toks[i + 1].text.casefold() == name:
            return True
        if t.text.startswith("@") and t.text[1:].casefold() == name:
            return True
    return False


def collection_blocker(conv, name: str) -> str | None:
    """Why table variable @name cannot be a collection in this routine (None: it can). A
    collection is read in SQL with TABLE(v_t) and filled by INSERT; it cannot be changed
    row by row in SQL (UPDATE, DELETE … WHERE, MERGE, OUTPUT INTO) nor seen by dynamic SQL."""
    nodes = getattr(conv, "body_nodes", None)
    if nodes is None:
        return "its routine's statements are not known here"
    for st, toks in _walk(nodes):
        if not _mentions_var(toks, name):
            continue
        if st is None:
            continue  # IF / WHILE condition: a read
        kw = st.keyword
        if kw == "DECLARE":
            continue
        if kw in {"EXEC", "EXECUTE"}:
            return "it appears in an EXEC (dynamic SQL cannot see a PL/SQL variable)"
        try:
            tree = _parse(conv, st)
        except Unconvertible:
            return "a statement using it is not understood"
        for t in tree.find_all(exp.Table):
            if not (isinstance(t.this, exp.Parameter) and t.this.name.lstrip("@").casefold() == name):
                continue
            parent = t.parent.parent if isinstance(t.parent, exp.Schema) else t.parent
            role = t.arg_key if not isinstance(t.parent, exp.Schema) else t.parent.arg_key
            if isinstance(parent, exp.Insert) and role == "this":
                if tree.find(exp.Returning) is not None or isinstance(tree.expression, exp.Command):
                    return "INSERT … OUTPUT/EXEC into it"
                continue
            if isinstance(parent, (exp.Update, exp.Merge)) and role == "this":
                return f"{type(parent).__name__.upper()} changes its rows in place"
            if isinstance(parent, exp.Delete) and role == "this":
                if parent.args.get("where") is not None or parent.args.get("using"):
                    return "DELETE … WHERE removes some of its rows"
                continue
            if isinstance(parent, exp.Returning) or t.find_ancestor(exp.Returning) is not None:
                return "OUTPUT … INTO it"
        if isinstance(tree, (exp.Update, exp.Delete)) and tree.args.get("from_") is not None:
            target = tree.this
            if isinstance(target, exp.Table) and any(
                    (x.alias or "").casefold() == target.name.casefold() and isinstance(x.this, exp.Parameter)
                    and x.this.name.lstrip("@").casefold() == name for x in tree.find_all(exp.Table)):
                return f"{type(tree).__name__.upper()} … FROM it by alias changes its rows in place"
    return None


def declare_collection(conv, item, depth) -> str | None:
    """``DECLARE @t TABLE (…)`` → ``v_t <ROUTINE>_T_TAB := <ROUTINE>_T_TAB();`` with the object
    and collection types in the setup script, when the routine only fills it with INSERT,
    empties it with DELETE/TRUNCATE and reads it in queries; else None (global temporary
    table, with a note)."""
    from migrator.names import var_name
    from migrator.plsql.functions import TvfState

    kind = item.args.get("kind")
    names = item.this if isinstance(item.this, list) else [item.this]
    if not isinstance(kind, exp.Schema) or len(names) != 1:
        return None
    raw = names[0].this.name if isinstance(names[0], exp.Parameter) else names[0].name
    key = "@" + raw.casefold()
    blocker = collection_blocker(conv, raw.casefold())
    cols = []
    for c in kind.expressions:
        if not isinstance(c, exp.ColumnDef):
            continue
        default = None
        for cons in c.constraints:
            k = cons.args.get("kind")
            if isinstance(k, (exp.GeneratedAsIdentityColumnConstraint, exp.ComputedColumnConstraint)):
                blocker = blocker or f"column {c.name} is IDENTITY or computed"
            if isinstance(k, exp.DefaultColumnConstraint):
                default = k.this
        ctype = c.args.get("kind")
        if ctype is None:
            blocker = blocker or f"column {c.name} has no type"
            continue
        cols.append((c.name, conv.oracle_type(ctype.meta.get("tsql") or ctype.sql(dialect="tsql")), default))
    if blocker:
        conv.ctx.note(RULE, None, f"table variable {key} kept as a global temporary table (temp_tables: collection "
                                  f"not possible: {blocker})")
        return None
    owner = default_name(_owner(conv))
    base = f"{owner}_{default_name(raw)}"[:120]
    row, tab = f"{base}_ROW", f"{base}_TAB"
    body = ",\n".join(f"{IND}{conv.project.names.name(c)} {t}" for c, t, _d in cols)
    conv.ctx.setup[f"30-type-{row}"] = f"CREATE OR REPLACE TYPE {row} AS OBJECT (\n{body}\n);\n/"
    conv.ctx.setup[f"31-type-{tab}"] = f"CREATE OR REPLACE TYPE {tab} AS TABLE OF {row};\n/"
    coll = var_name(raw, getattr(conv.project.config, "var_prefix", "v_"))
    st = state(conv)
    cstate = TvfState(raw.casefold(), row, cols, collect=True, coll=coll)
    st.collections[key] = cstate
    tables = getattr(conv.ctx, "tvf_tables", None)
    if tables is None:
        tables = conv.ctx.tvf_tables = {}
    tables[raw.casefold()] = coll  # FROM @t → FROM TABLE(v_t) (TS0655)
    conv.scope.declarations.append(f"{coll} {tab} := {tab}();")
    conv.ctx.fixed(RULE, None, f"table variable {key} → collection {coll.upper()} of {tab} (types in the setup "
                               "script): like the table variable, its rows survive a ROLLBACK")
    if any(isinstance(c, (exp.PrimaryKey, exp.UniqueColumnConstraint)) or isinstance(c, exp.Constraint)
           for c in kind.expressions) or any(isinstance(cons.args.get("kind"), (exp.PrimaryKeyColumnConstraint,
                                                                              exp.UniqueColumnConstraint,
                                                                              exp.CheckColumnConstraint,
                                                                              exp.NotNullColumnConstraint))
                                             for c in kind.expressions if isinstance(c, exp.ColumnDef)
                                             for cons in c.constraints):
        conv.ctx.note(RULE, None, f"table variable {key}: its PRIMARY KEY / UNIQUE / CHECK / NOT NULL constraints are "
                                  "not enforced on the collection")
    return ""  # empty from the start of the routine (its initializer): T-SQL does not empty it again when a
    # DECLARE inside a loop runs again


def collection_statement(conv, node, depth, colls) -> str | None:
    """INSERT into / DELETE (all rows) / TRUNCATE of a table variable held in a collection."""
    from migrator.plsql.functions import insert_into_collection

    toks = node.tokens
    i = 1
    if node.keyword in {"DELETE", "TRUNCATE"}:
        while i < len(toks) and word(toks[i]) in {"FROM", "TABLE"}:
            i += 1
    elif i < len(toks) and word(toks[i]) == "INTO":
        i += 1
    if i >= len(toks):
        return None
    raw = toks[i + 1].text if toks[i].text == "@" and i + 1 < len(toks) else toks[i].text[1:] \
        if toks[i].text.startswith("@") else None
    cstate = colls.get("@" + raw.casefold()) if raw else None
    if cstate is None:
        return None
    if node.keyword == "INSERT":
        out = insert_into_collection(conv, node, depth, cstate)
        if out is None:
            raise Unconvertible(RULE, f"INSERT into table variable @{raw} form not understood")
        return out
    rest = [t for t in toks[i + (2 if toks[i].text == "@" else 1):] if t.text != ";"]
    if rest:
        raise Unconvertible(RULE, f"{node.keyword} of table variable @{raw} with more clauses")
    out = f"{IND * depth}{cstate.coll}.DELETE;\n"
    if conv.scope.uses_rowcount:
        out = f"{IND * depth}v_rowcount := {cstate.coll}.COUNT;\n" + out
    return out


# --- INSERT into a temp table with an IDENTITY column ------------------------------------

def _insert_key(conv, toks) -> str | None:
    """Temp table / table variable key of ``INSERT [INTO] #t|@t …`` (also after a WITH clause),
    resolved so that a table created by a caller is known (only when it has an IDENTITY column:
    otherwise TS0671 names it, and this routine's temp-table state is not started)."""
    st = getattr(conv, "temp_state", None)
    known = st.names if st is not None else {}
    depth = 0
    for i, t in enumerate(toks):
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if depth == 0 and word(t) == "INSERT":
            j = i + 1
            if j < len(toks) and word(toks[j]) == "INTO":
                j += 1
            if j < len(toks) and (toks[j].text == "@" or toks[j].text.startswith("@")):
                raw = toks[j + 1].text if toks[j].text == "@" and j + 1 < len(toks) else toks[j].text[1:]
                key = "@" + raw.casefold()
                return key if key in known else None
            key = _temp_at(toks, j)
            if key is None or key in known:
                return key
            defs = project_definitions(conv.project.catalog, key).values()
            if not any(_identity_in_text(d) for d in defs):
                return None  # no IDENTITY: the statement is converted as any other (TS0671 names the table)
            try:
                resolve(conv, key)
            except Unconvertible:
                return None  # reported where the statement is converted
            return key
    return None


def insert_identity(conv, node, depth, key):
    """``INSERT INTO #t (cols) SELECT|VALUES …`` where #t has ``IDENTITY(seed, incr)``: the GTT
    lives for the session, so its identity would go on from the last call's numbers; the
    INSERT gives the numbers itself, after the rows already there (T-SQL: seed on the first
    row after CREATE TABLE, in the order of the SELECT's ORDER BY)::

        INSERT INTO TT_T (ID, NAME)
        SELECT (SELECT NVL(MAX(ID), 0) FROM TT_T) + ROWNUM, Q.NAME
        FROM (SELECT NAME FROM CUSTOMERS ORDER BY NAME) Q;
    """
    from migrator.plsql.statements import _indent

    st = state(conv)
    col, seed, incr = st.identity[key]
    tree = _parse(conv, node)
    if not isinstance(tree, exp.Insert):
        return None
    target = tree.this
    cols = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else None
    if cols and any(c.casefold() == col.casefold() for c in cols):
        return None  # explicit identity values (SET IDENTITY_INSERT ON): inserted as they are
    if tree.args.get("returning") is not None:
        raise Unconvertible(RULE, f"INSERT … OUTPUT into {key}, which has an IDENTITY column: rewrite by hand")
    if cols is None:
        cols = [c for c, _t in st.columns.get(key, []) if c.casefold() != col.casefold()]
        if not cols:
            raise Unconvertible(RULE, f"INSERT into {key} without a column list: its columns are not known here")
    src = tree.expression
    names = conv.project.names
    if isinstance(src, exp.Values):
        rows = [list(t.expressions) for t in src.expressions]
        if any(len(r) != len(cols) for r in rows):
            raise Unconvertible(RULE, f"INSERT into {key}: the VALUES do not match the columns")
        branches = [exp.select(exp.alias_(exp.Literal.number(i + 1), "rn_"),
                               *[exp.alias_(v.copy(), f"c{j + 1}") for j, v in enumerate(r)]) for i, r in enumerate(rows)]
        q = branches[0] if len(branches) == 1 else exp.union(*branches, distinct=False)
        rn, outs = "Q.RN_", [f"Q.C{j + 1}" for j in range(len(cols))]
    elif isinstance(src, exp.Query):
        q = src.copy()
        first = q
        while isinstance(first, exp.SetOperation):
            first = first.this
        if not isinstance(first, exp.Select) or any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and
                                                   isinstance(e.this, exp.Star) for e in first.expressions):
            raise Unconvertible(RULE, f"INSERT into {key} … SELECT *: list the columns (the identity column is "
                                      "numbered here)")
        if len(first.expressions) != len(cols):
            raise Unconvertible(RULE, f"INSERT into {key}: the SELECT list does not match the columns")
        with_ = tree.args.get("with_") or tree.args.get("with")
        if with_ is not None:
            if not isinstance(q, exp.Select):
                raise Unconvertible(RULE, f"WITH … INSERT into {key} … UNION: rewrite by hand")
            q.set("with_", with_.copy())
        renamed = {e.alias_or_name.casefold(): f"c{j + 1}" for j, e in enumerate(first.expressions) if e.alias_or_name}
        first.set("expressions", [exp.alias_(e.this.copy() if isinstance(e, exp.Alias) else e.copy(), f"c{j + 1}")
                                  for j, e in enumerate(first.expressions)])
        _order_by_output(q, renamed)
        rn, outs = "ROWNUM", [f"Q.C{j + 1}" for j in range(len(cols))]
    else:
        raise Unconvertible(RULE, f"INSERT into {key} (IDENTITY column) form not understood")
    name = st.names[key]
    idcol = names.name(col)
    agg = "MAX" if incr > 0 else "MIN"
    step = "+ " if incr == 1 else f"+ {incr} * " if incr > 0 else f"- {-incr} * " if incr != -1 else "- "
    base = f"(SELECT NVL({agg}({idcol}), {seed - incr}) FROM {name})"
    inner = conv.sql(q)
    pad = IND * depth
    text = (f"INSERT INTO {name} ({idcol}, {', '.join(names.name(c) for c in cols)})\n"
            f"SELECT {base} {step}{rn}, {', '.join(outs)}\nFROM (\n{_indent(inner, IND)}\n) Q;")
    conv.ctx.fixed(RULE, None, f"INSERT into {key}: IDENTITY column {col} numbered from the rows already in {name}")
    out = _indent(text, pad) + "\n"
    if conv.scope.uses_rowcount:
        out += f"{pad}v_rowcount := SQL%ROWCOUNT;\n"
    return out


def _order_by_output(q: exp.Expression, renamed: dict[str, str]) -> None:
    """ORDER BY an output column (alias or name) of a query whose outputs were renamed C1…Cn."""
    order = q.args.get("order")
    if order is None:
        return
    for o in order.expressions:
        e = o.this if isinstance(o, exp.Ordered) else o
        if isinstance(e, exp.Column) and not e.table and e.name.casefold() in renamed:
            e.replace(exp.column(renamed[e.name.casefold()]))


# --- SELECT … INTO #t -----------------------------------------------------------------

def select_into(conv, node, depth):
    tree = _parse(conv, node)
    sel = tree if isinstance(tree, exp.Select) else None
    into = sel.args.get("into") if sel is not None else None
    if into is None or not isinstance(into.this, exp.Table) or temp_key(into.this.this) is None:
        raise Unconvertible(RULE, "SELECT … INTO #temp form not understood")
    key = temp_key(into.this.this)
    query = sel.copy()
    query.set("into", None)
    columns = select_columns(conv, query)

    def ddl(name):
        defs = [exp.ColumnDef(this=exp.to_identifier(c), kind=exp.DataType.build(t, dialect="tsql"))
                for c, t in columns]
        for d in defs:
            d.args["kind"].meta["tsql"] = dict(columns)[d.name]
        return _gtt_ddl(conv, exp.Create(this=exp.Schema(this=_table(name), expressions=defs), kind="TABLE"), name)

    name = _register(conv, key, _norm(node.text), columns, ddl, node)
    insert = exp.Insert(this=exp.Schema(this=_table(name), expressions=[exp.to_identifier(c) for c, _ in columns]),
                        expression=query)
    from migrator.plsql.statements import _indent

    text = conv.sql(insert)
    out = _delete(name, depth) + _indent(text + ";", IND * depth) + "\n"
    if conv.scope.uses_rowcount:
        out += f"{IND * depth}v_rowcount := SQL%ROWCOUNT;\n"
    return out


def select_columns(conv, sel: exp.Select) -> list[tuple[str, str]]:
    """(name, T-SQL type) of each column a SELECT … INTO creates; unknown type → Unconvertible."""
    from migrator.typing import _sources

    sources = _sources(sel)
    out: list[tuple[str, str]] = []
    for e in sel.expressions:
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
            qual = e.table.casefold() if isinstance(e, exp.Column) and e.table else None
            cands = [s for k, s in sources if (k == qual if qual else True)]
            tables = list({id(s): s for s in cands}.values())
            if len(tables) != 1 or not isinstance(tables[0], exp.Table):
                raise Unconvertible(RULE, "SELECT * INTO #temp over several sources: list the columns")
            out.extend(_table_columns(conv, tables[0]))
            continue
        name = e.alias_or_name
        inner = e.this if isinstance(e, exp.Alias) else e
        if not name or (not isinstance(e, exp.Alias) and not isinstance(e, exp.Column)):
            raise Unconvertible(RULE, "SELECT … INTO #temp with an unnamed column")
        out.append((name, _expr_type(conv, inner, sources, name)))
    return out


def _table_columns(conv, table: exp.Table) -> list[tuple[str, str]]:
    key = temp_key(table.this)
    st = state(conv)
    if key and key in st.columns:
        return list(st.columns[key])
    info = conv.project.catalog.table(table.name) if not key else None
    cols = list((info or {}).get("columns", {}).values())
    if not cols or any(not c.get("type") for c in cols):
        raise Unconvertible(RULE, f"SELECT * INTO #temp: the columns of {table.name} are not in the catalog")
    return [(c["name"], c["type"]) for c in cols]


def _expr_type(conv, e, sources, name) -> str:
    if isinstance(e, (exp.Cast, exp.TryCast)) and isinstance(e.args.get("to"), exp.DataType):
        to = e.args["to"]
        return to.meta.get("tsql") or to.sql(dialect="tsql")
    if isinstance(e, exp.Paren):
        return _expr_type(conv, e.this, sources, name)
    if isinstance(e, exp.Literal):
        if e.is_string:
            return f"VARCHAR({max(len(e.name), 1)})"
        if re.fullmatch(r"-?\d+", e.name) and abs(int(e.name)) < 2 ** 31:
            return "INT"
    if isinstance(e, exp.Parameter) and isinstance(e.this, exp.Var):
        t = (conv.ctx.variable_types or {}).get(e.this.name.casefold())
        if t:
            return t
    if isinstance(e, exp.Column) and not isinstance(e.this, exp.Star):
        qual = e.table.casefold() if e.table else None
        cands = [s for k, s in sources if (k == qual if qual else True)]
        tables = list({id(s): s for s in cands if isinstance(s, exp.Table)}.values())
        found = []
        for t in tables:
            key = temp_key(t.this)
            if key:
                cols = dict((c.casefold(), ty) for c, ty in state(conv).columns.get(key, []))
                if e.name.casefold() in cols:
                    found.append(cols[e.name.casefold()])
                continue
            info = conv.project.catalog.column(t.name, e.name)
            if info and info.get("type"):
                found.append(info["type"])
        if len(found) == 1 and len(tables) == len(cands):
            return found[0]
    raise Unconvertible(RULE, f"SELECT … INTO #temp: the type of column {name} is not known (not a catalog column "
                              "or a CAST): CAST it or create the table first")


# --- IF OBJECT_ID('tempdb..#t') IS NOT NULL DROP TABLE #t --------------------------------

_TEMPDB_CHECK = re.compile(r"(?is)^\(?\s*OBJECT_ID\s*\(\s*N?'tempdb\.[a-z_]*\.(\[?##?[^']+?\]?)'\s*"
                           r"(?:,\s*N?'U'\s*)?\)\s*IS\s+NOT\s+NULL\s*\)?$")


def if_hook(conv, node, depth):
    """``IF OBJECT_ID('tempdb..#t') IS NOT NULL DROP TABLE #t`` → ``DELETE FROM TT_T;``
    (the global temporary table always exists in Oracle)."""
    if not isinstance(node, If) or node.else_ is not None:
        return None
    m = _TEMPDB_CHECK.match(" ".join(node.cond_text.split()))
    body = node.then
    if isinstance(body, Block) and len(body.body) == 1:
        body = body.body[0]
    if not m or not isinstance(body, Statement) or body.keyword != "DROP":
        return None
    key = _tok_key(m.group(1))
    stmt_keys = _temp_keys(body.tokens[2:])
    if stmt_keys != {key}:
        return None
    return drop_or_truncate(conv, body, depth)


# --- table-valued parameters ---------------------------------------------------------

def table_param(conv, p, oname: str) -> str:
    """``@ids dbo.IdList READONLY`` → ``p_ids IN IDLIST`` (collection type from TS0111)."""
    type_text = p.type_text.strip()
    parts = [x.strip("[]\"") for x in type_text.split(".")]
    tname = parts[-1]
    if conv.project.catalog.table_types.get(tname.casefold()) is None:
        raise Unconvertible(RULE, f"table-valued parameter @{p.name}: table type {type_text} is not in the project")
    oracle = conv.project.names.name(tname)
    schema = conv.project.names.schema(parts[-2]) if len(parts) > 1 else None
    full = f"{schema}.{oracle}" if schema else oracle
    state(conv).table_params[p.name.casefold()] = oname
    conv.ctx.fixed(RULE, None, f"table-valued parameter @{p.name} → {oname} IN {full} (read as TABLE({oname}))")
    return f"{oname} IN {full}"


def _install() -> None:
    from migrator.plsql import converter

    if hook not in converter.PRE_HOOKS:
        converter.PRE_HOOKS.append(hook)
    hooks = getattr(converter, "IF_HOOKS", None)
    if hooks is not None and if_hook not in hooks:
        hooks.append(if_hook)


_install()
