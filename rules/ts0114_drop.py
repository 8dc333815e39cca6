"""DROP statements, DROP ... IF EXISTS and the IF OBJECT_ID(...) IS NOT NULL DROP idiom.

T-SQL::

    DROP INDEX IX_a ON t
    IF OBJECT_ID('dbo.t', 'U') IS NOT NULL DROP TABLE dbo.t
    DROP TABLE IF EXISTS t

Oracle::

    DROP INDEX IX_A;
    BEGIN
      EXECUTE IMMEDIATE 'DROP TABLE T';
    EXCEPTION
      WHEN OTHERS THEN
        IF SQLCODE != -942 THEN
          RAISE;
        END IF;
    END;
    /

Oracle 19c has no DROP ... IF EXISTS: the block ignores only "object does not exist"
(table/view -942, sequence -2289, procedure/function/type -4043, synonym -1434,
trigger -4080, index -1418). The same idiom with ``EXISTS (SELECT ... FROM sys.objects
WHERE name = 'x' ...)`` is recognised. Several objects in one DROP become one statement
each. Dropping an alias type (never created in Oracle) is marked.
"""

import re

from sqlglot import exp

from migrator.frontend.nodes import Block, If, Statement
from migrator.rulebook import define, transform, unit_transform

RULE = define("TS0114", "ddl.drop", "ddl", __doc__)

KINDS = {"TABLE", "VIEW", "PROCEDURE", "FUNCTION", "SEQUENCE", "SYNONYM", "TYPE", "INDEX", "TRIGGER"}


@transform(RULE, exp.Drop, order="pre")
def drop(node, ctx):
    if isinstance(node.parent, exp.Alter):
        return node
    kind = (node.args.get("kind") or "").upper()
    if kind == "PROC":
        kind = "PROCEDURE"
        node.set("kind", kind)
    if kind not in KINDS:
        ctx.todo(RULE, node, f"DROP {kind}: no Oracle counterpart converted")
    tables = node.args.get("tables") or []
    if kind == "INDEX":
        on = node.args.get("cluster")
        for t in tables:
            table = on.this if isinstance(on, exp.OnProperty) and isinstance(on.this, exp.Table) else None
            if table is None and isinstance(t, exp.Table) and t.args.get("db") is not None:
                table = exp.Table(this=t.args["db"])  # old form DROP INDEX table.index
                t.set("db", None)
            if table is not None and ctx.catalog is not None and ctx.catalog.index_rank(t.name, table.name) > 0:
                new = f"{table.name}_{t.name}"
                ctx.note(RULE, node, f"index {t.name} renamed {new} (see TS0108)")
                t.set("this", exp.to_identifier(new))
        node.set("cluster", None)
    if kind == "TYPE" and ctx.catalog is not None:
        for t in tables:
            if ctx.catalog.alias_type(t.name):
                ctx.todo(RULE, node, f"DROP TYPE {t.name}: an alias type, never created in Oracle (nothing to drop)")
            if t.name.casefold() in ctx.catalog.table_types:
                ctx.todo(RULE, node, f"DROP TYPE {t.name}: table type, converted with procedures")
    if node.args.get("exists"):
        node.meta["plsql"] = True
        ctx.fixed(RULE, node, "DROP IF EXISTS became a block that ignores only 'does not exist'")
    return node


# --- IF OBJECT_ID('x') IS NOT NULL DROP ... ---------------------------------------------------

_OBJECT_ID = re.compile(r"(?is)^\(?\s*OBJECT_ID\s*\(\s*N?'([^']+)'\s*(?:,\s*N?'\w+'\s*)?\)\s*IS\s+NOT\s+NULL\s*\)?$")
_EXISTS = re.compile(r"(?is)^EXISTS\s*\(\s*SELECT\s+.+?\s+FROM\s+(?:\[?\w+\]?\.)?\[?(?:sys\.)?\[?(\w+)\]?\s+"
                     r"WHERE\s+(.+)\)$")
_CATALOG_VIEWS = {"objects", "tables", "views", "procedures", "sequences", "synonyms", "types", "indexes",
                  "triggers", "sysobjects", "all_objects"}
_CATALOG_COLS = {"name", "type", "xtype", "type_desc", "table_name", "table_schema", "table_type", "routine_name",
                 "routine_schema", "routine_type", "id", "object_id", "schema_id", "uid", "sequence_name",
                 "is_table_type", "objectproperty", "schema_name", "user_name", "n", "u", "and", "is", "not",
                 "null", "isprocedure", "isusertable", "isview", "isscalarfunction", "istablefunction",
                 "isinlinefunction", "p", "v", "fn", "if", "tf", "so", "sn", "tr"}


def _last(name: str) -> str:
    return name.split(".")[-1].strip('[]"').casefold()


def _condition_names(cond: str) -> list[str] | None:
    cond = " ".join(cond.split())
    m = _OBJECT_ID.match(cond)
    if m:
        return [_last(m.group(1))]
    m = _EXISTS.match(cond)
    if not m:
        return None
    view, where = m.group(1).lower(), m.group(2)
    if view not in _CATALOG_VIEWS and not cond.upper().count("INFORMATION_SCHEMA."):
        return None
    words = {w.lower() for w in re.findall(r"[A-Za-z_]\w*", re.sub(r"N?'[^']*'", " ", where))}
    words -= {"sys", "dbo", "information_schema", "schema_name", "object_id", "user_id", "schema_id"}
    if not words <= _CATALOG_COLS:
        return None
    return [_last(s) for s in re.findall(r"N?'([^']*)'", where)]


@unit_transform(RULE, If)
def if_exists_drop(node, ctx, project):
    if node.else_ is not None:
        return None
    body = node.then
    if isinstance(body, Block) and len(body.body) == 1:
        body = body.body[0]
    if not (isinstance(body, Statement) and body.keyword == "DROP"):
        return None
    names = _condition_names(node.cond_text)
    if not names:
        return None
    from migrator.convert import render
    from migrator.frontend.dialect import parse_tokens, tokenize

    try:
        trees = parse_tokens(tokenize(body.text), body.text)
    except Exception:  # noqa: BLE001 - not the idiom: the normal path reports it
        return None
    tree = trees[0] if len(trees) == 1 else None
    if not isinstance(tree, exp.Drop) or len(tree.args.get("tables") or []) != 1:
        return None
    if _last(tree.args["tables"][0].name) not in names:
        return None
    tree.set("exists", True)
    locate, ctx.locate = ctx.locate, None  # positions in the re-tokenized DROP text are not batch offsets
    try:
        tree = project.get_engine().apply(tree, ctx)
    finally:
        ctx.locate = locate
    return render(tree)
