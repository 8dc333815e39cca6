"""Convert session/system functions to USER and SYS_CONTEXT; mark system-catalog functions.

T-SQL → Oracle::

    SUSER_SNAME(), SUSER_NAME(), USER_NAME(), CURRENT_USER, SYSTEM_USER, SESSION_USER → USER
    HOST_NAME()        → SYS_CONTEXT('USERENV', 'HOST')
    APP_NAME()         → SYS_CONTEXT('USERENV', 'MODULE')
    DB_NAME()          → SYS_CONTEXT('USERENV', 'DB_NAME')
    @@SERVERNAME       → SYS_CONTEXT('USERENV', 'SERVER_HOST')
    @@SPID             → SYS_CONTEXT('USERENV', 'SID')
    ORIGINAL_LOGIN()   → SYS_CONTEXT('USERENV', 'SESSION_USER')
    OBJECT_ID(), OBJECT_NAME(), DB_ID(), COL_LENGTH(), ... → TODO (system catalog)
    SCOPE_IDENTITY(), XACT_STATE(), ERROR_MESSAGE() ... in plain SQL → TODO
    STRING_SPLIT(s, ',')     → (SELECT REGEXP_SUBSTR(s, '(.*?)(,|$)', 1, LEVEL, 'n', 1) AS VALUE FROM DUAL
                                WHERE s IS NOT NULL CONNECT BY LEVEL <= REGEXP_COUNT(s, ',') + 1)
    STRING_SPLIT(s, ',', 1)  → the same with LEVEL AS ORDINAL
    @@ROWCOUNT, @@ERROR, @@TRANCOUNT, @@VERSION ...: left to the procedural rules (TS06xx)

STRING_SPLIT in FROM, JOIN or CROSS/OUTER APPLY becomes that row generator (correlated under
APPLY); the items come in list order (T-SQL guarantees no order without the ordinal), an
empty item is NULL (Oracle's '' is NULL): NOTE. A separator that is not a one-character
literal is marked TODO.

Oracle has one name for login and database user, so every user-name function is
``USER``. A function with an argument (``USER_NAME(id)``, ``SUSER_SNAME(sid)``) looks up
another principal: TODO.
"""

from sqlglot import exp

from migrator.backend.functions import call, lit, tsql_name
from migrator.frontend.parse_expr import TsqlCall
from migrator.rulebook import define, transform

RULE = define("TS0270", "functions.system", "functions", __doc__)

_USERENV = {"HOST_NAME": "HOST", "APP_NAME": "MODULE", "DB_NAME": "DB_NAME", "ORIGINAL_LOGIN": "SESSION_USER",
            "SERVERNAME": "SERVER_HOST", "SPID": "SID"}
_USER = {"SUSER_SNAME", "SUSER_NAME", "USER_NAME", "CURRENT_USER", "SYSTEM_USER", "SESSION_USER", "USER"}
_CATALOG = {"OBJECT_ID", "OBJECT_NAME", "DB_ID", "COL_LENGTH", "COL_NAME", "COLUMNPROPERTY", "OBJECTPROPERTY",
            "OBJECTPROPERTYEX", "TYPE_ID", "TYPE_NAME", "SCHEMA_ID", "SCHEMA_NAME", "INDEXPROPERTY", "DATABASEPROPERTYEX",
            "SERVERPROPERTY", "SESSIONPROPERTY", "HAS_PERMS_BY_NAME", "IS_MEMBER", "IS_SRVROLEMEMBER", "USER_ID",
            "SUSER_ID", "SUSER_SID", "CONTEXT_INFO", "FILE_ID", "FILE_NAME", "FILEGROUP_NAME", "IDENT_CURRENT",
            "IDENT_SEED", "IDENT_INCR", "OBJECT_SCHEMA_NAME", "OBJECT_DEFINITION", "DB_NAME_ID"}
_PROCEDURAL = {"ROWCOUNT", "ERROR", "IDENTITY", "TRANCOUNT", "FETCH_STATUS", "SCOPE_IDENTITY", "XACT_STATE",
               "ERROR_MESSAGE", "ERROR_NUMBER", "ERROR_LINE", "ERROR_PROCEDURE", "ERROR_SEVERITY", "ERROR_STATE",
               "NESTLEVEL", "PROCID", "CURSOR_ROWS"}


_REGEX_SPECIAL = set(".^$*+?()[]{}|\\")


