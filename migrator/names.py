"""One project-wide identifier map (CONVERSION-POLICY: whole-project context).

Default policy: drop ``[`` ``]``, fold to unquoted upper case, replace spaces and
invalid characters with ``_``, rename collisions with Oracle reserved words (suffix
``_``), keep within 128 bytes, drop schema ``dbo``, map other schemas by
configuration. Variables ``@Foo`` → ``v_foo``, parameters → ``p_foo``.

The map is built once from the catalog's names, in sorted order, so it is the same
on every run and in every worker process; names first met during conversion get
the same pure default mapping.
"""

from __future__ import annotations

import re

# Oracle 19c SQL reserved words (SQL Language Reference, "Oracle SQL Reserved Words")
# plus PL/SQL reserved words that break PL/SQL code when used as names.
RESERVED = frozenset(
    """ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COLUMN_VALUE
    COMMENT COMPRESS CONNECT CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE
    EXCLUSIVE EXISTS FILE FLOAT FOR FROM GRANT GROUP HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX
    INITIAL INSERT INTEGER INTERSECT INTO IS LEVEL LIKE LOCK LONG MAXEXTENTS MINUS MLSLABEL MODE
    MODIFY NESTED_TABLE_ID NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE OPTION OR
    ORDER PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM ROWS SELECT SESSION SET
    SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO TRIGGER UID UNION UNIQUE
    UPDATE USER VALIDATE VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE WITH
    BEGIN END CASE WHEN DECLARE EXCEPTION CURSOR FETCH FUNCTION PROCEDURE GOTO SQL SUBTYPE
    OVERLAPS CRASH CLUSTERS COLAUTH COLUMNS INDEXES TABAUTH VIEWS AT""".split()
)
MAX_BYTES = 128
_SIMPLE = re.compile(r"^[A-Z][A-Z0-9_$#]*$")


def default_name(name: str) -> str:
    """The pure default mapping of one T-SQL identifier (no collision handling)."""
    s = name.strip().strip("[]\"")
    s = s.upper()
    if not _SIMPLE.match(s):
        s = re.sub(r"[^A-Z0-9_$#]+", "_", s)
        s = re.sub(r"_+", "_", s).strip("_") or "X"
        if not s[0].isalpha():
            s = "X_" + s
    if s in RESERVED:
        s += "_"
    while len(s.encode("utf-8")) > MAX_BYTES:
        s = s[:-1]
    return s


_DEFAULTS: dict[str, str] = {}


def _default_name(name: str) -> str:
    """``default_name``, remembered: names outside the map are met again and again."""
    hit = _DEFAULTS.get(name)
    if hit is None:
        if len(_DEFAULTS) > 100_000:
            _DEFAULTS.clear()
        hit = _DEFAULTS[name] = default_name(name)
    return hit


def var_name(name: str, prefix: str = "v_") -> str:
    """``@Foo`` → ``v_foo`` (lower case reads as a local in PL/SQL)."""
    base = name.lstrip("@")
    base = re.sub(r"[^A-Za-z0-9_$#]+", "_", base).strip("_").lower() or "x"
    out = prefix + base
    return out[:MAX_BYTES]


class NameMap:
    """T-SQL identifier (case-insensitive) → Oracle identifier, plus schema policy."""

    def __init__(self, overrides: dict[str, str] | None = None, schema_map: dict[str, str | None] | None = None):
        self.overrides = {k.casefold(): v for k, v in (overrides or {}).items()}
        self.schema_map = {k.casefold(): v for k, v in (schema_map or {}).items()}
        self.schema_map.setdefault("dbo", None)
        self.map: dict[str, str] = {}
        self.sources: dict[str, str] = {}  # casefold source -> original spelling

    @classmethod
    def build(cls, names, overrides=None, schema_map=None) -> "NameMap":
        nm = cls(overrides, schema_map)
        taken: dict[str, str] = {}
        for n in sorted({n for n in names if n}, key=lambda x: (x.casefold(), x)):
            key = n.casefold()
            if key in nm.map:
                continue
            target = nm.overrides.get(key) or default_name(n)
            if target in taken and taken[target] != key and key not in nm.overrides:
                i = 2
                while f"{target}_{i}" in taken:
                    i += 1
                target = f"{target}_{i}"
            taken[target] = key
            nm.map[key] = target
            nm.sources[key] = n
        return nm

    def name(self, ident: str) -> str:
        key = ident.casefold()
        hit = self.map.get(key)
        if hit is None:
            hit = self.overrides.get(key) or _default_name(ident)
        return hit

    def schema(self, schema: str) -> str | None:
        """Oracle schema for a T-SQL schema, or None to drop the qualifier."""
        key = schema.casefold()
        if key in self.schema_map:
            return self.schema_map[key]
        return default_name(schema)

    def to_json(self) -> dict:
        return {
            "identifiers": {self.sources[k]: v for k, v in sorted(self.map.items()) if self.sources[k] != v},
            "schemas": {k: v for k, v in sorted(self.schema_map.items())},
        }

    def fingerprint(self) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps([sorted(self.map.items()), sorted(self.schema_map.items(), key=str)],
                                         default=str).encode()).hexdigest()[:16]
