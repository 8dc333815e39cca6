"""Generator overrides for functions, the names of Oracle 19c built-in functions, and the guard's list.

``ORACLE_FUNCTIONS`` is what the guard lets through as an anonymous function call:
a T-SQL function left unconverted is never printed as if it were Oracle.

``FORBIDDEN`` names the sqlglot node classes that stock sqlglot's T-SQL parser produces
and whose stock Oracle generation is not Oracle 19c syntax (found by running every T-SQL
built-in through the stock Oracle generator): the function rules (TS02xx) convert them,
and the guard refuses any left over. ``bad_function`` adds the argument-dependent cases.
"""

from __future__ import annotations

from sqlglot import exp

from migrator.frontend.parse_expr import TsqlCall

TRANSFORMS: dict = {
    TsqlCall: lambda self, e: self.func(e.name, *e.expressions),  # never reached: the guard refuses it
}

FORBIDDEN: dict[type, str] = {
    exp.TryCast: "TRY_CAST",
    exp.DateAdd: "DATEADD",
    exp.DateDiff: "DATEDIFF",
    exp.Uuid: "NEWID()",
    exp.Left: "LEFT()",
    exp.Right: "RIGHT()",
    exp.CurrentTimestamp: "GETDATE()/CURRENT_TIMESTAMP (convert explicitly)",
    TsqlCall: "a T-SQL built-in function",
    exp.Repeat: "REPLICATE()", exp.Space: "SPACE()", exp.Concat: "CONCAT() (T-SQL semantics)",
    exp.ConcatWs: "CONCAT_WS()", exp.TimeToStr: "FORMAT()/DATENAME()", exp.Year: "YEAR()",
    exp.Month: "MONTH()", exp.Day: "DAY()", exp.DateFromParts: "DATEFROMPARTS()",
    exp.TimestampFromParts: "DATETIMEFROMPARTS()", exp.Convert: "CONVERT()", exp.Unicode: "UNICODE()",
    exp.Pi: "PI()", exp.BitwiseXor: "^ (bitwise XOR)", exp.BitwiseAnd: "& (bitwise AND)",
    exp.BitwiseOr: "| (bitwise OR)", exp.BitwiseNot: "~ (bitwise NOT)", exp.BitwiseLeftShift: "<<",
    exp.BitwiseRightShift: ">>", exp.ObjectId: "OBJECT_ID()", exp.CurrentUser: "CURRENT_USER/SUSER_SNAME()",
    exp.SessionUser: "SESSION_USER", exp.CurrentTimestampLTZ: "SYSDATETIMEOFFSET()",
    exp.TimestampTrunc: "DATETRUNC()", exp.JSONExtractScalar: "JSON_VALUE()", exp.JSONExtract: "JSON_QUERY()",
    exp.MD5: "HASHBYTES()", exp.SHA: "HASHBYTES()", exp.SHA2: "HASHBYTES()", exp.OpenJSON: "OPENJSON()",
    exp.Compress: "COMPRESS()", exp.ApproxDistinct: "APPROX_COUNT_DISTINCT()", exp.Degrees: "DEGREES()",
    exp.Radians: "RADIANS()", exp.Cot: "COT()", exp.Stuff: "STUFF()", exp.StrToDate: "a T-SQL date parse",
    exp.TimeStrToTime: "a T-SQL date parse", exp.TsOrDsToDate: "a T-SQL date conversion",
}

ORACLE_EXTRACT_UNITS = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TIMEZONE_HOUR",
                        "TIMEZONE_MINUTE", "TIMEZONE_REGION", "TIMEZONE_ABBR"}


def bad_function(node: exp.Expression) -> str | None:
    """Why ``node`` has no Oracle 19c form as it stands, or None. (A class tested here must be
    in ``may_be_bad`` too: the guard asks only for the classes it names.)"""
    what = FORBIDDEN.get(type(node))
    if what:
        return what
    if isinstance(node, exp.Rand) and node.this is not None:
        return "RAND(seed)"
    if isinstance(node, exp.Round) and node.args.get("truncate") is not None:
        return "ROUND(x, n, 1)"
    if isinstance(node, exp.Extract) and node.name.upper() not in ORACLE_EXTRACT_UNITS:
        return f"DATEPART({node.name})"
    if isinstance(node, (exp.Create, exp.Alter, exp.Drop)):
        kind = (node.args.get("kind") or "").upper()
        if kind and kind not in ORACLE_OBJECT_KINDS:
            return f"{type(node).__name__.upper()} {kind}"
    return None


