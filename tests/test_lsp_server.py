"""End-to-end tests of the language server over stdio (pytest-lsp): initialize, diagnostics
with exact ranges, code actions, hover, commands, progress, configuration."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as t  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A workspace: the table is declared in one file, used in another (catalog across files).
SCHEMA = "CREATE TABLE dbo.Orders (id INT IDENTITY(1,1) PRIMARY KEY, note NVARCHAR(50))\nGO\n"
DOC = ("SELECT TOP 5 id FROM dbo.Orders\n"      # converted by a rule: info
       "GO\n"
       "SELECT id FROM dbo.Orders WHERE note = 'x'\n"  # converted with a caveat (case-sensitive compare): warning
       "GO\n"
       "USE master\n")                             # kept as MIGRATION TODO: error
STMT0_ORACLE = "SELECT\n  ID\nFROM ORDERS\nFETCH FIRST 5 ROWS ONLY;"


def _caps() -> t.ClientCapabilities:
    return t.ClientCapabilities(
        workspace=t.WorkspaceClientCapabilities(
            configuration=True, apply_edit=True,
            workspace_edit=t.WorkspaceEditClientCapabilities(
                document_changes=True, resource_operations=[t.ResourceOperationKind.Create])),
        window=t.WindowClientCapabilities(work_done_progress=True),
        text_document=t.TextDocumentClientCapabilities(
            hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown]),
            code_action=t.CodeActionClientCapabilities(code_action_literal_support=t.ClientCodeActionLiteralOptions(
                code_action_kind=t.ClientCodeActionKindOptions(value_set=list(t.CodeActionKind)))),
            publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True)))


def make_client() -> LanguageClient:
    """The pytest-lsp client, also recording the version each diagnostics set is for."""
    from pygls.protocol import default_converter

    client = LanguageClient(converter_factory=default_converter)
    client.diagnostics_versions = {}

    def on_diags(c: LanguageClient, params: t.PublishDiagnosticsParams):
        c.diagnostics[params.uri] = params.diagnostics
        c.diagnostics_versions[params.uri] = params.version

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_diags})
    return client


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    (root / "schema.sql").write_text(SCHEMA)
    (root / "oracle").mkdir()
    return root


@pytest_lsp.fixture(scope="module",
                    config=ClientServerConfig(server_command=[sys.executable, "-m", "lsp"],
                                              server_env={**os.environ, "PYTHONPATH": ROOT},
                                              client_factory=make_client))
async def client(lsp_client: LanguageClient, workspace):
    lsp_client.set_configuration({"varPrefix": "ignored_unknown_key_is_reported",
                                  "names": {"variablePrefix": "l_"}, "validation": "offline"},
                                 section="migrate")
    lsp_client.applied_edits = []

    @lsp_client.feature(t.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: t.ApplyWorkspaceEditParams):
        lsp_client.applied_edits.append(params)
        return t.ApplyWorkspaceEditResult(applied=True)

    lsp_client.init_result = await lsp_client.initialize_session(t.InitializeParams(
        capabilities=_caps(), root_uri=workspace.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> list[t.Diagnostic]:
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id="sql", version=version, text=text)))
    return await wait_diags(client, uri, version)


async def wait_diags(client: LanguageClient, uri: str, version: int) -> list[t.Diagnostic]:
    async def loop():
        while True:
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if uri in client.diagnostics and client.diagnostics_versions.get(uri) == version:
                return client.diagnostics[uri]
    return await asyncio.wait_for(loop(), 30)


def rng(a, b, c, d) -> t.Range:
    return t.Range(start=t.Position(line=a, character=b), end=t.Position(line=c, character=d))


async def test_initialize_capabilities(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.hover_provider
    assert caps.code_action_provider
    assert {"migrate.convertFile", "migrate.convertWorkspace", "migrate.showReport"} <= \
        set(caps.execute_command_provider.commands)


async def test_diagnostics_exact_ranges(client: LanguageClient, workspace):
    uri = (workspace / "doc.sql").as_uri()
    diags = await open_doc(client, uri, DOC)
    got = sorted((d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
                  int(d.severity), d.code, d.source) for d in diags)
    assert got == [
        (0, 11, 0, 31, 3, "TS0401", "migrate"),  # TOP 5 → FETCH FIRST (the span the rule reports)
        (2, 32, 2, 42, 2, "TS0263", "migrate"),  # note = 'x': collation caveat, exactly "note = 'x'"
        (4, 0, 4, 10, 1, "TS0004", "migrate"),   # USE master: the whole statement
    ]
    assert DOC.split("\n")[2][32:42] == "note = 'x'"


async def test_hover_shows_oracle(client: LanguageClient, workspace):
    uri = (workspace / "doc.sql").as_uri()
    h = await client.text_document_hover_async(t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                             position=t.Position(line=0, character=3)))
    assert h is not None
    assert "FETCH FIRST 5 ROWS ONLY" in h.contents.value
    assert h.range == rng(0, 0, 0, len("SELECT TOP 5 id FROM dbo.Orders"))
    none = await client.text_document_hover_async(t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                                position=t.Position(line=1, character=1)))
    assert none is None  # the GO line belongs to no statement


async def test_code_action_convert_statement(client: LanguageClient, workspace):
    uri = (workspace / "doc.sql").as_uri()
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=rng(0, 2, 0, 2),
        context=t.CodeActionContext(diagnostics=[])))
    quick = [a for a in actions if a.kind == t.CodeActionKind.QuickFix]
    assert len(quick) == 1 and quick[0].is_preferred
    assert quick[0].data["source"] == "rules"
    (edit,) = quick[0].edit.changes[uri]
    assert edit.range == rng(0, 0, 0, len("SELECT TOP 5 id FROM dbo.Orders"))
    assert edit.new_text == STMT0_ORACLE
    whole = [a for a in actions if a.kind == "source.convertToOracle"]
    assert len(whole) == 1 and not whole[0].is_preferred
    (edit,) = whole[0].edit.changes[uri]
    assert edit.range == rng(0, 0, 5, 0)
    assert "MIGRATION TODO" in edit.new_text and "GO" not in edit.new_text.split()
    # no statement fix offered for a statement that stays TODO
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=rng(4, 3, 4, 3),
        context=t.CodeActionContext(diagnostics=[])))
    assert not [a for a in actions if a.kind == t.CodeActionKind.QuickFix]


async def test_code_action_selection(client: LanguageClient, workspace):
    uri = (workspace / "doc.sql").as_uri()
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 2, 10),
        context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.RefactorRewrite])))
    assert [a.kind for a in actions] == [t.CodeActionKind.RefactorRewrite]
    (edit,) = actions[0].edit.changes[uri]
    line2 = DOC.split("\n")[2]
    assert edit.range == rng(0, 0, 2, len(line2))
    assert edit.new_text.startswith(STMT0_ORACLE + "\n")
    assert "NOTE = 'x'" in edit.new_text.replace("\n", " ")


async def test_incremental_edit(client: LanguageClient, workspace):
    uri = (workspace / "edit.sql").as_uri()
    first = await open_doc(client, uri, "SELECT 1 AS a\n")
    assert [(d.code, d.range.start.line) for d in first] == [("TS0403", 0)]
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[t.TextDocumentContentChangePartial(range=rng(0, 0, 0, 0),
                                                            text="SELECT GETDATE() AS d\nGO\n")]))
    diags = await wait_diags(client, uri, 2)
    # the old statement moved two lines down: its diagnostic moved with it (from the cache)
    assert sorted((d.code, d.range.start.line, d.range.start.character) for d in diags) == \
        [("TS0200", 0, 7), ("TS0403", 0, 20), ("TS0403", 2, 7)]
    # half-typed text never breaks the server
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[t.TextDocumentContentChangePartial(range=rng(2, 0, 2, 0), text="SELECT 'unterminated (")]))
    diags = await wait_diags(client, uri, 3)
    assert any(d.severity == t.DiagnosticSeverity.Error and d.range.start.line == 2 for d in diags)


async def test_utf16_positions(client: LanguageClient, workspace):
    uri = (workspace / "emoji.sql").as_uri()
    text = "SELECT '😀' AS x\n"
    (d,) = await open_doc(client, uri, text)
    # the rule reports the select list "'😀' AS x": code points 7..15, UTF-16 units 7..16 (the
    # emoji is two UTF-16 code units; the client did not ask for another encoding)
    assert len(text.rstrip().encode("utf-16-le")) // 2 == 16
    assert d.code == "TS0403" and d.range == rng(0, 7, 0, 16)


async def test_oracle_document_validated(client: LanguageClient, workspace):
    uri = (workspace / "oracle" / "bad.sql").as_uri()
    diags = await open_doc(client, uri, "SELEC 1 FROM dual;\n")
    assert diags and all(d.source == "migrate-validate" for d in diags)
    assert diags[0].range.start.line == 0
    uri2 = (workspace / "pkg.pks").as_uri()
    good = await open_doc(client, uri2, "CREATE OR REPLACE PACKAGE p AS\n  PROCEDURE x;\nEND p;\n/\n")
    assert not [d for d in good if d.severity == t.DiagnosticSeverity.Error]


async def test_configuration_applied(client: LanguageClient, workspace):
    uri = (workspace / "vars.sql").as_uri()
    await open_doc(client, uri, "DECLARE @count INT = 1\nSELECT @count AS c\n")
    h = await client.text_document_hover_async(t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                             position=t.Position(line=0, character=2)))
    assert "l_count NUMBER(10);" in h.contents.value  # names.variablePrefix "l_" (default v_)
    # the unknown key was reported
    assert any("unknown setting migrate.varPrefix" in m.message for m in client.messages)


async def test_convert_file_command(client: LanguageClient, workspace):
    uri = (workspace / "doc.sql").as_uri()
    res = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="migrate.convertFile", arguments=[uri]))
    assert res["uri"] == (workspace / "doc.oracle.sql").as_uri()
    assert res["applied"] is True
    assert "FETCH FIRST 5 ROWS ONLY" in res["content"]
    edit = client.applied_edits[-1].edit
    assert edit.document_changes[0].kind == "create"
    assert edit.document_changes[1].edits[0].new_text == res["content"]


async def test_show_report_command(client: LanguageClient, workspace):
    uri = (workspace / "doc.sql").as_uri()
    res = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="migrate.showReport", arguments=[uri]))
    assert res["status"] == "marked"
    assert [u["status"] for u in res["units"]] == ["converted", "caveats", "marked"]
    res = await client.workspace_execute_command_async(t.ExecuteCommandParams(command="migrate.showReport"))
    assert any(d["uri"] == uri for d in res["documents"])


async def test_convert_workspace_progress(client: LanguageClient, workspace):
    (workspace / "more.sql").write_text("SELECT LEN('abc') AS n\n")
    res = await client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="migrate.convertWorkspace", arguments=[{"output": str(workspace / "out")}]))
    assert res["cancelled"] is False
    assert res["files"] >= 2
    assert (workspace / "out" / "more.sql").read_text().startswith("SELECT\n  LENGTH(")
    assert os.path.isfile(res["report"])
    kinds = [[p.kind for p in reports] for reports in client.progress_reports.values()]
    assert any(k[0] == "begin" and k[-1] == "end" and "report" in k for k in kinds), kinds


async def test_convert_workspace_cancel(client: LanguageClient, workspace):
    for i in range(40):
        (workspace / f"bulk{i:02}.sql").write_text("SELECT ISNULL(a, 1) AS b FROM t\nGO\n" * 300)
    before = set(client.progress_reports)
    task = asyncio.ensure_future(client.workspace_execute_command_async(t.ExecuteCommandParams(
        command="migrate.convertWorkspace", arguments=[{"output": str(workspace / "out2")}])))
    for _ in range(200):
        await asyncio.sleep(0.01)
        new = set(client.progress_reports) - before
        if new:
            break
    (token,) = new
    client.window_work_done_progress_cancel(t.WorkDoneProgressCancelParams(token=token))
    res = await asyncio.wait_for(task, 60)
    assert res["cancelled"] is True
    assert client.progress_reports[token][-1].kind == "end"
