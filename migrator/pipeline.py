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
from dataclasses import dataclass, field
from typing import Callable

from migrator import __version__
from migrator.catalog import Catalog
from migrator.config import Config
from migrator.convert import FAILED, FileResult, Project, convert_source, convert_units
from migrator.names import NameMap
from migrator.source import DecodeError, SourceFile, split_batches

MAX_FILE_BYTES = 32 * 1024 * 1024  # about 5 minutes of conversion on one core; split larger scripts


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    catalog: Catalog | None = None
    names: NameMap | None = None
    seconds: float = 0.0
    cache_hits: int = 0
    lines: int = 0
    model: object | None = None  # migrator.model.route.ModelStats when a model stage ran


# --- discovery and reading ----------------------------------------------------------

def discover(root: str, suffixes: tuple[str, ...] = (".sql",)) -> list[tuple[str, str]]:
    """(relative path, absolute path) of every file with one of ``suffixes`` under root (or root itself)."""
    root = os.path.abspath(root)
    if os.path.isfile(root):
        return [(os.path.basename(root), root)]
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.lower().endswith(suffixes):
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

    def has(self, kind: str, key: str) -> bool:
        return bool(self.dir) and os.path.exists(self._path(kind, key))

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

# statements catalog_of reads: \b(?:CREATE|ALTER|sp_addtype)\b, written so the search skips ahead to
# the first letters (three times faster on a data script)
_DECLARES = re.compile(r"[cas](?<!\w[cas])(?:(?<=c)reate|(?<=a)lter|(?<=s)p_addtype)(?!\w)", re.I)


def catalog_of(src: SourceFile, keep: SegmentStore | None = None) -> Catalog:
    """Catalog facts of one file: parse only the DDL that declares things.

    ``keep`` (one run's segment store, see ``convert_tree``) receives each batch's nodes with
    the statements parsed exactly as conversion parses them, so conversion does not tokenize,
    segment and parse them a second time."""
    from migrator.convert import _strip_edge_comments
    from migrator.frontend.nodes import Routine, Statement
    from migrator.frontend.segment import iter_segments, parse_statement

    cat = Catalog()
    for batch in split_batches(src.text):
        if not _DECLARES.search(batch.text):  # nothing to learn: skip tokenizing it twice
            continue
        nodes = iter_segments(src, batch)
        kept = keep is not None and isinstance(nodes, list) and _keep_room(keep, len(batch.text))
        if kept:
            keep[(src.path, batch.offset)] = (batch.text, nodes)
        for node in nodes:
            if isinstance(node, Statement) and (node.keyword in {"CREATE", "ALTER"} or (
                    node.keyword in {"EXEC", "EXECUTE"} and "sp_addtype" in node.text.lower())):
                _strip_edge_comments(node)  # as conversion does: comments around it are gap text
                parse_statement(node, batch.text)
                if node.expr is not None:
                    try:
                        cat.add_statement(node.expr)
                    except Exception:  # noqa: BLE001 - a catalog gap only costs type knowledge
                        pass
                if kept:
                    node.parsed_for_conversion = True  # convert_statement owns node.expr: no copy
                else:
                    node.expr, node.error = None, None
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
    return {"params": [{"name": p.name, "output": p.output, "type": p.type_text, "default": p.default_text}
                       for p in h.params], "status": status, **tvf}


KEEP_CHARS = 4 * 1024 * 1024  # batch text whose nodes a run keeps from catalog to conversion (~75 bytes a char)


class SegmentStore(dict):
    """(path, batch offset) -> (batch text, nodes): one run's catalog pass hands its work to
    conversion (in this process, and in workers forked from it). Bounded by ``KEEP_CHARS``."""

    chars = 0


def _keep_room(keep: SegmentStore, size: int) -> bool:
    if keep.chars + size > KEEP_CHARS:
        return False
    keep.chars += size
    return True


def _file_key(data: bytes, *parts: str) -> str:
    h = hashlib.sha256(data)
    for p in parts:
        h.update(b"\0" + p.encode())
    return h.hexdigest()


# --- workers ------------------------------------------------------------------------
#
# A run with several jobs starts its own worker processes and uses them twice: first for
# the catalog pass (each worker keeps the nodes it segmented and parsed), then, once the
# parent has merged the catalog and built the name map, for conversion, where each file
# goes preferably to the worker that already holds its nodes (an idle worker takes work
# from another's queue rather than wait). So the catalog pass runs in parallel too, and no
# file is tokenized or its DDL parsed twice.


