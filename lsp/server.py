"""The pygls (2.x) language server: a thin protocol adapter over ``lsp.engine``.

T-SQL documents get diagnostics for what the migration changes (info: converted by a rule,
warning: converted with a caveat, error: kept as MIGRATION TODO), quick fixes that replace
T-SQL with its Oracle form, and hovers showing the Oracle form of the statement under the
cursor. Oracle documents (``.pls``/``.pks``/``.pkb``/..., ``*.oracle.sql``, or ``.sql`` under a
configured folder) get the offline validator's findings, and a real Oracle's when configured.

Heavy work runs on one worker thread (``Workspace`` is single-threaded); edits coalesce: a
document queued for analysis is analysed once, at its newest text.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from migrator import __version__
from lsp.engine import Analysis, Diag, Workspace, path_to_uri, uri_to_path
from lsp import settings as settings_mod

log = logging.getLogger("migrate.lsp")

CMD_CONVERT_FILE = "migrate.convertFile"
CMD_CONVERT_WORKSPACE = "migrate.convertWorkspace"
CMD_SHOW_REPORT = "migrate.showReport"


class Cancelled(Exception):
    pass


class MigrateServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("migrate-lsp", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.ws = Workspace()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="migrate-analysis")
        self.bulk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="migrate-bulk")
        self.latest: dict[str, tuple[str, int | None]] = {}  # uri -> (text, version) as the client has it
        self.queued: dict[str, asyncio.Future] = {}  # uri -> scheduled analysis not yet started
        self.running: dict[str, asyncio.Future] = {}
        self.oracle_diags: dict[str, list[Diag]] = {}
        self.init_options = None
        self.ready: asyncio.Event | None = None
        self.oracle_warned = False

    # -- scheduling ----------------------------------------------------------------------
    def _ready(self) -> asyncio.Event:
        if self.ready is None:
            self.ready = asyncio.Event()
        return self.ready

    def schedule(self, uri: str) -> asyncio.Future:
        fut = self.queued.get(uri)
        if fut is not None:
            return fut  # will read the newest text when it starts
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self.queued[uri] = fut
        loop.create_task(self._run(uri, fut))
        return fut

    async def _run(self, uri: str, fut: asyncio.Future) -> None:
        try:
            try:
                await asyncio.wait_for(self._ready().wait(), 10)
            except asyncio.TimeoutError:
                pass
            loop = asyncio.get_running_loop()
            prev = self.running.get(uri)
            if prev is not None and not prev.done():
                await asyncio.wait([prev])
            if self.queued.get(uri) is fut:
                del self.queued[uri]
            self.running[uri] = fut
            latest = self.latest.get(uri)
            if latest is None:  # closed meanwhile
                fut.set_result(None)
                return
            text, version = latest
            a = await loop.run_in_executor(self.worker, self.ws.analyze, uri, text, version)
            if not fut.done():
                fut.set_result(a)
            if self.latest.get(uri, (None, None))[1] == version and uri not in self.queued:
                self.publish(a)
        except Exception as e:  # noqa: BLE001 - never let one document stop the server
            log.exception("analysis failed")
            if not fut.done():
                fut.set_exception(e)

    def publish(self, a: Analysis) -> None:
        diags = [to_lsp_diag(d) for d in a.diagnostics + self.oracle_diags.get(a.uri, [])]
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=a.uri, diagnostics=diags,
                                                                          version=a.version))

    async def current(self, uri: str) -> Analysis | None:
        """The analysis of the document's newest text (waits for it)."""
        for _ in range(5):
            latest = self.latest.get(uri)
            a = self.ws.analyses.get(uri)
            if latest is None:
                return a
            if a is not None and a.version == latest[1] and uri not in self.queued:
                return a
            fut = self.queued.get(uri) or self.schedule(uri)
            try:
                a = await fut
            except Exception:  # noqa: BLE001
                return self.ws.analyses.get(uri)
            if a is not None and a.version == self.latest.get(uri, (None, None))[1]:
                return a
        return self.ws.analyses.get(uri)

    def reanalyze_all(self) -> None:
        for uri in list(self.latest):
            self.schedule(uri)

    # -- settings ------------------------------------------------------------------------
    def base_config(self):
        from migrator.config import Config

        for root in self.ws.roots:
            try:
                return Config.load(root)
            except (ValueError, OSError) as e:
                self.show(t.MessageType.Warning, f"migrate: {root}: {e}")
        return Config()

    def apply_settings(self, raw) -> None:
        if isinstance(raw, dict) and isinstance(raw.get(settings_mod.SECTION), dict):
            raw = raw[settings_mod.SECTION]
        s = settings_mod.parse(raw, self.base_config())
        for p in s.problems:
            self.show(t.MessageType.Warning, f"migrate settings: {p}")
        self.ws.configure(s)

    async def pull_configuration(self) -> None:
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        scope = path_to_uri(self.ws.roots[0]) if self.ws.roots else None
        try:
            got = await asyncio.wait_for(self.workspace_configuration_async(t.ConfigurationParams(
                items=[t.ConfigurationItem(section=settings_mod.SECTION, scope_uri=scope)])), 5)
        except Exception:  # noqa: BLE001 - a client that cannot answer keeps the defaults
            log.warning("workspace/configuration failed", exc_info=True)
            return
        raw = got[0] if got else None
        if raw is not None:
            self.apply_settings(raw)

    def show(self, kind, message: str) -> None:
        try:
            self.window_show_message(t.ShowMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001
            log.warning(message)


def to_lsp_range(start, end) -> t.Range:
    return t.Range(start=t.Position(line=start[0], character=start[1]), end=t.Position(line=end[0], character=end[1]))


def to_lsp_diag(d: Diag) -> t.Diagnostic:
    return t.Diagnostic(range=to_lsp_range(d.start, d.end), severity=t.DiagnosticSeverity(d.severity), code=d.code,
                        source=d.source, message=d.message, data={"unit": d.unit} if d.unit is not None else None)


def from_lsp_diag(d: t.Diagnostic) -> Diag:
    data = d.data if isinstance(d.data, dict) else {}
    return Diag((d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character),
                int(d.severity or 1), str(d.code or ""), d.message, d.source or "", data.get("unit"))


server = MigrateServer()


# --- lifecycle ------------------------------------------------------------------------------

@server.feature(t.INITIALIZE)
def initialize(ls: MigrateServer, params: t.InitializeParams) -> None:
    roots = [uri_to_path(f.uri) for f in (params.workspace_folders or [])]
    if not roots and params.root_uri:
        roots = [uri_to_path(params.root_uri)]
    elif not roots and params.root_path:
        roots = [params.root_path]
    ls.ws.roots = [os.path.abspath(r) for r in roots]
    ls.init_options = params.initialization_options
    ls.apply_settings(params.initialization_options)


@server.feature(t.INITIALIZED)
async def initialized(ls: MigrateServer, params: t.InitializedParams) -> None:
    enc = str(ls.workspace.position_encoding or "utf-16").lower()
    ls.ws.encoding = enc if enc in ("utf-8", "utf-16", "utf-32") else "utf-16"
    try:
        await ls.pull_configuration()
        loop = asyncio.get_running_loop()
        scan = loop.run_in_executor(ls.worker, ls.ws.scan)  # queued before any analysis
    finally:
        ls._ready().set()
    try:
        await scan
    except Exception:  # noqa: BLE001
        log.exception("workspace scan failed")
    caps = ls.client_capabilities.workspace
    if caps and caps.did_change_configuration and caps.did_change_configuration.dynamic_registration:
        try:
            await ls.client_register_capability_async(t.RegistrationParams(registrations=[t.Registration(
                id=str(uuid.uuid4()), method=t.WORKSPACE_DID_CHANGE_CONFIGURATION)]))
        except Exception:  # noqa: BLE001
            pass


@server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: MigrateServer, params: t.DidChangeConfigurationParams) -> None:
    settings = params.settings
    caps = ls.client_capabilities.workspace
    if caps and caps.configuration:
        await ls.pull_configuration()
    elif settings is not None:
        ls.apply_settings(settings)
    ls.reanalyze_all()


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(ls: MigrateServer, params: t.DidChangeWatchedFilesParams) -> None:
    loop = asyncio.get_running_loop()
    for ch in params.changes:
        path = uri_to_path(ch.uri)
        if path.lower().endswith(".sql"):
            await loop.run_in_executor(ls.worker, ls.ws.file_changed_on_disk, path,
                                       ch.type == t.FileChangeType.Deleted)
    ls.reanalyze_all()


