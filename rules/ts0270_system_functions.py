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
    STRING_SPLIT() → TODO
    @@ROWCOUNT, @@ERROR, @@TRANCOUNT, @@VERSION ...: left to the procedural rules (TS06xx)

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
