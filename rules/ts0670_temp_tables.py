"""Temp tables and table variables → global temporary tables created once in the setup script.

T-SQL (inside a procedure or script)::

    CREATE TABLE #Work (Id INT NOT NULL PRIMARY KEY, Name NVARCHAR(50))
    SELECT CustomerId INTO #Ids FROM dbo.Customers
    DECLARE @t TABLE (Id INT)
    TRUNCATE TABLE #Work
    IF OBJECT_ID('tempdb..#Work') IS NOT NULL DROP TABLE #Work

Oracle (body; the tables go to ``migration-setup.sql``)::

    DELETE FROM TT_WORK;
    DELETE FROM TT_IDS;
    INSERT INTO TT_IDS (CUSTOMERID) SELECT CUSTOMERID FROM CUSTOMERS;
    DELETE FROM TT_P_T;
    DELETE FROM TT_WORK;
    DELETE FROM TT_WORK;

    -- setup: CREATE GLOBAL TEMPORARY TABLE TT_WORK (...) ON COMMIT PRESERVE ROWS;

Why: DDL is never static SQL in PL/SQL, and creating tables at run time is not how Oracle
works: a global temporary table is created once, its rows are private to each session, and
``ON COMMIT PRESERVE ROWS`` keeps them across commits like a T-SQL temp table. The routine
clears the rows where T-SQL created, truncated or dropped the table (``TRUNCATE`` would
commit). Names: ``#Orders`` → ``TT_ORDERS`` (different definitions of one name in the project
→ ``TT_ORDERS_<ROUTINE>``, noted); table variable ``@t`` of routine ``P`` → ``TT_P_T``.
``SELECT … INTO #t`` takes column types from the catalog or from ``CAST`` targets; an unknown
type is marked TODO, never guessed. A temp table used but created by a caller is found in the
project. Caveats (notes): ``##global`` tables are private per session in Oracle; table
variables' rows are rolled back with the transaction (T-SQL table variables are not).
Foreign keys are removed (Oracle temporary tables cannot have them). Table-valued parameters
``@ids dbo.IdList READONLY`` → ``p_ids IN IDLIST`` (types from TS0111), read as ``TABLE(p_ids)``.
The conversion lives in ``migrator/plsql/temp_tables.py``; references are renamed by TS0671.
"""

from migrator.rulebook import define

RULE = define("TS0670", "procedural.temp_tables", "procedural", __doc__)
