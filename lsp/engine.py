"""The language server's state and analysis, without any protocol: documents, the workspace
catalog (one part per file, merged), a per-unit conversion cache, and what the protocol layer
turns into diagnostics, hovers and code actions.

Everything here runs on one worker thread (``lsp.server``): no locking inside.

Positions: the core reports 1-based (line, col) with an exclusive end col, in code points of
the LF-normalised text. ``Doc.lsp_pos`` turns them into 0-based LSP positions in the
negotiated encoding (UTF-16 unless the client chose UTF-32/UTF-8).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlparse

from migrator.catalog import Catalog
from migrator.checking import ORACLE_SUFFIXES
from migrator.convert import (FAILED, MARKED, FileResult, Project, UnitResult, _gap_comments, _group_script,
                              assemble, convert_node)
from migrator.names import NameMap
from migrator.rulebook import INFO, NOTE, TODO, Event
from migrator.source import DecodeError, SourceFile, Span, split_batches

from lsp.settings import Settings

# LSP DiagnosticSeverity values
SEV_ERROR, SEV_WARNING, SEV_INFO, SEV_HINT = 1, 2, 3, 4
SEVERITY = {INFO: SEV_INFO, NOTE: SEV_WARNING, TODO: SEV_ERROR, "error": SEV_ERROR}
ORACLE_ONLY_SUFFIXES = tuple(s for s in ORACLE_SUFFIXES if s != ".sql") + (".plsql",)


def uri_to_path(uri: str) -> str:
    p = urlparse(uri)
    if p.scheme == "file":
        path = unquote(p.path)
        if os.name == "nt" and path.startswith("/") and path[2:3] == ":":
            path = path[1:]
        return path
    return unquote(p.path) or uri


def path_to_uri(path: str) -> str:
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()


# --- positions --------------------------------------------------------------------------

class Doc:
    """An analysed text: LF-normalised lines and position conversion."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = self.text.split("\n")
        self.encoding = encoding

    def _units(self, s: str) -> int:
        if s.isascii() or self.encoding == "utf-32":
            return len(s)
        if self.encoding == "utf-8":
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s.encode("utf-16-le", "surrogatepass")) // 2

    def lsp_pos(self, line: int | None, col: int | None) -> tuple[int, int]:
        """0-based LSP (line, character) of a 1-based (line, col); clamped into the text."""
        if not line or line < 1:
            return 0, 0
        if line > len(self.lines):
            return len(self.lines) - 1, self._units(self.lines[-1])
        text = self.lines[line - 1]
        c = max(0, min((col or 1) - 1, len(text)))
        return line - 1, self._units(text[:c])

    def lsp_range(self, line, col, end_line, end_col) -> tuple[tuple[int, int], tuple[int, int]]:
        start = self.lsp_pos(line, col)
        if end_line is None or end_col is None:
            end = self.lsp_pos(line, (col or 1) + 1) if line else start
        else:
            end = self.lsp_pos(end_line, end_col)
        if end < start:
            end = start
        return start, end

    def from_lsp(self, line: int, character: int) -> tuple[int, int]:
        """1-based (line, col) in code points of a 0-based LSP position."""
        if line < 0:
            return 1, 1
        if line >= len(self.lines):
            return len(self.lines), len(self.lines[-1]) + 1
        text = self.lines[line]
        if text.isascii() or self.encoding == "utf-32":
            return line + 1, min(character, len(text)) + 1
        n = 0
        for i, ch in enumerate(text):
            if n >= character:
                return line + 1, i + 1
            n += self._units(ch)
        return line + 1, len(text) + 1


def span_contains(span, line: int, col: int) -> bool:
    return (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)


# --- results ----------------------------------------------------------------------------

@dataclass
class Diag:
    """A diagnostic in LSP terms (0-based, end exclusive), independent of lsprotocol."""

    start: tuple[int, int]
    end: tuple[int, int]
    severity: int
    code: str
    message: str
    source: str
    unit: int | None = None  # index of the unit it belongs to (T-SQL documents)


