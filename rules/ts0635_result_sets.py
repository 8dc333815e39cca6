"""Result sets of procedures: a bare SELECT → DBMS_SQL.RETURN_RESULT (or OUT SYS_REFCURSOR).

T-SQL::

    CREATE PROCEDURE p AS
      SELECT a FROM t
      SELECT b FROM u

Oracle (default ``result_sets: implicit``, Oracle 12c+ implicit results, closest to what
T-SQL clients see)::

    CREATE OR REPLACE PROCEDURE P AS
      v_result_set1 SYS_REFCURSOR;
      v_result_set2 SYS_REFCURSOR;
    BEGIN
      OPEN v_result_set1 FOR SELECT A FROM T;
      DBMS_SQL.RETURN_RESULT(v_result_set1);
      OPEN v_result_set2 FOR SELECT B FROM U;
      DBMS_SQL.RETURN_RESULT(v_result_set2);
    END P;

With ``result_sets: refcursor`` each result set becomes an ``OUT SYS_REFCURSOR`` parameter
``P_RESULT_SET1``, ``P_RESULT_SET2`` … after the routine's own parameters. Several result sets
stay several, in order. A SELECT of variables only reads ``FROM DUAL``. A function cannot
return a result set (TODO); ``SELECT … INTO`` a table inside a routine is DDL (TS0670).
"""

from migrator.rulebook import define

RULE = define("TS0635", "procedural.result_sets", "procedural", __doc__)
