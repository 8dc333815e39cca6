"""Small in-process API over the pipeline, for tests, the language server and scripts."""

from __future__ import annotations

from sqlglot import exp

from migrator.config import Config
from migrator.convert import FileResult, convert_source
from migrator.pipeline import build_project
from migrator.source import SourceFile


def convert_text(tsql: str, *, path: str = "input.sql", config: Config | None = None,
                 context: list[str] | None = None) -> FileResult:
    """Convert one T-SQL text. ``context`` texts join the catalog (other project files)."""
    config = config or Config()
    src = SourceFile.from_text(path, tsql)
    others = [SourceFile.from_text(f"context{i}.sql", t) for i, t in enumerate(context or [])]
    project = build_project([src, *others], config)
    return convert_source(src, project)


def convert_fragment(tsql: str, project, ctx, binds: dict[str, str] | None = None) -> str:
    """Convert one T-SQL statement held in a string (dynamic SQL) to Oracle text, no ``;``.

    ``binds`` maps the string's declared parameters (casefold name without @) to their
    Oracle placeholders (``:name``). Events of the inner conversion are reported on ``ctx`` (the enclosing statement)."""
    from migrator.backend.oracle import generate
    from migrator.frontend.nodes import Statement
    from migrator.frontend.segment import parse_statement, segment_batch
    from migrator.rulebook import Unconvertible
    from migrator.source import split_batches

    src = SourceFile.from_text("<dynamic>", tsql)
    batches = split_batches(src.text)
    nodes = segment_batch(src, batches[0]) if len(batches) == 1 else []
    if len(nodes) != 1 or not isinstance(nodes[0], Statement):
        raise Unconvertible("TS0690", "dynamic SQL literal holding more than one statement or procedural code")
    stmt = nodes[0]
    parse_statement(stmt, batches[0].text)
    if stmt.expr is None:
        raise Unconvertible("TS0690", f"dynamic SQL literal the parser could not read: {stmt.error}")
    if isinstance(stmt.expr, exp.Command):
        raise Unconvertible("TS0690", "dynamic SQL literal holding a statement we do not convert: "
                                      f"{' '.join(tsql.split())[:60]}")
    from migrator.convert import check_root

    check_root(stmt.expr, kinds=False)
    saved = ctx.variables
    ctx.variables = binds  # binds (:name) only: the string does not see the caller's variables
    try:
        tree = project.get_engine().apply(stmt.expr.copy(), ctx)
        return generate(tree, pretty=False)
    finally:
        ctx.variables = saved
