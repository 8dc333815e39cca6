"""Validation on a real Oracle Database 19c (python-oracledb, thin mode: no Oracle client).

Connection: ``MIGRATE_ORACLE_DSN`` (e.g. ``localhost:1521/FREEPDB1``),
``MIGRATE_ORACLE_USER``, ``MIGRATE_ORACLE_PASSWORD``; or a wallet/tnsnames directory in
``MIGRATE_ORACLE_CONFIG_DIR`` (+ ``MIGRATE_ORACLE_WALLET_LOCATION``,
``MIGRATE_ORACLE_WALLET_PASSWORD``). Never a password on the command line, never in logs.

The user must own an EMPTY scratch schema: parsing DDL executes it, so every object is
really created there, in dependency order (setup script, types, tables, sequences, views,
functions, procedures, packages, triggers), and everything this run created is dropped at
the end. ``CREATE OR REPLACE`` units that "succeed with compilation errors" are read back
from ``USER_ERRORS`` (line, position, text, message number). Queries and DML are checked
with ``EXPLAIN PLAN`` (never executed); anonymous blocks are compiled as a never-called
procedure. ``DROP`` statements and other destructive statements are not run.

Every error maps to the Oracle output line (unit start + line within the unit) and, through
the unit's source span, to the T-SQL line it came from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

ORDER = ["setup", "type", "type body", "table", "alter", "index", "sequence", "synonym", "comment", "view",
         "function", "procedure", "package", "package body", "trigger", "block", "query", "dml", "other"]


class OracleUnavailable(RuntimeError):
    """No usable Oracle connection (not configured, driver missing, unreachable, refused)."""


@dataclass
class OracleUnit:
    path: str  # output file, relative
    name: str  # unit name for reports
    text: str  # Oracle text of the unit (without the trailing "/" line)
    start_line: int  # line of text[0] in the output file
    tsql_line: int | None = None  # T-SQL line the unit came from
    kind: str = field(default="")

    def __post_init__(self) -> None:
        if not self.kind:
            self.kind = classify(self.text)


_CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?(?:GLOBAL\s+TEMPORARY\s+)?"
                     r"(?:UNIQUE\s+|BITMAP\s+)?"
                     r"(PACKAGE\s+BODY|TYPE\s+BODY|PACKAGE|TYPE|TABLE|VIEW|SEQUENCE|SYNONYM|INDEX|TRIGGER|"
                     r"PROCEDURE|FUNCTION)\s+(?:\"?(\w+)\"?\.)?\"?([\w$#]+)\"?", re.I)


def _code_lead(text: str) -> tuple[str, int]:
    """(unit text without leading blank/comment lines, how many lines were removed)."""
    lines = text.split("\n")
    lead = 0
    while lead < len(lines) and (not lines[lead].strip() or lines[lead].lstrip().startswith("--")):
        lead += 1
    return "\n".join(lines[lead:]), lead


def _code(text: str) -> str:
    return _code_lead(text)[0]


def classify(text: str) -> str:
    code = _code(text)
    m = _CREATE.match(code)
    if m:
        return " ".join(m.group(1).lower().split())
    first = code.lstrip().split(None, 1)[0].upper() if code.strip() else ""
    if first in {"DECLARE", "BEGIN"}:
        return "block"
    if first in {"SELECT", "WITH"}:
        return "query"
    if first in {"INSERT", "UPDATE", "DELETE", "MERGE"}:
        return "dml"
    if first == "ALTER":
        return "alter"
    if first == "COMMENT":
        return "comment"
    return "other"


def object_of(text: str) -> tuple[str, str] | None:
    """(Oracle object type as in USER_ERRORS, NAME) of a CREATE unit."""
    m = _CREATE.match(_code(text))
    if not m:
        return None
    return " ".join(m.group(1).upper().split()), m.group(3).upper()


def wrap_block(text: str, name: str) -> str:
    """An anonymous block as a never-called procedure, so it compiles without running."""
    code = _code(text).rstrip().rstrip("/").rstrip()
    body = re.sub(r"^\s*DECLARE\b", "", code, count=1, flags=re.I)
    return f"CREATE OR REPLACE PROCEDURE {name} AS\n{body}"


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, col) of a 0-based character offset into ``text``."""
    before = text[:max(0, offset)]
    line = before.count("\n") + 1
    col = offset - (before.rfind("\n") + 1) + 1
    return line, col


def connect_params() -> dict:
    dsn = os.environ.get("MIGRATE_ORACLE_DSN")
    if not dsn:
        raise OracleUnavailable("set MIGRATE_ORACLE_DSN (and MIGRATE_ORACLE_USER / MIGRATE_ORACLE_PASSWORD, or a "
                                "wallet in MIGRATE_ORACLE_CONFIG_DIR) to validate on Oracle")
    params = {"dsn": dsn, "user": os.environ.get("MIGRATE_ORACLE_USER"),
              "password": os.environ.get("MIGRATE_ORACLE_PASSWORD")}
    for env, key in (("MIGRATE_ORACLE_CONFIG_DIR", "config_dir"), ("MIGRATE_ORACLE_WALLET_LOCATION",
                                                                   "wallet_location"),
                     ("MIGRATE_ORACLE_WALLET_PASSWORD", "wallet_password")):
        if os.environ.get(env):
            params[key] = os.environ[env]
    return {k: v for k, v in params.items() if v is not None}


