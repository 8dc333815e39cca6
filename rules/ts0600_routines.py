"""Routines: CREATE [OR ALTER] PROC[EDURE] / FUNCTION headers, parameters, RETURN status codes, WITH options.

=========================================  ==================================================
T-SQL                                      PL/SQL
=========================================  ==================================================
``CREATE [OR ALTER] PROC[EDURE] s.p``      ``CREATE OR REPLACE PROCEDURE [S.]P`` (``dbo`` dropped)
``@Name nvarchar(50)``                     ``p_name IN NVARCHAR2`` (no length on parameter types)
``@x int = 0`` / ``= NULL``                ``p_x IN NUMBER DEFAULT 0`` / ``DEFAULT NULL``
``@x int OUTPUT`` / ``OUT``                ``p_x IN OUT NUMBER`` (T-SQL OUTPUT parameters are read too)
``@x sysname``                             ``NVARCHAR2`` (sysname = nvarchar(128))
``WITH EXECUTE AS OWNER|SELF``             ``AUTHID DEFINER``
``WITH EXECUTE AS CALLER``                 ``AUTHID CURRENT_USER`` (note: no ownership chaining)
``WITH EXECUTE AS 'user'``                 ``AUTHID DEFINER`` (note)
``WITH RECOMPILE|ENCRYPTION|SCHEMABINDING`` removed (info)
``RETURN`` in a procedure                  ``RETURN;`` (allowed in PL/SQL procedures)
``RETURN n`` in a procedure                ``p_return_status := n; RETURN;`` with an added last parameter
                                           ``p_return_status OUT NUMBER`` set to 0 on entry (T-SQL returns 0
                                           when the body ends without RETURN n) — the documented
                                           convention for status codes; callers pass a variable
``RETURN expr`` in a scalar function       ``RETURN expr;`` (a subquery is evaluated into a variable first)
body ``BEGIN … END``                       one outer ``BEGIN … END name;`` followed by ``/``
variables                                  hoisted into the declaration section (see TS0610)
numbered procedures ``p;2``                TODO
nested ``CREATE`` in a body                TODO
=========================================  ==================================================

The conversion lives in ``migrator/plsql/converter.py`` and ``migrator/plsql/header.py``.
"""

from migrator.rulebook import define

RULE = define("TS0600", "procedural.routines", "procedural", __doc__)
