"""Project-level driver: discover files, build the catalog, convert in parallel, cache, write.

The CLI and the language server both call into here (or into ``convert`` for one
document); neither holds conversion logic of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
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

MAX_FILE_BYTES = 64 * 1024 * 1024


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
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "_original")
        for f in sorted(files):
            if f.lower().endswith(".sql"):
                full = os.path.join(dirpath, f)
                out.append((os.path.relpath(full, root), full))
    return out


def read_source(rel: str, path: str) -> tuple[SourceFile | None, str | None, bytes]:
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return None, f"file too large ({size} bytes > {MAX_FILE_BYTES})", b""
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
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write(path, json.dumps(value))


def atomic_write(path: str, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never half-written."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- catalog pass -------------------------------------------------------------------

def catalog_of(src: SourceFile) -> Catalog:
    """Catalog facts of one file: parse only the DDL that declares things."""
    from migrator.frontend.nodes import Routine, Statement
    from migrator.frontend.segment import parse_statement, segment_batch
    from migrator.source import split_batches

    cat = Catalog()
    for batch in split_batches(src.text):
        for node in segment_batch(src, batch):
            if isinstance(node, Statement) and (node.keyword in {"CREATE", "ALTER"} or (
                    node.keyword in {"EXEC", "EXECUTE"} and "sp_addtype" in node.text.lower())):
                parse_statement(node, batch.text)
                if node.expr is not None:
                    try:
                        cat.add_statement(node.expr)
                    except Exception:  # noqa: BLE001 - a catalog gap only costs type knowledge
                        pass
                node.expr, node.error = None, None  # conversion re-parses with clean comments
            elif isinstance(node, Routine):
                name = node.name.split(".")[-1].strip("[]\"")
                if name:
                    cat.routines[name.casefold()] = {"name": name, "kind": node.kind}
                    cat.names.add(name)
    return cat


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
    src = SourceFile.from_bytes(rel, data)
    return convert_source(src, _WORKER["project"])


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
    files = discover(input_path)
    cache = Cache(cache_dir)
    sources: list[SourceFile] = []
    raw: dict[str, bytes] = {}
    failed: dict[str, FileResult] = {}
    for rel, full in files:
        src, err, data = read_source(rel, full)
        if src is None:
            failed[rel] = FileResult(path=rel, error=err)
            continue
        sources.append(src)
        raw[rel] = data
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
            results[src.path] = _result_from_dict(hit)
            run.cache_hits += 1
        else:
            todo.append((src.path, raw[src.path], key))
    done = len(results)
    total = len(files)
    if progress:
        progress(done, total)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs > 1 and len(todo) >= 8:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                 initargs=(project.catalog.to_dict(), _names_state(project.names), config)) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            for (rel, _data, key), res in zip(todo, pool.map(_convert_worker, [(r, d) for r, d, _ in todo],
                                                             chunksize=chunk)):
                results[rel] = res
                cache.put("convert", key, _result_to_dict(res))
                done += 1
                if progress:
                    progress(done, total)
    else:
        for rel, data, key in todo:
            res = convert_source(SourceFile.from_bytes(rel, data), project)
            results[rel] = res
            cache.put("convert", key, _result_to_dict(res))
            done += 1
            if progress:
                progress(done, total)
    run.files = [results[rel] for rel, _ in files]
    for res in run.files:
        dest = os.path.join(output_dir, res.path)
        if res.error or res.output is None:
            if os.path.exists(dest):
                os.unlink(dest)  # a stale output of an earlier run would not be what this run says
            continue
        _write_if_changed(dest, res.output)
    run.seconds = time.perf_counter() - t0
    return run


def _write_if_changed(dest: str, text: str) -> None:
    try:
        with open(dest, encoding="utf-8", newline="") as fh:
            if fh.read() == text:
                return
    except OSError:
        pass
    atomic_write(dest, text)


def _result_to_dict(res: FileResult) -> dict:
    return {"path": res.path, "output": res.output, "error": res.error, "encoding": res.encoding,
            "units": [{"kind": u.kind, "name": u.name, "status": u.status, "span": u.span.__dict__,
                       "events": [e.__dict__ for e in u.events], "oracle": u.oracle, "source": u.source}
                      for u in res.units]}


def _result_from_dict(d: dict) -> FileResult:
    from migrator.convert import UnitResult
    from migrator.rulebook import Event
    from migrator.source import Span

    units = [UnitResult(u["kind"], u["name"], Span(**u["span"]), u["status"], [Event(**e) for e in u["events"]],
                        u["oracle"], u["source"]) for u in d["units"]]
    return FileResult(path=d["path"], units=units, output=d["output"], error=d["error"], encoding=d["encoding"])


__all__ = ["convert_tree", "build_project", "discover", "RunResult", "FAILED", "atomic_write"]
