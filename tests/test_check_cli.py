"""`migrate check` and `migrate convert --validate`: exit codes, formats, output files, mapping."""

import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from migrator.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _tree(tmp_path):
    root = tmp_path / "oracle"
    (root / "procs").mkdir(parents=True)
    (root / "procs" / "p.sql").write_text(
        "CREATE OR REPLACE PROCEDURE P AS\n  v NUMBER;\nBEGIN\n  v := GETDATE();\nEND P;\n/\n")
    (root / "ok.sql").write_text("CREATE TABLE T (A NUMBER(10));\n")
    return root


def test_check_exit_codes_and_human(tmp_path):
    root = _tree(tmp_path)
    r = run("check", str(root))
    assert r.exit_code == 1
    assert "procs/p.sql:4:" in r.output and "PLS-00201" in r.output
    (root / "procs" / "p.sql").write_text("CREATE OR REPLACE PROCEDURE P AS\nBEGIN\n  NULL;\nEND P;\n/\n")
    assert run("check", str(root)).exit_code == 0
    assert run("check", str(tmp_path / "missing")).exit_code == 2


def test_check_formats_to_files(tmp_path):
    root = _tree(tmp_path)
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    assert run("check", str(root), "--format", "sarif", "--output-file", str(sarif)).exit_code == 1
    log = json.loads(sarif.read_text())
    res = log["runs"][0]["results"]
    assert res and res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "procs/p.sql"
    assert run("check", str(root), "--format", "junit", "--output-file", str(junit)).exit_code == 1
    suites = {s.get("name"): s for s in ET.parse(junit).getroot().findall("testsuite")}
    assert suites["procs/p.sql"].get("failures") == "1" and suites["ok.sql"].get("failures") == "0"
    gh = run("check", str(root), "--format", "github")
    assert gh.output.startswith("::error file=procs/p.sql,line=4,")


def test_check_oracle_mode_without_database_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("MIGRATE_ORACLE_DSN", raising=False)
    r = CliRunner().invoke(main, ["check", str(_tree(tmp_path)), "--validate", "oracle"])
    assert r.exit_code == 2 and "MIGRATE_ORACLE_DSN" in r.output


def test_convert_validate_maps_findings_to_units_and_tsql_lines(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "t.sql").write_text("CREATE TABLE dbo.T (id INT NOT NULL)\nGO\nSELECT id FROM dbo.T\n")
    r = run("convert", str(src), "-o", str(out), "--no-cache", "-q", "--validate", "offline")
    assert r.exit_code == 0, r.output
    report = json.loads((out / "migration-report.json").read_text())
    assert report["validation"]["errors"] == 0


def test_attach_to_run_maps_output_lines_to_units(tmp_path):
    from migrator.checking import attach_to_run
    from migrator.config import Config
    from migrator.pipeline import convert_tree

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.sql").write_text("CREATE TABLE dbo.A (id INT)\nGO\n\n\nCREATE VIEW dbo.V AS\nSELECT id\nFROM dbo.A\n")
    run_ = convert_tree(str(src), str(out), Config(), jobs=1)
    text = (out / "a.sql").read_text().splitlines()
    view_line = next(i for i, line in enumerate(text, 1) if line.startswith("CREATE OR REPLACE VIEW"))
    finding = {"path": "a.sql", "code": "ORA-00942", "message": "x", "severity": "error", "line": view_line + 2,
               "col": 1}
    v = attach_to_run([finding], run_)
    assert v["errors"] == 1
    f = v["by_file"]["a.sql"][0]
    assert f["unit_index"] == 1 and f["unit_line"] == 3 and f["tsql_line"] == 5


def test_check_html_report(tmp_path):
    root = _tree(tmp_path)
    html = tmp_path / "check.html"
    assert run("check", str(root), "--html", str(html)).exit_code == 1
    page = html.read_text()
    assert "Oracle script check" in page and "PLS-00201" in page
    assert '<span class="verr">  v := GETDATE();</span>' in page
