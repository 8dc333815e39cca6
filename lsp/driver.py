"""A small LSP client that drives ``python -m lsp`` over stdio: for the latency benchmark,
the fuzzer and scripts (tests use pytest-lsp)."""

from __future__ import annotations

import asyncio
import os
import sys
import time

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Driver:
    def __init__(self) -> None:
        self.client = LanguageClient("migrate-driver", "0")
        self.diags: dict[str, tuple[int | None, list[t.Diagnostic]]] = {}
        self.waiters: dict[tuple[str, int], asyncio.Future] = {}
        self.versions: dict[str, int] = {}

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diags(params: t.PublishDiagnosticsParams):
            self.diags[params.uri] = (params.version, list(params.diagnostics))
            fut = self.waiters.pop((params.uri, params.version), None)
            if fut is not None and not fut.done():
                fut.set_result(list(params.diagnostics))

        @self.client.feature(t.WINDOW_SHOW_MESSAGE)
        def on_message(params):
            pass

        @self.client.feature(t.WINDOW_LOG_MESSAGE)
        def on_log(params):
            pass

    async def start(self, root: str, settings: dict | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
        await self.client.start_io(sys.executable, "-m", "lsp", env=env)
        from pathlib import Path

        uri = Path(root).resolve().as_uri()
        await self.client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(), root_uri=uri, initialization_options={"migrate": settings or {}},
            workspace_folders=[t.WorkspaceFolder(uri=uri, name="ws")]))
        self.client.initialized(t.InitializedParams())

    def _waiter(self, uri: str, version: int) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters[(uri, version)] = fut
        return fut

    async def open(self, uri: str, text: str, timeout: float = 60) -> list[t.Diagnostic]:
        self.versions[uri] = 1
        fut = self._waiter(uri, 1)
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="sql", version=1, text=text)))
        return await asyncio.wait_for(fut, timeout)

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        """Send an incremental edit; returns the new version (diagnostics come later)."""
        v = self.versions[uri] = self.versions[uri] + 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=v),
            content_changes=[t.TextDocumentContentChangePartial(
                range=t.Range(start=t.Position(line=start[0], character=start[1]),
                              end=t.Position(line=end[0], character=end[1])), text=text)]))
        return v

    async def edit_and_wait(self, uri: str, start, end, text: str, timeout: float = 60) -> tuple[float, list]:
        """(seconds from sending the edit to its diagnostics, diagnostics)."""
        v = self.versions[uri] + 1
        fut = self._waiter(uri, v)
        t0 = time.perf_counter()
        self.change(uri, start, end, text)
        diags = await asyncio.wait_for(fut, timeout)
        return time.perf_counter() - t0, diags

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        except Exception:  # noqa: BLE001
            pass
        await self.client.stop()
