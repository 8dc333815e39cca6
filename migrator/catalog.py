"""Whole-project catalog: tables, columns, types, views, routines.

Built in one pass over every file (and optional ``--schema`` files) before any
conversion. Plain dicts keyed by case-folded T-SQL names, so it pickles to worker
processes, hashes into the cache key and serialises into the report.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlglot import exp

STRING_TYPES = {"CHAR", "NCHAR", "VARCHAR", "NVARCHAR", "TEXT", "NTEXT", "SYSNAME", "XML"}
NUMERIC_TYPES = {"BIT", "TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "NUMERIC", "FLOAT", "REAL",
                 "MONEY", "SMALLMONEY", "DOUBLE", "UTINYINT"}
DATE_TYPES = {"DATE", "DATETIME", "DATETIME2", "SMALLDATETIME", "DATETIMEOFFSET", "TIME", "TIMESTAMP"}


def type_family(type_sql: str | None) -> str | None:
    """'string' | 'number' | 'date' | 'binary' | 'guid' | None from a T-SQL type text."""
    if not type_sql:
        return None
    base = type_sql.upper().split("(")[0].strip()
    if base in STRING_TYPES:
        return "string"
    if base in NUMERIC_TYPES or base in {"INTEGER", "DOUBLE PRECISION"}:
        return "number"
    if base in DATE_TYPES:
        return "date"
    if base in {"BINARY", "VARBINARY", "IMAGE", "ROWVERSION"}:
        return "binary"
    if base == "UNIQUEIDENTIFIER":
        return "guid"
    return None


@dataclass
class Catalog:
    tables: dict[str, dict] = field(default_factory=dict)  # name -> {"name", "columns": {col: info}}
    views: dict[str, dict] = field(default_factory=dict)
    alias_types: dict[str, dict] = field(default_factory=dict)  # name -> {"base": sql, "nullable": bool}
    table_types: dict[str, dict] = field(default_factory=dict)
    temp_tables: dict[str, dict] = field(default_factory=dict)  # "#t|routine" -> definition (plsql/temp_tables)
    routines: dict[str, dict] = field(default_factory=dict)  # name -> {"kind", "params": [...]}
    sequences: dict[str, dict] = field(default_factory=dict)
    indexes: dict[str, list] = field(default_factory=dict)  # index name -> [table name, ...] in project order
    names: set[str] = field(default_factory=set)  # every object/column name, for the name map

    # -- queries ---------------------------------------------------------------
    def table(self, name: str) -> dict | None:
        key = name.casefold()
        return self.tables.get(key) or self.views.get(key)

    def column_type(self, table: str, column: str) -> str | None:
        t = self.table(table)
        if not t:
            return None
        col = t.get("columns", {}).get(column.casefold())
        return col.get("type") if col else None

    def column(self, table: str, column: str) -> dict | None:
        t = self.table(table)
        return t.get("columns", {}).get(column.casefold()) if t else None

    def alias_type(self, name: str) -> dict | None:
        return self.alias_types.get(name.casefold())

    def index_rank(self, index: str, table: str) -> int:
        """0 for the first index of this name in the project, 1 for the next one, ..."""
        tables = [t.casefold() for t in self.indexes.get(index.casefold(), [])]
        return tables.index(table.casefold()) if table.casefold() in tables else 0

    # -- building --------------------------------------------------------------
    def merge(self, other: "Catalog") -> None:
        for attr in ("tables", "views", "alias_types", "table_types", "routines", "sequences", "temp_tables"):
            mine = getattr(self, attr)
            for k, v in getattr(other, attr).items():
                mine.setdefault(k, v)
        for k, v in other.indexes.items():
            have = self.indexes.setdefault(k, [])
            have.extend(t for t in v if t not in have)
        self.names |= other.names

    def to_dict(self) -> dict:
        return {"tables": self.tables, "views": self.views, "alias_types": self.alias_types,
                "table_types": self.table_types, "temp_tables": self.temp_tables, "routines": self.routines,
                "sequences": self.sequences,
                "indexes": self.indexes, "names": sorted(self.names)}

    @classmethod
    def from_dict(cls, d: dict) -> "Catalog":
        c = cls()
        for attr in ("tables", "views", "alias_types", "table_types", "routines", "sequences", "temp_tables"):
            setattr(c, attr, dict(d.get(attr, {})))
        c.indexes = {k: list(v) for k, v in d.get("indexes", {}).items()}
        c.names = set(d.get("names", []))
        return c

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, default=str).encode()).hexdigest()[:16]

    # -- collectors (called by the pipeline on parsed statements) ---------------
    def add_statement(self, tree: exp.Expression) -> None:
        if isinstance(tree, exp.Create):
            kind = (tree.args.get("kind") or "").upper()
            if kind == "TABLE":
                self._add_table(tree)
            elif kind == "VIEW":
                self._add_view(tree)
            elif kind.endswith("INDEX") and isinstance(tree.this, exp.Index):
                idx, table = tree.this.this, tree.this.args.get("table")
                if idx is not None and isinstance(table, exp.Table):
                    have = self.indexes.setdefault(idx.name.casefold(), [])
                    if table.name not in have:
                        have.append(table.name)
                    self.names.add(idx.name)
            elif kind == "SEQUENCE":
                name = tree.this.name if isinstance(tree.this, exp.Table) else tree.this.sql()
                self.sequences[name.casefold()] = {"name": name}
                self.names.add(name)
        if isinstance(tree, exp.Alter) and (tree.args.get("kind") or "").upper() == "TABLE":
            t = self.tables.get(tree.this.name.casefold()) if isinstance(tree.this, exp.Table) else None
            if t is not None:
                for action in tree.args.get("actions") or []:
                    if isinstance(action, exp.ColumnDef):
                        t["columns"][action.name.casefold()] = self._column_info(action)
                        self.names.add(action.name)
        hook = getattr(tree, "catalog_entry", None)
        if callable(hook):
            hook(self)

    def _add_table(self, tree: exp.Create) -> None:
        schema = tree.this
        table = schema.this if isinstance(schema, exp.Schema) else schema
        if not isinstance(table, exp.Table):
            return
        name = table.name
        cols: dict[str, dict] = {}
        if isinstance(schema, exp.Schema):
            for cdef in schema.expressions:
                if not isinstance(cdef, exp.ColumnDef):
                    if isinstance(cdef, exp.Constraint) and cdef.this is not None:
                        self.names.add(cdef.this.name)
                    continue
                cols[cdef.name.casefold()] = self._column_info(cdef)
                self.names.add(cdef.name)
                for c in cdef.constraints:
                    if c.this is not None:
                        self.names.add(c.this.name)
        self.tables[name.casefold()] = {"name": name, "schema": table.db or None, "columns": cols}
        self.names.add(name)

    def _column_info(self, cdef: exp.ColumnDef) -> dict:
        kind = cdef.args.get("kind")
        cons = [c.args.get("kind") for c in cdef.constraints]
        computed = [c for c in cons if isinstance(c, exp.ComputedColumnConstraint)]
        info = {
            "name": cdef.name,
            "type": kind.sql(dialect="tsql") if kind is not None else None,
            "nullable": not any(isinstance(c, (exp.NotNullColumnConstraint, exp.PrimaryKeyColumnConstraint))
                                and not (isinstance(c, exp.NotNullColumnConstraint) and c.args.get("allow_null"))
                                for c in cons),
            "identity": any(isinstance(c, (exp.GeneratedAsIdentityColumnConstraint, exp.AutoIncrementColumnConstraint)) for c in cons),
            "computed": bool(computed),
        }
        if computed:
            info["expression"] = computed[0].this.sql(dialect="tsql")
        if kind is not None and kind.this == exp.DataType.Type.USERDEFINED:
            alias = self.alias_type(kind.sql(dialect="tsql"))
            if alias:
                info["type"] = alias["base"]
                if alias.get("nullable") is False:
                    info["nullable"] = False
        return info

    def _add_view(self, tree: exp.Create) -> None:
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        if not isinstance(table, exp.Table):
            return
        cols = {}
        query = tree.expression
        if isinstance(target, exp.Schema):
            for c in target.expressions:
                cols[c.name.casefold()] = {"name": c.name, "type": None}
        elif isinstance(query, exp.Query):
            for sel in query.selects:
                if sel.alias_or_name:
                    cols[sel.alias_or_name.casefold()] = {"name": sel.alias_or_name, "type": None}
        for c in cols.values():
            self.names.add(c["name"])
        self.views[table.name.casefold()] = {"name": table.name, "columns": cols}
        self.names.add(table.name)
