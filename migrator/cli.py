"""``migrate``: the command line, a thin adapter over ``migrator.pipeline``.

Exit codes: 0 everything converted (caveats allowed), 1 anything marked or failed,
2 usage or internal error.
"""

from __future__ import annotations

import os
import sys

import click

from migrator import __version__


class _Group(click.Group):
    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", True)
        try:
            return super().main(*args, **kwargs)
        except SystemExit:
            raise
        except Exception as e:  # noqa: BLE001 - internal error: exit 2 with a message
            click.echo(f"migrate: internal error: {type(e).__name__}: {e}", err=True)
            sys.exit(2)

    # `migrate train ...` (training/) is loaded on first use: converting never imports it
    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), "train"})

    def get_command(self, ctx, name):
        if name == "train":
            return _train_group()
        return super().get_command(ctx, name)


def _train_group() -> click.Group:
    from training.cli import train
    from training.corpus.cli import corpus

    if "corpus" not in train.commands:
        train.add_command(corpus)
    return train


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="migrate")
def main() -> None:
    """Migrate SQL Server T-SQL to Oracle 19c SQL and PL/SQL."""


def _default_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "migrate")


@main.command()
@click.argument("source", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="migrate.toml (default: ./migrate.toml or [tool.migrate] in ./pyproject.toml).")
@click.option("--schema", "schema_files", multiple=True, type=click.Path(exists=True),
              help="Extra T-SQL files/folders read only for the catalog (types, tables).")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Worker processes (default: all cores).")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Cache folder.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option("--long-string", type=click.Choice(["clob", "varchar2_32767"]), default=None,
              help="Target for VARCHAR(n>4000)/NVARCHAR(n>2000).")
@click.option("--guid", type=click.Choice(["raw16", "varchar36"]), default=None, help="UNIQUEIDENTIFIER target.")
@click.option("--result-sets", type=click.Choice(["implicit", "refcursor"]), default=None,
              help="Procedure result sets: DBMS_SQL.RETURN_RESULT or OUT SYS_REFCURSOR.")
@click.option("--temp-tables", type=click.Choice(["gtt", "collection"]), default=None,
              help="Temp tables and table variables strategy.")
@click.option("--schema-map", "schema_map", multiple=True, metavar="TSQL=ORACLE",
              help="Map a T-SQL schema to an Oracle schema (empty drops the qualifier); repeatable.")
@click.option("--name-map", "name_map_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A name-map.json whose identifiers override the default name policy.")
@click.option("--validate", "validate", type=click.Choice(["none", "offline", "oracle"]), default="none",
              help="Validate the output: offline checker, or compile on Oracle 19c (MIGRATE_ORACLE_* env).")
@click.option("--model-backend", type=click.Choice(["transformers", "vllm", "openai"]), default=None,
              help="Send what the rules mark TODO to a model (default: [model] in migrate.toml; none).")
