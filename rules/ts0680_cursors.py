"""Cursors: DECLARE CURSOR, cursor variables, OPEN / FETCH / CLOSE / DEALLOCATE, @@FETCH_STATUS.

=========================================  ==================================================
T-SQL                                      PL/SQL
=========================================  ==================================================
``DECLARE c CURSOR [LOCAL|GLOBAL]          ``CURSOR c_c IS select;`` in the declaration section,
[FORWARD_ONLY] [STATIC|FAST_FORWARD]       after the variables (PL/SQL binds the variables a
[READ_ONLY] FOR select``                   cursor query uses at OPEN, like T-SQL). STATIC and
                                           READ_ONLY need nothing: an Oracle cursor reads a
                                           consistent snapshot as of OPEN
``SCROLL`` / ``KEYSET`` / ``DYNAMIC``      forward-only cursor, with a note
``DECLARE @c CURSOR``                      ``v_c SYS_REFCURSOR;``
``SET @c = CURSOR … FOR select``           kept for the OPEN: ``OPEN v_c FOR select;``
``OPEN c``                                 ``OPEN c_c;``
``FETCH [NEXT] [FROM] c INTO @a, @b``      ``FETCH c_c INTO v_a, v_b;``
``FETCH PRIOR|FIRST|LAST|ABSOLUTE|         TODO: PL/SQL cursors are forward-only
RELATIVE``
``FETCH`` without ``INTO``                 TODO (it returns a row to the client)
``@@FETCH_STATUS = 0`` / ``<> 0``          ``c_c%FOUND`` / ``c_c%NOTFOUND`` of the cursor fetched last
``WHILE @@FETCH_STATUS = 0 BEGIN …         ``WHILE c_c%FOUND LOOP … END LOOP;``
FETCH NEXT … END``
``CLOSE c``                                ``CLOSE c_c;``
``DEALLOCATE c``                           removed (info)
=========================================  ==================================================

The handlers live in ``migrator/plsql/statements.py``; ``@@FETCH_STATUS`` in rule TS0610.
"""

from migrator.rulebook import define

RULE = define("TS0680", "procedural.cursors", "procedural", __doc__)
