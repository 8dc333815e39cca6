"""The language server's engine in process: cached conversion equals the core's, positions,
settings, robustness on random edits."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("pygls")

from migrator.config import Config  # noqa: E402
from migrator.convert import convert_source  # noqa: E402
from migrator.pipeline import build_project  # noqa: E402
from migrator.source import SourceFile  # noqa: E402

from lsp.engine import Doc, Workspace  # noqa: E402
from lsp.settings import parse  # noqa: E402

TEXT = """CREATE TABLE dbo.Orders (id INT IDENTITY(1,1) PRIMARY KEY, note NVARCHAR(50), total MONEY)
GO
CREATE PROCEDURE dbo.AddOrder @note NVARCHAR(50)
AS
BEGIN
  DECLARE @n INT
  SELECT @n = COUNT(*) FROM dbo.Orders WHERE note = @note
  IF @n = 0
    INSERT INTO dbo.Orders (note, total) VALUES (@note, 0)
  SELECT TOP 1 id FROM dbo.Orders ORDER BY id DESC
END
GO
SELECT note + 'x' AS n, ISNULL(total, 0) AS t FROM dbo.Orders
GO
USE master
GO
SELECT GETDATE() AS now
"""


def core(text: str):
    src = SourceFile.from_text("doc.sql", text)
    return convert_source(src, build_project([src], Config()))


def same(a, b) -> None:
    assert a.output == b.output
    assert [u.to_dict() for u in a.units] == [u.to_dict() for u in b.units]


def test_cached_conversion_equals_core_after_edits():
    ws = Workspace()
    uri = "file:///w/doc.sql"
    first = ws.analyze(uri, TEXT)
    same(first.result, core(TEXT))
    assert first.converted and not first.reused
    # lines inserted above: every unit comes from the cache, shifted
    moved = "-- header\n\n" + TEXT
    a = ws.analyze(uri, moved)
    assert a.converted == 0 and a.reused == first.converted
    same(a.result, core(moved))
    # one statement changed: only its batch is converted again
    changed = moved.replace("SELECT GETDATE() AS now", "SELECT GETDATE() AS later")
    a = ws.analyze(uri, changed)
    assert a.converted == 1
    same(a.result, core(changed))
    # a catalog change (column type) converts everything again
    typed = changed.replace("total MONEY", "total VARCHAR(10)")
    a = ws.analyze(uri, typed)
    same(a.result, core(typed))


def test_workspace_catalog_from_other_document():
    ws = Workspace()
    ws.analyze("file:///w/schema.sql", "CREATE TABLE dbo.T (name NVARCHAR(20))\nGO\n")
    a = ws.analyze("file:///w/use.sql", "SELECT name + 'x' AS n FROM dbo.T\n")
    assert [d.code for d in a.diagnostics] == ["TS0260"]  # string concatenation: known from schema.sql
    ws.analyze("file:///w/schema.sql", "CREATE TABLE dbo.T (name INT)\nGO\n")
    a = ws.analyze("file:///w/use.sql", "SELECT name + 'x' AS n FROM dbo.T\n")
    assert "TS0260" not in [d.code for d in a.diagnostics]


def test_positions_utf16_utf8_utf32():
    text = "a😀b\nxyz"
    assert Doc(text).lsp_pos(1, 3) == (0, 3)  # after the emoji: 1 + 2 UTF-16 units
    assert Doc(text, "utf-8").lsp_pos(1, 3) == (0, 5)
    assert Doc(text, "utf-32").lsp_pos(1, 3) == (0, 2)
    assert Doc(text).from_lsp(0, 3) == (1, 3)
    assert Doc(text).lsp_pos(2, 99) == (1, 3)  # clamped
    assert Doc(text).lsp_pos(9, 1) == (1, 3)
    assert Doc("a\r\nb").lsp_pos(2, 1) == (1, 0)  # CRLF is one line break, as clients count it


def test_settings_mapping():
    s = parse({"validation": "none", "names": {"variablePrefix": "l_", "schemaMap": {"dbo": ""}},
               "strategies": {"resultSets": "refcursor", "guid": "bogus"}, "disableRules": ["TS0401"],
               "oracleFolders": ["out"], "model": {"endpoint": "http://localhost:9"}, "nope": 1})
    assert s.validation == "none"
    assert s.config.var_prefix == "l_" and s.config.schema_map == {"dbo": ""}
    assert s.config.result_sets == "refcursor" and s.config.guid == "raw16"
    assert s.config.disable_rules == ["TS0401"] and s.oracle_folders == ["out"]
    assert s.model_endpoint == "http://localhost:9"
    assert any("guid" in p for p in s.problems) and any("migrate.nope" in p for p in s.problems)


def test_oracle_documents_by_suffix_and_folder(tmp_path):
    ws = Workspace(roots=[str(tmp_path)])
    assert ws.is_oracle((tmp_path / "a.pkb").as_uri())
    assert ws.is_oracle((tmp_path / "oracle" / "a.sql").as_uri())
    assert ws.is_oracle((tmp_path / "a.oracle.sql").as_uri())
    assert not ws.is_oracle((tmp_path / "src" / "a.sql").as_uri())


def test_random_edits_never_raise():
    ws = Workspace()
    rnd = random.Random(5)
    frags = ["'", "[", "/*", "*/", "\nGO\n", "BEGIN ", "END ", "(", ")", "CREATE PROCEDURE p AS ", "😀", "\r\n",
             "DECLARE @x INT ", "SELECT ", "IF ", "ELSE ", "--"]
    text = TEXT
    for i in range(300):
        k = rnd.randint(0, len(text))
        if rnd.random() < 0.6:
            text = text[:k] + rnd.choice(frags) + text[k:]
        else:
            text = text[:k] + text[k + rnd.randint(1, 30):]
        a = ws.analyze("file:///w/f.sql", text)
        n = len(a.doc.lines)
        for d in a.diagnostics:
            assert 0 <= d.start[0] < n and 0 <= d.end[0] < n and d.start <= d.end
            assert d.code != "TS0002" or "internal error" in d.message
        ws.fixes(a, (0, 0), (0, 0))
        ws.hover(a, rnd.randrange(n), 3)