class OracleValidator:
    def __init__(self, pool_size: int = 2, call_timeout_ms: int = 60_000, allow_nonempty: bool = False):
        self.pool_size, self.call_timeout_ms, self.allow_nonempty = pool_size, call_timeout_ms, allow_nonempty
        self.pool = None
        self._created: list[tuple[str, str]] = []

    def __enter__(self) -> "OracleValidator":
        try:
            import oracledb
        except ImportError as e:
            raise OracleUnavailable("python-oracledb is not installed: pip install 'tsql2oracle-migrate[oracle]'") \
                from e
        params = connect_params()
        try:
            self.pool = oracledb.create_pool(min=1, max=max(1, self.pool_size), increment=1, **params)
            with self.pool.acquire() as conn:
                conn.call_timeout = self.call_timeout_ms
                with conn.cursor() as cur:
                    cur.execute("SELECT COUNT(*) FROM USER_OBJECTS")
                    (count,) = cur.fetchone()
        except oracledb.Error as e:
            self.close()
            raise OracleUnavailable(f"cannot connect to Oracle at {params.get('dsn')}: {_first_line(e)}") from None
        if count and not self.allow_nonempty:
            self.close()
            raise OracleUnavailable(f"the schema of {params.get('user') or 'this user'} holds {count} objects: "
                                    "validation creates and drops objects, so it needs an empty scratch schema "
                                    "(or MIGRATE_ORACLE_ALLOW_NONEMPTY=1)")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.cleanup()
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            try:
                self.pool.close(force=True)
            except Exception:  # noqa: BLE001 - closing a broken pool must not mask the real error
                pass
            self.pool = None

    # -- validation -------------------------------------------------------------------
    def validate(self, units: list[OracleUnit]) -> list[dict]:
        """Compile/check every unit in dependency order; findings as dicts (see migrator.formats)."""
        findings: list[dict] = []
        ordered = sorted(enumerate(units), key=lambda iu: (ORDER.index(iu[1].kind) if iu[1].kind in ORDER
                                                           else len(ORDER), iu[0]))
        with self.pool.acquire() as conn:
            conn.call_timeout = self.call_timeout_ms
            for i, unit in ordered:
                findings += self._one(conn, unit, i)
        return findings

    def _one(self, conn, unit: OracleUnit, index: int) -> list[dict]:
        import oracledb

        code, lead = _code_lead(unit.text)
        code = code.rstrip().rstrip("/").rstrip()
        line_shift = 0
        if unit.kind in ("query", "dml"):
            sql, shift = "EXPLAIN PLAN FOR " + code.rstrip(";"), len("EXPLAIN PLAN FOR ")
        elif unit.kind == "block":
            name = f"MIGRATE$CHK_{index}"
            sql, shift, line_shift = wrap_block(code, name), None, -1
        elif unit.kind == "other" or code.upper().startswith("DROP"):
            return []
        else:
            sql, shift = code if object_of(code) and object_of(code)[0] in {"PROCEDURE", "FUNCTION", "PACKAGE",
                                                                            "PACKAGE BODY", "TYPE", "TYPE BODY",
                                                                            "TRIGGER"} else code.rstrip(";"), 0
        with conn.cursor() as cur:
            try:
                cur.execute(sql)
            except oracledb.Error as e:
                err = e.args[0]
                offset = getattr(err, "offset", 0) or 0
                if shift:
                    offset = max(0, offset - shift)
                line, col = position(code, offset)
                return [self._finding(unit, f"ORA-{err.code:05d}", _first_line(e), line + lead, col)]
            obj = object_of(sql)
            if obj:
                self._created.append(obj if unit.kind != "block" else ("PROCEDURE", obj[1]))
            if cur.warning is not None and obj:
                return self._user_errors(cur, unit, obj, lead + line_shift)
        return []

    def _user_errors(self, cur, unit: OracleUnit, obj: tuple[str, str], lead: int) -> list[dict]:
        cur.execute("SELECT LINE, POSITION, TEXT, MESSAGE_NUMBER, ATTRIBUTE FROM USER_ERRORS "
                    "WHERE TYPE = :t AND NAME = :n ORDER BY SEQUENCE", t=obj[0], n=obj[1])
        out = []
        for line, pos, text, number, attribute in cur.fetchall():
            code = text.split(":", 1)[0] if re.match(r"^[A-Z]{3}-\d{5}", text or "") else f"PLS-{number:05d}"
            msg = text.split(":", 1)[1].strip() if ":" in (text or "") else (text or "")
            out.append(self._finding(unit, code, msg, line + lead, pos,
                                     "error" if (attribute or "ERROR") == "ERROR" else "warning"))
        return out

    def _finding(self, unit: OracleUnit, code: str, message: str, line: int, col: int,
                 severity: str = "error") -> dict:
        return {"path": unit.path, "unit": unit.name, "code": code, "message": message, "severity": severity,
                "line": unit.start_line + line - 1, "col": col, "end_line": None, "end_col": None,
                "unit_line": line, "tsql_line": unit.tsql_line}

    def cleanup(self) -> None:
        """Drop everything this run created, newest first (never anything else)."""
        if self.pool is None or not self._created:
            return
        import oracledb

        drops = {"TABLE": "DROP TABLE {} CASCADE CONSTRAINTS PURGE", "TYPE": "DROP TYPE {} FORCE",
                 "PACKAGE": "DROP PACKAGE {}", "PACKAGE BODY": None, "TYPE BODY": None}
        with self.pool.acquire() as conn:
            with conn.cursor() as cur:
                for kind, name in reversed(self._created):
                    stmt = drops.get(kind, f"DROP {kind} {{}}")
                    if stmt is None or not re.fullmatch(r"[A-Z][A-Z0-9_$#]*", name):
                        continue
                    try:
                        cur.execute(stmt.format(name))
                    except oracledb.Error:
                        pass  # already gone (CASCADE, FORCE) or never created
        self._created.clear()


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
