"""Statement segmentation without semicolons: table-driven (T-SQL text -> node outline)."""

import pytest

from migrator.frontend.nodes import Block, If, Label, Opaque, Routine, Statement, TryCatch, While
from migrator.frontend.segment import _iter_windows, segment_batch
from migrator.source import SourceFile, split_batches


def show(n) -> str:
    if isinstance(n, Statement):
        return f"S:{n.keyword}"
    if isinstance(n, If):
        return f"IF({show(n.then)}{' ELSE ' + show(n.else_) if n.else_ else ''})"
    if isinstance(n, While):
        return f"WHILE({show(n.body)})"
    if isinstance(n, Block):
        return "BLOCK[" + ",".join(show(c) for c in n.body) + "]"
    if isinstance(n, TryCatch):
        return "TRY[" + ",".join(show(c) for c in n.try_body) + "|" + ",".join(show(c) for c in n.catch_body) + "]"
    if isinstance(n, Label):
        return f"L:{n.name}"
    if isinstance(n, Routine):
        return f"R:{n.kind}"
    if isinstance(n, Opaque):
        return f"O:{n.reason}"
    return type(n).__name__


def outline(text: str) -> str:
    src = SourceFile.from_text("a.sql", text)
    return " ; ".join(show(n) for b in split_batches(src.text) for n in segment_batch(src, b))


