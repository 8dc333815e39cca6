"""Parser extensions for T-SQL expr syntax stock sqlglot does not read (mixed into MigrateTSQL.Parser)."""

from __future__ import annotations

from sqlglot import exp  # noqa: F401

STATEMENT_PARSERS: dict = {}
FUNCTION_PARSERS: dict = {}
PROPERTY_PARSERS: dict = {}


class ParserMixin:
    pass