def may_be_bad(cls: type) -> bool:
    """Can ``bad_function`` refuse a node of this class (it depends on the class, then on the node)?"""
    return cls in FORBIDDEN or issubclass(cls, (exp.Rand, exp.Round, exp.Extract, exp.Create, exp.Alter, exp.Drop))


# object kinds Oracle has under the same name and meaning (T-SQL SCHEMA, DATABASE, LOGIN … do not)
ORACLE_OBJECT_KINDS = {"TABLE", "VIEW", "INDEX", "SEQUENCE", "SYNONYM", "TYPE", "PROCEDURE", "FUNCTION", "TRIGGER",
                       "PACKAGE", "MATERIALIZED VIEW", "COLUMN", "CONSTRAINT"}

ORACLE_FUNCTIONS = frozenset(
    """ABS ACOS ADD_MONTHS APPROX_COUNT_DISTINCT ASCII ASCIISTR ASIN ATAN ATAN2 AVG BFILENAME BIN_TO_NUM
    BITAND CARDINALITY CAST CEIL CHARTOROWID CHR COALESCE COLLATION COLLECT COMPOSE CONCAT CONVERT CORR
    COS COSH COUNT COVAR_POP COVAR_SAMP CUME_DIST CURRENT_DATE CURRENT_TIMESTAMP DBTIMEZONE DECODE
    DECOMPOSE DENSE_RANK DUMP EMPTY_BLOB EMPTY_CLOB EXP EXTRACT FIRST_VALUE FLOOR FROM_TZ GREATEST
    GROUPING GROUPING_ID GROUP_ID HEXTORAW INITCAP INSTR INSTRB LAG LAST_DAY LAST_VALUE LEAD LEAST
    LENGTH LENGTHB LISTAGG LN LNNVL LOCALTIMESTAMP LOG LOWER LPAD LTRIM MAX MEDIAN MIN MOD MONTHS_BETWEEN
    NANVL NCHR NEW_TIME NEXT_DAY NLSSORT NLS_INITCAP NLS_LOWER NLS_UPPER NTH_VALUE NTILE NULLIF
    NUMTODSINTERVAL NUMTOYMINTERVAL NVL NVL2 ORA_HASH PERCENTILE_CONT PERCENTILE_DISC PERCENT_RANK POWER
    RANK RATIO_TO_REPORT RAWTOHEX REGEXP_COUNT REGEXP_INSTR REGEXP_LIKE REGEXP_REPLACE REGEXP_SUBSTR
    REMAINDER REPLACE REVERSE ROUND ROW_NUMBER RPAD RTRIM SESSIONTIMEZONE SIGN SIN SINH SOUNDEX SQRT
    STANDARD_HASH STDDEV STDDEV_POP STDDEV_SAMP SUBSTR SUBSTRB SUM SYSDATE SYSTIMESTAMP SYS_CONTEXT
    SYS_EXTRACT_UTC SYS_GUID TAN TANH TO_BINARY_DOUBLE TO_BINARY_FLOAT TO_BLOB TO_CHAR TO_CLOB TO_DATE
    TO_DSINTERVAL TO_MULTI_BYTE TO_NCHAR TO_NCLOB TO_NUMBER TO_SINGLE_BYTE TO_TIMESTAMP TO_TIMESTAMP_TZ
    TO_YMINTERVAL TRANSLATE TRIM TRUNC TZ_OFFSET UID UNISTR UPPER USER USERENV VALIDATE_CONVERSION
    VARIANCE VAR_POP VAR_SAMP VSIZE WIDTH_BUCKET XMLAGG XMLELEMENT XMLCAST XMLQUERY XMLTYPE
    JSON_VALUE JSON_QUERY JSON_OBJECT JSON_ARRAY JSON_ARRAYAGG JSON_OBJECTAGG ORA_HASH
    DBMS_RANDOM.VALUE""".split()
)


class FunctionsMixin:
    def cast_sql(self, expression: exp.Cast, safe_prefix: str | None = None) -> str:
        fmt = expression.args.get("format")
        if fmt is None:
            return super().cast_sql(expression, safe_prefix)
        # Oracle: CAST(x AS t [DEFAULT v ON CONVERSION ERROR], 'fmt')
        default = expression.args.get("default")
        on_error = f" DEFAULT {self.sql(default)} ON CONVERSION ERROR" if default is not None else ""
        return f"CAST({self.sql(expression, 'this')} AS {self.sql(expression, 'to')}{on_error}, {self.sql(fmt)})"