# --- documents ------------------------------------------------------------------------------

@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: MigrateServer, params: t.DidOpenTextDocumentParams) -> None:
    doc = params.text_document
    ls.latest[doc.uri] = (doc.text, doc.version)
    ls.schedule(doc.uri)
    _oracle_check(ls, doc.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: MigrateServer, params: t.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)  # pygls has applied the changes
    ls.latest[uri] = (doc.source, params.text_document.version)
    ls.schedule(uri)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: MigrateServer, params: t.DidSaveTextDocumentParams) -> None:
    _oracle_check(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: MigrateServer, params: t.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.latest.pop(uri, None)
    ls.oracle_diags.pop(uri, None)
    ls.worker.submit(ls.ws.closed, uri)
    ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _oracle_check(ls: MigrateServer, uri: str) -> None:
    """Validation on a real Oracle (setting validation = "oracle"), on open and save."""
    if ls.ws.settings.validation != "oracle" or not ls.ws.is_oracle(uri) or uri not in ls.latest:
        return

    async def run() -> None:
        from migrator.oracle_db import OracleUnavailable

        text = ls.latest[uri][0]
        try:
            diags = await asyncio.get_running_loop().run_in_executor(ls.bulk, ls.ws.oracle_findings, uri, text)
        except OracleUnavailable as e:
            if not ls.oracle_warned:
                ls.oracle_warned = True
                ls.show(t.MessageType.Warning, f"migrate: Oracle validation unavailable ({e}); offline findings only")
            return
        except Exception:  # noqa: BLE001
            log.exception("oracle validation failed")
            return
        ls.oracle_diags[uri] = diags
        a = await ls.current(uri)
        if a is not None:
            ls.publish(a)

    asyncio.get_running_loop().create_task(run())


# --- hover and code actions --------------------------------------------------------------------

@server.feature(t.TEXT_DOCUMENT_HOVER)
async def hover(ls: MigrateServer, params: t.HoverParams) -> t.Hover | None:
    a = await ls.current(params.text_document.uri)
    if a is None:
        return None
    got = ls.ws.hover(a, params.position.line, params.position.character)
    if got is None:
        return None
    body, s, e = got
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=body), range=to_lsp_range(s, e))


