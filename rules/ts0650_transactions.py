"""Transactions: BEGIN/COMMIT/ROLLBACK/SAVE TRAN, @@TRANCOUNT, XACT_STATE(), SET XACT_ABORT.

Oracle starts a transaction implicitly with the first DML and has no nesting count, so:

=====================================  ==========================================================
T-SQL                                  PL/SQL
=====================================  ==========================================================
``BEGIN TRAN[SACTION] [name]``         removed (info)
``COMMIT [TRAN [name]]``               ``COMMIT;`` — note: T-SQL commits only at the outermost
                                       level (@@TRANCOUNT = 1), Oracle always ends the transaction
``SAVE TRAN sp``                       ``SAVEPOINT SP;``
``SAVE TRAN @v``                       ``EXECUTE IMMEDIATE 'SAVEPOINT ' || DBMS_ASSERT.SIMPLE_SQL_NAME(v_v);``
``ROLLBACK TRAN sp`` (a savepoint)     ``ROLLBACK TO SAVEPOINT SP;`` (dynamic for ``@v`` as above)
``ROLLBACK [TRAN [name]]``             ``ROLLBACK;``
``@@TRANCOUNT``                        ``CASE WHEN DBMS_TRANSACTION.LOCAL_TRANSACTION_ID IS NULL
                                       THEN 0 ELSE 1 END`` — note: 0/1 only, and Oracle counts a
                                       transaction from the first DML, not from BEGIN TRAN
``XACT_STATE()``                       the same 0/1 expression — note: Oracle has no uncommittable
                                       (-1) state; after an error the transaction stays usable
``SET XACT_ABORT ON|OFF``              removed, note (statement-level rollback on error in Oracle)
``SET TRANSACTION ISOLATION LEVEL``    removed, note
COMMIT/ROLLBACK in a function          TODO (a function called from SQL cannot end a transaction)
=====================================  ==========================================================

Example::

    BEGIN TRAN; SAVE TRAN s1; UPDATE t SET a = 1; IF @@ERROR <> 0 ROLLBACK TRAN s1; COMMIT;
    →  SAVEPOINT S1; UPDATE T SET A = 1; IF 0 <> 0 THEN ROLLBACK TO SAVEPOINT S1; END IF; COMMIT;

The statement handlers live in ``migrator/plsql/statements.py``.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0650", "procedural.transactions", "procedural", __doc__)


def transaction_active() -> exp.Expression:
    """0/1: is a transaction open in this session (the closest Oracle reading of @@TRANCOUNT > 0)."""
    return exp.Case(ifs=[exp.If(this=exp.Is(this=exp.Var(this="DBMS_TRANSACTION.LOCAL_TRANSACTION_ID"),
                                            expression=exp.Null()),
                                true=exp.Literal.number(0))],
                    default=exp.Literal.number(1))


def trancount(node, ctx) -> exp.Expression:
    ctx.note(RULE, node, "@@TRANCOUNT → 1 while a transaction is open (DBMS_TRANSACTION.LOCAL_TRANSACTION_ID), "
                         "else 0: Oracle transactions do not nest and start with the first DML, not BEGIN TRAN")
    return transaction_active()


@transform(RULE, exp.Anonymous, order="pre")
def xact_state(node: exp.Anonymous, ctx):
    if node.name.upper() != "XACT_STATE" or node.expressions or getattr(ctx, "variables", None) is None:
        return node
    if getattr(ctx, "xact_abort", False) and getattr(ctx, "in_catch", 0):
        # SET XACT_ABORT ON: every error dooms the open transaction, so a CATCH block sees -1 and must roll
        # back; reading 1 there would COMMIT the work done before the error
        ctx.note(RULE, node, "XACT_STATE() in a CATCH block under SET XACT_ABORT ON → -1 while a transaction is "
                             "open (the error doomed it in T-SQL), else 0")
        doomed = transaction_active()
        doomed.set("default", exp.Neg(this=exp.Literal.number(1)))
        return doomed
    ctx.note(RULE, node, "XACT_STATE() → 1 while a transaction is open, else 0: Oracle has no uncommittable (-1) "
                         "state, the transaction stays usable after an error")
    return transaction_active()
