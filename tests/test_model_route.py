"""The model stage of the pipeline (migrator/model/route.py): routing of marked units, suggestions
vs --accept-model, provenance, rejection leaves the marker, report counts, attempts log, cache,
and no heavy import without a model. The backend here is a scripted stand-in (the real backends
are tested in test_model_openai.py / test_training.py / test_model_e2e.py)."""

import json
import subprocess
import sys

from migrator.config import Config
from migrator.convert import MARKED, MODEL
from migrator.model.backends import Backend, ModelConfig
from migrator.model.route import SUGGESTION, provenance
from migrator.pipeline import convert_tree
from migrator.report import write_reports

CATALOG_SQL = "SELECT name FROM sys.objects WHERE type = 'U'"
GOOD = "SELECT OBJECT_NAME AS NAME FROM USER_OBJECTS WHERE OBJECT_TYPE = 'TABLE';"
TSQL = f"""CREATE TABLE dbo.Item (ItemId INT NOT NULL, Name NVARCHAR(40) NULL)
GO
{CATALOG_SQL}
GO
SELECT TOP 3 Name FROM dbo.Item ORDER BY Name
GO
"""


class Scripted(Backend):
    """Answers by looking at the T-SQL in the last user message."""

    def __init__(self, answers, config=None):
        super().__init__(config or ModelConfig(backend="openai", model="scripted"))
        self.answers = answers
        self.prompts = []

    def generate(self, prompts, n=1):
        self.prompts += prompts
        out = []
        for p in prompts:
            user = p[-1]["content"]
            repair = "Your previous answer" in user
            out.append([self.answers(user, repair)] * n)
        return out


def _run(tmp_path, backend, accept=False, cache=None):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "a.sql").write_text(TSQL)
    out = tmp_path / "out"
    cfg = Config(model={"backend": "openai", "model": "scripted", "accept": accept})
    run = convert_tree(str(src), str(out), cfg, jobs=1, cache_dir=cache, model_backend=backend)
    report = write_reports(run, str(out))
    return run, report, (out / "a.sql").read_text(), out


def test_suggestion_beside_the_marker_by_default(tmp_path):
    be = Scripted(lambda user, repair: f"```sql\n{GOOD}\n```")
    run, report, text, out = _run(tmp_path, be)
    assert len(be.prompts) == 1  # only the marked unit is routed
    assert CATALOG_SQL in be.prompts[0][-1]["content"]
    assert "TS0273" in be.prompts[0][-1]["content"]  # the TODO reason is in the prompt
    unit = run.files[0].units[1]
    assert unit.status == MARKED
    assert "-- MIGRATION TODO [TS0273]" in text
    assert SUGGESTION in text and f"-- {GOOD}" in text
    assert GOOD not in text.replace(f"-- {GOOD}", "")  # nothing applied
    m = report["summary"]["model"]
    assert (m["routed"], m["suggested"], m["accepted"], m["rejected"]) == (1, 1, 0, 0)
    log = [json.loads(line) for line in (out / "model-attempts.jsonl").read_text().splitlines()]
    assert len(log) == 1 and log[0]["ok"] and log[0]["chosen"]


def test_accept_model_applies_with_provenance(tmp_path):
    be = Scripted(lambda user, repair: GOOD)
    run, report, text, out = _run(tmp_path, be, accept=True)
    unit = run.files[0].units[1]
    assert unit.status == MODEL
    assert provenance("openai:scripted") + "\n" + GOOD in text
    assert "MIGRATION TODO" not in text
    assert "FETCH FIRST 3 ROWS ONLY" in text  # the rule-converted units are untouched
    assert report["summary"]["units"][MODEL] == 1 and report["summary"]["model"]["accepted"] == 1
    assert run.files[0].status == MODEL
    lines = text.split("\n")  # out_line still points at each unit's first line
    for u in run.files[0].units:
        assert lines[u.out_line - 1] == u.oracle.split("\n")[0]


