"""TRY/CATCH, RAISERROR, THROW and the ERROR_*() functions → PL/SQL exceptions.

- ``BEGIN TRY … END TRY BEGIN CATCH … END CATCH`` → a nested block with
  ``EXCEPTION WHEN OTHERS THEN``; the handler first saves ``SQLCODE``/``SQLERRM`` into
  ``v_error_number``/``v_error_message`` (SQLERRM cannot appear in SQL statements).
- ``ERROR_MESSAGE()`` → ``v_error_message``, ``ERROR_NUMBER()`` → ``v_error_number``
  (note: Oracle codes are negative, user errors -20000…-20999), ``ERROR_SEVERITY()`` →
  16, ``ERROR_STATE()`` → 1 (notes), ``ERROR_PROCEDURE()`` → the routine's name as a literal
  (NULL in a script, as in T-SQL), ``ERROR_LINE()`` → ``v_error_line``, taken in the handler
  from the first ``line N`` of ``DBMS_UTILITY.FORMAT_ERROR_BACKTRACE`` (a line of the Oracle
  unit, not of the T-SQL source: note).
- ``RAISERROR(msg, sev, state, args…)`` → ``RAISE_APPLICATION_ERROR(-20000, msg)`` with
  ``%s``/``%d`` substituted by concatenation; severity ≤ 10 → ``DBMS_OUTPUT.PUT_LINE``.
- ``THROW n, msg, state`` → ``RAISE_APPLICATION_ERROR(code(n), msg)``; ``THROW;`` → ``RAISE;``.

Error numbers (deterministic): T-SQL 50000 → -20000; any other n → -20000 - (n mod 1000)
(50001 → -20001, 51234 → -20234). Numbers that share n mod 1000 share a code.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0620", "procedural.errors", "procedural", __doc__)


@transform(RULE, exp.Anonymous, order="pre")
def error_functions(node: exp.Anonymous, ctx):
    name = node.name.upper()
    if not name.startswith("ERROR_"):
        return node
    variables = getattr(ctx, "variables", None) or {}
    if name == "ERROR_MESSAGE" and "@error_message" in variables:
        return exp.Var(this=variables["@error_message"])
    if name == "ERROR_NUMBER" and "@error_number" in variables:
        ctx.note(RULE, node, "ERROR_NUMBER() → SQLCODE: Oracle error codes are negative (-20000…-20999 for user "
                             "errors)")
        return exp.Var(this=variables["@error_number"])
    if name == "ERROR_SEVERITY" and variables:
        ctx.note(RULE, node, "ERROR_SEVERITY() → 16: Oracle errors have no severity")
        return exp.Literal.number(16)
    if name == "ERROR_STATE" and variables:
        ctx.note(RULE, node, "ERROR_STATE() → 1: Oracle errors have no state")
        return exp.Literal.number(1)
    if name == "ERROR_PROCEDURE" and variables:
        routine = variables.get("@routine_name")
        ctx.note(RULE, node, "ERROR_PROCEDURE() → the name of the routine handling the error; a nested callee that "
                             "raised it is named in DBMS_UTILITY.FORMAT_ERROR_BACKTRACE")
        return exp.Literal.string(routine) if routine else exp.Null()
    if name == "ERROR_LINE" and "@error_line" in variables:
        ctx.note(RULE, node, "ERROR_LINE() → the line in the converted Oracle unit where the error was raised "
                             "(from DBMS_UTILITY.FORMAT_ERROR_BACKTRACE), not the T-SQL line")
        return exp.Var(this=variables["@error_line"])
    ctx.todo(RULE, node, f"{name}() outside a CATCH block or without a PL/SQL equivalent")
    return node
