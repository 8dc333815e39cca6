"""Project-level driver: discover files, build the catalog, convert in parallel, cache, write.

The CLI and the language server both call into here (or into ``convert`` for one
document); neither holds conversion logic of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from migrator import __version__
from migrator.catalog import Catalog
from migrator.config import Config
from migrator.convert import FAILED, FileResult, Project, convert_source
from migrator.names import NameMap
from migrator.source import DecodeError, SourceFile

MAX_FILE_BYTES = 32 * 1024 * 1024  # about 5 minutes of conversion on one core; split larger scripts


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    catalog: Catalog | None = None
    names: NameMap | None = None
    seconds: float = 0.0
    cache_hits: int = 0
    lines: int = 0


# --- discovery and reading ----------------------------------------------------------

def discover(root: str) -> list[tuple[str, str]]:
    """(relative path, absolute path) of every .sql file under root (or root itself)."""
    root = os.path.abspath(root)
    if os.path.isfile(root):
        return [(os.path.basename(root), root)]
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.lower().endswith(".sql"):
                full = os.path.join(dirpath, f)
                out.append((os.path.relpath(full, root), full))
    return out


def read_source(rel: str, path: str) -> tuple[SourceFile | None, str | None, bytes]:
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return None, (f"file too large: {size:,} bytes, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit "
                          "per file; split it at GO lines into several files"), b""
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}", b""
    try:
        return SourceFile.from_bytes(rel, data), None, data
    except DecodeError as e:
        return None, f"cannot decode: {e}", data


# --- code identity for the cache --------------------------------------------------

_CODE_HASH: str | None = None


def code_hash() -> str:
    """Version plus a hash of our own sources: a rule change invalidates the cache."""
    global _CODE_HASH
    if _CODE_HASH is None:
        h = hashlib.sha256(__version__.encode())
        import migrator
        import rules

        for pkg in (migrator, rules):
            base = os.path.dirname(pkg.__file__)
            for dirpath, dirs, files in os.walk(base):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith((".py", ".yaml")):
                        with open(os.path.join(dirpath, f), "rb") as fh:
                            h.update(f.encode() + fh.read())
        _CODE_HASH = h.hexdigest()[:16]
    return _CODE_HASH


class Cache:
    def __init__(self, directory: str | None):
        self.dir = directory
        if directory:
            os.makedirs(directory, exist_ok=True)

    def _path(self, kind: str, key: str) -> str:
        return os.path.join(self.dir, kind, key[:2], key + ".json")

    def get(self, kind: str, key: str):
        if not self.dir:
            return None
        try:
            with open(self._path(kind, key), encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def put(self, kind: str, key: str, value) -> None:
        if not self.dir:
            return
        path = self._path(kind, key)
        try:
            atomic_write(path, json.dumps(value))
        except OSError:  # a cache that cannot be written only costs speed
            pass


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: str, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never half-written."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- catalog pass -------------------------------------------------------------------

_DECLARES = re.compile(r"\b(?:CREATE|ALTER|sp_addtype)\b", re.I)  # statements catalog_of reads


def catalog_of(src: SourceFile) -> Catalog:
    """Catalog facts of one file: parse only the DDL that declares things."""
    from migrator.frontend.nodes import Routine, Statement
    from migrator.frontend.segment import iter_segments, parse_statement
    from migrator.source import split_batches

    cat = Catalog()
    for batch in split_batches(src.text):
        if not _DECLARES.search(batch.text):  # nothing to learn: skip tokenizing it twice
            continue
        for node in iter_segments(src, batch):
            if isinstance(node, Statement) and (node.keyword in {"CREATE", "ALTER"} or (
                    node.keyword in {"EXEC", "EXECUTE"} and "sp_addtype" in node.text.lower())):
                parse_statement(node, batch.text)
                if node.expr is not None:
                    try:
                        cat.add_statement(node.expr)
                    except Exception:  # noqa: BLE001 - a catalog gap only costs type knowledge
                        pass
                node.expr, node.error = None, None  # conversion re-parses with clean comments
                if node.keyword == "CREATE" and "#" in node.text[:200]:  # CREATE TABLE #t in a script (TS0670)
                    from migrator.plsql.temp_tables import catalog_temp_tables

                    catalog_temp_tables(src, batch, node, cat)
            elif isinstance(node, Routine):
                name = node.name.split(".")[-1].strip("[]\"")
                if name:
                    cat.routines[name.casefold()] = {"name": name, "kind": node.kind, **_routine_facts(node, batch)}
                    cat.names.add(name)
                try:  # temp tables a routine creates, for the routines it calls (TS0670)
                    from migrator.plsql.temp_tables import catalog_temp_tables

                    catalog_temp_tables(src, batch, node, cat)
                except Exception:  # noqa: BLE001 - a catalog gap only costs temp-table knowledge
                    pass
    return cat


def _routine_facts(node, batch) -> dict:
    """Parameters (name, OUTPUT) and whether a procedure returns a status code (``RETURN n``):
    callers need them (named arguments, ``EXEC @rc = proc`` → ``P_RETURN_STATUS``)."""
    from migrator.frontend.dialect import word
    from migrator.plsql.header import parse_header

    try:
        h = parse_header(node.tokens, batch.text)
    except Exception:  # noqa: BLE001 - a catalog gap only costs call-site knowledge
        return {}
    toks = node.tokens[h.body_start:]
    status = h.kind == "procedure" and any(
        word(t) == "RETURN" and i + 1 < len(toks) and toks[i + 1].line == t.line
        and (toks[i + 1].text[:1] in "@(-+" or toks[i + 1].token_type.name == "NUMBER")
        for i, t in enumerate(toks))
    tvf = {"kind": "tvf"} if h.kind == "function" and h.returns_text == "TABLE" else {}  # TS0655: TABLE(fn())
    return {"params": [{"name": p.name, "output": p.output} for p in h.params], "status": status, **tvf}


def _file_key(data: bytes, *parts: str) -> str:
    h = hashlib.sha256(data)
    for p in parts:
        h.update(b"\0" + p.encode())
    return h.hexdigest()


# --- workers ------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(catalog_dict: dict, names_state: dict, config: Config) -> None:
    cat = Catalog.from_dict(catalog_dict)
    nm = NameMap(names_state["overrides"], names_state["schema_map"])
    nm.map, nm.sources = names_state["map"], names_state["sources"]
    _WORKER["project"] = Project(cat, nm, config)


def _convert_worker(job: tuple[str, bytes]) -> FileResult:
    rel, data = job
    return safe_convert(rel, data, _WORKER["project"])


def safe_convert(rel: str, data: bytes, project: Project) -> FileResult:
    """Convert one file; a crash (a bug, or input too deep for Python) fails this file only."""
    try:
        return convert_source(SourceFile.from_bytes(rel, data), project)
    except RecursionError:
        return FileResult(path=rel, error="nesting too deep to convert (Python recursion limit)")
    except Exception as e:  # noqa: BLE001 - one file's failure must not stop the run
        import traceback

        tb = traceback.extract_tb(e.__traceback__)[-1]
        return FileResult(path=rel, error=f"internal error {type(e).__name__}: {str(e)[:200]} "
                                          f"({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})")


def _names_state(nm: NameMap) -> dict:
    return {"overrides": nm.overrides, "schema_map": nm.schema_map, "map": nm.map, "sources": nm.sources}


# --- the run ------------------------------------------------------------------------

def build_project(sources: list[SourceFile], config: Config, cache: Cache | None = None,
                  raw: dict[str, bytes] | None = None) -> Project:
    catalog = Catalog()
    for path in config.schema_files:
        for rel, full in discover(path):
            src, err, _ = read_source(rel, full)
            if src:
                catalog.merge(catalog_of(src))
    for src in sources:
        data = (raw or {}).get(src.path)
        key = _file_key(data, code_hash(), "catalog") if (cache and data is not None) else None
        hit = cache.get("catalog", key) if key else None
        if hit is not None:
            part = Catalog.from_dict(hit)
        else:
            part = catalog_of(src)
            if key:
                cache.put("catalog", key, part.to_dict())
        catalog.merge(part)
    overrides = dict(config.name_overrides)
    if config.name_map_file:
        with open(config.name_map_file, encoding="utf-8") as fh:
            overrides = {**json.load(fh).get("identifiers", {}), **overrides}
    schema_map = {k: (v or None) for k, v in config.schema_map.items()}
    names = NameMap.build(catalog.names, overrides, schema_map)
    return Project(catalog, names, config)


def convert_tree(input_path: str, output_dir: str, config: Config, jobs: int | None = None,
                 cache_dir: str | None = None, progress: Callable[[int, int], None] | None = None) -> RunResult:
    t0 = time.perf_counter()
    run = RunResult()
    files = _inputs(input_path, output_dir)
    cache = Cache(cache_dir)
    sources: list[SourceFile] = []
    raw: dict[str, bytes] = {}
    newlines: dict[str, str] = {}
    failed: dict[str, FileResult] = {}
    for rel, full in files:
        src, err, data = read_source(rel, full)
        if src is None:
            failed[rel] = FileResult(path=rel, error=err)
            continue
        sources.append(src)
        raw[rel] = data
        newlines[rel] = src.newline
        run.lines += src.text.count("\n") + 1
    project = build_project(sources, config, cache, raw)
    run.catalog, run.names = project.catalog, project.names
    context_key = "|".join([code_hash(), config.fingerprint(), project.catalog.fingerprint(),
                            project.names.fingerprint()])
    results: dict[str, FileResult] = dict(failed)
    todo: list[tuple[str, bytes, str]] = []
    for src in sources:
        key = _file_key(raw[src.path], context_key)
        hit = cache.get("convert", key)
        if hit is not None:
            results[src.path] = _result_from_dict(hit, src.path)  # same bytes may sit at several paths
            run.cache_hits += 1
        else:
            todo.append((src.path, raw[src.path], key))
    done = len(results)
    total = len(files)
    if progress:
        progress(done, total)
    jobs = max(1, jobs or os.cpu_count() or 1)

    def finish(rel: str, key: str, res: FileResult) -> None:
        nonlocal done
        results[rel] = res
        if not res.error:  # failures are retried next run (they may be environmental)
            cache.put("convert", key, _result_to_dict(res))
        done += 1
        if progress:
            progress(done, total)

    if jobs > 1 and len(todo) >= 8:
        _convert_parallel(todo, project, config, jobs, finish)
    for rel, data, key in todo:
        if rel not in results:  # serial run, or what a broken worker pool left
            finish(rel, key, safe_convert(rel, data, project))
    run.files = [results[rel] for rel, _ in files]
    for res in run.files:
        dest = os.path.join(output_dir, res.path)
        if res.error or res.output is None:
            if os.path.lexists(dest):
                os.unlink(dest)  # a stale output of an earlier run would not be what this run says
            continue
        text = res.output
        if newlines.get(res.path, "\n") != "\n":
            text = text.replace("\n", newlines[res.path])
        _write_if_changed(dest, text)
    write_setup(run.files, output_dir)
    run.seconds = time.perf_counter() - t0
    return run


SETUP_FILE = "migration-setup.sql"


def write_setup(files: list[FileResult], output_dir: str) -> None:
    """Objects the converted code needs once (global temporary tables, object and collection
    types), from every file, in key order: run this script before the converted objects."""
    merged: dict[str, str] = {}
    for res in files:
        for key, ddl in res.setup.items():
            merged.setdefault(key, ddl)
    dest = os.path.join(output_dir, SETUP_FILE)
    if not merged:
        if os.path.lexists(dest):
            os.unlink(dest)
        return
    head = ("-- Generated by migrate: objects the converted code needs, created once before it.\n"
            "-- Global temporary tables (for #temp tables and table variables) and types.\n")
    body = "\n\n".join(merged[k].rstrip() for k in sorted(merged))
    _write_if_changed(dest, head + "\n" + body + "\n")


def _convert_parallel(todo: list[tuple[str, bytes, str]], project: Project, config: Config, jobs: int,
                      finish: Callable[[str, str, FileResult], None]) -> None:
    """Largest files first, so one big file does not finish alone at the end."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    order = sorted(todo, key=lambda job: -len(job[1]))
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_init_worker,
                                 initargs=(project.catalog.to_dict(), _names_state(project.names), config)) as pool:
            futures = {pool.submit(_convert_worker, (rel, data)): (rel, key) for rel, data, key in order}
            for fut in as_completed(futures):
                rel, key = futures[fut]
                finish(rel, key, fut.result())
    except BrokenProcessPool:
        pass  # a worker died (out of memory?): the caller converts the rest in this process