def test_hostile_answer_is_rejected_after_one_repair_and_marker_stays(tmp_path):
    be = Scripted(lambda user, repair: "DROP TABLE ITEM;\n" + GOOD)
    run, report, text, out = _run(tmp_path, be, accept=True)
    assert len(be.prompts) == 2 and "Your previous answer" in be.prompts[1][-1]["content"]
    assert "adds DROP TABLE" in be.prompts[1][-1]["content"]  # the repair prompt quotes the reasons
    unit = run.files[0].units[1]
    assert unit.status == MARKED and "-- MIGRATION TODO [TS0273]" in text
    assert "DROP TABLE" not in text and SUGGESTION not in text
    assert any(e.rule == "MODEL" and "rejected" in e.message for e in unit.events)
    assert report["summary"]["model"]["rejected"] == 1


def test_repair_turn_can_fix_an_answer(tmp_path):
    be = Scripted(lambda user, repair: GOOD if repair else "SELECT TOP 5 name FROM sys.objects WHERE type = 'U';")
    run, report, text, out = _run(tmp_path, be, accept=True)
    assert run.files[0].units[1].status == MODEL and GOOD in text
    log = [json.loads(line) for line in (out / "model-attempts.jsonl").read_text().splitlines()]
    assert [e["repair"] for e in log] == [False, True] and [e["ok"] for e in log] == [False, True]


def test_model_results_are_cached_by_prompt(tmp_path):
    be = Scripted(lambda user, repair: GOOD)
    _run(tmp_path, be, accept=True, cache=str(tmp_path / "cache"))
    be2 = Scripted(lambda user, repair: "garbage that would be rejected")
    run, report, text, _ = _run(tmp_path, be2, accept=True, cache=str(tmp_path / "cache"))
    assert be2.prompts == [] and GOOD in text
    assert report["summary"]["model"]["from_cache"] == 1


