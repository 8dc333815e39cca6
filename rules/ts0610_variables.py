"""T-SQL variables and parameters → PL/SQL locals and parameters; ``@@`` system variables.

``@Foo`` → ``v_foo`` (locals) / ``p_foo`` (parameters), declared in the routine's
declaration section (prefixes configurable). System variables:

=================  ==============================================================
T-SQL              PL/SQL
=================  ==============================================================
@@ROWCOUNT         ``v_rowcount``, captured with ``SQL%ROWCOUNT`` right after each SQL statement
@@FETCH_STATUS = 0 ``c_cursor%FOUND`` of the cursor fetched last (``<> 0`` → ``%NOTFOUND``)
@@ERROR            ``0`` with a note: a failing statement raises an exception in PL/SQL
@@SPID             ``SYS_CONTEXT('USERENV', 'SID')``
@@SERVERNAME       ``SYS_CONTEXT('USERENV', 'SERVER_HOST')``
@@TRANCOUNT       0/1 from ``DBMS_TRANSACTION.LOCAL_TRANSACTION_ID`` with a note (TS0650)
@@IDENTITY, others marked TODO
=================  ==============================================================

A variable used in plain SQL outside a routine or script block stays a TODO.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0610", "procedural.variables", "procedural", __doc__)


def _sys(node):
    if isinstance(node, exp.Parameter) and isinstance(node.this, exp.Parameter):
        inner = node.this.this
        return inner.name.upper() if isinstance(inner, exp.Var) else None
    return None


def _userenv(attr: str) -> exp.Expression:
    return exp.Anonymous(this="SYS_CONTEXT", expressions=[exp.Literal.string("USERENV"), exp.Literal.string(attr)])


@transform(RULE, exp.Parameter, order="pre")
def variable(node: exp.Parameter, ctx):
    variables = getattr(ctx, "variables", None)
    sysvar = _sys(node)
    if sysvar is not None:
        if variables is None:
            ctx.todo(RULE, node, f"@@{sysvar} outside a routine")
        if sysvar == "ROWCOUNT" and "@rowcount" in variables:
            return exp.Var(this=variables["@rowcount"])
        if sysvar == "IDENTITY" and "@identity" in variables:  # TS0691: RETURNING … INTO v_identity
            ctx.note(RULE, node, "@@IDENTITY → the id returned by the INSERT (it also saw trigger inserts in T-SQL)")
            return exp.Var(this=variables["@identity"])
        if sysvar == "ERROR":
            ctx.note(RULE, node, "@@ERROR is 0 here: in PL/SQL a failing statement raises an exception instead "
                                 "(handle it in an EXCEPTION section)")
            return exp.Literal.number(0)
        if sysvar == "SPID":
            return _userenv("SID")
        if sysvar == "SERVERNAME":
            return _userenv("SERVER_HOST")
        if sysvar == "TRANCOUNT":
            from rules.ts0650_transactions import trancount

            return trancount(node, ctx)
        if sysvar == "FETCH_STATUS":
            ctx.todo(RULE, node, "@@FETCH_STATUS outside a comparison with 0")
        ctx.todo(RULE, node, f"@@{sysvar} has no PL/SQL equivalent here")
    if variables is None or not isinstance(node.this, exp.Var):
        return node  # left for the guard: a variable in plain SQL
    name = node.this.name
    target = variables.get(name.casefold())
    if target is None:
        ctx.todo(RULE, node, f"variable @{name} is not declared")
    return exp.Var(this=target)


@transform(RULE, exp.EQ, exp.NEQ, order="pre")
def fetch_status(node, ctx):
    variables = getattr(ctx, "variables", None)
    left, right = node.this, node.expression
    if _sys(right) == "FETCH_STATUS":
        left, right = right, left
    if _sys(left) != "FETCH_STATUS" or variables is None:
        return node
    cursor = variables.get("@fetch_cursor")
    if cursor is None:
        ctx.todo(RULE, node, "@@FETCH_STATUS before any FETCH")
    value = right.name if isinstance(right, exp.Literal) else None
    if isinstance(right, exp.Neg) and isinstance(right.this, exp.Literal):
        value = "-" + right.this.name
    if value is None:
        ctx.todo(RULE, node, "@@FETCH_STATUS compared with a non-literal")
    if value == "-2":  # row deleted/changed since a KEYSET cursor was opened: a PL/SQL cursor reads a snapshot
        ctx.note(RULE, node, "@@FETCH_STATUS = -2 (row missing since a KEYSET cursor opened) cannot happen on a "
                             "read-consistent PL/SQL cursor: the test is constant")
        return exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(0 if isinstance(node, exp.EQ) else 1))
    if value not in {"0", "-1"}:
        ctx.todo(RULE, node, f"@@FETCH_STATUS compared with {value}: only 0, -1 and -2 have a PL/SQL form")
    found = (value == "0") == isinstance(node, exp.EQ)
    return exp.Var(this=f"{cursor}%{'FOUND' if found else 'NOTFOUND'}")
