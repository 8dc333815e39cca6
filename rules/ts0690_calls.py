"""Procedure calls and dynamic SQL: EXEC proc, EXEC @rc = proc, EXEC(...), sp_executesql.

T-SQL → Oracle (PL/SQL; at script level the call becomes ``BEGIN … END;`` + ``/``)::

    EXEC dbo.p 1, @b = @x OUTPUT          p(1, p_b => v_x);
    EXEC @rc = dbo.p @a = 1               p(p_a => 1, p_return_status => v_rc);   -- p has RETURN n
                                          p(p_a => 1); v_rc := 0;                  -- p has no RETURN n
    EXEC p @a = DEFAULT                   p;             (a named DEFAULT argument is omitted)
    EXEC p @a = :host                     p(p_a => :host);   (client placeholders pass through)
    EXEC ('DELETE FROM t')                EXECUTE IMMEDIATE 'DELETE FROM T';
    EXEC sp_executesql N'SELECT … WHERE a = @p OR b = @p', N'@p INT', @p = @x
                                          EXECUTE IMMEDIATE '… WHERE A = :p OR B = :p' USING v_x, v_x;

- Named arguments use the callee's parameter names from the project catalog (``@Foo`` →
  ``p_foo``); a name the callee does not declare, a positional argument after a named one, a
  positional ``DEFAULT`` and an OUTPUT argument that is not a variable are TODO.
- ``EXEC @rc = p``: the catalog records whether ``p`` has ``RETURN n`` (then it was converted
  with an ``OUT`` parameter ``P_RETURN_STATUS``); a callee outside the project is TODO.
- The SQL in a literal is T-SQL and is converted like any statement; its ``@p`` parameters
  become ``:p`` placeholders. Oracle binds the placeholders of a dynamic SQL *statement* by
  position, not by name, so ``USING`` lists one value per placeholder occurrence, in order.
  A bind is never turned into concatenation.
- SQL text built at run time (``EXEC(@sql)``, ``sp_executesql @sql``) is TODO: the text is
  T-SQL and only a person can convert what it builds. OUTPUT parameters of sp_executesql,
  ``INSERT … EXEC``, system procedures (``sp_``/``xp_``) and procedures in another database
  are TODO.
"""

from migrator.rulebook import define

RULE = define("TS0690", "procedural.calls", "procedural", __doc__)