@click.option("--model", "model_name", default=None, help="Model directory (transformers/vllm) or served name (openai).")
@click.option("--adapter", default=None, help="LoRA adapter directory (transformers/vllm).")
@click.option("--endpoint", default=None, help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.")
@click.option("--candidates", type=click.IntRange(1, 16), default=None, help="Samples per unit; the first valid wins.")
@click.option("--accept-model", is_flag=True, default=None,
              help="Apply validated model conversions (default: write them as suggestions beside the marker).")
@click.option("--no-model", is_flag=True, help="Ignore a configured model.")
@click.option("-q", "--quiet", is_flag=True, help="No summary table.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def convert(source, output, config_path, schema_files, jobs, cache_dir, no_cache, long_string, guid, result_sets,
            temp_tables, schema_map, name_map_file, validate, model_backend, model_name, adapter, endpoint,
            candidates, accept_model, no_model, quiet, progress) -> None:
    """Convert a T-SQL file or tree into Oracle 19c scripts under OUTPUT (same relative paths)."""
    from rich.console import Console

    from migrator.config import Config
    from migrator.pipeline import convert_tree
    from migrator.report import print_summary, write_reports

    console = Console(stderr=True)
    try:
        cfg = Config.load(".", config_path, {"long_string": long_string, "guid": guid, "result_sets": result_sets,
                                             "temp_tables": temp_tables, "name_map_file": name_map_file})
    except (ValueError, OSError) as e:
        raise click.UsageError(str(e)) from e
    for item in schema_map:
        if "=" not in item:
            raise click.UsageError(f"--schema-map expects TSQL=ORACLE, got {item!r}")
        k, v = item.split("=", 1)
        cfg.schema_map = {**cfg.schema_map, k.strip(): v.strip()}
    if schema_files:
        cfg.schema_files = list(cfg.schema_files) + list(schema_files)
    model_flags = {"backend": model_backend, "model": model_name, "adapter": adapter, "endpoint": endpoint,
                   "candidates": candidates, "accept": accept_model}
    cfg.model = {} if no_model else {**cfg.model, **{k: v for k, v in model_flags.items() if v is not None}}
    try:
        mcfg = cfg.model_config()
        cfg.validate()
    except (ValueError, TypeError) as e:
        raise click.UsageError(str(e)) from e
    if mcfg.enabled and not mcfg.model:
        raise click.UsageError("a model backend needs --model (or model = ... in [model])")
    cache = None if no_cache else (cache_dir or _default_cache())
    from migrator.pipeline import discover

    if not discover(source):
        raise click.UsageError(f"no .sql files under {source}")
    show = console.is_terminal if progress is None else progress
    oracle_for_model = None
    if validate == "oracle" and mcfg.enabled:  # model answers are compiled on Oracle before acceptance
        from migrator.model.oracle_check import oracle_validate_fn
        from migrator.oracle_db import OracleUnavailable, OracleValidator

        try:
            oracle_for_model = OracleValidator(allow_nonempty=bool(os.environ.get("MIGRATE_ORACLE_ALLOW_NONEMPTY")))
            oracle_for_model.__enter__()
        except OracleUnavailable as e:
            raise click.UsageError(str(e)) from None
    model_validate = oracle_validate_fn(oracle_for_model) if oracle_for_model is not None else None
    try:
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=True) as bar:
                task = bar.add_task("converting", total=None)
                run = convert_tree(source, output, cfg, jobs=jobs, cache_dir=cache,
                                   progress=lambda d, t: bar.update(task, completed=d, total=t),
                                   model_validate=model_validate)
        else:
            run = convert_tree(source, output, cfg, jobs=jobs, cache_dir=cache, model_validate=model_validate)
    except ValueError as e:  # a project-level input problem (output folder = source folder, bad name map)
        raise click.UsageError(str(e)) from e
    except Exception as e:  # noqa: BLE001 - a model backend that cannot run: say so, exit 2
        from migrator.model.backends import BackendError

        if isinstance(e, BackendError):
            click.echo(f"migrate: model backend: {e}", err=True)
            sys.exit(2)
        raise
    finally:
        if oracle_for_model is not None:
            oracle_for_model.__exit__(None, None, None)
    validation = None
    if validate != "none":
        from migrator.checking import attach_to_run, check
        from migrator.oracle_db import OracleUnavailable

        try:
            findings, _files, _units = check(output, validate, jobs=jobs or 2)
        except OracleUnavailable as e:
            raise click.UsageError(str(e)) from None
        validation = attach_to_run(findings, run)
    report = write_reports(run, output, validation)
    if not quiet:
        print_summary(report, console)
    s = report["summary"]
    bad = s["units"]["marked"] or s["units"]["failed"] or s["files"]["failed"] or (validation or {}).get("errors")
    sys.exit(1 if bad else 0)


@main.command()
@click.argument("path", type=click.Path(exists=True))
@click.option("--validate", "validate", type=click.Choice(["offline", "oracle"]), default="offline",
              help="Offline checker (default) or compile on Oracle 19c (MIGRATE_ORACLE_* environment).")
@click.option("--format", "fmt", type=click.Choice(["human", "json", "sarif", "junit", "github"]), default="human")
@click.option("--output-file", type=click.Path(dir_okay=False), default=None, help="Write the report here.")
@click.option("--strict", is_flag=True, help="Unknown tables are errors (the scripts hold the whole schema).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
              help="Also write an HTML report (per unit, findings highlighted) to this file.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, help="Oracle connections (oracle mode).")
def check(path, validate, fmt, output_file, strict, html_file, jobs) -> None:
    """Check migrated Oracle scripts (a tree or files). Exit 0 clean, 1 findings, 2 error."""
    from migrator import formats
    from migrator.checking import check as run_check
    from migrator.oracle_db import OracleUnavailable

    try:
        findings, files, units = run_check(path, validate, strict=strict, jobs=jobs)
    except OracleUnavailable as e:
        click.echo(f"migrate check: {e}", err=True)
        sys.exit(2)
    if not files:
        raise click.UsageError(f"no Oracle scripts under {path}")
    text = formats.render(fmt, findings, files, units=units)
    if html_file:
        from migrator.pipeline import atomic_write
        from migrator.report_html import render_check

        atomic_write(html_file, render_check(findings, files, path, title=os.path.basename(os.path.abspath(path))))
    if output_file:
        from migrator.pipeline import atomic_write

        atomic_write(output_file, text)
    else:
        click.echo(text, nl=False)
    sys.exit(1 if any(f.get("severity") == "error" for f in findings) else 0)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def list_rules(fmt) -> None:
    """List the rule catalogue."""
    import json

    from migrator.rulebook import load_rules

    rules = load_rules()
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for _, r in sorted(rules.items())], indent=2))
        return
    for rid, r in sorted(rules.items()):
        click.echo(f"{rid}  {r.name:<32} {r.summary}")


@main.command("lsp")
@click.option("--tcp", is_flag=True, help="Listen on TCP instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=2087, show_default=True)
@click.option("--log-file", type=click.Path(dir_okay=False), default=None)
def lsp_command(tcp, host, port, log_file) -> None:
    """Run the language server (stdio by default; needs the 'editor' extra)."""
    try:
        from lsp.server import run  # lazy: the core never imports the language server
    except ImportError as e:
        raise click.UsageError(f"the language server needs pygls: pip install 'tsql2oracle-migrate[editor]' ({e})")
    run(tcp=tcp, host=host, port=port, log_file=log_file)


if __name__ == "__main__":  # pragma: no cover
    main()
