"""Model quick fixes in the language server's engine: offered only for marked units, never
preferred, never safe, titled with the model id, answers that failed the guardrail never offered,
and a failing backend gives no fix (and no crash)."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")

from migrator.model.backends import Backend, BackendError  # noqa: E402

from lsp.engine import Workspace  # noqa: E402
from lsp.settings import parse  # noqa: E402

TEXT = """CREATE TABLE dbo.Item (ItemId INT NOT NULL, Name NVARCHAR(40) NULL)
GO
SELECT name FROM sys.objects WHERE type = 'U'
GO
SELECT TOP 2 Name FROM dbo.Item
"""
GOOD = "SELECT OBJECT_NAME AS NAME FROM USER_OBJECTS WHERE OBJECT_TYPE = 'TABLE';"


class Scripted(Backend):
    def __init__(self, config, answer):
        super().__init__(config)
        self.answer = answer
        self.calls = 0

    def generate(self, prompts, n=1):
        self.calls += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return [[self.answer] * n for _ in prompts]


@pytest.fixture()
def ws(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    w = Workspace(parse({"model": {"backend": "openai", "model": "tsql2ora", "endpoint": "http://127.0.0.1:9/v1"}}))
    return w


def _use(monkeypatch, answer):
    made = {}

    def fake(cfg):
        made["backend"] = Scripted(cfg, answer)
        return made["backend"]

    monkeypatch.setattr("migrator.model.backends.make_backend", fake)
    return made


def test_model_fix_for_a_marked_unit(ws, monkeypatch):
    made = _use(monkeypatch, f"```sql\n{GOOD}\n```")
    a = ws.analyze("file:///w/doc.sql", TEXT)
    fixes = ws.fixes(a, (2, 3), (2, 3))
    model = [f for f in fixes if f.source == "model"]
    assert len(model) == 1
    f = model[0]
    assert not f.preferred and not f.safe and "openai:tsql2ora" in f.title
    (start, end, text), = f.edits
    assert start == (2, 0) and text.startswith("-- MIGRATION NOTE [MODEL]: converted by openai:tsql2ora, review\n")
    assert GOOD in text
    rules = [f for f in fixes if f.source == "rules"]
    assert all("sys.objects" not in f.title for f in rules)
    # asked again (the editor asks on every cursor move): answered from the cache
    ws.fixes(a, (2, 3), (2, 3))
    assert made["backend"].calls == 1


def test_no_model_fix_on_converted_units(ws, monkeypatch):
    made = _use(monkeypatch, GOOD)
    a = ws.analyze("file:///w/doc.sql", TEXT)
    assert not [f for f in ws.fixes(a, (4, 2), (4, 2)) if f.source == "model"]
    assert "backend" not in made  # no model was even built


def test_rejected_answer_and_broken_backend_give_no_fix(ws, monkeypatch):
    _use(monkeypatch, "DROP TABLE ITEM;")
    a = ws.analyze("file:///w/doc.sql", TEXT)
    assert not [f for f in ws.fixes(a, (2, 3), (2, 3)) if f.source == "model"]
    ws2 = Workspace(parse({"model": {"backend": "openai", "model": "other"}}))
    _use(monkeypatch, BackendError("connection refused"))
    a2 = ws2.analyze("file:///w/doc.sql", TEXT)
    assert not [f for f in ws2.fixes(a2, (2, 3), (2, 3)) if f.source == "model"]
    assert "connection refused" in ws2.model_error


def test_model_settings_are_checked():
    s = parse({"model": {"backend": "gpt", "maxTokens": 99, "bogus": 1}})
    assert s.model == {"max_tokens": 99}
    assert any("bogus" in p for p in s.problems) and any("backend" in p for p in s.problems)