def _inputs(input_path: str, output_dir: str) -> list[tuple[str, str]]:
    """The .sql files to convert; never the output folder's own files, never onto the sources."""
    src_root, out_root = os.path.realpath(input_path), os.path.realpath(output_dir)
    if src_root == out_root:
        raise ValueError("the output folder is the source folder: outputs would overwrite the T-SQL sources")
    files = discover(input_path)
    if os.path.isdir(src_root) and (out_root + os.sep).startswith(src_root + os.sep):
        files = [(rel, full) for rel, full in files
                 if not (os.path.realpath(full) + os.sep).startswith(out_root + os.sep)]
    return files


def _write_if_changed(dest: str, text: str) -> None:
    """Leave an identical output untouched (its mtime too): re-runs do not churn build tools."""
    try:
        with open(dest, encoding="utf-8", newline="") as fh:
            if fh.read() == text:
                return
    except (OSError, ValueError):
        pass
    atomic_write(dest, text)


def _result_to_dict(res: FileResult) -> dict:
    return {"path": res.path, "output": res.output, "error": res.error, "encoding": res.encoding,
            "units": [{"kind": u.kind, "name": u.name, "status": u.status, "span": u.span.__dict__,
                       "events": [e.__dict__ for e in u.events], "oracle": u.oracle, "source": u.source,
                       "setup": u.setup, "out_line": u.out_line}
                      for u in res.units]}


def _result_from_dict(d: dict, path: str | None = None) -> FileResult:
    from migrator.convert import UnitResult
    from migrator.rulebook import Event
    from migrator.source import Span

    units = [UnitResult(u["kind"], u["name"], Span(**u["span"]), u["status"], [Event(**e) for e in u["events"]],
                        u["oracle"], u["source"], u.get("setup") or {}, u.get("out_line", 0)) for u in d["units"]]
    return FileResult(path=path or d["path"], units=units, output=d["output"], error=d["error"], encoding=d["encoding"])


__all__ = ["convert_tree", "build_project", "discover", "RunResult", "FAILED", "atomic_write"]