@dataclass
class Fix:
    """A code action candidate. ``source``: "rules" (deterministic, preferred, safe) or "model"
    (a suggestion from the model endpoint: never preferred, always labelled, needs review)."""

    title: str
    kind: str  # LSP CodeActionKind
    edits: list[tuple[tuple[int, int], tuple[int, int], str]]  # (start, end, new text) in the document
    source: str = "rules"
    preferred: bool = False
    safe: bool = True
    units: list[int] = field(default_factory=list)
    diagnostics: list[Diag] = field(default_factory=list)

    def data(self) -> dict:
        return {"source": self.source, "safe": self.safe, "units": self.units}


@dataclass
class Analysis:
    uri: str
    version: int | None
    language: str  # "tsql" | "oracle"
    doc: Doc
    diagnostics: list[Diag]
    result: FileResult | None = None  # T-SQL documents
    src: SourceFile | None = None
    seconds: float = 0.0
    reused: int = 0  # units taken from the cache
    converted: int = 0  # units converted now

    def unit_at(self, line0: int, char0: int) -> int | None:
        """Index of the unit under an LSP position (or the nearest one on that line)."""
        if not self.result:
            return None
        line, col = self.doc.from_lsp(line0, char0)
        for i, u in enumerate(self.result.units):
            if span_contains(u.span, line, col):
                return i
        for i, u in enumerate(self.result.units):
            if u.span.line <= line <= u.span.end_line:
                return i
        return None

    def units_in(self, start0: tuple[int, int], end0: tuple[int, int]) -> list[int]:
        if not self.result:
            return []
        a, b = self.doc.from_lsp(*start0), self.doc.from_lsp(*end0)
        return [i for i, u in enumerate(self.result.units)
                if (u.span.line, u.span.col) < b and a < (u.span.end_line, u.span.end_col)
                or (a == b and span_contains(u.span, *a))]


# --- the per-unit cache -----------------------------------------------------------------

class UnitCache:
    """(node kind, exact span text, start col, GO repeat, context key) → unit, LRU-bounded.
    A unit is stored with its own span; a hit at another line is shifted (events too)."""

    def __init__(self, size: int = 20000):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key):
        hit = self.items.get(key)
        if hit is not None:
            self.items.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return hit

    def put(self, key, value) -> None:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


def _shift(unit: UnitResult, span) -> UnitResult:
    delta = span.line - unit.span.line
    if delta == 0 and span == unit.span:
        events = [replace(e) for e in unit.events]
    else:
        events = [replace(e, line=e.line + delta if e.line is not None else None,
                          end_line=e.end_line + delta if e.end_line is not None else None) for e in unit.events]
    return replace(unit, span=span, events=events, setup=dict(unit.setup), out_line=0)


# --- the workspace ----------------------------------------------------------------------

_LINE_REF = re.compile(r"\bline \d")