CASES = [
    ('INSERT INTO t (a) SELECT a FROM s WHERE x = 1 SELECT 2',
     'S:INSERT ; S:SELECT'),
    ('SELECT a FROM t UNION SELECT b FROM s UNION ALL SELECT c FROM u',
     'S:SELECT'),
    ('WITH c AS (SELECT 1 a) SELECT a FROM c SELECT 2',
     'S:WITH ; S:SELECT'),
    ('WITH c (x) AS (SELECT 1) INSERT INTO t SELECT x FROM c',
     'S:WITH'),
    ('UPDATE t SET a = s.b FROM t JOIN s ON s.id = t.id WHERE t.x = 1 DELETE FROM u',
     'S:UPDATE ; S:DELETE'),
    ('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id); SELECT 1',
     'S:MERGE ; S:SELECT'),
    ('MERGE t USING s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED BY SOURCE THEN DELETE SELECT 1',
     'S:MERGE ; S:SELECT'),
    ('IF @a = 1 SELECT 1 ELSE SELECT 2 SELECT 3',
     'IF(S:SELECT ELSE S:SELECT) ; S:SELECT'),
    ('IF @a = 1 BEGIN SELECT 1 SELECT 2 END ELSE BEGIN SELECT 3 END SELECT 4',
     'IF(BLOCK[S:SELECT,S:SELECT] ELSE BLOCK[S:SELECT]) ; S:SELECT'),
    ('IF @a = 1 IF @b = 2 SELECT 1 ELSE SELECT 2',
     'IF(IF(S:SELECT ELSE S:SELECT))'),
    ('IF EXISTS (SELECT 1 FROM t) DELETE FROM t',
     'IF(S:DELETE)'),
    ("IF (SELECT COUNT(*) FROM t) > 0 PRINT 'x'",
     'IF(S:PRINT)'),
    ('WHILE @i < 10 BEGIN SET @i = @i + 1 IF @i = 5 BREAK END',
     'WHILE(BLOCK[S:SET,IF(S:BREAK)])'),
    ('WHILE @@FETCH_STATUS = 0 FETCH NEXT FROM c INTO @x',
     'WHILE(S:FETCH)'),
    ('BEGIN TRY SELECT 1 END TRY BEGIN CATCH SELECT ERROR_MESSAGE() END CATCH SELECT 2',
     'TRY[S:SELECT|S:SELECT] ; S:SELECT'),
    ('DECLARE @x INT SET @x = 1 SELECT @x',
     'S:DECLARE ; S:SET ; S:SELECT'),
    ('DECLARE @x INT = 5, @y VARCHAR(10) SELECT @x',
     'S:DECLARE ; S:SELECT'),
    ('DECLARE c CURSOR FOR SELECT a FROM t FOR UPDATE OPEN c',
     'S:DECLARE ; S:OPEN'),
    ('DECLARE c CURSOR LOCAL FAST_FORWARD FOR SELECT a FROM t OPEN c FETCH NEXT FROM c INTO @a CLOSE c DEALLOCATE c',
     'S:DECLARE ; S:OPEN ; S:FETCH ; S:CLOSE ; S:DEALLOCATE'),
    ('DECLARE c CURSOR FOR SELECT a FROM t FOR UPDATE OF a OPEN c',
     'S:DECLARE ; S:OPEN'),
    ('SELECT a FROM t ORDER BY a OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY SELECT 2',
     'S:SELECT ; S:SELECT'),
    ('ALTER TABLE t DROP COLUMN a ALTER TABLE t ADD b INT ALTER TABLE t ALTER COLUMN c INT NOT NULL SELECT 1',
     'S:ALTER ; S:ALTER ; S:ALTER ; S:SELECT'),
    ('ALTER TABLE t DROP CONSTRAINT pk_t DROP TABLE u',
     'S:ALTER ; S:DROP'),
    ('GRANT SELECT, INSERT ON t TO bob GRANT EXECUTE ON p TO alice SELECT 1',
     'S:GRANT ; S:GRANT ; S:SELECT'),
    ('DROP TABLE IF EXISTS t SELECT 1',
     'S:DROP ; S:SELECT'),
    ('lbl: SELECT 1 GOTO lbl',
     'L:lbl ; S:SELECT ; S:GOTO'),
    ("SELECT CASE WHEN a = 1 THEN 'x' ELSE 'y' END AS c, CASE a WHEN 1 THEN 2 END FROM t SELECT 2",
     'S:SELECT ; S:SELECT'),
    ('BEGIN TRAN t1 UPDATE t SET a = 1 COMMIT TRAN t1 SELECT 1',
     'S:BEGIN ; S:UPDATE ; S:COMMIT ; S:SELECT'),
    ('BEGIN TRANSACTION UPDATE t SET a = 1 ROLLBACK TRANSACTION',
     'S:BEGIN ; S:UPDATE ; S:ROLLBACK'),
    ("RAISERROR ('x %s', 16, 1, @a) WITH NOWAIT SELECT 1",
     'S:RAISERROR ; S:SELECT'),
    ('EXEC dbo.p @a = 1, @b = @x OUTPUT SELECT 1',
     'S:EXEC ; S:SELECT'),
    ("EXEC sp_executesql @sql, N'@p INT', @p = 1 PRINT 'done'",
     'S:EXEC ; S:PRINT'),
    ("PRINT 'a' + @b SELECT 1",
     'S:PRINT ; S:SELECT'),
    ('SELECT 1 CREATE PROCEDURE p AS SELECT 1 SELECT 2',
     'S:SELECT ; R:procedure'),
    ('CREATE PROCEDURE p AS BEGIN SELECT 1 END SELECT 2',
     'R:procedure'),
    ('SELECT 1 END SELECT 2',
     'S:SELECT ; O:unexpected END (no matching BEGIN/IF) ; S:SELECT'),
    ('SELECT a FROM t WITH (NOLOCK) WHERE x = 1 SELECT 2',
     'S:SELECT ; S:SELECT'),
    ('SELECT TOP 5 WITH TIES a FROM t ORDER BY a SELECT 2',
     'S:SELECT ; S:SELECT'),
    ('INSERT INTO t EXEC p SELECT 1',
     'S:INSERT ; S:SELECT'),
    ('INSERT INTO t VALUES (1) SELECT 1',
     'S:INSERT ; S:SELECT'),
    ('SET NOCOUNT ON SET XACT_ABORT ON SELECT 1',
     'S:SET ; S:SET ; S:SELECT'),
    ('UPDATE t SET a = 1 WHERE b IN (SELECT b FROM s) SELECT 2',
     'S:UPDATE ; S:SELECT'),
    ('SELECT a INTO #t FROM s SELECT * FROM #t',
     'S:SELECT ; S:SELECT'),
    ('RETURN SELECT 1',
     'S:RETURN ; S:SELECT'),
    ('RETURN 5',
     'S:RETURN'),
    ("THROW 50001, 'x', 1 SELECT 1",
     'S:THROW ; S:SELECT'),
    ('TRUNCATE TABLE t SELECT 1',
     'S:TRUNCATE ; S:SELECT'),
    ('SAVE TRANSACTION sp1 ROLLBACK TRANSACTION sp1',
     'S:SAVE ; S:ROLLBACK'),
    ('DELETE t FROM t JOIN s ON s.id = t.id SELECT 1',
     'S:DELETE ; S:SELECT'),
    ('UPDATE STATISTICS t SELECT 1',
     'S:UPDATE ; S:SELECT'),
    ("WAITFOR DELAY '00:00:01' SELECT 1",
     'S:WAITFOR ; S:SELECT'),
    ('SELECT 1; SELECT 2;',
     'S:SELECT ; S:SELECT'),
    ('IF 1 = 1 SELECT 1; ELSE SELECT 2;',
     'IF(S:SELECT ELSE S:SELECT)'),
    ('CREATE TABLE t (a INT) CREATE INDEX ix ON t (a) SELECT 1',
     'S:CREATE ; S:CREATE ; S:SELECT'),
    ('DECLARE @t TABLE (a INT) INSERT INTO @t VALUES (1) SELECT * FROM @t',
     'S:DECLARE ; S:INSERT ; S:SELECT'),
    ("SELECT a FROM t FOR XML PATH('') SELECT 2",
     'S:SELECT ; S:SELECT'),
    ('SELECT 1 AS [END] SELECT 2',
     'S:SELECT ; S:SELECT'),
    ('UPDATE t SET a = CASE WHEN b = 1 THEN 2 END SELECT 2',
     'S:UPDATE ; S:SELECT'),
    ('OPEN c FETCH NEXT FROM c INTO @a WHILE @@FETCH_STATUS = 0 BEGIN PRINT @a FETCH NEXT FROM c INTO @a END',
     'S:OPEN ; S:FETCH ; WHILE(BLOCK[S:PRINT,S:FETCH])'),
    ('ENABLE TRIGGER tr ON t SELECT 1',
     'S:ENABLE ; S:SELECT'),
    ('SET @x = (SELECT MAX(a) FROM t) SELECT @x',
     'S:SET ; S:SELECT'),
    ('SELECT @x = MAX(a) FROM t SET @y = 1',
     'S:SELECT ; S:SET'),
    ("EXEC('SELECT 1') SELECT 2",
     'S:EXEC ; S:SELECT'),
    ('COMMIT SELECT 1',
     'S:COMMIT ; S:SELECT'),
    ('BEGIN DISTRIBUTED TRANSACTION SELECT 1',
     'S:BEGIN ; S:SELECT'),
    ('REVOKE SELECT ON t FROM bob SELECT 1',
     'S:REVOKE ; S:SELECT'),
    ('IF @a = 1 SELECT 1 ELSE IF @b = 2 SELECT 2 ELSE SELECT 3 SELECT 4',
     'IF(S:SELECT ELSE IF(S:SELECT ELSE S:SELECT)) ; S:SELECT'),
    ('ELSE SELECT 1',
     'O:unexpected ELSE (no matching BEGIN/IF) ; S:SELECT'),
    ('END CONVERSATION @h SELECT 1',
     'S:END ; S:SELECT'),
    ('WITH c AS (SELECT 1 a) UPDATE t SET a = 1 FROM c SELECT 2',
     'S:WITH ; S:SELECT'),
    ('GRANT SELECT ON t TO bob WITH GRANT OPTION SELECT 1',
     'S:GRANT ; S:SELECT'),
] 