def _worker_main(conn, config: Config) -> None:
    """One worker: answers ("catalog", id, rel, data), ("convert", id, rel, data) and
    ("part", id, rel, data, first batch, end batch), takes ("project", catalog, names), until
    ("stop",) or the parent goes away."""
    import gc

    gc.freeze()  # what a forked worker inherited lives as long as it does: no collection walks it
    store = SegmentStore()
    project = None
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "stop":
            return
        try:
            if msg[0] == "project":
                project = Project(Catalog.from_dict(msg[1]), _names_from_state(msg[2]), config, segments=store)
            elif msg[0] == "catalog":
                conn.send(("catalog", msg[1], catalog_of(SourceFile.from_bytes(msg[2], msg[3]), store).to_dict()))
            elif msg[0] == "convert":
                conn.send(("convert", msg[1], safe_convert(msg[2], msg[3], project)))
            elif msg[0] == "part":
                conn.send(("part", msg[1], _safe_units(msg[2], msg[3], project, msg[4], msg[5])))
        except Exception:  # noqa: BLE001 - the parent does this job itself
            try:
                conn.send(("failed", msg[1] if len(msg) > 1 else None, None))
            except (OSError, ValueError):
                return


class _Pool:
    """Worker processes with one pipe each; ``run`` hands out jobs, at most ``DEPTH`` in
    flight per worker, a worker's own jobs first (largest first), then unowned ones, then
    the smallest job left in the longest other queue. Catalog jobs are shared out by size
    up front (so each worker then owns about as much to convert); a conversion job is owned
    by the worker that did its catalog pass (parts of a split file are not owned)."""

    DEPTH = 1  # a second job in flight can deadlock: both ends blocked sending a large message

    def __init__(self, n: int, config: Config):
        import multiprocessing

        from migrator.rulebook import unit_rules

        unit_rules()  # import the rule modules once here: forked workers inherit them
        mp = multiprocessing.get_context()
        self.conns, self.procs = [], []
        for _ in range(n):
            parent, child = mp.Pipe()
            proc = mp.Process(target=_worker_main, args=(child, config), daemon=True)
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)
        self.alive = [True] * n
        self.owner: dict[str, int] = {}  # rel -> worker that segmented and parsed it

    def broadcast(self, msg) -> None:
        for i, conn in enumerate(self.conns):
            if self.alive[i]:
                try:
                    conn.send(msg)
                except (OSError, ValueError):
                    self.alive[i] = False

    def run(self, jobs: list[tuple[str, str | None, int, tuple]], on_result: Callable[[str, object], None]) -> None:
        """Jobs are (id, owning file or None, size, message); ``on_result(id, value)`` for each
        answer. Jobs of a worker that fails or dies are not answered: the caller does what is
        left itself. A "catalog" message makes the worker that gets it the file's owner."""
        from collections import deque
        from multiprocessing.connection import wait

        n = len(self.conns)
        own = [deque() for _ in range(n)]
        shared = deque()
        load = [0] * n
        for job in sorted(jobs, key=lambda j: -j[2]):
            if job[3][0] == "catalog":  # balanced by size up front: conversion later follows ownership
                w = min((i for i in range(n) if self.alive[i]), key=load.__getitem__, default=None)
                if w is not None:
                    load[w] += job[2]
            else:
                w = self.owner.get(job[1]) if job[1] is not None else None
            (own[w] if w is not None and self.alive[w] else shared).append(job)
        flight: list[list[str]] = [[] for _ in range(n)]

        def next_job(w: int):
            if own[w]:
                return own[w].popleft()
            if shared:
                return shared.popleft()
            longest = max((i for i in range(n) if own[i]), key=lambda i: len(own[i]), default=None)
            return own[longest].pop() if longest is not None else None

        def feed(w: int) -> None:
            while self.alive[w] and len(flight[w]) < self.DEPTH:
                job = next_job(w)
                if job is None:
                    return
                try:
                    self.conns[w].send(job[3])
                except (OSError, ValueError):
                    self.alive[w] = False
                    return
                flight[w].append(job[0])
                if job[3][0] == "catalog":
                    self.owner[job[1]] = w

        for w in range(n):
            feed(w)
        while any(flight[w] for w in range(n) if self.alive[w]):
            ready = wait([self.conns[w] for w in range(n) if self.alive[w] and flight[w]])
            for conn in ready:
                w = self.conns.index(conn)
                try:
                    answer, job_id, value = conn.recv()
                except (EOFError, OSError):
                    self.alive[w] = False  # died (out of memory?): its jobs stay undone
                    shared.extend(own[w])
                    own[w].clear()
                    for i in range(n):
                        if self.alive[i]:
                            feed(i)
                    continue
                flight[w].remove(job_id)
                if answer != "failed":
                    on_result(job_id, value)
                feed(w)

    def close(self) -> None:
        self.broadcast(("stop",))
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
        for conn in self.conns:
            conn.close()