def _line_bound(unit: UnitResult) -> bool:
    return bool(_LINE_REF.search(unit.oracle) or any(_LINE_REF.search(e.message) for e in unit.events))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Workspace:
    def __init__(self, settings: Settings | None = None, roots: list[str] | None = None):
        self.settings = settings or Settings()
        self.roots = [os.path.abspath(r) for r in (roots or [])]
        self.parts: dict[str, tuple[str, Catalog]] = {}  # path -> (part fingerprint, catalog facts)
        self.disk: set[str] = set()  # paths whose part came from disk (not an open document)
        self.schema_part: Catalog | None = None
        self.project: Project | None = None
        self.context_key = ""
        self.cache = UnitCache()
        self.analyses: dict[str, Analysis] = {}
        self.encoding = "utf-16"
        self.last_report: dict | None = None

    # -- settings and kinds --------------------------------------------------------------
    def configure(self, settings: Settings) -> None:
        self.settings = settings
        self.schema_part = None
        self.project = None  # rebuilt on next use; the context key changes when the config does

    def is_oracle(self, uri: str) -> bool:
        path = uri_to_path(uri)
        low = path.lower()
        if low.endswith(ORACLE_ONLY_SUFFIXES):
            return True
        if not low.endswith(".sql"):
            return False
        if low.endswith(".oracle.sql"):
            return True
        absolute = os.path.abspath(path)
        for root in self.roots or [os.getcwd()]:
            for folder in self.settings.oracle_folders:
                base = os.path.join(root, folder) if not os.path.isabs(folder) else folder
                if (absolute + os.sep).startswith(os.path.abspath(base) + os.sep):
                    return True
        return False

    # -- catalog -------------------------------------------------------------------------
    def scan(self, progress=None, cancelled=None) -> int:
        """Catalog parts of every T-SQL file under the workspace roots (open documents keep
        theirs). Returns how many files were read."""
        from migrator.pipeline import catalog_of, discover, read_source

        files = []
        for root in self.roots:
            if os.path.isdir(root):
                files += [full for _rel, full in discover(root)]
        n = 0
        for i, full in enumerate(files):
            if cancelled and cancelled():
                break
            uri = path_to_uri(full)
            if self.is_oracle(uri) or (full in self.parts and full not in self.disk):
                continue
            src, _err, _data = read_source(os.path.basename(full), full)
            if src is None:
                continue
            try:
                part = catalog_of(src)
            except Exception:  # noqa: BLE001 - a file we cannot read only costs catalog facts
                continue
            self._set_part(full, part, disk=True)
            n += 1
            if progress:
                progress(i + 1, len(files))
        return n

    def file_changed_on_disk(self, path: str, deleted: bool = False) -> None:
        if path in self.parts and path not in self.disk:
            return  # an open document: its editor text wins
        if deleted:
            if self.parts.pop(path, None) is not None:
                self.project = None
            self.disk.discard(path)
            return
        from migrator.pipeline import catalog_of, read_source

        src, _err, _data = read_source(os.path.basename(path), path)
        if src is not None and not self.is_oracle(path_to_uri(path)):
            try:
                self._set_part(path, catalog_of(src), disk=True)
            except Exception:  # noqa: BLE001
                pass

    def catalog_part(self, src: SourceFile) -> tuple[str, Catalog]:
        """(fingerprint, catalog facts) of one document, batch by batch: an unchanged batch is
        not parsed again. (Facts merge first-wins across batches, as across files.)"""
        from migrator.pipeline import _DECLARES, catalog_of

        part, fps = Catalog(), []
        for batch in split_batches(src.text):
            if not _DECLARES.search(batch.text):
                continue
            key = ("catalog", src.path, _digest(batch.text))
            hit = self.cache.get(key)
            if hit is None:
                try:
                    facts = catalog_of(SourceFile(src.path, batch.text, src.encoding))
                except Exception:  # noqa: BLE001 - a catalog gap only costs type knowledge
                    facts = Catalog()
                hit = (facts.fingerprint(), facts)
                self.cache.put(key, hit)
            fps.append(hit[0])
            part.merge(hit[1])
        return _digest("|".join(fps)), part

    def _set_part(self, path: str, part: Catalog, disk: bool = False, fp: str | None = None) -> None:
        fp = fp or part.fingerprint()
        old = self.parts.get(path)
        if disk:
            self.disk.add(path)
        else:
            self.disk.discard(path)
        if old is None or old[0] != fp:
            self.parts[path] = (fp, part)
            self.project = None

    def closed(self, uri: str) -> None:
        """A closed document's catalog facts come from the disk again."""
        self.analyses.pop(uri, None)
        path = uri_to_path(uri)
        if path in self.parts and path not in self.disk:
            if os.path.isfile(path):
                self.file_changed_on_disk(path)
                self.disk.add(path)
            else:
                self.parts.pop(path, None)
                self.project = None

    def get_project(self) -> Project:
        if self.project is None:
            cfg = self.settings.config
            catalog = Catalog()
            if cfg.schema_files:
                if self.schema_part is None:
                    from migrator.pipeline import catalog_of, discover, read_source

                    self.schema_part = Catalog()
                    for path in cfg.schema_files:
                        for rel, full in discover(path):
                            src, _err, _ = read_source(rel, full)
                            if src:
                                self.schema_part.merge(catalog_of(src))
                catalog.merge(self.schema_part)
            for path in sorted(self.parts):
                catalog.merge(self.parts[path][1])
            overrides = dict(cfg.name_overrides)
            if cfg.name_map_file:
                try:
                    import json

                    with open(cfg.name_map_file, encoding="utf-8") as fh:
                        overrides = {**json.load(fh).get("identifiers", {}), **overrides}
                except (OSError, ValueError):
                    pass
            schema_map = {k: (v or None) for k, v in cfg.schema_map.items()}
            names = NameMap.build(catalog.names, overrides, schema_map)
            self.project = Project(catalog, names, cfg)
            self.context_key = "|".join([cfg.fingerprint(), catalog.fingerprint(), names.fingerprint()])
        return self.project

    # -- analysis ------------------------------------------------------------------------
    def analyze(self, uri: str, text: str, version: int | None = None) -> Analysis:
        """Diagnostics (and, for T-SQL, the conversion) of one document. Never raises."""
        t0 = time.perf_counter()
        try:
            if self.is_oracle(uri):
                a = self._analyze_oracle(uri, text, version)
            else:
                a = self._analyze_tsql(uri, text, version)
        except Exception as e:  # noqa: BLE001 - the server must answer whatever the text is
            tb = traceback.extract_tb(e.__traceback__)[-1]
            msg = f"internal error {type(e).__name__}: {str(e)[:200]} ({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})"
            a = Analysis(uri, version, "tsql", Doc(text, self.encoding),
                         [Diag((0, 0), (0, 0), SEV_ERROR, "TS0002", msg, "migrate")])
        a.seconds = time.perf_counter() - t0
        self.analyses[uri] = a
        return a

    def _analyze_tsql(self, uri: str, text: str, version: int | None) -> Analysis:
        from migrator.pipeline import catalog_of

        path = uri_to_path(uri)
        doc = Doc(text, self.encoding)
        try:
            src = SourceFile.from_text(os.path.basename(path) or "document.sql", text)
        except DecodeError as e:
            return Analysis(uri, version, "tsql", doc, [Diag((0, 0), (0, 0), SEV_ERROR, "TS0001",
                                                             f"cannot read this text: {e}", "migrate")])
        fp, part = self.catalog_part(src)
        self._set_part(path, part, fp=fp)
        project = self.get_project()
        result, reused, converted = self.convert(src, project)
        a = Analysis(uri, version, "tsql", doc, self.tsql_diagnostics(result, doc), result, src)
        a.reused, a.converted = reused, converted
        return a

    def convert(self, src: SourceFile, project: Project) -> tuple[FileResult, int, int]:
        """``convert_source`` with a per-batch and a per-unit cache (same units, same output):
        an unchanged GO batch is neither segmented nor converted again, an unchanged unit of a
        changed batch is not converted again."""
        done = []
        reused = converted = 0
        for batch in split_batches(src.text):
            bcol = src.position(batch.offset)[1]
            bkey = ("batch", _digest(batch.text), bcol, batch.repeat, self.context_key)
            hit = self.cache.get(bkey + (0,)) or self.cache.get(bkey + (batch.line,))
            if hit is not None:
                offset0, line0, stored = hit
                doff, dline = batch.offset - offset0, batch.line - line0
                for start, end, unit in stored:
                    sp = unit.span
                    span = Span(sp.start + doff, sp.end + doff, sp.line + dline, sp.col, sp.end_line + dline,
                                sp.end_col)
                    done.append((start + doff, end + doff, _shift(unit, span)))
                reused += len(stored)
                continue
            units, n_reused, n_converted = self._convert_batch(src, batch, project)
            reused += n_reused
            converted += n_converted
            where = batch.line if any(_line_bound(u) for _s, _e, u in units) else 0
            self.cache.put(bkey + (where,), (batch.offset, batch.line, [(a, b, _shift(u, u.span)) for a, b, u in units]))
            done.extend(units)
        return assemble(src, done), reused, converted

    def _convert_batch(self, src: SourceFile, batch, project: Project):
        from migrator.frontend.segment import iter_segments
        from migrator.convert import MARKED as _MARKED

        done = []
        reused = converted = 0
        nodes = iter_segments(src, batch)
        units = _group_script(nodes, project) if isinstance(nodes, list) else nodes
        for node in units:
            sp = node.span
            key = (type(node).__name__, _digest(src.text[sp.start:sp.end]), sp.col, batch.repeat,
                   self.context_key)
            hit = self.cache.get(key + (0,)) or self.cache.get(key + (sp.line,))
            if hit is not None:
                unit = _shift(hit, sp)
                reused += 1
            else:
                unit = convert_node(node, batch, src, project)
                if batch.repeat > 1:  # as convert_units does
                    unit.events.append(Event("TS0003", TODO, f"GO {batch.repeat}: the batch runs {batch.repeat} "
                                             "times in SQL Server; wrap it in a loop by hand", sp.line, sp.col))
                    unit.status = _MARKED
                    unit.oracle = f"-- MIGRATION TODO [TS0003]: this batch was followed by GO {batch.repeat} " \
                                  f"(run {batch.repeat} times)\n" + unit.oracle
                # a unit whose text names its own T-SQL line ("MIGRATION TODO [..] line 9") is
                # only reused at that line
                self.cache.put(key + (sp.line if _line_bound(unit) else 0,), _shift(unit, sp))
                converted += 1
            done.append((sp.start, sp.end, unit))
        return done, reused, converted

    def tsql_diagnostics(self, result: FileResult, doc: Doc) -> list[Diag]:
        out: list[Diag] = []
        seen = set()
        for i, u in enumerate(result.units):
            events = list(u.events)
            if u.status == FAILED and not any(e.severity == TODO for e in events):
                events.append(Event("TS0002", TODO, "internal error", u.span.line, u.span.col, u.span.end_line,
                                    u.span.end_col))
            for e in events:
                sev = SEVERITY.get(e.severity, SEV_ERROR)
                if sev == SEV_INFO and not self.settings.show_info:
                    continue
                if e.line is None:
                    start, end = doc.lsp_range(u.span.line, u.span.col, u.span.end_line, u.span.end_col)
                elif e.end_line is None:
                    start, end = doc.lsp_range(e.line, e.col, None, None)
                else:
                    start, end = doc.lsp_range(e.line, e.col, e.end_line, e.end_col)
                key = (start, end, e.rule, e.message)
                if key in seen:
                    continue
                seen.add(key)
                out.append(Diag(start, end, sev, e.rule, e.message, "migrate", i))
        return out

    def _analyze_oracle(self, uri: str, text: str, version: int | None) -> Analysis:
        doc = Doc(text, self.encoding)
        diags: list[Diag] = []
        if self.settings.validation != "none":
            from migrator.validate import validate_text

            for f in validate_text(doc.text, uri_to_path(uri)):
                start, end = doc.lsp_range(f.line, f.col, f.end_line, f.end_col)
                diags.append(Diag(start, end, SEV_ERROR if f.severity == "error" else SEV_WARNING, f.code,
                                  f.message, "migrate-validate"))
        return Analysis(uri, version, "oracle", doc, diags)

    def oracle_findings(self, uri: str, text: str) -> list[Diag]:
        """Findings from a real Oracle (validation "oracle"): slow, on open/save only. Raises
        ``OracleUnavailable`` when no database is configured or reachable."""
        import tempfile

        from migrator.checking import check_oracle

        doc = Doc(text, self.encoding)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, os.path.basename(uri_to_path(uri)) or "document.sql")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(doc.text)
            found = check_oracle([(os.path.basename(path), path)], pool_size=1)
        out = []
        for f in found:
            line, col = f.get("line") or 1, f.get("col") or 1
            end_line, end_col = f.get("end_line"), f.get("end_col")
            if end_line is None:  # to the end of the word at the position
                text_line = doc.lines[line - 1] if 0 < line <= len(doc.lines) else ""
                j = col - 1
                while j < len(text_line) and (text_line[j].isalnum() or text_line[j] in "_$#"):
                    j += 1
                end_line, end_col = line, max(j + 1, col + 1)
            start, end = doc.lsp_range(line, col, end_line, end_col)
            out.append(Diag(start, end, SEV_ERROR if f.get("severity") == "error" else SEV_WARNING,
                            f.get("code") or "ORA", f.get("message") or "", "migrate-oracle"))
        return out

    # -- fixes, hover ------------------------------------------------------------------------
    def fixes(self, a: Analysis, start0: tuple[int, int], end0: tuple[int, int],
              diags: list[Diag] | None = None) -> list[Fix]:
        """Code actions for a range: convert the statement here, the selection, the whole file
        (rule fixes), then model fixes (when a model is configured: ``model_fixes``)."""
        if a.language != "tsql" or not a.result:
            return []
        res, out = a.result, []
        idx = a.units_in(start0, end0)
        if not idx:
            here = a.unit_at(*start0)
            idx = [here] if here is not None else []
        convertible = [i for i in idx if res.units[i].status not in (MARKED, FAILED)]
        if start0 == end0 or len(idx) == 1:
            for i in convertible[:1]:
                u = res.units[i]
                s, e = a.doc.lsp_range(u.span.line, u.span.col, u.span.end_line, u.span.end_col)
                related = [d for d in (diags or []) if d.unit == i] or [d for d in a.diagnostics if d.unit == i]
                what = u.name or u.kind
                out.append(Fix(f"Convert this statement to Oracle ({what})", "quickfix", [(s, e, u.oracle)],
                               preferred=True, units=[i], diagnostics=related))
        elif len(idx) > 1:
            if convertible:
                first, last = res.units[idx[0]], res.units[idx[-1]]
                s, _ = a.doc.lsp_range(first.span.line, first.span.col, first.span.end_line, first.span.end_col)
                _, e = a.doc.lsp_range(last.span.line, last.span.col, last.span.end_line, last.span.end_col)
                text = self._joined(a, idx)
                marked = len(idx) - len(convertible)
                title = f"Convert the selection to Oracle ({len(idx)} statements" + \
                        (f", {marked} kept as MIGRATION TODO)" if marked else ")")
                out.append(Fix(title, "refactor.rewrite", [(s, e, text)], preferred=False, units=list(idx)))
        if res.units and res.output is not None:
            end = (len(a.doc.lines) - 1, a.doc._units(a.doc.lines[-1]))
            marked = sum(1 for u in res.units if u.status in (MARKED, FAILED))
            title = "Convert the whole file to Oracle" + (f" ({marked} statement(s) kept as MIGRATION TODO)"
                                                           if marked else "")
            out.append(Fix(title, "source.convertToOracle", [((0, 0), end, res.output)], preferred=False,
                           units=list(range(len(res.units)))))
        out += self.model_fixes(a, idx)
        return out

    def model_fixes(self, a: Analysis, idx: list[int]) -> list[Fix]:
        """Fixes proposed by the configured model for the marked units in ``idx``: never
        preferred, never safe, titled with the model id; only answers that passed the guardrail
        and validation (``migrator.model.infer``). Answers are cached by prompt, so asking again
        for the same unit costs nothing."""
        if not a.result or not self.settings.model.get("backend"):
            return []
        marked = [i for i in idx if a.result.units[i].status in (MARKED, FAILED) and a.result.units[i].source.strip()]
        if not marked:
            return []
        from migrator.model.context import context_for
        from migrator.model.infer import Unit, translate
        from migrator.model.route import accepted_text, known_names

        mcfg, backend = self._model()
        project = self.get_project()
        allowed = known_names(project)
        units = []
        for i in marked:
            u = a.result.units[i]
            notes = [f"{e.rule}: {e.message}" for e in u.events if e.severity in (TODO, "error")]
            units.append(Unit(key=f"{a.uri}#{i}", tsql=u.source, context=context_for(u.source, project, notes=notes),
                              known_names=allowed))
        try:
            answers = translate(backend, units, candidates=max(1, mcfg.candidates), repair=mcfg.repair,
                                cache=self._model_cache)
        except Exception:  # noqa: BLE001 - a model that fails gives no fix, never a broken server
            self.model_error = traceback.format_exc(limit=3)
            return []
        out = []
        for i, ans in zip(marked, answers):
            if not ans.text:
                continue
            u = a.result.units[i]
            s, e = a.doc.lsp_range(u.span.line, u.span.col, u.span.end_line, u.span.end_col)
            out.append(Fix(f"convert {u.name or u.kind} with {mcfg.model_id}", "quickfix",
                           [(s, e, accepted_text(ans.text, mcfg.model_id))], source="model", preferred=False,
                           safe=False, units=[i]))
        return out

    def _model(self):
        """(ModelConfig, backend) for the current settings; the backend is built once per config."""
        from migrator.model.backends import ModelConfig, make_backend

        mcfg = ModelConfig(**self.settings.model)
        key = repr(sorted(self.settings.model.items()))
        if getattr(self, "_model_key", None) != key:
            old = getattr(self, "_model_backend", None)
            if old is not None:
                old.close()
            self._model_backend = make_backend(mcfg)
            self._model_key = key
        return mcfg, self._model_backend

    @property
    def _model_cache(self):
        if getattr(self, "_mcache", None) is None:
            from migrator.model.cache import ModelCache

            base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            self._mcache = ModelCache(os.path.join(base, "migrate", "model"))
        return self._mcache

    def _joined(self, a: Analysis, idx: list[int]) -> str:
        res, src = a.result, a.src
        pieces = []
        for n, i in enumerate(idx):
            u = res.units[i]
            if n:
                prev = res.units[idx[n - 1]]
                gap = _gap_comments(src.text[_offset(src, prev.span, end=True):_offset(src, u.span)])
                if gap.strip():
                    pieces.append(gap)
            pieces.append(u.oracle.rstrip("\n"))
        return "\n".join(pieces)

    def hover(self, a: Analysis, line0: int, char0: int) -> tuple[str, tuple, tuple] | None:
        """(markdown, start, end) of the Oracle form of the unit under the cursor."""
        if a.language != "tsql" or not a.result:
            return None
        i = a.unit_at(line0, char0)
        if i is None:
            return None
        u = a.result.units[i]
        line, col = a.doc.from_lsp(line0, char0)
        if not span_contains(u.span, line, col):
            return None
        head = f"**Oracle** ({u.kind}{' ' + u.name if u.name else ''}: {u.status})"
        notes = [f"- `{e.rule}` {e.message}" for e in u.events if e.severity != INFO]
        body = f"{head}\n\n```sql\n{u.oracle.rstrip()}\n```"
        if notes:
            body += "\n\n" + "\n".join(dict.fromkeys(notes))
        s, e = a.doc.lsp_range(u.span.line, u.span.col, u.span.end_line, u.span.end_col)
        return body, s, e

    # -- commands ------------------------------------------------------------------------
    def report_of(self, a: Analysis) -> dict:
        d = a.result.to_dict() if a.result else {"path": uri_to_path(a.uri), "status": "oracle", "units": []}
        d["uri"] = a.uri
        d["diagnostics"] = len(a.diagnostics)
        return d

    def oracle_name(self, uri: str) -> str:
        path = uri_to_path(uri)
        base, _ext = os.path.splitext(path)
        return path_to_uri(base + ".oracle.sql") if urlparse(uri).scheme == "file" else uri + ".oracle.sql"


def _offset(src: SourceFile, span, end: bool = False) -> int:
    return span.end if end else span.start