@pytest.mark.parametrize("tsql,expected", CASES)
def test_segment(tsql, expected):
    assert outline(tsql) == expected


@pytest.mark.parametrize("tsql", [c for c, _ in CASES])
def test_statement_text_is_its_span(tsql):
    src = SourceFile.from_text("a.sql", tsql)
    for b in split_batches(src.text):
        for n in segment_batch(src, b):
            assert src.text[n.span.start:n.span.end] == n.text


def test_multiline_without_semicolons():
    text = """INSERT INTO dbo.t (a, b)
SELECT a, b
FROM s
WHERE a > 1
UPDATE dbo.t
SET b = 2
WHERE a = 1
DELETE FROM dbo.t WHERE a IS NULL
"""
    assert outline(text) == "S:INSERT ; S:UPDATE ; S:DELETE"


def test_windowed_segmentation_matches_whole_batch():
    """A batch over the window size is tokenized in windows; nodes must not change."""
    parts = []
    for i in range(60):
        parts.append(f"INSERT INTO t (a, b) VALUES ({i}, 'x{i} -- not a comment')\n")
        if i % 7 == 0:
            parts.append("IF @a = 1\n  SELECT 1\nELSE\n  SELECT 2\n/* a comment\nacross lines */\n")
        if i % 11 == 0:
            parts.append("BEGIN TRY\n SELECT 1\nEND TRY\nBEGIN CATCH\n SELECT 2\nEND CATCH\n")
    text = "".join(parts)
    src = SourceFile.from_text("a.sql", text)
    (batch,) = split_batches(src.text)
    whole = [(show(n), n.span, n.text) for n in segment_batch(src, batch)]
    for chunk in (40, 100, 333):
        windowed = [(show(n), n.span, n.text) for n in _iter_windows(src, batch, chunk)]
        assert windowed == whole


def test_windowed_routine_takes_the_rest():
    text = "SELECT 1\n" * 30 + "CREATE PROCEDURE p AS\nBEGIN\n" + "  SELECT 2\n" * 50 + "END\n"
    src = SourceFile.from_text("a.sql", text)
    (batch,) = split_batches(src.text)
    nodes = list(_iter_windows(src, batch, 50))
    assert [show(n) for n in nodes] == ["S:SELECT"] * 30 + ["R:procedure"]
    assert nodes[-1].text.endswith("END")
