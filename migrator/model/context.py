"""What the model is told about the project for one unit: catalog entries it refers to, in
Oracle names and types, and the name-map entries that are not the obvious upper-casing.

Used by the inference routing (``migrator.model.route``) and by the training corpus builder, so
that the context a model learnt with is the context it gets.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

from migrator.model.prompt import MAX_CONTEXT_LINES, PromptContext

_NAME_TOKENS = {TokenType.VAR, TokenType.IDENTIFIER}


def referenced_names(tsql: str) -> list[str]:
    """Identifier words of a T-SQL text in order of first use (brackets/quotes removed)."""
    from migrator.frontend.dialect import tokenize

    try:
        tokens = tokenize(tsql)
    except Exception:  # noqa: BLE001 - a unit the tokenizer rejects still gets a prompt
        import re

        return list(dict.fromkeys(re.findall(r"\[([^\]]+)\]|\b([A-Za-z_#][\w#$]*)", tsql)))
    seen: dict[str, None] = {}
    for t in tokens:
        if t.token_type in _NAME_TOKENS or (t.token_type not in (TokenType.STRING, TokenType.NATIONAL_STRING,
                                                                  TokenType.NUMBER) and t.text[:1].isalpha()):
            seen.setdefault(t.text, None)
    return list(seen)


class _Quiet:
    """A rule Context stand-in for type mapping outside a conversion (events dropped)."""

    def __init__(self, project):
        self.catalog = project.catalog
        self.names = project.names
        self.config = project.config

    def fixed(self, *a, **k):
        pass

    note = todo = info = changed = fixed


def oracle_type_text(type_sql: str | None, project) -> str:
    if not type_sql:
        return "?"
    try:
        from rules.ts0100_types import oracle_type

        return oracle_type(exp.DataType.build(type_sql, dialect="tsql"), _Quiet(project))
    except Exception:  # noqa: BLE001 - context is advisory
        return type_sql.upper()


def table_line(entry: dict, project, kind: str = "TABLE") -> str:
    cols = []
    for c in entry.get("columns", {}).values():
        text = f"{project.names.name(c['name'])} {oracle_type_text(c.get('type'), project)}" if c.get("type") \
            else project.names.name(c["name"])
        if c.get("nullable") is False:
            text += " NOT NULL"
        if c.get("identity"):
            text += " IDENTITY"
        cols.append(text)
    return f"{kind} {project.names.name(entry['name'])} ({', '.join(cols)})"


def routine_line(entry: dict, project) -> str:
    params = ", ".join(f"p_{p['name'].lstrip('@').lower()} {'IN OUT' if p.get('output') else 'IN'}"
                       for p in entry.get("params", []))
    return f"{entry.get('kind', 'procedure').upper()} {project.names.name(entry['name'])}({params})"


def _folded_names(catalog) -> dict[str, str]:
    cached = getattr(catalog, "_folded_names", None)
    if cached is None or cached[0] != len(catalog.names):
        cached = (len(catalog.names), {n.casefold(): n for n in catalog.names})
        try:
            catalog._folded_names = cached
        except AttributeError:
            pass
    return cached[1]


def context_for(tsql: str, project, *, notes: list[str] | None = None, surroundings: str = "",
                partial: str = "") -> PromptContext:
    """The prompt context of one T-SQL unit within ``project`` (catalog + name map)."""
    catalog = project.catalog
    tables: list[str] = []
    routines: list[str] = []
    names: list[tuple[str, str]] = []
    seen_names: set[str] = set()
    folded = _folded_names(catalog)
    for word in referenced_names(tsql):
        key = word.strip("[]\"").casefold()
        if not key or key in seen_names:
            continue
        seen_names.add(key)
        entry = catalog.tables.get(key)
        if entry is not None and len(tables) < MAX_CONTEXT_LINES:
            tables.append(table_line(entry, project))
        view = catalog.views.get(key)
        if view is not None and len(tables) < MAX_CONTEXT_LINES:
            tables.append(table_line(view, project, "VIEW"))
        routine = catalog.routines.get(key)
        if routine is not None and len(routines) < MAX_CONTEXT_LINES:
            routines.append(routine_line(routine, project))
        original = folded.get(key)
        if original is not None:
            mapped = project.names.name(original)
            if mapped != original.upper():
                names.append((original, mapped))
    return PromptContext(tables=tables, routines=routines, names=names[:MAX_CONTEXT_LINES],
                         surroundings=surroundings, notes=list(notes or []), partial=partial)
