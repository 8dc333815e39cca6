"""The output guardrail: a model answer is never trusted on its own.

:func:`guard` cleans an answer (Markdown fences, prose before/after the code) and accepts it only
if all of these hold:

* it is not empty and not longer than the cap (default ``max(4 * len(tsql), 2000)`` characters);
* every statement kind it contains (DDL, DML, dynamic SQL, transaction control, GRANT/REVOKE,
  packages reaching outside the database) corresponds to a kind present in the T-SQL source
  (:func:`allowed_kinds` maps T-SQL kinds to the Oracle kinds a faithful conversion may use);
* the objects the T-SQL defines (procedure, function, trigger, view, table) are defined under
  their Oracle names, and nothing else is defined besides what the mapping allows;
* no T-SQL is left in it (:func:`residue`) and it keeps no ``MIGRATION TODO`` marker;
* the offline validator (``migrator.validate``) reports no error;
* every table and routine it references is in ``known_names`` (the project catalog), in the
  T-SQL source (after the name policy), created by the answer itself, or an Oracle built-in.

Statement kinds and names are found lexically (comments and string literals masked; literals that
begin like SQL, i.e. dynamic SQL, are scanned too), not by a parser: the patterns lean towards
rejecting an answer, and towards allowing what the T-SQL might contain. The validator is the parse.
Everything here is plain text analysis: no heavy imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from migrator.names import default_name

# ---- results -----------------------------------------------------------------------------------------------


@dataclass
class GuardResult:
    ok: bool
    code: str                                   # the cleaned Oracle text (also when rejected)
    reasons: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # statement kinds found in the answer


def default_cap(tsql: str) -> int:
    return max(4 * len(tsql), 2000)


# ---- masking: comments and string literals -----------------------------------------------------------------

_Q_CLOSE = {"[": "]", "(": ")", "{": "}", "<": ">"}


def mask(text: str, blank_strings: bool = True) -> tuple[str, list[str]]:
    """``text`` with comments and string literals blanked (newlines kept), and the literals.

    ``blank_strings=False`` blanks the comments only."""
    out, strings = list(text), []
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "qQ" and text.startswith("'", i + 1) and i + 2 < n and not _word_before(text, i):
            close = _Q_CLOSE.get(text[i + 2], text[i + 2]) + "'"
            j = text.find(close, i + 3)
            j = n if j < 0 else j + 2
            strings.append(text[i + 3:max(i + 3, j - 2)])
        elif c == "'":
            j, buf = _string_end(text, i)
            strings.append(buf)
        else:
            i += 1
            continue
        if blank_strings or c in "-/":
            blank(i, j)
        i = j
    return "".join(out), strings


def _word_before(text: str, i: int) -> bool:
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_$#")


def _string_end(text: str, i: int) -> tuple[int, str]:
    j, buf, n = i + 1, [], len(text)
    while j < n:
        if text[j] == "'":
            if j + 1 < n and text[j + 1] == "'":
                buf.append("'")
                j += 2
                continue
            return j + 1, "".join(buf)
        buf.append(text[j])
        j += 1
    return n, "".join(buf)


_SQLISH = re.compile(r"^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|DENY|"
                     r"WITH|EXEC|EXECUTE|BEGIN|DECLARE|SET|LOCK|COMMIT|ROLLBACK|RENAME|COMMENT|BULK)\b", re.I)


def _code_parts(text: str) -> list[str]:
    """The masked code, plus the string literals that look like SQL (dynamic SQL)."""
    masked, strings = mask(text)
    return [masked] + [s for s in strings if _SQLISH.match(s)]


# ---- cleaning: fences and prose ----------------------------------------------------------------------------

_FENCE_LINE = re.compile(r"^\s*(```|~~~)")
_START = re.compile(
    r"^\s*(--|/\*|/\s*$|<<|(CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|DECLARE|BEGIN|SELECT|WITH|INSERT|UPDATE|"
    r"DELETE|MERGE|EXECUTE|CALL|COMMIT|ROLLBACK|SAVEPOINT|SET|LOCK|COMMENT|RENAME|FOR|IF|OPEN|FETCH|CLOSE|"
    r"RAISE|NULL|RETURN|LOOP|WHILE|CASE|PROCEDURE|FUNCTION|PACKAGE|TYPE|TRIGGER|DBMS_\w+|"
    r"RAISE_APPLICATION_ERROR|[vp]_\w+)\b)", re.I)
_ENGLISH = frozenset("""the a an this that these those here you your we our i it its will would which be been
can could should note following converted conversion version code uses used use has have was were because so
but also instead since equivalent please sure below above explanation changes replaced are there does handles
ensures assumes assuming make sure keep kept""".split())
_MARKDOWN = re.compile(r"^(#{1,6}\s|>\s|\*\*|\*\s+[A-Za-z`]|[-•]\s+[A-Za-z`]|\d+[.)]\s+[A-Za-z`])")
_TERMINAL = re.compile(r"(;\s*$|^\s*/\s*$|\*/\s*$)")


def is_prose(line: str) -> bool:
    """A line of natural language (or Markdown) rather than code; comments are code."""
    s = re.sub(r"'[^']*'", "''", line.strip())
    if not s or s.startswith(("--", "/*")) or s == "/":
        return False
    if _FENCE_LINE.match(s) or _MARKDOWN.match(s):
        return True
    if s.endswith((";", ",", "(")) or any(t in s for t in (":=", "=>", "||")):
        return False
    words = re.findall(r"[A-Za-z_][\w$#']*", s)
    if len(words) < 3:
        return bool(re.match(r"^[A-Z][a-z]+\b[^;()=]*[:!]$", s))
    english = sum(w.lower() in _ENGLISH for w in words)
    return english >= 2 and english / len(words) >= 0.2


def _unfence(text: str) -> str:
    lines = text.split("\n")
    fences = [i for i, line in enumerate(lines) if _FENCE_LINE.match(line)]
    if not fences:
        return text
    blocks = []
    for k in range(0, len(fences), 2):
        a = fences[k] + 1
        b = fences[k + 1] if k + 1 < len(fences) else len(lines)
        blocks.append("\n".join(lines[a:b]).strip("\n"))
    return "\n\n".join(b for b in blocks if b.strip())


def clean(answer: str) -> str:
    """The Oracle code of a model answer: fences removed, prose before and after the code dropped."""
    text = _unfence((answer or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _START.match(line) and not is_prose(line)), None)
    if start is None:
        return "\n".join(line for line in lines if not is_prose(line)).strip("\n")
    lines = lines[start:]
    last = max((i for i, line in enumerate(lines) if _TERMINAL.search(line)), default=None)
    if last is not None:
        tail = lines[last + 1:]
        cut = next((i for i, line in enumerate(tail) if is_prose(line)), None)
        if cut is not None:
            lines = lines[:last + 1] + tail[:cut]
    return "\n".join(lines).strip("\n")


_PLSQL_HEAD = re.compile(r"^\s*(CREATE\s+(OR\s+REPLACE\s+)?((NON)?EDITIONABLE\s+)?(PROCEDURE|FUNCTION|TRIGGER|"
                         r"PACKAGE|TYPE\s+BODY)\b|DECLARE\b|BEGIN\b)", re.I | re.M)


def _terminate(code: str) -> str:
    """A PL/SQL unit at the end of the answer gets its closing ``/`` line if the model left it out."""
    masked, _ = mask(code)
    slashes = [m.end() for m in re.finditer(r"(?m)^[ \t]*/[ \t]*$", masked)]
    after = slashes[-1] if slashes else 0
    if not _PLSQL_HEAD.search(masked, after) or not masked.rstrip().endswith(";"):
        return code
    return code.rstrip() + "\n/"


# ---- statement kinds ---------------------------------------------------------------------------------------

_OBJ = r"(?:\[[^\]\n]+\]|\"[^\"\n]+\"|[#@]{0,2}[A-Za-z_][\w$#@]*)"
_QNAME = rf"{_OBJ}(?:\s*\.\s*{_OBJ}){{0,3}}"
_ORA_CREATE = re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?((?:(?:EDITIONABLE|NONEDITIONABLE|EDITIONING|FORCE|NOFORCE|"
                         r"GLOBAL|PRIVATE|TEMPORARY|PUBLIC|UNIQUE|BITMAP|MATERIALIZED|SHARDED|DUPLICATED|"
                         r"BLOCKCHAIN|IMMUTABLE|BIGFILE|SMALLFILE)\s+)*)([A-Za-z_]+)(\s+BODY)?"
                         rf"(?:\s+(?:IF\s+NOT\s+EXISTS\s+)?({_QNAME}))?", re.I)
_DROP_KINDS = frozenset("""TABLE VIEW INDEX SEQUENCE SYNONYM TYPE PACKAGE PROCEDURE FUNCTION TRIGGER USER ROLE
MATERIALIZED TABLESPACE DIRECTORY DATABASE LIBRARY JAVA CONTEXT CLUSTER PUBLIC SCHEMA PROFILE""".split())
EXTERNAL_PACKAGES = frozenset("""UTL_HTTP UTL_FILE UTL_TCP UTL_SMTP UTL_MAIL UTL_INADDR DBMS_SCHEDULER DBMS_JOB
DBMS_PIPE DBMS_JAVA DBMS_NETWORK_ACL_ADMIN DBMS_BACKUP_RESTORE DBMS_LDAP HTTPURITYPE DBMS_AQ DBMS_AQADM DBMS_SYS_SQL
DBMS_CLOUD DBMS_DATAPUMP""".split())

_ORA_SIMPLE: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\bTRUNCATE\s+(TABLE|CLUSTER)\b", re.I), "TRUNCATE"),
    (re.compile(r"\bGRANT\b", re.I), "GRANT"),
    (re.compile(r"\bREVOKE\b", re.I), "REVOKE"),
    (re.compile(r"\bRENAME\s+(?!TO\b|COLUMN\b|CONSTRAINT\b|PARTITION\b)[\w$#\"]+\s+TO\b", re.I), "RENAME"),
    (re.compile(r"\bCOMMENT\s+ON\b", re.I), "COMMENT"),
    (re.compile(r"\bINSERT\s+(ALL|FIRST|INTO)\b", re.I), "INSERT"),
    (re.compile(r"\bUPDATE\s+(?!SET\b|OF\b|ON\b|OR\b|NOWAIT\b|SKIP\b|WAIT\b)(?:\"[^\"]+\"|[\w$#.]+)"
                r"(?:\s+(?!SET\b)[\w$#\"]+)?\s+SET\b|\bUPDATE\s*\(\s*SELECT\b", re.I), "UPDATE"),
    (re.compile(r"\bDELETE\s+FROM\b|\bDELETE\s+(?!FROM\b|WHERE\b|ON\b|OR\b|CASCADE\b|SET\b)(?:\"[^\"]+\"|[\w$#.]+)"
                r"(?:\s+[\w$#\"]+)?\s*(?:\bWHERE\b|;|$)", re.I), "DELETE"),
    (re.compile(r"\bMERGE\s+INTO\b", re.I), "MERGE"),
    (re.compile(r"\bEXECUTE\s+IMMEDIATE\b|\bDBMS_SQL\s*\.\s*(PARSE|EXECUTE|EXECUTE_AND_FETCH)\b|"
                r"\bDBMS_UTILITY\s*\.\s*EXEC_DDL_STATEMENT\b|\bOPEN\s+[\w$#.:]+\s+FOR(?!\s*(SELECT\b|WITH\b|\())\s",
                re.I), "EXECUTE IMMEDIATE"),
    (re.compile(r"\bROLLBACK\b", re.I), "ROLLBACK"),
    (re.compile(r"\bSAVEPOINT\b", re.I), "SAVEPOINT"),
    (re.compile(r"\bSET\s+TRANSACTION\b", re.I), "SET TRANSACTION"),
    (re.compile(r"\bLOCK\s+TABLE\b", re.I), "LOCK TABLE"),
    (re.compile(r"\bPRAGMA\s+AUTONOMOUS_TRANSACTION\b", re.I), "AUTONOMOUS TRANSACTION"),
]
_ORA_COMMIT = re.compile(r"\bCOMMIT\b", re.I)
_ORA_ALTER = re.compile(r"\bALTER\s+([A-Za-z_]+)", re.I)
_ORA_DROP = re.compile(r"\bDROP\s+([A-Za-z_]+)(?:\s+VIEW)?", re.I)
_EXTERNAL = re.compile(r"\b(" + "|".join(sorted(EXTERNAL_PACKAGES)) + r")\b", re.I)


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z_]+)\W*$", text[max(0, pos - 40):pos])
    return m.group(1).upper() if m else ""


def _create_kind(m: re.Match) -> str:
    mods, word = m.group(1).upper().split(), m.group(2).upper()
    if "MATERIALIZED" in mods and word == "VIEW":
        return "CREATE MATERIALIZED VIEW"
    return f"CREATE {word}"


def oracle_kinds(text: str) -> set[str]:
    """Statement kinds of an Oracle text (comments ignored; dynamic SQL literals included)."""
    kinds: set[str] = set()
    for part in _code_parts(text):
        kinds |= {_create_kind(m) for m in _ORA_CREATE.finditer(part)}
        kinds |= {kind for rx, kind in _ORA_SIMPLE if rx.search(part)}
        if any(_prev_word(part, m.start()) != "ON" for m in _ORA_COMMIT.finditer(part)):
            kinds.add("COMMIT")
        kinds |= {f"ALTER {m.group(1).upper()}" for m in _ORA_ALTER.finditer(part)}
        for m in _ORA_DROP.finditer(part):
            word = m.group(1).upper()
            if word in _DROP_KINDS:
                kinds.add("DROP MATERIALIZED VIEW" if word == "MATERIALIZED" else f"DROP {word}")
        kinds |= {f"EXTERNAL {m.group(1).upper()}" for m in _EXTERNAL.finditer(part)}
    return kinds


# T-SQL side: which Oracle kinds a faithful conversion of each T-SQL construct may use.
_TS_CREATE = re.compile(r"\b(CREATE|ALTER)\s+(?:OR\s+ALTER\s+)?(?:(?:UNIQUE|CLUSTERED|NONCLUSTERED|COLUMNSTORE)\s+)*"
                        rf"(PROC|PROCEDURE|FUNCTION|TRIGGER|VIEW|TABLE|INDEX|SEQUENCE|TYPE|SYNONYM|SCHEMA|ROLE|USER|"
                        rf"LOGIN|DATABASE)\b(?:\s+({_QNAME}))?", re.I)
_TS_DROP = re.compile(rf"\bDROP\s+(PROC|PROCEDURE|FUNCTION|TRIGGER|VIEW|TABLE|INDEX|SEQUENCE|TYPE|SYNONYM|SCHEMA|"
                      rf"ROLE|USER|LOGIN|DATABASE)\b(?:\s+IF\s+EXISTS)?\s+({_QNAME})?", re.I)
_TS_SIMPLE: list[tuple[re.Pattern, set[str]]] = [
    (re.compile(r"\bTRUNCATE\s+TABLE\s+(?!#)", re.I), {"TRUNCATE", "EXECUTE IMMEDIATE", "DELETE"}),
    (re.compile(r"\bTRUNCATE\s+TABLE\s+#", re.I), {"DELETE"}),
    (re.compile(r"\bGRANT\b", re.I), {"GRANT"}),
    (re.compile(r"\b(REVOKE|DENY)\b", re.I), {"REVOKE"}),
    (re.compile(r"\bINSERT\s+(INTO\s+)?(?!AS\b|ON\b|OR\b)[\[\"#@\w]", re.I), {"INSERT"}),
    (re.compile(r"\bBULK\s+INSERT\b", re.I), {"INSERT", "EXTERNAL"}),
    (re.compile(r"\bUPDATE\s+(TOP\s*\([^)]*\)\s*)?(?!AS\b|ON\b|OR\b|STATISTICS\b)[\[\"#@\w][^;]{0,200}?\bSET\b",
                re.I), {"UPDATE", "MERGE"}),
    (re.compile(r"\bDELETE\s+(TOP\s*\([^)]*\)\s*)?(FROM\s+)?(?!AS\b|ON\b|OR\b|CASCADE\b|NO\b|SET\b)[\[\"#@\w]",
                re.I), {"DELETE"}),
    (re.compile(r"\bMERGE\b", re.I), {"MERGE", "INSERT", "UPDATE", "DELETE"}),
    (re.compile(r"\bOUTPUT\b[^;]*?\bINTO\b", re.I), {"INSERT"}),
    (re.compile(r"\bEXEC(UTE)?\s*\(|\bsp_executesql\b", re.I), {"EXECUTE IMMEDIATE"}),
    (re.compile(r"\bBEGIN\s+(DISTRIBUTED\s+)?TRAN(SACTION)?\b|\bCOMMIT\b|\bROLLBACK\b|\bSAVE\s+TRAN(SACTION)?\b",
                re.I), {"COMMIT", "ROLLBACK", "SAVEPOINT"}),
    (re.compile(r"\bSET\s+TRANSACTION\s+ISOLATION\b", re.I), {"SET TRANSACTION"}),
    (re.compile(r"\bsp_(add|update)extendedproperty\b", re.I), {"COMMENT"}),
    (re.compile(r"\bsp_rename\b", re.I), {"ALTER TABLE", "RENAME"}),
    (re.compile(r"\bSET\s+IDENTITY_INSERT\b", re.I), {"ALTER TABLE"}),
    (re.compile(r"\b(SAVE|ROLLBACK)\s+TRAN(SACTION)?\s+@", re.I), {"EXECUTE IMMEDIATE"}),
    # logging in a CATCH block survives the re-raise only in an autonomous transaction (which commits)
    (re.compile(r"\bBEGIN\s+CATCH\b(?:(?!\bEND\s+CATCH\b).)*?\b(INSERT|UPDATE)\b", re.I | re.S),
     {"AUTONOMOUS TRANSACTION", "COMMIT"}),
    (re.compile(r"\b(TABLOCKX?|HOLDLOCK|UPDLOCK|XLOCK)\b", re.I), {"LOCK TABLE"}),
    (re.compile(r"\bDECLARE\s+@\w+\s+(AS\s+)?TABLE\b|\bCREATE\s+TABLE\s+#", re.I),
     {"CREATE TABLE", "CREATE TYPE", "DELETE"}),
    (re.compile(r"\b(xp_cmdshell|sp_send_dbmail|sp_OA\w*|OPENROWSET|OPENDATASOURCE|OPENQUERY|sp_start_job|"
                r"sp_add_job\w*|xp_\w+)\b", re.I), {"EXTERNAL"}),
]
_TS_CREATE_MAP = {
    "PROC": {"CREATE PROCEDURE"}, "PROCEDURE": {"CREATE PROCEDURE"},
    "FUNCTION": {"CREATE FUNCTION", "CREATE TYPE"}, "TRIGGER": {"CREATE TRIGGER"},
    "VIEW": {"CREATE VIEW"}, "INDEX": {"CREATE INDEX"}, "SEQUENCE": {"CREATE SEQUENCE"},
    "TYPE": {"CREATE TYPE"}, "SYNONYM": {"CREATE SYNONYM"}, "SCHEMA": {"CREATE USER"}, "ROLE": {"CREATE ROLE"},
    "USER": {"CREATE USER"}, "LOGIN": {"CREATE USER"}, "DATABASE": {"CREATE DATABASE"},
}
_ROUTINE_KINDS = {"PROC": "PROCEDURE", "PROCEDURE": "PROCEDURE", "FUNCTION": "FUNCTION", "TRIGGER": "TRIGGER",
                  "VIEW": "VIEW"}


def _ts_create(m: re.Match, part: str) -> set[str]:
    verb, word = m.group(1).upper(), m.group(2).upper()
    name = (m.group(3) or "").strip()
    if word == "TABLE":
        if verb == "ALTER":
            return {"ALTER TABLE", "CREATE INDEX", "COMMENT", "EXECUTE IMMEDIATE"}
        if name.startswith("#"):
            return {"CREATE TABLE", "CREATE TYPE", "DELETE"}
        out = {"CREATE TABLE", "CREATE INDEX", "ALTER TABLE", "COMMENT", "EXECUTE IMMEDIATE"}
        if re.search(r"\bIDENTITY\b", part, re.I):
            out |= {"CREATE SEQUENCE", "CREATE TRIGGER"}
        return out
    out = set(_TS_CREATE_MAP.get(word, {f"CREATE {word}"}))
    if word not in _ROUTINE_KINDS:
        out.add("EXECUTE IMMEDIATE")  # DDL inside a routine is run dynamically in PL/SQL
    return out


def _ts_drop(m: re.Match) -> set[str]:
    word, name = m.group(1).upper(), (m.group(2) or "").strip()
    if word == "TABLE" and name.startswith("#"):
        return {"DELETE"}  # a temp table becomes a global temporary table: its rows are cleared
    word = _ROUTINE_KINDS.get(word, word)
    if word == "LOGIN":
        word = "USER"
    return {f"DROP {word}", "EXECUTE IMMEDIATE"}


_TS_INTO = re.compile(rf"\bINTO\s+({_QNAME})", re.I)


def select_into_targets(masked: str) -> list[str]:
    """Tables created by ``SELECT ... INTO t`` (temp ones keep their ``#``)."""
    out = []
    for m in _TS_INTO.finditer(masked):
        if m.group(1).startswith("@"):
            continue
        verbs = re.findall(r"\b(SELECT|FETCH|INSERT|MERGE|OUTPUT)\b", masked[:m.start()], re.I)
        if verbs and verbs[-1].upper() == "SELECT":
            out.append(_last_part(m.group(1)).strip("[]\""))
    return out


def _ts_select_into(part: str) -> set[str]:
    out: set[str] = set()
    for target in select_into_targets(part):
        out |= {"CREATE TABLE", "INSERT"} | ({"DELETE", "CREATE TYPE"} if target.startswith("#")
                                              else {"EXECUTE IMMEDIATE"})
    return out


def allowed_kinds(tsql: str) -> set[str]:
    """The Oracle statement kinds a conversion of ``tsql`` may contain."""
    allowed: set[str] = set()
    for part in _code_parts(tsql):
        for m in _TS_CREATE.finditer(part):
            allowed |= _ts_create(m, part)
        for m in _TS_DROP.finditer(part):
            allowed |= _ts_drop(m)
        for rx, kinds in _TS_SIMPLE:
            if rx.search(part):
                allowed |= kinds
        allowed |= _ts_select_into(part)
    return allowed


def _kind_allowed(kind: str, allowed: set[str]) -> bool:
    if kind.startswith("EXTERNAL "):
        return "EXTERNAL" in allowed
    return kind in allowed


# ---- definitions and names ---------------------------------------------------------------------------------

def _last_part(qname: str) -> str:
    parts = [p.strip() for p in re.split(r"\s*\.\s*(?=[\[\"#@A-Za-z_])", qname.strip()) if p.strip()]
    return parts[-1] if parts else ""


def oracle_name(tsql_name: str) -> str:
    """The default Oracle name of a (possibly qualified, bracketed) T-SQL object name."""
    return default_name(_last_part(tsql_name).strip("[]\""))


def _ora_norm(name: str) -> str:
    name = _last_part(name)
    return name[1:-1] if name.startswith('"') and name.endswith('"') else name.upper()


def source_definitions(tsql: str, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(Oracle kind, Oracle name) of the routines/views/tables the T-SQL creates or alters.

    ``names`` maps T-SQL names to Oracle names (the project's name map); others get the default.
    """
    folded = {k.strip("[]\"").casefold(): v for k, v in (names or {}).items()}
    masked, _ = mask(tsql)
    out = []
    for m in _TS_CREATE.finditer(masked):
        word, name = m.group(2).upper(), (m.group(3) or "")
        kind = _ROUTINE_KINDS.get(word) or ("TABLE" if word == "TABLE" and m.group(1).upper() == "CREATE" else "")
        if kind and name and not name.startswith(("#", "@")):
            bare = _last_part(name).strip("[]\"")
            out.append((kind, folded.get(bare.casefold()) or folded.get(name.casefold()) or oracle_name(name)))
    for target in select_into_targets(masked):
        if not target.startswith("#"):
            out.append(("TABLE", folded.get(target.casefold()) or default_name(target)))
    return out


def answer_definitions(code: str) -> list[tuple[str, str]]:
    masked, _ = mask(code)
    out = []
    for m in _ORA_CREATE.finditer(masked):
        if m.group(4):
            out.append((_create_kind(m).removeprefix("CREATE "), _ora_norm(m.group(4))))
    return out


_TS_REF = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|MERGE|INSERT|DELETE|EXEC|EXECUTE|TABLE|PROC|PROCEDURE|FUNCTION|"
                     r"VIEW|TRIGGER|REFERENCES|APPLY|ON|USING)\s*(?:TOP\s*\([^)]*\)\s*(?:PERCENT\s+)?)?(?:@\w+\s*=\s*)?"
                     rf"(?:(?:INTO|FROM)\s+)?(?:IF\s+EXISTS\s+)?\(?\s*({_QNAME})"
                     rf"((?:(?:\s+(?:AS\s+)?[A-Za-z_]\w*)?\s*,\s*{_QNAME})*)", re.I)
_TS_NOT_NAMES = frozenset("""SELECT SET WHERE AS ON INTO FROM VALUES DEFAULT OUTPUT WITH TOP EXISTS NOT NULL AND OR
BEGIN END TABLE""".split())
_TS_CALL = re.compile(rf"({_OBJ})\s*\.\s*({_OBJ})\s*\(", re.I)
_TS_TABLE_VAR = re.compile(r"\bDECLARE\s+@(\w+)\s+(?:AS\s+)?TABLE\b", re.I)
_TS_LIST_ITEM = re.compile(rf"(?:\s+(?:AS\s+)?[A-Za-z_]\w*)?\s*,\s*({_QNAME})", re.I)


def _ts_ref_names(m: re.Match) -> list[str]:
    names = [m.group(1)] + [x.group(1) for x in _TS_LIST_ITEM.finditer(m.group(2) or "")]
    return [last for last in (_last_part(n).strip("[]\"") for n in names) if last]


def source_names(tsql: str) -> tuple[set[str], set[str]]:
    """(object names, temp-table base names) the T-SQL refers to, in Oracle spelling."""
    masked, _ = mask(tsql)
    objects, temps = set(), set()
    for m in _TS_REF.finditer(masked):
        for last in _ts_ref_names(m):
            if last.startswith("#"):
                temps.add(default_name(last.lstrip("#")))
            elif not last.startswith("@") and last.upper() not in _TS_NOT_NAMES:
                objects.add(default_name(last))
    for m in _TS_CALL.finditer(masked):
        objects.add(default_name(m.group(2).strip("[]\"")))
    temps |= {default_name(v) for v in _TS_TABLE_VAR.findall(masked)}
    return objects, temps


_TEMP_PREFIXES = ("TT_", "GTT_", "TMP_", "TEMP_")


def _temp_ok(name: str, temps: set[str]) -> bool:
    """A global temporary table standing for one of the T-SQL's temp tables/table variables:
    the base name itself, or a TT_/GTT_/TMP_/TEMP_ name holding it as ``_``-separated words."""
    if name in temps:
        return True
    prefix = next((p for p in _TEMP_PREFIXES if name.startswith(p)), None)
    rest = name[len(prefix):] if prefix else ""
    return bool(rest) and any(re.search(rf"(^|_){re.escape(t)}(_|$)", rest) for t in temps)


_SYSTEM_CATALOG = re.compile(r"\bsys\s*\.|\bINFORMATION_SCHEMA\b|\bOBJECT_ID\s*\(|\bOBJECTPROPERTY|\bCOL_LENGTH\b",
                             re.I)
_DICTIONARY = re.compile(r"^(USER|ALL)_[A-Z_$#]+$")
_ORA_REF = re.compile(r"\b(INSERT\s+INTO|MERGE\s+INTO|USING|UPDATE|DELETE\s+FROM|DELETE|TRUNCATE\s+TABLE|LOCK\s+TABLE|"
                      r"ALTER\s+TABLE|DROP\s+(?:TABLE|VIEW|PROCEDURE|FUNCTION|PACKAGE|SEQUENCE|TRIGGER|TYPE|SYNONYM)|"
                      r"JOIN|FROM|REFERENCES)\s+((?:\"[^\"]+\"|[A-Za-z_][\w$#]*)(?:\s*\.\s*(?:\"[^\"]+\"|"
                      r"[A-Za-z_][\w$#]*))?)(\s*\()?", re.I)
_ORA_NOT_TABLES = frozenset("""DUAL SELECT WHERE SET OF ON OR FROM TABLE THE LATERAL ONLY WITH""".split())
_FROM_FUNCS = frozenset("EXTRACT TRIM SUBSTRING OVERLAY POSITION".split())
_CTE = re.compile(r"(?:\bWITH|,)\s+([A-Za-z_][\w$#]*)\s*(?:\([^()]*\))?\s+AS\s*\(", re.I)


def _in_from_function(masked: str, pos: int) -> bool:
    depth, k = 0, pos - 1
    while k >= 0:
        c = masked[k]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                return _prev_word(masked, k) in _FROM_FUNCS
            depth -= 1
        elif c == ";":
            return False
        k -= 1
    return False


def answer_references(code: str) -> list[str]:
    """Tables/views the answer names in table positions (CTEs and its own CREATEs excluded)."""
    masked, _ = mask(code)
    local = {_ora_norm(n) for n in _CTE.findall(masked)} | {n for _k, n in answer_definitions(code)}
    out: list[str] = []
    for m in _ORA_REF.finditer(masked):
        verb = m.group(1).split()[0].upper()
        if m.group(3) and verb in ("FROM", "JOIN", "USING"):  # a table function, checked by the validator
            continue
        if verb == "USING" and not re.search(r"\bMERGE\s+INTO\b[^;]*$", masked[:m.start()], re.I):
            continue  # EXECUTE IMMEDIATE ... USING binds
        if verb == "FROM" and _in_from_function(masked, m.start()):
            continue
        if verb == "UPDATE" and not re.match(r"\s*(\w+\s+)?SET\b", masked[m.end():], re.I):
            continue
        if verb == "DELETE" and m.group(1).upper() == "DELETE" and _prev_word(masked, m.start()) in ("THEN", "ON",
                                                                                                  "OR", "BEFORE",
                                                                                                  "AFTER"):
            continue
        name = _ora_norm(m.group(2))
        if name in _ORA_NOT_TABLES or name in local or name in out:
            continue
        out.append(name)
    return out


# ---- residue: T-SQL left in Oracle text --------------------------------------------------------------------

@lru_cache(maxsize=1)
def _tsql_calls() -> re.Pattern:
    """Calls of SQL Server built-ins that Oracle lacks (``DBMS_SQL.PARSE(`` is not ``PARSE(``)."""
    from migrator.validate import builtins as B

    words = {w for w in B.TSQL_FUNCTIONS if not w.endswith("_")} - {"IDENTITY", "CONVERT", "TRANSLATE"}
    return re.compile(r"(?<![.\w$#])(" + "|".join(sorted(words, key=len, reverse=True)) + r")\s*\(", re.I)


_TSQL_TYPE_WORDS = (r"DATETIME2?|SMALLDATETIME|DATETIMEOFFSET|TINYINT|SMALLMONEY|MONEY|UNIQUEIDENTIFIER|NTEXT|"
                    r"SQL_VARIANT|SYSNAME|VARBINARY|HIERARCHYID|NVARCHAR|BIT")
_NOT_COLUMN = r"(?:SELECT|FROM|WHERE|AND|OR|BY|SET|ON|THEN|ELSE|WHEN|RETURNING|INTO|VALUES|AS|IS|NOT|CASE)\b"
_RESIDUE: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?<![\w$#\"@])@@?[A-Za-z_][\w$#@]*"), "T-SQL variable {0}"),
    (re.compile(r"\[[^\]\n]+\]"), "bracketed identifier {0}"),
    (re.compile(r"(?<![\w$#])#{1,2}[A-Za-z_][\w$#]*"), "temp table {0}"),
    (re.compile(r"\bTOP\s*\(?\s*(\d+|@)", re.I), "TOP n ({0})"),
    (re.compile(r"\b\w*CHAR\s*\(\s*MAX\s*\)|\bVARBINARY\s*\(\s*MAX\s*\)", re.I), "{0} (T-SQL type)"),
    (re.compile(r"\bSET\s+(NOCOUNT|ANSI_\w+|QUOTED_IDENTIFIER|XACT_ABORT|ARITHABORT|CONCAT_NULL_YIELDS_NULL|"
                r"NUMERIC_ROUNDABORT|IMPLICIT_TRANSACTIONS|FMTONLY|STATISTICS\s+\w+|IDENTITY_INSERT\s+\S+)"
                r"\s+(ON|OFF)\b", re.I), "{0} (T-SQL session option)"),
    (re.compile(r"\bSET\s+(ROWCOUNT|DATEFIRST|DATEFORMAT|LANGUAGE|LOCK_TIMEOUT|DEADLOCK_PRIORITY)\s+[^=\s]", re.I),
     "{0} (T-SQL session option)"),
    (re.compile(r"\bISOLATION\s+LEVEL\s+(READ\s+UNCOMMITTED|SNAPSHOT|REPEATABLE\s+READ)\b", re.I),
     "{0} (no Oracle isolation level)"),
    (re.compile(r"(?m)^\s*GO(\s+\d+)?\s*;?\s*$", re.I), "GO batch separator"),
    (re.compile(r"(\+|-|\*|/|%|&|\|)=(?!=)"), "compound assignment {0}"),
    (re.compile(r"\bIDENTITY\s*\(\s*\d", re.I), "IDENTITY(seed, increment)"),
    (re.compile(r"\bCONVERT\s*\(\s*(N?VARCHAR|N?CHAR|INT|BIGINT|SMALLINT|TINYINT|BIT|DATE|DATETIME2?|DECIMAL|NUMERIC|"
                r"FLOAT|MONEY|UNIQUEIDENTIFIER|VARBINARY|TIME)\b", re.I), "T-SQL CONVERT(type, ...)"),
    (re.compile(rf"(?:\bAS|\bRETURN|\bIN|\bOUT|\b[vp]_[\w$#]+|^[ \t]*(?!{_NOT_COLUMN})[A-Za-z_][\w$#]*)[ \t]+"
                rf"({_TSQL_TYPE_WORDS})\b(?!\s*\.)", re.I | re.M), "T-SQL type {1}"),
    (re.compile(r"\b(BEGIN|COMMIT|ROLLBACK|SAVE)\s+TRAN(SACTION)?\b", re.I), "{0}"),
    (re.compile(r"\b(BEGIN|END)\s+(TRY|CATCH)\b", re.I), "{0}"),
    (re.compile(r"\b(RAISERROR|THROW)\b", re.I), "{0}"),
    (re.compile(r"(?m)^\s*PRINT\b", re.I), "PRINT"),
    (re.compile(r"\bEXEC\s*\(|\bEXEC(UTE)?\s+(sp_|xp_|dbo\.)|\bsp_executesql\b", re.I), "T-SQL EXEC"),
    (re.compile(r"\b(NOLOCK|READPAST|ROWLOCK|TABLOCKX?|HOLDLOCK|UPDLOCK)\b", re.I), "table hint {0}"),
    (re.compile(r"\b(INSERTED|DELETED)\s*\.", re.I), "trigger pseudo-table {0}"),
    (re.compile(r"\bOUTPUT\s+(INSERTED|DELETED)\b", re.I), "{0} clause"),
    (re.compile(r"\bIF\s+(NOT\s+)?EXISTS\s*\(", re.I), "IF EXISTS (...) (T-SQL)"),
    (re.compile(r"\b(?:SYS\s*\.\s*(?:OBJECTS|TABLES|COLUMNS|INDEXES|SCHEMAS|TYPES|PROCEDURES|PARAMETERS|"
                r"FOREIGN_KEYS|KEY_CONSTRAINTS|DATABASES|SYSOBJECTS|SYSCOLUMNS|SQL_MODULES|TRIGGERS|VIEWS|"
                r"DM_\w+)|SYS(?:OBJECTS|COLUMNS|INDEXES|USERS|COMMENTS)|INFORMATION_SCHEMA\s*\.\s*\w+)\b", re.I),
     "SQL Server system catalog {0}"),
]


def residue(text: str) -> list[str]:
    """T-SQL constructs left in an Oracle text (comments ignored; SQL in string literals checked)."""
    found: list[str] = []
    calls = _tsql_calls()
    for part in _code_parts(text):
        hits = [(m.start(), fmt.format(m.group(0).strip(), *(g or "" for g in m.groups())))
                for rx, fmt in _RESIDUE for m in rx.finditer(part)]
        hits += [(m.start(), f"T-SQL function {m.group(1).upper()}()") for m in calls.finditer(part)]
        for _pos, what in sorted(hits):
            what = re.sub(r"\s+", " ", what)
            if what not in found:
                found.append(what)
    return found


# ---- the guard ---------------------------------------------------------------------------------------------

_MARKER = re.compile(r"MIGRATION\s+TODO", re.I)


def guard(tsql: str, answer: str, *, known_names: Iterable[str] = (), max_chars: int | None = None,
          names: Iterable[tuple[str, str]] = ()) -> GuardResult:
    """Clean a model answer for ``tsql`` and decide whether it may be used (see the module doc).

    ``names``: (T-SQL name, Oracle name) pairs of the project's name map (``PromptContext.names``);
    the objects the T-SQL defines must be defined under these names (else the default policy's).
    """
    cap = max_chars if max_chars is not None else default_cap(tsql)
    raw = answer or ""
    if len(raw) > 4 * cap + 4000:
        return GuardResult(False, raw[:cap], [f"too long: the answer has {len(raw)} characters (cap {cap})"])
    code = clean(raw)
    if not code.strip() or not mask(code)[0].strip():
        return GuardResult(False, code, ["empty: the answer holds no Oracle code"])
    code = _terminate(code)
    if len(code) > cap:
        return GuardResult(False, code, [f"too long: the code has {len(code)} characters (cap {cap})"])
    kinds = sorted(oracle_kinds(code))
    reasons = _kind_reasons(tsql, kinds) + _definition_reasons(tsql, code, dict(names or ()))
    reasons += [f"T-SQL residue: {r}" for r in residue(code)]
    if _MARKER.search(code):
        reasons.append("the answer keeps a MIGRATION TODO: it is not a full conversion")
    reasons += _validator_reasons(tsql, code, known_names)
    return GuardResult(not reasons, code, reasons, kinds)


def _kind_reasons(tsql: str, kinds: list[str]) -> list[str]:
    allowed = allowed_kinds(tsql)
    return [f"adds {k}: the T-SQL has no statement that converts to it" for k in kinds
            if not _kind_allowed(k, allowed)]


def _known(known_names: Iterable[str]) -> set[str]:
    return {n.strip('"') if n.startswith('"') else n.upper() for n in known_names if n}


def _definition_reasons(tsql: str, code: str, names: dict[str, str]) -> list[str]:
    wanted = source_definitions(tsql, names)
    made = answer_definitions(code)
    reasons = []
    for kind, name in wanted:
        if (kind, name) not in made:
            reasons.append(f"missing CREATE {kind} {name}: the answer does not define what the T-SQL defines")
    _objects, temps = source_names(tsql)
    wanted_names = {n for _k, n in wanted}
    for kind, name in made:
        if kind in ("PROCEDURE", "FUNCTION", "TRIGGER", "VIEW", "PACKAGE", "MATERIALIZED VIEW") \
                and name not in wanted_names:
            reasons.append(f"defines {kind} {name}, which the T-SQL does not define")
        if kind == "TABLE" and name not in wanted_names and not _temp_ok(name, temps):
            reasons.append(f"defines TABLE {name}, which is neither a table nor a temporary table of the T-SQL")
    return reasons


def _allowed_names(tsql: str, code: str, known_names: Iterable[str]) -> tuple[set[str], set[str]]:
    objects, temps = source_names(tsql)
    allowed = _known(known_names) | objects | {n for _k, n in answer_definitions(code)}
    return allowed, temps


def _name_ok(name: str, allowed: set[str], temps: set[str], system: bool) -> bool:
    return name in allowed or _temp_ok(name, temps) or (system and bool(_DICTIONARY.match(name)))


def _validator_reasons(tsql: str, code: str, known_names: Iterable[str]) -> list[str]:
    from migrator.validate.validator import Catalog, validate_text

    allowed, temps = _allowed_names(tsql, code, known_names)
    system = bool(_SYSTEM_CATALOG.search(mask(tsql)[0]))
    catalog = Catalog()
    catalog.add_external(sorted(allowed))
    try:
        findings = validate_text(code, path="<model>", catalog=catalog)
    except Exception as e:  # noqa: BLE001 - a validator crash must not accept the answer
        return [f"validator failed on the answer: {type(e).__name__}: {e}"]
    reasons, unknown = [], []
    for f in findings:
        name = _finding_name(f)
        if f.code == "ORA-00942" or (f.code == "PLS-00201" and f.severity != "error"):
            if name and not _name_ok(name, allowed, temps, system) and name not in unknown:
                unknown.append(name)
            continue
        if f.severity == "error" and not _validator_false_positive(f):
            reasons.append(f"{f.code} line {f.line}: {f.message}")
    for name in answer_references(code):
        if not _name_ok(name, allowed, temps, system) and name not in unknown:
            unknown.append(name)
    reasons += [f"unknown object {n}: not in the project catalog, the T-SQL source or Oracle's built-ins"
                for n in unknown]
    return reasons


def _validator_false_positive(f) -> bool:
    """Findings the offline validator gives on valid Oracle 19c (reported to its owners):
    ``CROSS/OUTER APPLY (`` is read as a call of a function APPLY."""
    return f.code == "ORA-00904" and f.message.startswith("APPLY:")


def _finding_name(f) -> str:
    m = re.search(r"table or view (\S+) does not|identifier '([^']+)'", f.message)
    return (m.group(1) or m.group(2)) if m else ""