def test_no_model_configured_no_heavy_imports(tmp_path):
    (tmp_path / "a.sql").write_text(TSQL)
    code = ("import sys\nfrom migrator.cli import main\n"
            f"try:\n    main(['convert', {str(tmp_path / 'a.sql')!r}, '-o', {str(tmp_path / 'o')!r}, '--no-cache', '-q'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'transformers', 'peft', 'trl', 'vllm', 'openai') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    assert not (tmp_path / "o" / "model-attempts.jsonl").exists()


def test_config_model_table_is_validated():
    import pytest

    with pytest.raises(ValueError, match="unknown \\[model\\] keys"):
        Config(model={"backend": "openai", "modle": "x"}).model_config()
    with pytest.raises(ValueError, match="backend must be"):
        Config(model={"backend": "gpt"}).validate()
    assert Config(model={"backend": "x"}).fingerprint() == Config().fingerprint()  # not in the conversion cache key


def test_backend_that_cannot_run_keeps_the_markers(tmp_path):
    from migrator.model.backends import BackendError

    class Down(Scripted):
        def generate(self, prompts, n=1):
            raise BackendError("connection refused: http://127.0.0.1:9/v1")

    run, report, text, out = _run(tmp_path, Down(lambda u, r: GOOD), accept=True)
    assert "-- MIGRATION TODO [TS0273]" in text and run.files[0].units[1].status == MARKED
    assert "connection refused" in report["summary"]["model"]["error"]


def test_setup_objects_are_known_names(tmp_path):
    from migrator.model.route import known_names
    from migrator.convert import FileResult, UnitResult
    from migrator.pipeline import build_project
    from migrator.source import SourceFile

    project = build_project([SourceFile.from_text("a.sql", "CREATE TABLE dbo.T (A INT)")], Config())
    res = FileResult(path="a.sql")
    u = UnitResult("procedure", "p", None, "converted", [], "", "",
                   setup={"gtt:x": "CREATE GLOBAL TEMPORARY TABLE TT_X (A NUMBER) ON COMMIT PRESERVE ROWS;",
                          "type:y": "CREATE OR REPLACE TYPE Y_ROW AS OBJECT (A NUMBER);"})
    res.units.append(u)
    assert {"T", "A", "TT_X", "Y_ROW"} <= known_names(project, [res])


def test_routine_with_a_marked_statement_sends_the_rules_partial_conversion(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "p.sql").write_text("CREATE PROCEDURE dbo.ListTables AS\nBEGIN\n  SELECT name FROM sys.objects\n"
                               "  PRINT 'done'\nEND\n")
    be = Scripted(lambda user, repair: "")
    convert_tree(str(src), str(tmp_path / "out"), Config(model={"repair": False}), jobs=1, model_backend=be)
    (prompt,) = be.prompts
    user = prompt[-1]["content"]
    assert "The rules converted this unit except the parts marked MIGRATION TODO" in user
    assert "CREATE OR REPLACE PROCEDURE LISTTABLES" in user and "DBMS_OUTPUT.PUT_LINE('done')" in user
    assert user.rstrip().endswith("PRINT 'done'\nEND")  # the T-SQL comes last


def test_cli_convert_with_an_openai_compatible_server(tmp_path):
    """`migrate convert --model-backend openai` end to end over HTTP (a local chat-completions
    server answering with a scripted backend): suggestions by default, --accept-model applies,
    exit codes follow the unit statuses, an unreachable server keeps the markers."""
    import pytest
    from click.testing import CliRunner

    pytest.importorskip("openai")
    from migrator.cli import main
    from migrator.model.serve_stub import ChatServer

    src = tmp_path / "a.sql"
    src.write_text(TSQL)
    server = ChatServer(Scripted(lambda user, repair: GOOD), model_name="tsql2ora").start()
    try:
        base = ["convert", str(src), "--no-cache", "-q", "--model-backend", "openai", "--model", "tsql2ora",
                "--endpoint", server.base_url]
        r = CliRunner().invoke(main, base + ["-o", str(tmp_path / "s")])
        assert r.exit_code == 1, r.output  # still marked: the answer is only a suggestion
        assert SUGGESTION in (tmp_path / "s" / "a.sql").read_text()
        r = CliRunner().invoke(main, base + ["-o", str(tmp_path / "m"), "--accept-model"])
        assert r.exit_code == 0, r.output
        text = (tmp_path / "m" / "a.sql").read_text()
        assert provenance("openai:tsql2ora") + "\n" + GOOD in text
        report = json.loads((tmp_path / "m" / "migration-report.json").read_text())
        assert report["summary"]["model"]["accepted"] == 1 and report["summary"]["units"][MODEL] == 1
        assert server.requests and server.requests[0]["model"] == "tsql2ora"
    finally:
        server.stop()
    r = CliRunner().invoke(main, ["convert", str(src), "--no-cache", "-q", "-o", str(tmp_path / "d"),
                                  "--model-backend", "openai", "--model", "x", "--endpoint", "http://127.0.0.1:9/v1",
                                  "--accept-model"])
    assert r.exit_code == 1 and "MIGRATION TODO [TS0273]" in (tmp_path / "d" / "a.sql").read_text()
    r = CliRunner().invoke(main, ["convert", str(src), "-o", str(tmp_path / "e"), "--model-backend", "openai"])
    assert r.exit_code == 2 and "needs --model" in r.output


def test_oracle_check_of_model_answers_feeds_the_repair_loop(tmp_path):
    """With --validate oracle, each answer that passed the guardrail is compiled on Oracle; its
    errors reject it and go into the repair prompt (a stand-in for OracleValidator here: the real
    one needs MIGRATE_ORACLE_DSN, see tests/test_oracle_db.py)."""
    from migrator.model.oracle_check import oracle_validate_fn

    class FakeOracle:
        def __init__(self):
            self.compiled, self.cleaned = [], 0

        def validate(self, units):
            self.compiled += [u.text for u in units]
            if "OBJECT_TYPE = 'TABLE'" in units[0].text:
                return [{"code": "ORA-00904", "message": '"OBJECT_TYPE": invalid identifier', "line": 1,
                         "unit_line": 1, "col": 50, "severity": "error"}]
            return []

        def cleanup(self):
            self.cleaned += 1

    fixed = "SELECT OBJECT_NAME AS NAME FROM USER_TABLES;"
    be = Scripted(lambda user, repair: fixed if repair else GOOD)
    ora = FakeOracle()
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.sql").write_text(TSQL)
    cfg = Config(model={"backend": "openai", "model": "scripted", "accept": True})
    run = convert_tree(str(src), str(tmp_path / "out"), cfg, jobs=1, model_backend=be,
                       model_validate=oracle_validate_fn(ora))
    assert ora.compiled == [GOOD, fixed] and ora.cleaned == 2
    assert "ORA-00904 at 1:50" in be.prompts[1][-1]["content"]
    assert run.files[0].units[1].status == MODEL and fixed in (tmp_path / "out" / "a.sql").read_text()
