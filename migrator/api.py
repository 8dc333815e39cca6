"""Small in-process API over the pipeline, for tests, the language server and scripts."""

from __future__ import annotations

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
