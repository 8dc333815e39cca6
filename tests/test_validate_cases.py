"""Table-driven tests of the offline Oracle validator (migrator.validate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.validate import validate_paths, validate_text

DATA = Path(__file__).parent / "data" / "validate"


def errors(text: str, strict: bool = False):
    return [f for f in validate_text(text, strict=strict) if f.severity == "error"]


VALID = [
    "SELECT SYSDATE FROM dual;",
    "SELECT a.x FROM t a WHERE a.y IS NOT NULL;",
    "SELECT x FROM t AS OF TIMESTAMP SYSDATE - 1;",
    "BEGIN NULL; END;\n/",
    "DECLARE v NUMBER; BEGIN v := 1; END;\n/",
    "DECLARE v NUMBER := 2 ** 3; BEGIN v := v + 1; END;\n/",
    "BEGIN DBMS_OUTPUT.PUT_LINE('a' || 'b'); END;\n/",
    "DECLARE v DATE; BEGIN SELECT SYSDATE INTO v FROM dual; END;\n/",
    "DECLARE TYPE t IS TABLE OF NUMBER; v t; BEGIN SELECT 1 BULK COLLECT INTO v FROM dual; END;\n/",
    "BEGIN FOR r IN (SELECT 1 AS n FROM dual) LOOP DBMS_OUTPUT.PUT_LINE(r.n); END LOOP; END;\n/",
    "DECLARE v NUMBER; BEGIN v := DBMS_RANDOM.VALUE(low => 1, high => 10); END;\n/",
    "CREATE OR REPLACE PROCEDURE p(a IN VARCHAR2, b OUT NUMBER) IS BEGIN b := LENGTH(a); END;\n/",
    "BEGIN EXECUTE IMMEDIATE 'CREATE TABLE x (a NUMBER)'; END;\n/",
    "DECLARE n NUMBER; BEGIN UPDATE t SET a = 1 RETURNING a INTO n; IF SQL%ROWCOUNT = 0 THEN NULL; END IF; END;\n/",
    "SET SERVEROUTPUT ON\nBEGIN NULL; END;\n/\nEXIT",
    "SELECT o.a, x.n FROM t o CROSS APPLY (SELECT COUNT(*) n FROM u WHERE u.a = o.a) x;",
    "SELECT o.a FROM t o OUTER APPLY (SELECT 1 n FROM dual) x;",
    "SELECT a FROM t ORDER BY a OFFSET (10) ROWS FETCH NEXT 5 ROWS ONLY;",
    "SELECT XMLSERIALIZE(CONTENT XMLELEMENT(\"r\", a) AS CLOB INDENT SIZE = 2) AS x FROM t;",
    "DECLARE CURSOR c IS SELECT a, b FROM t FOR UPDATE OF a, b; BEGIN NULL; END;\n/",
    "CREATE OR REPLACE TRIGGER trg FOR INSERT ON t COMPOUND TRIGGER\n  n PLS_INTEGER := 0;\n"
    "  AFTER EACH ROW IS\n  BEGIN\n    n := n + 1;\n  END AFTER EACH ROW;\n"
    "  AFTER STATEMENT IS\n  BEGIN\n    DBMS_OUTPUT.PUT_LINE(n);\n  END AFTER STATEMENT;\nEND trg;\n/",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_snippets_have_no_errors(text):
    assert errors(text) == []


# (text, code, line, col) of the first error
INVALID = [
    ("SELECT TOP 5 a FROM t;", "ORA-00923", 1, 8),
    ("SELECT [a] FROM t;", "ORA-00936", 1, 8),
    ("SELECT a FROM t WHERE b = @v;", "ORA-00936", 1, 27),
    ("SELECT a FROM t LIMIT 5;", "ORA-00933", 1, 17),
    ("SELECT a FROM t AS x;", "ORA-00933", 1, 17),
    ("SELECT 1;", "ORA-00923", 1, 1),
    ("SELECT * FROM #tmp;", "ORA-00911", 1, 15),
    ("SELECT ISNULL(a, 0) FROM t;", "ORA-00904", 1, 8),
    ("SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP;", "ORA-00933", 1, 38),
    ("GO", "ORA-00900", 1, 1),
    ("BEGIN\n  v := GETDATE();\nEND;\n/", "PLS-00201", 2, 3),
    ("DECLARE v DATE;\nBEGIN\n  v := GETDATE();\nEND;\n/", "PLS-00201", 3, 8),
    ("DECLARE v NUMBER;\nBEGIN\n  v = 1;\nEND;\n/", "PLS-00103", 3, 5),
    ("DECLARE v NUMBER;\nBEGIN\n  SELECT 1 FROM dual;\nEND;\n/", "PLS-00428", 3, 3),
    ("BEGIN\n  CREATE TABLE x (a NUMBER);\nEND;\n/", "PLS-00103", 2, 3),
    ("CREATE PROCEDURE p(a IN VARCHAR2(10)) IS\nBEGIN NULL; END;\n/", "PLS-00103", 1, 33),
    ("CREATE PROCEDURE p(a IN NUMBER) IS\nBEGIN\n  a := 1;\nEND;\n/", "PLS-00363", 3, 3),
    ("CREATE PROCEDURE q(a OUT NUMBER) IS BEGIN a := 1; END;\n/\nBEGIN\n  q(5);\nEND;\n/", "PLS-00363", 4, 5),
    ("BEGIN\n  IF x > 1 THEN NULL; END IF;\nEND;\n/", "PLS-00201", 2, 6),
    ("BEGIN\n  RAISE my_error;\nEND;\n/", "PLS-00201", 2, 9),
    ("DECLARE v DATETIME;\nBEGIN NULL; END;\n/", "PLS-00201", 1, 11),
    ("BEGIN\n  IF 1 = 1 THEN\n  END IF;\nEND;\n/", "PLS-00103", 3, 3),
    ("BEGIN\n  DBMS_OUTPUT.PUT_LINE(LEN('x'));\nEND;\n/", "PLS-00201", 2, 24),
    ("SELECT XMLSERIALIZE(CONTENT ) FROM t;", "ORA-00936", 1, 29),
]


@pytest.mark.parametrize("text,code,line,col", INVALID)
def test_each_error_kind_has_its_code_and_position(text, code, line, col):
    found = errors(text)
    assert found, f"no error for {text!r}"
    first = found[0]
    assert (first.code, first.line, first.col) == (code, line, col), found


def test_unknown_table_is_a_warning_by_default_and_an_error_in_strict_mode():
    text = "SELECT a FROM nowhere;"
    assert errors(text) == []
    assert [f.code for f in validate_text(text)] == ["ORA-00942"]
    assert [f.code for f in errors(text, strict=True)] == ["ORA-00942"]


def test_catalog_spans_files_and_packages():
    text = ("CREATE TABLE t1 (a NUMBER);\nCREATE PACKAGE pk AS PROCEDURE run(x OUT NUMBER); END;\n/\n"
            "BEGIN\n  pk.run(1);\n  pk.nope;\nEND;\n/")
    codes = [(f.code, f.line) for f in errors(text, strict=True)]
    assert codes == [("PLS-00363", 5), ("PLS-00302", 6)]


def test_finding_fields_and_json():
    f = errors("SELECT TOP 1 a FROM t;")[0]
    d = f.to_dict()
    assert set(d) == {"path", "unit", "code", "message", "line", "col", "end_line", "end_col", "severity"}
    assert d["end_col"] > d["col"]


@pytest.mark.parametrize("name", ["valid_pkg.sql", "valid_trigger.sql"])
def test_hand_written_valid_scripts(name):
    found = [f for f in validate_paths([str(DATA / name)], strict=True) if f.severity == "error"]
    assert found == []


def test_cli_json(capsys):
    from migrator.validate.__main__ import main

    rc = main([str(DATA / "valid_pkg.sql"), "--json"])
    assert rc == 0
