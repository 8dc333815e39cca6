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


# SQL Server error numbers a CATCH block tests → the SQLCODE values Oracle raises for the same failure.
SYSTEM_ERRORS: dict[int, tuple[tuple[int, ...], str]] = {
    2601: ((-1,), "duplicate key (ORA-00001, DUP_VAL_ON_INDEX)"),
    2627: ((-1,), "duplicate key (ORA-00001, DUP_VAL_ON_INDEX)"),
    547: ((-2290, -2291, -2292), "constraint violation (ORA-02290 check, ORA-02291/-02292 foreign key)"),
    515: ((-1400, -1407), "NULL into a NOT NULL column (ORA-01400 / ORA-01407)"),
    1205: ((-60,), "deadlock victim (ORA-00060)"),
    1222: ((-54, -30006), "lock request timeout (ORA-00054 / ORA-30006)"),
    8134: ((-1476,), "divide by zero (ORA-01476)"),
    8152: ((-12899, -6502), "string or binary data would be truncated (ORA-12899 / ORA-06502)"),
    2628: ((-12899, -6502), "string or binary data would be truncated (ORA-12899 / ORA-06502)"),
    8115: ((-1438, -6502), "arithmetic overflow (ORA-01438 / ORA-06502)"),
    245: ((-1722, -6502), "conversion failed (ORA-01722 / ORA-06502)"),
}


def _is_error_number(e) -> bool:
    return isinstance(e, exp.Anonymous) and e.name.upper() == "ERROR_NUMBER" and not e.expressions


def _number(e) -> int | None:
    if isinstance(e, exp.Literal) and not e.is_string and e.name.lstrip("-").isdigit():
        return int(e.name)
    if isinstance(e, exp.Neg) and isinstance(e.this, exp.Literal) and e.this.name.isdigit():
        return -int(e.this.name)
    return None


def oracle_codes(n: int, ctx, node) -> list[int]:
    """The SQLCODE values that mean SQL Server error ``n``; TODO when no mapping is known."""
    from migrator.plsql.statements import error_number

    if n == 0:
        return [0]
    if n >= 50000:  # user errors: the deterministic RAISERROR/THROW mapping of this rule
        ctx.note(RULE, node, f"ERROR_NUMBER() = {n} → SQLCODE {error_number(n)} (the code RAISERROR/THROW {n} "
                             "raises after conversion)")
        return [error_number(n)]
    if n in SYSTEM_ERRORS:
        codes, what = SYSTEM_ERRORS[n]
        ctx.note(RULE, node, f"SQL Server error {n} ({what.split(' (')[0]}) → SQLCODE "
                             f"{', '.join(str(c) for c in codes)} {what[what.find('('):]}")
        return list(codes)
    ctx.todo(RULE, node, f"ERROR_NUMBER() compared with SQL Server error {n}: no Oracle SQLCODE mapping is known; "
                         "test SQLCODE (or a named exception) by hand")
    return []


def _lits(codes: list[int]) -> list[exp.Expression]:
    return [exp.Literal.number(c) if c >= 0 else exp.Neg(this=exp.Literal.number(-c)) for c in codes]


@transform(RULE, exp.EQ, exp.NEQ, exp.In, order="pre")
def error_number_compare(node, ctx):
    """``ERROR_NUMBER() = 2627`` / ``IN (2601, 2627)`` → the Oracle codes of the same error
    (``= -1``): compared with the SQL Server number, the test would never be true."""
    if not (getattr(ctx, "variables", None) or {}).get("@error_number") or node.meta.get("error_codes"):
        return node
    node.meta["error_codes"] = True
    if isinstance(node, exp.In):
        if not _is_error_number(node.this) or not node.expressions:
            return node
        nums = [_number(e) for e in node.expressions]
        if any(n is None for n in nums):
            return node
        codes = list(dict.fromkeys(c for n in nums for c in oracle_codes(n, ctx, node)))
        if len(codes) == 1 and not node.args.get("is_not"):
            eq = exp.EQ(this=node.this.copy(), expression=_lits(codes)[0])
            eq.meta["error_codes"] = True
            return eq
        node.set("expressions", _lits(codes))
        return node
    left, right = node.this, node.expression
    side = "expression" if _is_error_number(left) else "this" if _is_error_number(right) else None
    if side is None:
        return node
    n = _number(node.args[side])
    if n is None:
        return node
    codes = oracle_codes(n, ctx, node)
    if len(codes) == 1:
        node.set(side, _lits(codes)[0])
        return node
    err = (left if side == "expression" else right).copy()
    test = exp.In(this=err, expressions=_lits(codes))
    test.meta["error_codes"] = True
    return exp.Not(this=exp.Paren(this=test)) if isinstance(node, exp.NEQ) else exp.Paren(this=test)