def _split_query(call_: exp.Anonymous, node, ctx) -> exp.Select:
    """STRING_SPLIT(s, sep[, ordinal]) as a CONNECT BY row generator over DUAL."""
    from rules.ts0403_from_dual import dual

    args = list(call_.expressions)
    if len(args) not in (2, 3):
        ctx.todo(RULE, node, "STRING_SPLIT needs two or three arguments")
    s, sep = args[0], args[1]
    if not (isinstance(sep, exp.National) or isinstance(sep, exp.Literal) and sep.is_string) or len(sep.name) != 1:
        ctx.todo(RULE, node, "STRING_SPLIT with a separator that is not a one-character literal: rewrite by hand")
    ordinal = len(args) == 3 and not (isinstance(args[2], exp.Literal) and args[2].name == "0")
    if ordinal and not (isinstance(args[2], exp.Literal) and args[2].name == "1"):
        ctx.todo(RULE, node, "STRING_SPLIT with a computed enable_ordinal argument")
    ch = "\\" + sep.name if sep.name in _REGEX_SPECIAL else sep.name
    level = exp.var("LEVEL")
    value = call("REGEXP_SUBSTR", s.copy(), lit(f"(.*?)({ch}|$)"), lit(1), level.copy(), lit("n"), lit(1))
    cols = [exp.alias_(value, exp.to_identifier("value"))]
    if ordinal:
        cols.append(exp.alias_(level.copy(), exp.to_identifier("ordinal")))
    count = exp.Add(this=call("REGEXP_COUNT", s.copy(), lit(ch)), expression=lit(1))
    sel = exp.Select(expressions=cols, from_=dual(),
                     where=exp.Where(this=exp.Not(this=exp.Is(this=s.copy(), expression=exp.null()))),
                     connect=exp.Connect(connect=exp.LTE(this=level.copy(), expression=count)))
    ctx.note(RULE, node, "STRING_SPLIT → CONNECT BY row generator: items come in list order, an empty item is "
                         "NULL (Oracle's '' is NULL)")
    return sel


def _is_split(node) -> bool:
    return isinstance(node, exp.Anonymous) and tsql_name(node) == "STRING_SPLIT"


@transform(RULE, exp.Lateral, exp.Table, order="pre")
def string_split(node, ctx):
    if not _is_split(node.this):
        return node
    sel = _split_query(node.this, node, ctx)
    if isinstance(node, exp.Lateral):
        node.set("this", exp.Subquery(this=sel))
        return node
    alias = node.args.get("alias")
    return exp.Subquery(this=sel, alias=alias.copy() if alias is not None else None)


def _userenv(attr: str) -> exp.Expression:
    return call("SYS_CONTEXT", lit("USERENV"), lit(attr))


@transform(RULE, exp.CurrentUser, exp.SessionUser)
def user(node, ctx):
    if node.this is not None:
        ctx.todo(RULE, node, "a user-name function with an argument looks up another principal: no Oracle form")
    return _user()


def _user() -> exp.Expression:
    from migrator.backend.nodes import OracleRaw

    return OracleRaw(this="USER")


@transform(RULE, exp.Anonymous, TsqlCall)
def system_call(node, ctx):
    name = tsql_name(node)
    if name in _USER:
        if node.expressions:
            ctx.todo(RULE, node, f"{name}(...) looks up another principal: no Oracle form")
        return _user()
    if name in _USERENV and not node.expressions:
        return _userenv(_USERENV[name])
    if name in _CATALOG:
        ctx.todo(RULE, node, f"{name}(): SQL Server system catalog function; rewrite against Oracle's data "
                             "dictionary (USER_OBJECTS, USER_TAB_COLUMNS ...) by hand")
    if name in _PROCEDURAL:
        ctx.todo(RULE, node, f"{name}() refers to the procedural context (converted in procedures and scripts)")
    if name == "STRING_SPLIT":
        ctx.todo(RULE, node, "STRING_SPLIT: rewrite with a row generator (CONNECT BY + REGEXP_SUBSTR) or a "
                             "JSON_TABLE over the list by hand")
    return node


@transform(RULE, exp.ObjectId)
def object_id(node, ctx):
    ctx.todo(RULE, node, "OBJECT_ID(): SQL Server system catalog; use Oracle's data dictionary by hand")


@transform(RULE, exp.Parameter, order="pre")
def globals_(node: exp.Parameter, ctx):
    """@@SERVERNAME, @@SPID; the other @@ globals are the procedural converter's (TS06xx)."""
    inner = node.this
    if isinstance(inner, exp.Parameter) and inner.name.upper() in _USERENV:
        return _userenv(_USERENV[inner.name.upper()])
    return node