def _split(src: SourceFile, size: int, share: int) -> list[tuple[int, int, int]]:
    """Batch ranges [a, b) and their characters, about ``share`` each, of a file larger than
    ``share`` bytes; none for a smaller file or a single batch."""
    if size <= share:
        return []
    batches = split_batches(src.text)
    if len(batches) < 2:
        return []
    want = min(len(batches), -(-size // share))
    total = sum(len(b.text) for b in batches) or 1
    ranges, start, acc, done = [], 0, 0, 0
    for i, b in enumerate(batches):
        acc += len(b.text)
        if acc * want >= total * (len(ranges) + 1) and i + 1 < len(batches):
            ranges.append((start, i + 1, acc - done))
            start, done = i + 1, acc
    ranges.append((start, len(batches), acc - done))
    return ranges if len(ranges) > 1 else []


def _crash(e: Exception) -> str:
    if isinstance(e, RecursionError):
        return "nesting too deep to convert (Python recursion limit)"
    import traceback

    tb = traceback.extract_tb(e.__traceback__)[-1]
    return f"internal error {type(e).__name__}: {str(e)[:200]} ({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})"


def safe_convert(rel: str, data: bytes, project: Project) -> FileResult:
    """Convert one file; a crash (a bug, or input too deep for Python) fails this file only."""
    try:
        return convert_source(SourceFile.from_bytes(rel, data), project)
    except Exception as e:  # noqa: BLE001 - one file's failure must not stop the run
        return FileResult(path=rel, error=_crash(e))


def _safe_units(rel: str, data: bytes, project: Project, a: int, b: int) -> tuple[str, object]:
    """("ok", units) of batches [a, b) of one file, or ("error", message) as ``safe_convert``."""
    try:
        src = SourceFile.from_bytes(rel, data)
        return "ok", convert_units(src, project, split_batches(src.text)[a:b])
    except Exception as e:  # noqa: BLE001
        return "error", _crash(e)


def _names_state(nm: NameMap) -> dict:
    return {"overrides": nm.overrides, "schema_map": nm.schema_map, "map": nm.map, "sources": nm.sources}


def _names_from_state(state: dict) -> NameMap:
    nm = NameMap(state["overrides"], state["schema_map"])
    nm.map, nm.sources = state["map"], state["sources"]
    return nm


# --- the run ------------------------------------------------------------------------

def build_project(sources: list[SourceFile], config: Config, cache: Cache | None = None,
                  raw: dict[str, bytes] | None = None, keep: SegmentStore | None = None,
                  parts: dict[str, dict] | None = None) -> Project:
    """The project context: catalog (``parts``: file catalogs workers already computed, as
    dicts; ``keep``: where this process keeps what its catalog pass parsed) and name map."""
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
        elif parts and src.path in parts:
            part = Catalog.from_dict(parts[src.path])
            if key:
                cache.put("catalog", key, parts[src.path])
        else:
            part = catalog_of(src, keep)
            if key:
                cache.put("catalog", key, part.to_dict())
        catalog.merge(part)
    overrides = dict(config.name_overrides)
    if config.name_map_file:
        with open(config.name_map_file, encoding="utf-8") as fh:
            overrides = {**json.load(fh).get("identifiers", {}), **overrides}
    schema_map = {k: (v or None) for k, v in config.schema_map.items()}
    names = NameMap.build(catalog.names, overrides, schema_map)
    return Project(catalog, names, config, segments=keep)


def convert_tree(input_path: str, output_dir: str, config: Config, jobs: int | None = None,
                 cache_dir: str | None = None, progress: Callable[[int, int], None] | None = None,
                 model_backend=None, model_validate=None) -> RunResult:
    """Convert a tree; with a model configured (``config.model``), what the rules marked goes to
    the model stage (``migrator.model.route``) before anything is written. ``model_backend``:
    an already built backend (tests, the language server); ``model_validate``: an extra check of
    each model answer, ``code -> [error, ...]`` (compiling on Oracle: ``migrator.model.oracle_check``)."""
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
    jobs = max(1, jobs or os.cpu_count() or 1)
    pool: _Pool | None = None
    try:
        parts: dict[str, dict] = {}  # catalogs the workers computed
        uncached = [src for src in sources
                    if not cache.has("catalog", _file_key(raw[src.path], code_hash(), "catalog"))]
        if jobs > 1 and len(uncached) >= 8:
            pool = _Pool(min(jobs, len(uncached)), config)
            pool.run([(src.path, src.path, len(raw[src.path]), ("catalog", src.path, src.path, raw[src.path]))
                      for src in uncached], parts.__setitem__)
        project = build_project(sources, config, cache, raw, keep=None if pool else SegmentStore(), parts=parts)
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

        def finish(rel: str, key: str, res: FileResult) -> None:
            nonlocal done
            results[rel] = res
            if not res.error and cache.dir:  # failures are retried next run (they may be environmental)
                cache.put("convert", key, _result_to_dict(res))
            done += 1
            if progress:
                progress(done, total)

        if jobs > 1 and len(todo) >= 8:
            if pool is None:
                pool = _Pool(min(jobs, len(todo)), config)
            pool.broadcast(("project", project.catalog.to_dict(), _names_state(project.names)))
            _convert_in_pool(pool, todo, {src.path: src for src in sources}, finish)
        for rel, data, key in todo:
            if rel not in results:  # serial run, or what a failed worker left
                finish(rel, key, safe_convert(rel, data, project))
        project.segments = None  # what conversion did not take (cached files) is garbage now
    finally:
        if pool is not None:
            pool.close()
    run.files = [results[rel] for rel, _ in files]
    mcfg = config.model_config()
    if mcfg.enabled or model_backend is not None:
        from migrator.model.route import apply_model

        os.makedirs(output_dir, exist_ok=True)
        run.model = apply_model(run.files, project, mcfg, backend=model_backend, cache_dir=cache_dir,
                                log_path=os.path.join(output_dir, MODEL_LOG), validate=model_validate)
    elif os.path.lexists(os.path.join(output_dir, MODEL_LOG)):
        os.unlink(os.path.join(output_dir, MODEL_LOG))  # an earlier run's attempts are not this run's
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
MODEL_LOG = "model-attempts.jsonl"  # every model attempt of the run (prompt key, answer, verdict)


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


def _convert_in_pool(pool: _Pool, todo: list[tuple[str, bytes, str]], sources: dict[str, SourceFile],
                     finish: Callable[[str, str, FileResult], None]) -> None:
    """Whole files, and a file much larger than its share of the work in ranges of batches
    (converted in several workers, joined here as one process would have)."""
    from migrator.convert import assemble

    share = max(1, sum(len(data) for _rel, data, _key in todo) // (2 * len(pool.conns)))
    keys = {rel: key for rel, _data, key in todo}
    jobs, pieces = [], {}
    for rel, data, _key in todo:
        ranges = _split(sources[rel], len(data), share)
        if not ranges:
            jobs.append((rel, rel, len(data), ("convert", rel, rel, data)))
            continue
        pieces[rel] = [None] * len(ranges)
        for i, (a, b, size) in enumerate(ranges):
            job_id = f"{rel}\0{i}"
            jobs.append((job_id, None, size, ("part", job_id, rel, data, a, b)))

    def on_result(job_id: str, value) -> None:
        if "\0" not in job_id:
            finish(job_id, keys[job_id], value)
            return
        rel, i = job_id.rsplit("\0", 1)
        got = pieces[rel]
        got[int(i)] = value
        if all(p is not None for p in got):
            error = next((v for k, v in got if k == "error"), None)
            res = FileResult(path=rel, error=error) if error else \
                assemble(sources[rel], [u for _k, units in got for u in units])
            finish(rel, keys[rel], res)

    pool.run(jobs, on_result)


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
