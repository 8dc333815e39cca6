"""Map T-SQL data types to Oracle 19c types (CONVERSION-POLICY type table).

==================  ==============================  ==========================================
T-SQL               Oracle                          note
==================  ==============================  ==========================================
BIT                 NUMBER(1)                       CHECK (x IN (0,1)) added on columns (TS0103)
TINYINT/SMALLINT    NUMBER(3) / NUMBER(5)
INT / BIGINT        NUMBER(10) / NUMBER(19)
DECIMAL(p,s)        NUMBER(p,s)
MONEY / SMALLMONEY  NUMBER(19,4) / NUMBER(10,4)
FLOAT / REAL        BINARY_DOUBLE / BINARY_FLOAT
DATETIME            TIMESTAMP(3)                    3.33 ms ticks become exact milliseconds
DATETIME2(n)        TIMESTAMP(n)
SMALLDATETIME/DATE  DATE
DATETIMEOFFSET(n)   TIMESTAMP(n) WITH TIME ZONE
TIME(n)             INTERVAL DAY(0) TO SECOND(n)    note: no TIME type in Oracle
CHAR/NCHAR(n)       CHAR(n) / NCHAR(n)
VARCHAR(n)          VARCHAR2(n CHAR)                n > 4000: CLOB (or VARCHAR2(32767), option)
NVARCHAR(n)         NVARCHAR2(n)                    n > 2000: NCLOB (or NVARCHAR2(16383), option)
(N)VARCHAR(MAX)     CLOB / NCLOB                    LOBs cannot be compared or indexed normally
TEXT / NTEXT        CLOB / NCLOB
BINARY/VARBINARY(n) RAW(n)                          n > 2000 or MAX: BLOB
IMAGE               BLOB
UNIQUEIDENTIFIER    RAW(16)                         or VARCHAR2(36), option ``guid``
XML                 XMLTYPE
SQL_VARIANT         SYS.ANYDATA                     note
ROWVERSION          RAW(8)                          note: not maintained automatically
SYSNAME             NVARCHAR2(128)
alias types         their base type                 from ``CREATE TYPE x FROM base`` (catalog)
==================  ==============================  ==========================================
"""

from sqlglot import exp

from migrator.backend.nodes import OracleType
from migrator.rulebook import define, transform

RULE = define("TS0100", "types.map", "types", __doc__)

T = exp.DataType.Type

_BY_NAME = {"SYSNAME": "NVARCHAR2(128)", "NTEXT": "NCLOB", "TEXT": "CLOB", "IMAGE": "BLOB",
            "TIMESTAMP": "RAW(8)"}
_SIMPLE = {
    T.BIT: "NUMBER(1)", T.TINYINT: "NUMBER(3)", T.UTINYINT: "NUMBER(3)", T.SMALLINT: "NUMBER(5)",
    T.INT: "NUMBER(10)", T.BIGINT: "NUMBER(19)", T.MONEY: "NUMBER(19,4)", T.SMALLMONEY: "NUMBER(10,4)",
    T.DOUBLE: "BINARY_DOUBLE", T.FLOAT: "BINARY_DOUBLE", T.SMALLDATETIME: "DATE", T.DATE: "DATE",
    T.DATETIME: "TIMESTAMP(3)", T.TEXT: "CLOB", T.IMAGE: "BLOB", T.XML: "XMLTYPE",
    T.UUID: "RAW(16)", T.ROWVERSION: "RAW(8)", T.VARIANT: "SYS.ANYDATA",
}


def _params(node: exp.DataType) -> list[str]:
    out = []
    for p in node.expressions:
        inner = p.this if isinstance(p, exp.DataTypeParam) else p
        out.append(inner.sql(dialect="tsql").upper() if isinstance(inner, exp.Expression) else str(inner).upper())
    return out


