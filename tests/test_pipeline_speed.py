"""The speed-ups of pipeline.convert_tree change nothing: the catalog pass's parse reused by
conversion, workers doing the catalog pass, a large file converted in batch ranges by several
workers, the rule engine's traversal and the guard's walk order."""

import os

import pytest
from sqlglot import exp

from migrator.api import convert_text
from migrator.config import Config
from migrator.pipeline import _split, convert_tree
from migrator.rulebook import Unconvertible
from migrator.source import SourceFile


def _files(root):
    return {os.path.relpath(os.path.join(d, f), root): open(os.path.join(d, f), "rb").read()
            for d, _, fs in os.walk(root) for f in fs if f not in {"migration-report.json", "migration-report.html"}}


def _project(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a_tables.sql").write_text(
        "-- lead comment\nCREATE TABLE dbo.T (a VARCHAR(10), b INT) -- trailing\nGO\n"
        "ALTER TABLE dbo.T ADD c AS (b + 1) /* computed */\nGO\n"
        "CREATE VIEW dbo.V AS SELECT a, b FROM dbo.T\nGO\n")
    big = ["CREATE TABLE dbo.Big (id INT NOT NULL, name NVARCHAR(40))\nGO\n"]
    for i in range(120):  # many batches: split into ranges converted by different workers
        big.append(f"INSERT dbo.Big VALUES ({i}, N'n{i}')\nINSERT INTO dbo.T (a, b) VALUES ('x', {i})\n"
                   f"-- between batches {i}\nGO\n")
    big.append("SELECT TOP 5 name + '!' FROM dbo.Big ORDER BY id\nGO 2\n")
    (src / "big.sql").write_text("".join(big))
    for i in range(10):
        (src / f"q{i:02}.sql").write_text(f"SELECT a + 'x', b / {i + 1}, c FROM dbo.T WHERE b > {i}\n")
    return src


@pytest.mark.parametrize("jobs", [2, 3])
def test_parallel_with_split_file_equals_serial(tmp_path, jobs):
    src = _project(tmp_path)
    r1 = convert_tree(str(src), str(tmp_path / "o1"), Config(), jobs=1)
    r2 = convert_tree(str(src), str(tmp_path / "o2"), Config(), jobs=jobs)
    assert _files(tmp_path / "o1") == _files(tmp_path / "o2")
    assert [f.to_dict() for f in r1.files] == [f.to_dict() for f in r2.files]
    assert [u.out_line for f in r1.files for u in f.units] == [u.out_line for f in r2.files for u in f.units]
    assert r1.catalog.fingerprint() == r2.catalog.fingerprint()


def test_split_ranges_cover_the_file_in_order():
    text = "".join(f"SELECT {i}\nGO\n" for i in range(50))
    src = SourceFile.from_text("x.sql", text)
    ranges = _split(src, len(text), len(text) // 4)
    assert len(ranges) >= 3
    assert ranges[0][0] == 0 and ranges[-1][1] == 50
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert _split(src, len(text), len(text)) == []  # not larger than its share: whole
    one = SourceFile.from_text("y.sql", "SELECT 1\n" * 100)
    assert _split(one, 900, 10) == []  # one batch: whole


def test_catalog_parse_reused_by_conversion_is_the_same_as_a_fresh_parse(tmp_path):
    # conversion reuses the catalog pass's tree: comments around the statement are gap text
    text = ("-- before\nCREATE TABLE dbo.T (a INT /* inner */, b VARCHAR(5)) -- after\nGO\n"
            "/* block */ ALTER TABLE dbo.T ADD c INT\n")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "t.sql").write_text(text)
    run = convert_tree(str(tmp_path / "s"), str(tmp_path / "o"), Config(), jobs=1)
    assert run.files[0].output == convert_text(text, path="t.sql").output


def test_engine_pre_replacement_of_another_class_is_visited_afresh():
    from migrator.rulebook import Engine, Rule

    seen = []
    rule = Rule("TS9999", "test.engine", "", "", "test")
    rule.transforms = [((exp.Column,), lambda n, ctx: exp.Literal.number(1) if n.name == "x" else n, "pre"),
                       ((exp.Literal,), lambda n, ctx: seen.append(n.this) or n, "post")]
    engine = Engine(rules={"TS9999": rule})
    tree = exp.select("x", "y").from_("t")
    out = engine.apply(tree, None)
    assert out.sql() == "SELECT 1, y FROM t"
    assert seen == ["1"]


def test_guard_reports_the_first_bad_node_breadth_first():
    from migrator.backend.oracle import guard

    tree = exp.select(exp.Anonymous(this="OUTER_FN", expressions=[exp.Anonymous(this="INNER_FN")])).from_("t")
    with pytest.raises(Unconvertible, match="OUTER_FN"):
        guard(tree)