@server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
    code_action_kinds=[t.CodeActionKind.QuickFix, t.CodeActionKind.RefactorRewrite, "source.convertToOracle"],
    resolve_provider=False))
async def code_action(ls: MigrateServer, params: t.CodeActionParams) -> list[t.CodeAction]:
    uri = params.text_document.uri
    a = await ls.current(uri)
    if a is None:
        return []
    r = params.range
    diags = [from_lsp_diag(d) for d in params.context.diagnostics if d.source == "migrate"]
    span = ((r.start.line, r.start.character), (r.end.line, r.end.character))
    if ls.ws.settings.model.get("backend"):  # a model call may take seconds: off the event loop
        fixes = await asyncio.get_running_loop().run_in_executor(ls.worker, ls.ws.fixes, a, *span, diags)
    else:
        fixes = ls.ws.fixes(a, *span, diags)
    only = params.context.only
    out = []
    for f in fixes:
        if only and not any(f.kind == k or f.kind.startswith(str(k) + ".") for k in only):
            continue
        title = f.title if f.source == "rules" else f"Model suggestion (review before use): {f.title}"
        edit = t.WorkspaceEdit(changes={uri: [t.TextEdit(range=to_lsp_range(s, e), new_text=txt)
                                              for s, e, txt in f.edits]})
        out.append(t.CodeAction(title=title, kind=f.kind, diagnostics=[to_lsp_diag(d) for d in f.diagnostics] or None,
                                is_preferred=f.preferred if f.source == "rules" else False, edit=edit, data=f.data()))
    return out


# --- commands -------------------------------------------------------------------------------

def _arg_uri(args) -> str | None:
    if not args:
        return None
    a = args[0]
    if isinstance(a, str):
        return a
    if isinstance(a, dict):
        return a.get("uri")
    return getattr(a, "uri", None)


async def _analysis_for(ls: MigrateServer, uri: str) -> Analysis | None:
    if uri in ls.latest:
        return await ls.current(uri)
    path = uri_to_path(uri)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as fh:
        data = fh.read()
    from migrator.source import decode

    text = decode(data)[0]
    return await asyncio.get_running_loop().run_in_executor(ls.worker, ls.ws.analyze, uri, text, None)


@server.command(CMD_CONVERT_FILE)
async def convert_file(ls: MigrateServer, *args) -> dict:
    """Convert one T-SQL document: create ``<name>.oracle.sql`` beside it (a workspace edit)
    when the client can create files, and return the Oracle text in any case."""
    uri = _arg_uri(args)
    if not uri:
        raise ValueError("migrate.convertFile expects a document URI")
    a = await _analysis_for(ls, uri)
    if a is None or a.result is None:
        raise ValueError(f"not a T-SQL document: {uri}")
    target = ls.ws.oracle_name(uri)
    content = a.result.output or ""
    applied = False
    wcaps = ls.client_capabilities.workspace
    edit_caps = wcaps.workspace_edit if wcaps else None
    if edit_caps and edit_caps.document_changes and t.ResourceOperationKind.Create in (
            edit_caps.resource_operations or []) and wcaps.apply_edit:
        edit = t.WorkspaceEdit(document_changes=[
            t.CreateFile(uri=target, options=t.CreateFileOptions(overwrite=True)),
            t.TextDocumentEdit(text_document=t.OptionalVersionedTextDocumentIdentifier(uri=target, version=None),
                               edits=[t.TextEdit(range=to_lsp_range((0, 0), (0, 0)), new_text=content)])])
        try:
            res = await ls.workspace_apply_edit_async(t.ApplyWorkspaceEditParams(edit=edit, label="Convert to Oracle"))
            applied = bool(res and res.applied)
        except Exception:  # noqa: BLE001
            log.warning("applyEdit failed", exc_info=True)
    wnd = ls.client_capabilities.window
    if applied and wnd and wnd.show_document and wnd.show_document.support:
        try:
            await ls.window_show_document_async(t.ShowDocumentParams(uri=target, take_focus=False))
        except Exception:  # noqa: BLE001
            pass
    return {"uri": target, "content": content, "applied": applied, "status": a.result.status}