def oracle_type(node: exp.DataType, ctx) -> str:
    """The Oracle type text for a T-SQL DataType node (reports notes through ctx)."""
    p = _params(node)
    t = node.this
    raw = " ".join((node.meta.get("tsql") or node.sql(dialect="tsql")).upper().split())
    base = raw.split("(")[0].strip().strip('[]"').split(".")[-1]
    if base in _BY_NAME:
        return _BY_NAME[base]
    if base == "REAL":
        return "BINARY_FLOAT"
    if t == T.USERDEFINED or t is None:
        name = raw.split(".")[-1].strip('[]"')
        if name == "SYSNAME":
            return "NVARCHAR2(128)"
        if name in {"NTEXT"}:
            return "NCLOB"
        alias = ctx.catalog.alias_type(name) if ctx.catalog else None
        if alias:
            ctx.fixed(RULE, node, f"alias type {name} inlined as its base type {alias['base']}")
            base = exp.DataType.build(alias["base"], dialect="tsql")
            return oracle_type(base, ctx)
        ctx.todo(RULE, node, f"unknown data type {name}: an alias type not in the project? add its "
                             "CREATE TYPE file (or --schema)")
    if t == T.FLOAT and p and p[0].isdigit() and int(p[0]) <= 24:
        return "BINARY_FLOAT"
    if t == T.UUID and getattr(ctx.config, "guid", "raw16") == "varchar36":
        return "VARCHAR2(36)"
    if t == T.VARIANT:
        ctx.note(RULE, node, "SQL_VARIANT mapped to SYS.ANYDATA: values need ANYDATA.Convert*/Access* calls")
    if t == T.ROWVERSION or base == "TIMESTAMP":
        ctx.note(RULE, node, "ROWVERSION mapped to RAW(8): Oracle does not maintain it; use ORA_ROWSCN or a trigger")
    if t in _SIMPLE:
        return _SIMPLE[t]
    if t in (T.DECIMAL,) or raw.startswith(("NUMERIC", "DECIMAL")):
        return f"NUMBER({','.join(p)})" if p else "NUMBER(18)"
    if t == T.DATETIME2:
        return f"TIMESTAMP({p[0]})" if p else "TIMESTAMP(7)"
    if t in (T.TIMESTAMPTZ,):
        return f"TIMESTAMP({p[0] if p else 7}) WITH TIME ZONE"
    if t == T.TIME:
        ctx.note(RULE, node, "TIME has no Oracle type: mapped to INTERVAL DAY(0) TO SECOND")
        return f"INTERVAL DAY(0) TO SECOND({p[0] if p else 7})"
    if t in (T.CHAR, T.NCHAR):
        n = p[0] if p else "1"
        return f"{'N' if t == T.NCHAR else ''}CHAR({n})"
    if t in (T.VARCHAR, T.NVARCHAR):
        nat = t == T.NVARCHAR
        n = p[0] if p else "1"
        limit = 2000 if nat else 4000
        if n == "MAX" or (n.isdigit() and int(n) > limit):
            if n != "MAX" and getattr(ctx.config, "long_string", "clob") == "varchar2_32767":
                return f"NVARCHAR2({min(int(n), 16383)})" if nat else f"VARCHAR2({min(int(n), 32767)} CHAR)"
            lob = "NCLOB" if nat else "CLOB"
            if n != "MAX":
                ctx.note(RULE, node, f"{raw} exceeds Oracle's {limit}-character limit: mapped to {lob}")
            return lob
        return f"NVARCHAR2({n})" if nat else f"VARCHAR2({n} CHAR)"
    if t in (T.BINARY, T.VARBINARY):
        n = p[0] if p else "1"
        if n == "MAX" or (n.isdigit() and int(n) > 2000):
            return "BLOB"
        return f"RAW({n})"
    ctx.todo(RULE, node, f"no Oracle mapping for data type {raw}")
    return raw


@transform(RULE, exp.DataType)
def map_type(node: exp.DataType, ctx):
    if isinstance(node, OracleType) or isinstance(node.parent, exp.DataType):
        return node
    return OracleType.of(oracle_type(node, ctx))