# --- builders the function rules share ---------------------------------------------------------

def call(name: str, *args: exp.Expression) -> exp.Anonymous:
    """An Oracle built-in call that sqlglot has no node class for (name must be in ORACLE_FUNCTIONS)."""
    return exp.Anonymous(this=name, expressions=[a for a in args if a is not None])


def lit(value) -> exp.Literal:
    return exp.Literal.string(value) if isinstance(value, str) else exp.Literal.number(value)


def paren(node: exp.Expression) -> exp.Expression:
    """Wrap a binary expression in parentheses so it can be an operand."""
    return exp.Paren(this=node) if isinstance(node, (exp.Binary, exp.Unary)) and not isinstance(node, exp.Paren) else node


def tsql_name(node: exp.Expression) -> str:
    """Upper-case T-SQL name of a kept call (TsqlCall) or an anonymous function."""
    if isinstance(node, (TsqlCall, exp.Anonymous)):
        return str(node.name).upper()
    return ""


_DATEPARTS = {
    "YEAR": "YEAR", "YY": "YEAR", "YYYY": "YEAR", "QUARTER": "QUARTER", "QQ": "QUARTER", "Q": "QUARTER",
    "MONTH": "MONTH", "MM": "MONTH", "M": "MONTH", "DAYOFYEAR": "DAYOFYEAR", "DY": "DAYOFYEAR", "Y": "DAYOFYEAR",
    "DAY": "DAY", "DD": "DAY", "D": "DAY", "WEEK": "WEEK", "WK": "WEEK", "WW": "WEEK", "WEEKDAY": "WEEKDAY",
    "DW": "WEEKDAY", "W": "WEEKDAY", "HOUR": "HOUR", "HH": "HOUR", "MINUTE": "MINUTE", "MI": "MINUTE",
    "N": "MINUTE", "SECOND": "SECOND", "SS": "SECOND", "S": "SECOND", "MILLISECOND": "MILLISECOND",
    "MS": "MILLISECOND", "MICROSECOND": "MICROSECOND", "MCS": "MICROSECOND", "NANOSECOND": "NANOSECOND",
    "NS": "NANOSECOND", "ISO_WEEK": "ISO_WEEK", "ISOWK": "ISO_WEEK", "ISOWW": "ISO_WEEK", "TZOFFSET": "TZOFFSET",
    "TZ": "TZOFFSET",
}


def datepart(node: exp.Expression) -> str | None:
    """Canonical T-SQL date part name of a DATEADD/DATEDIFF/DATEPART first argument."""
    return _DATEPARTS.get(node.name.upper()) if isinstance(node, (exp.Var, exp.Column, exp.Literal)) else None


def date_literal(node: exp.Expression) -> exp.Expression | None:
    """An Oracle DATE/TIMESTAMP literal for a T-SQL date string literal in an unambiguous format."""
    import re

    from migrator.backend.nodes import OracleRaw

    if not isinstance(node, (exp.Literal, exp.National)) or (isinstance(node, exp.Literal) and not node.is_string):
        return None
    s = node.name.strip()
    m = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?", s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    if hh is None or (hh == "00" and mi == "00" and (ss or "00") == "00" and not (frac or "").strip("0")):
        return OracleRaw(this=f"DATE '{y}-{mo}-{d}'")
    text = f"{y}-{mo}-{d} {hh}:{mi}:{ss or '00'}" + (f".{frac}" if frac else "")
    return OracleRaw(this=f"TIMESTAMP '{text}'")


def in_place(new: exp.Expression, old: exp.Expression) -> exp.Expression:
    """``new`` as a replacement of ``old``: parenthesised when it is an operator inside an operator."""
    if isinstance(new, (exp.Binary, exp.Unary)) and not isinstance(new, exp.Paren) \
            and isinstance(old.parent, (exp.Binary, exp.Unary)) and not isinstance(old.parent, exp.Paren) \
            and not (isinstance(new, exp.DPipe) and isinstance(old.parent, exp.DPipe)):  # || is associative
        new = exp.Paren(this=new)
    if old.parent is not None and new is not old:
        old.replace(new)  # attached at once: rules run on its children can still see the enclosing query
    return new
