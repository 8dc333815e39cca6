"""Exact T-SQL type text of an expression, for rules whose conversion depends on more than the
type family that ``migrator.typing.infer`` gives (``money`` vs ``decimal``, ``varchar(3)``,
``datetime`` vs ``date``, ``datetimeoffset``). Not a rule file (no ``ts`` prefix).

``type_text(node, ctx)`` answers the T-SQL type text (upper case, as the catalog stores it:
``VARCHAR(3)``, ``MONEY``, ``DATETIME2``) or None when it is not known exactly (never a
guess). Sources: CAST/CONVERT targets, variables and parameters (``ctx.variable_types``),
columns of catalog tables through the aliases of the enclosing query (derived tables and
CTEs by their select expressions), a few functions whose result type is fixed.
"""

from __future__ import annotations

import re

from sqlglot import exp

from migrator.typing import _cte, _scope_of, _sources

_FUNCTION_TYPES = {"GETDATE": "DATETIME", "CURRENT_TIMESTAMP": "DATETIME", "GETUTCDATE": "DATETIME",
                   "SYSDATETIME": "DATETIME2", "SYSUTCDATETIME": "DATETIME2",
                   "SYSDATETIMEOFFSET": "DATETIMEOFFSET", "TODATETIMEOFFSET": "DATETIMEOFFSET",
                   "SWITCHOFFSET": "DATETIMEOFFSET"}


def _norm(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.upper().replace("[", "").replace("]", "").split())


def base_type(text: str | None) -> str | None:
    """``'VARCHAR(3)'`` → ``'VARCHAR'``."""
    t = _norm(text)
    return t.split("(")[0].strip().split(".")[-1] if t else None


def type_length(text: str | None) -> int | None:
    """Declared length of a character type (``VARCHAR(3)`` → 3; ``CHAR`` → 1; MAX → None)."""
    t = _norm(text)
    if not t:
        return None
    m = re.fullmatch(r"N?(?:VAR)?CHAR(?:ACTER)?(?:\s+VARYING)?\s*(?:\(\s*(\d+|MAX)\s*\))?", t)
    if not m:
        return None
    if m.group(1) is None:
        return 1 if "VAR" not in t else None  # char = char(1); varchar without length depends on context
    return None if m.group(1) == "MAX" else int(m.group(1))


def _datatype_text(dt, ctx) -> str | None:
    if isinstance(dt, exp.DataType):
        text = _norm(dt.meta.get("tsql") or dt.sql(dialect="tsql"))
        catalog = getattr(ctx, "catalog", None)
        if catalog is not None and text:
            alias = catalog.alias_type(text)
            if alias:
                return _norm(alias.get("base"))
        return text
    return None


# the scope, source and CTE resolution of ``migrator.typing`` (one implementation for both)
_scope = _scope_of


def _query_column(query: exp.Expression, column: str, ctx, depth: int) -> str | None:
    q = query.this if isinstance(query, (exp.Subquery, exp.CTE)) else query
    if not isinstance(q, exp.Select):
        return None  # a set operation's column type is not one branch's
    for sel in q.selects:
        if sel.alias_or_name.casefold() == column.casefold():
            return type_text(sel.this if isinstance(sel, exp.Alias) else sel, ctx, depth + 1)
    return None


def _column(col: exp.Column, ctx, depth: int) -> str | None:
    catalog = getattr(ctx, "catalog", None)
    scope = _scope(col)
    while scope is not None:
        qual = col.table.casefold() if col.table else None
        sources = _sources(scope)
        cands = [s for k, s in sources if k == qual] if qual else [s for _, s in sources]
        found = []
        for src in {id(s): s for s in cands}.values():
            if isinstance(src, exp.Subquery):
                found.append(_query_column(src, col.name, ctx, depth))
                continue
            cte = _cte(scope, src.name) if not src.db else None
            if cte is not None:
                found.append(_query_column(cte, col.name, ctx, depth))
                continue
            info = catalog.column(src.name, col.name) if catalog is not None else None
            if info is not None:
                found.append(_norm(info.get("type")))
        known = [f for f in found if f]
        if len(found) == 1 and known:
            return known[0]
        if found or qual:
            return None  # ambiguous or unknown: never guess
        scope = _scope(scope)
    return None


def variable_type(node: exp.Expression, ctx) -> str | None:
    types = getattr(ctx, "variable_types", None) or {}
    if not isinstance(node, (exp.Parameter, exp.Var)) or not types:
        return None
    name = node.name.lstrip("@").casefold()
    for k, v in types.items():
        if k.lstrip("@").casefold() == name:
            return _norm(v)
    return None


def type_text(node: exp.Expression | None, ctx=None, depth: int = 0) -> str | None:
    """The T-SQL type text of ``node`` when known exactly, else None."""
    if node is None or depth > 12:
        return None
    if isinstance(node, (exp.Paren, exp.Alias)):
        return type_text(node.this, ctx, depth + 1)
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return _datatype_text(node.args.get("to"), ctx)
    if isinstance(node, exp.Convert):
        return _datatype_text(node.this, ctx)
    if isinstance(node, exp.Column):
        return _column(node, ctx, depth)
    if isinstance(node, (exp.Parameter, exp.Var)):
        return variable_type(node, ctx)
    if isinstance(node, exp.CurrentTimestamp):
        return "DATETIME"
    if isinstance(node, exp.CurrentTimestampLTZ):
        return "DATETIMEOFFSET"
    if isinstance(node, exp.AtTimeZone):
        return "DATETIMEOFFSET"
    if isinstance(node, exp.Func):
        if isinstance(node, exp.Anonymous) or type(node).__name__ == "TsqlCall":
            name = str(node.name).upper()
        else:
            name = node.sql_name().upper()
        return _FUNCTION_TYPES.get(name)
    return None
