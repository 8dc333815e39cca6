"""The ``migrate`` command line: exit codes, report files, options."""

import json

from click.testing import CliRunner

from migrator.cli import main


def _project(tmp_path, good_only=False):
    src = tmp_path / "src"
    src.mkdir()
    (src / "t.sql").write_text("CREATE TABLE dbo.[Order Items] (id INT NOT NULL, qty INT)\nGO\n")
    (src / "q.sql").write_text("SELECT id, qty FROM dbo.[Order Items] WHERE qty > 1\n")
    if not good_only:
        (src / "x.sql").write_text("SELECT * FROM sys.objects\nSELECT FROM WHERE ((\n")
    return src


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_exit_0_when_everything_converts(tmp_path):
    src, out = _project(tmp_path, good_only=True), tmp_path / "out"
    r = run("convert", str(src), "-o", str(out), "--no-cache")
    assert r.exit_code == 0, r.output
    report = json.loads((out / "migration-report.json").read_text())
    assert report["summary"]["files"]["converted"] == 2
    assert {f["path"] for f in report["files"]} == {"t.sql", "q.sql"}
    names = json.loads((out / "name-map.json").read_text())
    assert "ORDER_ITEMS" in json.dumps(names)
    assert "ORDER_ITEMS" in (out / "q.sql").read_text()


def test_exit_1_when_something_is_marked(tmp_path):
    src, out = _project(tmp_path), tmp_path / "out"
    r = run("convert", str(src), "-o", str(out), "--no-cache", "-q")
    assert r.exit_code == 1
    report = json.loads((out / "migration-report.json").read_text())
    x = next(f for f in report["files"] if f["path"] == "x.sql")
    assert x["status"] in ("marked", "failed")
    assert all("line" in u and "col" in u for u in x["units"])
    assert "MIGRATION TODO" in (out / "x.sql").read_text()


def test_exit_2_on_usage_errors(tmp_path):
    src = _project(tmp_path)
    assert run("convert", str(tmp_path / "missing"), "-o", str(tmp_path / "o")).exit_code == 2
    assert run("convert", str(src), "-o", str(tmp_path / "o"), "--bogus").exit_code == 2
    assert run("convert", str(src)).exit_code == 2  # -o is required
    assert run("convert", str(src), "-o", str(src)).exit_code == 2  # would overwrite the sources
    (tmp_path / "empty").mkdir()
    assert run("convert", str(tmp_path / "empty"), "-o", str(tmp_path / "o")).exit_code == 2
    assert run("convert", str(src), "-o", str(tmp_path / "o"), "--jobs", "0").exit_code == 2


def test_output_inside_source_is_not_read_back(tmp_path):
    src = _project(tmp_path, good_only=True)
    for _ in range(2):
        r = run("convert", str(src), "-o", str(src / "oracle"), "--no-cache", "-q")
        assert r.exit_code == 0
    report = json.loads((src / "oracle" / "migration-report.json").read_text())
    assert {f["path"] for f in report["files"]} == {"t.sql", "q.sql"}


def test_progress_bar_without_a_tty(tmp_path):
    src = _project(tmp_path, good_only=True)
    r = run("convert", str(src), "-o", str(tmp_path / "o"), "--no-cache", "--progress")
    assert r.exit_code == 0


def test_summary_and_cache_hits(tmp_path):
    src = _project(tmp_path, good_only=True)
    args = ["convert", str(src), "-o", str(tmp_path / "o"), "--cache-dir", str(tmp_path / "cache")]
    run(*args)
    r = run(*args)
    assert r.exit_code == 0 and "(2 cached)" in " ".join(r.output.split())


def test_rules_lists_the_catalogue():
    r = run("rules")
    assert r.exit_code == 0 and "TS0100" in r.output
    rules = json.loads(run("rules", "--format", "json").output)
    assert any(x["id"] == "TS0100" for x in rules)


def test_schema_map_option(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "q.sql").write_text("SELECT a FROM sales.orders o JOIN dbo.items i ON i.id = o.id\n")
    r = run("convert", str(src), "-o", str(out), "--no-cache", "-q", "--schema-map", "sales=SALES_OWNER")
    assert r.exit_code == 0, r.output
    text = (out / "q.sql").read_text()
    assert "FROM SALES_OWNER.ORDERS O" in text and "JOIN ITEMS I" in text
    bad = run("convert", str(src), "-o", str(out), "--no-cache", "-q", "--schema-map", "sales")
    assert bad.exit_code == 2
