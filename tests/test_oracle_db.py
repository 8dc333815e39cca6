"""Validation on a real Oracle 19c. Without MIGRATE_ORACLE_DSN only the offline parts run.

To run the database tests, start Oracle Database Free (see README "Validating on Oracle") and
export MIGRATE_ORACLE_DSN, MIGRATE_ORACLE_USER and MIGRATE_ORACLE_PASSWORD for an empty
scratch schema.
"""

import os

import pytest

from migrator import oracle_db
from migrator.oracle_db import OracleUnit, OracleUnavailable, OracleValidator

HAVE_DB = bool(os.environ.get("MIGRATE_ORACLE_DSN"))


@pytest.mark.parametrize("text,kind", [
    ("CREATE TABLE T (A NUMBER(10));", "table"),
    ("-- MIGRATION NOTE [TS0100]: x\nCREATE OR REPLACE PROCEDURE P AS\nBEGIN\n  NULL;\nEND P;", "procedure"),
    ("CREATE OR REPLACE PACKAGE BODY PK AS END;", "package body"),
    ("CREATE GLOBAL TEMPORARY TABLE TT_X (A NUMBER) ON COMMIT PRESERVE ROWS;", "table"),
    ("CREATE UNIQUE INDEX IX ON T(A);", "index"),
    ("DECLARE\n  v NUMBER;\nBEGIN\n  NULL;\nEND;", "block"),
    ("BEGIN\n  NULL;\nEND;", "block"),
    ("SELECT 1 FROM DUAL;", "query"),
    ("MERGE INTO T USING DUAL ON (1 = 1) WHEN MATCHED THEN UPDATE SET A = 1;", "dml"),
    ("COMMENT ON TABLE T IS 'x';", "comment"),
    ("DROP TABLE T;", "other"),
])
def test_classify(text, kind):
    assert oracle_db.classify(text) == kind


def test_object_of_and_block_wrapping():
    assert oracle_db.object_of("CREATE OR REPLACE EDITIONABLE FUNCTION hr.Get_X (p NUMBER) RETURN NUMBER AS") == \
        ("FUNCTION", "GET_X")
    wrapped = oracle_db.wrap_block("DECLARE\n  v NUMBER;\nBEGIN\n  v := 1;\nEND;", "MIGRATE$CHK_1")
    assert wrapped.splitlines()[0] == "CREATE OR REPLACE PROCEDURE MIGRATE$CHK_1 AS"
    assert "DECLARE" not in wrapped and "v := 1;" in wrapped


def test_position_of_offsets():
    text = "SELECT a\nFROM t\nWHERE x = 1"
    assert oracle_db.position(text, 0) == (1, 1)
    assert oracle_db.position(text, text.index("t\n")) == (2, 6)
    assert oracle_db.position(text, text.index("x")) == (3, 7)


def test_not_configured_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("MIGRATE_ORACLE_DSN", raising=False)
    with pytest.raises(OracleUnavailable, match="MIGRATE_ORACLE_DSN"):
        with OracleValidator():
            pass


def test_unreachable_database_is_a_clear_error(monkeypatch):
    pytest.importorskip("oracledb")
    monkeypatch.setenv("MIGRATE_ORACLE_DSN", "127.0.0.1:9/NOPE")
    monkeypatch.setenv("MIGRATE_ORACLE_USER", "scott")
    monkeypatch.setenv("MIGRATE_ORACLE_PASSWORD", "s3cr3t-never-printed")
    with pytest.raises(OracleUnavailable) as err:
        with OracleValidator(call_timeout_ms=2000):
            pass
    assert "127.0.0.1:9/NOPE" in str(err.value)
    assert "s3cr3t-never-printed" not in str(err.value)


@pytest.mark.skipif(not HAVE_DB, reason="MIGRATE_ORACLE_DSN not set: no Oracle database to compile on")
def test_compile_errors_map_to_output_lines():
    units = [
        OracleUnit("t.sql", "T", "CREATE TABLE MIGRATE_T1 (A NUMBER(10));", 1),
        OracleUnit("p.sql", "P", "-- note line\nCREATE OR REPLACE PROCEDURE MIGRATE_P1 AS\nBEGIN\n"
                                 "  v_missing := 1;\nEND MIGRATE_P1;", 10),
        OracleUnit("q.sql", "Q", "SELECT NOPE FROM MIGRATE_T1;", 30),
        OracleUnit("b.sql", "B", "DECLARE\n  v NUMBER;\nBEGIN\n  v := GETDATE();\nEND;", 40),
    ]
    with OracleValidator() as v:
        findings = v.validate(units)
    by_unit = {f["unit"]: f for f in findings}
    assert "T" not in by_unit
    assert by_unit["P"]["code"] == "PLS-00201" and by_unit["P"]["line"] == 13
    assert by_unit["Q"]["code"] == "ORA-00904" and by_unit["Q"]["line"] == 30
    assert by_unit["B"]["line"] == 43