@server.command(CMD_CONVERT_WORKSPACE)
async def convert_workspace(ls: MigrateServer, *args) -> dict:
    """Convert every T-SQL file of the workspace into the output folder (``$/progress``,
    cancellable by ``window/workDoneProgress/cancel`` or ``$/cancelRequest``)."""
    from migrator.pipeline import convert_tree
    from migrator.report import write_reports

    if not ls.ws.roots:
        raise ValueError("no workspace folder to convert")
    root = ls.ws.roots[0]
    opts = args[0] if args and isinstance(args[0], dict) else {}
    out = opts.get("output") or ls.ws.settings.output_folder
    out = out if os.path.isabs(out) else os.path.join(root, out)
    token = str(uuid.uuid4())
    loop = asyncio.get_running_loop()
    progress = ls.work_done_progress
    wnd = ls.client_capabilities.window
    use_progress = bool(wnd and wnd.work_done_progress)
    cancel_flag = {"set": False}
    if use_progress:
        try:
            await progress.create_async(token)
            progress.begin(token, t.WorkDoneProgressBegin(title="Converting T-SQL to Oracle", cancellable=True,
                                                          percentage=0))
        except Exception:  # noqa: BLE001
            use_progress = False
    token_future = progress.tokens.get(token) if use_progress else None

    def cancelled() -> bool:
        return cancel_flag["set"] or (token_future is not None and token_future.cancelled())

    def on_progress(done: int, total: int) -> None:
        if cancelled():
            raise Cancelled()
        if use_progress:
            pct = int(100 * done / total) if total else 100
            loop.call_soon_threadsafe(progress.report, token, t.WorkDoneProgressReport(
                message=f"{done}/{total} files", percentage=pct, cancellable=True))

    def work():
        run = convert_tree(root, out, ls.ws.settings.config, jobs=1, cache_dir=None, progress=on_progress)
        return run, write_reports(run, out, None)

    result: dict
    try:
        run, report = await loop.run_in_executor(ls.bulk, work)
        ls.ws.last_report = report
        result = {"output": out, "cancelled": False, "files": len(run.files), "summary": report.get("summary"),
                  "report": os.path.join(out, "migration-report.json")}
    except Cancelled:
        result = {"output": out, "cancelled": True}
    except asyncio.CancelledError:
        cancel_flag["set"] = True
        if use_progress:
            progress.end(token, t.WorkDoneProgressEnd(message="cancelled"))
        raise
    if use_progress:
        progress.end(token, t.WorkDoneProgressEnd(message="cancelled" if result["cancelled"] else "done"))
    return result


@server.command(CMD_SHOW_REPORT)
async def show_report(ls: MigrateServer, *args) -> dict:
    """The migration report: of one document (a URI argument), else of every open document
    plus the last workspace conversion's summary."""
    uri = _arg_uri(args)
    if uri:
        a = await _analysis_for(ls, uri)
        if a is None:
            raise ValueError(f"unknown document: {uri}")
        return ls.ws.report_of(a)
    docs = []
    for u in sorted(ls.latest):
        a = await ls.current(u)
        if a is not None:
            docs.append(ls.ws.report_of(a))
    last = ls.ws.last_report
    return {"documents": docs, "workspace": last.get("summary") if last else None}


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="migrate lsp", description="T-SQL → Oracle language server")
    ap.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2087)
    ap.add_argument("--log-file", default=None)
    a = ap.parse_args(argv)
    run(tcp=a.tcp, host=a.host, port=a.port, log_file=a.log_file)


def run(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087, log_file: str | None = None) -> None:
    logging.basicConfig(filename=log_file, level=logging.INFO if log_file else logging.WARNING)
    from migrator.rulebook import unit_rules

    unit_rules()  # import the rules before the first document arrives
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
