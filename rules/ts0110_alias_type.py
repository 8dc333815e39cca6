"""Alias types (CREATE TYPE x FROM base, sp_addtype) are inlined: columns get the base type.

T-SQL::

    CREATE TYPE dbo.tid FROM VARCHAR(6) NOT NULL
    CREATE TABLE titles (title_id tid PRIMARY KEY)

Oracle::

    -- MIGRATION NOTE [TS0110]: alias type TID (VARCHAR(6) NOT NULL) is not created in Oracle: ...
    CREATE TABLE TITLES (
      TITLE_ID VARCHAR2(6 CHAR) NOT NULL PRIMARY KEY
    );

Oracle SQL has no alias (domain) types before 23ai. The type definition becomes a
note, and every column of that type gets the base type from the project catalog
(TS0100) and the type's NOT NULL when the column does not say otherwise.
"""

from sqlglot import exp

from migrator.frontend.nodes import Statement
from migrator.frontend.parse_ddl import AliasTypeDef
from migrator.rulebook import define, transform, unit_transform

RULE = define("TS0110", "ddl.alias_type", "ddl", __doc__)


@unit_transform(RULE, Statement)
def alias_type_definition(node, ctx, project):
    words = [t.text.upper() for t in node.tokens[:3]]
    if not (words[:2] == ["CREATE", "TYPE"] or (words[:1] in (["EXEC"], ["EXECUTE"]) and len(words) > 1
                                                 and words[1] == "SP_ADDTYPE")):
        return None
    from migrator.frontend.dialect import parse_tokens, tokenize

    try:
        trees = parse_tokens(tokenize(node.text), node.text)
    except Exception:  # noqa: BLE001 - not this idiom: the normal path reports the parse error
        return None
    tree = trees[0] if len(trees) == 1 else None
    if not isinstance(tree, AliasTypeDef):
        return None
    null = {False: " NOT NULL", True: " NULL"}.get(tree.args.get("nullable"), "")
    name = project.names.name(tree.this.name) if project.names else tree.this.name
    ctx.note(RULE, tree, f"alias type {name} ({tree.text('base_sql').upper()}{null}) is not created in Oracle: "
                         "columns of this type use the base type")
    return ""


@transform(RULE, exp.ColumnDef, order="pre")
def alias_not_null(node, ctx):
    kind = node.args.get("kind")
    if not (isinstance(kind, exp.DataType) and kind.this == exp.DataType.Type.USERDEFINED) or ctx.catalog is None:
        return node
    alias = ctx.catalog.alias_type(kind.sql(dialect="tsql").split(".")[-1].strip('[]"'))
    if not alias or alias.get("nullable") is not False:
        return node
    if any(isinstance(c.args.get("kind"), (exp.NotNullColumnConstraint, exp.PrimaryKeyColumnConstraint))
           for c in node.constraints):
        return node
    node.set("constraints", [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()), *node.constraints])
    ctx.fixed(RULE, node, f"NOT NULL of alias type {alias['name']} added to column {node.name}")
    return node
